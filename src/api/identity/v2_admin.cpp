// SPDX-License-Identifier: Apache-2.0
// Keystone v2.0's administrative API (tenants, users, roles and their grants), on the same rows as v3's.
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/fault.hpp>

#include <algorithm>

#include <openssl/rand.h>

#include "api/identity/fields.hpp"
#include "api/identity/identity.hpp"

namespace jumpgate::identity {

namespace {

/*
 * As Keystone before v2.0 was removed: a v2 tenant is a v3 project (made in the default domain) and
 * a v2 user a user (listed and made there), shown without their domain; every call is the admin's (its own user reads
 * itself and its roles); a user's tenantId is its default project, where creating it gives it the
 * member role.
 */
constexpr const char* kDefaultDomain = "default";

json v2_tenant(const Project& p)
{
    return {{"id", p.id}, {"name", p.name}, {"description", p.description}, {"enabled", p.enabled}};
}

json v2_user(const User& u)
{
    json v = {{"id", u.id}, {"name", u.name}, {"username", u.name}, {"enabled", u.enabled}};
    if (!u.email.empty())
        v["email"] = u.email;
    if (!u.default_project_id.empty())
        v["tenantId"] = u.default_project_id;
    return v;
}

json v2_role(const Role& r)
{
    return {{"id", r.id}, {"name", r.name}};
}

json v2_roles(const std::vector<Role>& list)
{
    json out = json::array();
    for (const auto& r : list)
        out.push_back(v2_role(r));
    return {{"roles", out}, {"roles_links", json::array()}};
}

Role role_by_id(const Driver& d, const std::string& id)
{
    for (const auto& r : d.roleList())
        if (r.id == id)
            return r;
    throw NotFound("Could not find role: " + id + ".");
}

/* member_role: the role a user gets on the tenant it is created or moved into (Keystone's member_role_name). */
Role member_role(const Driver& d)
{
    for (const auto& r : d.roleList())
        if (r.name == "member")
            return r;
    throw NotFound("Could not find role: member.");
}

/* v2_project: the tenant the path names: any project, as Keystone's v2 found one by id whatever its domain. */
Project v2_project(const Driver& d, const std::string& id)
{
    return d.projectFind({.id = id});
}

/* v2_name: a user's name as v2 takes it, `name` or `username`; `fallback` when neither. */
std::string v2_name(const json& b, std::size_t max, const std::optional<std::string>& fallback)
{
    return name_text(b, b.contains("name") || !b.contains("username") ? "name" : "username", max, fallback);
}

void tenant_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_project");
    const json& b = body(req, "tenant");
    Project created = d.projectCreate({.name = name_text(b, "name", 64),
                                       .domain_id = kDefaultDomain,
                                       .description = text(b, "description"),
                                       .enabled = flag(b, "enabled", true)});
    resp.json({{"tenant", v2_tenant(created)}});
}

void tenant_show(const Driver& d, const Request& req, Response& resp)
{
    if (req.context().project_id != req.param("tenant_id"))
        require_admin(req, "get_project");
    resp.json({{"tenant", v2_tenant(v2_project(d, req.param("tenant_id")))}});
}

void tenant_update(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_project");
    Project p = v2_project(d, req.param("tenant_id"));
    const json& b = body(req, "tenant");
    p.name = name_text(b, "name", 64, p.name);
    p.description = text(b, "description", p.description);
    p.enabled = flag(b, "enabled", p.enabled);
    resp.json({{"tenant", v2_tenant(d.projectUpdate(p))}});
}

void tenant_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_project");
    v2_project(d, req.param("tenant_id"));
    d.projectDelete(req.param("tenant_id"));
    resp.status = 204;
}

// The users with a role of their own on the tenant.
void tenant_users(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_user_projects");
    Project p = v2_project(d, req.param("tenant_id"));
    std::vector<std::string> ids;
    for (const auto& a : d.roleAssignmentList())
        if (a.project_id == p.id && !a.user_id.empty() && !a.inherited &&
            std::find(ids.begin(), ids.end(), a.user_id) == ids.end())
            ids.push_back(a.user_id);
    json out = json::array();
    for (const auto& id : ids)
        out.push_back(v2_user(d.userGet(id)));
    resp.json({{"users", std::move(out)}});
}

void user_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_users");
    json out = json::array();
    for (const auto& u : d.userList())
        if (u.domain_id == kDefaultDomain) {
            if (req.has_query("name") && u.name == req.query("name")) {
                resp.json({{"user", v2_user(u)}});
                return;
            }
            out.push_back(v2_user(u));
        }
    if (req.has_query("name"))
        throw NotFound("Could not find user: " + std::string(req.query("name")) + ".");
    resp.json({{"users", out}, {"users_links", json::array()}});
}

void user_show(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "get_user");
    resp.json({{"user", v2_user(d.userGet(req.param("user_id")))}});
}

/* password_of: the password a v2 body sets, `password` or OS-KSADM's `OS-KSADM:password`. */
std::string password_of(const json& b)
{
    return text(b, b.contains("OS-KSADM:password") ? "OS-KSADM:password" : "password");
}

void user_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_user");
    const json& b = body(req, "user");
    User u{.name = v2_name(b, 255, std::nullopt),
           .domain_id = kDefaultDomain,
           .email = text(b, "email"),
           .enabled = flag(b, "enabled", true),
           .default_project_id = text(b, "tenantId")};
    if (!u.default_project_id.empty())
        d.projectFind({.id = u.default_project_id});
    std::string password = password_of(b);
    if (password.empty()) {
        // A user without a password cannot authenticate with one: a random secret.
        unsigned char bytes[24];
        RAND_bytes(bytes, sizeof bytes);
        password.assign(reinterpret_cast<const char*>(bytes), sizeof bytes);
    }
    User created = d.userCreate(u, password);
    if (!created.default_project_id.empty())
        d.roleAssign({.role_id = member_role(d).id, .user_id = created.id, .project_id = created.default_project_id});
    resp.json({{"user", v2_user(created)}});
}

/*
 * user_change: a user's name, email, enabled, tenantId (the member role follows it to the new
 * tenant) and password, those `b` gives; what Keystone's v2 update, enabled and password calls share.
 */
User user_change(const Driver& d, const std::string& user_id, const json& b)
{
    User u = d.userGet(user_id);
    u.name = v2_name(b, 255, u.name);
    u.email = text(b, "email", u.email);
    u.enabled = flag(b, "enabled", u.enabled);
    std::string before = u.default_project_id;
    if (b.contains("tenantId") && !b["tenantId"].is_null()) {
        u.default_project_id = text(b, "tenantId");
        if (u.default_project_id != before)
            d.projectFind({.id = u.default_project_id});
    }
    User updated = d.userUpdate(u);
    if (updated.default_project_id != before) {
        Role member = member_role(d);
        if (!before.empty())
            try {
                d.roleUnassign({.role_id = member.id, .user_id = user_id, .project_id = before});
            } catch (const NotFound&) { // as Keystone: a user who had no role there is moved all the same
            }
        if (!updated.default_project_id.empty())
            d.roleAssign({.role_id = member.id, .user_id = user_id, .project_id = updated.default_project_id});
    }
    if (!password_of(b).empty())
        d.userPasswordReset(user_id, password_of(b));
    return updated;
}

void user_update(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_user");
    resp.json({{"user", v2_user(user_change(d, req.param("user_id"), body(req, "user")))}});
}

void user_enabled(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_user");
    const json& b = body(req, "user");
    if (!b.contains("enabled"))
        throw BadRequest("Invalid input for field 'enabled': it is required.");
    resp.json({{"user", v2_user(user_change(d, req.param("user_id"), b))}});
}

void user_password(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_user");
    const json& b = body(req, "user");
    if (password_of(b).empty())
        throw BadRequest("Invalid input for field 'password': it is required.");
    resp.json({{"user", v2_user(user_change(d, req.param("user_id"), b))}});
}

void user_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_user");
    d.userDelete(req.param("user_id"));
    resp.status = 204;
}

// Every role a user holds on any of its projects (Keystone's own answer needed a tenant).
void user_roles(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "list_grants");
    std::vector<Role> held;
    for (const auto& p : d.projectListForUser(req.param("user_id")))
        for (const auto& r : d.roleListForProject(req.param("user_id"), p.id))
            if (std::none_of(held.begin(), held.end(), [&](const Role& h) { return h.id == r.id; }))
                held.push_back(r);
    resp.json(v2_roles(held));
}

void role_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_roles");
    resp.json(v2_roles(d.roleList()));
}

void role_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_role");
    resp.json({{"role", v2_role(d.roleCreate({.name = name_text(body(req, "role"), "name", 255)}))}});
}

void role_show(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "get_role");
    resp.json({{"role", v2_role(role_by_id(d, req.param("role_id")))}});
}

void role_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_role");
    d.roleDelete(req.param("role_id"));
    resp.status = 204;
}

void tenant_user_roles(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "list_grants");
    d.userGet(req.param("user_id"));
    v2_project(d, req.param("tenant_id"));
    resp.json(v2_roles(d.roleListForProject(req.param("user_id"), req.param("tenant_id"))));
}

/* grant: the user's own role on the tenant that the path names, each part looked up (404). */
Assignment grant(const Driver& d, const Request& req)
{
    Role r = role_by_id(d, req.param("role_id"));
    d.userGet(req.param("user_id"));
    v2_project(d, req.param("tenant_id"));
    return {.role_id = r.id, .user_id = req.param("user_id"), .project_id = req.param("tenant_id")};
}

// As Keystone's v2: giving a role the user already holds there is a conflict.
void tenant_user_role_add(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_grant");
    Assignment a = grant(d, req);
    auto all = d.roleAssignmentList();
    if (std::find(all.begin(), all.end(), a) != all.end())
        throw Conflict("Conflict occurred attempting to store role grant. User " + a.user_id + " already has role " +
                       a.role_id + " in tenant " + a.project_id + ".");
    d.roleAssign(a);
    resp.json({{"role", v2_role(role_by_id(d, a.role_id))}});
}

void tenant_user_role_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "revoke_grant");
    d.roleUnassign(grant(d, req));
    resp.status = 204;
}

const Operations kGrant{Op::roleList, Op::userGet, Op::projectFind};

const Binding<Driver> kV2Admin[] = {
    {"v2_tenants", "POST", {Op::projectCreate}, tenant_create},
    {"v2_tenant", "GET", {Op::projectFind}, tenant_show},
    {"v2_tenant", "POST", {Op::projectFind, Op::projectUpdate}, tenant_update},
    {"v2_tenant", "PUT", {Op::projectFind, Op::projectUpdate}, tenant_update},
    {"v2_tenant", "DELETE", {Op::projectFind, Op::projectDelete}, tenant_delete},
    {"v2_tenant_users", "GET", {Op::projectFind, Op::roleAssignmentList, Op::userGet}, tenant_users},
    {"v2_users", "GET", {Op::userList}, user_list},
    {"v2_users", "POST", {Op::projectFind, Op::userCreate, Op::roleList, Op::roleAssign}, user_create},
    {"v2_user", "GET", {Op::userGet}, user_show},
    {"v2_user",
     "PUT",
     {Op::userGet, Op::projectFind, Op::userUpdate, Op::roleList, Op::roleAssign, Op::roleUnassign,
      Op::userPasswordReset},
     user_update},
    {"v2_user", "DELETE", {Op::userDelete}, user_delete},
    {"v2_user_enabled",
     "PUT",
     {Op::userGet, Op::projectFind, Op::userUpdate, Op::roleList, Op::roleAssign, Op::roleUnassign,
      Op::userPasswordReset},
     user_enabled},
    {"v2_user_password",
     "PUT",
     {Op::userGet, Op::projectFind, Op::userUpdate, Op::roleList, Op::roleAssign, Op::roleUnassign,
      Op::userPasswordReset},
     user_password},
    {"v2_user_roles", "GET", {Op::projectListForUser, Op::roleListForProject}, user_roles},
    {"v2_roles", "GET", {Op::roleList}, role_list},
    {"v2_roles", "POST", {Op::roleCreate}, role_create},
    {"v2_role", "GET", {Op::roleList}, role_show},
    {"v2_role", "DELETE", {Op::roleDelete}, role_delete},
    {"v2_tenant_user_roles", "GET", {Op::userGet, Op::projectFind, Op::roleListForProject}, tenant_user_roles},
    {"v2_tenant_user_role", "PUT", kGrant | Operations{Op::roleAssignmentList, Op::roleAssign}, tenant_user_role_add},
    {"v2_tenant_user_role", "DELETE", kGrant | Operations{Op::roleUnassign}, tenant_user_role_delete},
};

} // namespace

} // namespace jumpgate::identity

std::span<const jumpgate::Binding<jumpgate::identity::Driver>> jumpgate::api::identity::v2_admin_bindings()
{
    return jumpgate::identity::kV2Admin;
}
