// SPDX-License-Identifier: Apache-2.0
// Cinder's os-services and os-hosts (admin only): the services that make up the cloud's Block Storage.
#include "api/volume/cinder.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

// Cinder's host filter: a pool ("node@backend#pool") matches itself, a backend its pools too, a node all of them.
bool on_host(const std::string& host, const std::string& wanted)
{
    if (host == wanted)
        return true;
    if (wanted.find('#') != std::string::npos)
        return false;
    if (host.rfind(wanted + "#", 0) == 0)
        return true;
    return wanted.find('@') == std::string::npos && host.rfind(wanted + "@", 0) == 0;
}

void service_index(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:services:index");
    json list = json::array();
    for (const auto& s : driver.serviceList(req.context())) {
        if ((req.has_query("host") && !on_host(s.host, std::string(req.query("host")))) ||
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
}

void host_index(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:hosts");
    json list = json::array();
    for (const auto& s : driver.serviceList(req.context())) {
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
}

void host_show(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:hosts");
    const Context& ctx = req.context();
    const std::string host = req.param("host_name");
    auto services = driver.serviceList(ctx);
    if (std::none_of(services.begin(), services.end(),
                     [&](const Service& s) { return s.binary == "cinder-volume" && s.host == host; }))
        throw NotFound("Host " + host + " could not be found.");
    // What each project keeps on the host (its volumes there, and their snapshots), and the total first.
    ListQuery all;
    all.all_projects = true;
    struct Usage {
        long long volumes = 0, volume_gb = 0, snapshots = 0, snapshot_gb = 0;
    };
    std::map<std::string, Usage> by_project;
    std::set<std::string> here;
    Usage total;
    for (const auto& v : driver.volumeList(ctx, all)) {
        if (!on_host(v.host, host))
            continue;
        here.insert(v.id);
        Usage& u = by_project[v.project_id];
        ++u.volumes;
        u.volume_gb += v.size;
        ++total.volumes;
        total.volume_gb += v.size;
    }
    for (const auto& s : driver.snapshotList(ctx, all)) {
        if (!here.count(s.volume_id))
            continue;
        Usage& u = by_project[s.project_id];
        ++u.snapshots;
        u.snapshot_gb += s.size;
        ++total.snapshots;
        total.snapshot_gb += s.size;
    }
    auto row = [&](const std::string& project, const Usage& u) {
        return json{{"resource",
                     {{"host", host},
                      {"project", project},
                      {"volume_count", std::to_string(u.volumes)},
                      {"total_volume_gb", std::to_string(u.volume_gb)},
                      {"snapshot_count", std::to_string(u.snapshots)},
                      {"total_snapshot_gb", std::to_string(u.snapshot_gb)}}}};
    };
    json rows = json::array({row("(total)", total)});
    for (const auto& [project, u] : by_project)
        rows.push_back(row(project, u));
    resp.json({{"host", std::move(rows)}});
}

constexpr Binding<Driver> kBindings[] = {
    {"v3_services", "GET", {Op::serviceList}, service_index},
    {"v3_hosts", "GET", {Op::serviceList}, host_index},
    {"v3_host", "GET", {Op::serviceList, Op::volumeList, Op::snapshotList}, host_show},
};

} // namespace

std::span<const Binding<Driver>> service_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
