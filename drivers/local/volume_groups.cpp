// SPDX-License-Identifier: Apache-2.0
// The local cloud's generic volume groups: group types and specs, groups of volumes, and group snapshots.
#include "local.hpp"

#include <jumpgate/fault.hpp>

#include "volume_rows.hpp"

namespace jumpgate::local {

namespace {

using volume::Group;
using volume::GroupSnapshot;
using volume::GroupType;

constexpr const char* kGroupTypeColumns = "SELECT id, name, description, is_public, is_default FROM group_types";

GroupType group_type_of(const Statement& s)
{
    GroupType t;
    t.id = s.text(0);
    t.name = s.text(1);
    t.description = opt_text(s, 2);
    t.is_public = s.integer(3) != 0;
    t.is_default = s.integer(4) != 0;
    return t;
}

void specs_load(Database& db, std::vector<GroupType>& types)
{
    for (auto& t : types) {
        Statement s(db, "SELECT key, value FROM group_type_specs WHERE group_type_id = ?");
        s.bind(1, t.id);
        while (s.step())
            t.group_specs[s.text(0)] = s.text(1);
    }
}

void specs_store(Database& db, const GroupType& t)
{
    Statement clear(db, "DELETE FROM group_type_specs WHERE group_type_id = ?");
    clear.bind(1, t.id);
    clear.step();
    for (const auto& [key, value] : t.group_specs) {
        Statement s(db, "INSERT INTO group_type_specs (group_type_id, key, value) VALUES (?, ?, ?)");
        s.bind(1, t.id).bind(2, key).bind(3, value);
        s.step();
    }
}

const ListTable kGroups = {
    "g.id, g.name, g.description, g.project_id, g.user_id, " + current_status("g") +
        ", g.availability_zone, g.group_type_id, g.group_snapshot_id, g.source_group_id, g.created_at, " +
        current_updated("g"),
    "volume_groups g",
    "g.id",
    "g.project_id",
    "g.rowid",
    true,
    {{"name", "g.name = ?"},
     {"status", current_status("g") + " = ?"},
     {"availability_zone", "g.availability_zone = ?"},
     {"group_type", "g.group_type_id = ?"},
     {"id", "g.id = ?"},
     {"project_id", "g.project_id = ?"}},
    {},
    clocked_sort_keys("g", {"id", "availability_zone", "created_at", "project_id"}),
    {{"created_at", false}},
};

Group group_of(const Statement& s)
{
    Group g;
    g.id = s.text(0);
    g.name = opt_text(s, 1);
    g.description = opt_text(s, 2);
    g.project_id = s.text(3);
    g.user_id = s.text(4);
    g.status = s.text(5);
    g.availability_zone = s.text(6);
    g.group_type_id = s.text(7);
    g.group_snapshot_id = opt_text(s, 8);
    g.source_group_id = opt_text(s, 9);
    g.created_at = s.integer(10);
    g.updated_at = s.integer(11);
    return g;
}

// The volume types and the volumes of each group, oldest volume first.
void members_load(Database& db, std::vector<Group>& groups)
{
    for (auto& g : groups) {
        Statement types(db, "SELECT type_id FROM volume_group_types WHERE group_id = ? ORDER BY position");
        types.bind(1, g.id);
        while (types.step())
            g.volume_types.push_back(types.text(0));
        Statement volumes(db, "SELECT id FROM volumes WHERE group_id = ? ORDER BY rowid");
        volumes.bind(1, g.id);
        while (volumes.step())
            g.volumes.push_back(volumes.text(0));
    }
}

const ListTable kGroupSnapshots = {
    "s.id, s.name, s.description, s.group_id, s.group_type_id, s.project_id, s.user_id, " + current_status("s") +
        ", s.created_at, " + current_updated("s"),
    "group_snapshots s",
    "s.id",
    "s.project_id",
    "s.rowid",
    true,
    {{"name", "s.name = ?"},
     {"status", current_status("s") + " = ?"},
     {"group_id", "s.group_id = ?"},
     {"id", "s.id = ?"},
     {"project_id", "s.project_id = ?"}},
    {},
    clocked_sort_keys("s", {"id", "group_id", "created_at", "project_id"}),
    {{"created_at", false}},
};

GroupSnapshot group_snapshot_of(const Statement& s)
{
    GroupSnapshot g;
    g.id = s.text(0);
    g.name = opt_text(s, 1);
    g.description = opt_text(s, 2);
    g.group_id = s.text(3);
    g.group_type_id = s.text(4);
    g.project_id = s.text(5);
    g.user_id = s.text(6);
    g.status = s.text(7);
    g.created_at = s.integer(8);
    g.updated_at = s.integer(9);
    return g;
}

} // namespace

std::vector<GroupType> Volume::groupTypeList(const Context&) const
{
    ReadTransaction read(*db_);
    Statement s(*db_, std::string(kGroupTypeColumns) + " ORDER BY rowid");
    std::vector<GroupType> out;
    while (s.step())
        out.push_back(group_type_of(s));
    specs_load(*db_, out);
    return out;
}

GroupType Volume::groupTypeGet(const Context&, const std::string& id_or_name) const
{
    ReadTransaction read(*db_);
    // An id wins over a name that happens to look like it.
    Statement s(*db_, std::string(kGroupTypeColumns) + " WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1");
    s.bind(1, id_or_name).bind(2, id_or_name).bind(3, id_or_name);
    if (!s.step())
        throw NotFound("Group type " + id_or_name + " could not be found.");
    std::vector<GroupType> one{group_type_of(s)};
    specs_load(*db_, one);
    return one.front();
}

GroupType Volume::groupTypeCreate(const Context& ctx, const GroupType& t) const
{
    if (t.id.empty() || t.name.empty())
        throw BadRequest("A new group type needs an id and a name.");
    {
        Transaction tx(*db_);
        Statement taken(*db_, "SELECT 1 FROM group_types WHERE id = ? OR name = ?");
        taken.bind(1, t.id).bind(2, t.name);
        if (taken.step())
            throw Conflict("Group Type " + t.name + " already exists.");
        Statement s(*db_, "INSERT INTO group_types (id, name, description, is_public, is_default) "
                          "VALUES (?, ?, ?, ?, 0)");
        s.bind(1, t.id).bind(2, t.name);
        bind_opt(s, 3, t.description);
        s.bind(4, t.is_public ? 1LL : 0LL);
        s.step();
        specs_store(*db_, t);
        tx.commit();
    }
    return groupTypeGet(ctx, t.id);
}

GroupType Volume::groupTypeUpdate(const Context& ctx, const GroupType& t) const
{
    if (t.name.empty())
        throw BadRequest("A group type needs a name.");
    {
        Transaction tx(*db_);
        Statement taken(*db_, "SELECT 1 FROM group_types WHERE name = ? AND id <> ?");
        taken.bind(1, t.name).bind(2, t.id);
        if (taken.step())
            throw Conflict("Group Type " + t.name + " already exists.");
        Statement s(*db_, "UPDATE group_types SET name = ?, description = ?, is_public = ? WHERE id = ?");
        s.bind(1, t.name);
        bind_opt(s, 2, t.description);
        s.bind(3, t.is_public ? 1LL : 0LL).bind(4, t.id);
        s.step();
        if (sqlite3_changes(db_->handle()) == 0)
            throw NotFound("Group type " + t.id + " could not be found.");
        specs_store(*db_, t);
        tx.commit();
    }
    return groupTypeGet(ctx, t.id);
}

void Volume::groupTypeDelete(const Context&, const std::string& type_id) const
{
    Transaction tx(*db_);
    if (!has_row(*db_, "group_types", type_id))
        throw NotFound("Group type " + type_id + " could not be found.");
    // Cinder answers 400 here, not the 409 of a volume type in use.
    Statement used(*db_, "SELECT 1 FROM volume_groups WHERE group_type_id = ? UNION ALL "
                         "SELECT 1 FROM group_snapshots WHERE group_type_id = ? LIMIT 1");
    used.bind(1, type_id).bind(2, type_id);
    if (used.step())
        throw BadRequest("Target group type is still in use.");
    Statement s(*db_, "DELETE FROM group_types WHERE id = ?");
    s.bind(1, type_id);
    s.step();
    tx.commit();
}

std::vector<Group> Volume::groupList(const Context& ctx, const volume::ListQuery& q) const
{
    ReadTransaction read(*db_);
    std::vector<Group> out;
    list_rows(*db_, ctx, q, kGroups, [&](const Statement& s) { out.push_back(group_of(s)); });
    members_load(*db_, out);
    return out;
}

Group Volume::groupGet(const Context& ctx, const std::string& group_id) const
{
    ReadTransaction read(*db_);
    auto found = row_find(*db_, ctx, kGroups, group_id, group_of);
    if (!found)
        throw NotFound("Group " + group_id + " could not be found.");
    std::vector<Group> one{std::move(*found)};
    members_load(*db_, one);
    return one.front();
}

Group Volume::groupCreate(const Context& ctx, const Group& in) const
{
    Group g = in;
    new_row_defaults(g, ctx, "group");
    if (g.availability_zone != "nova")
        throw BadRequest("Availability zone '" + g.availability_zone + "' is invalid.");
    // The volumes a group made from a source starts with: each a copy of one of the source's (snapshot, volume).
    std::vector<std::pair<volume::Snapshot, volume::Volume>> copies;
    if (g.group_snapshot_id) {
        volume::ListQuery q;
        q.filters.emplace_back("group_snapshot_id", *g.group_snapshot_id);
        q.all_projects = ctx.is_admin();
        for (auto& snap : snapshotList(ctx, q))
            copies.emplace_back(snap, volumeGet(ctx, snap.volume_id));
    } else if (g.source_group_id) {
        for (const auto& id : groupGet(ctx, *g.source_group_id).volumes)
            copies.emplace_back(volume::Snapshot{}, volumeGet(ctx, id));
    }
    {
        Transaction tx(*db_);
        if (has_row(*db_, "volume_groups", g.id))
            throw Conflict("A group with identifier " + g.id + " already exists.");
        if (!has_row(*db_, "group_types", g.group_type_id))
            throw NotFound("Group type " + g.group_type_id + " could not be found.");
        auto limits = quotaGet(ctx, g.project_id);
        auto used = quotaUsage(ctx, g.project_id);
        if (limits["groups"] >= 0 && used["groups"] + 1 > limits["groups"])
            throw PayloadTooLarge("GroupLimitExceeded: Maximum number of groups allowed (" +
                                  std::to_string(limits["groups"]) + ") exceeded");
        std::int64_t t = g.created_at ? g.created_at : unix_now();
        Statement s(*db_,
                    "INSERT INTO volume_groups (id, name, description, project_id, user_id, status, status_until, "
                    "next_status, availability_zone, group_type_id, group_snapshot_id, source_group_id, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, g.id);
        bind_opt(s, 2, g.name);
        bind_opt(s, 3, g.description);
        s.bind(4, g.project_id).bind(5, g.user_id);
        bind_creating(s, 6, build_seconds_);
        s.bind(9, g.availability_zone).bind(10, g.group_type_id);
        bind_opt(s, 11, g.group_snapshot_id);
        bind_opt(s, 12, g.source_group_id);
        s.bind(13, static_cast<long long>(t)).bind(14, static_cast<long long>(t));
        s.step();
        long long position = 0;
        for (const auto& type_id : g.volume_types) {
            Statement type(*db_, "INSERT INTO volume_group_types (group_id, type_id, position) VALUES (?, ?, ?)");
            type.bind(1, g.id).bind(2, type_id).bind(3, position++);
            type.step();
        }
        tx.commit();
    }
    try {
        for (const auto& [snap, source] : copies) {
            volume::Volume v;
            v.id = new_uuid();
            v.project_id = g.project_id;
            v.user_id = g.user_id;
            v.name = source.name;
            v.description = source.description;
            v.size = source.size;
            v.volume_type_id = source.volume_type_id;
            v.metadata = source.metadata;
            v.group_id = g.id;
            if (snap.id.empty())
                v.source_volid = source.id;
            else
                v.snapshot_id = snap.id;
            volumeCreate(ctx, v);
        }
    } catch (...) {
        // As Cinder's manager does when a copy fails: the group stays, in error.
        Transaction tx(*db_);
        status_set("volume_groups", g.id, "error", std::nullopt);
        tx.commit();
        throw;
    }
    return groupGet(ctx, g.id);
}

Group Volume::groupUpdate(const Context& ctx, const Group& g, const std::vector<std::string>& add,
                          const std::vector<std::string>& remove) const
{
    {
        Transaction tx(*db_);
        Group now = groupGet(ctx, g.id);
        Statement s(*db_, "UPDATE volume_groups SET name = ?, description = ?, updated_at = ? WHERE id = ?");
        bind_opt(s, 1, g.name);
        bind_opt(s, 2, g.description);
        s.bind(3, static_cast<long long>(unix_now())).bind(4, now.id);
        s.step();
        // Checked again under the write lock: a volume joins one group at most.
        for (const auto& id : add) {
            Statement join(*db_,
                           "UPDATE volumes SET group_id = ? WHERE id = ? AND project_id = ? AND group_id IS NULL");
            join.bind(1, now.id).bind(2, id).bind(3, now.project_id);
            join.step();
            if (sqlite3_changes(db_->handle()) == 0)
                throw Conflict("Cannot add volume " + id + " to group " + now.id +
                               " because it is already in a group or cannot be found.");
        }
        for (const auto& id : remove) {
            Statement leave(*db_, "UPDATE volumes SET group_id = NULL WHERE id = ? AND group_id = ?");
            leave.bind(1, id).bind(2, now.id);
            leave.step();
        }
        // Moving volumes takes the time any change of status takes; a new name alone does not.
        if (!add.empty() || !remove.empty())
            status_set("volume_groups", now.id, "updating", std::string("available"));
        tx.commit();
    }
    return groupGet(ctx, g.id);
}

void Volume::groupDelete(const Context& ctx, const std::string& group_id, bool delete_volumes) const
{
    Group g = groupGet(ctx, group_id);
    if (delete_volumes)
        for (const auto& id : g.volumes)
            volumeDelete(ctx, id);
    Transaction tx(*db_);
    Statement members(*db_, "SELECT 1 FROM volumes WHERE group_id = ? LIMIT 1");
    members.bind(1, g.id);
    if (members.step())
        throw BadRequest("Group " + g.id +
                         " still contains volumes. The delete-volumes flag is required to delete it.");
    Statement snaps(*db_, "SELECT 1 FROM group_snapshots WHERE group_id = ? LIMIT 1");
    snaps.bind(1, g.id);
    if (snaps.step())
        throw BadRequest("Group has existing snapshots.");
    Statement s(*db_, "DELETE FROM volume_groups WHERE id = ?");
    s.bind(1, g.id);
    s.step();
    tx.commit();
}

Group Volume::groupResetStatus(const Context& ctx, const std::string& group_id, const std::string& status) const
{
    {
        Transaction tx(*db_);
        Group g = groupGet(ctx, group_id);
        status_set("volume_groups", g.id, status, std::nullopt);
        tx.commit();
    }
    return groupGet(ctx, group_id);
}

std::vector<GroupSnapshot> Volume::groupSnapshotList(const Context& ctx, const volume::ListQuery& q) const
{
    std::vector<GroupSnapshot> out;
    list_rows(*db_, ctx, q, kGroupSnapshots, [&](const Statement& s) { out.push_back(group_snapshot_of(s)); });
    return out;
}

GroupSnapshot Volume::groupSnapshotGet(const Context& ctx, const std::string& group_snapshot_id) const
{
    auto found = row_find(*db_, ctx, kGroupSnapshots, group_snapshot_id, group_snapshot_of);
    if (!found)
        throw NotFound("GroupSnapshot " + group_snapshot_id + " could not be found.");
    return *found;
}

GroupSnapshot Volume::groupSnapshotCreate(const Context& ctx, const GroupSnapshot& in) const
{
    GroupSnapshot gs = in;
    new_row_defaults(gs, ctx, "group snapshot");
    Group g = groupGet(ctx, gs.group_id);
    gs.group_type_id = g.group_type_id;
    {
        Transaction tx(*db_);
        if (has_row(*db_, "group_snapshots", gs.id))
            throw Conflict("A group snapshot with identifier " + gs.id + " already exists.");
        std::int64_t t = unix_now();
        Statement s(*db_, "INSERT INTO group_snapshots (id, name, description, group_id, group_type_id, project_id, "
                          "user_id, status, status_until, next_status, created_at, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, gs.id);
        bind_opt(s, 2, gs.name);
        bind_opt(s, 3, gs.description);
        s.bind(4, g.id).bind(5, gs.group_type_id).bind(6, gs.project_id).bind(7, gs.user_id);
        bind_creating(s, 8, build_seconds_);
        s.bind(11, static_cast<long long>(t)).bind(12, static_cast<long long>(t));
        s.step();
        tx.commit();
    }
    // Each volume's snapshot as snapshotCreate makes one, named as the group snapshot (Cinder's way).
    std::vector<std::string> made;
    try {
        for (const auto& volume_id : g.volumes) {
            volume::Snapshot snap;
            snap.id = new_uuid();
            snap.volume_id = volume_id;
            snap.project_id = gs.project_id;
            snap.user_id = gs.user_id;
            snap.name = gs.name;
            snap.description = gs.description;
            snap.group_snapshot_id = gs.id;
            snapshotCreate(ctx, snap);
            made.push_back(snap.id);
        }
    } catch (...) {
        for (const auto& id : made)
            snapshotDelete(ctx, id);
        Transaction tx(*db_);
        Statement s(*db_, "DELETE FROM group_snapshots WHERE id = ?");
        s.bind(1, gs.id);
        s.step();
        tx.commit();
        throw;
    }
    return groupSnapshotGet(ctx, gs.id);
}

void Volume::groupSnapshotDelete(const Context& ctx, const std::string& group_snapshot_id) const
{
    GroupSnapshot gs = groupSnapshotGet(ctx, group_snapshot_id);
    volume::ListQuery q;
    q.filters.emplace_back("group_snapshot_id", gs.id);
    q.all_projects = ctx.is_admin();
    for (const auto& snap : snapshotList(ctx, q))
        snapshotDelete(ctx, snap.id);
    Transaction tx(*db_);
    // A group made from it keeps its volumes; only the record of where they came from goes.
    Statement made(*db_, "UPDATE volume_groups SET group_snapshot_id = NULL WHERE group_snapshot_id = ?");
    made.bind(1, gs.id);
    made.step();
    Statement s(*db_, "DELETE FROM group_snapshots WHERE id = ?");
    s.bind(1, gs.id);
    s.step();
    tx.commit();
}

GroupSnapshot Volume::groupSnapshotResetStatus(const Context& ctx, const std::string& group_snapshot_id,
                                               const std::string& status) const
{
    {
        Transaction tx(*db_);
        GroupSnapshot gs = groupSnapshotGet(ctx, group_snapshot_id);
        status_set("group_snapshots", gs.id, status, std::nullopt);
        tx.commit();
    }
    return groupSnapshotGet(ctx, group_snapshot_id);
}

} // namespace jumpgate::local
