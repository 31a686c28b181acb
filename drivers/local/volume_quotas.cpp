// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage quotas: limits per project, and what volumes, snapshots and backups use of them.
#include "local.hpp"

#include <jumpgate/fault.hpp>

namespace jumpgate::local {

volume::QuotaSet Volume::quotaGet(const Context&, const std::string& project_id) const
{
    return quotas_.get(project_id);
}

volume::QuotaSet Volume::quotaDefaults(const Context&) const
{
    return quotas_.defaults();
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

volume::QuotaSet Volume::quotaUsage(const Context&, const std::string& project_id) const
{
    volume::QuotaSet used;
    for (const auto& [resource, limit] : quotas_.defaults())
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
