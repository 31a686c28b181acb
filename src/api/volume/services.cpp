// SPDX-License-Identifier: Apache-2.0
// Cinder's os-services and os-hosts (admin only): the services that make up the cloud's Block Storage.
#include "api/volume/cinder.hpp"

#include <jumpgate/fault.hpp>

#include "api/common/time.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

void bind_services(Dispatcher& disp, std::shared_ptr<const Driver> driver)
{
    disp.set_handler("v3_services", {.get = [driver](const Request& req, Response& resp) {
        require_admin(req, "volume_extension:services:index");
        json list = json::array();
        for (const auto& s : driver->serviceList(req.context())) {
            if ((req.has_query("host") && req.query("host") != s.host) ||
                (req.has_query("binary") && req.query("binary") != s.binary))
                continue;
            json view = {{"binary", s.binary},
                         {"host", s.host},
                         {"zone", s.zone},
                         {"status", s.enabled ? "enabled" : "disabled"},
                         {"state", s.up ? "up" : "down"},
                         {"updated_at", api::iso_time(s.updated_at, false)},
                         {"disabled_reason", nullptr}};
            // Cinder loads os-extended-services: the volume services say how they replicate.
            if (s.binary == "cinder-volume") {
                view["replication_status"] = "not-capable";
                view["active_backend_id"] = nullptr;
                view["frozen"] = false;
                if (req.version().at_least(3, 49))
                    view["backend_state"] = s.up ? "up" : "down";
            }
            if (req.version().at_least(3, 7))
                view["cluster"] = nullptr;
            list.push_back(std::move(view));
        }
        resp.json({{"services", std::move(list)}});
    }});
    disp.set_handler("v3_hosts", {.get = [driver](const Request& req, Response& resp) {
        require_admin(req, "volume_extension:hosts");
        json list = json::array();
        for (const auto& s : driver->serviceList(req.context())) {
            if (req.has_query("zone") && req.query("zone") != s.zone)
                continue;
            list.push_back({{"host_name", s.host},
                            {"service", s.binary},
                            {"zone", s.zone},
                            {"service-status", s.up ? "available" : "unavailable"},
                            {"service-state", s.enabled ? "enabled" : "disabled"},
                            {"last-update", api::iso_time(s.updated_at, false)}});
        }
        resp.json({{"hosts", std::move(list)}});
    }});
}

} // namespace jumpgate::volume::detail
