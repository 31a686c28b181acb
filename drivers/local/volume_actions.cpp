// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage volume actions: extend, reset status, attach and detach, upload to an image.
#include "local.hpp"

#include <unistd.h>

#include <algorithm>

#include <jumpgate/fault.hpp>

#include "volume_files.hpp"

namespace jumpgate::local {

namespace {

using volume::Attachment;

// Keys of a volume's image metadata that are an image's own fields: an image uploaded from it gets new ones.
const char* const kImageCoreProperties[] = {"checksum", "container_format", "disk_format", "image_name", "image_id",
                                            "min_disk", "min_ram",          "name",        "size"};

bool is_busy(const std::string& status)
{
    static const char* const kBusy[] = {"creating", "attaching",   "detaching",  "extending",       "uploading",
                                        "deleting", "downloading", "backing-up", "restoring-backup"};
    return std::find_if(std::begin(kBusy), std::end(kBusy), [&](const char* s) { return status == s; }) !=
           std::end(kBusy);
}

} // namespace

volume::Volume Volume::volumeExtend(const Context& ctx, const std::string& volume_id, long long new_size) const
{
    {
        Transaction tx(*db_);
        volume::Volume v = volumeGet(ctx, volume_id);
        if (v.status != "available")
            throw Conflict("Volume " + v.id +
                           " status must be available to extend, but current status is: " + v.status + ".");
        if (new_size <= v.size)
            throw BadRequest("New size for extend must be greater than current size. (current: " +
                             std::to_string(v.size) + ", extended: " + std::to_string(new_size) + ").");
        quota_check(ctx, v.project_id, 0, 0, new_size - v.size, new_size);
        Statement s(*db_, "UPDATE volumes SET size = ? WHERE id = ?");
        s.bind(1, new_size).bind(2, v.id);
        s.step();
        status_set("volumes", v.id, "extending", "available");
        // Under the write lock, so the file and the record grow together or not at all.
        if (truncate(volumePath(v.id).c_str(), static_cast<off_t>(new_size * kGiB)) != 0)
            fail_file("cannot extend volume " + v.id);
        tx.commit();
    }
    return volumeGet(ctx, volume_id);
}

volume::Volume Volume::volumeResetStatus(const Context& ctx, const std::string& volume_id, const std::string& status,
                                         bool detach) const
{
    if (status.empty())
        throw BadRequest("Must specify a valid status.");
    {
        Transaction tx(*db_);
        volume::Volume v = volumeGet(ctx, volume_id);
        status_set("volumes", v.id, status, std::nullopt);
        if (detach) {
            Statement s(*db_, "DELETE FROM volume_attachments WHERE volume_id = ?");
            s.bind(1, v.id);
            s.step();
        }
        tx.commit();
    }
    return volumeGet(ctx, volume_id);
}

void Volume::volumeReserve(const Context& ctx, const std::string& volume_id) const
{
    Transaction tx(*db_);
    volume::Volume v = volumeGet(ctx, volume_id);
    if (v.status != "available" && !(v.multiattach && v.status == "in-use"))
        throw BadRequest("Invalid volume: Volume status must be available to reserve, but the status is " + v.status +
                         ".");
    status_set("volumes", v.id, "attaching", std::nullopt);
    tx.commit();
}

void Volume::volumeUnreserve(const Context& ctx, const std::string& volume_id) const
{
    Transaction tx(*db_);
    volume::Volume v = volumeGet(ctx, volume_id);
    if (v.status != "attaching")
        return;
    status_set("volumes", v.id, v.attachments.empty() ? "available" : "in-use", std::nullopt);
    tx.commit();
}

Attachment Volume::volumeAttach(const Context& ctx, const std::string& volume_id, const Attachment& in) const
{
    Attachment a = in;
    a.volume_id = volume_id;
    if (a.id.empty())
        a.id = new_uuid();
    if (a.mode.empty())
        a.mode = "rw";
    if (a.mode != "rw" && a.mode != "ro")
        throw BadRequest("Invalid attaching mode '" + a.mode + "' for volume " + volume_id + ".");
    a.attached_at = unix_now();
    Transaction tx(*db_);
    volume::Volume v = volumeGet(ctx, volume_id);
    if (!(v.status == "available" || (v.status == "in-use" && v.multiattach)))
        throw Conflict("Volume " + v.id + " status must be available" + (v.multiattach ? " or in-use" : "") +
                       " to attach, but current status is: " + v.status + ".");
    if (v.readonly && a.mode == "rw")
        throw BadRequest("Invalid attaching mode 'rw' for volume " + v.id + ": it is read-only.");
    for (const auto& other : v.attachments)
        if (other.server_id == a.server_id)
            throw Conflict("Volume " + v.id + " is already attached to server " + a.server_id + ".");
    Statement s(*db_, "INSERT INTO volume_attachments (id, volume_id, server_id, device, host, mode, attached_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, a.id).bind(2, a.volume_id).bind(3, a.server_id).bind(4, a.device).bind(5, a.host).bind(6, a.mode);
    s.bind(7, static_cast<long long>(a.attached_at));
    s.step();
    // Cinder's attach records the read-only flag (False) when none was set.
    Statement flag(*db_, "UPDATE volumes SET readonly_set = 1 WHERE id = ?");
    flag.bind(1, v.id);
    flag.step();
    status_set("volumes", v.id, "attaching", "in-use");
    tx.commit();
    return a;
}

void Volume::volumeDetach(const Context& ctx, const std::string& volume_id, const std::string& attachment_id) const
{
    Transaction tx(*db_);
    volume::Volume v = volumeGet(ctx, volume_id);
    if (std::none_of(v.attachments.begin(), v.attachments.end(),
                     [&](const Attachment& a) { return a.id == attachment_id; }))
        throw NotFound("Volume attachment could not be found with filter: attachment_id = " + attachment_id + ".");
    if (is_busy(v.status))
        throw Conflict("Volume " + v.id + " cannot be detached while it is " + v.status + ".");
    Statement s(*db_, "DELETE FROM volume_attachments WHERE id = ? AND volume_id = ?");
    s.bind(1, attachment_id).bind(2, v.id);
    s.step();
    // A volume reset to another status keeps it: only an in-use volume goes through detaching.
    if (v.status == "in-use")
        status_set("volumes", v.id, "detaching", v.attachments.size() > 1 ? "in-use" : "available");
    tx.commit();
}

std::string Volume::volumeUploadImage(const Context& ctx, const std::string& volume_id, const std::string& name,
                                      const std::string& disk_format, const std::string& container_format,
                                      const std::string& visibility, bool is_protected) const
{
    volume::Volume v;
    std::int64_t started = unix_now();
    std::int64_t done_at = ready_at(build_seconds_); // uploading at least build_seconds, as any transition
    {
        Transaction tx(*db_);
        v = volumeGet(ctx, volume_id);
        if (v.status != "available" && v.status != "in-use")
            throw Conflict("Volume " + v.id +
                           " status must be available or in-use to upload it to an image, but "
                           "current status is: " +
                           v.status + ".");
        // Uploading until the bytes are all in the image, however long that takes: no clock ends it.
        status_set("volumes", v.id, "uploading", std::nullopt);
        tx.commit();
    }
    auto back = [&] {
        Statement s(*db_, "UPDATE volumes SET status = ?, status_until = ?, next_status = ?, updated_at = ? "
                          "WHERE id = ? AND status = 'uploading' AND next_status IS NULL");
        std::int64_t t = unix_now();
        if (build_seconds_ > 0 && done_at > t)
            s.bind(1, "uploading").bind(2, static_cast<long long>(done_at)).bind(3, v.status);
        else
            s.bind(1, v.status).bind(2, 0LL).bind_null(3);
        s.bind(4, static_cast<long long>(t)).bind(5, v.id);
        s.step();
    };
    Image images(db_, image_store_);
    image::Image img;
    img.id = new_uuid();
    img.name = name;
    img.status = "queued";
    img.visibility = visibility.empty() ? "private" : visibility;
    img.is_protected = is_protected;
    img.owner = v.project_id;
    img.disk_format = disk_format.empty() ? "raw" : disk_format;
    img.container_format = container_format.empty() ? "bare" : container_format;
    // What the volume kept of the image it was made from travels on, but for what the new image has of its own.
    for (const auto& [key, value] : v.image_metadata)
        if (std::none_of(std::begin(kImageCoreProperties), std::end(kImageCoreProperties),
                         [&name = key](const char* core) { return name == core; }))
            img.properties[key] = value;
    img.created_at = img.updated_at = started;
    bool created = false;
    try {
        Fd fd = open_stored(volumePath(v.id), "volume " + v.id);
        images.imageCreate(ctx, img);
        created = true;
        FileBytes bytes(fd.get());
        images.imageUpload(ctx, img.id, bytes, {});
    } catch (...) {
        if (created) {
            try {
                images.imageDelete(ctx, img.id);
            } catch (const std::exception&) {
            }
        }
        back();
        throw;
    }
    back();
    return img.id;
}

} // namespace jumpgate::local
