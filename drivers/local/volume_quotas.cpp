// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage quotas: limits per project, and what volumes, snapshots and backups use of them.
#include "local.hpp"

#include <jumpgate/fault.hpp>

namespace jumpgate::local {

namespace {

// Cinder's per-type resources: a limit of each for every volume type ("volumes_<type name>").
constexpr const char* kTypedResources[] = {"volumes", "snapshots", "gigabytes"};

} // namespace

volume::QuotaSet Volume::quotaGet(const Context& ctx, const std::string& project_id) const
{
    return quotas_.get(project_id, quotaDefaults(ctx));
}

volume::QuotaSet Volume::quotaDefaults(const Context& ctx) const
{
    return quotaClassGet(ctx, "default");
}

volume::QuotaSet Volume::quotaClassGet(const Context&, const std::string& class_name) const
{
    // Built in, then per type unlimited, then what the default class changes, then what this class does.
    volume::QuotaSet out = quotas_.defaults();
    Statement types(*db_, "SELECT name FROM volume_types");
    while (types.step())
        for (const char* r : kTypedResources)
            out[std::string(r) + "_" + types.text(0)] = -1;
    for (const std::string& name : {std::string("default"), class_name}) {
        Statement s(*db_, "SELECT resource, hard_limit FROM volume_quota_classes WHERE class_name = ?");
        s.bind(1, name);
        while (s.step())
            if (out.contains(s.text(0)))
                out[s.text(0)] = s.integer(1);
    }
    return out;
}

volume::QuotaSet Volume::quotaClassSet(const Context& ctx, const std::string& class_name,
                                       const volume::QuotaSet& changes) const
{
    {
        Transaction tx(*db_);
        volume::QuotaSet known = quotaClassGet(ctx, class_name);
        for (const auto& [resource, limit] : changes) {
            // As Cinder, a key that names no resource is passed over.
            if (!known.contains(resource))
                continue;
            if (limit < -1)
                throw BadRequest("Quota limit " + std::to_string(limit) + " for " + resource +
                                 " must be -1 (unlimited) or more.");
            Statement s(*db_, "INSERT INTO volume_quota_classes (class_name, resource, hard_limit) VALUES (?, ?, ?) "
                              "ON CONFLICT (class_name, resource) DO UPDATE SET hard_limit = excluded.hard_limit");
            s.bind(1, class_name).bind(2, resource).bind(3, limit);
            s.step();
        }
        tx.commit();
    }
    return quotaClassGet(ctx, class_name);
}

volume::QuotaSet Volume::quotaSet(const Context&, const std::string& project_id, const volume::QuotaSet& changes) const
{
    quotas_.set(project_id, changes);
    return quotas_.get(project_id);
}

void Volume::quotaReset(const Context&, const std::string& project_id) const
{
    quotas_.reset(project_id);
}

volume::QuotaSet Volume::quotaUsage(const Context& ctx, const std::string& project_id) const
{
    volume::QuotaSet used;
    for (const auto& [resource, limit] : quotaDefaults(ctx))
        used[resource] = 0;
    Statement v(*db_, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM volumes WHERE project_id = ?");
    v.bind(1, project_id);
    if (v.step()) {
        used["volumes"] = v.integer(0);
        used["gigabytes"] = v.integer(1);
    }
    // As in Cinder, snapshots take from the same gigabytes as volumes.
    Statement s(*db_, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM volume_snapshots WHERE project_id = ?");
    s.bind(1, project_id);
    if (s.step()) {
        used["snapshots"] = s.integer(0);
        used["gigabytes"] += s.integer(1);
    }
    Statement b(*db_, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM volume_backups WHERE project_id = ?");
    b.bind(1, project_id);
    if (b.step()) {
        used["backups"] = b.integer(0);
        used["backup_gigabytes"] = b.integer(1);
    }
    // Per type, as Cinder counts volumes_<type>, gigabytes_<type> (their snapshots' too) and snapshots_<type>.
    Statement tv(*db_, "SELECT t.name, COUNT(*), SUM(v.size) FROM volumes v JOIN volume_types t "
                       "ON t.id = v.volume_type_id WHERE v.project_id = ? GROUP BY t.name");
    tv.bind(1, project_id);
    while (tv.step()) {
        used["volumes_" + tv.text(0)] = tv.integer(1);
        used["gigabytes_" + tv.text(0)] += tv.integer(2);
    }
    Statement ts(*db_, "SELECT t.name, COUNT(*), SUM(s.size) FROM volume_snapshots s JOIN volumes v "
                       "ON v.id = s.volume_id JOIN volume_types t ON t.id = v.volume_type_id "
                       "WHERE s.project_id = ? GROUP BY t.name");
    ts.bind(1, project_id);
    while (ts.step()) {
        used["snapshots_" + ts.text(0)] = ts.integer(1);
        used["gigabytes_" + ts.text(0)] += ts.integer(2);
    }
    Statement g(*db_, "SELECT COUNT(*) FROM volume_groups WHERE project_id = ?");
    g.bind(1, project_id);
    if (g.step())
        used["groups"] = g.integer(0);
    return used;
}

/*
 * quota_check: PayloadTooLarge, in Cinder's words, unless `project_id` may
 * have `volumes` more volumes, `snapshots` more snapshots and `gigabytes`
 * more gigabytes, and a volume of `volume_size` GiB (0: no volume is sized).
 */
void Volume::quota_check(const Context& ctx, const std::string& project_id, long long volumes, long long snapshots,
                         long long gigabytes, long long volume_size) const
{
    auto limits = quotaGet(ctx, project_id);
    auto used = quotaUsage(ctx, project_id);
    auto n = [](long long v) { return std::to_string(v); };
    long long per_volume = limits["per_volume_gigabytes"];
    if (volume_size > 0 && per_volume >= 0 && volume_size > per_volume)
        throw PayloadTooLarge("VolumeSizeExceedsLimit: Requested volume size " + n(volume_size) +
                              "G is larger than maximum allowed limit " + n(per_volume) + "G.");
    if (volumes > 0 && limits["volumes"] >= 0 && used["volumes"] + volumes > limits["volumes"])
        throw PayloadTooLarge("VolumeLimitExceeded: Maximum number of volumes allowed (" + n(limits["volumes"]) +
                              ") exceeded for quota 'volumes'.");
    if (snapshots > 0 && limits["snapshots"] >= 0 && used["snapshots"] + snapshots > limits["snapshots"])
        throw PayloadTooLarge("SnapshotLimitExceeded: Maximum number of snapshots allowed (" + n(limits["snapshots"]) +
                              ") exceeded");
    if (gigabytes > 0 && limits["gigabytes"] >= 0 && used["gigabytes"] + gigabytes > limits["gigabytes"])
        throw PayloadTooLarge("VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
                              "gigabytes quota. Requested " +
                              n(gigabytes) + "G, quota is " + n(limits["gigabytes"]) + "G and " + n(used["gigabytes"]) +
                              "G has been consumed.");
}

/* backup_quota_check: PayloadTooLarge unless the project may keep one more backup of `size` GiB. */
void Volume::backup_quota_check(const Context& ctx, const std::string& project_id, long long size) const
{
    auto limits = quotaGet(ctx, project_id);
    auto used = quotaUsage(ctx, project_id);
    auto n = [](long long v) { return std::to_string(v); };
    if (limits["backups"] >= 0 && used["backups"] + 1 > limits["backups"])
        throw PayloadTooLarge("BackupLimitExceeded: Maximum number of backups allowed (" + n(limits["backups"]) +
                              ") exceeded");
    if (limits["backup_gigabytes"] >= 0 && used["backup_gigabytes"] + size > limits["backup_gigabytes"])
        throw PayloadTooLarge("VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup "
                              "gigabytes quota. Requested " +
                              n(size) + "G, quota is " + n(limits["backup_gigabytes"]) + "G and " +
                              n(used["backup_gigabytes"]) + "G has been consumed.");
}

} // namespace jumpgate::local
