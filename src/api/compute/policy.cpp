// SPDX-License-Identifier: Apache-2.0
// Nova's default policy for what only admins may do, as data: one before hook checks every request against it.
#include "api/compute/compute.hpp"

#include <jumpgate/fault.hpp>

namespace jumpgate::api::compute {

namespace {

/* AdminOnly: an endpoint and the verbs of it that need the admin role (Nova's "rule:admin_api"). */
struct AdminOnly {
    std::string_view endpoint;
    std::string_view methods;
};

constexpr AdminOnly kAdminOnly[] = {
    {"v2_flavors", "POST"},
    {"v2_tenant_flavors", "POST"},
    {"v2_flavor", "PUT DELETE"},
    {"v2_tenant_flavor", "PUT DELETE"},
    {"v2_flavor_action", "POST"},
    {"v2_flavor_access", "GET"},
    {"v2_os_extra_specs_flavor", "POST"},
    {"v2_os_extra_specs_flavor_key", "PUT DELETE"},
    {"v2_os_quota_sets_target", "PUT DELETE"},
    {"v2_os_tenant_quota_sets", "PUT DELETE"},
    {"v2_os_quota_sets_user", "PUT DELETE"},
    {"v2_os_quota_class_set", "GET PUT"},
    {"v2_server_diagnostics", "GET"},
    {"v2_os_hypervisors", "GET"},
    {"v2_os_hypervisors_detail", "GET"},
    {"v2_os_hypervisors_statistics", "GET"},
    {"v2_os_hypervisor", "GET"},
    {"v2_os_hypervisor_uptime", "GET"},
    {"v2_os_hypervisor_search", "GET"},
    {"v2_os_hypervisor_servers", "GET"},
    {"v2_os_services_enable", "PUT"},
    {"v2_os_services_disable", "PUT"},
    {"v2_os_services", "GET"},
    {"v2_os_service", "PUT DELETE"},
    {"v2_os_aggregates", "GET POST"},
    {"v2_os_aggregate", "GET PUT DELETE"},
    {"v2_os_aggregate_action", "POST"},
    {"v2_os_migrations", "GET"},
    {"v2_os_hosts", "GET"},
    {"v2_os_host", "GET PUT"},
    {"v2_os_host_startup", "GET"},
    {"v2_os_host_shutdown", "GET"},
    {"v2_os_host_reboot", "GET"},
    {"v2_os_instance_usage_audit_log", "GET"},
    {"v2_os_instance_usage_audit_log_before", "GET"},
    {"v2_os_server_external_events", "POST"},
    {"v2_tenants_usage", "GET"},
};

bool lists(std::string_view methods, std::string_view method)
{
    for (std::size_t start = 0; start < methods.size();) {
        std::size_t end = methods.find(' ', start);
        if (end == std::string_view::npos)
            end = methods.size();
        if (methods.substr(start, end - start) == method)
            return true;
        start = end + 1;
    }
    return false;
}

} // namespace

void install_policy(Dispatcher& disp)
{
    disp.add_before_hook([](Request& req, Response&) {
        if (!req.context().authenticated || req.context().is_admin())
            return;
        for (const auto& rule : kAdminOnly)
            if (rule.endpoint == req.endpoint() && lists(rule.methods, req.method()))
                throw Forbidden("Policy doesn't allow this operation to be performed.");
    });
}

} // namespace jumpgate::api::compute
