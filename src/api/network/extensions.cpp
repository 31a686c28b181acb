// SPDX-License-Identifier: Apache-2.0
// Neutron's extension list (what is really served), quotas and availability zones.
#include "api/network/neutron.hpp"

#include <jumpgate/fault.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::api::neutron {

namespace {

using network::Driver;
using network::Op;
using network::QuotaSet;

struct Extension {
    const char* alias;
    const char* name;
    const char* description;
    const char* endpoint; // listed only while this endpoint's GET is served
};

constexpr Extension kExtensions[] = {
    {"external-net", "Neutron external network", "Adds external network attribute to network resource.", "v2_networks"},
    {"net-mtu", "Network MTU", "Provides MTU attribute for a network resource.", "v2_networks"},
    {"net-mtu-writable", "Network MTU (writable)", "Provides a writable MTU attribute for a network resource.",
     "v2_networks"},
    {"port-security", "Port Security", "Provides port security", "v2_networks"},
    {"allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs", "v2_ports"},
    {"extra_dhcp_opt", "Neutron Extra DHCP options",
     "Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. "
     "tftp-server, server-ip-address, bootfile-name)",
     "v2_ports"},
    {"ip-substring-filtering", "IP address substring filtering",
     "Provides IP address substring filtering when listing ports", "v2_ports"},
    {"binding", "Port Binding", "Expose port bindings of a virtual port to external application", "v2_ports"},
    {"project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled.",
     "v2_networks"},
    {"standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes",
     "v2_networks"},
    {"standard-attr-timestamp", "Resource timestamps",
     "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.",
     "v2_networks"},
    {"standard-attr-revisions", "Resource revision numbers",
     "This extension will display the revision number of neutron resources.", "v2_networks"},
    {"standard-attr-tag",
     "Tag support for resources with standard attribute: subnet, router, network, port, "
     "security_group, floatingip",
     "Enables to set tag on resources with standard attribute.", "v2_network_tags"},
    {"filter-validation", "Filter parameters validation", "Provides validation on filter parameters.", "v2_networks"},
    {"pagination", "Pagination support", "Extension that indicates that pagination is enabled.", "v2_networks"},
    {"sorting", "Sorting support", "Extension that indicates that sorting is enabled.", "v2_networks"},
    {"router", "Neutron L3 Router",
     "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a "
     "NAT gateway.",
     "v2_routers"},
    {"ext-gw-mode", "Neutron L3 Configurable external gateway mode",
     "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway",
     "v2_routers"},
    {"extraroute", "Neutron Extra Route", "Extra routes configuration for L3 router", "v2_routers"},
    {"extraroute-atomic", "Atomically add/remove extra routes",
     "Edit extra routes of a router on server side by "
     "atomically adding/removing extra routes",
     "v2_router_add_extraroutes"},
    {"subnet_allocation", "Subnet Allocation", "Enables allocation of subnets from a subnet pool", "v2_subnetpools"},
    {"default-subnetpools", "Default Subnetpools", "Provides ability to mark and use a subnetpool as the default.",
     "v2_subnetpools"},
    {"security-group", "security-group", "The security groups extension.", "v2_security_groups"},
    {"stateful-security-group", "Stateful security group", "Indicates if the security group is stateful or not",
     "v2_security_groups"},
    {"availability_zone", "Availability Zone", "The availability zone extension.", "v2_availability_zones"},
    {"network_availability_zone", "Network Availability Zone", "Availability zone support for network.",
     "v2_availability_zones"},
    {"router_availability_zone", "Router Availability Zone", "Availability zone support for router.",
     "v2_availability_zones"},
    {"metering", "Neutron Metering", "Neutron Metering extension.", "v2_metering_labels"},
    {"quotas", "Quota management support", "Expose functions for quotas management per project", "v2_quotas"},
    {"quota_details", "Quota details management support", "Expose functions for quotas usage statistics per project",
     "v2_quota_details"},
};

json extension_view(const Extension& e)
{
    return {{"alias", e.alias},
            {"name", e.name},
            {"description", e.description},
            {"updated", "2024-01-01T00:00:00-00:00"},
            {"links", json::array()}};
}

void require_admin(const Request& req)
{
    if (!req.context().is_admin())
        throw Forbidden("rule:admin_only is disallowed by policy", "PolicyNotAuthorized");
}

void require_own_or_admin(const Request& req, const std::string& project_id)
{
    if (!req.context().is_admin() && project_id != req.context().project_id)
        throw Forbidden("Non-admin is not authorized to access quotas for another project", "PolicyNotAuthorized");
}

json quota_view(const QuotaSet& q, const std::string& project_id = {})
{
    json out = q;
    if (!project_id.empty()) {
        out["project_id"] = project_id;
        out["tenant_id"] = project_id;
    }
    return out;
}

bool served(const Dispatcher& disp, const Extension& e)
{
    return disp.has_handler(e.endpoint, e.endpoint == std::string_view("v2_router_add_extraroutes") ? "PUT" : "GET");
}

void quota_list(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req);
    json out = json::array();
    for (const auto& [project, q] : driver.quotaList(req.context()))
        out.push_back(quota_view(q, project));
    resp.json({{"quotas", std::move(out)}});
}

void quota_show(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& project = req.param("project_id");
    require_own_or_admin(req, project);
    resp.json({{"quota", quota_view(driver.quotaGet(req.context(), project))}});
}

void quota_update(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req);
    const json& body = body_of(req, "quota");
    QuotaSet known = driver.quotaDefaults(req.context());
    QuotaSet changes;
    for (const auto& [k, v] : body.items()) {
        if (k == "project_id" || k == "tenant_id" || k == "force")
            continue;
        if (!known.count(k))
            throw BadRequest("Unrecognized attribute(s) '" + k + "'");
        // Neutron's convert_to_int: whatever Python's int() takes (true is 1, 3.7 is 3), then the range.
        auto n = python_int(v, false);
        if (!n)
            throw BadRequest("Invalid input for operation: '" + python_str(v) + "' is not an integer.");
        if (*n < -1)
            throw BadRequest("Invalid input for " + k + ". Reason: '" + std::to_string(*n) +
                             "' is too small - must be at least '-1'.");
        if (*n > kMaxInt)
            throw BadRequest("Invalid input for " + k + ". Reason: '" + std::to_string(*n) +
                             "' is too large - must be no larger than '" + std::to_string(kMaxInt) + "'.");
        changes[k] = *n;
    }
    resp.json({{"quota", quota_view(driver.quotaSet(req.context(), req.param("project_id"), changes))}});
}

void quota_reset(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req);
    driver.quotaReset(req.context(), req.param("project_id"));
    resp.status = 204;
    resp.clear_body();
}

void quota_defaults(const Driver& driver, const Request& req, Response& resp)
{
    require_own_or_admin(req, req.param("project_id"));
    resp.json({{"quota", quota_view(driver.quotaDefaults(req.context()))}});
}

void quota_details(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& project = req.param("project_id");
    require_own_or_admin(req, project);
    QuotaSet limits = driver.quotaGet(req.context(), project);
    QuotaSet used = driver.quotaUsage(req.context(), project);
    json out = json::object();
    for (const auto& [k, limit] : limits)
        out[k] = {{"limit", limit}, {"used", used.count(k) ? used[k] : 0}, {"reserved", 0}};
    resp.json({{"quota", std::move(out)}});
}

void zone_list(const Driver& driver, const Request& req, Response& resp)
{
    json out = json::array();
    for (const auto& z : driver.availabilityZoneList(req.context())) {
        if ((req.has_query("name") && req.query("name") != z.name) ||
            (req.has_query("resource") && req.query("resource") != z.resource) ||
            (req.has_query("state") && req.query("state") != z.state))
            continue;
        out.push_back({{"name", z.name}, {"resource", z.resource}, {"state", z.state}});
    }
    resp.json({{"availability_zones", std::move(out)}});
}

const Binding<Driver> kRows[] = {
    {"v2_quotas", "GET", {Op::quotaList}, quota_list},
    {"v2_quota", "GET", {Op::quotaGet}, quota_show},
    {"v2_quota", "PUT", {Op::quotaDefaults, Op::quotaSet}, quota_update},
    {"v2_quota", "DELETE", {Op::quotaReset}, quota_reset},
    {"v2_quota_default", "GET", {Op::quotaDefaults}, quota_defaults},
    {"v2_quota_details", "GET", {Op::quotaGet, Op::quotaUsage}, quota_details},
    {"v2_availability_zones", "GET", {Op::availabilityZoneList}, zone_list},
};

} // namespace

std::span<const Binding<Driver>> extension_bindings()
{
    return kRows;
}

void install_extensions(Dispatcher& disp)
{
    const Dispatcher* d = &disp;
    disp.set_handler("v2_extensions", {.get = [d](const Request&, Response& resp) {
                         json out = json::array();
                         for (const auto& e : kExtensions)
                             if (served(*d, e))
                                 out.push_back(extension_view(e));
                         resp.json({{"extensions", std::move(out)}});
                     }});
    disp.set_handler("v2_extension", {.get = [d](const Request& req, Response& resp) {
                         for (const auto& e : kExtensions)
                             if (req.param("alias") == e.alias && served(*d, e)) {
                                 resp.json({{"extension", extension_view(e)}});
                                 return;
                             }
                         throw NotFound("Extension with alias " + req.param("alias") + " does not exist");
                     }});
}

} // namespace jumpgate::api::neutron
