// SPDX-License-Identifier: Apache-2.0
// The local cloud's QoS specs: named limits kept as JSON, which volume types name in their qos_specs_id.
#include "local.hpp"

#include <jumpgate/fault.hpp>

#include "volume_rows.hpp"

namespace jumpgate::local {

namespace {

using volume::QosSpec;

constexpr const char* kQosColumns = "SELECT id, name, consumer, specs_json, created_at FROM qos_specs";

QosSpec qos_of(const Statement& s)
{
    return {.id = s.text(0),
            .name = s.text(1),
            .consumer = s.text(2),
            .specs = string_map(s.text(3)),
            .created_at = s.integer(4)};
}

} // namespace

std::vector<QosSpec> Volume::qosList(const Context&) const
{
    Statement s(*db_, std::string(kQosColumns) + " ORDER BY rowid");
    std::vector<QosSpec> out;
    while (s.step())
        out.push_back(qos_of(s));
    return out;
}

QosSpec Volume::qosGet(const Context&, const std::string& qos_id) const
{
    Statement s(*db_, std::string(kQosColumns) + " WHERE id = ?");
    s.bind(1, qos_id);
    if (!s.step())
        throw NotFound("No such QoS spec " + qos_id + ".");
    return qos_of(s);
}

QosSpec Volume::qosCreate(const Context& ctx, const QosSpec& q) const
{
    if (q.id.empty() || q.name.empty())
        throw BadRequest("New QoS specs need an id and a name.");
    {
        Transaction tx(*db_);
        Statement taken(*db_, "SELECT 1 FROM qos_specs WHERE id = ? OR name = ?");
        taken.bind(1, q.id).bind(2, q.name);
        if (taken.step())
            throw Conflict("QoS Specs " + q.name + " already exists.");
        Statement s(*db_, "INSERT INTO qos_specs (id, name, consumer, specs_json, created_at) VALUES (?, ?, ?, ?, ?)");
        s.bind(1, q.id).bind(2, q.name).bind(3, q.consumer).bind(4, json(q.specs).dump());
        s.bind(5, static_cast<long long>(unix_now()));
        s.step();
        tx.commit();
    }
    return qosGet(ctx, q.id);
}

QosSpec Volume::qosUpdate(const Context& ctx, const QosSpec& q) const
{
    Statement s(*db_, "UPDATE qos_specs SET consumer = ?, specs_json = ? WHERE id = ?");
    s.bind(1, q.consumer).bind(2, json(q.specs).dump()).bind(3, q.id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("No such QoS spec " + q.id + ".");
    return qosGet(ctx, q.id);
}

void Volume::qosDelete(const Context&, const std::string& qos_id, bool force) const
{
    Transaction tx(*db_);
    if (!has_row(*db_, "qos_specs", qos_id))
        throw NotFound("No such QoS spec " + qos_id + ".");
    Statement used(*db_, "SELECT 1 FROM volume_types WHERE qos_specs_id = ? LIMIT 1");
    used.bind(1, qos_id);
    if (used.step() && !force)
        throw BadRequest("Qos specs still in use.");
    Statement release(*db_, "UPDATE volume_types SET qos_specs_id = NULL WHERE qos_specs_id = ?");
    release.bind(1, qos_id);
    release.step();
    Statement s(*db_, "DELETE FROM qos_specs WHERE id = ?");
    s.bind(1, qos_id);
    s.step();
    tx.commit();
}

} // namespace jumpgate::local
