// SPDX-License-Identifier: Apache-2.0
// Cinder's limits and os-quota-sets from the driver's quotas and real usage, and its availability zones.
#include "api/volume/cinder.hpp"

#include <algorithm>

#include <jumpgate/fault.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

constexpr const char* kResources[] = {
    "volumes", "gigabytes", "snapshots", "backups", "backup_gigabytes", "per_volume_gigabytes", "groups"};

long long value_of(const QuotaSet& set, const char* key)
{
    auto it = set.find(key);
    return it == set.end() ? (std::string_view(key) == "per_volume_gigabytes" ? -1 : 0) : it->second;
}

// The resources a view shows: Cinder's own, then those the driver adds (per volume type: "volumes_<type>"...).
std::vector<std::string> resources_of(const QuotaSet& limits)
{
    std::vector<std::string> out(std::begin(kResources), std::end(kResources));
    for (const auto& [key, limit] : limits)
        if (std::find(out.begin(), out.end(), key) == out.end())
            out.push_back(key);
    return out;
}

json quota_view(const QuotaSet& limits, const std::string& id, const QuotaSet* usage)
{
    json view = {{"id", id}};
    for (const std::string& r : resources_of(limits)) {
        if (usage)
            view[r] = {{"limit", value_of(limits, r.c_str())},
                       {"in_use", value_of(*usage, r.c_str())},
                       {"reserved", 0},
                       {"allocated", 0}};
        else
            view[r] = value_of(limits, r.c_str());
    }
    return view;
}

// A member reads its own project's quotas; only an admin reads or changes another's.
void check_target(const Request& req, const std::string& target)
{
    if (!req.context().is_admin() && target != req.context().project_id)
        throw Forbidden("Policy doesn't allow volume_extension:quotas:show to be performed.");
}

void limits(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    std::string project = ctx.project_id;
    if (req.has_query("project_id") && ctx.is_admin() && req.version().at_least(3, 39))
        project = std::string(req.query("project_id"));
    QuotaSet q = driver.quotaGet(ctx, project);
    QuotaSet used = driver.quotaUsage(ctx, project);
    json absolute = {{"maxTotalVolumes", value_of(q, "volumes")},
                     {"maxTotalSnapshots", value_of(q, "snapshots")},
                     {"maxTotalVolumeGigabytes", value_of(q, "gigabytes")},
                     {"maxTotalBackups", value_of(q, "backups")},
                     {"maxTotalBackupGigabytes", value_of(q, "backup_gigabytes")},
                     {"totalVolumesUsed", value_of(used, "volumes")},
                     {"totalGigabytesUsed", value_of(used, "gigabytes")},
                     {"totalSnapshotsUsed", value_of(used, "snapshots")},
                     {"totalBackupsUsed", value_of(used, "backups")},
                     {"totalBackupGigabytesUsed", value_of(used, "backup_gigabytes")}};
    resp.json({{"limits", {{"rate", json::array()}, {"absolute", std::move(absolute)}}}});
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& project = req.param("project_id");
    check_target(req, project);
    QuotaSet limits = driver.quotaGet(req.context(), project);
    bool usage = req.has_query("usage") && api::parse_bool("usage", req.query("usage"));
    QuotaSet used;
    if (usage)
        used = driver.quotaUsage(req.context(), project);
    resp.json({{"quota_set", quota_view(limits, project, usage ? &used : nullptr)}});
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:quotas:update");
    const json& b = body_of(req, "quota_set");
    QuotaSet changes;
    for (const auto& [k, v] : b.items()) {
        if (k == "tenant_id" || k == "id")
            continue;
        bool known = false;
        for (const char* r : kResources)
            known = known || k == r;
        if (!known)
            throw BadRequest("Bad key(s) in quota set: " + k);
        changes[k] = api::cinder_integer(v, k, -1, api::kMaxInt);
    }
    const std::string& project = req.param("project_id");
    QuotaSet used = driver.quotaUsage(req.context(), project);
    for (const auto& [k, limit] : changes)
        if (limit >= 0 && k != "per_volume_gigabytes" && value_of(used, k.c_str()) > limit)
            throw BadRequest("Invalid input: quota value for " + k + " (" + std::to_string(limit) +
                             ") is less than the in-use value (" + std::to_string(value_of(used, k.c_str())) + ").");
    QuotaSet limits = driver.quotaSet(req.context(), project, changes);
    json view = quota_view(limits, project, nullptr);
    view.erase("id");
    resp.json({{"quota_set", std::move(view)}});
}

void reset(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:quotas:delete");
    driver.quotaReset(req.context(), req.param("project_id"));
    resp.clear_body();
}

void defaults(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& project = req.param("project_id");
    check_target(req, project);
    resp.json({{"quota_set", quota_view(driver.quotaDefaults(req.context()), project, nullptr)}});
}

// Cinder's os-quota-class-sets: an admin's; the class "default" holds every project's defaults.
void class_show(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:quota_classes");
    const std::string& name = req.param("class_name");
    resp.json({{"quota_class_set", quota_view(driver.quotaClassGet(req.context(), name), name, nullptr)}});
}

void class_update(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:quota_classes:update");
    const std::string& name = req.param("class_name");
    if (name.empty() || name.size() > 255)
        throw BadRequest("Invalid input received: quota_class_name must be 1 to 255 characters long.");
    const json& b = body_of(req, "quota_class_set");
    QuotaSet changes;
    for (const auto& [k, v] : b.items())
        changes[k] = api::cinder_integer(v, k, -1, api::kMaxInt);
    json view = quota_view(driver.quotaClassSet(req.context(), name, changes), name, nullptr);
    view.erase("id");
    resp.json({{"quota_class_set", std::move(view)}});
}

void availability_zones(const Driver& driver, const Request& req, Response& resp)
{
    json zones = json::array();
    for (const auto& [name, available] : driver.availabilityZoneList(req.context()))
        zones.push_back({{"zoneName", name}, {"zoneState", {{"available", available}}}});
    resp.json({{"availabilityZoneInfo", std::move(zones)}});
}

constexpr Operations kRead{Op::quotaGet, Op::quotaUsage};
constexpr Operations kUpdate{Op::quotaUsage, Op::quotaSet};

constexpr Binding<Driver> kBindings[] = {
    {"v2_limits", "GET", kRead, limits},
    {"v3_limits", "GET", kRead, limits},
    {"v2_quota_set", "GET", kRead, show},
    {"v3_quota_set", "GET", kRead, show},
    {"v2_quota_set", "PUT", kUpdate, update},
    {"v3_quota_set", "PUT", kUpdate, update},
    {"v2_quota_set", "DELETE", {Op::quotaReset}, reset},
    {"v3_quota_set", "DELETE", {Op::quotaReset}, reset},
    {"v2_quota_set_defaults", "GET", {Op::quotaDefaults}, defaults},
    {"v3_quota_set_defaults", "GET", {Op::quotaDefaults}, defaults},
    {"v3_quota_class_set", "GET", {Op::quotaClassGet}, class_show},
    {"v3_quota_class_set", "PUT", {Op::quotaClassSet}, class_update},
    {"v2_availability_zones", "GET", {Op::availabilityZoneList}, availability_zones},
    {"v3_availability_zones", "GET", {Op::availabilityZoneList}, availability_zones},
};

} // namespace

std::span<const Binding<Driver>> quota_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
