// SPDX-License-Identifier: Apache-2.0
// The SoftLayer driver's entry point: its options, and the services it serves for each configured with it.
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <jumpgate/driver.hpp>

#include "guests.hpp"
#include "resources.hpp"
#include "softlayer.hpp"

using namespace jumpgate;

namespace {

void declare_options(Config& cfg)
{
    cfg.declare("softlayer", "api_url", "https://api.softlayer.com/rest/v3.1/", "SoftLayer: the REST API's base URL");
    cfg.declare("softlayer", "timeout", "60", "SoftLayer: seconds a call may take in all");
    cfg.declare("softlayer", "retries", "3",
                "SoftLayer: how many more times a call is tried, with back-off, when SoftLayer is overloaded "
                "(429) or failing (5xx)");
    cfg.declare("softlayer", "ca_file", "", "SoftLayer: the certificate authorities to trust; empty: the system's");
    cfg.declare("compute", "flavors", "",
                "SoftLayer: a JSON file of the flavors offered (id, name, vcpus, ram, disk, local_disk, nic_speed); "
                "empty: five built in");
    cfg.declare("compute", "domain", "jumpgate.local", "SoftLayer: the domain of the guests' host names");
    cfg.declare("compute", "default_availability_zone", "",
                "SoftLayer: the datacenter of a server whose create names no zone; empty: a zone must be named");
    cfg.declare("compute", "hourly_billing", "true", "SoftLayer: order guests billed by the hour (else monthly)");
}

/* client: the worker's one SoftLayer client, shared by the services configured with this driver. */
std::shared_ptr<const softlayer::Client> client(const Config& cfg)
{
    static std::shared_ptr<const softlayer::Client> shared;
    if (!shared)
        shared = std::make_shared<const softlayer::Client>(
            softlayer::Settings{.api_url = cfg.get("softlayer", "api_url"),
                                .timeout = static_cast<long>(cfg.integer("softlayer", "timeout", 1, 86400)),
                                .retries = static_cast<int>(cfg.integer("softlayer", "retries", 0, 10)),
                                .ca_file = cfg.get("softlayer", "ca_file")});
    return shared;
}

softlayer::ComputeSettings compute_settings(const Config& cfg)
{
    softlayer::ComputeSettings s;
    const std::string& file = cfg.get("compute", "flavors");
    if (file.empty()) {
        s.flavors = softlayer::default_flavors();
    } else {
        std::ifstream in(file);
        if (!in)
            throw std::invalid_argument("[compute] flavors = " + file + ": cannot be read");
        std::stringstream text;
        text << in.rdbuf();
        try {
            s.flavors = softlayer::flavor_table(text.str());
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("[compute] flavors = " + file + ": " + e.what());
        }
    }
    s.domain = cfg.get("compute", "domain");
    s.default_zone = cfg.get("compute", "default_availability_zone");
    s.hourly = cfg.boolean("compute", "hourly_billing");
    return s;
}

} // namespace

JUMPGATE_DRIVER(app, disp)
{
    Config& cfg = app.config();
    declare_options(cfg);
    std::string_view service = disp.service();
    if (service == "identity") {
        if (!app.checking())
            mkdir(app.state_dir().c_str(), 0750);
        auto revocations = std::make_shared<softlayer::Revocations>(app.state_dir() + "/softlayer-revoked-tokens");
        identity::install(app, disp, std::make_shared<const softlayer::Identity>(client(cfg), revocations));
    } else if (service == "compute") {
        compute::install(app, disp, std::make_shared<const softlayer::Compute>(client(cfg), compute_settings(cfg)));
    } else if (service == "image") {
        image::install(app, disp, std::make_shared<const softlayer::Images>(client(cfg)));
    } else if (service == "volume") {
        cfg.declare("volume", "default_availability_zone", "",
                    "SoftLayer: the datacenter of a volume whose create names no zone; empty: a zone must be named");
        volume::install(
            app, disp,
            std::make_shared<const softlayer::Volumes>(client(cfg), cfg.get("volume", "default_availability_zone")));
    } else if (service == "network") {
        network::install(app, disp, std::make_shared<const softlayer::Networks>(client(cfg)));
    }
}
