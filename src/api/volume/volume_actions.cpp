// SPDX-License-Identifier: Apache-2.0
// Cinder's volume actions (POST /volumes/{id}/action), one binding each: extend, reset status, force delete,
// bootable, read-only, reserve, attach, detach, force detach, retype, image metadata, upload.
#include "api/volume/cinder.hpp"

#include <algorithm>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

bool flag_of(const json& args, const char* key)
{
    if (!args.is_object() || !args.contains(key))
        throw BadRequest(std::string("Invalid input: '") + key + "' is a required property.");
    const json& v = args[key];
    if (v.is_boolean())
        return v.get<bool>();
    if (v.is_string())
        return api::parse_bool(key, v.get<std::string>());
    throw BadRequest(std::string("Invalid input for field/attribute ") + key + ": it must be a boolean.");
}

std::string string_arg(const json& args, const char* key, bool required, const std::string& fallback = "")
{
    if (!args.is_object() || !args.contains(key) || args[key].is_null()) {
        if (required)
            throw BadRequest(std::string("Invalid input: '") + key + "' is a required property.");
        return fallback;
    }
    // Printable: image_name and the formats become the image's, which Glance v1 shows as headers.
    if (!args[key].is_string() || args[key].get_ref<const std::string&>().size() > 255 ||
        !is_header_value(args[key].get_ref<const std::string&>()))
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ".");
    return args[key];
}

const std::vector<std::string> kStatuses = {
    "creating", "available",      "attaching",       "in-use",          "detaching",       "deleting",
    "error",    "error_deleting", "error_restoring", "error_extending", "extending",       "maintenance",
    "reserved", "uploading",      "downloading",     "backing-up",      "restoring-backup"};

void accepted(Response& resp)
{
    resp.status = 202;
    resp.clear_body();
}

// Every action is of the volume in the path, which the caller must see first (NotFound).
Volume target(const Driver& driver, const Request& req)
{
    return driver.volumeGet(req.context(), req.param("volume_id"));
}

void extend(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Volume v = target(driver, req);
    if (!args.is_object() || !args.contains("new_size"))
        throw BadRequest("Invalid input: 'new_size' is a required property.");
    long long size = api::schema_integer(args["new_size"], "new_size", 1, api::kMaxInt);
    bool in_use_ok = req.version().at_least(3, 42) && v.status == "in-use";
    if (v.status != "available" && !in_use_ok)
        throw BadRequest("Invalid volume: Volume status must be 'available' to extend, currently '" + v.status + "'.");
    if (size <= v.size)
        throw BadRequest("Invalid input received: New size for extend must be greater than current size. "
                         "(current: " +
                         std::to_string(v.size) + ", extended: " + std::to_string(size) + ").");
    driver.volumeExtend(req.context(), v.id, size);
    accepted(resp);
}

void reset_status(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Volume v = target(driver, req);
    require_admin(req, "volume_extension:volume_admin_actions:reset_status");
    std::string status = string_arg(args, "status", false, v.status);
    if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end())
        throw BadRequest("Invalid input received: Must specify a valid status.");
    std::string attach = string_arg(args, "attach_status", false);
    if (!attach.empty() && attach != "attached" && attach != "detached")
        throw BadRequest("Invalid input received: Must specify a valid attach status.");
    driver.volumeResetStatus(req.context(), v.id, status, attach == "detached");
    accepted(resp);
}

void force_delete(const Driver& driver, const Request& req, Response& resp)
{
    Volume v = target(driver, req);
    require_admin(req, "volume_extension:volume_admin_actions:force_delete");
    // Whatever its state, the volume goes: its attachments first, then it.
    driver.volumeResetStatus(req.context(), v.id, "available", true);
    driver.volumeDelete(req.context(), v.id);
    accepted(resp);
}

void set_bootable(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Volume v = target(driver, req);
    v.bootable = flag_of(args, "bootable");
    driver.volumeUpdate(req.context(), v);
    resp.clear_body();
}

void update_readonly_flag(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Volume v = target(driver, req);
    v.readonly = flag_of(args, "readonly");
    v.readonly_set = true;
    if (v.status != "available" && v.status != "in-use")
        throw BadRequest("Invalid volume: Volume status must be available or in-use to update its flag.");
    driver.volumeUpdate(req.context(), v);
    accepted(resp);
}

void attach(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Volume v = target(driver, req);
    Attachment a;
    a.id = new_uuid();
    a.server_id = string_arg(args, "instance_uuid", false);
    a.host = string_arg(args, "host_name", false);
    if (a.server_id.empty() && a.host.empty())
        throw BadRequest("Invalid request to attach volume to an invalid target: give instance_uuid or host_name.");
    a.device = string_arg(args, "mountpoint", true);
    a.mode = string_arg(args, "mode", false, "rw");
    if (a.mode != "rw" && a.mode != "ro")
        throw BadRequest(
            "Invalid request to attach volume with an invalid mode. Attaching mode should be 'rw' or 'ro'.");
    if (v.readonly && a.mode == "rw")
        throw BadRequest("Invalid volume: Volume " + v.id + " is read-only: attach it with mode 'ro'.");
    driver.volumeAttach(req.context(), v.id, a);
    accepted(resp);
}

void detach(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Volume v = target(driver, req);
    std::string id = string_arg(args, "attachment_id", false);
    if (v.status == "maintenance")
        throw BadRequest("Invalid volume: Volume " + v.id + " is in maintenance: it cannot be detached.");
    if (id.empty() && v.attachments.empty()) {
        // Cinder's volume manager takes a detach of what is attached nowhere as the wish to be available.
        driver.volumeResetStatus(req.context(), v.id, "available", false);
        accepted(resp);
        return;
    }
    if (id.empty()) {
        if (v.attachments.size() != 1)
            throw BadRequest("Invalid volume: Volume " + v.id + " has " + std::to_string(v.attachments.size()) +
                             " attachments: name the one to end with attachment_id.");
        id = v.attachments.front().id;
    }
    driver.volumeDetach(req.context(), v.id, id);
    accepted(resp);
}

// os-reserve: the volume is kept for an attach to come (Nova's, before it attaches).
void reserve(const Driver& driver, const Request& req, Response& resp)
{
    driver.volumeReserve(req.context(), target(driver, req).id);
    accepted(resp);
}

// os-unreserve: the attach that was to come is not; a reserved volume goes back to what its attachments make it.
void unreserve(const Driver& driver, const Request& req, Response& resp)
{
    driver.volumeUnreserve(req.context(), target(driver, req).id);
    accepted(resp);
}

void force_detach(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Volume v = target(driver, req);
    require_admin(req, "volume_extension:volume_admin_actions:force_detach");
    std::string id = string_arg(args, "attachment_id", false);
    if (!id.empty() &&
        std::none_of(v.attachments.begin(), v.attachments.end(), [&](const Attachment& a) { return a.id == id; }))
        throw NotFound("Volume attachment could not be found with filter: attachment_id = " + id + ".");
    // Whatever its status (an error, a stuck attaching), the volume detaches as an in-use one does: available
    // once no attachment is left. Without an attachment_id, Cinder ends them all.
    driver.volumeResetStatus(req.context(), v.id, v.attachments.empty() ? "available" : "in-use", false);
    for (const auto& a : v.attachments)
        if (id.empty() || a.id == id)
            driver.volumeDetach(req.context(), v.id, a.id);
    accepted(resp);
}

void retype(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Volume v = target(driver, req);
    std::string wanted = string_arg(args, "new_type", true);
    std::string policy = string_arg(args, "migration_policy", false, "never");
    if (policy != "never" && policy != "on-demand")
        throw BadRequest("Invalid input received: Invalid migration policy: " + policy + ".");
    if (v.status != "available" && v.status != "in-use")
        throw BadRequest("Invalid volume: Volume status must be available or in-use to retype, but current status "
                         "is: " +
                         v.status + ".");
    volume::VolumeType t;
    try {
        t = driver.typeGet(req.context(), wanted);
    } catch (const NotFound&) {
        throw NotFound("Volume type " + wanted + " could not be found.");
    }
    if (!type_usable(req.context(), t))
        throw NotFound("Volume type " + wanted + " could not be found.");
    if (t.id == v.volume_type_id)
        throw BadRequest("Invalid input received: Retype cannot change the volume type to its current type.");
    // One backend holds every type here: a retype never needs the migration a policy of "never" would refuse.
    v.volume_type_id = t.id;
    driver.volumeUpdate(req.context(), v);
    accepted(resp);
}

void check_image_metadata_writable(const Volume& v)
{
    if (v.status == "maintenance" || v.status == "uploading")
        throw BadRequest("Invalid volume: The volume's image metadata cannot change while it is " + v.status + ".");
}

void set_image_metadata(const Driver& driver, const Request& req, Response& resp)
{
    Volume v = target(driver, req);
    auto md = metadata_of(action_args(req), "metadata");
    check_image_metadata_writable(v);
    for (auto& [k, value] : md)
        v.image_metadata[k] = value;
    resp.json({{"metadata", driver.volumeUpdate(req.context(), v).image_metadata}});
}

void unset_image_metadata(const Driver& driver, const Request& req, Response& resp)
{
    Volume v = target(driver, req);
    std::string key = string_arg(action_args(req), "key", true);
    check_image_metadata_writable(v);
    if (!v.image_metadata.erase(key))
        throw NotFound("Glance metadata for volume " + v.id + " with key " + key + " could not be found.");
    driver.volumeUpdate(req.context(), v);
    resp.clear_body();
}

void show_image_metadata(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"metadata", target(driver, req).image_metadata}});
}

void upload_image(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    const Context& ctx = req.context();
    Volume v = target(driver, req);
    std::string name = string_arg(args, "image_name", true);
    bool force = args.contains("force") && flag_of(args, "force");
    if (v.status != "available" && !(force && v.status == "in-use"))
        throw BadRequest("Invalid volume: Volume status must be available (or in-use with force) to upload, "
                         "currently '" +
                         v.status + "'.");
    std::string disk = string_arg(args, "disk_format", false, "raw");
    std::string container = string_arg(args, "container_format", false, "bare");
    std::string visibility = string_arg(args, "visibility", false, "private");
    bool is_protected = args.contains("protected") && flag_of(args, "protected");
    if (visibility == "public" && !ctx.is_admin())
        throw Forbidden("Policy doesn't allow volume:upload_public to be performed.");
    std::string image_id = driver.volumeUploadImage(ctx, v.id, name, disk, container, visibility, is_protected);
    resp.status = 202;
    resp.json({{"os-volume_upload_image",
                {{"id", v.id},
                 {"updated_at", api::iso_time(api::unix_now(), false)},
                 {"status", "uploading"},
                 {"display_description", v.description ? json(*v.description) : json(nullptr)},
                 {"size", v.size},
                 {"volume_type", {{"name", v.volume_type}, {"id", v.volume_type_id}}},
                 {"image_id", image_id},
                 {"container_format", container},
                 {"disk_format", disk},
                 {"image_name", name},
                 {"protected", is_protected},
                 {"visibility", visibility}}}});
}

constexpr Operations kExtend{Op::volumeGet, Op::volumeExtend};
constexpr Operations kResetStatus{Op::volumeGet, Op::volumeResetStatus};
constexpr Operations kForceDelete{Op::volumeGet, Op::volumeResetStatus, Op::volumeDelete};
constexpr Operations kUpdate{Op::volumeGet, Op::volumeUpdate};
constexpr Operations kAttach{Op::volumeGet, Op::volumeAttach};
constexpr Operations kDetach{Op::volumeGet, Op::volumeDetach, Op::volumeResetStatus};
constexpr Operations kUploadImage{Op::volumeGet, Op::volumeUploadImage};
constexpr Operations kReserve{Op::volumeGet, Op::volumeReserve};
constexpr Operations kUnreserve{Op::volumeGet, Op::volumeUnreserve};
constexpr Operations kForceDetach{Op::volumeGet, Op::volumeResetStatus, Op::volumeDetach};
constexpr Operations kRetype{Op::volumeGet, Op::typeGet, Op::volumeUpdate};
constexpr Operations kRead{Op::volumeGet};

constexpr Binding<Driver> kBindings[] = {
    {"v2_volume_action", "POST", kExtend, extend, "os-extend"},
    {"v3_volume_action", "POST", kExtend, extend, "os-extend"},
    {"v2_volume_action", "POST", kResetStatus, reset_status, "os-reset_status"},
    {"v3_volume_action", "POST", kResetStatus, reset_status, "os-reset_status"},
    {"v2_volume_action", "POST", kForceDelete, force_delete, "os-force_delete"},
    {"v3_volume_action", "POST", kForceDelete, force_delete, "os-force_delete"},
    {"v2_volume_action", "POST", kUpdate, set_bootable, "os-set_bootable"},
    {"v3_volume_action", "POST", kUpdate, set_bootable, "os-set_bootable"},
    {"v2_volume_action", "POST", kUpdate, update_readonly_flag, "os-update_readonly_flag"},
    {"v3_volume_action", "POST", kUpdate, update_readonly_flag, "os-update_readonly_flag"},
    {"v2_volume_action", "POST", kAttach, attach, "os-attach"},
    {"v3_volume_action", "POST", kAttach, attach, "os-attach"},
    {"v2_volume_action", "POST", kDetach, detach, "os-detach"},
    {"v3_volume_action", "POST", kDetach, detach, "os-detach"},
    {"v2_volume_action", "POST", kUploadImage, upload_image, "os-volume_upload_image"},
    {"v3_volume_action", "POST", kUploadImage, upload_image, "os-volume_upload_image"},
    {"v2_volume_action", "POST", kReserve, reserve, "os-reserve"},
    {"v3_volume_action", "POST", kReserve, reserve, "os-reserve"},
    {"v2_volume_action", "POST", kUnreserve, unreserve, "os-unreserve"},
    {"v3_volume_action", "POST", kUnreserve, unreserve, "os-unreserve"},
    {"v2_volume_action", "POST", kForceDetach, force_detach, "os-force_detach"},
    {"v3_volume_action", "POST", kForceDetach, force_detach, "os-force_detach"},
    {"v2_volume_action", "POST", kRetype, retype, "os-retype"},
    {"v3_volume_action", "POST", kRetype, retype, "os-retype"},
    {"v2_volume_action", "POST", kUpdate, set_image_metadata, "os-set_image_metadata"},
    {"v3_volume_action", "POST", kUpdate, set_image_metadata, "os-set_image_metadata"},
    {"v2_volume_action", "POST", kUpdate, unset_image_metadata, "os-unset_image_metadata"},
    {"v3_volume_action", "POST", kUpdate, unset_image_metadata, "os-unset_image_metadata"},
    {"v2_volume_action", "POST", kRead, show_image_metadata, "os-show_image_metadata"},
    {"v3_volume_action", "POST", kRead, show_image_metadata, "os-show_image_metadata"},
};

} // namespace

std::span<const Binding<Driver>> volume_action_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
