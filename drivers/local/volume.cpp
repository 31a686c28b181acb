// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage volumes: records in SQLite, bytes as sparse files, statuses by the clock.
#include "local.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <jumpgate/fault.hpp>

#include "volume_files.hpp"
#include "volume_rows.hpp"

namespace jumpgate::local {

namespace {

using volume::Snapshot;

const volume::QuotaSet kDefaultQuotas = {{"volumes", 10}, {"gigabytes", 1000},        {"snapshots", 10},
                                         {"backups", 10}, {"backup_gigabytes", 1000}, {"per_volume_gigabytes", -1},
                                         {"groups", 10}};

const ListTable kVolumes = {
    "v.id, v.name, v.description, v.project_id, v.user_id, v.size, " + current_status("v") +
        ", COALESCE(t.name, ''), v.volume_type_id, v.availability_zone, v.bootable, v.multiattach, v.readonly, "
        "v.snapshot_id, v.source_volid, v.image_id, v.image_metadata_json, v.metadata_json, v.host, v.created_at, " +
        current_updated("v") + ", v.readonly_set, v.group_id",
    "volumes v LEFT JOIN volume_types t ON t.id = v.volume_type_id",
    "v.id",
    "v.project_id",
    "v.rowid",
    true,
    {{"bootable", "v.bootable = ?", ListFilter::boolean},
     {"multiattach", "v.multiattach = ?", ListFilter::boolean},
     {"size", "v.size = ?", ListFilter::integer},
     {"status", current_status("v") + " = ?"},
     {"volume_type", "? IN (t.name, t.id)"},
     {"name", "v.name = ?"},
     {"availability_zone", "v.availability_zone = ?"},
     {"id", "v.id = ?"},
     {"user_id", "v.user_id = ?"},
     {"project_id", "v.project_id = ?"},
     {"snapshot_id", "v.snapshot_id = ?"},
     {"source_volid", "v.source_volid = ?"},
     {"image_id", "v.image_id = ?"},
     {"volume_type_id", "v.volume_type_id = ?"},
     {"group_id", "v.group_id = ?"}},
    {{"metadata:", "v.metadata_json"}, {"image_metadata:", "v.image_metadata_json"}},
    clocked_sort_keys("v", {"id", "size", "availability_zone", "created_at", "bootable", "project_id", "user_id"},
                      {{"volume_type", "COALESCE(t.name, '')"}}),
    {{"created_at", false}},
};

volume::Volume volume_of(const Statement& s)
{
    volume::Volume v;
    v.id = s.text(0);
    v.name = opt_text(s, 1);
    v.description = opt_text(s, 2);
    v.project_id = s.text(3);
    v.user_id = s.text(4);
    v.size = s.integer(5);
    v.status = s.text(6);
    v.volume_type = s.text(7);
    v.volume_type_id = s.text(8);
    v.availability_zone = s.text(9);
    v.bootable = s.integer(10) != 0;
    v.multiattach = s.integer(11) != 0;
    v.readonly = s.integer(12) != 0;
    v.snapshot_id = opt_text(s, 13);
    v.source_volid = opt_text(s, 14);
    v.image_id = opt_text(s, 15);
    v.image_metadata = string_map(s.text(16));
    v.metadata = string_map(s.text(17));
    v.host = s.text(18);
    v.created_at = s.integer(19);
    v.updated_at = s.integer(20);
    v.readonly_set = s.integer(21) != 0;
    v.group_id = opt_text(s, 22);
    return v;
}

/*
 * type_quota_check: PayloadTooLarge, in Cinder's words, unless the project may have one more volume of `v`'s type
 * and its size more gigabytes of it (volumes_<type> and gigabytes_<type>, unlimited unless a quota class or the
 * project sets them).
 */
void type_quota_check(const Volume& driver, const Context& ctx, const volume::Volume& v)
{
    auto limits = driver.quotaGet(ctx, v.project_id);
    auto used = driver.quotaUsage(ctx, v.project_id);
    const std::string volumes = "volumes_" + v.volume_type;
    const std::string gigabytes = "gigabytes_" + v.volume_type;
    auto n = [](long long value) { return std::to_string(value); };
    if (limits.contains(volumes) && limits[volumes] >= 0 && used[volumes] + 1 > limits[volumes])
        throw PayloadTooLarge("VolumeLimitExceeded: Maximum number of volumes allowed (" + n(limits[volumes]) +
                              ") exceeded for quota '" + volumes + "'.");
    if (limits.contains(gigabytes) && limits[gigabytes] >= 0 && used[gigabytes] + v.size > limits[gigabytes])
        throw PayloadTooLarge("VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed " +
                              gigabytes + " quota. Requested " + n(v.size) + "G, quota is " + n(limits[gigabytes]) +
                              "G and " + n(used[gigabytes]) + "G has been consumed.");
}

std::string hostname()
{
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    return host;
}

} // namespace

Volume::Volume(std::shared_ptr<Database> db, std::string volume_store, std::string image_store, int build_seconds)
    : db_(std::move(db)), volume_store_(std::move(volume_store)), image_store_(std::move(image_store)),
      host_(hostname() + "@lvmdriver-1#lvmdriver-1"), build_seconds_(build_seconds),
      quotas_(*db_, "volume_quotas", kDefaultQuotas)
{
    auto slash = volume_store_.rfind('/');
    std::string parent = slash == std::string::npos ? std::string(".") : volume_store_.substr(0, slash);
    snapshot_store_ = parent + "/volume-snapshots";
    backup_store_ = parent + "/volume-backups";
}

void Volume::storesMake() const
{
    for (const auto* store : {&volume_store_, &snapshot_store_, &backup_store_, &image_store_})
        mkdir(store->c_str(), 0750);
}

std::string Volume::volumePath(const std::string& volume_id) const
{
    return volume_store_ + "/" + volume_id;
}
std::string Volume::snapshotPath(const std::string& snapshot_id) const
{
    return snapshot_store_ + "/" + snapshot_id;
}

/*
 * status_set: put a volume or snapshot (`table`) in `status`; with `next`, it
 * becomes `next` once build_seconds have passed (at once when they are 0).
 */
void Volume::status_set(const char* table, const std::string& id, const std::string& status,
                        const std::optional<std::string>& next) const
{
    std::int64_t t = unix_now();
    Statement s(*db_, std::string("UPDATE ") + table +
                          " SET status = ?, status_until = ?, next_status = ?, updated_at = ? WHERE id = ?");
    if (next && build_seconds_ <= 0)
        s.bind(1, *next).bind(2, 0LL).bind_null(3);
    else {
        s.bind(1, status).bind(2, static_cast<long long>(next ? ready_at(build_seconds_) : 0));
        bind_opt(s, 3, next);
    }
    s.bind(4, static_cast<long long>(t)).bind(5, id);
    s.step();
}

std::vector<volume::Volume> Volume::volumeList(const Context& ctx, const volume::ListQuery& q) const
{
    std::vector<volume::Volume> out;
    list_rows(*db_, ctx, q, kVolumes, [&](const Statement& s) { out.push_back(volume_of(s)); });
    load_attachments(out);
    return out;
}

volume::Volume Volume::volumeGet(const Context& ctx, const std::string& volume_id) const
{
    auto found = row_find(*db_, ctx, kVolumes, volume_id, volume_of);
    if (!found)
        throw NotFound("Volume " + volume_id + " could not be found.");
    std::vector<volume::Volume> one{std::move(*found)};
    load_attachments(one);
    return one.front();
}

volume::Volume Volume::volumeCreate(const Context& ctx, const volume::Volume& in) const
{
    volume::Volume v = in;
    new_row_defaults(v, ctx, "volume");
    if (v.availability_zone.empty())
        v.availability_zone = "nova";
    if (v.availability_zone != "nova")
        throw BadRequest("Availability zone '" + v.availability_zone + "' is invalid.");
    int sources = (v.snapshot_id ? 1 : 0) + (v.source_volid ? 1 : 0) + (v.image_id ? 1 : 0);
    if (sources > 1)
        throw BadRequest("A volume is made from at most one of a snapshot, a volume and an image.");

    // The type: the one named, else the default.
    {
        std::string wanted = !v.volume_type_id.empty() ? v.volume_type_id : v.volume_type;
        Statement t(*db_, wanted.empty() ? "SELECT id, name FROM volume_types WHERE is_default = 1 LIMIT 1"
                                         : "SELECT id, name FROM volume_types WHERE id = ? OR name = ? "
                                           "ORDER BY id = ? DESC LIMIT 1");
        if (!wanted.empty())
            t.bind(1, wanted).bind(2, wanted).bind(3, wanted);
        if (!t.step())
            throw NotFound("Volume type with name " + wanted + " could not be found.");
        v.volume_type_id = t.text(0);
        v.volume_type = t.text(1);
    }

    // The source's bytes, held open: they stay readable whatever happens to its record meanwhile.
    Fd source;
    long long source_bytes = 0;
    long long needed = 1;
    if (v.snapshot_id) {
        Snapshot snap = snapshotGet(ctx, *v.snapshot_id);
        if (snap.status != "available")
            throw BadRequest("Originating snapshot status must be 'available' to create this volume, but it is '" +
                             snap.status + "'.");
        if (v.size > 0 && v.size < snap.size)
            throw BadRequest("Volume size '" + std::to_string(v.size) +
                             "'GB cannot be smaller than the snapshot size " + std::to_string(snap.size) +
                             "GB. They must be >= original snapshot size.");
        needed = snap.size;
        source = open_source(snapshotPath(snap.id), "Snapshot " + snap.id);
        try {
            volume::Volume parent = volumeGet(ctx, snap.volume_id);
            v.bootable = parent.bootable;
            v.image_metadata = parent.image_metadata;
        } catch (const NotFound&) {
        }
    } else if (v.source_volid) {
        volume::Volume src = volumeGet(ctx, *v.source_volid);
        if (src.status != "available" && src.status != "in-use")
            throw BadRequest("Volume " + src.id +
                             " status must be available or in-use to be cloned, but current "
                             "status is: " +
                             src.status + ".");
        if (v.size > 0 && v.size < src.size)
            throw BadRequest("Volume size '" + std::to_string(v.size) +
                             "'GB cannot be smaller than original volume "
                             "size " +
                             std::to_string(src.size) + "GB. They must be >= original volume size.");
        needed = src.size;
        source = open_source(volumePath(src.id), "Volume " + src.id);
        v.bootable = src.bootable;
        v.image_metadata = src.image_metadata;
    } else if (v.image_id) {
        snapshots_finish(*db_);
        // Visible to ctx as servers.cpp's create sees images: public, community, its own, shared with it.
        Statement image(*db_, "SELECT name, checksum, disk_format, container_format, size, min_disk, min_ram "
                              "FROM images WHERE id = ? AND status = 'active' AND "
                              "(visibility IN ('public', 'community') OR owner = ? OR ? OR EXISTS "
                              "(SELECT 1 FROM image_members m WHERE m.image_id = images.id AND m.member_id = ?))");
        image.bind(1, *v.image_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
        image.bind(4, ctx.project_id);
        if (!image.step())
            throw BadRequest("Invalid image identifier or unable to access requested image.");
        long long bytes = image.integer(4);
        long long min_disk = image.integer(5);
        v.image_metadata = {{"image_id", *v.image_id},
                            {"image_name", image.text(0)},
                            {"checksum", image.text(1)},
                            {"disk_format", image.text(2)},
                            {"container_format", image.text(3)},
                            {"size", std::to_string(bytes)},
                            {"min_disk", std::to_string(min_disk)},
                            {"min_ram", std::to_string(image.integer(6))}};
        Statement props(*db_, "SELECT key, value FROM image_properties WHERE image_id = ?");
        props.bind(1, *v.image_id);
        while (props.step())
            v.image_metadata.emplace(props.text(0), props.text(1));
        if (v.size > 0 && v.size < gib_ceil(bytes))
            throw BadRequest("Size of specified image " + std::to_string(gib_ceil(bytes)) +
                             "GB is larger than volume size " + std::to_string(v.size) + "GB.");
        if (v.size > 0 && v.size < min_disk)
            throw BadRequest("Volume size " + std::to_string(v.size) +
                             "GB cannot be smaller than the image minDisk "
                             "size " +
                             std::to_string(min_disk) + "GB.");
        needed = std::max({1LL, gib_ceil(bytes), min_disk});
        source = open_source(image_store_ + "/" + *v.image_id, "Image " + *v.image_id);
        source_bytes = file_size(source.get());
        v.bootable = true;
    }
    if (v.size <= 0)
        v.size = needed;
    if (source && !v.image_id)
        source_bytes = file_size(source.get());

    // Cinder's scheduler: a volume no backend takes is kept, in "error", with no bytes, and its project is told why
    // in a user message.
    const bool refused = !schedulable(v.volume_type_id);

    // Checked before the copy so a refused volume costs nothing, and again with the record, against a race.
    quota_check(ctx, v.project_id, 1, 0, v.size, v.size);
    type_quota_check(*this, ctx, v);
    std::string path =
        refused ? std::string() : store_file(volume_store_, v.id, v.size * kGiB, source.get(), source_bytes);
    try {
        Transaction tx(*db_);
        if (has_row(*db_, "volumes", v.id))
            throw Conflict("A volume with identifier " + v.id + " already exists.");
        quota_check(ctx, v.project_id, 1, 0, v.size, v.size);
        type_quota_check(*this, ctx, v);
        std::int64_t t = v.created_at ? v.created_at : unix_now();
        Statement s(*db_, "INSERT INTO volumes (id, name, description, project_id, user_id, size, status, "
                          "status_until, next_status, volume_type_id, availability_zone, bootable, multiattach, "
                          "readonly, snapshot_id, source_volid, image_id, image_metadata_json, metadata_json, host, "
                          "created_at, updated_at, group_id) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, v.id);
        bind_opt(s, 2, v.name);
        bind_opt(s, 3, v.description);
        s.bind(4, v.project_id).bind(5, v.user_id).bind(6, v.size);
        if (refused) {
            s.bind(7, build_seconds_ <= 0 ? "error" : "creating");
            s.bind(8, static_cast<long long>(build_seconds_ <= 0 ? 0 : ready_at(build_seconds_)));
            s.bind(9, "error");
        } else {
            bind_creating(s, 7, build_seconds_);
        }
        s.bind(10, v.volume_type_id).bind(11, v.availability_zone).bind(12, v.bootable ? 1LL : 0LL);
        s.bind(13, v.multiattach ? 1LL : 0LL).bind(14, v.readonly ? 1LL : 0LL);
        bind_opt(s, 15, v.snapshot_id);
        bind_opt(s, 16, v.source_volid);
        bind_opt(s, 17, v.image_id);
        s.bind(18, json(v.image_metadata).dump()).bind(19, json(v.metadata).dump());
        s.bind(20, refused ? std::string() : v.host.empty() ? host_ : v.host);
        s.bind(21, static_cast<long long>(t)).bind(22, static_cast<long long>(v.updated_at ? v.updated_at : t));
        bind_opt(s, 23, v.group_id);
        if (v.group_id && !has_row(*db_, "volume_groups", *v.group_id))
            throw NotFound("Group " + *v.group_id + " could not be found.");
        s.step();
        if (refused)
            message_add(ctx, v.project_id, v.id, "VOLUME_VOLUME_001_002",
                        "schedule allocate volume: Could not find any available weighted backend.");
        tx.commit();
    } catch (...) {
        if (!path.empty())
            unlink(path.c_str());
        throw;
    }
    return volumeGet(ctx, v.id);
}

volume::Volume Volume::volumeUpdate(const Context& ctx, const volume::Volume& v) const
{
    // A retype names a type that exists (the core found it); the subquery keeps the reference whole regardless.
    Statement s(*db_, "UPDATE volumes SET name = ?, description = ?, metadata_json = ?, bootable = ?, readonly = ?, "
                      "readonly_set = ?, image_metadata_json = ?, "
                      "volume_type_id = COALESCE((SELECT id FROM volume_types WHERE id = ?), volume_type_id), "
                      "updated_at = ? WHERE id = ? AND (project_id = ? OR ?)");
    bind_opt(s, 1, v.name);
    bind_opt(s, 2, v.description);
    s.bind(3, json(v.metadata).dump()).bind(4, v.bootable ? 1LL : 0LL).bind(5, v.readonly ? 1LL : 0LL);
    s.bind(6, v.readonly_set || v.readonly ? 1LL : 0LL);
    s.bind(7, json(v.image_metadata).dump()).bind(8, v.volume_type_id);
    s.bind(9, static_cast<long long>(unix_now()))
        .bind(10, v.id)
        .bind(11, ctx.project_id)
        .bind(12, ctx.is_admin() ? 1LL : 0LL);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Volume " + v.id + " could not be found.");
    return volumeGet(ctx, v.id);
}

void Volume::volumeDelete(const Context& ctx, const std::string& volume_id) const
{
    {
        Transaction tx(*db_);
        volume::Volume v = volumeGet(ctx, volume_id);
        // The core checked these too; checked again under the write lock, nothing goes that something else needs.
        Statement snaps(*db_, "SELECT COUNT(*) FROM volume_snapshots WHERE volume_id = ?");
        snaps.bind(1, v.id);
        if (snaps.step() && snaps.integer(0) > 0)
            throw Conflict("Volume " + v.id + " still has " + std::to_string(snaps.integer(0)) +
                           " dependent snapshots; delete them first.");
        if (!v.attachments.empty())
            throw Conflict("Volume " + v.id + " is attached; detach it first.");
        Statement s(*db_, "DELETE FROM volumes WHERE id = ?");
        s.bind(1, v.id);
        s.step();
        tx.commit();
    }
    unlink(volumePath(volume_id).c_str());
}

std::vector<std::pair<std::string, bool>> Volume::availabilityZoneList(const Context&) const
{
    return {{"nova", true}};
}

} // namespace jumpgate::local
