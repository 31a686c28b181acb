// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage volume types: the default one seeded, others with their extra specs and projects.
#include "local.hpp"

#include <jumpgate/fault.hpp>

#include "extra_specs.hpp"
#include "volume_rows.hpp"

namespace jumpgate::local {

namespace {

using volume::VolumeType;

constexpr const char* kTypeColumns =
    "SELECT id, name, description, is_public, is_default, qos_specs_id FROM volume_types";

VolumeType type_of(const Statement& s)
{
    VolumeType t;
    t.id = s.text(0);
    t.name = s.text(1);
    t.description = opt_text(s, 2);
    t.is_public = s.integer(3) != 0;
    t.is_default = s.integer(4) != 0;
    t.qos_specs_id = opt_text(s, 5);
    return t;
}

} // namespace

std::vector<VolumeType> Volume::typeList(const Context&) const
{
    Statement s(*db_, std::string(kTypeColumns) + " ORDER BY rowid");
    std::vector<VolumeType> out;
    while (s.step())
        out.push_back(type_of(s));
    extra_specs_load(*db_, kVolumeTypeSpecs, out);
    return out;
}

VolumeType Volume::typeGet(const Context&, const std::string& id_or_name) const
{
    // An id wins over a name that happens to look like it.
    Statement s(*db_, std::string(kTypeColumns) + " WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1");
    s.bind(1, id_or_name).bind(2, id_or_name).bind(3, id_or_name);
    if (!s.step())
        throw NotFound("Volume type " + id_or_name + " could not be found.");
    std::vector<VolumeType> one{type_of(s)};
    extra_specs_load(*db_, kVolumeTypeSpecs, one);
    return one.front();
}

VolumeType Volume::typeCreate(const Context& ctx, const VolumeType& t) const
{
    if (t.id.empty() || t.name.empty())
        throw BadRequest("A new volume type needs an id and a name.");
    {
        Transaction tx(*db_);
        Statement taken(*db_, "SELECT 1 FROM volume_types WHERE id = ? OR name = ?");
        taken.bind(1, t.id).bind(2, t.name);
        if (taken.step())
            throw Conflict("Volume Type " + t.name + " already exists.");
        // The default is the seeded one: a created type never is.
        Statement s(*db_, "INSERT INTO volume_types (id, name, description, is_public, is_default) "
                          "VALUES (?, ?, ?, ?, 0)");
        s.bind(1, t.id).bind(2, t.name);
        bind_opt(s, 3, t.description);
        s.bind(4, t.is_public ? 1LL : 0LL);
        s.step();
        extra_specs_store(*db_, kVolumeTypeSpecs, t.id, t.extra_specs, t.projects);
        tx.commit();
    }
    return typeGet(ctx, t.id);
}

VolumeType Volume::typeUpdate(const Context& ctx, const VolumeType& t) const
{
    if (t.name.empty())
        throw BadRequest("A volume type needs a name.");
    {
        Transaction tx(*db_);
        Statement taken(*db_, "SELECT 1 FROM volume_types WHERE name = ? AND id <> ?");
        taken.bind(1, t.name).bind(2, t.id);
        if (taken.step())
            throw Conflict("Volume Type " + t.name + " already exists.");
        if (t.qos_specs_id && !has_row(*db_, "qos_specs", *t.qos_specs_id))
            throw NotFound("No such QoS spec " + *t.qos_specs_id + ".");
        Statement s(*db_,
                    "UPDATE volume_types SET name = ?, description = ?, is_public = ?, qos_specs_id = ? WHERE id = ?");
        s.bind(1, t.name);
        bind_opt(s, 2, t.description);
        s.bind(3, t.is_public ? 1LL : 0LL);
        bind_opt(s, 4, t.qos_specs_id);
        s.bind(5, t.id);
        s.step();
        if (sqlite3_changes(db_->handle()) == 0)
            throw NotFound("Volume type " + t.id + " could not be found.");
        extra_specs_store(*db_, kVolumeTypeSpecs, t.id, t.extra_specs, t.projects);
        tx.commit();
    }
    return typeGet(ctx, t.id);
}

void Volume::typeDelete(const Context&, const std::string& type_id) const
{
    Transaction tx(*db_);
    Statement type(*db_, "SELECT is_default FROM volume_types WHERE id = ?");
    type.bind(1, type_id);
    if (!type.step())
        throw NotFound("Volume type " + type_id + " could not be found.");
    if (type.integer(0) != 0)
        throw Conflict("Default volume type can not be deleted.");
    Statement used(*db_, "SELECT 1 FROM volumes WHERE volume_type_id = ? LIMIT 1");
    used.bind(1, type_id);
    if (used.step())
        throw Conflict("Target volume type " + type_id + " is still in use.");
    Statement grouped(*db_, "SELECT 1 FROM volume_group_types WHERE type_id = ? LIMIT 1");
    grouped.bind(1, type_id);
    if (grouped.step())
        throw Conflict("Target volume type " + type_id + " is still in use.");
    Statement s(*db_, "DELETE FROM volume_types WHERE id = ?");
    s.bind(1, type_id);
    s.step();
    tx.commit();
}

} // namespace jumpgate::local
