// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage backups: a volume's or a snapshot's bytes kept apart, and restored into a volume.
#include "local.hpp"

#include <unistd.h>

#include <cstdio>

#include <jumpgate/fault.hpp>

#include "volume_files.hpp"
#include "volume_rows.hpp"

namespace jumpgate::local {

namespace {

const ListTable kBackups = {
    "b.id, b.name, b.description, b.volume_id, b.snapshot_id, b.project_id, b.user_id, b.size, " + current_status("b") +
        ", b.availability_zone, b.container, b.metadata_json, b.created_at, " + current_updated("b"),
    "volume_backups b",
    "b.id",
    "b.project_id",
    "b.rowid",
    true,
    {{"status", current_status("b") + " = ?"},
     {"name", "b.name = ?"},
     {"volume_id", "b.volume_id = ?"},
     {"id", "b.id = ?"}},
    {},
    clocked_sort_keys("b", {"id", "size", "volume_id", "project_id", "created_at"}),
    {{"created_at", false}},
};

volume::Backup backup_of(const Statement& s)
{
    volume::Backup b;
    b.id = s.text(0);
    b.name = opt_text(s, 1);
    b.description = opt_text(s, 2);
    b.volume_id = s.text(3);
    b.snapshot_id = opt_text(s, 4);
    b.project_id = s.text(5);
    b.user_id = s.text(6);
    b.size = s.integer(7);
    b.status = s.text(8);
    b.availability_zone = s.text(9);
    b.container = opt_text(s, 10);
    b.metadata = string_map(s.text(11));
    b.created_at = s.integer(12);
    b.updated_at = s.integer(13);
    b.object_count = b.status == "available" || b.status == "restoring" ? 1 : 0;
    return b;
}

} // namespace

std::string Volume::backupPath(const std::string& backup_id) const
{
    return backup_store_ + "/" + backup_id;
}

std::vector<volume::Backup> Volume::backupList(const Context& ctx, const volume::ListQuery& q) const
{
    std::vector<volume::Backup> out;
    list_rows(*db_, ctx, q, kBackups, [&](const Statement& s) { out.push_back(backup_of(s)); });
    return out;
}

volume::Backup Volume::backupGet(const Context& ctx, const std::string& backup_id) const
{
    auto found = row_find(*db_, ctx, kBackups, backup_id, backup_of);
    if (!found)
        throw NotFound("Backup " + backup_id + " could not be found.");
    return *found;
}

volume::Backup Volume::backupCreate(const Context& ctx, const volume::Backup& in) const
{
    volume::Backup b = in;
    new_row_defaults(b, ctx, "backup");
    volume::Volume v = volumeGet(ctx, b.volume_id);
    if (v.status != "available" && v.status != "in-use")
        throw Conflict("Volume " + v.id +
                       " status must be available or in-use to be backed up, but current "
                       "status is: " +
                       v.status + ".");
    b.size = v.size;
    backup_quota_check(ctx, b.project_id, b.size);
    // The bytes of the snapshot when one is named, else the volume's as they are now.
    std::string source_path = b.snapshot_id ? snapshotPath(*b.snapshot_id) : volumePath(v.id);
    Fd source = open_stored(source_path, source_path);
    long long bytes = file_size(source.get());
    std::string path = store_file(backup_store_, b.id, bytes, source.get(), bytes);
    try {
        Transaction tx(*db_);
        if (!has_row(*db_, "volumes", v.id))
            throw NotFound("Volume " + v.id + " could not be found.");
        backup_quota_check(ctx, b.project_id, b.size);
        std::int64_t t = unix_now();
        Statement s(*db_, "INSERT INTO volume_backups (id, name, description, volume_id, snapshot_id, project_id, "
                          "user_id, size, status, status_until, next_status, availability_zone, container, "
                          "metadata_json, created_at, updated_at, volume_json) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, b.id);
        bind_opt(s, 2, b.name);
        bind_opt(s, 3, b.description);
        s.bind(4, v.id);
        bind_opt(s, 5, b.snapshot_id);
        s.bind(6, b.project_id).bind(7, b.user_id).bind(8, b.size);
        bind_creating(s, 9, build_seconds_);
        s.bind(12, v.availability_zone);
        s.bind(13, b.container.value_or("volumebackups"));
        s.bind(14, json(b.metadata).dump()).bind(15, static_cast<long long>(t)).bind(16, static_cast<long long>(t));
        s.bind(17,
               json{{"metadata", v.metadata}, {"image_metadata", v.image_metadata}, {"bootable", v.bootable}}.dump());
        s.step();
        // The volume is backing-up while the copy is said to run, then what it was.
        status_set("volumes", v.id, "backing-up", v.status);
        tx.commit();
    } catch (...) {
        unlink(path.c_str());
        throw;
    }
    return backupGet(ctx, b.id);
}

volume::Backup Volume::backupUpdate(const Context& ctx, const volume::Backup& b) const
{
    describe_owned(*db_, "volume_backups", "Backup", b, ctx);
    return backupGet(ctx, b.id);
}

void Volume::backupDelete(const Context& ctx, const std::string& backup_id) const
{
    delete_owned(*db_, "volume_backups", "Backup", backup_id, ctx, backupPath(backup_id));
}

volume::Backup Volume::backupResetStatus(const Context& ctx, const std::string& backup_id,
                                         const std::string& status) const
{
    {
        Transaction tx(*db_);
        volume::Backup b = backupGet(ctx, backup_id);
        status_set("volume_backups", b.id, status, std::nullopt);
        tx.commit();
    }
    return backupGet(ctx, backup_id);
}

volume::Volume Volume::backupRestore(const Context& ctx, const std::string& backup_id,
                                     const std::optional<std::string>& volume_id,
                                     const std::optional<std::string>& name) const
{
    volume::Backup b = backupGet(ctx, backup_id);
    if (b.status != "available")
        throw Conflict("Backup " + b.id + " status must be available to restore, but current status is: " + b.status +
                       ".");
    volume::Volume target;
    if (volume_id) {
        target = volumeGet(ctx, *volume_id);
    } else {
        // Cinder's new volume for a restore: the backup's size, the default type, named after the backup.
        volume::Volume fresh;
        fresh.id = new_uuid();
        fresh.name = name.value_or("restore_backup_" + b.id);
        fresh.project_id = ctx.project_id;
        fresh.user_id = ctx.user_id;
        fresh.size = b.size;
        fresh.availability_zone = b.availability_zone;
        target = volumeCreate(ctx, fresh);
        Statement ready(*db_, "UPDATE volumes SET status = 'available', status_until = 0, next_status = NULL "
                              "WHERE id = ?");
        ready.bind(1, target.id);
        ready.step();
        target = volumeGet(ctx, target.id);
    }
    if (target.status != "available")
        throw Conflict("Volume " + target.id +
                       " status must be available to restore a backup into, but current "
                       "status is: " +
                       target.status + ".");
    if (target.size < b.size)
        throw BadRequest("Invalid volume: volume size " + std::to_string(target.size) +
                         " is too small to restore backup of size " + std::to_string(b.size) + ".");
    Fd source = open_stored(backupPath(b.id), "backup " + b.id);
    // The restored bytes are made whole beside the volume, then take its name at once.
    std::string staged = store_file(volume_store_, ".restoring-" + target.id + "-" + new_uuid(), target.size * kGiB,
                                    source.get(), file_size(source.get()));
    try {
        Transaction tx(*db_);
        volume::Volume now_target = volumeGet(ctx, target.id);
        if (now_target.status != "available")
            throw Conflict("Volume " + target.id +
                           " status must be available to restore a backup into, but "
                           "current status is: " +
                           now_target.status + ".");
        if (rename(staged.c_str(), volumePath(target.id).c_str()) != 0)
            fail_file("cannot restore into volume " + target.id);
        // As Cinder's backup metadata: the volume's metadata (merged), image metadata and bootable flag come back.
        Statement kept(*db_, "SELECT volume_json FROM volume_backups WHERE id = ?");
        kept.bind(1, b.id);
        if (kept.step()) {
            json saved = json::parse(kept.text(0));
            auto metadata = now_target.metadata;
            const json kept_metadata = saved.value("metadata", json::object());
            for (const auto& [key, value] : kept_metadata.items())
                metadata[key] = value.get<std::string>();
            auto image_metadata = saved.value("image_metadata", json::object());
            Statement put(*db_, "UPDATE volumes SET metadata_json = ?, image_metadata_json = CASE WHEN ? = '{}' THEN "
                                "image_metadata_json ELSE ? END, bootable = MAX(bootable, ?) WHERE id = ?");
            put.bind(1, json(metadata).dump()).bind(2, image_metadata.dump()).bind(3, image_metadata.dump());
            put.bind(4, saved.value("bootable", false) ? 1LL : 0LL).bind(5, target.id);
            put.step();
        }
        status_set("volumes", target.id, "restoring-backup", "available");
        status_set("volume_backups", b.id, "restoring", "available");
        tx.commit();
    } catch (...) {
        unlink(staged.c_str());
        throw;
    }
    return volumeGet(ctx, target.id);
}

} // namespace jumpgate::local

namespace jumpgate::local {

namespace {

// The backup service the local cloud's backups are kept by: files in a directory, as Cinder's posix driver keeps
// them.
constexpr const char* kBackupService = "cinder.backup.drivers.posix.PosixBackupDriver";

// A record's text field, or nullopt when it has none (null or missing); BadRequest when it is something else.
std::optional<std::string> record_text(const json& record, const char* key)
{
    if (!record.contains(key) || record[key].is_null())
        return std::nullopt;
    if (!record[key].is_string())
        throw BadRequest("Invalid input received: Can't parse backup record.");
    return record[key].get<std::string>();
}

} // namespace

std::pair<std::string, json> Volume::backupExport(const Context& ctx, const std::string& backup_id) const
{
    volume::Backup b = backupGet(ctx, backup_id);
    if (b.status != "available")
        throw BadRequest("Invalid backup: Backup status must be available and not " + b.status + ".");
    // service_metadata names the file that holds the bytes; an imported backup links the same bytes under its own id.
    json record = {{"id", b.id},
                   {"display_name", b.name ? json(*b.name) : json(nullptr)},
                   {"display_description", b.description ? json(*b.description) : json(nullptr)},
                   {"volume_id", b.volume_id},
                   {"snapshot_id", b.snapshot_id ? json(*b.snapshot_id) : json(nullptr)},
                   {"size", b.size},
                   {"availability_zone", b.availability_zone},
                   {"container", b.container ? json(*b.container) : json(nullptr)},
                   {"object_count", b.object_count},
                   {"metadata", b.metadata},
                   {"project_id", b.project_id},
                   {"user_id", b.user_id},
                   {"service", kBackupService},
                   {"service_metadata", b.id},
                   {"created_at", b.created_at}};
    return {kBackupService, std::move(record)};
}

volume::Backup Volume::backupImport(const Context& ctx, const std::string& service, const json& record) const
{
    if (service != kBackupService)
        throw BadRequest("Invalid input received: Backup service " + service + " is not available.");
    volume::Backup b;
    auto id = record_text(record, "id");
    auto volume_id = record_text(record, "volume_id");
    auto data = record_text(record, "service_metadata");
    if (!id || !uuid_like(*id) || !volume_id || !record.contains("size") || !record["size"].is_number_integer() ||
        record["size"].get<long long>() < 1)
        throw BadRequest("Invalid input received: Can't parse backup record.");
    b.id = *id;
    b.volume_id = *volume_id;
    b.size = record["size"].get<long long>();
    b.name = record_text(record, "display_name");
    b.description = record_text(record, "display_description");
    b.snapshot_id = record_text(record, "snapshot_id");
    b.container = record_text(record, "container");
    b.project_id = ctx.project_id;
    b.user_id = ctx.user_id;
    if (record.contains("metadata") && record["metadata"].is_object())
        for (const auto& [k, v] : record["metadata"].items())
            if (v.is_string())
                b.metadata[k] = v.get<std::string>();
    if (auto zone = record_text(record, "availability_zone"))
        b.availability_zone = *zone;
    // The bytes: the file the record names, if it is still there, linked under the new id (a name that is no
    // backup's is no file of ours).
    if (has_row(*db_, "volume_backups", b.id))
        throw BadRequest("Invalid backup: Backup already exists in database.");
    backup_quota_check(ctx, b.project_id, b.size);
    const bool bytes = data && uuid_like(*data) && link(backupPath(*data).c_str(), backupPath(b.id).c_str()) == 0;
    try {
        Transaction tx(*db_);
        if (has_row(*db_, "volume_backups", b.id))
            throw BadRequest("Invalid backup: Backup already exists in database.");
        backup_quota_check(ctx, b.project_id, b.size);
        std::int64_t t = unix_now();
        Statement s(*db_, "INSERT INTO volume_backups (id, name, description, volume_id, snapshot_id, project_id, "
                          "user_id, size, status, status_until, next_status, availability_zone, container, "
                          "metadata_json, created_at, updated_at, volume_json) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                          "COALESCE((SELECT volume_json FROM volume_backups WHERE id = ?), '{}'))");
        s.bind(1, b.id);
        bind_opt(s, 2, b.name);
        bind_opt(s, 3, b.description);
        s.bind(4, b.volume_id);
        bind_opt(s, 5, b.snapshot_id);
        s.bind(6, b.project_id).bind(7, b.user_id).bind(8, b.size);
        // As Cinder's import: "creating" while the backup service looks for the bytes, then what it found.
        const std::string found = bytes ? "available" : "error";
        s.bind(9, build_seconds_ <= 0 ? found : std::string("creating"));
        s.bind(10, static_cast<long long>(build_seconds_ <= 0 ? 0 : ready_at(build_seconds_)));
        s.bind(11, found);
        s.bind(12, b.availability_zone);
        s.bind(13, b.container.value_or("volumebackups"));
        s.bind(14, json(b.metadata).dump()).bind(15, static_cast<long long>(t)).bind(16, static_cast<long long>(t));
        s.bind(17, data.value_or(""));
        s.step();
        tx.commit();
    } catch (...) {
        if (bytes)
            unlink(backupPath(b.id).c_str());
        throw;
    }
    return backupGet(ctx, b.id);
}

} // namespace jumpgate::local
