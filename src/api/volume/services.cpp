// SPDX-License-Identifier: Apache-2.0
// Cinder's os-services and os-hosts (admin only): the services that make up the cloud's Block Storage.
#include "api/volume/cinder.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"

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
                     {"disabled_reason", s.disabled_reason ? json(*s.disabled_reason) : json(nullptr)}};
        // Cinder loads os-extended-services: the volume services say how they replicate.
        if (s.binary == "cinder-volume") {
            view["replication_status"] = "not-capable";
            view["active_backend_id"] = nullptr;
            view["frozen"] = s.frozen;
            if (req.version().at_least(3, 49))
                view["backend_state"] = s.up ? "up" : "down";
        }
        if (req.version().at_least(3, 7))
            view["cluster"] = nullptr;
        list.push_back(std::move(view));
    }
    resp.json({{"services", std::move(list)}});
}

// A field of the body that must be text: Cinder's "Missing required element" otherwise.
std::string required_text(const json& body, const char* key)
{
    if (!body.is_object() || !body.contains(key) || !body[key].is_string())
        throw BadRequest("Missing required element '" + std::string(key) + "' in request body.");
    return body[key].get<std::string>();
}

// PUT os-services/{enable,disable,disable-log-reason,freeze,thaw}: an admin's.
void service_action(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:services:update");
    const std::string& action = req.param("action");
    const json& body = req.json_body();
    if (action == "freeze" || action == "thaw") {
        driver.serviceFreeze(req.context(), required_text(body, "host"), action == "freeze");
        resp.clear_body();
        return;
    }
    if (action != "enable" && action != "disable" && action != "disable-log-reason")
        throw BadRequest("Invalid input received: Unknown action");
    const std::string host = required_text(body, "host");
    // "service" is the older name of "binary", which wins when both are given.
    std::string binary;
    if (body.contains("binary") && body["binary"].is_string())
        binary = body["binary"].get<std::string>();
    else if (body.contains("service") && body["service"].is_string())
        binary = body["service"].get<std::string>();
    if (binary.empty())
        throw BadRequest("Missing required element 'binary' in request body.");
    std::optional<std::string> reason;
    if (action == "disable-log-reason") {
        const json& r = body.contains("disabled_reason") ? body["disabled_reason"] : json(nullptr);
        bool valid = r.is_string() && !r.get<std::string>().empty() && r.get<std::string>().size() <= 255 &&
                     r.get<std::string>().find_first_not_of(" \t\r\n") != std::string::npos;
        if (!valid)
            throw BadRequest("Disabled reason contains invalid characters or is too long");
        reason = r.get<std::string>();
    }
    Service s = driver.serviceEnable(req.context(), host, binary, action == "enable", reason);
    json view = {{"host", host},
                 {"binary", s.binary},
                 {"service", s.binary},
                 {"disabled", !s.enabled},
                 {"status", s.enabled ? "enabled" : "disabled"}};
    if (action != "disable")
        view["disabled_reason"] = s.disabled_reason ? json(*s.disabled_reason) : json(nullptr);
    resp.json(view);
}

// GET scheduler-stats/get_pools: an admin's; the capabilities as the backend reports them.
void pool_index(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "scheduler_extension:scheduler_stats:get_pools");
    const bool detail = req.has_query("detail") && api::parse_bool("detail", req.query("detail"));
    json list = json::array();
    for (const Pool& p : driver.poolList(req.context())) {
        // 3.28 filters on the pool's name.
        if (req.version().at_least(3, 28) && req.has_query("name") && req.query("name") != p.name)
            continue;
        json view = {{"name", p.name}};
        if (detail) {
            auto round2 = [](double gb) { return static_cast<double>(static_cast<long long>(gb * 100)) / 100; };
            std::string pool_name =
                p.name.substr(p.name.find('#') == std::string::npos ? p.name.size() : p.name.find('#') + 1);
            view["capabilities"] = {{"pool_name", pool_name},
                                    {"volume_backend_name", p.volume_backend_name},
                                    {"vendor_name", p.vendor_name},
                                    {"storage_protocol", p.storage_protocol},
                                    {"driver_version", p.driver_version},
                                    {"total_capacity_gb", round2(p.total_capacity_gb)},
                                    {"free_capacity_gb", round2(p.free_capacity_gb)},
                                    {"allocated_capacity_gb", round2(p.allocated_capacity_gb)},
                                    {"provisioned_capacity_gb", round2(p.allocated_capacity_gb)},
                                    {"reserved_percentage", p.reserved_percentage},
                                    {"QoS_support", p.qos_support},
                                    {"thin_provisioning_support", p.thin_provisioning_support},
                                    {"thick_provisioning_support", !p.thin_provisioning_support},
                                    {"multiattach", p.multiattach},
                                    {"backend_state", "up"},
                                    {"timestamp", api::iso_time(p.updated_at, false)}};
        }
        list.push_back(std::move(view));
    }
    resp.json({{"pools", std::move(list)}});
}

// GET capabilities/{host}: an admin's; what the backend of a host (its node, backend or pool) can do.
void capabilities_show(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:capabilities");
    const std::string host = req.param("host_name");
    for (const Pool& p : driver.poolList(req.context())) {
        if (!on_host(p.name, host))
            continue;
        std::string backend = p.name.substr(0, p.name.find('#'));
        // The standard capabilities a volume type's extra specs may name (Cinder's property list).
        json properties = {
            {"thin_provisioning",
             {{"title", "Thin Provisioning"},
              {"description", "Whether volumes take room only as data is written."},
              {"type", "boolean"}}},
            {"qos",
             {{"title", "QoS"}, {"description", "Whether the backend applies QoS specs."}, {"type", "boolean"}}}};
        resp.json({{"namespace", "OS::Storage::Capabilities::" + backend},
                   {"vendor_name", p.vendor_name},
                   {"volume_backend_name", p.volume_backend_name},
                   {"pool_name", nullptr},
                   {"driver_version", p.driver_version},
                   {"storage_protocol", p.storage_protocol},
                   {"display_name", nullptr},
                   {"description", nullptr},
                   {"visibility", nullptr},
                   {"replication_targets", json::array()},
                   {"properties", std::move(properties)}});
        return;
    }
    throw NotFound("Can't find service: " + host);
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
    {"v3_service_action", "PUT", {Op::serviceEnable, Op::serviceFreeze}, service_action},
    {"v3_pools", "GET", {Op::poolList}, pool_index},
    {"v3_capabilities", "GET", {Op::poolList}, capabilities_show},
    {"v3_hosts", "GET", {Op::serviceList}, host_index},
    {"v3_host", "GET", {Op::serviceList, Op::volumeList, Op::snapshotList}, host_show},
};

} // namespace

std::span<const Binding<Driver>> service_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
