// SPDX-License-Identifier: Apache-2.0
// Nova's os-services and os-hypervisors: the cloud's services and compute hosts, as an admin sees them.
#include <jumpgate/driver/compute.hpp>

#include <algorithm>
#include <numeric>

#include <jumpgate/fault.hpp>
#include <jumpgate/regex.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::compute {

namespace {

// From 2.53 services and hypervisors are named by UUID, and the older host-and-binary calls are gone.
bool by_uuid(const Request& req)
{
    return req.version().at_least(2, 53);
}

json service_id(const Request& req, const ComputeService& s)
{
    return by_uuid(req) ? json(s.id) : json(s.number);
}

json service_view(const Request& req, const ComputeService& s)
{
    json view = {{"id", service_id(req, s)},
                 {"binary", s.binary},
                 {"host", s.host},
                 {"zone", s.zone},
                 {"status", s.enabled ? "enabled" : "disabled"},
                 {"state", s.up && !s.forced_down ? "up" : "down"},
                 {"updated_at", s.updated_at ? json(api::iso_time(s.updated_at, false)) : json(nullptr)},
                 {"disabled_reason", s.disabled_reason ? json(*s.disabled_reason) : json(nullptr)}};
    if (req.version().at_least(2, 11))
        view["forced_down"] = s.forced_down;
    return view;
}

void list_services(const Driver& driver, const Request& req, Response& resp)
{
    json services = json::array();
    for (const auto& s : driver.serviceList(req.context())) {
        if (req.has_query("host") && req.query("host") != s.host)
            continue;
        if (req.has_query("binary") && req.query("binary") != s.binary)
            continue;
        services.push_back(service_view(req, s));
    }
    resp.json({{"services", std::move(services)}});
}

const json& object_body(const Request& req)
{
    const json& body = req.json_body();
    if (!body.is_object())
        throw BadRequest("Invalid input for field/attribute body. Value: " + api::python_repr(body) + ". " +
                         api::python_repr(body) + " is not of type 'object'");
    return body;
}

// The field `key` of `body` as a string of 1 to 255 characters; 400 naming it otherwise.
std::string text_field(const json& body, const char* key)
{
    const json& v = body[key];
    if (!v.is_string() || v.get<std::string>().empty() || api::utf8_length(v.get<std::string>()) > 255)
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + api::python_repr(v) +
                         ".");
    return v.get<std::string>();
}

// Before 2.53: the service a body names by host and binary.
ComputeService by_host_and_binary(const Driver& driver, const Request& req, const json& body)
{
    for (const char* key : {"host", "binary"})
        if (!body.contains(key))
            throw BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: None. '" + key +
                             "' is a required property");
    std::string host = text_field(body, "host");
    std::string binary = text_field(body, "binary");
    for (const auto& s : driver.serviceList(req.context()))
        if (s.host == host && s.binary == binary)
            return s;
    throw NotFound("Service " + binary + " on host " + host + " could not be found.");
}

/*
 * update_legacy: PUT /os-services/{enable,disable,disable-log-reason,force-down} before 2.53,
 * each answering with the host, the binary and what it set.
 */
void update_legacy(const Driver& driver, const Request& req, Response& resp, const std::string& action)
{
    const json& body = object_body(req);
    ComputeService s = by_host_and_binary(driver, req, body);
    ServiceChange change;
    json view = {{"host", s.host}, {"binary", s.binary}};
    if (action == "enable" || action == "disable") {
        change.enabled = action == "enable";
        view["status"] = action + "d";
    } else if (action == "disable-log-reason") {
        if (!body.contains("disabled_reason"))
            throw BadRequest("Missing disabled reason field");
        change.enabled = false;
        change.disabled_reason = text_field(body, "disabled_reason");
        view["status"] = "disabled";
        view["disabled_reason"] = *change.disabled_reason;
    } else if (action == "force-down" && req.version().at_least(2, 11)) {
        if (!body.contains("forced_down") || !body["forced_down"].is_boolean())
            throw BadRequest("Invalid input for field/attribute forced_down.");
        change.forced_down = body["forced_down"].get<bool>();
        view["forced_down"] = *change.forced_down;
    } else {
        throw NotFound("Unknown action");
    }
    driver.serviceUpdate(req.context(), s.id, change);
    resp.json({{"service", std::move(view)}});
}

/* update: PUT /os-services/{service_id} from 2.53: status with an optional reason, or forced_down. */
void update(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& id = req.param("service_id");
    if (!by_uuid(req))
        return update_legacy(driver, req, resp, id);
    const json& body = object_body(req);
    ServiceChange change;
    for (const auto& [key, value] : body.items()) {
        if (key == "status") {
            if (value != "enabled" && value != "disabled")
                throw BadRequest("Invalid input for field/attribute status. Value: " + api::python_repr(value) + ". " +
                                 api::python_repr(value) + " is not one of ['enabled', 'disabled']");
            change.enabled = value == "enabled";
        } else if (key == "disabled_reason") {
            change.disabled_reason = text_field(body, "disabled_reason");
        } else if (key == "forced_down") {
            change.forced_down = api::schema_boolean(value, "forced_down");
        } else {
            throw BadRequest("Additional properties are not allowed ('" + key + "' was unexpected)");
        }
    }
    if (!change.enabled && !change.forced_down)
        throw BadRequest("No updates were requested. Fields 'status' or 'forced_down' should be specified.");
    if (change.disabled_reason && change.enabled != false)
        throw BadRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.");
    if (!uuid_like(id))
        throw BadRequest("Invalid uuid " + id);
    resp.json({{"service", service_view(req, driver.serviceUpdate(req.context(), id, change))}});
}

json hypervisor_id(const Request& req, const Hypervisor& h)
{
    return by_uuid(req) ? json(h.id) : json(h.number);
}

json hypervisor_summary(const Request& req, const Hypervisor& h)
{
    return {{"id", hypervisor_id(req, h)},
            {"hypervisor_hostname", h.hostname},
            {"state", h.service.up && !h.service.forced_down ? "up" : "down"},
            {"status", h.service.enabled ? "enabled" : "disabled"}};
}

json servers_of(const Hypervisor& h)
{
    json servers = json::array();
    for (const auto& [id, name] : h.servers)
        servers.push_back({{"uuid", id}, {"name", name}});
    return servers;
}

// What `uptime` prints, as Nova's libvirt driver shows a host's.
std::string uptime_text(const Hypervisor& h)
{
    std::int64_t up = std::max<std::int64_t>(0, api::unix_now() - h.booted_at);
    std::int64_t days = up / 86400, hours = up % 86400 / 3600, minutes = up % 3600 / 60;
    std::string clock = api::iso_time(api::unix_now(), false).substr(11, 8);
    char text[96];
    std::snprintf(text, sizeof text, " %s up %lld days, %2lld:%02lld,  1 user,  load average: 0.00, 0.00, 0.00",
                  clock.c_str(), static_cast<long long>(days), static_cast<long long>(hours),
                  static_cast<long long>(minutes));
    return text;
}

json hypervisor_detail(const Request& req, const Hypervisor& h)
{
    json view = hypervisor_summary(req, h);
    view["host_ip"] = h.host_ip;
    view["hypervisor_type"] = h.type;
    view["hypervisor_version"] = h.version;
    view["service"] = {
        {"host", h.service.host},
        {"id", service_id(req, h.service)},
        {"disabled_reason", h.service.disabled_reason ? json(*h.service.disabled_reason) : json(nullptr)}};
    if (req.version().at_least(2, 88)) {
        view["uptime"] = uptime_text(h);
        return view;
    }
    json cpu_info = {{"arch", h.arch},
                     {"model", ""},
                     {"vendor", ""},
                     {"features", json::array()},
                     {"topology", {{"cores", h.vcpus}, {"threads", 1}, {"sockets", 1}}}};
    view["cpu_info"] = req.version().at_least(2, 28) ? cpu_info : json(cpu_info.dump());
    view["current_workload"] = 0;
    view["disk_available_least"] = h.disk_available_least;
    view["free_disk_gb"] = h.local_gb - h.local_gb_used;
    view["free_ram_mb"] = h.memory_mb - h.memory_mb_used;
    view["local_gb"] = h.local_gb;
    view["local_gb_used"] = h.local_gb_used;
    view["memory_mb"] = h.memory_mb;
    view["memory_mb_used"] = h.memory_mb_used;
    view["running_vms"] = static_cast<long long>(h.servers.size());
    view["vcpus"] = h.vcpus;
    view["vcpus_used"] = h.vcpus_used;
    return view;
}

/*
 * listed: the hypervisors a list asks for. From 2.33 it pages with limit and marker (the
 * marker an id as the version shows it); from 2.53 hypervisor_hostname_pattern filters
 * (with no paging) and with_servers adds the servers.
 */
std::vector<Hypervisor> listed(const Driver& driver, const Request& req, json& links)
{
    auto all = driver.hypervisorList(req.context());
    if (by_uuid(req) && req.has_query("hypervisor_hostname_pattern")) {
        if (req.has_query("limit") || req.has_query("marker"))
            throw BadRequest("Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not "
                             "supported.");
        std::string pattern(req.query("hypervisor_hostname_pattern"));
        std::erase_if(all, [&](const Hypervisor& h) { return h.hostname.find(pattern) == std::string::npos; });
        if (all.empty())
            throw NotFound("No hypervisor matching '" + pattern + "' could be found.");
        return all;
    }
    if (!req.version().at_least(2, 33))
        return all;
    api::Page page = api::Page::from(req);
    if (!page.marker.empty() && by_uuid(req) && !uuid_like(page.marker))
        throw BadRequest("Invalid marker " + page.marker);
    bool more = false;
    auto shown = api::paginate(
        std::move(all), page, [&](const Hypervisor& h) { return by_uuid(req) ? h.id : std::to_string(h.number); },
        more);
    if (page.limit && shown.size() == page.limit && !shown.empty())
        links = api::next_links(req, by_uuid(req) ? shown.back().id : std::to_string(shown.back().number));
    return shown;
}

bool with_servers(const Request& req)
{
    return by_uuid(req) && req.has_query("with_servers") && api::parse_bool("with_servers", req.query("with_servers"));
}

void list_hypervisors(const Driver& driver, const Request& req, Response& resp, bool detailed)
{
    json links;
    json views = json::array();
    for (const auto& h : listed(driver, req, links)) {
        json view = detailed ? hypervisor_detail(req, h) : hypervisor_summary(req, h);
        // Nova shows the key only for a host with servers, and from 2.75 always.
        if (with_servers(req) && (!h.servers.empty() || req.version().at_least(2, 75)))
            view["servers"] = servers_of(h);
        views.push_back(std::move(view));
    }
    json body = {{"hypervisors", std::move(views)}};
    if (!links.is_null())
        body["hypervisors_links"] = std::move(links);
    resp.json(std::move(body));
}

Hypervisor find(const Driver& driver, const Request& req, const std::string& id)
{
    if (by_uuid(req) && !uuid_like(id))
        throw BadRequest("Invalid uuid " + id);
    for (auto& h : driver.hypervisorList(req.context()))
        if ((by_uuid(req) ? h.id : std::to_string(h.number)) == id)
            return h;
    throw NotFound("Hypervisor with ID '" + id + "' could not be found.");
}

void show_hypervisor(const Driver& driver, const Request& req, Response& resp)
{
    Hypervisor h = find(driver, req, req.param("hypervisor_id"));
    json view = hypervisor_detail(req, h);
    if (with_servers(req) && (!h.servers.empty() || req.version().at_least(2, 75)))
        view["servers"] = servers_of(h);
    resp.json({{"hypervisor", std::move(view)}});
}

void show_uptime(const Driver& driver, const Request& req, Response& resp)
{
    if (req.version().at_least(2, 88))
        throw NotFound("The resource could not be found.");
    Hypervisor h = find(driver, req, req.param("hypervisor_id"));
    json view = hypervisor_summary(req, h);
    view["uptime"] = uptime_text(h);
    resp.json({{"hypervisor", std::move(view)}});
}

// Before 2.53: the hypervisors whose hostname contains the path's pattern, 404 for none.
std::vector<Hypervisor> matching(const Driver& driver, const Request& req)
{
    if (by_uuid(req))
        throw NotFound("The resource could not be found.");
    const std::string& pattern = req.param("hypervisor_hostname_pattern");
    auto all = driver.hypervisorList(req.context());
    std::erase_if(all, [&](const Hypervisor& h) { return h.hostname.find(pattern) == std::string::npos; });
    if (all.empty())
        throw NotFound("No hypervisor matching '" + pattern + "' could be found.");
    return all;
}

void search(const Driver& driver, const Request& req, Response& resp, bool with_its_servers)
{
    json views = json::array();
    for (const auto& h : matching(driver, req)) {
        json view = hypervisor_summary(req, h);
        if (with_its_servers && !h.servers.empty())
            view["servers"] = servers_of(h);
        views.push_back(std::move(view));
    }
    resp.json({{"hypervisors", std::move(views)}});
}

void statistics(const Driver& driver, const Request& req, Response& resp)
{
    if (req.version().at_least(2, 88))
        throw NotFound("The resource could not be found.");
    json total = {{"count", 0},          {"vcpus", 0},
                  {"vcpus_used", 0},     {"memory_mb", 0},
                  {"memory_mb_used", 0}, {"free_ram_mb", 0},
                  {"local_gb", 0},       {"local_gb_used", 0},
                  {"free_disk_gb", 0},   {"current_workload", 0},
                  {"running_vms", 0},    {"disk_available_least", 0}};
    for (const auto& h : driver.hypervisorList(req.context())) {
        json one = hypervisor_detail(req, h);
        total["count"] = total["count"].get<long long>() + 1;
        for (auto& [key, value] : total.items())
            if (key != "count")
                value = value.get<long long>() + one[key].get<long long>();
    }
    resp.json({{"hypervisor_statistics", std::move(total)}});
}

const Binding<Driver> kHypervisorBindings[] = {
    {"v2_os_services", "GET", {Op::serviceList}, list_services},
    {"v2_os_service", "PUT", {Op::serviceList, Op::serviceUpdate}, update},
    {"v2_os_services_enable",
     "PUT",
     {Op::serviceList, Op::serviceUpdate},
     [](const Driver& driver, const Request& req, Response& resp) {
         if (by_uuid(req))
             throw NotFound("The resource could not be found.");
         update_legacy(driver, req, resp, "enable");
     }},
    {"v2_os_services_disable",
     "PUT",
     {Op::serviceList, Op::serviceUpdate},
     [](const Driver& driver, const Request& req, Response& resp) {
         if (by_uuid(req))
             throw NotFound("The resource could not be found.");
         update_legacy(driver, req, resp, "disable");
     }},
    {"v2_os_hypervisors",
     "GET",
     {Op::hypervisorList},
     [](const Driver& driver, const Request& req, Response& resp) { list_hypervisors(driver, req, resp, false); }},
    {"v2_os_hypervisors_detail",
     "GET",
     {Op::hypervisorList},
     [](const Driver& driver, const Request& req, Response& resp) { list_hypervisors(driver, req, resp, true); }},
    {"v2_os_hypervisors_statistics", "GET", {Op::hypervisorList}, statistics},
    {"v2_os_hypervisor", "GET", {Op::hypervisorList}, show_hypervisor},
    {"v2_os_hypervisor_uptime", "GET", {Op::hypervisorList}, show_uptime},
    {"v2_os_hypervisor_search",
     "GET",
     {Op::hypervisorList},
     [](const Driver& driver, const Request& req, Response& resp) { search(driver, req, resp, false); }},
    {"v2_os_hypervisor_servers",
     "GET",
     {Op::hypervisorList},
     [](const Driver& driver, const Request& req, Response& resp) { search(driver, req, resp, true); }},
};

} // namespace

std::span<const Binding<Driver>> hypervisor_bindings()
{
    return kHypervisorBindings;
}

std::vector<ComputeService> Driver::serviceList(const Context&) const
{
    throw NotImplemented("serviceList");
}

ComputeService Driver::serviceUpdate(const Context&, const std::string&, const ServiceChange&) const
{
    throw NotImplemented("serviceUpdate");
}

std::vector<Hypervisor> Driver::hypervisorList(const Context&) const
{
    throw NotImplemented("hypervisorList");
}

} // namespace jumpgate::compute
