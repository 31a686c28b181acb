// SPDX-License-Identifier: Apache-2.0
// The local driver's shared pieces: its database and the services built on it.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include <jumpgate/driver/compute.hpp>
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/driver/image.hpp>
#include <jumpgate/driver/network.hpp>
#include <jumpgate/driver/volume.hpp>

#include "db.hpp"
#include "quota.hpp"

namespace jumpgate::local {

/* migrations: the schema steps of the local cloud, in order (schema.cpp). */
std::span<const Migration> migrations();

class Volume;

/* Compute: flavors and zones (compute.cpp), servers, keypairs and quotas (servers.cpp) of the local cloud. */
class Image;

class Compute : public compute::Driver {
  public:
    /*
     * Compute: servers take `build_seconds` to build; snapshots link their bytes
     * in `image_store`; servers' volumes come from `volumes`, their ports from `network` (none: no ports).
     */
    Compute(std::shared_ptr<Database> db, std::string image_store, int build_seconds,
            std::shared_ptr<const Volume> volumes, std::shared_ptr<const network::Driver> network,
            int reclaim_seconds = 0);

    std::vector<compute::Flavor> flavorList(const Context& ctx) const override;
    compute::Flavor flavorGet(const Context& ctx, const std::string& flavor_id) const override;
    compute::Flavor flavorCreate(const Context& ctx, const compute::Flavor& flavor) const override;
    compute::Flavor flavorUpdate(const Context& ctx, const compute::Flavor& flavor) const override;
    void flavorDelete(const Context& ctx, const std::string& flavor_id) const override;
    std::optional<std::int64_t> flavorGeneration() const override;
    std::vector<compute::AvailabilityZone> availabilityZoneList(const Context& ctx) const override;

    std::vector<compute::Server> serverList(const Context& ctx, const compute::ServerQuery& q) const override;
    compute::Server serverGet(const Context& ctx, const std::string& server_id) const override;
    compute::Server serverCreate(const Context& ctx, const compute::Server& server,
                                 const json& networks) const override;
    compute::Server serverUpdate(const Context& ctx, const compute::Server& server) const override;
    void serverDelete(const Context& ctx, const std::string& server_id) const override;
    void serverReboot(const Context& ctx, const std::string& server_id, bool hard) const override;
    void serverStop(const Context& ctx, const std::string& server_id) const override;
    void serverStart(const Context& ctx, const std::string& server_id) const override;
    void serverPause(const Context& ctx, const std::string& server_id) const override;
    void serverUnpause(const Context& ctx, const std::string& server_id) const override;
    void serverSuspend(const Context& ctx, const std::string& server_id) const override;
    void serverResume(const Context& ctx, const std::string& server_id) const override;
    void serverLock(const Context& ctx, const std::string& server_id,
                    const std::optional<std::string>& reason) const override;
    void serverUnlock(const Context& ctx, const std::string& server_id) const override;
    void serverRescue(const Context& ctx, const std::string& server_id, const std::string& admin_pass) const override;
    void serverUnrescue(const Context& ctx, const std::string& server_id) const override;
    compute::Server serverRebuild(const Context& ctx, const std::string& server_id,
                                  const compute::Rebuild& r) const override;
    void serverResize(const Context& ctx, const std::string& server_id, const compute::Flavor& flavor) const override;
    void serverConfirmResize(const Context& ctx, const std::string& server_id) const override;
    void serverRevertResize(const Context& ctx, const std::string& server_id) const override;
    void serverChangePassword(const Context& ctx, const std::string& server_id,
                              const std::string& admin_pass) const override;
    std::string serverConsoleOutput(const Context& ctx, const std::string& server_id) const override;
    void serverShelve(const Context& ctx, const std::string& server_id) const override;
    void serverShelveOffload(const Context& ctx, const std::string& server_id) const override;
    void serverUnshelve(const Context& ctx, const std::string& server_id) const override;
    void serverResetState(const Context& ctx, const std::string& server_id, const std::string& vm_state) const override;
    void serverMigrate(const Context& ctx, const std::string& server_id, const std::optional<std::string>& host,
                       bool live) const override;
    std::string serverSnapshot(const Context& ctx, const std::string& server_id, const std::string& name,
                               const std::map<std::string, std::string>& metadata) const override;
    std::vector<compute::InstanceAction> instanceActionList(const Context& ctx,
                                                            const std::string& server_id) const override;
    std::vector<compute::ServerUsage> usageList(const Context& ctx, const std::optional<std::string>& project_id,
                                                std::int64_t start, std::int64_t end) const override;

    std::vector<compute::Keypair> keypairList(const Context& ctx, const std::string& user_id) const override;
    compute::Keypair keypairGet(const Context& ctx, const std::string& user_id, const std::string& name) const override;
    compute::Keypair keypairCreate(const Context& ctx, const compute::Keypair& keypair) const override;
    void keypairDelete(const Context& ctx, const std::string& user_id, const std::string& name) const override;

    compute::QuotaSet quotaGet(const Context& ctx, const std::string& project_id) const override;
    compute::QuotaSet quotaDefaults(const Context& ctx) const override;
    compute::QuotaSet quotaSet(const Context& ctx, const std::string& project_id,
                               const compute::QuotaSet& changes) const override;
    void quotaReset(const Context& ctx, const std::string& project_id) const override;
    compute::QuotaSet quotaUsage(const Context& ctx, const std::string& project_id) const override;

    std::vector<compute::ComputeService> serviceList(const Context& ctx) const override;
    compute::ComputeService serviceUpdate(const Context& ctx, const std::string& service_id,
                                          const compute::ServiceChange& change) const override;
    std::vector<compute::Hypervisor> hypervisorList(const Context& ctx) const override;
    std::vector<compute::Aggregate> aggregateList(const Context& ctx) const override;
    compute::Aggregate aggregateGet(const Context& ctx, long long aggregate_id) const override;
    compute::Aggregate aggregateCreate(const Context& ctx, const std::string& name,
                                       const std::optional<std::string>& zone) const override;
    compute::Aggregate aggregateUpdate(const Context& ctx, long long aggregate_id,
                                       const std::optional<std::string>& name,
                                       const std::optional<std::string>& zone) const override;
    void aggregateDelete(const Context& ctx, long long aggregate_id) const override;
    compute::Aggregate aggregateAddHost(const Context& ctx, long long aggregate_id,
                                        const std::string& host) const override;
    compute::Aggregate aggregateRemoveHost(const Context& ctx, long long aggregate_id,
                                           const std::string& host) const override;
    std::vector<compute::ServerGroup> serverGroupList(const Context& ctx, bool all_projects) const override;
    compute::ServerGroup serverGroupGet(const Context& ctx, const std::string& group_id) const override;
    compute::ServerGroup serverGroupCreate(const Context& ctx, const compute::ServerGroup& group) const override;
    void serverGroupDelete(const Context& ctx, const std::string& group_id) const override;
    compute::Aggregate
    aggregateSetMetadata(const Context& ctx, long long aggregate_id,
                         const std::map<std::string, std::optional<std::string>>& changes) const override;
    void serverForceDelete(const Context& ctx, const std::string& server_id) const override;
    void serverRestore(const Context& ctx, const std::string& server_id) const override;
    std::string serverBackup(const Context& ctx, const std::string& server_id, const compute::Backup& b) const override;
    std::string serverPassword(const Context& ctx, const std::string& server_id) const override;
    void serverPasswordClear(const Context& ctx, const std::string& server_id) const override;
    compute::QuotaSet quotaClassGet(const Context& ctx, const std::string& class_name) const override;
    compute::QuotaSet quotaClassSet(const Context& ctx, const std::string& class_name,
                                    const compute::QuotaSet& changes) const override;
    std::vector<compute::Migration> migrationList(const Context& ctx, const compute::MigrationQuery& q) const override;

  private:
    /*
     * snapshot: an image of `server` named `name` with `properties` (Nova's own first, then the caller's), sharing
     * its base image's bytes; the server shows the image_snapshot task meanwhile when `task`. Returns its id.
     */
    std::string snapshot(const Context& ctx, const compute::Server& server, const std::string& name,
                         const std::map<std::string, std::string>& properties, bool task) const;
    /* purge: remove a server at once and free what it holds (its volumes, ports and shelved image). */
    void purge(const Context& ctx, const std::string& server_id) const;
    /* reclaim: purge ctx's project's soft-deleted servers whose reclaim_instance_interval is over. */
    void reclaim(const Context& ctx) const;
    /* migration_end: the status of the server's last resize still "finished" becomes `status`. */
    void migration_end(const std::string& server_id, const char* status) const;
    /*
     * place_in_group: check that a new server may join group `group_id` (BadRequest for a group ctx
     * cannot see, Forbidden past the server_group_members quota); the fault of a placement the group's
     * policy forbids on this cloud's one host, or nullopt.
     */
    std::optional<compute::ServerFault> place_in_group(const Context& ctx, const std::string& group_id,
                                                       const compute::QuotaSet& limits, std::int64_t now) const;
    /* zone_of: the availability zone of a compute host: its aggregates' zone, or Nova's default "nova". */
    std::string zone_of(const std::string& host) const;
    /* register_services: this host's Nova services, recorded the first time a worker asks for them here. */
    void register_services() const;
    /*
     * Transition: how an action changes a server here. It applies only when the
     * server's vm_state is one of `from` and no task is running (else Conflict);
     * `task_state` runs for build_seconds (none: at once), then the server is in
     * `to` with `power_state`. The optional fields change with it.
     */
    struct Transition {
        const char* action; // recorded as the instance action ("reboot", "stop"...)
        std::vector<std::string> from;
        std::optional<std::string> task_state;
        std::string to;
        int power_state = 1;
        std::optional<compute::Flavor> flavor; // resize: the new flavor
        bool keep_old_flavor = false;          // resize: remember the current one for a revert
        bool restore_old_flavor = false;       // revertResize: take the remembered one back
        std::optional<std::string> image_id;   // rebuild
        // Resize, its confirm and revert, rebuild: Nova leaves a server that was powered off powered off, so it
        // ends "stopped" (a resize "resized") with its power off.
        bool keeps_power_off = false;
    };
    /* transition: apply `t` to the server and record it, in one transaction. */
    compute::Server transition(const Context& ctx, const std::string& server_id, const Transition& t) const;
    void add_volumes(std::vector<compute::Server>& servers) const;
    void add_addresses(const Context& ctx, std::vector<compute::Server>& servers) const;
    void make_ports(const Context& ctx, const compute::Server& server, const json& networks) const;
    json servers_with_address(const Context& ctx, const std::string& pattern) const;
    std::vector<std::pair<std::string, const compute::BlockDevice*>> volumes_for(const Context& ctx,
                                                                                 const compute::Server& server) const;
    /* record: an instance action of ctx's request on the server. */
    void record(const std::string& server_id, const std::string& action, const Context& ctx) const;
    std::shared_ptr<Database> db_;
    std::string image_store_;
    std::string host_;
    int build_seconds_;
    std::shared_ptr<const Volume> volumes_;
    std::shared_ptr<const network::Driver> network_;
    std::shared_ptr<const Image> images_; // the image store's records, for the backups' rotation and shelving
    int reclaim_seconds_;                 // Nova's reclaim_instance_interval: 0 deletes at once
    QuotaTable quotas_;
    mutable Generation flavor_generation_;
};

/*
 * SecurityCompliance: Keystone's [security_compliance] rules the local cloud
 * keeps: lock a user out for `lockout_duration` seconds after
 * `lockout_failure_attempts` failed passwords in a row (0: never), and refuse a
 * new password equal to one of the last `unique_last_password_count` (0: any).
 */
struct SecurityCompliance {
    int lockout_failure_attempts = 0;
    int lockout_duration = 1800;
    int unique_last_password_count = 0;
};

/* Identity: domains, projects, users, roles, their grants and rules, and revocations of the local cloud (identity.cpp).
 */
class Identity : public identity::Driver {
  public:
    explicit Identity(std::shared_ptr<Database> db, SecurityCompliance compliance = {})
        : db_(std::move(db)), compliance_(compliance), generation_(*db_, "identity_generation")
    {
    }

    identity::User userAuthenticate(const identity::Ref& ref, const std::string& password) const override;
    identity::User userGet(const std::string& user_id) const override;
    identity::User userCreate(const identity::User& user, const std::string& password) const override;
    identity::Domain domainGet(const std::string& domain_id) const override;
    identity::Domain domainFind(const identity::Ref& ref) const override;
    identity::Project projectFind(const identity::Ref& ref) const override;
    identity::Project projectCreate(const identity::Project& project) const override;
    std::vector<identity::Project> projectListForUser(const std::string& user_id) const override;
    std::vector<identity::Role> roleList() const override;
    identity::Role roleCreate(const identity::Role& role) const override;
    std::vector<identity::Role> roleListForProject(const std::string& user_id,
                                                   const std::string& project_id) const override;
    std::vector<identity::Role> roleListForDomain(const std::string& user_id,
                                                  const std::string& domain_id) const override;
    void roleAssign(const identity::Assignment& assignment) const override;
    std::vector<identity::Domain> domainList() const override;
    identity::Domain domainCreate(const identity::Domain& domain) const override;
    identity::Domain domainUpdate(const identity::Domain& domain) const override;
    void domainDelete(const std::string& domain_id) const override;
    std::vector<identity::Project> projectList() const override;
    identity::Project projectUpdate(const identity::Project& project) const override;
    void projectDelete(const std::string& project_id) const override;
    std::vector<identity::User> userList() const override;
    identity::User userUpdate(const identity::User& user) const override;
    void userDelete(const std::string& user_id) const override;
    void userPasswordSet(const std::string& user_id, const std::string& password) const override;
    void userPasswordReset(const std::string& user_id, const std::string& password) const override;
    std::vector<identity::OAuthConsumer> consumerList() const override;
    identity::OAuthConsumer consumerCreate(const identity::OAuthConsumer& consumer,
                                           const std::string& secret) const override;
    identity::OAuthConsumer consumerUpdate(const identity::OAuthConsumer& consumer) const override;
    void consumerDelete(const std::string& consumer_id) const override;
    std::string domainConfigGet(const std::string& domain_id) const override;
    void domainConfigSet(const std::string& domain_id, const std::string& config) const override;
    void domainConfigDelete(const std::string& domain_id) const override;
    identity::Role roleUpdate(const identity::Role& role) const override;
    void roleDelete(const std::string& role_id) const override;
    void roleUnassign(const identity::Assignment& assignment) const override;
    std::vector<identity::Assignment> roleAssignmentList() const override;
    std::vector<identity::Role> roleListForSystem(const std::string& user_id) const override;
    void roleAssignSystem(const std::string& role_id, const std::string& user_id) const override;
    void roleUnassignSystem(const std::string& role_id, const std::string& user_id) const override;
    std::vector<identity::RoleInference> roleInferenceList() const override;
    void roleInferenceCreate(const identity::RoleInference& rule) const override;
    void roleInferenceDelete(const identity::RoleInference& rule) const override;
    identity::ApplicationCredential applicationCredentialCreate(const identity::ApplicationCredential& cred,
                                                                const std::string& secret) const override;
    std::vector<identity::ApplicationCredential> applicationCredentialList(const std::string& user_id) const override;
    void applicationCredentialDelete(const std::string& user_id, const std::string& id) const override;
    identity::ApplicationCredential applicationCredentialAuthenticate(const std::string& id,
                                                                      const std::string& secret) const override;
    void tokenRevoke(const std::string& audit_id, std::int64_t expires_at) const override;
    bool tokenIsRevoked(const std::string& audit_id, const std::string& user_id, const std::string& project_id,
                        std::int64_t issued_at) const override;
    std::optional<std::int64_t> generation() const override;
    std::vector<identity::Group> groupList() const override;
    identity::Group groupGet(const std::string& group_id) const override;
    identity::Group groupCreate(const identity::Group& group) const override;
    identity::Group groupUpdate(const identity::Group& group) const override;
    void groupDelete(const std::string& group_id) const override;
    void groupUserAdd(const std::string& group_id, const std::string& user_id) const override;
    void groupUserRemove(const std::string& group_id, const std::string& user_id) const override;
    std::vector<identity::User> groupUserList(const std::string& group_id) const override;
    std::vector<identity::Group> groupListForUser(const std::string& user_id) const override;
    std::vector<identity::Credential> credentialList() const override;
    identity::Credential credentialGet(const std::string& credential_id) const override;
    identity::Credential credentialCreate(const identity::Credential& credential) const override;
    identity::Credential credentialUpdate(const identity::Credential& credential) const override;
    void credentialDelete(const std::string& credential_id) const override;
    // The catalog, policies and endpoint groups (identity_catalog.cpp).
    void catalogSeed(const identity::Catalog& catalog) const override;
    std::vector<identity::Region> regionList() const override;
    identity::Region regionCreate(const identity::Region& region) const override;
    identity::Region regionUpdate(const identity::Region& region) const override;
    void regionDelete(const std::string& region_id) const override;
    std::vector<identity::Service> serviceList() const override;
    identity::Service serviceCreate(const identity::Service& service) const override;
    identity::Service serviceUpdate(const identity::Service& service) const override;
    void serviceDelete(const std::string& service_id) const override;
    std::vector<identity::Endpoint> endpointList() const override;
    identity::Endpoint endpointCreate(const identity::Endpoint& endpoint) const override;
    identity::Endpoint endpointUpdate(const identity::Endpoint& endpoint) const override;
    void endpointDelete(const std::string& endpoint_id) const override;
    std::vector<identity::Policy> policyList() const override;
    identity::Policy policyCreate(const identity::Policy& policy) const override;
    identity::Policy policyUpdate(const identity::Policy& policy) const override;
    void policyDelete(const std::string& policy_id) const override;
    std::vector<identity::EndpointGroup> endpointGroupList() const override;
    identity::EndpointGroup endpointGroupCreate(const identity::EndpointGroup& group) const override;
    identity::EndpointGroup endpointGroupUpdate(const identity::EndpointGroup& group) const override;
    void endpointGroupDelete(const std::string& group_id) const override;
    std::vector<identity::Trust> trustList() const override;
    identity::Trust trustGet(const std::string& trust_id) const override;
    identity::Trust trustCreate(const identity::Trust& trust) const override;
    void trustDelete(const std::string& trust_id) const override;
    void trustConsume(const std::string& trust_id) const override;

  private:
    std::string domain_id_of(const identity::Ref& ref) const;
    void remember_password(const std::string& user_id) const;
    void revoke_all(const char* column, const std::string& id) const;
    void check_password_history(const std::string& user_id, const std::string& password) const;
    std::vector<identity::Role> roles_where(const std::string& held_where, const std::string& user_id,
                                            const std::string& target) const;
    void change(const char* what, const std::string& sql, const std::vector<std::string>& values) const;
    std::shared_ptr<Database> db_;
    SecurityCompliance compliance_;
    mutable Generation generation_;
};

/*
 * snapshots_finish: the server snapshots whose upload time is up become active (image.cpp). Called before images
 * are read, by every service that reads them; inside a transaction it leaves them to the next look.
 */
void snapshots_finish(Database& db);

/* Image: image records in the database, their bytes as files in `store_dir` (image.cpp). */
class Image : public image::Driver {
  public:
    Image(std::shared_ptr<Database> db, std::string store_dir);

    std::vector<image::Image> imageList(const Context& ctx, const image::ImageQuery& q) const override;
    image::Image imageGet(const Context& ctx, const std::string& image_id) const override;
    image::Image imageCreate(const Context& ctx, const image::Image& img) const override;
    image::Image imageUpdate(const Context& ctx, const image::Image& img) const override;
    void imageDelete(const Context& ctx, const std::string& image_id) const override;
    image::Image imageUpload(const Context& ctx, const std::string& image_id, BodySource& data,
                             const image::Expected& expected) const override;
    image::ImageData imageDownload(const Context& ctx, const std::string& image_id) const override;
    std::vector<image::Member> memberList(const Context& ctx, const std::string& image_id) const override;
    image::Member memberPut(const Context& ctx, const image::Member& member) const override;
    void memberDelete(const Context& ctx, const std::string& image_id, const std::string& member_id) const override;

    // Metadata definitions (image_metadefs.cpp).
    std::vector<image::MdNamespace> mdNamespaceList(const Context& ctx,
                                                    const image::MdNamespaceQuery& q) const override;
    image::MdNamespace mdNamespaceGet(const Context& ctx, const std::string& name) const override;
    image::MdNamespace mdNamespaceCreate(const Context& ctx, const image::MdNamespace& ns) const override;
    image::MdNamespace mdNamespaceUpdate(const Context& ctx, const std::string& name,
                                         const image::MdNamespace& ns) const override;
    void mdNamespaceDelete(const Context& ctx, const std::string& name) const override;
    image::MdDefinition mdDefinitionCreate(const Context& ctx, const std::string& ns,
                                           const image::MdDefinition& def) const override;
    image::MdDefinition mdDefinitionUpdate(const Context& ctx, const std::string& ns, const std::string& name,
                                           const image::MdDefinition& def) const override;
    void mdDefinitionDelete(const Context& ctx, const std::string& ns, image::MdKind kind,
                            const std::string& name) const override;
    void mdDefinitionsReplace(const Context& ctx, const std::string& ns, image::MdKind kind,
                              const std::vector<image::MdDefinition>& defs) const override;
    image::MdAssociation mdAssociationCreate(const Context& ctx, const std::string& ns,
                                             const image::MdAssociation& assoc) const override;
    void mdAssociationDelete(const Context& ctx, const std::string& ns, const std::string& type) const override;
    std::vector<image::MdResourceType> mdResourceTypeList(const Context& ctx) const override;

    /* dataPath: where an image's bytes live once active (for volumes made from images). */
    std::string dataPath(const std::string& image_id) const;

    /* storeMake: at a serving worker's start, the store directory, when there is none. */
    void storeMake() const;

    /*
     * uploadsSweep: at a worker's start, the uploads a dead worker left: partial
     * files no live upload holds are removed, and images still saving with no
     * live upload go back to queued, as Glance leaves an image whose upload failed.
     */
    void uploadsSweep() const;

  private:
    /* image_row: the image `ctx` may see, a deleted one too when `deleted_too`; NotFound otherwise. */
    image::Image image_row(const Context& ctx, const std::string& image_id, bool deleted_too) const;
    void load_extras(std::vector<image::Image>& images) const;
    void write_extras(const image::Image& img) const;
    /* partialPath: the file an upload writes, locked (flock) by its worker until the image is active or queued again.
     */
    std::string partialPath(const std::string& image_id) const;
    /*
     * settle_upload: a saving image whose upload has no live worker goes back to queued; true when it did.
     * A server snapshot's saving is left to snapshots_finish().
     */
    bool settle_upload(const std::string& image_id) const;
    /* namespace_id: the row of namespace `name` that `ctx` may see; NotFound with Glance's message otherwise. */
    long long namespace_id(const Context& ctx, const std::string& name) const;
    /* definition_insert, association_insert: one row of namespace `id`; Conflict when its name is taken there. */
    void definition_insert(long long id, const std::string& ns, const image::MdDefinition& def) const;
    void association_insert(long long id, const std::string& ns, const image::MdAssociation& assoc) const;
    std::shared_ptr<Database> db_;
    std::string store_;
};

/*
 * Volume: Block Storage of the local cloud (volume*.cpp, a file per resource):
 * records in the database, each volume's bytes a sparse file in `volume_store`,
 * snapshots' and backups' beside it in volume-snapshots and volume-backups;
 * volumes are made from and uploaded to the images in `image_store`.
 */
class Volume : public volume::Driver {
  public:
    /* Volume: any change of status (creating, extending, attaching...) takes `build_seconds`. */
    Volume(std::shared_ptr<Database> db, std::string volume_store, std::string image_store, int build_seconds);
    /* storesMake: at a serving worker's start, the directories of the volumes, snapshots, backups and images. */
    void storesMake() const;

    std::vector<volume::Volume> volumeList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::Volume volumeGet(const Context& ctx, const std::string& volume_id) const override;
    volume::Volume volumeCreate(const Context& ctx, const volume::Volume& volume) const override;
    volume::Volume volumeUpdate(const Context& ctx, const volume::Volume& volume) const override;
    void volumeDelete(const Context& ctx, const std::string& volume_id) const override;
    volume::Volume volumeExtend(const Context& ctx, const std::string& volume_id, long long new_size) const override;
    void volumeReserve(const Context& ctx, const std::string& volume_id) const override;
    void volumeUnreserve(const Context& ctx, const std::string& volume_id) const override;
    volume::Volume volumeResetStatus(const Context& ctx, const std::string& volume_id, const std::string& status,
                                     bool detach) const override;
    volume::Attachment volumeAttach(const Context& ctx, const std::string& volume_id,
                                    const volume::Attachment& attachment) const override;
    void volumeDetach(const Context& ctx, const std::string& volume_id,
                      const std::string& attachment_id) const override;
    std::string volumeUploadImage(const Context& ctx, const std::string& volume_id, const std::string& name,
                                  const std::string& disk_format, const std::string& container_format,
                                  const std::string& visibility, bool is_protected) const override;

    std::vector<volume::Snapshot> snapshotList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::Snapshot snapshotGet(const Context& ctx, const std::string& snapshot_id) const override;
    volume::Snapshot snapshotCreate(const Context& ctx, const volume::Snapshot& snapshot) const override;
    volume::Snapshot snapshotUpdate(const Context& ctx, const volume::Snapshot& snapshot) const override;
    void snapshotDelete(const Context& ctx, const std::string& snapshot_id) const override;
    volume::Snapshot snapshotResetStatus(const Context& ctx, const std::string& snapshot_id,
                                         const std::string& status) const override;

    std::vector<volume::VolumeType> typeList(const Context& ctx) const override;
    volume::VolumeType typeGet(const Context& ctx, const std::string& id_or_name) const override;
    volume::VolumeType typeCreate(const Context& ctx, const volume::VolumeType& type) const override;
    volume::VolumeType typeUpdate(const Context& ctx, const volume::VolumeType& type) const override;
    void typeDelete(const Context& ctx, const std::string& type_id) const override;

    std::vector<volume::Transfer> transferList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::Transfer transferGet(const Context& ctx, const std::string& transfer_id) const override;
    volume::Transfer transferCreate(const Context& ctx, const volume::Transfer& transfer,
                                    const std::string& auth_key) const override;
    volume::Transfer transferAccept(const Context& ctx, const std::string& transfer_id,
                                    const std::string& auth_key) const override;
    void transferDelete(const Context& ctx, const std::string& transfer_id) const override;

    std::optional<volume::Encryption> encryptionGet(const Context& ctx, const std::string& type_id) const override;
    volume::Encryption encryptionCreate(const Context& ctx, const volume::Encryption& encryption) const override;
    volume::Encryption encryptionUpdate(const Context& ctx, const volume::Encryption& encryption) const override;
    void encryptionDelete(const Context& ctx, const std::string& type_id) const override;

    std::vector<volume::QosSpec> qosList(const Context& ctx) const override;
    volume::QosSpec qosGet(const Context& ctx, const std::string& qos_id) const override;
    volume::QosSpec qosCreate(const Context& ctx, const volume::QosSpec& qos) const override;
    volume::QosSpec qosUpdate(const Context& ctx, const volume::QosSpec& qos) const override;
    void qosDelete(const Context& ctx, const std::string& qos_id, bool force) const override;

    volume::QuotaSet quotaGet(const Context& ctx, const std::string& project_id) const override;
    volume::QuotaSet quotaDefaults(const Context& ctx) const override;
    volume::QuotaSet quotaSet(const Context& ctx, const std::string& project_id,
                              const volume::QuotaSet& changes) const override;
    void quotaReset(const Context& ctx, const std::string& project_id) const override;
    volume::QuotaSet quotaUsage(const Context& ctx, const std::string& project_id) const override;

    std::vector<volume::Attachment> attachmentList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::Attachment attachmentGet(const Context& ctx, const std::string& attachment_id) const override;
    volume::Attachment attachmentCreate(const Context& ctx, const volume::Attachment& attachment) const override;
    volume::Attachment attachmentUpdate(const Context& ctx, const std::string& attachment_id,
                                        const json& connector) const override;
    void attachmentComplete(const Context& ctx, const std::string& attachment_id) const override;
    std::vector<volume::Attachment> attachmentDelete(const Context& ctx,
                                                     const std::string& attachment_id) const override;

    std::vector<volume::Backup> backupList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::Backup backupGet(const Context& ctx, const std::string& backup_id) const override;
    volume::Backup backupCreate(const Context& ctx, const volume::Backup& backup) const override;
    volume::Backup backupUpdate(const Context& ctx, const volume::Backup& backup) const override;
    void backupDelete(const Context& ctx, const std::string& backup_id) const override;
    volume::Backup backupResetStatus(const Context& ctx, const std::string& backup_id,
                                     const std::string& status) const override;
    volume::Volume backupRestore(const Context& ctx, const std::string& backup_id,
                                 const std::optional<std::string>& volume_id,
                                 const std::optional<std::string>& name) const override;

    std::vector<std::pair<std::string, bool>> availabilityZoneList(const Context& ctx) const override;
    std::vector<volume::Service> serviceList(const Context& ctx) const override;
    volume::Service serviceEnable(const Context& ctx, const std::string& host, const std::string& binary, bool enabled,
                                  const std::optional<std::string>& reason) const override;
    void serviceFreeze(const Context& ctx, const std::string& host, bool frozen) const override;
    std::vector<volume::Pool> poolList(const Context& ctx) const override;
    std::vector<volume::Message> messageList(const Context& ctx) const override;
    volume::Message messageGet(const Context& ctx, const std::string& message_id) const override;
    void messageDelete(const Context& ctx, const std::string& message_id) const override;
    volume::QuotaSet quotaClassGet(const Context& ctx, const std::string& class_name) const override;
    volume::QuotaSet quotaClassSet(const Context& ctx, const std::string& class_name,
                                   const volume::QuotaSet& changes) const override;
    std::pair<std::string, json> backupExport(const Context& ctx, const std::string& backup_id) const override;
    volume::Backup backupImport(const Context& ctx, const std::string& service, const json& record) const override;

    // Generic volume groups (volume_groups.cpp).
    std::vector<volume::GroupType> groupTypeList(const Context& ctx) const override;
    volume::GroupType groupTypeGet(const Context& ctx, const std::string& id_or_name) const override;
    volume::GroupType groupTypeCreate(const Context& ctx, const volume::GroupType& type) const override;
    volume::GroupType groupTypeUpdate(const Context& ctx, const volume::GroupType& type) const override;
    void groupTypeDelete(const Context& ctx, const std::string& type_id) const override;
    std::vector<volume::Group> groupList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::Group groupGet(const Context& ctx, const std::string& group_id) const override;
    volume::Group groupCreate(const Context& ctx, const volume::Group& group) const override;
    volume::Group groupUpdate(const Context& ctx, const volume::Group& group, const std::vector<std::string>& add,
                              const std::vector<std::string>& remove) const override;
    void groupDelete(const Context& ctx, const std::string& group_id, bool delete_volumes) const override;
    volume::Group groupResetStatus(const Context& ctx, const std::string& group_id,
                                   const std::string& status) const override;
    std::vector<volume::GroupSnapshot> groupSnapshotList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::GroupSnapshot groupSnapshotGet(const Context& ctx, const std::string& group_snapshot_id) const override;
    volume::GroupSnapshot groupSnapshotCreate(const Context& ctx,
                                              const volume::GroupSnapshot& group_snapshot) const override;
    void groupSnapshotDelete(const Context& ctx, const std::string& group_snapshot_id) const override;
    volume::GroupSnapshot groupSnapshotResetStatus(const Context& ctx, const std::string& group_snapshot_id,
                                                   const std::string& status) const override;

    /* volumePath, snapshotPath, backupPath: where a volume's, a snapshot's or a backup's bytes live. */
    std::string volumePath(const std::string& volume_id) const;
    std::string snapshotPath(const std::string& snapshot_id) const;
    std::string backupPath(const std::string& backup_id) const;

  private:
    void quota_check(const Context& ctx, const std::string& project_id, long long volumes, long long snapshots,
                     long long gigabytes, long long volume_size) const;
    /* pool: the one pool this cloud's volumes go to, as its scheduler sees it now. */
    volume::Pool pool() const;
    /* schedulable: whether the backend takes a volume of type `type_id` (Cinder's filters: enabled, capabilities). */
    bool schedulable(const std::string& type_id) const;
    /* message_add: a user message about `resource_uuid` (Cinder's event and text), kept for Cinder's 30 days. */
    void message_add(const Context& ctx, const std::string& project_id, const std::string& resource_uuid,
                     const std::string& event_id, const std::string& user_message) const;
    void load_attachments(std::vector<volume::Volume>& volumes) const;
    void backup_quota_check(const Context& ctx, const std::string& project_id, long long size) const;
    volume::Attachment attachment_of(const Statement& s) const;
    void attachment_connect(const volume::Attachment& a, const volume::Volume& v, json connector) const;
    void status_set(const char* table, const std::string& id, const std::string& status,
                    const std::optional<std::string>& next) const;
    std::shared_ptr<Database> db_;
    std::string volume_store_;
    std::string snapshot_store_;
    std::string backup_store_;
    std::string image_store_;
    std::string host_;
    int build_seconds_;
    QuotaTable quotas_;
};

} // namespace jumpgate::local
