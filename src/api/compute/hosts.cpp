// SPDX-License-Identifier: Apache-2.0
// Nova's os-hosts (up to microversion 2.42): the hosts of the cloud's services, what a compute host has and uses.
#include <jumpgate/driver/compute.hpp>

#include <array>
#include <map>

#include <jumpgate/fault.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::compute {

namespace {

// os-hosts is gone from 2.43 (os-hypervisors and os-services say the same), as Nova answers: 404.
void present_before_2_43(const Request& req)
{
    if (req.version().at_least(2, 43))
        throw NotFound("The resource could not be found.");
}

// Nova's topic of a service: its binary without "nova-".
std::string topic(const std::string& binary)
{
    return binary.starts_with("nova-") ? binary.substr(5) : binary;
}

/* compute_host: the hypervisor of the compute host `name`; NotFound as Nova words it when there is none. */
Hypervisor compute_host(const Driver& driver, const Request& req, const std::string& name)
{
    for (auto& h : driver.hypervisorList(req.context()))
        if (h.service.host == name)
            return h;
    throw NotFound("Compute host " + name + " could not be found.");
}

void list_hosts(const Driver& driver, const Request& req, Response& resp)
{
    present_before_2_43(req);
    // An empty zone is no filter, as in Nova.
    std::string zone = req.has_query("zone") ? std::string(req.query("zone")) : "";
    json hosts = json::array();
    for (const auto& s : driver.serviceList(req.context())) {
        if (!zone.empty() && s.zone != zone)
            continue;
        hosts.push_back({{"host_name", s.host}, {"service", topic(s.binary)}, {"zone", s.zone}});
    }
    resp.json({{"hosts", std::move(hosts)}});
}

json resource(const std::string& host, const std::string& project, long long cpu, long long memory_mb,
              long long disk_gb)
{
    return {{"resource",
             {{"host", host}, {"project", project}, {"cpu", cpu}, {"memory_mb", memory_mb}, {"disk_gb", disk_gb}}}};
}

/*
 * show_host: what the host has ("(total)"), what its hypervisor reports used ("(used_now)"),
 * what its servers' flavors ask for ("(used_max)") and that per project.
 */
void show_host(const Driver& driver, const Request& req, Response& resp)
{
    present_before_2_43(req);
    const std::string& name = req.param("host_name");
    Hypervisor h = compute_host(driver, req, name);
    json out = json::array();
    out.push_back(resource(name, "(total)", h.vcpus, h.memory_mb, h.local_gb));
    out.push_back(resource(name, "(used_now)", h.vcpus_used, h.memory_mb_used, h.local_gb_used));
    ServerQuery q;
    q.all_projects = true;
    std::map<std::string, std::array<long long, 3>> by_project;
    std::array<long long, 3> total = {0, 0, 0};
    for (const auto& s : driver.serverList(req.context(), q)) {
        if (s.host != name)
            continue;
        std::array<long long, 3> used = {s.flavor.vcpus, s.flavor.ram, s.flavor.disk + s.flavor.ephemeral};
        auto& mine = by_project.try_emplace(s.project_id, std::array<long long, 3>{0, 0, 0}).first->second;
        for (std::size_t i = 0; i < used.size(); ++i) {
            mine[i] += used[i];
            total[i] += used[i];
        }
    }
    out.push_back(resource(name, "(used_max)", total[0], total[1], total[2]));
    for (const auto& [project, used] : by_project)
        out.push_back(resource(name, project, used[0], used[1], used[2]));
    resp.json({{"host", std::move(out)}});
}

// A host update's "status" or "maintenance_mode": enable or disable in any case, as Nova's schema takes them.
std::optional<bool> enable_or_disable(const json& body, const char* key)
{
    if (!body.contains(key))
        return std::nullopt;
    const json& v = body[key];
    std::string text = v.is_string() ? v.get<std::string>() : "";
    if (text != "enable" && text != "disable" && text != "Enable" && text != "Disable" && text != "ENABLE" &&
        text != "DISABLE")
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + api::python_repr(v) +
                         ". " + api::python_repr(v) +
                         " is not one of ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE']");
    return text[0] == 'e' || text[0] == 'E';
}

/*
 * update_host: "status" enables or disables the host's compute service. "maintenance_mode" is the
 * hypervisor driver's to do, and libvirt's, like this cloud, has none: 501, as Nova answers.
 */
void update_host(const Driver& driver, const Request& req, Response& resp)
{
    present_before_2_43(req);
    const json& body = req.json_body();
    if (!body.is_object())
        throw BadRequest("Invalid input for field/attribute body. Value: " + api::python_repr(body) + ".");
    for (const auto& [key, value] : body.items())
        if (key != "status" && key != "maintenance_mode")
            throw BadRequest("Additional properties are not allowed ('" + key + "' was unexpected)");
    std::optional<bool> status = enable_or_disable(body, "status");
    std::optional<bool> maintenance = enable_or_disable(body, "maintenance_mode");
    if (!status && !maintenance)
        throw BadRequest("Invalid input for field/attribute body. Value: {}. {} is not valid under any of the given "
                         "schemas");
    const std::string& name = req.param("host_name");
    Hypervisor h = compute_host(driver, req, name);
    if (maintenance)
        throw NotImplemented("Virt driver does not implement host maintenance mode.");
    ServiceChange change;
    change.enabled = *status;
    driver.serviceUpdate(req.context(), h.service.id, change);
    resp.json({{"host", name}, {"status", *status ? "enabled" : "disabled"}});
}

/*
 * power_action: a host's startup, shutdown or reboot. Nova checks the policy (the before hook) and the host,
 * then asks the hypervisor driver; libvirt's has no host power control, nor has this cloud, which would be
 * turning off the machine it runs on: 501 from here, after the checks, as Nova with libvirt answers.
 */
void power_action(const Driver& driver, const Request& req, Response&)
{
    present_before_2_43(req);
    compute_host(driver, req, req.param("host_name"));
    throw NotImplemented("Virt driver does not implement host power management.");
}

const Binding<Driver> kHostBindings[] = {
    {"v2_os_hosts", "GET", {Op::serviceList}, list_hosts},
    {"v2_os_host", "GET", {Op::hypervisorList, Op::serverList}, show_host},
    {"v2_os_host", "PUT", {Op::hypervisorList, Op::serviceUpdate}, update_host},
    {"v2_os_host_startup", "GET", {Op::hypervisorList}, power_action},
    {"v2_os_host_shutdown", "GET", {Op::hypervisorList}, power_action},
    {"v2_os_host_reboot", "GET", {Op::hypervisorList}, power_action},
};

} // namespace

std::span<const Binding<Driver>> host_bindings()
{
    return kHostBindings;
}

} // namespace jumpgate::compute
