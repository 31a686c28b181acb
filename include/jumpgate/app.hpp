// SPDX-License-Identifier: Apache-2.0
// App: the configured services, their dispatchers and drivers; one per worker.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <jumpgate/config.hpp>
#include <jumpgate/dispatcher.hpp>

namespace jumpgate {

namespace identity {
class Driver;
}

/* Services Jumpgate mounts, in the order of the root index. */
inline constexpr std::string_view kServices[] = {"identity", "compute", "image", "volume",
                                                  "network", "baremetal"};

class App {
public:
    App();
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    Config& config() { return config_; }
    const Config& config() const { return config_; }

    /*
     * start: mount every service of kServices whose section names a driver,
     * load the drivers and call their setup_routes(), then validate the whole
     * configuration. Returns the errors; the App serves only when there are none.
     */
    std::vector<ConfigError> start();

    /* dispatcher: the service called `name`, or nullptr when it is not mounted. */
    Dispatcher* dispatcher(std::string_view name);
    const Dispatcher* dispatcher(std::string_view name) const;
    std::vector<const Dispatcher*> dispatchers() const;

    /* Global hooks run around every service's own hooks. */
    void add_before_hook(Hook hook) { before_.push_back(std::move(hook)); }
    /*
     * set_authenticator: the hook that turns a request's token into its Context (or
     * refuses it), run before every other; installed by identity::install when the
     * identity driver can validate tokens. start() refuses to mount services without
     * one unless [general] require_authentication is false.
     */
    void set_authenticator(Hook hook);
    void add_after_hook(Hook hook) { after_.push_back(std::move(hook)); }

    /*
     * handle: route `req` to the service whose mount prefixes its path (or the
     * one named by the JUMPGATE_SERVICE parameter, for per-service ports) and
     * serve it. Never throws: every error becomes a fault response.
     */
    void handle(Request& req, Response& resp) const;

    /* state_dir: the directory drivers keep their state under. */
    const std::string& state_dir() const;
    /* max_body, max_json: the caps on request bodies, from [general]. */
    std::size_t max_body() const { return max_body_; }
    std::size_t max_json() const { return max_json_; }

    /* identity: the Identity driver installed by the identity service's driver, or nullptr. */
    const identity::Driver* identity() const { return identity_.get(); }
    void set_identity(std::shared_ptr<const identity::Driver> driver) { identity_ = std::move(driver); }

    /* spec: the catalogue of service `name` (mounted or not), or nullptr. */
    static const ServiceSpec* spec(std::string_view name);

    /* drivers_found: names of the driver modules in the module directory. */
    std::vector<std::string> drivers_found() const;

private:
    struct Module;
    void load_driver(std::string_view service, const std::string& driver, Dispatcher& disp,
                     std::vector<ConfigError>& errors);
    void check_authentication(std::vector<ConfigError>& errors) const;

    Config config_;
    // Modules first: the dispatchers hold handlers whose code lives in them.
    std::vector<std::unique_ptr<Module>> modules_;
    std::unique_ptr<Dispatcher> index_;
    std::map<std::string, std::unique_ptr<Dispatcher>, std::less<>> services_;
    std::size_t max_body_ = 0;
    std::size_t max_json_ = 0;
    std::shared_ptr<const identity::Driver> identity_;
    bool authenticates_ = false;
    std::vector<Hook> before_;
    std::vector<Hook> after_;
};

} // namespace jumpgate
