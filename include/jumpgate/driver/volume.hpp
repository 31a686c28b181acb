// SPDX-License-Identifier: Apache-2.0
// The typed Block Storage driver interface: volumes, snapshots, transfers, types and quotas; the core writes Cinder's
// JSON.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <jumpgate/app.hpp>
#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/operations.hpp>
#include <jumpgate/request.hpp>

namespace jumpgate::volume {

/*
 * Attachment: a volume attached to a server (or, through the attachments API,
 * to a host only: server_id empty). `status` is Cinder's attach status:
 * reserved, attaching, then attached; only attached ones show in a volume's
 * view. `mode` is "null" while an attachment made by the attachments API has
 * none yet. attached_at is 0 until it connects.
 */
struct Attachment {
    std::string id;
    std::string volume_id;
    std::string server_id;
    std::string device; // "/dev/vdb"
    std::string host;
    std::string mode = "rw"; // rw or ro
    std::int64_t attached_at = 0;
    std::string status = "attached";
    json connector;       // the connector the host gave (null until one is)
    json connection_info; // how the host reaches the volume ({} until connected)
};

/*
 * Volume: one volume's record. `status` is Cinder's (creating, available,
 * attaching, in-use, detaching, extending, deleting, error...), as it is now:
 * a driver whose changes take time reports the state they have reached. Size
 * in GiB; times are Unix seconds.
 */
struct Volume {
    std::string id;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::string project_id;
    std::string user_id;
    long long size = 1;
    std::string status = "creating";
    std::string volume_type; // the type's name
    std::string volume_type_id;
    std::string availability_zone = "nova";
    bool bootable = false;
    bool multiattach = false;
    bool readonly = false;
    bool readonly_set = false; // os-update_readonly_flag or an attach has set it: metadata shows it
    std::optional<std::string> snapshot_id;
    std::optional<std::string> source_volid;
    std::optional<std::string> image_id;               // created from this image
    std::map<std::string, std::string> image_metadata; // volume_image_metadata
    std::map<std::string, std::string> metadata;
    std::vector<Attachment> attachments;
    std::string host;
    std::optional<std::string> group_id; // the generic volume group it is in
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/* Snapshot: a point-in-time copy of a volume. */
struct Snapshot {
    std::string id;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::string volume_id;
    std::string project_id;
    std::string user_id;
    long long size = 1;
    std::string status = "creating"; // creating, available, deleting, error
    std::map<std::string, std::string> metadata;
    std::optional<std::string> group_snapshot_id; // the group snapshot it was taken for
    std::optional<std::string> progress;          // os-update_snapshot_status's ("80%"); none: as the status says
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/* Backup: a full copy of a volume's (or one of its snapshots') bytes, kept apart from it. */
struct Backup {
    std::string id;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::string volume_id;
    std::optional<std::string> snapshot_id;
    std::string project_id;
    std::string user_id;
    long long size = 1;              // GiB, the volume's
    std::string status = "creating"; // creating, available, restoring, error
    std::string availability_zone = "nova";
    std::optional<std::string> container;
    long long object_count = 0;
    std::map<std::string, std::string> metadata;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/*
 * Transfer: a pending offer of a volume (and, unless no_snapshots, of its
 * snapshots) to whichever project accepts it with its key. Its volume is
 * "awaiting-transfer" until it is accepted or deleted; the key itself is no
 * field: only the core sees it, once, when it makes it.
 */
struct Transfer {
    std::string id;
    std::optional<std::string> name;
    std::string volume_id;
    std::string source_project_id; // the volume's project, which sees the transfer
    bool no_snapshots = false;
    std::int64_t created_at = 0;
};

/* VolumeType: a kind of volume; `projects` may use it when it is not public; `qos_specs_id` its QoS, if any. */
struct VolumeType {
    std::string id;
    std::string name;
    std::optional<std::string> description;
    bool is_public = true;
    bool is_default = false;
    std::map<std::string, std::string> extra_specs;
    std::vector<std::string> projects;
    std::optional<std::string> qos_specs_id;
};

/* Encryption: how the volumes of a type are encrypted (Cinder's encryption type); key_size in bits. */
struct Encryption {
    std::string volume_type_id;
    std::string encryption_id;
    std::string provider;
    std::optional<std::string> cipher;
    std::optional<long long> key_size;
    std::string control_location = "front-end"; // front-end or back-end
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0; // 0 until it is changed
};

/* QosSpec: a named set of quality-of-service limits that volume types are associated with. */
struct QosSpec {
    std::string id;
    std::string name;
    std::string consumer = "back-end"; // front-end, back-end or both
    std::map<std::string, std::string> specs;
    std::int64_t created_at = 0;
};

/*
 * ListQuery: a list request, parsed by the core: exact `filters` on a field of
 * the same name (name, status, availability_zone, volume_id, bootable as
 * "true"/"false") or, prefixed "metadata:", on a metadata key; all_projects for
 * an admin's all_tenants (project_id then narrows); sort is (field, ascending),
 * newest first by default; limit 0 means no limit (the core answers a
 * request's limit=0 itself); offset skips that many first rows; a marker that names nothing
 * the caller sees is NotFound (Cinder's MarkerNotFound).
 */
struct ListQuery {
    std::vector<std::pair<std::string, std::string>> filters;
    bool all_projects = false;
    std::optional<std::string> project_id;
    std::vector<std::pair<std::string, bool>> sort;
    std::size_t limit = 0;
    std::string marker;
    std::size_t offset = 0; // rows skipped after the marker (Cinder's offset)
};

/*
 * filter_bool, filter_integer: a list filter's value read as Cinder reads it
 * ("true", "1", "yes" and their opposites; a whole number); BadRequest naming
 * the filter otherwise. For drivers that filter in their cloud's own query language.
 */
bool filter_bool(const std::string& key, const std::string& value);
long long filter_integer(const std::string& key, const std::string& value);

/*
 * select: the page of `items` that `q` asks for, as the local driver answers it
 * in SQL; for drivers that filter in memory. `items` are records of any
 * project, in the order they were made (which breaks ties, oldest first when
 * the last sort key ascends). The caller's own project's are listed (an
 * admin's all_projects: every project's, or q.project_id's); they are kept when
 * they pass every filter (volumes: bootable, multiattach, size, status,
 * volume_type (its name or id), name, availability_zone, id, user_id,
 * project_id, snapshot_id, source_volid, image_id, volume_type_id,
 * "metadata:" and "image_metadata:" keys; snapshots: status, size, name,
 * volume_id, id, user_id, project_id and "metadata:" keys; backups: status,
 * name, volume_id, id; a missing field matches nothing), sorted by `q.sort`
 * (newest first without one; a missing name sorts as ""), after the marker
 * (any record the caller sees, listed or not), `q.offset` skipped, at most
 * `q.limit`. Throws BadRequest for a filter or sort key the kind has not and a
 * filter value not of its type, NotFound for a marker that names no record the
 * caller sees ("Marker <id> could not be found.").
 */
std::vector<Volume> select(const Context& ctx, const ListQuery& q, std::vector<Volume> items);
std::vector<Snapshot> select(const Context& ctx, const ListQuery& q, std::vector<Snapshot> items);
std::vector<Backup> select(const Context& ctx, const ListQuery& q, std::vector<Backup> items);

/* GroupType: a kind of generic volume group; private ones are an admin's alone (Cinder has no access API for them). */
struct GroupType {
    std::string id;
    std::string name;
    std::optional<std::string> description;
    bool is_public = true;
    bool is_default = false; // the one group_types/default names, if any
    std::map<std::string, std::string> group_specs;
};

/*
 * Group: a generic volume group: volumes of `volume_types` (ids) kept together,
 * snapshotted together. `volumes` are the ids of its volumes; status is
 * creating, available, updating, deleting, error...
 */
struct Group {
    std::string id;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::string project_id;
    std::string user_id;
    std::string status = "creating";
    std::string availability_zone = "nova";
    std::string group_type_id;
    std::vector<std::string> volume_types;
    std::vector<std::string> volumes;
    std::optional<std::string> group_snapshot_id; // made from this group snapshot
    std::optional<std::string> source_group_id;   // made from this group
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/* GroupSnapshot: a snapshot of every volume of a group at one moment (the snapshots name it). */
struct GroupSnapshot {
    std::string id;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::string group_id;
    std::string group_type_id;
    std::string project_id;
    std::string user_id;
    std::string status = "creating"; // creating, available, deleting, error
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/* Service: one of the services that make up the cloud's Block Storage, as os-services and os-hosts list them. */
struct Service {
    std::string binary; // cinder-scheduler, cinder-volume, cinder-backup
    std::string host;   // "node", "node@backend" for a cinder-volume
    std::string zone = "nova";
    bool enabled = true;
    bool up = true;
    std::int64_t updated_at = 0;                // its last report
    std::optional<std::string> disabled_reason; // why an admin disabled it
    bool frozen = false;                        // frozen by an admin (os-services/freeze), a cinder-volume only
};

/*
 * Pool: where the cloud's volumes are kept, as its scheduler sees it ("node@backend#pool"), and what the backend
 * reports of it; capacities in GiB. Pools of one backend share vendor_name, storage_protocol and volume_backend_name,
 * which volume types' extra specs may ask for.
 */
struct Pool {
    std::string name;
    std::string vendor_name;
    std::string storage_protocol;
    std::string volume_backend_name;
    std::string driver_version;
    double total_capacity_gb = 0;
    double free_capacity_gb = 0;
    double allocated_capacity_gb = 0; // what its volumes take
    long long reserved_percentage = 0;
    bool qos_support = false;
    bool thin_provisioning_support = false;
    bool multiattach = false;
    std::int64_t updated_at = 0; // its last report
};

/*
 * Message: what Cinder tells a project about an operation that failed where it could not answer at once (a volume
 * no backend would take). `event_id` and `user_message` are Cinder's ("VOLUME_VOLUME_001_002"); it is kept until
 * `expires_at` (Cinder's guaranteed_until).
 */
struct Message {
    std::string id;
    std::string project_id;
    std::string request_id;
    std::string resource_type = "VOLUME";
    std::optional<std::string> resource_uuid;
    std::string event_id;
    std::string user_message;
    std::string message_level = "ERROR";
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;
};

/* Quota resources (Cinder's names: volumes, gigabytes, snapshots, backups, backup_gigabytes, per_volume_gigabytes,
 * groups) -> limit, -1 unlimited. */
using QuotaSet = std::map<std::string, long long>;

/*
 * Driver: what a cloud implements for Block Storage. Every operation throws
 * NotImplemented unless overridden; install() serves only the endpoints whose
 * operations a driver overrides. `ctx` sees its own project's volumes and
 * snapshots (an admin any); anything else is NotFound. Operations throw Fault
 * subclasses for the caller's errors.
 */
class Driver {
  public:
    virtual ~Driver() = default;

    /* volumeList: a page of the volumes `ctx` sees, filtered and sorted (see ListQuery). */
    virtual std::vector<Volume> volumeList(const Context& ctx, const ListQuery& q) const;
    /* volumeGet: one volume `ctx` sees; NotFound. */
    virtual Volume volumeGet(const Context& ctx, const std::string& volume_id) const;
    /*
     * volumeCreate: make `volume` (validated and filled by the core: id, owner,
     * size, type) within the project's quotas (PayloadTooLarge "VolumeLimitExceeded"
     * otherwise); its bytes come from its snapshot_id, source_volid or image_id
     * when one is set, else it is empty. It starts as "creating".
     */
    virtual Volume volumeCreate(const Context& ctx, const Volume& volume) const;
    /*
     * volumeUpdate: store name, description, metadata, image_metadata, bootable, readonly, readonly_set and
     * volume_type_id (a retype: the core has checked the type) of `volume`.
     */
    virtual Volume volumeUpdate(const Context& ctx, const Volume& volume) const;
    /* volumeDelete: remove a volume and its bytes (the core has checked that it may go). */
    virtual void volumeDelete(const Context& ctx, const std::string& volume_id) const;
    /* volumeExtend: grow an available volume to `new_size` GiB (status "extending" until done); quota as create. */
    virtual Volume volumeExtend(const Context& ctx, const std::string& volume_id, long long new_size) const;
    /* volumeResetStatus: set the status (an admin's os-reset_status); "available" also drops attachments when asked. */
    virtual Volume volumeResetStatus(const Context& ctx, const std::string& volume_id, const std::string& status,
                                     bool detach) const;
    /*
     * volumeReserve: keep the volume for an attach to come (os-reserve: "attaching"), checked and set at once
     * so that two reserves cannot both win; BadRequest unless it is available (or in-use and multiattach).
     * volumeUnreserve: an "attaching" volume goes back to "in-use" while it has attachments, else
     * "available"; in any other status nothing changes.
     */
    virtual void volumeReserve(const Context& ctx, const std::string& volume_id) const;
    virtual void volumeUnreserve(const Context& ctx, const std::string& volume_id) const;
    /*
     * volumeAttach: attach to a server ("attaching", then "in-use"); Conflict
     * unless available (or in-use and multiattach). Returns the attachment.
     */
    virtual Attachment volumeAttach(const Context& ctx, const std::string& volume_id,
                                    const Attachment& attachment) const;
    /* volumeDetach: end one attachment ("detaching", then "available" once none remain); NotFound. */
    virtual void volumeDetach(const Context& ctx, const std::string& volume_id, const std::string& attachment_id) const;
    /*
     * volumeUploadImage: make an image of the volume's bytes in the image
     * service (os-volume_upload_image), owned by the volume's project; returns
     * the image's id. Optional: 501 when a cloud has no image service.
     */
    virtual std::string volumeUploadImage(const Context& ctx, const std::string& volume_id, const std::string& name,
                                          const std::string& disk_format, const std::string& container_format,
                                          const std::string& visibility, bool is_protected) const;

    /* attachmentList: the attachments of the volumes `ctx` sees (filters volume_id, status, instance_id; as ListQuery).
     */
    virtual std::vector<Attachment> attachmentList(const Context& ctx, const ListQuery& q) const;
    /* attachmentGet: one attachment of a volume `ctx` sees; NotFound. */
    virtual Attachment attachmentGet(const Context& ctx, const std::string& attachment_id) const;
    /*
     * attachmentCreate: reserve the volume for `attachment` (both "reserved";
     * BadRequest unless the volume is available, or in-use and multiattach);
     * with a connector it connects at once, as attachmentUpdate.
     */
    virtual Attachment attachmentCreate(const Context& ctx, const Attachment& attachment) const;
    /* attachmentUpdate: connect an attachment with the host's `connector` (both "attaching"); Conflict on error
     * volumes. */
    virtual Attachment attachmentUpdate(const Context& ctx, const std::string& attachment_id,
                                        const json& connector) const;
    /* attachmentComplete: the host has attached it (os-complete): "attached", the volume "in-use". */
    virtual void attachmentComplete(const Context& ctx, const std::string& attachment_id) const;
    /* attachmentDelete: end an attachment; the volume is "in-use" while others remain, else "available"; returns them.
     */
    virtual std::vector<Attachment> attachmentDelete(const Context& ctx, const std::string& attachment_id) const;

    /* snapshotList, snapshotGet: as volumeList and volumeGet (filters name, status, volume_id, metadata:). */
    virtual std::vector<Snapshot> snapshotList(const Context& ctx, const ListQuery& q) const;
    virtual Snapshot snapshotGet(const Context& ctx, const std::string& snapshot_id) const;
    /* snapshotCreate: copy the volume's bytes now (status "creating", then "available"); quota "snapshots". */
    virtual Snapshot snapshotCreate(const Context& ctx, const Snapshot& snapshot) const;
    /* snapshotUpdate: store name, description, metadata and progress. */
    virtual Snapshot snapshotUpdate(const Context& ctx, const Snapshot& snapshot) const;
    /* snapshotDelete: remove a snapshot and its bytes. */
    virtual void snapshotDelete(const Context& ctx, const std::string& snapshot_id) const;
    /* snapshotResetStatus: an admin's os-reset_status of a snapshot. */
    virtual Snapshot snapshotResetStatus(const Context& ctx, const std::string& snapshot_id,
                                         const std::string& status) const;

    /* backupList, backupGet: as snapshotList and snapshotGet (filters name, status, volume_id). */
    virtual std::vector<Backup> backupList(const Context& ctx, const ListQuery& q) const;
    virtual Backup backupGet(const Context& ctx, const std::string& backup_id) const;
    /*
     * backupCreate: copy the bytes of the volume (of its snapshot when
     * snapshot_id is set) now; "creating", then "available"; the volume is
     * "backing-up" meanwhile; quotas "backups" and "backup_gigabytes".
     */
    virtual Backup backupCreate(const Context& ctx, const Backup& backup) const;
    /* backupUpdate: store name, description and metadata. */
    virtual Backup backupUpdate(const Context& ctx, const Backup& backup) const;
    /* backupDelete: remove a backup and its bytes. */
    virtual void backupDelete(const Context& ctx, const std::string& backup_id) const;
    /* backupResetStatus: an admin's os-reset_status of a backup. */
    virtual Backup backupResetStatus(const Context& ctx, const std::string& backup_id, const std::string& status) const;
    /*
     * backupRestore: write the backup's bytes over the available volume
     * `volume_id` (at least as large), or over a new volume of its size named
     * `name`; both are "restoring..." meanwhile. Returns the volume.
     */
    virtual Volume backupRestore(const Context& ctx, const std::string& backup_id,
                                 const std::optional<std::string>& volume_id,
                                 const std::optional<std::string>& name) const;

    /* typeList: every type (the core filters what `ctx` may see); typeGet: by id or name, NotFound. */
    virtual std::vector<VolumeType> typeList(const Context& ctx) const;
    virtual VolumeType typeGet(const Context& ctx, const std::string& id_or_name) const;
    /* typeCreate: add a type (id set by the core); Conflict for a taken name. */
    virtual VolumeType typeCreate(const Context& ctx, const VolumeType& type) const;
    /* typeUpdate: store name, description, is_public, extra specs, projects and qos_specs_id (NotFound for no such
     * QoS). */
    virtual VolumeType typeUpdate(const Context& ctx, const VolumeType& type) const;
    /* typeDelete: remove a type; Conflict while volumes use it or when it is the default. */
    virtual void typeDelete(const Context& ctx, const std::string& type_id) const;

    /*
     * transferList, transferGet: the transfers of the volumes of ctx's project
     * (an admin's all_projects: every project's; filters name, volume_id, id);
     * one of them, NotFound ("Transfer <id> could not be found.") otherwise.
     */
    virtual std::vector<Transfer> transferList(const Context& ctx, const ListQuery& q) const;
    virtual Transfer transferGet(const Context& ctx, const std::string& transfer_id) const;
    /*
     * transferCreate: offer the volume of `transfer` (the core has set id, name,
     * volume_id and no_snapshots) to whoever gives `auth_key`, which is kept only
     * as a hash. The volume is ctx's (NotFound) and "available", and so are its
     * snapshots unless no_snapshots (BadRequest otherwise); it becomes
     * "awaiting-transfer".
     */
    virtual Transfer transferCreate(const Context& ctx, const Transfer& transfer, const std::string& auth_key) const;
    /*
     * transferAccept: any project's transfer, given its key (compared in
     * constant time; BadRequest "Invalid auth key: ..." otherwise): the volume,
     * and its snapshots unless no_snapshots, become ctx's project's and user's,
     * within that project's quotas (PayloadTooLarge), the volume "available";
     * the transfer is gone. Returns it as it was.
     */
    virtual Transfer transferAccept(const Context& ctx, const std::string& transfer_id,
                                    const std::string& auth_key) const;
    /* transferDelete: withdraw a transfer ctx sees; its volume is "available" again. */
    virtual void transferDelete(const Context& ctx, const std::string& transfer_id) const;

    /* encryptionGet: the encryption of type `type_id`, nullopt when it has none. */
    virtual std::optional<Encryption> encryptionGet(const Context& ctx, const std::string& type_id) const;
    /*
     * encryptionCreate, encryptionUpdate: store the encryption of a type (its
     * encryption_id set by the core on create); BadRequest while volumes of the
     * type exist, or on create when it has one already; NotFound on update when
     * it has none. Return it as stored.
     */
    virtual Encryption encryptionCreate(const Context& ctx, const Encryption& encryption) const;
    virtual Encryption encryptionUpdate(const Context& ctx, const Encryption& encryption) const;
    /* encryptionDelete: remove a type's encryption; BadRequest while volumes of the type exist, NotFound without one.
     */
    virtual void encryptionDelete(const Context& ctx, const std::string& type_id) const;

    /* qosList: every QoS spec; qosGet: one, NotFound ("No such QoS spec <id>.") otherwise. */
    virtual std::vector<QosSpec> qosList(const Context& ctx) const;
    virtual QosSpec qosGet(const Context& ctx, const std::string& qos_id) const;
    /* qosCreate: add one (id set by the core); Conflict for a taken name. */
    virtual QosSpec qosCreate(const Context& ctx, const QosSpec& qos) const;
    /* qosUpdate: store the consumer and specs of one. */
    virtual QosSpec qosUpdate(const Context& ctx, const QosSpec& qos) const;
    /* qosDelete: remove one; with `force` its types lose it, else BadRequest while a type is associated with it. */
    virtual void qosDelete(const Context& ctx, const std::string& qos_id, bool force) const;

    /* quotaGet: a project's limits (defaults where unset); quotaDefaults: the defaults. */
    virtual QuotaSet quotaGet(const Context& ctx, const std::string& project_id) const;
    virtual QuotaSet quotaDefaults(const Context& ctx) const;
    /* quotaSet: change some of a project's limits; quotaReset: back to the defaults. */
    virtual QuotaSet quotaSet(const Context& ctx, const std::string& project_id, const QuotaSet& changes) const;
    virtual void quotaReset(const Context& ctx, const std::string& project_id) const;
    /* quotaUsage: what a project uses (volumes, gigabytes of volumes and snapshots, snapshots). */
    virtual QuotaSet quotaUsage(const Context& ctx, const std::string& project_id) const;

    // Generic volume groups (Cinder 3.11-3.20).
    /* groupTypeList: every group type (the core filters what `ctx` may see); groupTypeGet: by id or name, NotFound. */
    virtual std::vector<GroupType> groupTypeList(const Context& ctx) const;
    virtual GroupType groupTypeGet(const Context& ctx, const std::string& id_or_name) const;
    /* groupTypeCreate: add a group type (id set by the core); Conflict for a taken name. */
    virtual GroupType groupTypeCreate(const Context& ctx, const GroupType& type) const;
    /* groupTypeUpdate: store name, description, is_public and group specs. */
    virtual GroupType groupTypeUpdate(const Context& ctx, const GroupType& type) const;
    /* groupTypeDelete: remove a group type; BadRequest while groups use it. */
    virtual void groupTypeDelete(const Context& ctx, const std::string& type_id) const;
    /* groupList, groupGet: as volumeList and volumeGet (filters name, status, availability_zone, group_type). */
    virtual std::vector<Group> groupList(const Context& ctx, const ListQuery& q) const;
    virtual Group groupGet(const Context& ctx, const std::string& group_id) const;
    /*
     * groupCreate: make `group` (validated by the core: id, owner, type, volume
     * types), empty, or with a copy of each volume of its group_snapshot_id or
     * source_group_id; "creating", then "available"; quota "groups".
     */
    virtual Group groupCreate(const Context& ctx, const Group& group) const;
    /*
     * groupUpdate: store name and description; move the volumes `add` into the
     * group (Conflict, as Cinder's InvalidVolume, if one has joined another group
     * meanwhile) and `remove` out of it.
     */
    virtual Group groupUpdate(const Context& ctx, const Group& group, const std::vector<std::string>& add,
                              const std::vector<std::string>& remove) const;
    /* groupDelete: remove a group and, with `delete_volumes`, its volumes and their bytes (the core has checked). */
    virtual void groupDelete(const Context& ctx, const std::string& group_id, bool delete_volumes) const;
    /* groupResetStatus: an admin's reset_status of a group. */
    virtual Group groupResetStatus(const Context& ctx, const std::string& group_id, const std::string& status) const;
    /* groupSnapshotList, groupSnapshotGet: as snapshotList and snapshotGet (filters name, status, group_id). */
    virtual std::vector<GroupSnapshot> groupSnapshotList(const Context& ctx, const ListQuery& q) const;
    virtual GroupSnapshot groupSnapshotGet(const Context& ctx, const std::string& group_snapshot_id) const;
    /* groupSnapshotCreate: snapshot every volume of the group now, as snapshotCreate does; quota "snapshots". */
    virtual GroupSnapshot groupSnapshotCreate(const Context& ctx, const GroupSnapshot& group_snapshot) const;
    /* groupSnapshotDelete: remove a group snapshot and its volumes' snapshots. */
    virtual void groupSnapshotDelete(const Context& ctx, const std::string& group_snapshot_id) const;
    /* groupSnapshotResetStatus: an admin's reset_status of a group snapshot. */
    virtual GroupSnapshot groupSnapshotResetStatus(const Context& ctx, const std::string& group_snapshot_id,
                                                   const std::string& status) const;

    /*
     * backupExport: a backup's record as Cinder's export_record gives it: the backup service that holds its bytes
     * ("cinder.backup.drivers..."), and the record's fields (what backupImport needs to find them again); the
     * core encodes them. BadRequest unless the backup is available.
     */
    virtual std::pair<std::string, json> backupExport(const Context& ctx, const std::string& backup_id) const;
    /*
     * backupImport: a backup made again from an exported record (`service` and the decoded `record`), with the
     * record's id, in ctx's project; BadRequest (Cinder's InvalidInput) for a service this cloud has not or a
     * record it cannot read, BadRequest for an id another backup has. Its status is "creating", then "available"
     * when its bytes are there, "error" when they are not.
     */
    virtual Backup backupImport(const Context& ctx, const std::string& service, const json& record) const;

    /* quotaClassGet: a quota class's limits (Cinder's defaults where it has none; "default" is the defaults). */
    virtual QuotaSet quotaClassGet(const Context& ctx, const std::string& class_name) const;
    /*
     * quotaClassSet: change some of a class's limits (resources as quotaDefaults names them, and volumes_<type>,
     * snapshots_<type>, gigabytes_<type> of an existing type; BadRequest otherwise); returns the class's limits.
     * The "default" class's are every project's defaults.
     */
    virtual QuotaSet quotaClassSet(const Context& ctx, const std::string& class_name, const QuotaSet& changes) const;

    /* messageList: the messages of ctx's project (an admin's: every project's), oldest first; messageGet: one,
     * NotFound ("Message <id> could not be found."); messageDelete: remove one. */
    virtual std::vector<Message> messageList(const Context& ctx) const;
    virtual Message messageGet(const Context& ctx, const std::string& message_id) const;
    virtual void messageDelete(const Context& ctx, const std::string& message_id) const;

    /* poolList: the pools volumes are scheduled to, with what they hold now. */
    virtual std::vector<Pool> poolList(const Context& ctx) const;

    /* availabilityZoneList: the zones volumes can be made in, and whether each is available. */
    virtual std::vector<std::pair<std::string, bool>> availabilityZoneList(const Context& ctx) const;
    /* serviceList: the services behind the cloud's Block Storage (an admin's os-services and os-hosts). */
    virtual std::vector<Service> serviceList(const Context& ctx) const;
    /*
     * serviceEnable: enable the service `binary` on `host`, or disable it with an optional reason (a disabled
     * cinder-volume takes no new volumes: they go to "error"); NotFound ("Service <binary> could not be found." /
     * "Host <host> could not be found.") for neither.
     */
    virtual Service serviceEnable(const Context& ctx, const std::string& host, const std::string& binary, bool enabled,
                                  const std::optional<std::string>& reason) const;
    /* serviceFreeze: freeze or thaw the backend of `host` (a cinder-volume's); BadRequest for no such host. */
    virtual void serviceFreeze(const Context& ctx, const std::string& host, bool frozen) const;
};

/* JUMPGATE_VOLUME_OPERATIONS: every operation of Driver that an endpoint calls. */
// clang-format off
#define JUMPGATE_VOLUME_OPERATIONS(X) \
    X(volumeList) X(volumeGet) X(volumeCreate) X(volumeUpdate) X(volumeDelete) X(volumeExtend)                   \
    X(volumeResetStatus) X(volumeReserve) X(volumeUnreserve) X(volumeAttach) X(volumeDetach) X(volumeUploadImage) X(attachmentList)                  \
    X(attachmentGet) X(attachmentCreate) X(attachmentUpdate) X(attachmentComplete) X(attachmentDelete)           \
    X(snapshotList) X(snapshotGet) X(snapshotCreate) X(snapshotUpdate) X(snapshotDelete)                         \
    X(snapshotResetStatus) X(backupList) X(backupGet) X(backupCreate) X(backupUpdate) X(backupDelete)            \
    X(backupResetStatus) X(backupRestore) X(typeList) X(typeGet) X(typeCreate) X(typeUpdate) X(typeDelete)       \
    X(quotaGet) X(quotaDefaults) X(quotaSet) X(quotaReset) X(quotaUsage) X(availabilityZoneList)                 \
    X(serviceList) X(serviceEnable) X(serviceFreeze) X(poolList) X(messageList) X(messageGet) X(messageDelete)    \
    X(quotaClassGet) X(quotaClassSet) X(backupExport) X(backupImport)                                             \
    X(groupTypeList) X(groupTypeGet) X(groupTypeCreate) X(groupTypeUpdate) X(groupTypeDelete) X(groupList)       \
    X(groupGet) X(groupCreate) X(groupUpdate) X(groupDelete) X(groupResetStatus) X(groupSnapshotList)            \
    X(groupSnapshotGet) X(groupSnapshotCreate) X(groupSnapshotDelete) X(groupSnapshotResetStatus) \
    X(transferList) X(transferGet) X(transferCreate) X(transferAccept) X(transferDelete)           \
    X(encryptionGet) X(encryptionCreate) X(encryptionUpdate) X(encryptionDelete) X(qosList) X(qosGet)             \
    X(qosCreate) X(qosUpdate) X(qosDelete)
// clang-format on

/* Op: Volume's operations, numbered after `base` in the space Operations shares with the other interfaces. */
enum class Op : unsigned { base = 250, JUMPGATE_VOLUME_OPERATIONS(JUMPGATE_OPERATION_ENUMERATOR) };
inline constexpr const char* kOperationNames[] = {JUMPGATE_VOLUME_OPERATIONS(JUMPGATE_OPERATION_NAME)};

/* operations_of: the operations D overrides. */
template <class D> Operations operations_of()
{
    static_assert(std::is_base_of_v<Driver, D>);
    Operations ops;
    JUMPGATE_VOLUME_OPERATIONS(JUMPGATE_OPERATION_IF_OVERRIDDEN)
    return ops;
}

namespace detail {
/* install: what install<D> does, with the operations D overrides (api/volume/install.cpp). */
void install(App& app, Dispatcher& disp, std::shared_ptr<const Driver> driver, const Operations& ops);
} // namespace detail

/*
 * install: serve on `disp` (the volume dispatcher) the v1, v2 and v3 verbs and
 * actions whose operations D overrides, through the core's views; the others
 * answer 501 and --coverage names what they lack. Registers the driver as the
 * App's Block Storage for the other services to call.
 */
template <class D> void install(App& app, Dispatcher& disp, std::shared_ptr<const D> driver)
{
    detail::install(app, disp, driver, operations_of<D>());
}

} // namespace jumpgate::volume
