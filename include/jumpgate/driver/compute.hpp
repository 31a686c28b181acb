// SPDX-License-Identifier: Apache-2.0
// The typed Compute driver interface: operations on plain structs; the core writes Nova's JSON.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <jumpgate/app.hpp>
#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/image.hpp>
#include <jumpgate/driver/network.hpp>
#include <jumpgate/driver/operations.hpp>
#include <jumpgate/driver/volume.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/request.hpp>

namespace jumpgate::compute {

/* Flavor: a server size. ram in MiB, disk/ephemeral in GiB, swap in MiB. */
struct Flavor {
    std::string id;
    std::string name;
    int vcpus = 1;
    long long ram = 512;
    long long disk = 1;
    long long ephemeral = 0;
    long long swap = 0;
    double rxtx_factor = 1.0;
    bool is_public = true;
    bool disabled = false;
    std::optional<std::string> description;
    std::map<std::string, std::string> extra_specs;
    std::vector<std::string> projects; // the projects that may use it when it is not public
};

/* AvailabilityZone: a zone and whether it takes servers. */
struct AvailabilityZone {
    std::string name;
    bool available = true;
    std::vector<std::string> hosts;
};

/* ServerAddress: one address of a server on one network, as `addresses` shows it. */
struct ServerAddress {
    std::string network;
    std::string addr;
    int version = 4;
    std::string mac;
    std::string type = "fixed";
};

/*
 * BlockDevice: one entry of a create request's block_device_mapping_v2 (or
 * the legacy block_device_mapping), validated by the core. A destination
 * "volume" is a block storage volume: `uuid` names it (source "volume"), or the
 * cloud makes one of `volume_size` GiB from the image or snapshot `uuid` or
 * blank. boot_index 0 is the root disk; -1 none.
 */
struct BlockDevice {
    std::string source_type;      // image, volume, snapshot, blank
    std::string destination_type; // volume, local
    std::string uuid;
    long long volume_size = 0;
    int boot_index = -1;
    std::string device_name; // "" lets the cloud choose
    bool delete_on_termination = false;
};

/* AttachedVolume: a volume attached to a server, and whether it goes with the server. */
struct AttachedVolume {
    std::string id;
    bool delete_on_termination = false;
};

/* ServerFault: what made a server fail, as Nova records it (code 500 for "No valid host was found."). */
struct ServerFault {
    int code = 500;
    std::string message;
    std::int64_t created = 0;
};

/*
 * Server: one server's record. vm_state, task_state and power_state are Nova's
 * (the core derives `status` from them); times are Unix seconds.
 */
struct Server {
    std::string id;
    std::string name;
    std::string project_id;
    std::string user_id;
    std::string vm_state = "building";
    std::optional<std::string> task_state;
    int power_state = 0; // 0 NOSTATE, 1 RUNNING, 3 PAUSED, 4 SHUTDOWN, 7 SUSPENDED
    int progress = 0;
    std::string image_id; // "" when booted from a volume
    Flavor flavor;        // as it was when the server took it
    std::optional<std::string> key_name;
    std::string availability_zone = "nova";
    std::map<std::string, std::string> metadata;
    std::vector<std::string> tags;
    std::vector<ServerAddress> addresses;
    std::vector<std::string> security_groups;
    std::vector<AttachedVolume> volumes_attached;
    std::vector<BlockDevice> block_devices; // only in a create request
    std::string access_ipv4;
    std::string access_ipv6;
    std::optional<std::string> description;
    std::string user_data;
    std::string host;
    bool locked = false;
    std::optional<std::string> locked_reason;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::optional<std::int64_t> launched_at;
    std::optional<std::string> server_group; // the group it was created in (the scheduler hint "group")
    std::optional<ServerFault> fault;        // why it is in ERROR
    bool auto_disk_config = false;           // OS-DCF:diskConfig: AUTO (grow the root partition) or MANUAL
};

/*
 * ServerQuery: a list request, parsed by the core: exact filters on status
 * (vm_state), image, flavor, name and availability_zone as POSIX regular
 * expressions, changes_since (updated at or after, Unix seconds), ip as a
 * regular expression over the addresses; the patterns are known to compile as
 * jumpgate::Regex;
 * all_projects for an admin's all_tenants (project_id then narrows); host, an admin's, the compute host;
 * newest first; limit 0 means no limit; a marker that names no server the
 * caller sees is BadRequest.
 */
struct ServerQuery {
    std::optional<std::string> vm_state;
    std::optional<std::string> image_id;
    std::optional<std::string> flavor_id;
    std::optional<std::string> name_regex;
    std::optional<std::string> availability_zone;
    std::optional<std::string> ip;
    std::optional<std::int64_t> changes_since;
    std::optional<std::string> project_id;
    bool all_projects = false;
    std::size_t limit = 0;
    std::string marker;
    std::optional<std::string> host; // an admin's: the servers on this compute host
};

/*
 * Rebuild: what a rebuild asks of a server: a new image (and, as the
 * client asks, a name, metadata and description), with `admin_pass` the
 * new password the answer shows.
 */
struct Rebuild {
    std::string image_id;
    std::string admin_pass;
    std::optional<std::string> name;
    std::optional<std::map<std::string, std::string>> metadata;
    std::optional<std::string> description;
    std::optional<bool> auto_disk_config; // OS-DCF:diskConfig, when the request names it
};

/* InstanceAction: one recorded action on a server (os-instance-actions). */
struct InstanceAction {
    std::string action;
    std::string request_id;
    std::string user_id;
    std::string project_id;
    std::int64_t start_time = 0;
    std::int64_t updated_at = 0;
};

/* Keypair: a user's public key; `private_key` only when the cloud just made it. */
struct Keypair {
    std::string name;
    std::string user_id;
    std::string type = "ssh";
    std::string public_key;
    std::string fingerprint;
    std::string private_key;
    std::int64_t created_at = 0;
    long long id = 0;
};

/* ServerUsage: one server's life, for os-simple-tenant-usage; `ended_at` once it is deleted. */
struct ServerUsage {
    std::string server_id;
    std::string name;
    std::string project_id;
    Flavor flavor;
    std::int64_t started_at = 0;
    std::optional<std::int64_t> ended_at;
    std::string state; // its vm_state, or "terminated"
};

/* ComputeService: one of the cloud's Nova services (os-services): a compute host's, or a control one. */
struct ComputeService {
    std::string id;       // a UUID: the id from microversion 2.53
    long long number = 0; // the integer id before 2.53
    std::string binary;   // nova-compute, nova-scheduler, nova-conductor
    std::string host;
    std::string zone; // the compute host's availability zone; "internal" for the control services
    bool enabled = true;
    std::optional<std::string> disabled_reason;
    bool forced_down = false;
    bool up = true; // the service reports in
    std::int64_t updated_at = 0;
};

/* ServiceChange: what an os-services update sets; an empty field is left as it is. */
struct ServiceChange {
    std::optional<bool> enabled;
    std::optional<std::string> disabled_reason; // only with enabled = false
    std::optional<bool> forced_down;
};

/* Hypervisor: a compute host, what it has and what the servers placed on it use. */
struct Hypervisor {
    std::string id;       // a UUID: the id from 2.53 (its nova-compute service's)
    long long number = 0; // the integer id before 2.53
    std::string hostname; // hypervisor_hostname
    std::string host_ip;
    std::string type; // hypervisor_type
    long long version = 0;
    std::string arch; // for cpu_info
    int vcpus = 0;
    int vcpus_used = 0;
    long long memory_mb = 0;
    long long memory_mb_used = 0;
    long long local_gb = 0;
    long long local_gb_used = 0;
    long long disk_available_least = 0;                       // GiB free on the disk that holds the servers
    ComputeService service;                                   // its nova-compute
    std::vector<std::pair<std::string, std::string>> servers; // id and name of each server on it
    std::int64_t booted_at = 0;                               // for its uptime
};

/* Aggregate: a named group of compute hosts with metadata; an availability zone when it names one. */
struct Aggregate {
    long long id = 0;
    std::string uuid;
    std::string name;
    std::optional<std::string> availability_zone;
    std::vector<std::string> hosts;
    std::map<std::string, std::string> metadata; // availability_zone among them when set
    std::int64_t created_at = 0;
    std::optional<std::int64_t> updated_at;
};

/*
 * ServerGroup: servers placed by one policy: affinity (one host), anti-affinity (no two on a
 * host, or at most max_server_per_host), or their soft forms (best effort).
 */
struct ServerGroup {
    std::string id;
    std::string name;
    std::string project_id;
    std::string user_id;
    std::string policy;
    std::optional<long long> max_server_per_host; // anti-affinity's one rule
    std::vector<std::string> members;             // server ids
};

/*
 * Migration: one record of a server's move (os-migrations): a resize (Nova records a resize as a migration to
 * the same or another host), a cold or live migration or an evacuation, with its status and flavors.
 */
struct Migration {
    long long id = 0;
    std::string uuid;
    std::string server_id;
    std::string project_id;
    std::string user_id;
    std::string migration_type; // resize, migration, live-migration, evacuation
    std::string status;         // Nova's: migrating, finished, confirmed, reverted, error...
    std::string source_compute;
    std::string dest_compute;
    std::string source_node;
    std::string dest_node;
    std::string dest_host;
    std::string old_flavor_id; // the flavors' ids ("" when unknown)
    std::string new_flavor_id;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> updated_at;
};

/* MigrationQuery: an os-migrations list's filters (each optional); `host` is either end's compute host. */
struct MigrationQuery {
    std::optional<std::string> server_id;
    std::optional<std::string> status;
    std::optional<std::string> migration_type;
    std::optional<std::string> host;
};

/* Backup: a createBackup request, validated by the core: the image's name, its type and how many to keep. */
struct Backup {
    std::string name;
    std::string backup_type;
    long long rotation = 0;
    std::map<std::string, std::string> metadata;
};

/* Quota resources (Nova's names): instances, cores, ram, key_pairs, metadata_items, ... -> limit (-1 unlimited). */
using QuotaSet = std::map<std::string, long long>;

/*
 * Driver: what a cloud implements for Compute. Every operation throws
 * NotImplemented unless overridden; install() serves only the endpoints whose
 * operations a driver overrides, so --coverage tells the truth. Operations
 * throw Fault subclasses (NotFound, Conflict...) for the caller's errors.
 */
class Driver {
  public:
    virtual ~Driver() = default;

    /* flavorList: every flavor `ctx` may see, in any order; the core filters, sorts and pages. */
    virtual std::vector<Flavor> flavorList(const Context& ctx) const;
    /* flavorGet: one flavor by id; throws NotFound. */
    virtual Flavor flavorGet(const Context& ctx, const std::string& flavor_id) const;
    /* flavorCreate: add `flavor` (validated, id filled by the core); Conflict when its id or name is taken. */
    virtual Flavor flavorCreate(const Context& ctx, const Flavor& flavor) const;
    /* flavorUpdate: store the description, extra specs and projects of `flavor`. */
    virtual Flavor flavorUpdate(const Context& ctx, const Flavor& flavor) const;
    /* flavorDelete: remove a flavor (its servers keep their copy); NotFound. */
    virtual void flavorDelete(const Context& ctx, const std::string& flavor_id) const;
    /*
     * flavorGeneration: a number that moves whenever anything flavorList returns changes, so
     * that the core may answer a list it made before while it stays the same; nullopt (the
     * default) when the driver cannot tell, and every list is made anew.
     */
    virtual std::optional<std::int64_t> flavorGeneration() const;
    /* availabilityZoneList: the zones servers can be placed in. */
    virtual std::vector<AvailabilityZone> availabilityZoneList(const Context& ctx) const;

    /* serverList: the servers `ctx` sees (its project's; all for an admin's all_projects), a page. */
    virtual std::vector<Server> serverList(const Context& ctx, const ServerQuery& q) const;
    /* serverGet: one server of `ctx`'s project (any for an admin); NotFound otherwise. */
    virtual Server serverGet(const Context& ctx, const std::string& server_id) const;
    /*
     * serverCreate: start building `server` (validated and filled by the core),
     * within the project's quotas (Forbidden "Quota exceeded" otherwise); records
     * the "create" action under ctx.request_id. `networks` is the request's list.
     * Its block devices with destination "volume" are attached (made first when
     * they come from an image, a snapshot or blank); BadRequest for a volume
     * that is missing or not available. A `server_group` it names joins the group
     * (BadRequest for a group ctx cannot see); a placement the group's policy
     * forbids leaves the server in ERROR with its fault, as Nova's scheduler does.
     */
    virtual Server serverCreate(const Context& ctx, const Server& server, const json& networks) const;
    /* serverUpdate: store name, description, access IPs, metadata, tags and disk config of `server`. */
    virtual Server serverUpdate(const Context& ctx, const Server& server) const;
    /* serverDelete: remove the server and free what it holds. */
    virtual void serverDelete(const Context& ctx, const std::string& server_id) const;

    /*
     * The server actions, one operation each. Each applies only in the states
     * Nova allows it (Conflict, "Cannot 'reboot' instance X while it is in
     * vm_state stopped", otherwise, see state_conflict()); it records the action
     * under ctx.request_id and returns once the cloud has taken it: the server
     * shows the task until it is done.
     */
    /* serverReboot: restart the server; `hard` cuts the power first (and works from more states). */
    virtual void serverReboot(const Context& ctx, const std::string& server_id, bool hard) const;
    /* serverStop, serverStart: power off (os-stop) and on (os-start). */
    virtual void serverStop(const Context& ctx, const std::string& server_id) const;
    virtual void serverStart(const Context& ctx, const std::string& server_id) const;
    /* serverPause, serverUnpause: freeze in memory and thaw. */
    virtual void serverPause(const Context& ctx, const std::string& server_id) const;
    virtual void serverUnpause(const Context& ctx, const std::string& server_id) const;
    /* serverSuspend, serverResume: save to disk and come back. */
    virtual void serverSuspend(const Context& ctx, const std::string& server_id) const;
    virtual void serverResume(const Context& ctx, const std::string& server_id) const;
    /* serverLock: refuse changes by anyone but admins and the locker; `reason` from 2.73. serverUnlock: undo. */
    virtual void serverLock(const Context& ctx, const std::string& server_id,
                            const std::optional<std::string>& reason) const;
    virtual void serverUnlock(const Context& ctx, const std::string& server_id) const;
    /* serverRescue: boot the rescue system with root password `admin_pass`; serverUnrescue: back. */
    virtual void serverRescue(const Context& ctx, const std::string& server_id, const std::string& admin_pass) const;
    virtual void serverUnrescue(const Context& ctx, const std::string& server_id) const;
    /* serverRebuild: reinstall from `r.image_id` (validated by the core); returns the server as it now is. */
    virtual Server serverRebuild(const Context& ctx, const std::string& server_id, const Rebuild& r) const;
    /* serverResize: move to `flavor` (another one, visible to ctx); then confirm, or revert to the old one. */
    virtual void serverResize(const Context& ctx, const std::string& server_id, const Flavor& flavor) const;
    virtual void serverConfirmResize(const Context& ctx, const std::string& server_id) const;
    virtual void serverRevertResize(const Context& ctx, const std::string& server_id) const;
    /* serverChangePassword: set the administrator password inside the running server. */
    virtual void serverChangePassword(const Context& ctx, const std::string& server_id,
                                      const std::string& admin_pass) const;
    /* serverConsoleOutput: the server's console log (the core keeps the last lines a client asks for). */
    virtual std::string serverConsoleOutput(const Context& ctx, const std::string& server_id) const;
    /* serverShelve, serverShelveOffload, serverUnshelve: put away (freeing the host), and bring back. */
    virtual void serverShelve(const Context& ctx, const std::string& server_id) const;
    virtual void serverShelveOffload(const Context& ctx, const std::string& server_id) const;
    virtual void serverUnshelve(const Context& ctx, const std::string& server_id) const;
    /*
     * serverResetState: an admin's os-resetState: the server's vm_state becomes
     * `vm_state` ("active" or "error", checked by the core) whatever it was, and
     * its task ends; nothing else changes.
     */
    virtual void serverResetState(const Context& ctx, const std::string& server_id, const std::string& vm_state) const;
    /*
     * serverMigrate: an admin's move of the server to another host (`live`: while
     * it runs, os-migrateLive; else migrate), to `host` or one the cloud picks.
     * Conflict in a state Nova refuses; BadRequest "No valid host was found"
     * when no other host can take it.
     */
    virtual void serverMigrate(const Context& ctx, const std::string& server_id, const std::optional<std::string>& host,
                               bool live) const;
    /*
     * serverSnapshot: make an image of the server (createImage) named `name`
     * with `metadata` as its properties; returns the image id.
     */
    virtual std::string serverSnapshot(const Context& ctx, const std::string& server_id, const std::string& name,
                                       const std::map<std::string, std::string>& metadata) const;
    /* instanceActionList: the recorded actions of a server `ctx` sees, or of a deleted one its project had, newest
     * first. */
    virtual std::vector<InstanceAction> instanceActionList(const Context& ctx, const std::string& server_id) const;

    /* usageList: the servers that lived in [start, end), of one project or (nullopt) of all. */
    virtual std::vector<ServerUsage> usageList(const Context& ctx, const std::optional<std::string>& project_id,
                                               std::int64_t start, std::int64_t end) const;

    /* keypairList, keypairGet, keypairCreate, keypairDelete: one user's keypairs (NotFound, Conflict on a taken name).
     */
    virtual std::vector<Keypair> keypairList(const Context& ctx, const std::string& user_id) const;
    virtual Keypair keypairGet(const Context& ctx, const std::string& user_id, const std::string& name) const;
    virtual Keypair keypairCreate(const Context& ctx, const Keypair& keypair) const;
    virtual void keypairDelete(const Context& ctx, const std::string& user_id, const std::string& name) const;

    /* quotaGet: a project's limits (defaults where unset); quotaDefaults: the defaults. */
    virtual QuotaSet quotaGet(const Context& ctx, const std::string& project_id) const;
    virtual QuotaSet quotaDefaults(const Context& ctx) const;
    /* quotaSet: change some of a project's limits; quotaReset: back to the defaults. */
    virtual QuotaSet quotaSet(const Context& ctx, const std::string& project_id, const QuotaSet& changes) const;
    virtual void quotaReset(const Context& ctx, const std::string& project_id) const;
    /* quotaUsage: what a project uses of each resource (instances, cores, ram, key_pairs of `ctx`'s user...). */
    virtual QuotaSet quotaUsage(const Context& ctx, const std::string& project_id) const;

    /* serviceList: the cloud's Nova services, control and compute, in a stable order. */
    virtual std::vector<ComputeService> serviceList(const Context& ctx) const;
    /* serviceUpdate: enable, disable (with a reason) or force down one service by its id; NotFound. */
    virtual ComputeService serviceUpdate(const Context& ctx, const std::string& service_id,
                                         const ServiceChange& change) const;
    /* hypervisorList: the compute hosts with their resources and servers, in a stable order. */
    virtual std::vector<Hypervisor> hypervisorList(const Context& ctx) const;

    /* serverGroupList: ctx's project's server groups (every project's for an admin's `all_projects`). */
    virtual std::vector<ServerGroup> serverGroupList(const Context& ctx, bool all_projects) const;
    /* serverGroupGet: one group of ctx's project (any for an admin); NotFound otherwise. */
    virtual ServerGroup serverGroupGet(const Context& ctx, const std::string& group_id) const;
    /* serverGroupCreate: record `group` (validated by the core) within the server_groups quota (Forbidden). */
    virtual ServerGroup serverGroupCreate(const Context& ctx, const ServerGroup& group) const;
    /* serverGroupDelete: remove a group; its servers stay. */
    virtual void serverGroupDelete(const Context& ctx, const std::string& group_id) const;

    /* aggregateList, aggregateGet: the host aggregates (NotFound for an id there is not). */
    virtual std::vector<Aggregate> aggregateList(const Context& ctx) const;
    virtual Aggregate aggregateGet(const Context& ctx, long long aggregate_id) const;
    /*
     * aggregateCreate: a new aggregate named `name` (validated by the core) in zone `zone` if given;
     * Conflict when the name is taken. aggregateUpdate: rename it or change its zone.
     */
    virtual Aggregate aggregateCreate(const Context& ctx, const std::string& name,
                                      const std::optional<std::string>& zone) const;
    virtual Aggregate aggregateUpdate(const Context& ctx, long long aggregate_id,
                                      const std::optional<std::string>& name,
                                      const std::optional<std::string>& zone) const;
    /* aggregateDelete: remove an aggregate that has no hosts left (BadRequest otherwise, as Nova). */
    virtual void aggregateDelete(const Context& ctx, long long aggregate_id) const;
    /*
     * aggregateAddHost, aggregateRemoveHost: put a compute host in or take it out (NotFound for a host
     * the cloud has not or one not in it; Conflict when it is already in, or when the move would put it
     * in two availability zones).
     */
    virtual Aggregate aggregateAddHost(const Context& ctx, long long aggregate_id, const std::string& host) const;
    virtual Aggregate aggregateRemoveHost(const Context& ctx, long long aggregate_id, const std::string& host) const;
    /* aggregateSetMetadata: set each key to its value, removing those whose value is nullopt. */
    virtual Aggregate aggregateSetMetadata(const Context& ctx, long long aggregate_id,
                                           const std::map<std::string, std::optional<std::string>>& changes) const;

    /*
     * serverForceDelete: remove a server at once, soft-deleted or not (forceDelete). serverRestore: bring back a
     * server deleted softly (restore; Conflict unless it is SOFT_DELETED).
     */
    virtual void serverForceDelete(const Context& ctx, const std::string& server_id) const;
    virtual void serverRestore(const Context& ctx, const std::string& server_id) const;
    /*
     * serverBackup: an image of the server like serverSnapshot's, of image_type "backup" and `b.backup_type`,
     * then the oldest backups of that type of the server beyond `b.rotation` are deleted (this one too at 0);
     * returns the new image's id.
     */
    virtual std::string serverBackup(const Context& ctx, const std::string& server_id, const Backup& b) const;
    /* serverPassword: the encrypted password the server's guest posted ("" when none); serverPasswordClear: forget it.
     */
    virtual std::string serverPassword(const Context& ctx, const std::string& server_id) const;
    virtual void serverPasswordClear(const Context& ctx, const std::string& server_id) const;
    /* quotaClassGet: a quota class's limits ("default" is every project's defaults); quotaClassSet: change some. */
    virtual QuotaSet quotaClassGet(const Context& ctx, const std::string& class_name) const;
    virtual QuotaSet quotaClassSet(const Context& ctx, const std::string& class_name, const QuotaSet& changes) const;
    /* migrationList: the migration records (an admin's), newest first, as `q` filters them. */
    virtual std::vector<Migration> migrationList(const Context& ctx, const MigrationQuery& q) const;
};

/* JUMPGATE_COMPUTE_OPERATIONS: every operation of Driver that an endpoint calls. */
// clang-format off
#define JUMPGATE_COMPUTE_OPERATIONS(X)                                                                     \
    X(flavorList) X(flavorGet) X(flavorCreate) X(flavorUpdate) X(flavorDelete) X(availabilityZoneList)     \
    X(serverList) X(serverGet) X(serverCreate) X(serverUpdate) X(serverDelete) X(serverReboot)             \
    X(serverStop) X(serverStart) X(serverPause) X(serverUnpause) X(serverSuspend) X(serverResume)          \
    X(serverLock) X(serverUnlock) X(serverRescue) X(serverUnrescue) X(serverRebuild) X(serverResize)       \
    X(serverConfirmResize) X(serverRevertResize) X(serverChangePassword) X(serverConsoleOutput)            \
    X(serverShelve) X(serverShelveOffload) X(serverUnshelve) X(serverSnapshot) X(instanceActionList)       \
    X(usageList) X(keypairList) X(keypairGet) X(keypairCreate) X(keypairDelete) X(quotaGet)               \
    X(quotaDefaults) X(quotaSet) X(quotaReset) X(quotaUsage) X(serviceList) X(serviceUpdate)              \
    X(hypervisorList) X(aggregateList) X(aggregateGet) X(aggregateCreate) X(aggregateUpdate)               \
    X(aggregateDelete) X(aggregateAddHost) X(aggregateRemoveHost) X(aggregateSetMetadata)                 \
    X(serverGroupList) X(serverGroupGet) X(serverGroupCreate) X(serverGroupDelete)             \
    X(serverResetState) X(serverMigrate) X(serverForceDelete) X(serverRestore) X(serverBackup)             \
    X(serverPassword) X(serverPasswordClear) X(quotaClassGet) X(quotaClassSet) X(migrationList)
// clang-format on

/* Op: Compute's operations, numbered after `base` in the space Operations shares with the other interfaces. */
enum class Op : unsigned { base = 0, JUMPGATE_COMPUTE_OPERATIONS(JUMPGATE_OPERATION_ENUMERATOR) };
inline constexpr const char* kOperationNames[] = {JUMPGATE_COMPUTE_OPERATIONS(JUMPGATE_OPERATION_NAME)};

/* operations_of: the operations D overrides. */
template <class D> Operations operations_of()
{
    static_assert(std::is_base_of_v<Driver, D>);
    Operations ops;
    JUMPGATE_COMPUTE_OPERATIONS(JUMPGATE_OPERATION_IF_OVERRIDDEN)
    return ops;
}

/*
 * state_conflict: the Conflict Nova answers for `action` on a server in a state
 * that does not allow it, for drivers to throw.
 */
Conflict state_conflict(const Server& server, std::string_view action);

namespace detail {
void install(App& app, Dispatcher& disp, std::shared_ptr<const Driver> driver, const Operations& ops);
} // namespace detail

/*
 * install: serve on `disp` (the compute dispatcher) every Compute endpoint and
 * server action whose operations D overrides, through the core's views and
 * validation, and make `driver` the App's compute driver. Nova's image, volume
 * and network calls are served from whatever drivers serve those services.
 */
template <class D> void install(App& app, Dispatcher& disp, std::shared_ptr<const D> driver)
{
    detail::install(app, disp, driver, operations_of<D>());
}

} // namespace jumpgate::compute
