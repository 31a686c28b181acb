// SPDX-License-Identifier: Apache-2.0
// App: the configured services, their dispatchers and drivers; one per worker.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <functional>

#include <jumpgate/config.hpp>
#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/operations.hpp>

namespace jumpgate {

namespace identity {
class Driver;
}
namespace compute {
class Driver;
}
namespace image {
class Driver;
}
namespace volume {
class Driver;
}
namespace network {
class Driver;
}

/* Installed: a service's typed driver and the operations it overrides; empty when none is. */
template <class D> struct Installed {
    std::shared_ptr<const D> driver;
    Operations operations;
};

/* Services Jumpgate mounts, in the order of the root index. */
inline constexpr std::string_view kServices[] = {"identity", "compute", "image", "volume", "network", "baremetal"};

class App {
  public:
    App();
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    Config& config() { return config_; }
    const Config& config() const { return config_; }

    /*
     * set_checking: before start(), say that the App is only checked (--check-config, --coverage),
     * never to serve. checking: whether it is. A driver that is told so reads its options and
     * builds its services as for serving, so that every error is found, but creates nothing on
     * disk (no state directory, database, key or file) and opens what exists read-only.
     */
    void set_checking(bool checking) { checking_ = checking; }
    bool checking() const { return checking_; }

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

    /*
     * compute, image, volume, network: the typed driver each service's module
     * installed, in whatever module, so that one service calls another's (Nova's
     * volume calls reach the block storage driver); set by their install().
     */
    const Installed<compute::Driver>& compute() const { return compute_; }
    const Installed<image::Driver>& image() const { return image_; }
    const Installed<volume::Driver>& volume() const { return volume_; }
    const Installed<network::Driver>& network() const { return network_; }
    void set_compute(Installed<compute::Driver> installed) { compute_ = std::move(installed); }
    void set_image(Installed<image::Driver> installed) { image_ = std::move(installed); }
    void set_volume(Installed<volume::Driver> installed) { volume_ = std::move(installed); }
    void set_network(Installed<network::Driver> installed) { network_ = std::move(installed); }
    /*
     * when_loaded: run `step` once every configured driver is loaded: what
     * serves one service from another's driver binds there.
     */
    void when_loaded(std::function<void(App&)> step) { when_loaded_.push_back(std::move(step)); }

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
    Installed<compute::Driver> compute_;
    Installed<image::Driver> image_;
    Installed<volume::Driver> volume_;
    Installed<network::Driver> network_;
    std::vector<std::function<void(App&)>> when_loaded_;
    bool authenticates_ = false;
    bool require_authentication_ = true;
    std::vector<Hook> before_;
    std::vector<Hook> after_;
    bool checking_ = false;
};

} // namespace jumpgate
