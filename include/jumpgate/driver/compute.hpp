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

#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/image.hpp>
#include <jumpgate/driver/network.hpp>
#include <jumpgate/driver/overrides.hpp>
#include <jumpgate/driver/volume.hpp>
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
    std::vector<std::string> projects;   // the projects that may use it when it is not public
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
    std::string source_type;             // image, volume, snapshot, blank
    std::string destination_type;        // volume, local
    std::string uuid;
    long long volume_size = 0;
    int boot_index = -1;
    std::string device_name;             // "" lets the cloud choose
    bool delete_on_termination = false;
};

/* AttachedVolume: a volume attached to a server, and whether it goes with the server. */
struct AttachedVolume {
    std::string id;
    bool delete_on_termination = false;
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
    int power_state = 0;                 // 0 NOSTATE, 1 RUNNING, 3 PAUSED, 4 SHUTDOWN, 7 SUSPENDED
    int progress = 0;
    std::string image_id;                // "" when booted from a volume
    Flavor flavor;                       // as it was when the server took it
    std::optional<std::string> key_name;
    std::string availability_zone = "nova";
    std::map<std::string, std::string> metadata;
    std::vector<std::string> tags;
    std::vector<ServerAddress> addresses;
    std::vector<std::string> security_groups;
    std::vector<AttachedVolume> volumes_attached;
    std::vector<BlockDevice> block_devices;      // only in a create request
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
};

/*
 * ServerQuery: a list request, parsed by the core: exact filters on status
 * (vm_state), image, flavor, name as a POSIX regular expression, changes_since
 * (updated at or after, Unix seconds), ip as a regular expression over the
 * addresses; both patterns are known to compile as jumpgate::Regex;
 * all_projects for an admin's all_tenants (project_id then narrows);
 * newest first; limit 0 means no limit; a marker that names no server the
 * caller sees is BadRequest.
 */
struct ServerQuery {
    std::optional<std::string> vm_state;
    std::optional<std::string> image_id;
    std::optional<std::string> flavor_id;
    std::optional<std::string> name_regex;
    std::optional<std::string> ip;
    std::optional<std::int64_t> changes_since;
    std::optional<std::string> project_id;
    bool all_projects = false;
    std::size_t limit = 0;
    std::string marker;
};

/*
 * Transition: a change of state asked by an action. It applies only when the
 * server's vm_state is one of `from` and no task is running (else Conflict);
 * `task_state` runs for as long as the cloud takes (none: at once), then the server is in `to` with
 * `power_state`. The optional fields change with it (resize, rebuild).
 */
struct Transition {
    std::string action;                  // recorded as the instance action ("reboot", "stop"...)
    std::string request_id;
    std::vector<std::string> from;
    std::optional<std::string> task_state;
    std::string to;
    int power_state = 1;
    std::optional<Flavor> flavor;        // the new flavor (resize) or the old one back (revert)
    bool keep_old_flavor = false;        // resize: remember the current one for a revert
    bool restore_old_flavor = false;     // revertResize: take the remembered one back
    std::optional<std::string> image_id; // rebuild
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
    std::string state;                   // its vm_state, or "terminated"
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
     * the "create" action under `request_id`. `networks` is the request's list.
     * Its block devices with destination "volume" are attached (made first when
     * they come from an image, a snapshot or blank); BadRequest for a volume
     * that is missing or not available.
     */
    virtual Server serverCreate(const Context& ctx, const Server& server, const json& networks,
                                const std::string& request_id) const;
    /* serverUpdate: store name, description, access IPs, metadata, tags and the lock of `server`. */
    virtual Server serverUpdate(const Context& ctx, const Server& server) const;
    /* serverDelete: remove the server and free what it holds. */
    virtual void serverDelete(const Context& ctx, const std::string& server_id) const;
    /* serverTransition: apply `t` (see Transition) and record it; Conflict when the state forbids it. */
    virtual Server serverTransition(const Context& ctx, const std::string& server_id, const Transition& t) const;
    /* serverSnapshot: make an image of a server (createImage); returns the image id. Optional. */
    virtual std::string serverSnapshot(const Context& ctx, const std::string& server_id, const std::string& name,
                                       const std::map<std::string, std::string>& metadata) const;
    /* instanceActionList: the recorded actions of a server `ctx` sees, newest first. */
    virtual std::vector<InstanceAction> instanceActionList(const Context& ctx, const std::string& server_id) const;

    /* usageList: the servers that lived in [start, end), of one project or (nullopt) of all. */
    virtual std::vector<ServerUsage> usageList(const Context& ctx, const std::optional<std::string>& project_id,
                                               std::int64_t start, std::int64_t end) const;

    /* keypairList, keypairGet, keypairCreate, keypairDelete: one user's keypairs (NotFound, Conflict on a taken name). */
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
};

namespace detail {
void bind_flavorList(Dispatcher& disp, std::shared_ptr<const Driver> driver);
void bind_flavorGet(Dispatcher& disp, std::shared_ptr<const Driver> driver);
void bind_flavorManage(Dispatcher& disp, std::shared_ptr<const Driver> driver);
void bind_availabilityZoneList(Dispatcher& disp, std::shared_ptr<const Driver> driver);
void bind_servers(Dispatcher& disp, std::shared_ptr<const Driver> driver);
void bind_keypairs(Dispatcher& disp, std::shared_ptr<const Driver> driver);
void bind_usage(Dispatcher& disp, std::shared_ptr<const Driver> driver);
void bind_quotas(Dispatcher& disp, std::shared_ptr<const Driver> driver);

} // namespace detail

/*
 * install: serve on `disp` (the compute dispatcher) every Compute endpoint
 * whose operations D overrides, through the core's views and validation.
 */
template <class D>
void install(Dispatcher& disp, std::shared_ptr<const D> driver)
{
    static_assert(std::is_base_of_v<Driver, D>);
    std::shared_ptr<const Driver> base = driver;
    if constexpr (jumpgate::detail::overrides(&D::flavorList, &Driver::flavorList))
        detail::bind_flavorList(disp, base);
    if constexpr (jumpgate::detail::overrides(&D::flavorGet, &Driver::flavorGet))
        detail::bind_flavorGet(disp, base);
    if constexpr (jumpgate::detail::overrides(&D::flavorCreate, &Driver::flavorCreate) &&
                  jumpgate::detail::overrides(&D::flavorUpdate, &Driver::flavorUpdate) &&
                  jumpgate::detail::overrides(&D::flavorDelete, &Driver::flavorDelete))
        detail::bind_flavorManage(disp, base);
    if constexpr (jumpgate::detail::overrides(&D::availabilityZoneList, &Driver::availabilityZoneList))
        detail::bind_availabilityZoneList(disp, base);
    using jumpgate::detail::overrides;
    if constexpr (overrides(&D::serverList, &Driver::serverList) && overrides(&D::serverGet, &Driver::serverGet) &&
                  overrides(&D::serverCreate, &Driver::serverCreate) &&
                  overrides(&D::serverUpdate, &Driver::serverUpdate) &&
                  overrides(&D::serverDelete, &Driver::serverDelete) &&
                  overrides(&D::serverTransition, &Driver::serverTransition) &&
                  overrides(&D::instanceActionList, &Driver::instanceActionList))
        detail::bind_servers(disp, base);
    if constexpr (overrides(&D::keypairList, &Driver::keypairList) && overrides(&D::keypairGet, &Driver::keypairGet) &&
                  overrides(&D::keypairCreate, &Driver::keypairCreate) &&
                  overrides(&D::keypairDelete, &Driver::keypairDelete))
        detail::bind_keypairs(disp, base);
    if constexpr (overrides(&D::usageList, &Driver::usageList))
        detail::bind_usage(disp, base);
    if constexpr (overrides(&D::quotaGet, &Driver::quotaGet) && overrides(&D::quotaDefaults, &Driver::quotaDefaults) &&
                  overrides(&D::quotaSet, &Driver::quotaSet) && overrides(&D::quotaReset, &Driver::quotaReset) &&
                  overrides(&D::quotaUsage, &Driver::quotaUsage))
        detail::bind_quotas(disp, base);
}

/*
 * install_image_proxy: serve Nova's image proxy (/images and their metadata,
 * up to microversion 2.35) on `disp` from the image service's driver `images`;
 * `compute` gives the metadata quota. For drivers whose cloud has both.
 */
void install_image_proxy(Dispatcher& disp, std::shared_ptr<const Driver> compute,
                         std::shared_ptr<const image::Driver> images);

/*
 * install_volume_proxy: serve Nova's volumes extension (os-volumes and
 * os-snapshots up to 2.35, servers' os-volume_attachments) on `disp` from the
 * block storage driver `volumes`; `compute` gives the servers.
 */
void install_volume_proxy(Dispatcher& disp, std::shared_ptr<const Driver> compute,
                          std::shared_ptr<const volume::Driver> volumes);

/*
 * install_network_proxy: serve Nova's network APIs on `disp` from the network
 * service's driver `network`: os-security-groups and their rules, os-floating-ips
 * and their pools, os-networks and os-tenant-networks (up to 2.35), servers'
 * os-security-groups and os-interface, and the addSecurityGroup,
 * removeSecurityGroup, addFloatingIp and removeFloatingIp actions (the other
 * actions go on to the handler installed before); os-floating-ip-dns and
 * nova-network's network management answer 410 as Nova does. `compute` gives
 * the servers. Call after install().
 */
void install_network_proxy(Dispatcher& disp, std::shared_ptr<const Driver> compute,
                           std::shared_ptr<const network::Driver> network);

} // namespace jumpgate::compute
