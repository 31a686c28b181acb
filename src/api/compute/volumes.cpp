// SPDX-License-Identifier: Apache-2.0
// Nova's volumes extension (seed 002): os-volumes, os-snapshots and servers' os-volume_attachments, from the block
// storage driver.
#include <jumpgate/driver/compute.hpp>

#include <algorithm>
#include <optional>

#include <jumpgate/fault.hpp>

#include "api/common/listing.hpp"
#include <jumpgate/time.hpp>

#include "api/compute/servers.hpp"
#include "api/volume/cinder.hpp"

namespace jumpgate::compute {

namespace {

using volume::Snapshot;
using volume::Volume;

// The os-volumes and os-snapshots proxies went in 2.36, as the image proxy did.
void check_proxy_version(const Request& req)
{
    if (req.version().at_least(2, 36))
        throw NotFound("The resource could not be found.");
}

json volume_view(const Volume& v)
{
    json attachments = json::array();
    for (const auto& a : v.attachments)
        attachments.push_back(
            {{"id", a.volume_id}, {"volumeId", a.volume_id}, {"serverId", a.server_id}, {"device", a.device}});
    if (attachments.empty()) // Nova shows one empty attachment for a free volume
        attachments.push_back(json::object());
    return {{"id", v.id},
            {"status", v.status},
            {"size", v.size},
            {"availabilityZone", v.availability_zone},
            {"createdAt", api::iso_time(v.created_at, false)},
            {"attachments", std::move(attachments)},
            {"displayName", v.name ? json(*v.name) : json(nullptr)},
            {"displayDescription", v.description ? json(*v.description) : json(nullptr)},
            {"volumeType", v.volume_type},
            {"snapshotId", v.snapshot_id ? json(*v.snapshot_id) : json(nullptr)},
            {"metadata", v.metadata}};
}

json snapshot_view(const Snapshot& s)
{
    return {{"id", s.id},
            {"volumeId", s.volume_id},
            {"status", s.status},
            {"size", s.size},
            {"createdAt", api::iso_time(s.created_at, false)},
            {"displayName", s.name ? json(*s.name) : json(nullptr)},
            {"displayDescription", s.description ? json(*s.description) : json(nullptr)}};
}

json attachment_view(const Request& req, const volume::Attachment& a, bool delete_on_termination)
{
    json view = {{"device", a.device}, {"serverId", a.server_id}, {"volumeId", a.volume_id}};
    const ApiVersion& v = req.version();
    if (!v.at_least(2, 89))
        view["id"] = a.volume_id;
    if (v.at_least(2, 70))
        view["tag"] = nullptr;
    if (v.at_least(2, 79))
        view["delete_on_termination"] = delete_on_termination;
    if (v.at_least(2, 89)) {
        view["attachment_id"] = a.id;
        view["bdm_uuid"] = a.id;
    }
    return view;
}

std::optional<volume::Attachment> attachment_to(const Volume& v, const std::string& server_id)
{
    for (const auto& a : v.attachments)
        if (a.server_id == server_id)
            return a;
    return std::nullopt;
}

// The next free /dev/vdX of a server, after its root disk /dev/vda.
std::string next_device(const volume::Driver& volumes, const Request& req, const Server& s)
{
    std::vector<std::string> taken = {"/dev/vda"};
    for (const auto& attached : s.volumes_attached)
        if (auto a = attachment_to(volumes.volumeGet(req.context(), attached.id), s.id))
            taken.push_back(a->device);
    for (char c = 'b'; c <= 'z'; ++c) {
        std::string device = std::string("/dev/vd") + c;
        if (std::find(taken.begin(), taken.end(), device) == taken.end())
            return device;
    }
    throw Forbidden("Maximum number of volumes attached to instance " + s.id + " reached.");
}

// Attaching and detaching take a server that is not busy and in one of these states.
void check_attachable(const Server& s, const char* what)
{
    static const std::vector<std::string> kStates = {"active",    "paused",  "stopped",
                                                     "suspended", "shelved", "shelved_offloaded"};
    if (std::find(kStates.begin(), kStates.end(), s.vm_state) == kStates.end() || s.task_state)
        throw Conflict(std::string("Cannot '") + what + "' instance " + s.id + " while it is in vm_state " + s.vm_state,
                       "conflictingRequest");
}

} // namespace

namespace {

using Proxy = Proxied<volume::Driver>;

void list_snapshots(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    json list = json::array();
    for (const auto& s : drivers.other->snapshotList(req.context(), api::cinder::list_query(req, {})))
        list.push_back(snapshot_view(s));
    resp.json({{"snapshots", std::move(list)}});
}

void list_volumes(const Proxy& drivers, const Request& req, Response& resp)
{
    api::refuse_empty_id(req);
    check_proxy_version(req);
    json list = json::array();
    for (const auto& v : drivers.other->volumeList(req.context(), api::cinder::list_query(req, {})))
        list.push_back(volume_view(v));
    resp.json({{"volumes", std::move(list)}});
}

void create_volume(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    Volume v = api::cinder::built_volume(*drivers.other, req, api::cinder::body_of(req, "volume"));
    resp.json({{"volume", volume_view(drivers.other->volumeCreate(req.context(), v))}});
}

void show_volume(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    resp.json({{"volume", volume_view(drivers.other->volumeGet(req.context(), req.param("volume_id")))}});
}

void delete_volume(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    Volume v = drivers.other->volumeGet(req.context(), req.param("volume_id"));
    api::cinder::check_deletable(*drivers.other, req, v, false);
    drivers.other->volumeDelete(req.context(), v.id);
    resp.status = 202;
    resp.clear_body();
}

void create_snapshot(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const json& b = api::cinder::body_of(req, "snapshot");
    if (!b.contains("volume_id") || !b["volume_id"].is_string())
        throw BadRequest("Invalid input for field/attribute snapshot: 'volume_id' is a required property.");
    Volume v = drivers.other->volumeGet(req.context(), b["volume_id"]);
    bool force = b.contains("force") && b["force"].is_boolean() && b["force"].get<bool>();
    if (v.status != "available" && !(force && v.status == "in-use"))
        throw BadRequest("Invalid volume: Volume " + v.id + " status must be available.");
    Snapshot s;
    s.id = new_uuid();
    s.volume_id = v.id;
    s.project_id = req.context().project_id;
    s.user_id = req.context().user_id;
    s.size = v.size;
    if (b.contains("display_name"))
        s.name = api::cinder::optional_text(b["display_name"], "display_name", 255);
    if (b.contains("display_description"))
        s.description = api::cinder::optional_text(b["display_description"], "display_description", 255);
    resp.json({{"snapshot", snapshot_view(drivers.other->snapshotCreate(req.context(), s))}});
}

void show_snapshot(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    resp.json({{"snapshot", snapshot_view(drivers.other->snapshotGet(req.context(), req.param("snapshot_id")))}});
}

void delete_snapshot(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    drivers.other->snapshotDelete(req.context(),
                                  drivers.other->snapshotGet(req.context(), req.param("snapshot_id")).id);
    resp.status = 202;
    resp.clear_body();
}

void list_attachments(const Proxy& drivers, const Request& req, Response& resp)
{
    Server s = drivers.compute->serverGet(req.context(), req.param("instance_id"));
    json list = json::array();
    for (const auto& attached : s.volumes_attached)
        if (auto a = attachment_to(drivers.other->volumeGet(req.context(), attached.id), s.id))
            list.push_back(attachment_view(req, *a, attached.delete_on_termination));
    resp.json({{"volumeAttachments", std::move(list)}});
}

void attach_volume(const Proxy& drivers, const Request& req, Response& resp)
{
    const json& b = api::cinder::body_of(req, "volumeAttachment");
    if (!b.contains("volumeId") || !b["volumeId"].is_string())
        throw BadRequest("Invalid input for field/attribute volumeAttachment: 'volumeId' is a required property.");
    Server s = editable(req, drivers.compute->serverGet(req.context(), req.param("instance_id")));
    check_attachable(s, "attach_volume");
    Volume v;
    try {
        v = drivers.other->volumeGet(req.context(), b["volumeId"]);
    } catch (const NotFound&) {
        throw NotFound("Volume " + b["volumeId"].get<std::string>() + " could not be found.");
    }
    if (attachment_to(v, s.id))
        throw BadRequest("Invalid volume: volume " + v.id + " is already attached to instance " + s.id + ".");
    if (v.status != "available" && !(v.multiattach && v.status == "in-use"))
        throw BadRequest("Invalid volume: volume " + v.id + " status must be 'available'. Currently in '" + v.status +
                         "'");
    volume::Attachment a;
    a.id = new_uuid();
    a.server_id = s.id;
    a.host = s.host;
    a.mode = v.readonly ? "ro" : "rw";
    if (b.contains("device") && !b["device"].is_null()) {
        if (!b["device"].is_string() || b["device"].get_ref<const std::string&>().rfind("/dev/", 0) != 0)
            throw BadRequest("The supplied device path (" + b["device"].dump() + ") is invalid.");
        a.device = b["device"];
    } else {
        a.device = next_device(*drivers.other, req, s);
    }
    a.volume_id = v.id;
    resp.json({{"volumeAttachment", attachment_view(req, drivers.other->volumeAttach(req.context(), v.id, a), false)}});
}

void show_attachment(const Proxy& drivers, const Request& req, Response& resp)
{
    Server s = drivers.compute->serverGet(req.context(), req.param("instance_id"));
    auto listed = std::find_if(s.volumes_attached.begin(), s.volumes_attached.end(),
                               [&](const AttachedVolume& a) { return a.id == req.param("volume_id"); });
    auto a = listed != s.volumes_attached.end()
                 ? attachment_to(drivers.other->volumeGet(req.context(), req.param("volume_id")), s.id)
                 : std::nullopt;
    if (!a)
        throw NotFound("Instance " + s.id + " is not attached to volume " + req.param("volume_id") + ".");
    resp.json({{"volumeAttachment", attachment_view(req, *a, listed->delete_on_termination)}});
}

void swap_volume(const Proxy& drivers, const Request& req, Response& resp)
{
    // Swapping moves the server from one volume to another (Nova's admin-only swap_volume).
    if (!req.context().is_admin())
        throw Forbidden("Policy doesn't allow os_compute_api:os-volumes-attachments:swap to be performed.");
    const json& b = api::cinder::body_of(req, "volumeAttachment");
    if (!b.contains("volumeId") || !b["volumeId"].is_string())
        throw BadRequest("Invalid input for field/attribute volumeAttachment: 'volumeId' is a required property.");
    Server s = editable(req, drivers.compute->serverGet(req.context(), req.param("instance_id")));
    check_attachable(s, "swap_volume");
    Volume old_volume = drivers.other->volumeGet(req.context(), req.param("volume_id"));
    auto old_attachment = attachment_to(old_volume, s.id);
    if (!old_attachment)
        throw NotFound("Instance " + s.id + " is not attached to volume " + old_volume.id + ".");
    // The new volume is named in the body, not the path: Nova answers 400 when it does not exist.
    Volume new_volume;
    try {
        new_volume = drivers.other->volumeGet(req.context(), b["volumeId"]);
    } catch (const NotFound& e) {
        throw BadRequest(e.what());
    }
    if (new_volume.status != "available")
        throw BadRequest("Invalid volume: volume " + new_volume.id + " status must be 'available'.");
    volume::Attachment a = *old_attachment;
    a.id = new_uuid();
    a.volume_id = new_volume.id;
    drivers.other->volumeAttach(req.context(), new_volume.id, a);
    drivers.other->volumeDetach(req.context(), old_volume.id, old_attachment->id);
    resp.status = 202;
    resp.clear_body();
}

void detach_volume(const Proxy& drivers, const Request& req, Response& resp)
{
    Server s = editable(req, drivers.compute->serverGet(req.context(), req.param("instance_id")));
    check_attachable(s, "detach_volume");
    Volume v = drivers.other->volumeGet(req.context(), req.param("volume_id"));
    auto a = attachment_to(v, s.id);
    if (!a)
        throw NotFound("Instance " + s.id + " is not attached to volume " + v.id + ".");
    drivers.other->volumeDetach(req.context(), v.id, a->id);
    resp.status = 202;
    resp.clear_body();
}

using volume::Op;

const Binding<Proxy> kVolumeProxyBindings[] = {
    {"v2_os_volumes", "GET", {Op::volumeList}, list_volumes},
    {"v2_os_volumes", "POST", Operations{Op::volumeCreate} | api::cinder::kBuiltVolumeNeeds, create_volume},
    {"v2_os_volumes_detail", "GET", {Op::volumeList}, list_volumes},
    {"v2_os_volume", "GET", {Op::volumeGet}, show_volume},
    {"v2_os_volume", "DELETE", Operations{Op::volumeGet, Op::volumeDelete} | api::cinder::kCheckDeletableNeeds,
     delete_volume},
    {"v2_os_snapshots", "GET", {Op::snapshotList}, list_snapshots},
    {"v2_os_snapshots", "POST", {Op::volumeGet, Op::snapshotCreate}, create_snapshot},
    {"v2_os_snapshots_detail", "GET", {Op::snapshotList}, list_snapshots},
    {"v2_os_snapshot", "GET", {Op::snapshotGet}, show_snapshot},
    {"v2_os_snapshot", "DELETE", {Op::snapshotDelete, Op::snapshotGet}, delete_snapshot},
    {"v2_os_volume_attachments", "GET", {Op::volumeGet, compute::Op::serverGet}, list_attachments},
    {"v2_os_volume_attachments", "POST", {Op::volumeGet, Op::volumeAttach, compute::Op::serverGet}, attach_volume},
    {"v2_os_volume_attachments_detail", "GET", {Op::volumeGet, compute::Op::serverGet}, show_attachment},
    {"v2_os_volume_attachments_detail",
     "PUT",
     {Op::volumeGet, Op::volumeAttach, Op::volumeDetach, compute::Op::serverGet},
     swap_volume},
    {"v2_os_volume_attachments_detail",
     "DELETE",
     {Op::volumeGet, Op::volumeDetach, compute::Op::serverGet},
     detach_volume},
};

} // namespace

void install_volume_proxy(Dispatcher& disp, const App& app)
{
    auto proxy = std::make_shared<const Proxy>(Proxy{app.compute().driver, app.volume().driver});
    bind_table(disp, std::span<const Binding<Proxy>>(kVolumeProxyBindings), proxy,
               app.compute().operations | app.volume().operations);
}

} // namespace jumpgate::compute
