// SPDX-License-Identifier: Apache-2.0
// The local driver: the embedded default cloud, state in SQLite under the state directory.
#include <sys/stat.h>

#include <jumpgate/driver.hpp>

#include "local.hpp"
#include "network.hpp"

namespace {

using jumpgate::App;
using jumpgate::local::Database;

// One database per worker, opened at start-up and shared by every service of the driver.
std::shared_ptr<Database> database(App& app)
{
    static std::shared_ptr<Database> db;
    if (db)
        return db;
    std::string path = app.state_dir() + "/jumpgate.sqlite";
    app.config().declare("general", "max_database_size", "0",
                         "local driver: the largest the database grows (bytes, K, M, G); past it a change "
                         "answers 503 as a full disk does. 0: no limit but the disk's");
    std::size_t limit = app.config().size("general", "max_database_size");
    if (app.checking()) {
        db = std::make_shared<Database>(path, jumpgate::local::migrations(), Database::Access::read_only);
        return db;
    }
    mkdir(app.state_dir().c_str(), 0750);
    db = std::make_shared<Database>(path, jumpgate::local::migrations());
    if (limit)
        db->limit_size(limit);
    // Workers learn that identity or the flavors changed from these shared counts, without a query.
    db->count_commits_to("identity_generation", path + "-identity-commits");
    db->count_commits_to("flavor_generation", path + "-flavor-commits");
    return db;
}

// build_seconds of `section`: how long the local cloud's servers or volumes take to change.
int build_seconds(App& app, const char* section, const char* what)
{
    app.config().declare(section, "build_seconds", "1",
                         std::string("local driver: seconds ") + what + " before it is done (0 to 86400)");
    return static_cast<int>(app.config().integer(section, "build_seconds", 0, 86400));
}

// The block storage driver, shared by the volume service and Compute's volumes extension.
std::shared_ptr<const jumpgate::local::Volume> volumes(App& app)
{
    static std::shared_ptr<const jumpgate::local::Volume> driver;
    if (!driver) {
        int seconds = build_seconds(app, "volume", "a volume spends creating (and any change of status takes)");
        driver = std::make_shared<const jumpgate::local::Volume>(database(app), app.state_dir() + "/volumes",
                                                                 app.state_dir() + "/images", seconds);
        if (!app.checking())
            driver->storesMake();
    }
    return driver;
}

// The network driver, shared by the network service and (for servers' ports) Compute.
std::shared_ptr<const jumpgate::local::Network> networks(App& app)
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
        int seconds = build_seconds(app, "compute", "a server spends in BUILD (and any task takes)");
        app.config().declare("compute", "reclaim_instance_interval", "0",
                             "local driver: seconds a deleted server stays SOFT_DELETED, restorable, before it is "
                             "reclaimed (0: deleted at once; at most 31536000), as Nova's option");
        int reclaim = static_cast<int>(app.config().integer("compute", "reclaim_instance_interval", 0, 31536000));
        auto compute = std::make_shared<const jumpgate::local::Compute>(database(app), app.state_dir() + "/images",
                                                                        seconds, volumes(app), networks(app), reclaim);
        jumpgate::compute::install(app, disp, compute);
    } else if (service == "image") {
        auto images = std::make_shared<const jumpgate::local::Image>(database(app), app.state_dir() + "/images");
        if (!app.checking()) {
            images->storeMake();
            images->uploadsSweep();
        }
        jumpgate::image::install(app, disp, images);
    } else if (service == "volume")
        jumpgate::volume::install(app, disp, volumes(app));
    else if (service == "network") {
        jumpgate::network::install(app, disp, networks(app));
    } else if (service == "identity") {
        jumpgate::Config& cfg = app.config();
        cfg.declare("identity", "lockout_failure_attempts", "0",
                    "local driver: failed passwords in a row that lock a user out (0: never; at most 1000), as "
                    "Keystone's [security_compliance]");
        cfg.declare("identity", "lockout_duration", "1800",
                    "local driver: seconds a locked-out user waits (1 to 31536000)");
        cfg.declare("identity", "unique_last_password_count", "0",
                    "local driver: a new password must differ from this many last ones, the current included "
                    "(0: no history; at most 1000)");
        jumpgate::local::SecurityCompliance rules{
            static_cast<int>(cfg.integer("identity", "lockout_failure_attempts", 0, 1000)),
            static_cast<int>(cfg.integer("identity", "lockout_duration", 1, 31536000)),
            static_cast<int>(cfg.integer("identity", "unique_last_password_count", 0, 1000))};
        jumpgate::identity::install(app, disp, std::make_shared<const jumpgate::local::Identity>(database(app), rules));
    }
}
