// SPDX-License-Identifier: Apache-2.0
// Keystone v3 tokens: issue (password, token), validate, check, revoke, the catalog they carry.
#include <jumpgate/driver/identity.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fcntl.h>
#include <map>
#include <sys/file.h>
#include <unistd.h>
#include <unordered_map>

#include <openssl/evp.h>

#include <jumpgate/hex.hpp>
#include <jumpgate/log.hpp>
#include <jumpgate/time.hpp>

#include "api/identity/catalog.hpp"
#include "api/identity/fields.hpp"
#include "api/identity/identity.hpp"
#include "api/identity/token.hpp"

namespace jumpgate::identity {

namespace {

using api::identity::KeyRepository;
using api::identity::TokenPayload;

/* audit_ids: a token's audit id, then its chain's (the first token's) when it was rescoped, as Keystone lists them. */
json audit_ids(const TokenPayload& p)
{
    json ids = {p.audit_id};
    if (!p.parent_audit_ids.empty())
        ids.push_back(p.parent_audit_ids.back());
    return ids;
}

// The tokens a rescoped token may descend from, each of which revokes it: room in the token for their ids.
constexpr std::size_t kRescopesMax = 8;

/*
 * rescoped_from: make `p` a token rescoped from `prior`: an audit id of its own (as Keystone's, so that
 * revoking it leaves `prior` valid) and the ids of `prior` and its own parents, so that revoking any
 * of them revokes `p` too. 401 past kRescopesMax.
 */
void rescoped_from(TokenPayload& p, const TokenPayload& prior)
{
    if (prior.parent_audit_ids.size() >= kRescopesMax)
        throw Unauthorized("A token rescoped " + std::to_string(kRescopesMax) + " times is not rescoped again.");
    p.user_id = prior.user_id;
    p.expires_at = prior.expires_at; // a rescoped token lives no longer
    p.credentials = prior.credentials;
    p.parent_audit_ids = {prior.audit_id};
    p.parent_audit_ids.insert(p.parent_audit_ids.end(), prior.parent_audit_ids.begin(), prior.parent_audit_ids.end());
}

std::int64_t now()
{
    return api::unix_now();
}
std::string iso_time(std::int64_t t)
{
    return api::iso_time(t, true);
}

// What validating a token calls (payload_of): a driver that has it gets the App's authenticator.
// A domain-scoped token needs domainGet and roleListForDomain too, a system-scoped one roleListForSystem;
// without them it is not valid. The roles that held ones imply are added when the driver keeps the rules.
const Operations kValidate{Op::tokenIsRevoked, Op::roleListForProject};
const Operations kDomainScope{Op::domainFind, Op::roleListForDomain};
const Operations kSystemScope{Op::roleListForSystem};
const Operations kImpliedRoles{Op::roleInferenceList, Op::roleList};
// What a trust's token calls to be issued and validated.
const Operations kTrusts{Op::trustGet, Op::trustConsume, Op::userGet, Op::roleList, Op::roleListForProject};

/* Everything the handlers share: the App, the driver and what it can do, the keys, the settings. */
struct Tokens {
    App& app;
    std::shared_ptr<const Driver> driver;
    Operations ops;
    std::unique_ptr<KeyRepository> keys; // null unless ops has kValidate, which every row using it needs, or
                                         // the App is only checked
    std::int64_t lifetime;
    api::identity::CatalogSource catalogs;

    /* can: whether the driver has every operation of `needed`. */
    bool can(const Operations& needed) const { return ops.lacking(needed).empty(); }

    /* as: the driver acting for the user whose backend credentials are `credentials`. */
    std::shared_ptr<const Driver> as(const std::string& credentials) const { return acting(driver, credentials); }

    /* catalog: the catalog of a token of `user_id` on `project_id` (token_catalog). */
    json catalog(const Request& req, const std::string& user_id, const std::string& project_id) const
    {
        return api::identity::token_catalog(catalogs, req, user_id, project_id);
    }

    static json domain_ref(const Driver& d, const std::string& id)
    {
        return {{"id", id}, {"name", d.domainGet(id).name}};
    }

    json view(const Request& req, const TokenPayload& p, bool with_catalog) const
    {
        auto d = as(p.credentials);
        User user = d->userGet(p.user_id);
        json token = {{"methods", p.methods},
                      {"user",
                       {{"id", user.id},
                        {"name", user.name},
                        {"domain", domain_ref(*d, user.domain_id)},
                        {"password_expires_at", nullptr}}},
                      {"audit_ids", audit_ids(p)},
                      {"issued_at", iso_time(p.issued_at)},
                      {"expires_at", iso_time(p.expires_at)}};
        std::vector<Role> roles;
        if (!p.project_id.empty()) {
            Project project = d->projectFind({.id = p.project_id});
            token["project"] = {
                {"id", project.id}, {"name", project.name}, {"domain", domain_ref(*d, project.domain_id)}};
            token["is_domain"] = false;
        } else if (!p.domain_id.empty()) {
            token["domain"] = domain_ref(*d, p.domain_id);
        } else if (p.system) {
            token["system"] = {{"all", true}};
        }
        if (scoped(p)) {
            json list = json::array();
            auto all = d->roleList();
            for (const auto& name : p.roles)
                for (const auto& r : all)
                    if (r.name == name)
                        list.push_back({{"id", r.id}, {"name", r.name}});
            token["roles"] = std::move(list);
            if (with_catalog)
                token["catalog"] = catalog(req, p.user_id, p.project_id);
        }
        if (!p.application_credential_id.empty())
            token["application_credential"] = {{"id", p.application_credential_id}};
        if (!p.trust_id.empty()) {
            Trust trust = d->trustGet(p.trust_id);
            token["OS-TRUST:trust"] = {{"id", trust.id},
                                       {"impersonation", trust.impersonation},
                                       {"trustor_user", {{"id", trust.trustor_user_id}}},
                                       {"trustee_user", {{"id", trust.trustee_user_id}}}};
        }
        return {{"token", std::move(token)}};
    }

    /*
     * What this worker learnt of the tokens it validated, good while the driver's
     * generation stays where it was: that each was not revoked, and the bodies it
     * answered for it, by request variant. Expiry is still checked on every call.
     */
    struct Validated {
        std::vector<std::string> roles; // the roles the token's user holds in its scope now
        std::map<std::string, std::string, std::less<>> bodies;
    };
    static constexpr std::size_t kValidatedMax = 512;
    static constexpr std::size_t kVariantsMax = 8;
    mutable std::optional<std::int64_t> generation;
    mutable std::string generation_read_for; // the id of the request that last read it
    mutable std::unordered_map<std::string, Validated, api::identity::TextHash, std::equal_to<>> validated;

    /*
     * payload_of: a valid token's payload, or nullopt when forged, expired or revoked.
     * The generation is read once per request: X-Auth-Token and X-Subject-Token share it.
     */
    std::optional<TokenPayload> payload_of(const Request& req, std::string_view text) const
    {
        keys->reload_if_changed();
        auto p = keys->open(text);
        if (!p || p->expires_at <= now())
            return std::nullopt;
        if (req.id() != generation_read_for) {
            auto now_generation = driver->generation();
            if (now_generation != generation) {
                validated.clear();
                generation = now_generation;
            }
            generation_read_for = req.id();
        }
        if (generation)
            if (auto it = validated.find(text); it != validated.end()) {
                p->roles = it->second.roles;
                return p;
            }
        auto d = as(p->credentials);
        // Revoking a token revokes it and every token rescoped from it, not those it was rescoped from.
        if (d->tokenIsRevoked(p->audit_id, p->user_id, p->project_id, p->issued_at) ||
            std::any_of(p->parent_audit_ids.begin(), p->parent_audit_ids.end(), [&](const std::string& id) {
                return d->tokenIsRevoked(id, p->user_id, p->project_id, p->issued_at);
            }))
            return std::nullopt;
        if (scoped(*p)) {
            p->roles = roles_now(*d, *p);
            if (p->roles.empty())
                return std::nullopt;
        }
        if (generation) {
            if (validated.size() >= kValidatedMax)
                validated.clear();
            validated.emplace(std::string(text), Validated{.roles = p->roles});
        }
        return p;
    }

    /*
     * roles_now: the role names a scoped token stands for today. As Keystone, roles are
     * worked out at validation, not trusted from issue: a role removed since is gone from
     * the token at once, and a token whose user holds no role left in its scope (or whose
     * domain was disabled) is no longer valid. An application credential keeps only the
     * roles of its own that its user still holds.
     */
    std::vector<std::string> roles_now(const Driver& d, const TokenPayload& p) const
    {
        if (!p.trust_id.empty())
            return trust_roles_now(d, p.trust_id);
        std::vector<Role> held;
        if (!p.project_id.empty()) {
            held = d.roleListForProject(p.user_id, p.project_id);
        } else if (p.system) {
            if (!can(kSystemScope))
                return {};
            held = d.roleListForSystem(p.user_id);
        } else {
            if (!can({Op::domainGet, Op::roleListForDomain}))
                return {};
            try {
                if (!d.domainGet(p.domain_id).enabled)
                    return {};
            } catch (const NotFound&) {
                return {};
            }
            held = d.roleListForDomain(p.user_id, p.domain_id);
        }
        std::vector<std::string> names;
        for (auto& name : role_names(d, held))
            if (p.application_credential_id.empty() || std::find(p.roles.begin(), p.roles.end(), name) != p.roles.end())
                names.push_back(std::move(name));
        return names;
    }

    /*
     * trust_roles_now: the role names a token of trust `trust_id` stands for today: none (so the token is
     * invalid) once the trust is deleted or expired, its trustor or trustee disabled, or the trustor no longer
     * holds every role the trust delegates on its project; else those roles and the roles they imply.
     */
    std::vector<std::string> trust_roles_now(const Driver& d, const std::string& trust_id) const
    {
        if (!can(kTrusts))
            return {};
        Trust trust;
        try {
            trust = d.trustGet(trust_id);
            if ((trust.expires_at && trust.expires_at <= now()) || trust.project_id.empty() ||
                !d.userGet(trust.trustor_user_id).enabled || !d.userGet(trust.trustee_user_id).enabled)
                return {};
        } catch (const NotFound&) {
            return {};
        }
        std::vector<Role> held = d.roleListForProject(trust.trustor_user_id, trust.project_id);
        std::vector<std::string> held_ids;
        for (const auto& r : held)
            held_ids.push_back(r.id);
        if (can(kImpliedRoles))
            held_ids = api::identity::with_implied(held_ids, d.roleInferenceList());
        std::vector<Role> delegated;
        auto all = d.roleList();
        for (const auto& id : trust.roles) {
            if (std::find(held_ids.begin(), held_ids.end(), id) == held_ids.end())
                return {};
            for (const auto& r : all)
                if (r.id == id)
                    delegated.push_back(r);
        }
        return role_names(d, delegated);
    }

    /*
     * role_names: the names of the roles `held` and of those they imply through the driver's
     * inference rules (Keystone's admin, member and reader: an admin's token carries all three).
     */
    std::vector<std::string> role_names(const Driver& d, const std::vector<Role>& held) const
    {
        // As Keystone: a domain's own role is in no token; the roles it implies are.
        std::vector<std::string> names;
        for (const auto& r : held)
            if (r.domain_id.empty())
                names.push_back(r.name);
        if (held.empty() || !can(kImpliedRoles))
            return names;
        auto rules = d.roleInferenceList();
        std::vector<std::string> ids;
        for (const auto& r : held)
            ids.push_back(r.id);
        ids = api::identity::with_implied(ids, rules);
        if (ids.size() == held.size())
            return names;
        auto all = d.roleList();
        for (std::size_t i = held.size(); i < ids.size(); ++i)
            for (const auto& r : all)
                if (r.id == ids[i] && r.domain_id.empty() &&
                    std::find(names.begin(), names.end(), r.name) == names.end())
                    names.push_back(r.name);
        return names;
    }

    /* scoped: whether a token stands for roles somewhere: a project, a domain or the system. */
    static bool scoped(const TokenPayload& p) { return !p.project_id.empty() || !p.domain_id.empty() || p.system; }

    /*
     * view_body: view() encoded, remembered for the token `text` that payload_of has
     * just validated; the catalogue's URLs follow the request's scheme, host and port.
     */
    std::string view_body(const Request& req, std::string_view text, const TokenPayload& p, bool with_catalog) const
    {
        auto it = generation ? validated.find(text) : validated.end();
        if (it == validated.end())
            return Response::encode(view(req, p, with_catalog));
        std::string variant = origin_of(req) + (with_catalog ? "" : " nocatalog");
        auto& bodies = it->second.bodies;
        if (auto hit = bodies.find(variant); hit != bodies.end())
            return hit->second;
        if (bodies.size() >= kVariantsMax) // a client may send any Host
            bodies.clear();
        return bodies.emplace(std::move(variant), Response::encode(view(req, p, with_catalog))).first->second;
    }
};

/* text_of: the string `j[key]` of the request body at `path`, empty when absent; 400 when it is not a string. */
std::string text_of(const json& j, const char* key, const std::string& path)
{
    if (!j.is_object() || !j.contains(key) || j[key].is_null())
        return "";
    if (!j[key].is_string())
        throw BadRequest("Invalid input for field '" + path + "/" + key + "': " + j[key].dump() +
                         " is not of type 'string'.");
    return j[key].get<std::string>();
}

/* ref_of: the user or project the body's object at `path` names; 400 for a malformed one. */
Ref ref_of(const json& j, const std::string& path)
{
    if (!j.is_object())
        throw BadRequest("Invalid input for field '" + path + "': " + j.dump() + " is not of type 'object'.");
    Ref ref;
    ref.id = text_of(j, "id", path);
    ref.name = text_of(j, "name", path);
    if (j.contains("domain")) {
        if (!j["domain"].is_object())
            throw BadRequest("Invalid input for field '" + path + "/domain': " + j["domain"].dump() +
                             " is not of type 'object'.");
        ref.domain_id = text_of(j["domain"], "id", path + "/domain");
        ref.domain_name = text_of(j["domain"], "name", path + "/domain");
    }
    if (ref.id.empty() && (ref.name.empty() || (ref.domain_id.empty() && ref.domain_name.empty())))
        throw BadRequest("Expecting to find id, or name and domain, in the request.");
    return ref;
}

/*
 * explicitly_unscoped: the scope a client gives to ask for an unscoped token even where the user has a
 * default project: keystoneauth's "unscoped" (what Horizon's login sends) or its older {"unscoped": {}}.
 */
bool explicitly_unscoped(const json& scope)
{
    return scope == "unscoped" || (scope.is_object() && scope.size() == 1 && scope.contains("unscoped"));
}

/* domain_ref_of: the domain the body's object at `path` names, by id or by name alone; 400 for a malformed one. */
Ref domain_ref_of(const json& j, const std::string& path)
{
    if (!j.is_object())
        throw BadRequest("Invalid input for field '" + path + "': " + j.dump() + " is not of type 'object'.");
    Ref ref{.id = text_of(j, "id", path), .name = text_of(j, "name", path)};
    if (ref.id.empty() && ref.name.empty())
        throw BadRequest("Invalid input for field " + path.substr(path.find('/') + 1) +
                         ": id or name must be present.");
    return ref;
}

// The authentication methods and scopes beyond a password and a project, each offered when the driver has
// what it calls: a client asking for another gets Keystone's answer for a method it does not enable.
const Operations kApplicationCredentialMethod{Op::applicationCredentialAuthenticate, Op::roleList};
// A credential named by its name and its user's is found among the user's own: the driver must list them.
const Operations kApplicationCredentialByName{Op::applicationCredentialList, Op::userList};

// The scopes a request may ask for, exactly one of them (Keystone's trusts are not kept here).
constexpr const char* kScopes[] = {"project", "domain", "system", "unscoped", "OS-TRUST:trust"};

/*
 * default_scope: scope `p` to its user's default project, as Keystone does for a request that
 * names no scope, when that project and its domain are enabled and the user has a role there;
 * otherwise the token stays unscoped.
 */
void default_scope(const Tokens& t, const Driver& d, TokenPayload& p)
{
    std::string project_id = d.userGet(p.user_id).default_project_id;
    if (project_id.empty())
        return;
    try {
        Project project = d.projectFind({.id = project_id});
        if (!project.enabled || !d.domainGet(project.domain_id).enabled)
            return;
        auto roles = t.role_names(d, d.roleListForProject(p.user_id, project.id));
        if (roles.empty())
            return;
        p.project_id = project.id;
        p.roles = std::move(roles);
    } catch (const NotFound&) {
    }
}

/*
 * sealed: the token text of `p`. One too long for any worker to open (the driver's backend
 * credentials take the room) is refused as Keystone refuses what an auth plugin fails at,
 * with its AuthPluginException: 401, "Authentication plugin error."; the log says why,
 * without the credentials.
 */
std::string sealed(const Tokens& t, const Request& req, const TokenPayload& p)
{
    std::string token = t.keys->seal(p);
    if (token.size() > KeyRepository::kTokenMax) {
        log::error(req.id() + " identity: a token of user " + p.user_id + " would be " + std::to_string(token.size()) +
                   " characters, over the " + std::to_string(KeyRepository::kTokenMax) +
                   " a token may have; the identity driver's " + std::to_string(p.credentials.size()) +
                   " bytes of backend credentials must be shorter");
        throw Unauthorized("Authentication plugin error.");
    }
    return token;
}

/*
 * trust_scope: make `p`, a token of the trust's trustee, the trust's token: on its project, as its
 * trustor when it impersonates, with the trust's roles (which the trustor must still hold), until the
 * trust expires at the latest; one of its remaining uses is taken. 403 for anyone but the trustee.
 */
void trust_scope(const Tokens& t, const Driver& d, TokenPayload& p, const json& asked)
{
    if (!asked.is_object())
        throw BadRequest("Invalid input for field 'auth/scope/OS-TRUST:trust': " + asked.dump() +
                         " is not of type 'object'.");
    std::string id = text_of(asked, "id", "auth/scope/OS-TRUST:trust");
    if (!p.application_credential_id.empty())
        throw Forbidden("You are not authorized to perform the requested action: an application credential's token "
                        "does not use a trust.");
    Trust trust;
    try {
        trust = d.trustGet(id);
    } catch (const NotFound&) {
        throw NotFound("Could not find trust: " + id + ".");
    }
    if (trust.trustee_user_id != p.user_id)
        throw Forbidden("You are not authorized to perform the requested action: the user is not the trust's "
                        "trustee.");
    if (trust.expires_at && trust.expires_at <= now())
        throw Unauthorized("The trust has expired.");
    if (trust.project_id.empty())
        throw Unauthorized("The trust names no project to scope to.");
    Project project = d.projectFind({.id = trust.project_id});
    if (!project.enabled)
        throw Unauthorized("The project is disabled.");
    p.roles = t.trust_roles_now(d, trust.id);
    if (p.roles.empty())
        throw Unauthorized("The trustor no longer holds the roles the trust delegates.");
    d.trustConsume(trust.id);
    p.trust_id = trust.id;
    p.project_id = trust.project_id;
    if (trust.impersonation)
        p.user_id = trust.trustor_user_id;
    // No longer than the token it was rescoped from (which set expires_at), nor than the trust.
    if (!p.expires_at)
        p.expires_at = p.issued_at + t.lifetime;
    if (trust.expires_at)
        p.expires_at = std::min(p.expires_at, trust.expires_at);
}

void issue(const Tokens& t, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("auth") || !body["auth"].is_object() ||
        !body["auth"].contains("identity") || !body["auth"]["identity"].is_object())
        throw BadRequest("Expecting to find identity in auth.");
    const json& auth = body["auth"];
    const json& identity = auth["identity"];
    if (!identity.contains("methods"))
        throw BadRequest("Expecting to find methods in identity.");
    const json& listed = identity["methods"];
    if (!listed.is_array() || listed.empty() ||
        std::any_of(listed.begin(), listed.end(), [](const json& m) { return !m.is_string(); }))
        throw BadRequest("Invalid input for field 'auth/identity/methods': " + listed.dump() +
                         " is not a non-empty list of strings.");
    auto methods = listed.get<std::vector<std::string>>();

    TokenPayload p;
    // Taken before the credentials are read, so that a revocation committed after that read
    // (a new password, a disabled user) is never older than the token it must catch.
    p.issued_at = now();
    p.methods = methods;
    try {
        if (methods[0] == "password") {
            if (!identity.contains("password") || !identity["password"].is_object() ||
                !identity["password"].contains("user"))
                throw BadRequest("Expecting to find user in password.");
            const json& user = identity["password"]["user"];
            Ref ref = ref_of(user, "auth/identity/password/user");
            if (!user.contains("password") || !user["password"].is_string())
                throw BadRequest("Expecting to find password in user.");
            User authenticated = t.driver->userAuthenticate(ref, user["password"].get<std::string>());
            p.user_id = authenticated.id;
            p.credentials = std::move(authenticated.credentials);
        } else if (methods[0] == "token") {
            std::string id = identity.contains("token") ? text_of(identity["token"], "id", "auth/identity/token") : "";
            auto prior = t.payload_of(req, id);
            if (!prior) // Keystone: TokenNotFound, not 401
                throw NotFound("Failed to validate token");
            // A trust's token stands for the trust's roles only: rescoped, it would stand for the user's own.
            if (!prior->trust_id.empty())
                throw Forbidden("You are not authorized to perform the requested action: rescoping a trust's "
                                "token.");
            rescoped_from(p, *prior);
            // As Keystone, the methods that made the first token stay with the ones made from it.
            p.methods = prior->methods;
            if (std::find(p.methods.begin(), p.methods.end(), "token") == p.methods.end())
                p.methods.push_back("token");
        } else if (methods[0] == "application_credential" && t.can(kApplicationCredentialMethod)) {
            const json& c = identity.value("application_credential", json::object());
            if (!c.is_object())
                throw BadRequest("Invalid input for field 'auth/identity/application_credential': " + c.dump() +
                                 " is not of type 'object'.");
            std::string id = text_of(c, "id", "auth/identity/application_credential");
            if (id.empty() && c.contains("user") && t.can(kApplicationCredentialByName)) {
                // By name: the credential of that name among the user's own.
                Ref user = ref_of(c["user"], "auth/identity/application_credential/user");
                std::string user_id = user.id.empty() ? "" : user.id;
                if (user_id.empty())
                    for (const auto& u : t.driver->userList())
                        if (u.name == user.name)
                            user_id = u.id;
                for (const auto& cred : user_id.empty() ? std::vector<ApplicationCredential>{}
                                                        : t.driver->applicationCredentialList(user_id))
                    if (cred.name == text_of(c, "name", "auth/identity/application_credential"))
                        id = cred.id;
            }
            ApplicationCredential cred = t.driver->applicationCredentialAuthenticate(
                id, text_of(c, "secret", "auth/identity/application_credential"));
            p.user_id = cred.user_id;
            p.project_id = cred.project_id;
            p.application_credential_id = cred.id;
            p.credentials = std::move(cred.credentials);
            auto all = t.driver->roleList();
            for (const auto& rid : cred.roles)
                for (const auto& r : all)
                    if (r.id == rid)
                        p.roles.push_back(r.name);
            if (cred.expires_at)
                p.expires_at = std::min<std::int64_t>(now() + t.lifetime, cred.expires_at);
        } else {
            throw Unauthorized("Attempted to authenticate with an unsupported method.");
        }
    } catch (const nlohmann::json::exception&) {
        throw BadRequest("Malformed authentication request.");
    }

    // From here on the driver answers for the user authenticated, with their backend credentials.
    auto acting = t.as(p.credentials);
    if (!p.application_credential_id.empty()) {
        // The credential fixes the scope; a request naming another is refused.
        if (auth.contains("scope") && auth["scope"].is_object() && auth["scope"].contains("project")) {
            Project asked = acting->projectFind(ref_of(auth["scope"]["project"], "auth/scope/project"));
            if (asked.id != p.project_id)
                throw Unauthorized("Application credentials cannot request a scope.");
        }
        if (p.roles.empty())
            throw Unauthorized("The application credential has no roles left on its project.");
    } else if (auth.contains("scope") && !auth["scope"].is_null() && !explicitly_unscoped(auth["scope"])) {
        const json& scope = auth["scope"];
        if (!scope.is_object())
            throw BadRequest("Invalid input for field 'auth/scope': " + scope.dump() + " is not of type 'object'.");
        if (std::count_if(std::begin(kScopes), std::end(kScopes), [&](const char* k) { return scope.contains(k); }) !=
            1)
            throw BadRequest("Expecting to find system, project, domain, OS-TRUST:trust or unscoped in scope.");
        if (scope.contains("project")) {
            Project project;
            try {
                project = acting->projectFind(ref_of(scope["project"], "auth/scope/project"));
            } catch (const NotFound&) {
                throw Unauthorized("User " + p.user_id + " has no access to the requested project.");
            }
            if (!project.enabled)
                throw Unauthorized("The project is disabled.");
            p.project_id = project.id;
            p.roles = t.role_names(*acting, acting->roleListForProject(p.user_id, project.id));
        } else if (scope.contains("domain")) {
            Ref asked = domain_ref_of(scope["domain"], "auth/scope/domain");
            // A driver without domain roles has given the user none: as for a domain it does not know.
            std::optional<Domain> domain;
            try {
                if (t.can(kDomainScope))
                    domain = acting->domainFind(asked);
            } catch (const NotFound&) {
            }
            if (!domain)
                throw Unauthorized("User " + p.user_id + " has no access to the requested domain.");
            if (!domain->enabled)
                throw Unauthorized("Domain is disabled: " + domain->id + ".");
            p.domain_id = domain->id;
            p.roles = t.role_names(*acting, acting->roleListForDomain(p.user_id, domain->id));
        } else if (scope.contains("system")) {
            const json& system = scope["system"];
            if (!system.is_object() || (system.contains("all") && !system["all"].is_boolean()))
                throw BadRequest("Invalid input for field 'auth/scope/system': " + system.dump() +
                                 " is not an object with a boolean 'all'.");
            if (!t.can(kSystemScope))
                throw Unauthorized("User " + p.user_id + " has no access to the system.");
            p.system = true;
            p.roles = t.role_names(*acting, acting->roleListForSystem(p.user_id));
            if (p.roles.empty())
                throw Unauthorized("User " + p.user_id + " has no access to the system.");
        } else if (scope.contains("OS-TRUST:trust") && t.can(kTrusts)) {
            trust_scope(t, *acting, p, scope["OS-TRUST:trust"]);
        } else if (!scope.contains("unscoped")) {
            throw BadRequest("Unsupported scope: project, domain, system or unscoped.");
        }
        if (p.roles.empty() && !scope.contains("unscoped"))
            throw Unauthorized("User " + p.user_id + " has no roles on the requested scope.");
    } else if (!auth.contains("scope") || auth["scope"].is_null()) {
        // A client that asked for no token scope in so many words keeps it unscoped.
        default_scope(t, *acting, p);
    }
    if (!p.expires_at)
        p.expires_at = p.issued_at + t.lifetime;
    if (p.audit_id.empty())
        p.audit_id = api::identity::new_audit_id();

    resp.status = 201;
    resp.set_header("X-Subject-Token", sealed(t, req, p));
    resp.json(t.view(req, p, !req.has_query("nocatalog")));
}

/*
 * subject: the payload of the token a request names (X-Subject-Token, or the path's in v2.0),
 * or 404; the authenticate hook has already vouched for X-Auth-Token. As Keystone's
 * token_subject rule, only an admin looks at another user's token.
 */
TokenPayload subject(const Tokens& t, const Request& req, std::string_view text, std::string_view action)
{
    auto p = t.payload_of(req, text);
    if (!p)
        throw NotFound("Could not find token: " + std::string(text.substr(0, 16)) + "...");
    const Context& caller = req.context();
    if (caller.user_id != p->user_id && !caller.is_admin())
        throw Forbidden("You are not authorized to perform the requested action: identity:" + std::string(action) +
                        ".");
    return *p;
}

TokenPayload subject(const Tokens& t, const Request& req, std::string_view action)
{
    return subject(t, req, req.header("X-Subject-Token"), action);
}

// Keystone v2.0: the same tokens, in the older shapes; users and projects of the default domain.
// A v2.0 catalog entry has one endpoint per region, with a URL for each interface.
json v2_catalog(const Tokens& t, const Request& req, const std::string& user_id, const std::string& project_id)
{
    json out = json::array();
    for (const auto& service : t.catalog(req, user_id, project_id)) {
        json endpoints = json::array();
        for (const auto& e : service["endpoints"]) {
            auto same = std::find_if(endpoints.begin(), endpoints.end(),
                                     [&](const json& v) { return v["region"] == e["region"]; });
            if (same == endpoints.end()) {
                endpoints.push_back({{"id", e["id"]}, {"region", e["region"]}});
                same = endpoints.end() - 1;
            }
            (*same)[e["interface"].get<std::string>() + "URL"] = e["url"];
        }
        out.push_back({{"type", service["type"]},
                       {"name", service["name"]},
                       {"endpoints", std::move(endpoints)},
                       {"endpoints_links", json::array()}});
    }
    return out;
}

json v2_access(const Tokens& t, const Request& req, const TokenPayload& p, const std::string& id, bool with_catalog)
{
    auto d = t.as(p.credentials);
    User user = d->userGet(p.user_id);
    json token = {{"id", id},
                  {"issued_at", iso_time(p.issued_at)},
                  {"expires", iso_time(p.expires_at)},
                  {"audit_ids", audit_ids(p)}};
    json roles = json::array(), role_ids = json::array();
    auto all = d->roleList();
    for (const auto& name : p.roles)
        for (const auto& r : all)
            if (r.name == name) {
                roles.push_back({{"name", r.name}, {"id", r.id}});
                role_ids.push_back(r.id);
            }
    if (!p.project_id.empty()) {
        Project project = d->projectFind({.id = p.project_id});
        token["tenant"] = {{"id", project.id},
                           {"name", project.name},
                           {"enabled", project.enabled},
                           {"description", project.description}};
    }
    json access = {{"token", std::move(token)},
                   {"user",
                    {{"id", user.id},
                     {"name", user.name},
                     {"username", user.name},
                     {"roles", std::move(roles)},
                     {"roles_links", json::array()}}},
                   {"metadata", {{"is_admin", 0}, {"roles", std::move(role_ids)}}}};
    if (with_catalog)
        access["serviceCatalog"] = p.project_id.empty() ? json::array() : v2_catalog(t, req, p.user_id, p.project_id);
    return {{"access", std::move(access)}};
}

void issue_v2(const Tokens& t, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("auth") || !body["auth"].is_object())
        throw BadRequest("Expecting to find auth in the request body.");
    const json& auth = body["auth"];
    TokenPayload p;
    p.issued_at = now(); // before the credentials are read, as in issue()
    try {
        if (auth.contains("passwordCredentials")) {
            const json& c = auth["passwordCredentials"];
            std::string password = c.value("password", "");
            Ref ref{.name = c.value("username", ""), .domain_id = "default"};
            if (c.contains("userId"))
                ref = {.id = c.value("userId", "")};
            if (ref.id.empty() && ref.name.empty())
                throw BadRequest("Expecting to find username or userId in passwordCredentials.");
            User authenticated = t.driver->userAuthenticate(ref, password);
            p.user_id = authenticated.id;
            p.credentials = std::move(authenticated.credentials);
            p.methods = {"password"};
        } else if (auth.contains("token") && auth["token"].is_object()) {
            auto prior = t.payload_of(req, auth["token"].value("id", ""));
            if (!prior)
                throw Unauthorized("The request you have made requires authentication.");
            rescoped_from(p, *prior);
            p.methods = {"token"};
        } else {
            throw BadRequest("Expecting to find passwordCredentials or token in auth.");
        }
        auto acting = t.as(p.credentials);
        std::string tenant_id = auth.value("tenantId", "");
        std::string tenant_name = auth.value("tenantName", "");
        if (!tenant_id.empty() || !tenant_name.empty()) {
            Project project;
            try {
                project = acting->projectFind(tenant_id.empty() ? Ref{.name = tenant_name, .domain_id = "default"}
                                                                : Ref{.id = tenant_id});
            } catch (const NotFound&) {
                throw Unauthorized("User " + p.user_id + " is unauthorized for tenant " +
                                   (tenant_id.empty() ? tenant_name : tenant_id) + ".");
            }
            if (!project.enabled)
                throw Unauthorized("The project is disabled.");
            p.project_id = project.id;
            for (const auto& r : acting->roleListForProject(p.user_id, project.id))
                if (r.domain_id.empty()) // as Keystone: a domain's own role is in no token
                    p.roles.push_back(r.name);
            if (p.roles.empty())
                throw Unauthorized("User " + p.user_id + " is unauthorized for tenant " + project.id + ".");
        }
    } catch (const nlohmann::json::exception&) {
        throw BadRequest("Malformed authentication request.");
    }
    if (!p.expires_at)
        p.expires_at = p.issued_at + t.lifetime;
    if (p.audit_id.empty())
        p.audit_id = api::identity::new_audit_id();
    resp.json(v2_access(t, req, p, sealed(t, req, p), true));
}

std::unique_ptr<KeyRepository> open_keys(const std::string& dir)
{
    // Workers starting together must not each write a different first key.
    std::string lock = dir + ".lock";
    int fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0)
        flock(fd, LOCK_EX);
    KeyRepository::setup(dir);
    if (fd >= 0)
        close(fd);
    return std::make_unique<KeyRepository>(dir);
}

// Endpoints any client reaches without a token: discovery, getting a token, and changing one's own
// password, which the original password authorises (as in Keystone: the old token may be revoked already).
bool is_public(const Request& req)
{
    const std::string& e = req.endpoint();
    if (e == "versions" || e == "versions_alias" || e == "index" || e.ends_with("_index"))
        return true;
    std::string_view service = req.dispatcher()->service();
    return service == "identity" && req.method() == "POST" &&
           (e == "v3_auth_tokens" || e == "v2_tokens" || e == "v3_user_password");
}

/* The before hook of every service: X-Auth-Token into the request's Context, or 401. */
void authenticate(const Tokens& t, Request& req)
{
    if (is_public(req))
        return;
    auto p = t.payload_of(req, req.header("X-Auth-Token"));
    if (!p)
        throw Unauthorized("The request you have made requires authentication.");
    Context& ctx = req.context();
    ctx.authenticated = true;
    ctx.user_id = p->user_id;
    ctx.project_id = p->project_id;
    ctx.domain_id = p->domain_id;
    ctx.roles = p->roles;
    ctx.auth_token = std::string(req.header("X-Auth-Token"));
    ctx.credentials = p->credentials;
    // Every service but Keystone acts within a project: an unscoped or domain-scoped token
    // proves who the caller is, not where they may act (Nova's policies refuse it the same way).
    if (ctx.project_id.empty() && std::string_view(req.dispatcher()->service()) != "identity")
        throw Forbidden("A token scoped to a project is required; this token is " +
                        std::string(p->system               ? "scoped to the system"
                                    : ctx.domain_id.empty() ? "unscoped"
                                                            : "scoped to a domain") +
                        ".");
    // As Keystone: a delegation (a trust's token, an application credential's) neither makes trusts nor manages
    // them, so that it cannot widen what it was given; redelegation is not offered.
    if ((!p->trust_id.empty() || !p->application_credential_id.empty()) && req.endpoint().starts_with("v3_trust"))
        throw Forbidden("You are not authorized to perform the requested action: Delegated tokens cannot manage "
                        "trusts.");
    // A project in the path must be the token's own, unless an admin asks.
    if (req.has_param("tenant_id") && req.param("tenant_id") != ctx.project_id && !ctx.is_admin())
        throw Forbidden("Project " + req.param("tenant_id") + " is not the project of the token.");
}

void token_validate(const Tokens& t, const Request& req, Response& resp)
{
    TokenPayload p = subject(t, req, "validate_token");
    std::string text(req.header("X-Subject-Token"));
    resp.bytes(t.view_body(req, text, p, !req.has_query("nocatalog")), "application/json");
    resp.set_header("X-Subject-Token", std::move(text));
}

void token_check(const Tokens& t, const Request& req, Response& resp)
{
    subject(t, req, "check_token");
    resp.set_header("X-Subject-Token", std::string(req.header("X-Subject-Token")));
}

void token_revoke(const Tokens& t, const Request& req, Response& resp)
{
    TokenPayload p = subject(t, req, "revoke_token");
    t.as(p.credentials)->tokenRevoke(p.audit_id, p.expires_at);
    resp.status = 204;
}

/*
 * The token a v2 validation names; with belongsTo, only if it is scoped to that tenant (by id): else 401,
 * as Keystone's v2.0 validation answered (the original Jumpgate answered 404).
 */
TokenPayload v2_subject(const Tokens& t, const Request& req, std::string_view action)
{
    TokenPayload p = subject(t, req, req.param("token_id"), action);
    if (req.has_query("belongsTo") && req.query("belongsTo") != p.project_id)
        throw Unauthorized("The token is not scoped to tenant " + std::string(req.query("belongsTo")) + ".");
    return p;
}

void v2_token_validate(const Tokens& t, const Request& req, Response& resp)
{
    resp.json(v2_access(t, req, v2_subject(t, req, "validate_token"), req.param("token_id"), false));
}

void v2_token_check(const Tokens& t, const Request& req, Response& resp)
{
    v2_subject(t, req, "check_token");
    resp.status = 200;
}

void v2_token_revoke(const Tokens& t, const Request& req, Response& resp)
{
    TokenPayload p = subject(t, req, req.param("token_id"), "revoke_token");
    t.as(p.credentials)->tokenRevoke(p.audit_id, p.expires_at);
    resp.status = 204;
}

void v2_token_endpoints(const Tokens& t, const Request& req, Response& resp)
{
    TokenPayload p = subject(t, req, req.param("token_id"), "validate_token");
    json endpoints = json::array();
    for (const auto& service : v2_catalog(t, req, p.user_id, p.project_id))
        for (auto e : service["endpoints"]) {
            e["type"] = service["type"];
            e["name"] = service["name"];
            endpoints.push_back(std::move(e));
        }
    resp.json({{"endpoints", std::move(endpoints)}, {"endpoints_links", json::array()}});
}

/*
 * The caller's tenants, as Keystone's public endpoint listed them; at the admin endpoint (the catalog's
 * identity `admin` URL, kAdminAlias) every tenant, to an admin only, as Keystone's admin endpoint.
 */
void v2_tenant_list(const Tokens& t, const Request& req, Response& resp)
{
    auto d = t.as(req.context().credentials);
    std::vector<Project> projects;
    // A driver that cannot list every project (an upstream's identity, for one) answers the admin with theirs.
    if (req.alias() == api::identity::kAdminAlias)
        require_admin(req, "list_projects");
    if (req.alias() == api::identity::kAdminAlias && t.can(Operations{Op::projectList}))
        projects = d->projectList();
    else
        projects = d->projectListForUser(req.context().user_id);
    json tenants = json::array();
    for (const auto& pr : projects)
        tenants.push_back({{"id", pr.id}, {"name", pr.name}, {"enabled", pr.enabled}, {"description", pr.description}});
    resp.json({{"tenants", std::move(tenants)}, {"tenants_links", json::array()}});
}

/* V2Extension: one of Keystone v2.0's extensions that this Jumpgate serves. */
struct V2Extension {
    const char* alias;
    const char* name;
    const char* description;
};

constexpr V2Extension kV2Extensions[] = {
    {"OS-KSADM", "OpenStack Keystone Admin", "Tenants, users, roles and services created, changed and deleted."},
    {"OS-KSCRUD", "OpenStack Keystone User CRUD", "A user changes their own password."},
    {"OS-EC2", "OpenStack EC2 API", "EC2 access keys kept as credentials."},
};

json v2_extension_view(const V2Extension& e)
{
    return {{"alias", e.alias},
            {"name", e.name},
            {"description", e.description},
            {"namespace", std::string("https://docs.openstack.org/identity/api/ext/") + e.alias + "/v1.0"},
            {"updated", "2013-07-07T12:00:00-00:00"},
            {"links", json::array()}};
}

void v2_extension_list(const Tokens&, const Request&, Response& resp)
{
    json values = json::array();
    for (const auto& e : kV2Extensions)
        values.push_back(v2_extension_view(e));
    resp.json({{"extensions", {{"values", std::move(values)}}}});
}

void v2_extension_show(const Tokens&, const Request& req, Response& resp)
{
    for (const auto& e : kV2Extensions)
        if (req.param("alias") == e.alias) {
            resp.json({{"extension", v2_extension_view(e)}});
            return;
        }
    throw NotFound("Could not find extension: " + req.param("alias") + ".");
}

/*
 * OS-KSCRUD: a user's change of their own password ({"user": {"password", "original_password"}}),
 * which the original password authorises and the password history binds; the user's tokens end
 * with it, and the answer is a new unscoped token, as Keystone v2.0 gave.
 */
void v2_user_password_change(const Tokens& t, const Request& req, Response& resp)
{
    std::string user_id = req.param("user_id");
    if (user_id != req.context().user_id)
        throw Forbidden("You are not authorized to perform the requested action: identity:update_user.");
    const json& b = body(req, "user");
    std::string password = text(b, "password");
    if (password.empty())
        throw BadRequest("Invalid input for field 'password': it may not be empty.");
    auto d = t.as(req.context().credentials);
    User user = d->userAuthenticate({.id = user_id}, text(b, "original_password"));
    d->userPasswordSet(user_id, password);
    TokenPayload p;
    p.issued_at = now();
    p.user_id = user_id;
    p.credentials = std::move(user.credentials);
    p.methods = {"password"};
    p.expires_at = p.issued_at + t.lifetime;
    p.audit_id = api::identity::new_audit_id();
    resp.json({{"access", {{"token", v2_access(t, req, p, sealed(t, req, p), false)["access"]["token"]}}}});
}

json auth_links(const Request& req)
{
    return {{"self", req.dispatcher()->endpoint_url(req, req.endpoint())}, {"previous", nullptr}, {"next", nullptr}};
}

void auth_domains(const Tokens& t, const Request& req, Response& resp)
{
    const Context& caller = req.context();
    auto d = t.as(caller.credentials);
    json domains = json::array();
    std::vector<std::string> seen;
    std::vector<std::string> groups; // the caller's, whose roles on a domain are the caller's too
    for (const auto& g : d->groupListForUser(caller.user_id))
        groups.push_back(g.id);
    for (const auto& a : d->roleAssignmentList())
        if ((a.group_id.empty() ? a.user_id == caller.user_id
                                : std::find(groups.begin(), groups.end(), a.group_id) != groups.end()) &&
            !a.domain_id.empty() && !a.inherited && std::find(seen.begin(), seen.end(), a.domain_id) == seen.end()) {
            seen.push_back(a.domain_id);
            Domain domain = d->domainGet(a.domain_id);
            domains.push_back(
                {{"id", domain.id},
                 {"name", domain.name},
                 {"description", domain.description},
                 {"enabled", domain.enabled},
                 {"links",
                  {{"self", req.dispatcher()->endpoint_url(req, "v3_domains_with_id", {{"domain_id", domain.id}})}}}});
        }
    resp.json({{"domains", std::move(domains)}, {"links", auth_links(req)}});
}

// As Keystone: only a project's token has a catalog to give (a domain's or the system's would leave out
// every service whose URLs name a project).
void auth_catalog(const Tokens& t, const Request& req, Response& resp)
{
    if (req.context().project_id.empty())
        throw Forbidden("A project-scoped token is required to produce a service catalog.");
    resp.json(
        {{"catalog", t.catalog(req, req.context().user_id, req.context().project_id)}, {"links", auth_links(req)}});
}

void auth_projects(const Tokens& t, const Request& req, Response& resp)
{
    json projects = json::array();
    for (const auto& pr : t.as(req.context().credentials)->projectListForUser(req.context().user_id))
        projects.push_back(view(req, pr));
    resp.json({{"projects", std::move(projects)}, {"links", auth_links(req)}});
}

// What a token's view calls (Tokens::view): its user, the user's and project's domains, its project, the roles.
const Operations kView{Op::userGet, Op::domainGet, Op::projectFind, Op::roleList};
const Operations kV2Access{Op::userGet, Op::projectFind, Op::roleList};

// Every row that seals or opens a token has kValidate, so the keys are there whenever it is served.
const Binding<Tokens> kTokens[] = {
    {"v3_auth_tokens", "POST", kValidate | kView | Operations{Op::userAuthenticate}, issue},
    {"v3_auth_tokens", "GET", kValidate | kView, token_validate},
    {"v3_auth_tokens", "HEAD", kValidate, token_check},
    {"v3_auth_tokens", "DELETE", kValidate | Operations{Op::tokenRevoke}, token_revoke},
    {"v3_auth_catalog", "GET", {}, auth_catalog},
    {"v3_auth_projects", "GET", {Op::projectListForUser}, auth_projects},
    {"v3_auth_domains", "GET", {Op::roleAssignmentList, Op::groupListForUser, Op::domainGet}, auth_domains},
    {"v2_tokens", "POST", kValidate | kV2Access | Operations{Op::userAuthenticate}, issue_v2},
    {"v2_token", "GET", kValidate | kV2Access, v2_token_validate},
    {"v2_token", "HEAD", kValidate, v2_token_check},
    {"v2_token", "DELETE", kValidate | Operations{Op::tokenRevoke}, v2_token_revoke},
    {"v2_token_endpoints", "GET", kValidate, v2_token_endpoints},
    {"v2_tenants", "GET", {Op::projectListForUser}, v2_tenant_list},
    // The original Jumpgate's path for the same list (seed 001), which its clients may still ask.
    {"v2_token_tenants", "GET", {Op::projectListForUser}, v2_tenant_list},
    {"v2_extensions", "GET", {}, v2_extension_list},
    {"v2_extension_alias", "GET", {}, v2_extension_show},
    {"v2_user_own_password", "PATCH", kValidate | kV2Access | Operations{Op::userAuthenticate, Op::userPasswordSet},
     v2_user_password_change},
};

} // namespace

namespace detail {

void install(App& app, Dispatcher& disp, std::shared_ptr<const Driver> driver, const Operations& operations)
{
    app.set_identity(driver);
    const Config& cfg = app.config();
    bool validates = operations.lacking(kValidate).empty();
    long long expiration = cfg.integer("identity", "token_expiration", 60, 31536000);
    std::unique_ptr<KeyRepository> keys;
    // A check serves no token: the keys a worker makes when there are none are left for it to make.
    if (validates && !app.checking()) {
        std::string dir = cfg.get("identity", "key_repository");
        keys = open_keys(dir.empty() ? app.state_dir() + "/token-keys" : dir);
    }
    api::identity::CatalogSource catalogs{app, driver, operations, cfg.get("identity", "region")};
    // As keystone-manage bootstrap makes the identity endpoints: the stack's own, stored once.
    if (operations.has(static_cast<unsigned>(Op::catalogSeed)) && !app.checking())
        driver->catalogSeed(stack_catalog(catalogs.region));
    auto t = std::make_shared<const Tokens>(Tokens{app, driver, operations, std::move(keys), expiration, catalogs});
    bind_table(disp, std::span<const Binding<Tokens>>(kTokens), t, operations);
    bind_table(disp, api::identity::catalog_bindings(), std::make_shared<const api::identity::CatalogSource>(catalogs),
               operations);
    auto acting_for_caller = +[](const std::shared_ptr<const Driver>& d, const Request& req) {
        return acting(d, req.context().credentials);
    };
    for (auto table :
         {api::identity::resource_bindings(), api::identity::group_bindings(), api::identity::credential_bindings(),
          api::identity::v2_admin_bindings(), api::identity::trust_bindings(), api::identity::consumer_bindings(),
          api::identity::domain_config_bindings()})
        bind_table(disp, table, driver, operations, acting_for_caller);
    if (!validates)
        return;
    app.set_authenticator([t](Request& req, Response&) { authenticate(*t, req); });
    // Every 401, from the hook or a handler, tells the client where to authenticate.
    app.add_after_hook([t](Request& req, Response& resp) {
        if (resp.status == 401 && !resp.header("WWW-Authenticate"))
            if (const Dispatcher* identity = t->app.dispatcher("identity"))
                resp.set_header("WWW-Authenticate", "Keystone uri=\"" + identity->base_url(req) + "\"");
    });
}

} // namespace detail

#define NOT_IMPLEMENTED(what) throw NotImplemented(what " is not implemented by this driver.")
User Driver::userAuthenticate(const Ref&, const std::string&) const
{
    NOT_IMPLEMENTED("userAuthenticate");
}
User Driver::userGet(const std::string&) const
{
    NOT_IMPLEMENTED("userGet");
}
User Driver::userCreate(const User&, const std::string&) const
{
    NOT_IMPLEMENTED("userCreate");
}
Domain Driver::domainGet(const std::string&) const
{
    NOT_IMPLEMENTED("domainGet");
}
Domain Driver::domainFind(const Ref&) const
{
    NOT_IMPLEMENTED("domainFind");
}
Project Driver::projectFind(const Ref&) const
{
    NOT_IMPLEMENTED("projectFind");
}
Project Driver::projectCreate(const Project&) const
{
    NOT_IMPLEMENTED("projectCreate");
}
std::vector<Project> Driver::projectListForUser(const std::string&) const
{
    NOT_IMPLEMENTED("projectListForUser");
}
std::vector<Role> Driver::roleList() const
{
    NOT_IMPLEMENTED("roleList");
}
Role Driver::roleCreate(const Role&) const
{
    NOT_IMPLEMENTED("roleCreate");
}
std::vector<Role> Driver::roleListForProject(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("roleListForProject");
}
std::vector<Role> Driver::roleListForDomain(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("roleListForDomain");
}
void Driver::roleAssign(const Assignment&) const
{
    NOT_IMPLEMENTED("roleAssign");
}
void Driver::tokenRevoke(const std::string&, std::int64_t) const
{
    NOT_IMPLEMENTED("tokenRevoke");
}
bool Driver::tokenIsRevoked(const std::string&, const std::string&, const std::string&, std::int64_t) const
{
    NOT_IMPLEMENTED("tokenIsRevoked");
}
std::optional<std::int64_t> Driver::generation() const
{
    return std::nullopt;
}
std::shared_ptr<const Driver> Driver::actingFor(const std::string&) const
{
    return nullptr;
}

std::shared_ptr<const Driver> acting(const std::shared_ptr<const Driver>& driver, const std::string& credentials)
{
    auto bound = driver->actingFor(credentials);
    return bound ? bound : driver;
}
std::vector<Domain> Driver::domainList() const
{
    NOT_IMPLEMENTED("domainList");
}
Domain Driver::domainCreate(const Domain&) const
{
    NOT_IMPLEMENTED("domainCreate");
}
Domain Driver::domainUpdate(const Domain&) const
{
    NOT_IMPLEMENTED("domainUpdate");
}
void Driver::domainDelete(const std::string&) const
{
    NOT_IMPLEMENTED("domainDelete");
}
std::vector<Project> Driver::projectList() const
{
    NOT_IMPLEMENTED("projectList");
}
Project Driver::projectUpdate(const Project&) const
{
    NOT_IMPLEMENTED("projectUpdate");
}
void Driver::projectDelete(const std::string&) const
{
    NOT_IMPLEMENTED("projectDelete");
}
std::vector<User> Driver::userList() const
{
    NOT_IMPLEMENTED("userList");
}
User Driver::userUpdate(const User&) const
{
    NOT_IMPLEMENTED("userUpdate");
}
void Driver::userDelete(const std::string&) const
{
    NOT_IMPLEMENTED("userDelete");
}
void Driver::userPasswordSet(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("userPasswordSet");
}
Role Driver::roleUpdate(const Role&) const
{
    NOT_IMPLEMENTED("roleUpdate");
}
void Driver::roleDelete(const std::string&) const
{
    NOT_IMPLEMENTED("roleDelete");
}
void Driver::roleUnassign(const Assignment&) const
{
    NOT_IMPLEMENTED("roleUnassign");
}
std::vector<Assignment> Driver::roleAssignmentList() const
{
    NOT_IMPLEMENTED("roleAssignmentList");
}
ApplicationCredential Driver::applicationCredentialCreate(const ApplicationCredential&, const std::string&) const
{
    NOT_IMPLEMENTED("applicationCredentialCreate");
}
std::vector<ApplicationCredential> Driver::applicationCredentialList(const std::string&) const
{
    NOT_IMPLEMENTED("applicationCredentialList");
}
void Driver::applicationCredentialDelete(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("applicationCredentialDelete");
}
ApplicationCredential Driver::applicationCredentialAuthenticate(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("applicationCredentialAuthenticate");
}
std::vector<Role> Driver::roleListForSystem(const std::string&) const
{
    NOT_IMPLEMENTED("roleListForSystem");
}
void Driver::roleAssignSystem(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("roleAssignSystem");
}
void Driver::roleUnassignSystem(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("roleUnassignSystem");
}
std::vector<RoleInference> Driver::roleInferenceList() const
{
    NOT_IMPLEMENTED("roleInferenceList");
}
void Driver::roleInferenceCreate(const RoleInference&) const
{
    NOT_IMPLEMENTED("roleInferenceCreate");
}
void Driver::roleInferenceDelete(const RoleInference&) const
{
    NOT_IMPLEMENTED("roleInferenceDelete");
}
void Driver::userPasswordReset(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("userPasswordReset");
}
#undef NOT_IMPLEMENTED

} // namespace jumpgate::identity
