// SPDX-License-Identifier: Apache-2.0
// The typed Identity driver interface: who users are and what they may do; the core makes tokens and views.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <jumpgate/app.hpp>
#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/operations.hpp>

namespace jumpgate::identity {

struct Domain {
    std::string id;
    std::string name;
    std::string description;
    bool enabled = true;
};

struct Project {
    std::string id;
    std::string name;
    std::string domain_id;
    std::string description;
    bool enabled = true;
    std::string parent_id;         // empty: its domain is its parent (a project at the top)
    std::vector<std::string> tags; // in the order they were given
};

struct User {
    std::string id;
    std::string name;
    std::string domain_id;
    std::string description;
    std::string email;
    bool enabled = true;
    std::string default_project_id; // empty: none; Keystone scopes an unscoped request there
    /*
     * credentials: what the driver wants back on every request made with this user's
     * tokens (a backend cloud's API key, an upstream token), set by userAuthenticate
     * only. The core seals it into the token (encrypted, so it goes with the token's
     * expiry and revocation), keeps it through rescoping, and gives it to every
     * driver in Context::credentials; it is never shown nor logged. A token has room
     * for about 2.5 KB of it: a longer one refuses the authentication (401).
     */
    std::string credentials;
    std::string extra = "{}"; // a JSON object: the keys a client gave beyond these, as Keystone keeps them
};

struct Role {
    std::string id;
    std::string name;
    std::string domain_id; // empty: a global role; else the domain's own, which no token carries (only what it implies)
};

/*
 * Assignment: a role of a user (or, user_id empty, of a group) on a project, on a domain (project_id
 * empty), or on the system (both empty, `system` set). An inherited one (OS-INHERIT) is held on the
 * projects of its domain, or on every project below its project, and not on its target itself.
 */
struct Assignment {
    std::string role_id;
    std::string user_id;
    std::string project_id;
    std::string domain_id;
    bool system = false;
    std::string group_id;
    bool inherited = false;

    bool operator==(const Assignment&) const = default;
};

/* Group: users of a domain who hold the roles given to the group. */
struct Group {
    std::string id;
    std::string name;
    std::string domain_id;
    std::string description;
};

/* Credential: a secret a user keeps with Identity for another service (ec2: an access key and its secret). */
struct Credential {
    std::string id;
    std::string user_id;
    std::string project_id; // empty: none
    std::string type;
    std::string blob;         // as the client gave it: JSON text for ec2
    std::string extra = "{}"; // a JSON object: the keys a client gave beyond these, as Keystone keeps them
};

/* RoleInference: a rule that whoever holds the prior role holds the implied one too, where they hold it. */
struct RoleInference {
    std::string prior_role_id;
    std::string implied_role_id;

    bool operator==(const RoleInference&) const = default;
};

/* ApplicationCredential: a secret of a user's that authenticates as the user on one project. */
struct ApplicationCredential {
    std::string id;
    std::string name;
    std::string description;
    std::string user_id;
    std::string project_id;
    std::vector<std::string> roles; // role ids; on create, those of the caller's token that it asked for
    std::int64_t expires_at = 0;    // 0: never
    bool unrestricted = false;
    int expires_at_micros = 0; // the microseconds of expires_at, shown as the client gave them
    /* credentials: as User::credentials, set by applicationCredentialAuthenticate only. */
    std::string credentials;
};

/* Region: a part of the cloud that endpoints are in; regions may nest (parent_region_id empty: at the top). */
struct Region {
    std::string id;
    std::string description;
    std::string parent_region_id;
};

/* Service: a kind of API the catalog offers (its type: compute, image...), reached at its endpoints. */
struct Service {
    std::string id;
    std::string type;
    std::string name;
    std::string description;
    bool enabled = true;
};

/*
 * Endpoint: where a service is reached through one interface (public, internal, admin). The URL may name
 * Keystone's substitutions, %(project_id)s (or %(tenant_id)s) and %(user_id)s, and this Jumpgate's own,
 * %(jumpgate:SERVICE)s: the URL at which it serves SERVICE (compute, image...) as the client reached it.
 */
struct Endpoint {
    std::string id;
    std::string service_id;
    std::string region_id; // empty: none
    std::string interface;
    std::string url;
    bool enabled = true;
    std::string legacy_endpoint_id; // the v2.0 endpoint it was made for (one of its three URLs), or empty
};

/* Catalog: regions, services and endpoints, as catalogSeed stores them. */
struct Catalog {
    std::vector<Region> regions;
    std::vector<Service> services;
    std::vector<Endpoint> endpoints;
};

/*
 * stack_catalog: the catalog of the services this Jumpgate serves itself, every endpoint in `region`
 * with a %(jumpgate:SERVICE)s URL; what a driver without a stored catalog answers with, and what
 * catalogSeed gives a driver that stores one.
 */
Catalog stack_catalog(const std::string& region);

/* Policy: a policy document a client keeps in Keystone (Keystone neither reads nor enforces it). */
struct Policy {
    std::string id;
    std::string type;
    std::string blob;
};

/* EndpointGroup: a named filter over endpoints (OS-EP-FILTER): `filters` is a JSON object's text. */
struct EndpointGroup {
    std::string id;
    std::string name;
    std::string description;
    std::string filters;
};

/*
 * Trust (OS-TRUST): a trustor's delegation of some of their roles on a project to a trustee, who gets
 * tokens with them (as the trustor when `impersonation`). Never more than the trustor holds: a token
 * of a trust carries its roles only while the trustor still holds every one of them there.
 */
struct Trust {
    std::string id;
    std::string trustor_user_id;
    std::string trustee_user_id;
    std::string project_id; // empty: none (then no roles)
    bool impersonation = false;
    std::int64_t expires_at = 0;    // 0: never
    int remaining_uses = -1;        // tokens it may still give; -1: no limit
    std::vector<std::string> roles; // role ids
};

/* OAuthConsumer (OS-OAUTH1): a client application registered to ask users for delegated access. */
struct OAuthConsumer {
    std::string id;
    std::string description;
    std::string extra = "{}"; // a JSON object: the keys a client gave beyond these, as Keystone keeps them
};

/* Ref: how a request names a user or a project: by id, or by name within a domain named by id or name. */
struct Ref {
    std::string id;
    std::string name;
    std::string domain_id;
    std::string domain_name;
};

/*
 * Driver: what a cloud implements for Identity. Every operation throws
 * NotImplemented unless overridden; install() serves only what a driver
 * overrides. Lookups throw NotFound; authentication throws Unauthorized with
 * one message for every failure, so callers cannot tell users apart.
 */
class Driver {
  public:
    virtual ~Driver() = default;

    /* userAuthenticate: the enabled user of `ref` whose password is `password`, with its backend credentials. */
    virtual User userAuthenticate(const Ref& ref, const std::string& password) const;
    /* userGet: a user by id. */
    virtual User userGet(const std::string& user_id) const;
    /* userCreate: a new user with `password` (stored through a password KDF); Conflict on a taken name. */
    virtual User userCreate(const User& user, const std::string& password) const;

    /* domainGet: a domain by id; domainFind: by id or name (Ref.id or Ref.name). */
    virtual Domain domainGet(const std::string& domain_id) const;
    virtual Domain domainFind(const Ref& ref) const;

    /* projectFind: a project by id, or by name in a domain. */
    virtual Project projectFind(const Ref& ref) const;
    /* projectCreate: a new project, under its parent_id if set; Conflict on a taken name in its domain. */
    virtual Project projectCreate(const Project& project) const;
    /* projectListForUser: the projects the user has a role on (as roleListForProject finds them). */
    virtual std::vector<Project> projectListForUser(const std::string& user_id) const;

    /* roleList: every role; roleCreate: a new role (Conflict on a taken name). */
    virtual std::vector<Role> roleList() const;
    virtual Role roleCreate(const Role& role) const;
    /*
     * roleListForProject / roleListForDomain: the roles the user has there: given to the user or to a
     * group of theirs, there or (a project) inherited from its domain or from a project above it.
     */
    virtual std::vector<Role> roleListForProject(const std::string& user_id, const std::string& project_id) const;
    virtual std::vector<Role> roleListForDomain(const std::string& user_id, const std::string& domain_id) const;
    /* roleAssign: make the assignment (of a user or a group, on a project, a domain or the system, inherited or not).
     */
    virtual void roleAssign(const Assignment& assignment) const;

    /* domainList, domainCreate, domainUpdate, domainDelete: the domains (Conflict on a taken name). */
    virtual std::vector<Domain> domainList() const;
    virtual Domain domainCreate(const Domain& domain) const;
    virtual Domain domainUpdate(const Domain& domain) const;
    virtual void domainDelete(const std::string& domain_id) const;

    /*
     * projectList, projectUpdate, projectDelete: every project; changes by id (name, description,
     * enabled, tags; never the parent); Forbidden when deleting a project that has children.
     */
    virtual std::vector<Project> projectList() const;
    virtual Project projectUpdate(const Project& project) const;
    virtual void projectDelete(const std::string& project_id) const;

    /* userList, userUpdate, userDelete, userPasswordSet: every user; changes by id. */
    virtual std::vector<User> userList() const;
    virtual User userUpdate(const User& user) const;
    virtual void userDelete(const std::string& user_id) const;
    virtual void userPasswordSet(const std::string& user_id, const std::string& password) const;

    /*
     * roleUpdate, roleDelete, roleUnassign (NotFound when the assignment is not there), roleAssignmentList
     * (every assignment as made, of users and groups, on the system too): the rest of roles.
     */
    virtual Role roleUpdate(const Role& role) const;
    virtual void roleDelete(const std::string& role_id) const;
    virtual void roleUnassign(const Assignment& assignment) const;
    virtual std::vector<Assignment> roleAssignmentList() const;

    /* groupList, groupGet, groupCreate, groupUpdate (Conflict on a name taken in the domain), groupDelete. */
    virtual std::vector<Group> groupList() const;
    virtual Group groupGet(const std::string& group_id) const;
    virtual Group groupCreate(const Group& group) const;
    virtual Group groupUpdate(const Group& group) const;
    virtual void groupDelete(const std::string& group_id) const;
    /* groupUserAdd, groupUserRemove (NotFound when not a member): membership, which revokes on removal. */
    virtual void groupUserAdd(const std::string& group_id, const std::string& user_id) const;
    virtual void groupUserRemove(const std::string& group_id, const std::string& user_id) const;
    /* groupUserList: a group's members; groupListForUser: the groups a user is in. */
    virtual std::vector<User> groupUserList(const std::string& group_id) const;
    virtual std::vector<Group> groupListForUser(const std::string& user_id) const;

    /* credentialList, credentialGet, credentialCreate (Conflict on a taken id), credentialUpdate, credentialDelete. */
    virtual std::vector<Credential> credentialList() const;
    virtual Credential credentialGet(const std::string& credential_id) const;
    virtual Credential credentialCreate(const Credential& credential) const;
    virtual Credential credentialUpdate(const Credential& credential) const;
    virtual void credentialDelete(const std::string& credential_id) const;

    /* roleListForSystem: the roles the user has on the system (system scope), given to them or to a group of theirs. */
    virtual std::vector<Role> roleListForSystem(const std::string& user_id) const;
    /* roleAssignSystem: give the user `role_id` on the system; roleUnassignSystem: take it (NotFound when not held). */
    virtual void roleAssignSystem(const std::string& role_id, const std::string& user_id) const;
    virtual void roleUnassignSystem(const std::string& role_id, const std::string& user_id) const;

    /* roleInferenceList: every inference rule; the core adds the roles they imply to tokens and effective lists. */
    virtual std::vector<RoleInference> roleInferenceList() const;
    /* roleInferenceCreate: a new rule (NotFound for an unknown role, Conflict when it exists); roleInferenceDelete. */
    virtual void roleInferenceCreate(const RoleInference& rule) const;
    virtual void roleInferenceDelete(const RoleInference& rule) const;

    /* applicationCredential*: create (with its secret, stored through the KDF), list, get, delete, authenticate. */
    virtual ApplicationCredential applicationCredentialCreate(const ApplicationCredential& cred,
                                                              const std::string& secret) const;
    virtual std::vector<ApplicationCredential> applicationCredentialList(const std::string& user_id) const;
    virtual void applicationCredentialDelete(const std::string& user_id, const std::string& id) const;
    virtual ApplicationCredential applicationCredentialAuthenticate(const std::string& id,
                                                                    const std::string& secret) const;

    /*
     * catalogSeed: store `catalog` unless a catalog was seeded before (once in the driver's life: a
     * catalog an admin has since emptied stays empty); called as the identity service starts.
     */
    virtual void catalogSeed(const Catalog& catalog) const;
    /*
     * regionList, regionCreate (Conflict on a taken id, NotFound for an unknown parent), regionUpdate
     * (description and parent), regionDelete (with the regions below it; Forbidden while any of them
     * has endpoints).
     */
    virtual std::vector<Region> regionList() const;
    virtual Region regionCreate(const Region& region) const;
    virtual Region regionUpdate(const Region& region) const;
    virtual void regionDelete(const std::string& region_id) const;
    /* serviceList, serviceCreate, serviceUpdate, serviceDelete (with its endpoints). */
    virtual std::vector<Service> serviceList() const;
    virtual Service serviceCreate(const Service& service) const;
    virtual Service serviceUpdate(const Service& service) const;
    virtual void serviceDelete(const std::string& service_id) const;
    /* endpointList, endpointCreate, endpointUpdate, endpointDelete (the core checks its service and region). */
    virtual std::vector<Endpoint> endpointList() const;
    virtual Endpoint endpointCreate(const Endpoint& endpoint) const;
    virtual Endpoint endpointUpdate(const Endpoint& endpoint) const;
    virtual void endpointDelete(const std::string& endpoint_id) const;
    /* policyList, policyCreate, policyUpdate, policyDelete: the stored policy documents. */
    virtual std::vector<Policy> policyList() const;
    virtual Policy policyCreate(const Policy& policy) const;
    virtual Policy policyUpdate(const Policy& policy) const;
    virtual void policyDelete(const std::string& policy_id) const;
    /* endpointGroupList, endpointGroupCreate, endpointGroupUpdate, endpointGroupDelete: OS-EP-FILTER's groups. */
    virtual std::vector<EndpointGroup> endpointGroupList() const;
    virtual EndpointGroup endpointGroupCreate(const EndpointGroup& group) const;
    virtual EndpointGroup endpointGroupUpdate(const EndpointGroup& group) const;
    virtual void endpointGroupDelete(const std::string& group_id) const;

    /*
     * trustList, trustGet, trustCreate, trustDelete (which revokes its tokens); trustConsume: take one of a
     * trust's remaining uses for a new token (NotFound when it is gone, Forbidden when none is left).
     */
    virtual std::vector<Trust> trustList() const;
    virtual Trust trustGet(const std::string& trust_id) const;
    virtual Trust trustCreate(const Trust& trust) const;
    virtual void trustDelete(const std::string& trust_id) const;
    virtual void trustConsume(const std::string& trust_id) const;

    /* tokenRevoke: record the revocation of every token with `audit_id`, until `expires_at`. */
    virtual void tokenRevoke(const std::string& audit_id, std::int64_t expires_at) const;
    /*
     * tokenIsRevoked: whether a token with `audit_id`, of `user_id` on `project_id`
     * issued at `issued_at`, was revoked: by itself, or since by disabling or
     * deleting its user or project, or changing the user's password.
     */
    virtual bool tokenIsRevoked(const std::string& audit_id, const std::string& user_id, const std::string& project_id,
                                std::int64_t issued_at) const;
    /*
     * generation: a number that moves whenever anything a token's validation reads
     * changes (users, projects, domains, roles, assignments, application credentials,
     * revocations), so that a worker may reuse what it worked out while it stays the
     * same; nullopt (the default) when the driver cannot tell, and nothing is reused.
     */
    virtual std::optional<std::int64_t> generation() const;
    /*
     * actingFor: the driver that answers the calls made for a user whose backend credentials
     * are `credentials` (userAuthenticate's, or those sealed in the user's token): the token
     * flow's after authentication (projectFind, roleListForProject, userGet, tokenIsRevoked...)
     * and the identity endpoints'. A driver that needs the user's credentials to answer those
     * (a cloud's own identity) binds them here; nullptr (the default): this driver answers.
     */
    virtual std::shared_ptr<const Driver> actingFor(const std::string& credentials) const;

    /*
     * userPasswordReset: an admin's setting of a user's password: as userPasswordSet (which a user's own
     * change calls), but not held to the password history, as Keystone; the new password joins it.
     */
    virtual void userPasswordReset(const std::string& user_id, const std::string& password) const;
    /*
     * consumerList, consumerCreate (with its secret, kept as no one reads it back), consumerUpdate (description,
     * extra), consumerDelete: OAuth1 consumers (NotFound for an unknown id).
     */
    virtual std::vector<OAuthConsumer> consumerList() const;
    virtual OAuthConsumer consumerCreate(const OAuthConsumer& consumer, const std::string& secret) const;
    virtual OAuthConsumer consumerUpdate(const OAuthConsumer& consumer) const;
    virtual void consumerDelete(const std::string& consumer_id) const;
    /*
     * domainConfigGet: a domain's configuration (Keystone's domain-specific options), a JSON object's text of
     * groups of options; NotFound when it has none. domainConfigSet: replace it (the core checks the options);
     * domainConfigDelete: remove it (NotFound when none). A domain's deletion takes its configuration.
     */
    virtual std::string domainConfigGet(const std::string& domain_id) const;
    virtual void domainConfigSet(const std::string& domain_id, const std::string& config) const;
    virtual void domainConfigDelete(const std::string& domain_id) const;
};

/* acting: the driver that answers for the user whose backend credentials are `credentials` (Driver::actingFor). */
std::shared_ptr<const Driver> acting(const std::shared_ptr<const Driver>& driver, const std::string& credentials);

/* JUMPGATE_IDENTITY_OPERATIONS: every operation of Driver that an endpoint calls. */
// clang-format off
#define JUMPGATE_IDENTITY_OPERATIONS(X) \
    X(userAuthenticate) X(userGet) X(userCreate) X(domainGet) X(domainFind) X(projectFind) X(projectCreate)      \
    X(projectListForUser) X(roleList) X(roleCreate) X(roleListForProject) X(roleListForDomain) X(roleAssign)     \
    X(domainList) X(domainCreate) X(domainUpdate) X(domainDelete) X(projectList) X(projectUpdate)                \
    X(projectDelete) X(userList) X(userUpdate) X(userDelete) X(userPasswordSet) X(roleUpdate) X(roleDelete)      \
    X(roleUnassign) X(roleAssignmentList) X(applicationCredentialCreate) X(applicationCredentialList)            \
    X(applicationCredentialDelete) X(applicationCredentialAuthenticate) X(tokenRevoke) X(tokenIsRevoked)         \
    X(roleListForSystem) X(roleAssignSystem) X(roleUnassignSystem) X(roleInferenceList) X(roleInferenceCreate)    \
    X(roleInferenceDelete) X(groupList) X(groupGet) X(groupCreate) X(groupUpdate) X(groupDelete) X(groupUserAdd)  \
    X(groupUserRemove) X(groupUserList) X(groupListForUser) X(credentialList) X(credentialGet) X(credentialCreate) \
    X(credentialUpdate) X(credentialDelete) X(catalogSeed) X(regionList) X(regionCreate) X(regionUpdate)          \
    X(regionDelete) X(serviceList) X(serviceCreate) X(serviceUpdate) X(serviceDelete) X(endpointList)              \
    X(endpointCreate) X(endpointUpdate) X(endpointDelete) X(policyList) X(policyCreate) X(policyUpdate)          \
    X(policyDelete) X(endpointGroupList) X(endpointGroupCreate) X(endpointGroupUpdate) X(endpointGroupDelete) \
    X(trustList) X(trustGet) X(trustCreate) X(trustDelete) X(trustConsume) X(userPasswordReset)        \
    X(consumerList) X(consumerCreate) X(consumerUpdate) X(consumerDelete) X(domainConfigGet) X(domainConfigSet) \
    X(domainConfigDelete)
// clang-format on

/* Op: Identity's operations, numbered after `base` in the space Operations shares with the other interfaces. */
enum class Op : unsigned { base = 100, JUMPGATE_IDENTITY_OPERATIONS(JUMPGATE_OPERATION_ENUMERATOR) };
inline constexpr const char* kOperationNames[] = {JUMPGATE_IDENTITY_OPERATIONS(JUMPGATE_OPERATION_NAME)};

/* operations_of: the operations D overrides. */
template <class D> Operations operations_of()
{
    static_assert(std::is_base_of_v<Driver, D>);
    Operations ops;
    JUMPGATE_IDENTITY_OPERATIONS(JUMPGATE_OPERATION_IF_OVERRIDDEN)
    return ops;
}

namespace detail {
void install(App& app, Dispatcher& disp, std::shared_ptr<const Driver> driver, const Operations& operations);
} // namespace detail

/*
 * install: make `driver` the App's identity (jumpgate-manage and other
 * services reach it through App::identity()) and serve on `disp` every
 * Keystone request whose operations D overrides. When D can validate tokens
 * (tokenIsRevoked and roleListForProject), the App's authenticator checks
 * every request's X-Auth-Token against it, in every service.
 */
template <class D> void install(App& app, Dispatcher& disp, std::shared_ptr<const D> driver)
{
    detail::install(app, disp, driver, operations_of<D>());
}

} // namespace jumpgate::identity
