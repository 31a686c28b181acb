// SPDX-License-Identifier: Apache-2.0
// Nova's limits and os-quota-sets, from the driver's quotas and real usage.
#include <jumpgate/driver/compute.hpp>

#include <jumpgate/fault.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::compute {

namespace {

// Quota names and the microversion that dropped them (network quotas went in 2.36, files in 2.57).
struct QuotaName {
    const char* name;
    int removed_in; // minor version of 2.x where it disappears; 0: never
};

const QuotaName kQuotaNames[] = {
    {"cores", 0},
    {"instances", 0},
    {"ram", 0},
    {"key_pairs", 0},
    {"metadata_items", 0},
    {"server_groups", 0},
    {"server_group_members", 0},
    {"injected_files", 57},
    {"injected_file_content_bytes", 57},
    {"injected_file_path_bytes", 57},
    {"fixed_ips", 36},
    {"floating_ips", 36},
    {"security_groups", 36},
    {"security_group_rules", 36},
};

bool shown(const Request& req, const QuotaName& q)
{
    return !q.removed_in || !req.version().at_least(2, q.removed_in);
}

json quota_view(const Request& req, const QuotaSet& set, const std::string& id)
{
    json view = json::object();
    if (!id.empty())
        view["id"] = id;
    for (const auto& q : kQuotaNames)
        if (shown(req, q)) {
            auto it = set.find(q.name);
            view[q.name] = it == set.end() ? -1 : it->second;
        }
    return view;
}

const std::string& target_of(const Request& req)
{
    for (const char* name : {"target_id", "account_id"})
        if (req.has_param(name))
            return req.param(name);
    return req.context().project_id;
}

// A member reads its own project's quotas; only an admin reads or changes another's.
void check_target(const Request& req, const std::string& target)
{
    if (!req.context().is_admin() && target != req.context().project_id)
        throw Forbidden("Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.");
}

} // namespace

namespace {

void show_limits(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    std::string project = ctx.project_id;
    if (req.has_query("tenant_id") && ctx.is_admin())
        project = std::string(req.query("tenant_id"));
    QuotaSet q = driver.quotaGet(ctx, project);
    QuotaSet used = driver.quotaUsage(ctx, project);
    const ApiVersion& v = req.version();
    json absolute = {{"maxServerMeta", q["metadata_items"]},
                     {"maxTotalCores", q["cores"]},
                     {"maxTotalInstances", q["instances"]},
                     {"maxTotalKeypairs", q["key_pairs"]},
                     {"maxTotalRAMSize", q["ram"]},
                     {"maxServerGroups", q["server_groups"]},
                     {"maxServerGroupMembers", q["server_group_members"]},
                     {"totalCoresUsed", used["cores"]},
                     {"totalInstancesUsed", used["instances"]},
                     {"totalRAMUsed", used["ram"]},
                     {"totalServerGroupsUsed", used["server_groups"]}};
    if (!v.at_least(2, 39))
        absolute["maxImageMeta"] = q["metadata_items"];
    if (!v.at_least(2, 57)) {
        absolute["maxPersonality"] = q["injected_files"];
        absolute["maxPersonalitySize"] = q["injected_file_content_bytes"];
    }
    if (!v.at_least(2, 36)) {
        absolute["maxSecurityGroups"] = q["security_groups"];
        absolute["maxSecurityGroupRules"] = q["security_group_rules"];
        absolute["maxTotalFloatingIps"] = q["floating_ips"];
        absolute["totalFloatingIpsUsed"] = used["floating_ips"];
        absolute["totalSecurityGroupsUsed"] = used["security_groups"];
    }
    resp.json({{"limits", {{"rate", json::array()}, {"absolute", std::move(absolute)}}}});
}

void show_quotas(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& target = target_of(req);
    check_target(req, target);
    resp.json({{"quota_set", quota_view(req, driver.quotaGet(req.context(), target), target)}});
}

void update_quotas(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& target = target_of(req);
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("quota_set") || !body["quota_set"].is_object())
        throw BadRequest("Invalid input: the body must be {\"quota_set\": {...}}.");
    QuotaSet changes;
    for (const auto& [key, value] : body["quota_set"].items()) {
        if (key == "force") {
            api::schema_boolean(value, key);
            continue;
        }
        if (key == "id")
            continue;
        bool known = false;
        for (const auto& q : kQuotaNames)
            known = known || (key == q.name && shown(req, q));
        if (!known)
            throw BadRequest("Invalid input for field/attribute quota_set: additional properties are not allowed ('" +
                             key + "').");
        changes[key] = api::schema_integer(value, key, -1, api::kMaxInt);
    }
    resp.json({{"quota_set", quota_view(req, driver.quotaSet(req.context(), target, changes), "")}});
}

void reset_quotas(const Driver& driver, const Request& req, Response& resp)
{
    driver.quotaReset(req.context(), target_of(req));
    resp.status = 202;
    resp.clear_body();
}

void show_defaults(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& target = target_of(req);
    resp.json({{"quota_set", quota_view(req, driver.quotaDefaults(req.context()), target)}});
}

void show_quota_usage(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& target = target_of(req);
    check_target(req, target);
    QuotaSet limits = driver.quotaGet(req.context(), target);
    QuotaSet used = driver.quotaUsage(req.context(), target);
    json view = {{"id", target}};
    for (const auto& q : kQuotaNames)
        if (shown(req, q))
            view[q.name] = {{"limit", limits.count(q.name) ? limits[q.name] : -1},
                            {"in_use", used.count(q.name) ? used[q.name] : 0},
                            {"reserved", 0}};
    resp.json({{"quota_set", std::move(view)}});
}

/*
 * A quota class shows the quota sets' resources by its own microversions: the network ones until 2.50, the
 * server groups' from 2.50 (when the network ones went), the injected files' until 2.57.
 */
bool class_shows(const Request& req, const QuotaName& q)
{
    std::string_view name = q.name;
    if (q.removed_in == 36)
        return !req.version().at_least(2, 50);
    if (name == "server_groups" || name == "server_group_members")
        return req.version().at_least(2, 50);
    return shown(req, q);
}

json quota_class_view(const Request& req, const QuotaSet& set, const std::string& id)
{
    json view = json::object();
    if (!id.empty())
        view["id"] = id;
    for (const auto& q : kQuotaNames)
        if (class_shows(req, q)) {
            auto it = set.find(q.name);
            view[q.name] = it == set.end() ? -1 : it->second;
        }
    return view;
}

const std::string& quota_class_of(const Request& req)
{
    const std::string& name = req.param("quota_class");
    if (name.empty() || name.size() > 255)
        throw BadRequest("Invalid input for field/attribute quota_class.");
    return name;
}

void show_quota_class(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& name = quota_class_of(req);
    resp.json({{"quota_class_set", quota_class_view(req, driver.quotaClassGet(req.context(), name), name)}});
}

// The update's answer has no id, as Nova's.
void update_quota_class(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& name = quota_class_of(req);
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("quota_class_set") || !body["quota_class_set"].is_object())
        throw BadRequest("Invalid input for field/attribute quota_class_set: 'quota_class_set' is a required "
                         "property.");
    for (const auto& [key, value] : body.items())
        if (key != "quota_class_set")
            throw BadRequest("Additional properties are not allowed ('" + key + "' was unexpected)");
    QuotaSet changes;
    for (const auto& [key, value] : body["quota_class_set"].items()) {
        bool known = false;
        for (const auto& q : kQuotaNames)
            known = known || (key == q.name && class_shows(req, q));
        if (!known)
            throw BadRequest("Invalid input for field/attribute quota_class_set. Additional properties are not "
                             "allowed ('" +
                             key + "' was unexpected)");
        changes[key] = api::schema_integer(value, key, -1, api::kMaxInt);
    }
    resp.json({{"quota_class_set", quota_class_view(req, driver.quotaClassSet(req.context(), name, changes), "")}});
}

const Binding<Driver> kQuotaBindings[] = {
    {"v2_limits", "GET", {Op::quotaGet, Op::quotaUsage}, show_limits},
    {"v2_os_quota_sets", "GET", {Op::quotaGet}, show_quotas},
    {"v2_os_quota_sets_target", "GET", {Op::quotaGet}, show_quotas},
    {"v2_os_tenant_quota_sets", "GET", {Op::quotaGet}, show_quotas},
    {"v2_os_quota_sets_target", "PUT", {Op::quotaSet}, update_quotas},
    {"v2_os_tenant_quota_sets", "PUT", {Op::quotaSet}, update_quotas},
    {"v2_os_quota_sets_target", "DELETE", {Op::quotaReset}, reset_quotas},
    {"v2_os_tenant_quota_sets", "DELETE", {Op::quotaReset}, reset_quotas},
    {"v2_os_quota_sets_default", "GET", {Op::quotaDefaults}, show_defaults},
    {"v2_os_quota_sets_target_defaults", "GET", {Op::quotaDefaults}, show_defaults},
    {"v2_os_quota_sets_detail", "GET", {Op::quotaGet, Op::quotaUsage}, show_quota_usage},
    {"v2_os_quota_class_set", "GET", {Op::quotaClassGet}, show_quota_class},
    {"v2_os_quota_class_set", "PUT", {Op::quotaClassSet}, update_quota_class},
};

} // namespace

std::span<const Binding<Driver>> quota_bindings()
{
    return kQuotaBindings;
}

QuotaSet Driver::quotaGet(const Context&, const std::string&) const
{
    throw NotImplemented("quotaGet");
}
QuotaSet Driver::quotaDefaults(const Context&) const
{
    throw NotImplemented("quotaDefaults");
}
QuotaSet Driver::quotaSet(const Context&, const std::string&, const QuotaSet&) const
{
    throw NotImplemented("quotaSet");
}
void Driver::quotaReset(const Context&, const std::string&) const
{
    throw NotImplemented("quotaReset");
}
QuotaSet Driver::quotaUsage(const Context&, const std::string&) const
{
    throw NotImplemented("quotaUsage");
}

} // namespace jumpgate::compute
