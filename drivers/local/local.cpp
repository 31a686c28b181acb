// SPDX-License-Identifier: Apache-2.0
// The local driver: the embedded default cloud, state in SQLite under the state directory.
#include <sys/stat.h>

#include <jumpgate/driver.hpp>

#include "local.hpp"
#include "network.hpp"

namespace {

// One database per worker, opened at start-up and shared by every service of the driver.
std::shared_ptr<jumpgate::local::Database> database(jumpgate::App& app)
{
    static std::shared_ptr<jumpgate::local::Database> db;
    if (!db) {
        mkdir(app.state_dir().c_str(), 0750);
        std::string path = app.state_dir() + "/jumpgate.sqlite";
        db = std::make_shared<jumpgate::local::Database>(path, jumpgate::local::migrations());
        app.config().declare("general", "max_database_size", "0",
                             "local driver: the largest the database grows (bytes, K, M, G); past it a change "
                             "answers 503 as a full disk does. 0: no limit but the disk's");
        if (auto limit = jumpgate::Config::parse_size(app.config().get("general", "max_database_size")))
            db->limit_size(limit);
        // Workers learn that identity or the flavors changed from these shared counts, without a query.
        db->count_commits_to("identity_generation", path + "-identity-commits");
        db->count_commits_to("flavor_generation", path + "-flavor-commits");
    }
    return db;
}

// The block storage driver, shared by the volume service and Compute's volumes extension.
std::shared_ptr<const jumpgate::local::Volume> volumes(jumpgate::App& app)
{
    static std::shared_ptr<const jumpgate::local::Volume> driver;
    if (!driver) {
        app.config().declare("volume", "build_seconds", "1",
                             "local driver: seconds a volume spends creating (and any change of status takes) "
                             "before it is done");
        driver = std::make_shared<const jumpgate::local::Volume>(
            database(app), app.state_dir() + "/volumes", app.state_dir() + "/images",
            std::stoi(app.config().get("volume", "build_seconds")));
    }
    return driver;
}

// The network driver, shared by the network service and (for servers' ports) Compute.
std::shared_ptr<const jumpgate::local::Network> networks(jumpgate::App& app)
{
    static std::shared_ptr<const jumpgate::local::Network> driver;
    if (!driver)
        driver = std::make_shared<const jumpgate::local::Network>(database(app));
    return driver;
}

} // namespace

JUMPGATE_DRIVER(app, disp)
{
    std::string_view service = disp.service();
    if (service == "compute") {
        app.config().declare("compute", "build_seconds", "1",
                             "local driver: seconds a server spends in BUILD (and any task takes) before it is done");
        auto compute = std::make_shared<const jumpgate::local::Compute>(
            database(app), app.state_dir() + "/images", std::stoi(app.config().get("compute", "build_seconds")),
            volumes(app), networks(app));
        jumpgate::compute::install(app, disp, compute);
    } else if (service == "image") {
        auto images = std::make_shared<const jumpgate::local::Image>(database(app), app.state_dir() + "/images");
        images->uploadsSweep();
        jumpgate::image::install(app, disp, images);
    } else if (service == "volume")
        jumpgate::volume::install(app, disp, volumes(app));
    else if (service == "network") {
        jumpgate::network::install(app, disp, networks(app));
    } else if (service == "identity") {
        jumpgate::Config& cfg = app.config();
        cfg.declare("identity", "lockout_failure_attempts", "0",
                    "local driver: failed passwords in a row that lock a user out (0: never), as Keystone's "
                    "[security_compliance]");
        cfg.declare("identity", "lockout_duration", "1800", "local driver: seconds a locked-out user waits");
        cfg.declare("identity", "unique_last_password_count", "0",
                    "local driver: a new password must differ from this many last ones, the current included "
                    "(0: no history)");
        jumpgate::local::SecurityCompliance rules{std::stoi(cfg.get("identity", "lockout_failure_attempts")),
                                                  std::stoi(cfg.get("identity", "lockout_duration")),
                                                  std::stoi(cfg.get("identity", "unique_last_password_count"))};
        jumpgate::identity::install(app, disp, std::make_shared<const jumpgate::local::Identity>(database(app), rules));
    }
}
