// SPDX-License-Identifier: Apache-2.0
// App: mounts the configured services, loads their driver modules, routes requests.
#include <jumpgate/app.hpp>

#include <algorithm>
#include <dirent.h>
#include <dlfcn.h>
#include <unistd.h>
#include <utility>

#include <jumpgate/driver.hpp>
#include <jumpgate/log.hpp>

#include "api/baremetal/baremetal.hpp"
#include "api/compute/compute.hpp"
#include "api/identity/identity.hpp"
#include "api/image/image.hpp"
#include "api/index/index.hpp"
#include "api/network/network.hpp"
#include "api/volume/volume.hpp"

#ifndef JUMPGATE_MODULE_DIR
#define JUMPGATE_MODULE_DIR "/usr/lib/jumpgate/drivers"
#endif
#ifndef JUMPGATE_STATE_DIR
#define JUMPGATE_STATE_DIR "/var/lib/jumpgate"
#endif

namespace jumpgate {

namespace {

struct ServiceApi {
    const ServiceSpec* spec;
    void (*install_versions)(Dispatcher&);
    const char* default_driver;
};

const ServiceApi* service_api(std::string_view name)
{
    static const ServiceApi apis[] = {
        {&api::identity::kSpec, &api::identity::install_versions, "local"},
        {&api::compute::kSpec, &api::compute::install_versions, "local"},
        {&api::image::kSpec, &api::image::install_versions, "local"},
        {&api::volume::kSpec, &api::volume::install_versions, "local"},
        {&api::network::kSpec, &api::network::install_versions, "local"},
        {&api::baremetal::kSpec, &api::baremetal::install_versions, ""},
    };
    for (const auto& a : apis)
        if (a.spec->name == name)
            return &a;
    return nullptr;
}

using SetupRoutes = void (*)(App&, Dispatcher&);

} // namespace

struct App::Module {
    std::string path;
    void* handle;
    SetupRoutes setup;
};

const ServiceSpec* App::spec(std::string_view name)
{
    const ServiceApi* api = service_api(name);
    return api ? api->spec : nullptr;
}

App::App()
{
    config_.declare("general", "state_dir", JUMPGATE_STATE_DIR, "directory where drivers keep their state");
    config_.declare("general", "log_level", "info", "debug, info, warning or error");
    config_.declare("general", "log_file", "", "file the worker appends its log to; empty: standard error");
    config_.declare("general", "max_body_size", "10G",
                    "largest request body accepted (bytes, K, M, G); larger gets 413");
    config_.declare("general", "max_json_size", "1M", "largest JSON body parsed in memory; larger gets 413");
    config_.declare("general", "module_dir", JUMPGATE_MODULE_DIR, "directory of the driver modules jumpgate_NAME.so");
    for (auto name : kServices) {
        const ServiceApi* api = service_api(name);
        config_.declare(name, "driver", api->default_driver,
                        "driver of the service: a module name or a path to a .so; "
                        "empty: not mounted");
        config_.declare(name, "mount", api->spec->default_mount, "URL prefix of the service");
    }
    config_.declare("general", "require_authentication", "true",
                    "false: services may be mounted with no identity driver to validate tokens, "
                    "every request then anonymous (tests only)");
    config_.declare("identity", "token_expiration", "3600", "lifetime of a token, in seconds (60 to 31536000)");
    config_.declare("identity", "key_repository", "", "directory of the token keys; empty: STATE_DIR/token-keys");
    config_.declare("identity", "region", "RegionOne",
                    "region of the catalog's own endpoints (a driver that stores the catalog stores them once)");
    config_.declare("image", "accel_redirect", "",
                    "URI prefix of an internal nginx location aliased to the image store: downloads "
                    "answer X-Accel-Redirect to PREFIX<image id> and nginx sends the file; empty: the "
                    "worker sends the bytes");
}

App::~App() = default;

std::vector<ConfigError> App::start()
{
    std::vector<ConfigError> errors;
    // An option's error joins the others: every bad value is reported at once.
    auto collect = [&](auto step) {
        try {
            step();
        } catch (const InvalidOption& e) {
            errors.push_back(e.error());
        }
    };
    collect([&] {
        try {
            log::set_level(log::parse_level(config_.get("general", "log_level")));
        } catch (const std::invalid_argument&) {
            throw config_.invalid("general", "log_level", "is not a log level (debug, info, warning or error)");
        }
    });
    collect([&] { max_body_ = config_.size("general", "max_body_size"); });
    collect([&] { max_json_ = config_.size("general", "max_json_size"); });
    collect([&] { require_authentication_ = config_.boolean("general", "require_authentication"); });

    index_ = std::make_unique<Dispatcher>(api::index::kSpec, "");
    api::index::install(*this, *index_);
    services_.clear();
    bool identity_failed = false;
    for (auto name : kServices) {
        const std::string& driver = config_.get(name, "driver");
        if (driver.empty())
            continue;
        const ServiceApi* api = service_api(name);
        std::string mount = config_.get(name, "mount");
        if (!mount.empty() && mount.front() != '/')
            mount.insert(mount.begin(), '/');
        auto disp = std::make_unique<Dispatcher>(*api->spec, mount);
        disp->set_config(&config_);
        api->install_versions(*disp);
        std::size_t before = errors.size();
        load_driver(name, driver, *disp, errors);
        identity_failed = identity_failed || (name == "identity" && errors.size() > before);
        services_.emplace(std::string(name), std::move(disp));
    }
    for (auto& step : std::exchange(when_loaded_, {}))
        step(*this);
    // An identity driver that did not load has said why: that nothing validates tokens follows.
    if (!identity_failed)
        check_authentication(errors);
    const std::string& accel = config_.get("image", "accel_redirect");
    if (!accel.empty() && accel.front() != '/')
        errors.push_back(config_.invalid("image", "accel_redirect", "is not an absolute URI path").error());
    for (auto& e : config_.validate())
        errors.push_back(std::move(e));
    return errors;
}

void App::set_authenticator(Hook hook)
{
    before_.insert(before_.begin(), std::move(hook));
    authenticates_ = true;
}

// Services that answer anyone are a deployment's choice, never the default's accident.
void App::check_authentication(std::vector<ConfigError>& errors) const
{
    bool open_service = false;
    for (const auto& [name, d] : services_)
        open_service = open_service || name != "identity";
    if (!open_service || authenticates_ || !require_authentication_)
        return;
    int line = config_.line_of("identity", "driver");
    const std::string& identity = config_.get("identity", "driver");
    errors.push_back({line ? config_.file() : std::string(), line,
                      "[identity] driver " + (identity.empty() ? std::string("(none)") : identity) +
                          ": no driver validates tokens, and the services mounted would answer anyone; "
                          "name an identity driver that authenticates users, or set [general] "
                          "require_authentication = false for a deployment without authentication (tests only)"});
}

std::vector<std::string> App::drivers_found() const
{
    std::vector<std::string> names;
    const std::string& dir = config_.get("general", "module_dir");
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d)) {
            std::string_view f = e->d_name;
            if (f.size() > 12 && f.substr(0, 9) == "jumpgate_" && f.substr(f.size() - 3) == ".so")
                names.emplace_back(f.substr(9, f.size() - 12));
        }
        closedir(d);
    }
    std::sort(names.begin(), names.end());
    return names;
}

void App::load_driver(std::string_view service, const std::string& driver, Dispatcher& disp,
                      std::vector<ConfigError>& errors)
{
    int line = config_.line_of(service, "driver");
    auto fail = [&](std::string message) {
        errors.push_back({line ? config_.file() : std::string(), line,
                          "[" + std::string(service) + "] driver " + driver + ": " + message});
    };
    std::string path = driver.find('/') != std::string::npos
                           ? driver
                           : config_.get("general", "module_dir") + "/jumpgate_" + driver + ".so";
    Module* module = nullptr;
    for (auto& m : modules_)
        if (m->path == path)
            module = m.get();
    if (!module) {
        if (driver.find('/') == std::string::npos && access(path.c_str(), F_OK) != 0) {
            std::string found;
            for (const auto& n : drivers_found())
                found += (found.empty() ? "" : ", ") + n;
            fail("not found in " + config_.get("general", "module_dir") +
                 " (drivers found: " + (found.empty() ? "none" : found) + ")");
            return;
        }
        // RTLD_LOCAL: every driver exports the same setup_routes; each is looked up by handle.
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            fail(std::string("cannot load: ") + dlerror());
            return;
        }
        auto abi = static_cast<const int*>(dlsym(handle, "jumpgate_abi_version"));
        auto setup = reinterpret_cast<SetupRoutes>(dlsym(handle, "setup_routes"));
        if (!abi || !setup) {
            fail("not a Jumpgate driver (no JUMPGATE_DRIVER entry point)");
            dlclose(handle);
            return;
        }
        if (*abi != JUMPGATE_ABI_VERSION) {
            fail("built for driver ABI " + std::to_string(*abi) + ", this is " + std::to_string(JUMPGATE_ABI_VERSION) +
                 "; rebuild it");
            dlclose(handle);
            return;
        }
        modules_.push_back(std::make_unique<Module>(Module{path, handle, setup}));
        module = modules_.back().get();
    }
    try {
        module->setup(*this, disp);
    } catch (const InvalidOption& e) {
        // Its own line says more than the driver's; the services of one driver may read the same option.
        const ConfigError& error = e.error();
        if (std::none_of(errors.begin(), errors.end(),
                         [&](const ConfigError& seen) { return seen.str() == error.str(); }))
            errors.push_back(error);
    } catch (const std::exception& e) {
        fail(std::string("setup_routes failed: ") + e.what());
    }
}

Dispatcher* App::dispatcher(std::string_view name)
{
    auto it = services_.find(name);
    return it == services_.end() ? nullptr : it->second.get();
}

const Dispatcher* App::dispatcher(std::string_view name) const
{
    auto it = services_.find(name);
    return it == services_.end() ? nullptr : it->second.get();
}

std::vector<const Dispatcher*> App::dispatchers() const
{
    std::vector<const Dispatcher*> out;
    for (auto name : kServices)
        if (const Dispatcher* d = dispatcher(name))
            out.push_back(d);
    return out;
}

const std::string& App::state_dir() const
{
    return config_.get("general", "state_dir");
}

void App::handle(Request& req, Response& resp) const
{
    const Dispatcher* target = index_.get();
    std::string_view path = req.path();
    std::string_view service = req.env("JUMPGATE_SERVICE");
    if (!service.empty()) {
        if (const Dispatcher* d = dispatcher(service))
            target = d;
        req.mount_.clear();
    } else {
        std::size_t best = 0;
        for (const auto& [name, d] : services_) {
            const std::string& m = d->mount();
            if (m.size() > best && path.substr(0, m.size()) == m &&
                (path.size() == m.size() || path[m.size()] == '/')) {
                target = d.get();
                best = m.size();
            }
        }
        req.mount_ = target->mount();
        path.remove_prefix(best);
    }
    if (path.empty())
        path = "/";
    target->handle(req, resp, path, before_, after_);
}

} // namespace jumpgate
