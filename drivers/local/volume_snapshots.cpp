// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage snapshots: a volume's bytes at one moment, as a sparse file beside the volumes.
#include "local.hpp"

#include <unistd.h>

#include <jumpgate/fault.hpp>

#include "volume_files.hpp"
#include "volume_rows.hpp"

namespace jumpgate::local {

namespace {

using volume::Snapshot;

const ListTable kSnapshots = {
    "s.id, s.name, s.description, s.volume_id, s.project_id, s.user_id, s.size, " + current_status("s") +
        ", s.metadata_json, s.created_at, " + current_updated("s") + ", s.group_snapshot_id, s.progress",
    "volume_snapshots s",
    "s.id",
    "s.project_id",
    "s.rowid",
    true,
    {{"status", current_status("s") + " = ?"},
     {"size", "s.size = ?", ListFilter::integer},
     {"name", "s.name = ?"},
     {"volume_id", "s.volume_id = ?"},
     {"id", "s.id = ?"},
     {"user_id", "s.user_id = ?"},
     {"project_id", "s.project_id = ?"},
     {"group_snapshot_id", "s.group_snapshot_id = ?"}},
    {{"metadata:", "s.metadata_json"}},
    clocked_sort_keys("s", {"id", "size", "volume_id", "project_id", "created_at"}),
    {{"created_at", false}},
};

Snapshot snapshot_of(const Statement& s)
{
    Snapshot v;
    v.id = s.text(0);
    v.name = opt_text(s, 1);
    v.description = opt_text(s, 2);
    v.volume_id = s.text(3);
    v.project_id = s.text(4);
    v.user_id = s.text(5);
    v.size = s.integer(6);
    v.status = s.text(7);
    v.metadata = string_map(s.text(8));
    v.created_at = s.integer(9);
    v.updated_at = s.integer(10);
    v.group_snapshot_id = opt_text(s, 11);
    v.progress = opt_text(s, 12);
    return v;
}

} // namespace

std::vector<Snapshot> Volume::snapshotList(const Context& ctx, const volume::ListQuery& q) const
{
    std::vector<Snapshot> out;
    list_rows(*db_, ctx, q, kSnapshots, [&](const Statement& s) { out.push_back(snapshot_of(s)); });
    return out;
}

Snapshot Volume::snapshotGet(const Context& ctx, const std::string& snapshot_id) const
{
    auto found = row_find(*db_, ctx, kSnapshots, snapshot_id, snapshot_of);
    if (!found)
        throw NotFound("Snapshot " + snapshot_id + " could not be found.");
    return *found;
}

Snapshot Volume::snapshotCreate(const Context& ctx, const Snapshot& in) const
{
    Snapshot snap = in;
    new_row_defaults(snap, ctx, "snapshot");
    volume::Volume v = volumeGet(ctx, snap.volume_id);
    if (v.status != "available" && v.status != "in-use")
        throw Conflict("Volume " + v.id +
                       " status must be available or in-use to be snapshotted, but current "
                       "status is: " +
                       v.status + ".");
    snap.size = v.size;
    quota_check(ctx, snap.project_id, 0, 1, snap.size, 0);
    Fd source = open_stored(volumePath(v.id), "volume " + v.id);
    std::string path =
        store_file(snapshot_store_, snap.id, file_size(source.get()), source.get(), file_size(source.get()));
    try {
        Transaction tx(*db_);
        if (!has_row(*db_, "volumes", v.id))
            throw NotFound("Volume " + v.id + " could not be found.");
        if (has_row(*db_, "volume_snapshots", snap.id))
            throw Conflict("A snapshot with identifier " + snap.id + " already exists.");
        quota_check(ctx, snap.project_id, 0, 1, snap.size, 0);
        std::int64_t t = snap.created_at ? snap.created_at : unix_now();
        Statement s(*db_, "INSERT INTO volume_snapshots (id, name, description, volume_id, project_id, user_id, size, "
                          "status, status_until, next_status, metadata_json, created_at, updated_at, "
                          "group_snapshot_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, snap.id);
        bind_opt(s, 2, snap.name);
        bind_opt(s, 3, snap.description);
        s.bind(4, v.id).bind(5, snap.project_id).bind(6, snap.user_id).bind(7, snap.size);
        bind_creating(s, 8, build_seconds_);
        s.bind(11, json(snap.metadata).dump()).bind(12, static_cast<long long>(t));
        s.bind(13, static_cast<long long>(snap.updated_at ? snap.updated_at : t));
        bind_opt(s, 14, snap.group_snapshot_id);
        s.step();
        tx.commit();
    } catch (...) {
        unlink(path.c_str());
        throw;
    }
    return snapshotGet(ctx, snap.id);
}

Snapshot Volume::snapshotUpdate(const Context& ctx, const Snapshot& snap) const
{
    Transaction tx(*db_);
    describe_owned(*db_, "volume_snapshots", "Snapshot", snap, ctx);
    Statement s(*db_, "UPDATE volume_snapshots SET progress = ? WHERE id = ?");
    bind_opt(s, 1, snap.progress);
    s.bind(2, snap.id);
    s.step();
    tx.commit();
    return snapshotGet(ctx, snap.id);
}

void Volume::snapshotDelete(const Context& ctx, const std::string& snapshot_id) const
{
    delete_owned(*db_, "volume_snapshots", "Snapshot", snapshot_id, ctx, snapshotPath(snapshot_id));
}

Snapshot Volume::snapshotResetStatus(const Context& ctx, const std::string& snapshot_id,
                                     const std::string& status) const
{
    if (status.empty())
        throw BadRequest("Must specify a valid status.");
    {
        Transaction tx(*db_);
        Snapshot snap = snapshotGet(ctx, snapshot_id);
        status_set("volume_snapshots", snap.id, status, std::nullopt);
        tx.commit();
    }
    return snapshotGet(ctx, snapshot_id);
}

} // namespace jumpgate::local
