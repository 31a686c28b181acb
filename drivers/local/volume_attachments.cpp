// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage attachments: reserved, connected to a host, attached, and deleted, as Cinder's.
#include "local.hpp"

#include <algorithm>

#include <jumpgate/fault.hpp>

#include "volume_rows.hpp"

namespace jumpgate::local {

namespace {

using volume::Attachment;

const ListTable kAttachments = {
    "a.id, a.volume_id, a.server_id, a.device, a.host, a.mode, a.attached_at, a.attach_status, a.connector_json",
    "volume_attachments a JOIN volumes v ON v.id = a.volume_id",
    "a.id",
    "v.project_id",
    "a.rowid",
    false,
    {{"volume_id", "a.volume_id = ?"}, {"status", "a.attach_status = ?"}, {"instance_id", "a.server_id = ?"}},
    {},
    {{"id", "a.id"}, {"volume_id", "a.volume_id"}, {"status", "a.attach_status"}, {"created_at", "a.rowid"}},
    {},
};

// Tempest and os-brick read connection_info; the local cloud's volumes are files on this host.
json connection_info_of(const Attachment& a, const std::string& path)
{
    if (!a.connector.is_object() || a.status == "reserved")
        return json::object();
    return {{"driver_volume_type", "local"},
            {"data", {{"device_path", path}, {"access_mode", a.mode}, {"volume_id", a.volume_id}}},
            {"attachment_id", a.id}};
}

} // namespace

Attachment Volume::attachment_of(const Statement& s) const
{
    Attachment a{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.integer(6)};
    a.status = s.text(7);
    a.connector = json::parse(s.text(8));
    a.connection_info = connection_info_of(a, volumePath(a.volume_id));
    return a;
}

void Volume::load_attachments(std::vector<volume::Volume>& volumes) const
{
    if (volumes.empty())
        return;
    json ids = json::array();
    for (const auto& v : volumes)
        ids.push_back(v.id);
    Statement s(*db_, "SELECT " + kAttachments.columns +
                          " FROM volume_attachments a "
                          "WHERE a.volume_id IN (SELECT value FROM json_each(?)) ORDER BY a.attached_at, a.rowid");
    s.bind(1, ids.dump());
    while (s.step()) {
        Attachment a = attachment_of(s);
        for (auto& v : volumes)
            if (v.id == a.volume_id)
                v.attachments.push_back(a);
    }
}

std::vector<Attachment> Volume::attachmentList(const Context& ctx, const volume::ListQuery& q) const
{
    std::vector<Attachment> out;
    list_rows(*db_, ctx, q, kAttachments, [&](const Statement& s) { out.push_back(attachment_of(s)); });
    return out;
}

Attachment Volume::attachmentGet(const Context& ctx, const std::string& attachment_id) const
{
    auto found =
        row_find(*db_, ctx, kAttachments, attachment_id, [this](const Statement& s) { return attachment_of(s); });
    if (!found)
        throw NotFound("Volume attachment could not be found with filter: attachment_id = " + attachment_id + ".");
    return *found;
}

/*
 * attachment_connect: what Cinder's attachment_update does with a connector:
 * the attachment and its volume go "attaching", in the mode the attachment
 * asked for, else the connector's, else rw. Inside the caller's transaction.
 */
void Volume::attachment_connect(const Attachment& a, const volume::Volume& v, json connector) const
{
    if (v.status.find("error") != std::string::npos)
        throw Conflict("Volume attachments can not be updated if the volume is in an error state. The Volume " + v.id +
                       " currently has a status of: " + v.status + ".");
    std::string mode = a.mode;
    if (mode.empty() || mode == "null")
        mode =
            connector.contains("mode") && connector["mode"].is_string() ? connector["mode"].get<std::string>() : "rw";
    if (mode != "rw" && mode != "ro")
        throw BadRequest("Invalid attaching mode '" + mode + "' for volume " + v.id + ".");
    connector["mode"] = mode;
    auto text = [&](const char* key, const char* fallback) {
        return connector.contains(key) && connector[key].is_string() ? connector[key].get<std::string>()
                                                                     : std::string(fallback);
    };
    Statement s(*db_, "UPDATE volume_attachments SET attach_status = 'attaching', connector_json = ?, mode = ?, "
                      "host = ?, device = ?, attached_at = ? WHERE id = ?");
    s.bind(1, connector.dump()).bind(2, mode).bind(3, text("host", "")).bind(4, text("mountpoint", "na"));
    s.bind(5, static_cast<long long>(unix_now())).bind(6, a.id);
    s.step();
    status_set("volumes", v.id, "attaching", std::nullopt);
}

Attachment Volume::attachmentCreate(const Context& ctx, const Attachment& in) const
{
    Attachment a = in;
    if (a.id.empty())
        a.id = new_uuid();
    {
        Transaction tx(*db_);
        volume::Volume v = volumeGet(ctx, a.volume_id);
        if (v.status.find("error") != std::string::npos)
            throw BadRequest("Invalid volume: Volume attachments can not be created if the volume is in an error "
                             "state. The Volume " +
                             v.id + " currently has a status of: " + v.status + ".");
        bool reservable =
            v.status == "available" || v.status == "downloading" || (v.multiattach && v.status == "in-use");
        // The same server again (a move between hosts): Cinder lets it reserve whatever the volume's state.
        bool again = !a.server_id.empty() && (v.status == "in-use" || v.status == "reserved") &&
                     std::any_of(v.attachments.begin(), v.attachments.end(),
                                 [&](const Attachment& other) { return other.server_id == a.server_id; });
        if (!reservable && !again)
            throw BadRequest("Invalid volume: Volume " + v.id + " status must be available or downloading" +
                             (v.multiattach ? " or in-use" : "") + " to reserve, but the current status is " +
                             v.status + ".");
        if (v.readonly)
            a.mode = "ro";
        if (a.mode.empty())
            a.mode = "null";
        Statement s(*db_, "INSERT INTO volume_attachments (id, volume_id, server_id, device, host, mode, attached_at, "
                          "attach_status, connector_json) VALUES (?, ?, ?, '', '', ?, 0, 'reserved', 'null')");
        s.bind(1, a.id).bind(2, v.id).bind(3, a.server_id).bind(4, a.mode);
        s.step();
        if (reservable)
            status_set("volumes", v.id, "reserved", std::nullopt);
        if (a.connector.is_object()) {
            a.status = "reserved";
            attachment_connect(a, volumeGet(ctx, v.id), a.connector);
        }
        tx.commit();
    }
    return attachmentGet(ctx, a.id);
}

Attachment Volume::attachmentUpdate(const Context& ctx, const std::string& attachment_id, const json& connector) const
{
    {
        Transaction tx(*db_);
        Attachment a = attachmentGet(ctx, attachment_id);
        attachment_connect(a, volumeGet(ctx, a.volume_id), connector);
        tx.commit();
    }
    return attachmentGet(ctx, attachment_id);
}

void Volume::attachmentComplete(const Context& ctx, const std::string& attachment_id) const
{
    Transaction tx(*db_);
    Attachment a = attachmentGet(ctx, attachment_id);
    Statement s(*db_, "UPDATE volume_attachments SET attach_status = 'attached', "
                      "attached_at = CASE WHEN attached_at = 0 THEN ? ELSE attached_at END WHERE id = ?");
    s.bind(1, static_cast<long long>(unix_now())).bind(2, a.id);
    s.step();
    status_set("volumes", a.volume_id, "in-use", std::nullopt);
    tx.commit();
}

std::vector<Attachment> Volume::attachmentDelete(const Context& ctx, const std::string& attachment_id) const
{
    std::vector<Attachment> remaining;
    Transaction tx(*db_);
    Attachment a = attachmentGet(ctx, attachment_id);
    volume::Volume v = volumeGet(ctx, a.volume_id);
    Statement s(*db_, "DELETE FROM volume_attachments WHERE id = ?");
    s.bind(1, a.id);
    s.step();
    for (const auto& other : v.attachments)
        if (other.id != a.id)
            remaining.push_back(other);
    // As Cinder's finish_detach: in-use while any remain, else available (an upload keeps its status).
    if (!remaining.empty())
        status_set("volumes", v.id, "in-use", std::nullopt);
    else if (v.status != "uploading")
        status_set("volumes", v.id, "available", std::nullopt);
    tx.commit();
    return remaining;
}

} // namespace jumpgate::local
