// SPDX-License-Identifier: Apache-2.0
// The OpenStack driver's entry point: its options, and the services it serves for each configured with it.
#include <sys/stat.h>

#include <set>
#include <stdexcept>

#include <jumpgate/driver.hpp>

#include "image.hpp"
#include "openstack.hpp"
#include "volume.hpp"

using namespace jumpgate;

namespace {

void declare_options(Config& cfg)
{
    cfg.declare("openstack", "auth_url", "", "OpenStack: the upstream's identity endpoint (http://host:5000/v3)");
    cfg.declare("openstack", "region_name", "", "OpenStack: the upstream catalog's region to use; empty: any");
    cfg.declare("openstack", "interface", "public", "OpenStack: the upstream catalog's interface to use");
    cfg.declare("openstack", "timeout", "60",
                "OpenStack: seconds the upstream may take to answer, and the most its body may stall");
    cfg.declare("openstack", "connect_timeout", "10", "OpenStack: seconds to connect to the upstream");
    cfg.declare("openstack", "ca_file", "", "OpenStack: the certificate authorities to trust; empty: the system's");
    cfg.declare("openstack", "recheck_seconds", "30",
                "OpenStack: how long a worker trusts what the upstream said of a token (changes made through "
                "Jumpgate and revocations take effect at once)");
}

/* upstream: the worker's one Upstream, shared by the services configured with this driver. */
std::shared_ptr<const openstack::Upstream> upstream(const App& app)
{
    static std::shared_ptr<const openstack::Upstream> shared;
    if (shared)
        return shared;
    const Config& cfg = app.config();
    const std::string& auth_url = cfg.get("openstack", "auth_url");
    if (!auth_url.starts_with("http://") && !auth_url.starts_with("https://"))
        throw std::invalid_argument("[openstack] auth_url = " + auth_url +
                                    " is not the http:// or https:// URL of the upstream's identity");
    if (!app.checking())
        mkdir(app.state_dir().c_str(), 0750);
    shared = std::make_shared<const openstack::Upstream>(
        openstack::Settings{.auth_url = auth_url,
                            .region = cfg.get("openstack", "region_name"),
                            .interface = cfg.get("openstack", "interface"),
                            .limits = {.connect_timeout = cfg.integer("openstack", "connect_timeout", 1, 3600),
                                       .timeout = cfg.integer("openstack", "timeout", 1, 86400),
                                       .ca_file = cfg.get("openstack", "ca_file")},
                            .recheck_seconds = cfg.integer("openstack", "recheck_seconds", 1, 86400)},
        app.state_dir());
    return shared;
}

// What Jumpgate's identity answers itself with the upstream's tokens inside its own: the versions, the
// tokens, and the catalog of what this deployment serves. Everything else goes to the upstream.
const std::set<std::string_view> kOwnIdentity = {
    "versions",         "v3_auth_index",        "v2_auth_index", "v3_auth_tokens",    "v3_auth_catalog",
    "v3_auth_projects", "v3_regions",           "v3_region",     "v3_services",       "v3_services_with_id",
    "v3_endpoints",     "v3_endpoints_with_id", "v2_tokens",     "v2_token",          "v2_token_endpoints",
    "v2_tenants",       "v2_token_tenants",     "v2_extensions", "v2_extension_alias"};

/*
 * versions_handler: the upstream's version document of `service`, with the versions `older` added at
 * `href` (below Jumpgate's root of the service) when it lists none of their major: Jumpgate serves
 * them itself over the upstream's current version, and a client that discovers versions must find
 * them. The current versions stay the upstream's, which alone knows which it serves.
 */
Handler versions_handler(const App& app, std::shared_ptr<const openstack::Upstream> up, std::string service,
                         std::vector<std::pair<std::string, std::vector<std::string>>> older)
{
    return [&app, up, service, older](const Request& req, Response& resp) {
        openstack::forward(app, *up, service, req, resp);
        if (resp.is_stream() || resp.content_type().find("json") == std::string::npos)
            return;
        json doc = json::parse(resp.encoded(), nullptr, false);
        if (doc.is_discarded())
            return;
        for (const auto& [href, ids] : older)
            doc = openstack::versions_with(std::move(doc), req.dispatcher()->base_url(req) + href, ids);
        resp.bytes(doc.dump(), resp.content_type());
    };
}

} // namespace

JUMPGATE_DRIVER(app, disp)
{
    Config& cfg = app.config();
    declare_options(cfg);
    std::string_view service = disp.service();
    if (service == "identity") {
        auto up = upstream(app);
        identity::install(app, disp, std::make_shared<const openstack::Identity>(up));
        openstack::pass_through(app, disp, up, [](std::string_view e) { return kOwnIdentity.count(e) != 0; });
        return;
    }
    // The calls made for a user carry the upstream token sealed in their Jumpgate token.
    if (cfg.get("identity", "driver") != "openstack")
        throw std::invalid_argument("[" + std::string(service) +
                                    "] driver = openstack needs [identity] driver = openstack: the upstream's "
                                    "services take the upstream's tokens");
    auto up = upstream(app);
    // Versions the upstream dropped (Glance v1, Cinder v1 and v2) are the core's over a typed driver on its current
    // one; the current version is the upstream's own, byte for byte.
    if (service == "image") {
        image::install(app, disp, std::make_shared<const openstack::Images>(up));
        openstack::pass_through(app, disp, up, [](std::string_view e) { return e.starts_with("v1_"); });
        for (const char* versions : {"versions", "versions_alias"})
            disp.set_forwarded(versions, "GET", versions_handler(app, up, "image", {{"/v1/", {"v1.1", "v1.0"}}}));
        return;
    }
    if (service == "volume") {
        volume::install(app, disp, std::make_shared<const openstack::Volumes>(up));
        openstack::pass_through(app, disp, up,
                                [](std::string_view e) { return e.starts_with("v1_") || e.starts_with("v2_"); });
        disp.set_forwarded("versions", "GET",
                           versions_handler(app, up, "volume", {{"/v2/", {"v2.0"}}, {"/v1/", {"v1.0"}}}));
        return;
    }
    openstack::pass_through(app, disp, up, [](std::string_view) { return false; });
}
