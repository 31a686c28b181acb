// SPDX-License-Identifier: Apache-2.0
// The local cloud's Identity: domains, projects, users and roles in SQLite; revoked tokens by audit id.
#include "local.hpp"

#include <jumpgate/fault.hpp>

#include "password.hpp"

namespace jumpgate::local {

namespace {

using identity::Assignment;
using identity::Domain;
using identity::Project;
using identity::Ref;
using identity::Role;
using identity::User;

const char* const kBadCredentials = "The request you have made requires authentication.";

std::string bare_uuid()
{
    std::string id = new_uuid();
    std::erase(id, '-');
    return id;
}

bool is_unique_violation(const std::exception& e)
{
    return std::string(e.what()).find("UNIQUE") != std::string::npos;
}

User user_of(const Statement& s)
{
    User u{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5) != 0, s.text(9)};
    u.extra = s.text(10);
    return u;
}

// A list of ids or tags (neither holds a comma) in one column.
std::string join_ids(const std::vector<std::string>& ids)
{
    std::string out;
    for (const auto& id : ids)
        out += (out.empty() ? "" : ",") + id;
    return out;
}

std::vector<std::string> split_ids(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        auto comma = text.find(',', i);
        if (comma == std::string::npos)
            comma = text.size();
        out.push_back(text.substr(i, comma - i));
        i = comma + 1;
    }
    return out;
}

Project project_of(const Statement& s)
{
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0, s.text(5), split_ids(s.text(6))};
}

constexpr const char* kUserColumns = "SELECT id, name, domain_id, description, email, enabled, password_hash, "
                                     "failed_auth_count, failed_auth_at, default_project_id, extra FROM users";
constexpr const char* kProjectColumns =
    "SELECT id, name, domain_id, description, enabled, IFNULL(parent_id, ''), tags FROM projects";

} // namespace

std::string Identity::domain_id_of(const Ref& ref) const
{
    if (!ref.domain_id.empty())
        return ref.domain_id;
    return domainFind({.name = ref.domain_name}).id;
}

User Identity::userAuthenticate(const Ref& ref, const std::string& password) const
{
    // The row is read to its end before anything is written: a statement still reading keeps its
    // snapshot, and a write on a snapshot another worker has written past fails at once.
    User user;
    std::string password_hash;
    std::int64_t failures = 0;
    std::int64_t failed_at = 0;
    bool found = false;
    try {
        std::optional<Statement> s;
        if (!ref.id.empty()) {
            s.emplace(*db_, std::string(kUserColumns) + " WHERE id = ?");
            s->bind(1, ref.id);
        } else {
            s.emplace(*db_, std::string(kUserColumns) + " WHERE name = ? AND domain_id = ?");
            s->bind(1, ref.name).bind(2, domain_id_of(ref));
        }
        found = s->step();
        if (found) {
            user = user_of(*s);
            password_hash = s->text(6);
            failures = s->integer(7);
            failed_at = s->integer(8);
        }
    } catch (const NotFound&) { // a domain that does not exist holds no such user
    }
    if (!found) {
        password_burn(password);
        throw Unauthorized(kBadCredentials);
    }
    // Keystone's lockout: after N failures in a row the password is not even tried until the time is up.
    const auto now = unix_now();
    const bool locking = compliance_.lockout_failure_attempts > 0;
    const std::int64_t recorded_failures = failures;
    if (locking && failures >= compliance_.lockout_failure_attempts) {
        if (now < failed_at + compliance_.lockout_duration) {
            password_burn(password);
            throw Unauthorized("The account is locked for user: " + user.id + ".");
        }
        failures = 0;
    }
    if (!password_verify(password, password_hash)) {
        if (locking) {
            Transaction tx(*db_);
            Statement failed(*db_, "UPDATE users SET failed_auth_count = ?, failed_auth_at = ? WHERE id = ?");
            failed.bind(1, static_cast<long long>(failures + 1)).bind(2, static_cast<long long>(now)).bind(3, user.id);
            failed.step();
            tx.commit();
        }
        throw Unauthorized(kBadCredentials);
    }
    if (recorded_failures != 0) {
        Transaction tx(*db_);
        Statement reset(*db_, "UPDATE users SET failed_auth_count = 0, failed_auth_at = 0 WHERE id = ?");
        reset.bind(1, user.id);
        reset.step();
        tx.commit();
    }
    if (!user.enabled || !domainGet(user.domain_id).enabled)
        throw Unauthorized(kBadCredentials);
    return user;
}

User Identity::userGet(const std::string& user_id) const
{
    Statement s(*db_, std::string(kUserColumns) + " WHERE id = ?");
    s.bind(1, user_id);
    if (!s.step())
        throw NotFound("Could not find user: " + user_id + ".");
    return user_of(s);
}

User Identity::userCreate(const User& user, const std::string& password) const
{
    User created = user;
    created.id = bare_uuid();
    domainGet(created.domain_id);
    try {
        Statement s(*db_, "INSERT INTO users (id, name, domain_id, description, email, enabled, "
                          "password_hash, default_project_id, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, created.id).bind(2, created.name).bind(3, created.domain_id);
        s.bind(4, created.description).bind(5, created.email).bind(6, created.enabled ? 1LL : 0LL);
        s.bind(7, password_hash(password)).bind(8, created.default_project_id).bind(9, created.extra);
        s.step();
        remember_password(created.id);
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Duplicate entry found with name " + user.name + " at domain ID " + user.domain_id + ".");
        throw;
    }
    return created;
}

Domain Identity::domainGet(const std::string& domain_id) const
{
    Statement s(*db_, "SELECT id, name, description, enabled FROM domains WHERE id = ?");
    s.bind(1, domain_id);
    if (!s.step())
        throw NotFound("Could not find domain: " + domain_id + ".");
    return {s.text(0), s.text(1), s.text(2), s.integer(3) != 0};
}

Domain Identity::domainFind(const Ref& ref) const
{
    if (!ref.id.empty())
        return domainGet(ref.id);
    Statement s(*db_, "SELECT id, name, description, enabled FROM domains WHERE name = ?");
    s.bind(1, ref.name);
    if (!s.step())
        throw NotFound("Could not find domain: " + ref.name + ".");
    return {s.text(0), s.text(1), s.text(2), s.integer(3) != 0};
}

Project Identity::projectFind(const Ref& ref) const
{
    if (!ref.id.empty()) {
        Statement s(*db_, std::string(kProjectColumns) + " WHERE id = ?");
        s.bind(1, ref.id);
        if (!s.step())
            throw NotFound("Could not find project: " + ref.id + ".");
        return project_of(s);
    }
    Statement s(*db_, std::string(kProjectColumns) + " WHERE name = ? AND domain_id = ?");
    s.bind(1, ref.name).bind(2, domain_id_of(ref));
    if (!s.step())
        throw NotFound("Could not find project: " + ref.name + ".");
    return project_of(s);
}

Project Identity::projectCreate(const Project& project) const
{
    Project created = project;
    created.id = bare_uuid();
    domainGet(created.domain_id);
    try {
        Statement s(*db_, "INSERT INTO projects (id, name, domain_id, description, enabled, parent_id, tags) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, created.id).bind(2, created.name).bind(3, created.domain_id);
        s.bind(4, created.description).bind(5, created.enabled ? 1LL : 0LL);
        if (created.parent_id.empty())
            s.bind_null(6);
        else
            s.bind(6, created.parent_id);
        s.bind(7, join_ids(created.tags));
        s.step();
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Duplicate entry found with name " + project.name + " at domain ID " + project.domain_id +
                           ".");
        throw;
    }
    return created;
}

// A user holds a role on a project given to them or to a group of theirs (?1) there (?2), or inherited
// from its domain or from a project above it; on a domain, given there and not inherited. `a` is a
// user's or a group's assignment; `above` (kAbove) pairs each project with each of its ancestors.
constexpr const char* kHeldOnProject =
    "(a.project_id = ?2 AND a.inherited = 0) OR "
    "(a.inherited = 1 AND a.domain_id = (SELECT domain_id FROM projects WHERE id = ?2)) OR "
    "(a.inherited = 1 AND a.project_id IN (SELECT ancestor FROM above WHERE id = ?2))";
constexpr const char* kHeldOnDomain = "a.domain_id = ?2 AND a.inherited = 0";
// Every (project, ancestor) pair: a few rows, since a tree is at most five projects deep.
constexpr const char* kAbove = "WITH RECURSIVE above(id, ancestor) AS ("
                               "SELECT id, parent_id FROM projects WHERE parent_id IS NOT NULL UNION ALL "
                               "SELECT above.id, p.parent_id FROM above JOIN projects p ON p.id = above.ancestor "
                               "WHERE p.parent_id IS NOT NULL) ";

std::vector<Project> Identity::projectListForUser(const std::string& user_id) const
{
    const std::string held = "((a.project_id = p.id AND a.inherited = 0) OR "
                             "(a.inherited = 1 AND a.domain_id = p.domain_id) OR "
                             "(a.inherited = 1 AND a.project_id IN (SELECT ancestor FROM above WHERE id = p.id)))";
    Statement s(*db_, std::string(kAbove) +
                          "SELECT p.id, p.name, p.domain_id, p.description, p.enabled, IFNULL(p.parent_id, ''), "
                          "p.tags FROM projects p "
                          "WHERE EXISTS (SELECT 1 FROM role_assignments a WHERE a.user_id = ?1 AND " +
                          held +
                          ") OR EXISTS (SELECT 1 FROM group_role_assignments a JOIN group_members m "
                          "ON m.group_id = a.group_id WHERE m.user_id = ?1 AND " +
                          held + ") ORDER BY p.name");
    s.bind(1, user_id);
    std::vector<Project> out;
    while (s.step())
        out.push_back(project_of(s));
    return out;
}

std::vector<Role> Identity::roleList() const
{
    Statement s(*db_, "SELECT id, name, IFNULL(domain_id, '') FROM roles ORDER BY name");
    std::vector<Role> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2)});
    return out;
}

Role Identity::roleCreate(const Role& role) const
{
    Role created{bare_uuid(), role.name, role.domain_id};
    if (!created.domain_id.empty())
        domainGet(created.domain_id);
    try {
        Statement s(*db_, "INSERT INTO roles (id, name, domain_id) VALUES (?, ?, NULLIF(?, ''))");
        s.bind(1, created.id).bind(2, created.name).bind(3, created.domain_id);
        s.step();
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Duplicate entry found with name " + role.name + ".");
        throw;
    }
    return created;
}

std::vector<Role> Identity::roleListForProject(const std::string& user_id, const std::string& project_id) const
{
    return roles_where(kHeldOnProject, user_id, project_id);
}

std::vector<Role> Identity::roleListForDomain(const std::string& user_id, const std::string& domain_id) const
{
    return roles_where(kHeldOnDomain, user_id, domain_id);
}

std::vector<Role> Identity::roles_where(const std::string& held_where, const std::string& user_id,
                                        const std::string& target) const
{
    Statement s(*db_, std::string(kAbove) +
                          "SELECT r.id, r.name, IFNULL(r.domain_id, '') FROM roles r WHERE r.id IN ("
                          "SELECT a.role_id FROM role_assignments a WHERE a.user_id = ?1 AND (" +
                          held_where +
                          ") UNION SELECT a.role_id FROM group_role_assignments a JOIN group_members m "
                          "ON m.group_id = a.group_id WHERE m.user_id = ?1 AND (" +
                          held_where + ")) ORDER BY r.name");
    s.bind(1, user_id).bind(2, target);
    std::vector<Role> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2)});
    return out;
}

// A user's assignment goes to role_assignments, a group's to group_role_assignments: the same columns but the actor.
void Identity::roleAssign(const Assignment& a) const
{
    bool of_group = !a.group_id.empty();
    if (a.system) {
        Statement s(*db_, of_group ? "INSERT OR IGNORE INTO system_group_role_assignments (role_id, group_id) "
                                     "VALUES (?, ?)"
                                   : "INSERT OR IGNORE INTO system_role_assignments (role_id, user_id) VALUES (?, ?)");
        s.bind(1, a.role_id).bind(2, of_group ? a.group_id : a.user_id);
        s.step();
        return;
    }
    Statement s(*db_, std::string("INSERT OR IGNORE INTO ") +
                          (of_group ? "group_role_assignments" : "role_assignments") + " (role_id, " +
                          (of_group ? "group_id" : "user_id") +
                          ", project_id, domain_id, inherited) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, a.role_id).bind(2, of_group ? a.group_id : a.user_id);
    if (a.project_id.empty())
        s.bind_null(3).bind(4, a.domain_id);
    else
        s.bind(3, a.project_id).bind_null(4);
    s.bind(5, a.inherited ? 1LL : 0LL);
    s.step();
}

void Identity::tokenRevoke(const std::string& audit_id, std::int64_t expires_at) const
{
    Statement s(*db_, "INSERT OR REPLACE INTO revoked_tokens (audit_id, expires_at) VALUES (?, ?)");
    s.bind(1, audit_id).bind(2, static_cast<long long>(expires_at));
    s.step();
    // Revocations of tokens that expired anyway are dead weight.
    auto now = unix_now();
    Statement prune(*db_, "DELETE FROM revoked_tokens WHERE expires_at < ?");
    prune.bind(1, static_cast<long long>(now));
    prune.step();
}

bool Identity::tokenIsRevoked(const std::string& audit_id, const std::string& user_id, const std::string& project_id,
                              std::int64_t issued_at) const
{
    Statement s(*db_, "SELECT 1 FROM revoked_tokens WHERE audit_id = ? UNION ALL "
                      "SELECT 1 FROM revocation_events WHERE (user_id = ? OR project_id = ?) "
                      "AND revoked_at >= ? LIMIT 1");
    s.bind(1, audit_id).bind(2, user_id).bind(3, project_id.empty() ? "-" : project_id);
    s.bind(4, static_cast<long long>(issued_at));
    return s.step();
}

// Triggers on the identity tables move identity_generation (schema migration 11).
std::optional<std::int64_t> Identity::generation() const
{
    return generation_.current();
}

// Every token of a user or project issued up to the end of this second stops working, as
// Keystone's revocation events do: a token issued in the same second may have been made from
// what the change replaced (its issue time is taken before its credentials are read). The
// event is the last write of the change's transaction, so no reader sees one without the other.
void Identity::revoke_all(const char* column, const std::string& id) const
{
    auto now = unix_now();
    Statement s(*db_, std::string("INSERT INTO revocation_events (") + column + ", revoked_at) VALUES (?, ?)");
    s.bind(1, id).bind(2, static_cast<long long>(now));
    s.step();
}

} // namespace jumpgate::local

namespace jumpgate::local {

namespace {

using identity::ApplicationCredential;
using identity::Assignment;
using identity::RoleInference;

constexpr const char* kCredColumns =
    "SELECT id, name, description, user_id, project_id, roles, expires_at, unrestricted, secret_hash, "
    "expires_at_micros FROM application_credentials";

ApplicationCredential cred_of(const Statement& s)
{
    return {s.text(0),    s.text(1),         s.text(2),
            s.text(3),    s.text(4),         split_ids(s.text(5)),
            s.integer(6), s.integer(7) != 0, static_cast<int>(s.integer(9))};
}

} // namespace

// One UPDATE or DELETE by id, which must touch a row.
void Identity::change(const char* what, const std::string& sql, const std::vector<std::string>& values) const
{
    Statement s(*db_, sql);
    for (std::size_t i = 0; i < values.size(); ++i)
        s.bind(static_cast<int>(i + 1), values[i]);
    try {
        s.step();
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict(std::string("Conflict occurred attempting to store ") + what + ": the name is taken.");
        if (std::string(e.what()).find("FOREIGN KEY") != std::string::npos)
            throw Conflict(std::string("The ") + what + " is still in use.");
        throw;
    }
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound(std::string("Could not find ") + what + ": " + values.back() + ".");
}

std::vector<Domain> Identity::domainList() const
{
    Statement s(*db_, "SELECT id, name, description, enabled FROM domains ORDER BY name");
    std::vector<Domain> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2), s.integer(3) != 0});
    return out;
}

Domain Identity::domainCreate(const Domain& domain) const
{
    Domain created = domain;
    created.id = bare_uuid();
    try {
        Statement s(*db_, "INSERT INTO domains (id, name, description, enabled) VALUES (?, ?, ?, ?)");
        s.bind(1, created.id).bind(2, created.name).bind(3, created.description).bind(4, created.enabled ? 1LL : 0LL);
        s.step();
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Duplicate entry found with name " + domain.name + ".");
        throw;
    }
    return created;
}

Domain Identity::domainUpdate(const Domain& d) const
{
    {
        Transaction tx(*db_);
        change("domain", "UPDATE domains SET name = ?, description = ?, enabled = ? WHERE id = ?",
               {d.name, d.description, d.enabled ? "1" : "0", d.id});
        // Disabling a domain disables what is in it: every token of its users and on its projects.
        if (!d.enabled)
            for (const char* sql : {"INSERT INTO revocation_events (user_id, revoked_at) "
                                    "SELECT id, ? FROM users WHERE domain_id = ?",
                                    "INSERT INTO revocation_events (project_id, revoked_at) "
                                    "SELECT id, ? FROM projects WHERE domain_id = ?"}) {
                Statement s(*db_, sql);
                s.bind(1, static_cast<long long>(unix_now())).bind(2, d.id);
                s.step();
            }
        tx.commit();
    }
    return domainGet(d.id);
}

// As Keystone: a domain's projects (its trees whole), users and groups go with it, and every token of theirs.
void Identity::domainDelete(const std::string& domain_id) const
{
    if (domainGet(domain_id).enabled)
        throw Forbidden("Cannot delete a domain that is enabled, please disable it first.");
    Transaction tx(*db_);
    for (const char* sql :
         {"INSERT INTO revocation_events (user_id, revoked_at) SELECT id, ?2 FROM users "
          "WHERE domain_id = ?1",
          "INSERT INTO revocation_events (project_id, revoked_at) SELECT id, ?2 FROM projects "
          "WHERE domain_id = ?1",
          "UPDATE users SET default_project_id = '' WHERE default_project_id IN "
          "(SELECT id FROM projects WHERE domain_id = ?1)",
          "DELETE FROM credentials WHERE project_id IN (SELECT id FROM projects WHERE domain_id = ?1)",
          "DELETE FROM projects WHERE domain_id = ?1", "DELETE FROM users WHERE domain_id = ?1",
          "DELETE FROM identity_groups WHERE domain_id = ?1"}) {
        Statement s(*db_, sql);
        s.bind(1, domain_id);
        if (std::string_view(sql).find("?2") != std::string_view::npos)
            s.bind(2, static_cast<long long>(unix_now()));
        s.step();
    }
    change("domain", "DELETE FROM domains WHERE id = ?", {domain_id});
    tx.commit();
}

std::vector<Project> Identity::projectList() const
{
    Statement s(*db_, std::string(kProjectColumns) + " ORDER BY name");
    std::vector<Project> out;
    while (s.step())
        out.push_back(project_of(s));
    return out;
}

Project Identity::projectUpdate(const Project& p) const
{
    {
        Transaction tx(*db_);
        change("project", "UPDATE projects SET name = ?, description = ?, enabled = ?, tags = ? WHERE id = ?",
               {p.name, p.description, p.enabled ? "1" : "0", join_ids(p.tags), p.id});
        if (!p.enabled)
            revoke_all("project_id", p.id);
        tx.commit();
    }
    return projectFind({.id = p.id});
}

void Identity::projectDelete(const std::string& project_id) const
{
    Transaction tx(*db_);
    Statement children(*db_, "SELECT 1 FROM projects WHERE parent_id = ? LIMIT 1");
    children.bind(1, project_id);
    if (children.step())
        throw Forbidden("Cannot delete the project " + project_id +
                        " since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a "
                        "whole subtree.");
    change("project", "DELETE FROM projects WHERE id = ?", {project_id});
    // As Keystone: the users whose default it was have none left.
    Statement unset(*db_, "UPDATE users SET default_project_id = '' WHERE default_project_id = ?");
    unset.bind(1, project_id);
    unset.step();
    Statement credentials(*db_, "DELETE FROM credentials WHERE project_id = ?");
    credentials.bind(1, project_id);
    credentials.step();
    revoke_all("project_id", project_id);
    tx.commit();
}

std::vector<User> Identity::userList() const
{
    Statement s(*db_, std::string(kUserColumns) + " ORDER BY name");
    std::vector<User> out;
    while (s.step())
        out.push_back(user_of(s));
    return out;
}

User Identity::userUpdate(const User& u) const
{
    {
        Transaction tx(*db_);
        change("user",
               "UPDATE users SET name = ?, description = ?, email = ?, enabled = ?, default_project_id = ?, extra = ? "
               "WHERE id = ?",
               {u.name, u.description, u.email, u.enabled ? "1" : "0", u.default_project_id, u.extra, u.id});
        if (!u.enabled)
            revoke_all("user_id", u.id);
        tx.commit();
    }
    return userGet(u.id);
}

void Identity::userDelete(const std::string& user_id) const
{
    Transaction tx(*db_);
    change("user", "DELETE FROM users WHERE id = ?", {user_id});
    revoke_all("user_id", user_id);
    tx.commit();
}

void Identity::userPasswordSet(const std::string& user_id, const std::string& password) const
{
    check_password_history(user_id, password);
    userPasswordReset(user_id, password);
}

// As Keystone: the history binds a user changing their own password, not an admin resetting it (which it records).
void Identity::userPasswordReset(const std::string& user_id, const std::string& password) const
{
    std::string hash = password_hash(password); // slow on purpose: outside the write lock
    Transaction tx(*db_);
    change("user", "UPDATE users SET password_hash = ?, failed_auth_count = 0 WHERE id = ?", {hash, user_id});
    remember_password(user_id);
    revoke_all("user_id", user_id);
    tx.commit();
}

void Identity::check_password_history(const std::string& user_id, const std::string& password) const
{
    if (int unique = compliance_.unique_last_password_count; unique > 0) {
        // The last unique_last_password_count passwords, the current one among them (also for a user
        // older than the history).
        Statement last(*db_, "SELECT password_hash FROM users WHERE id = ?1 UNION SELECT * FROM "
                             "(SELECT password_hash FROM user_password_history WHERE user_id = ?1 "
                             "ORDER BY created_at DESC, rowid DESC LIMIT ?2)");
        last.bind(1, user_id).bind(2, static_cast<long long>(unique));
        while (last.step())
            if (password_verify(password, last.text(0)))
                throw BadRequest("The new password cannot be identical to a previous password. The total number "
                                 "which includes the new password must be unique is " +
                                 std::to_string(unique) + ".");
    }
}

// Only as many old passwords as the history rule reads are kept.
void Identity::remember_password(const std::string& user_id) const
{
    if (compliance_.unique_last_password_count <= 0)
        return;
    Statement add(*db_, "INSERT INTO user_password_history (user_id, password_hash, created_at) "
                        "SELECT id, password_hash, ? FROM users WHERE id = ?");
    add.bind(1, static_cast<long long>(unix_now())).bind(2, user_id);
    add.step();
    Statement trim(*db_, "DELETE FROM user_password_history WHERE user_id = ?1 AND rowid NOT IN (SELECT rowid FROM "
                         "user_password_history WHERE user_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2)");
    trim.bind(1, user_id).bind(2, static_cast<long long>(compliance_.unique_last_password_count));
    trim.step();
}

Role Identity::roleUpdate(const Role& role) const
{
    change("role", "UPDATE roles SET name = ? WHERE id = ?", {role.name, role.id});
    return role;
}

void Identity::roleDelete(const std::string& role_id) const
{
    change("role", "DELETE FROM roles WHERE id = ?", {role_id});
}

void Identity::roleUnassign(const Assignment& a) const
{
    bool of_group = !a.group_id.empty();
    if (a.system) {
        Statement s(*db_, of_group ? "DELETE FROM system_group_role_assignments WHERE role_id = ? AND group_id = ?"
                                   : "DELETE FROM system_role_assignments WHERE role_id = ? AND user_id = ?");
        s.bind(1, a.role_id).bind(2, of_group ? a.group_id : a.user_id);
        s.step();
        if (sqlite3_changes(db_->handle()) == 0)
            throw NotFound("Could not find role assignment.");
        return;
    }
    Statement s(*db_, std::string("DELETE FROM ") + (of_group ? "group_role_assignments" : "role_assignments") +
                          " WHERE role_id = ? AND " + (of_group ? "group_id" : "user_id") +
                          " = ? AND IFNULL(project_id, '') = ? AND IFNULL(domain_id, '') = ? AND inherited = ?");
    s.bind(1, a.role_id).bind(2, of_group ? a.group_id : a.user_id).bind(3, a.project_id);
    s.bind(4, a.project_id.empty() ? a.domain_id : "").bind(5, a.inherited ? 1LL : 0LL);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Could not find role assignment.");
}

std::vector<Assignment> Identity::roleAssignmentList() const
{
    Statement s(*db_, "SELECT role_id, user_id, IFNULL(project_id, ''), IFNULL(domain_id, ''), 0, '', inherited "
                      "FROM role_assignments UNION ALL "
                      "SELECT role_id, '', IFNULL(project_id, ''), IFNULL(domain_id, ''), 0, group_id, inherited "
                      "FROM group_role_assignments UNION ALL "
                      "SELECT role_id, user_id, '', '', 1, '', 0 FROM system_role_assignments UNION ALL "
                      "SELECT role_id, '', '', '', 1, group_id, 0 FROM system_group_role_assignments");
    std::vector<Assignment> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0, s.text(5), s.integer(6) != 0});
    return out;
}

std::vector<Role> Identity::roleListForSystem(const std::string& user_id) const
{
    Statement s(*db_, "SELECT r.id, r.name, IFNULL(r.domain_id, '') FROM roles r WHERE r.id IN (SELECT role_id FROM "
                      "system_role_assignments "
                      "WHERE user_id = ?1 UNION SELECT a.role_id FROM system_group_role_assignments a JOIN "
                      "group_members m ON m.group_id = a.group_id WHERE m.user_id = ?1) ORDER BY r.name");
    s.bind(1, user_id);
    std::vector<Role> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2)});
    return out;
}

void Identity::roleAssignSystem(const std::string& role_id, const std::string& user_id) const
{
    Statement s(*db_, "INSERT OR IGNORE INTO system_role_assignments (role_id, user_id) VALUES (?, ?)");
    s.bind(1, role_id).bind(2, user_id);
    s.step();
}

void Identity::roleUnassignSystem(const std::string& role_id, const std::string& user_id) const
{
    Statement s(*db_, "DELETE FROM system_role_assignments WHERE role_id = ? AND user_id = ?");
    s.bind(1, role_id).bind(2, user_id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Could not find role assignment.");
}

std::vector<RoleInference> Identity::roleInferenceList() const
{
    Statement s(*db_, "SELECT prior_role_id, implied_role_id FROM role_inferences ORDER BY rowid");
    std::vector<RoleInference> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1)});
    return out;
}

void Identity::roleInferenceCreate(const RoleInference& rule) const
{
    try {
        Statement s(*db_, "INSERT INTO role_inferences (prior_role_id, implied_role_id) VALUES (?, ?)");
        s.bind(1, rule.prior_role_id).bind(2, rule.implied_role_id);
        s.step();
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Conflict occurred attempting to store implied_role - Duplicate entry.");
        if (std::string(e.what()).find("FOREIGN KEY") != std::string::npos)
            throw NotFound("Could not find role: " + rule.prior_role_id + " or " + rule.implied_role_id + ".");
        throw;
    }
}

void Identity::roleInferenceDelete(const RoleInference& rule) const
{
    Statement s(*db_, "DELETE FROM role_inferences WHERE prior_role_id = ? AND implied_role_id = ?");
    s.bind(1, rule.prior_role_id).bind(2, rule.implied_role_id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound(rule.prior_role_id + " does not imply " + rule.implied_role_id + ".");
}

ApplicationCredential Identity::applicationCredentialCreate(const ApplicationCredential& cred,
                                                            const std::string& secret) const
{
    ApplicationCredential created = cred;
    created.id = bare_uuid();
    try {
        Statement s(*db_, "INSERT INTO application_credentials (id, name, description, user_id, project_id, "
                          "roles, expires_at, unrestricted, secret_hash, expires_at_micros) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, created.id).bind(2, created.name).bind(3, created.description).bind(4, created.user_id);
        s.bind(5, created.project_id).bind(6, join_ids(created.roles));
        s.bind(7, static_cast<long long>(created.expires_at)).bind(8, created.unrestricted ? 1LL : 0LL);
        s.bind(9, password_hash(secret)).bind(10, static_cast<long long>(created.expires_at_micros));
        s.step();
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("An application credential named " + cred.name + " already exists.");
        throw;
    }
    return created;
}

std::vector<ApplicationCredential> Identity::applicationCredentialList(const std::string& user_id) const
{
    Statement s(*db_, std::string(kCredColumns) + " WHERE user_id = ? ORDER BY name");
    s.bind(1, user_id);
    std::vector<ApplicationCredential> out;
    while (s.step())
        out.push_back(cred_of(s));
    return out;
}

void Identity::applicationCredentialDelete(const std::string& user_id, const std::string& id) const
{
    change("application credential", "DELETE FROM application_credentials WHERE user_id = ? AND id = ?", {user_id, id});
}

ApplicationCredential Identity::applicationCredentialAuthenticate(const std::string& id,
                                                                  const std::string& secret) const
{
    Statement s(*db_, std::string(kCredColumns) + " WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) {
        password_burn(secret);
        throw Unauthorized(kBadCredentials);
    }
    ApplicationCredential cred = cred_of(s);
    if (!password_verify(secret, s.text(8)) || (cred.expires_at && cred.expires_at <= unix_now()) ||
        !userGet(cred.user_id).enabled)
        throw Unauthorized(kBadCredentials);
    return cred;
}

namespace {

using identity::Credential;
using identity::Group;

constexpr const char* kGroupColumns = "SELECT g.id, g.name, g.domain_id, g.description FROM identity_groups g";

Group group_of(const Statement& s)
{
    return {s.text(0), s.text(1), s.text(2), s.text(3)};
}

constexpr const char* kCredentialColumns = "SELECT id, user_id, project_id, type, blob, extra FROM credentials";

Credential credential_of(const Statement& s)
{
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)};
}

} // namespace

std::vector<Group> Identity::groupList() const
{
    Statement s(*db_, std::string(kGroupColumns) + " ORDER BY g.name");
    std::vector<Group> out;
    while (s.step())
        out.push_back(group_of(s));
    return out;
}

Group Identity::groupGet(const std::string& group_id) const
{
    Statement s(*db_, std::string(kGroupColumns) + " WHERE g.id = ?");
    s.bind(1, group_id);
    if (!s.step())
        throw NotFound("Could not find group: " + group_id + ".");
    return group_of(s);
}

Group Identity::groupCreate(const Group& group) const
{
    Group created = group;
    created.id = bare_uuid();
    domainGet(created.domain_id);
    try {
        Statement s(*db_, "INSERT INTO identity_groups (id, name, domain_id, description) VALUES (?, ?, ?, ?)");
        s.bind(1, created.id).bind(2, created.name).bind(3, created.domain_id).bind(4, created.description);
        s.step();
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Duplicate entry found with name " + group.name + " at domain ID " + group.domain_id + ".");
        throw;
    }
    return created;
}

Group Identity::groupUpdate(const Group& g) const
{
    change("group", "UPDATE identity_groups SET name = ?, description = ? WHERE id = ?", {g.name, g.description, g.id});
    return groupGet(g.id);
}

// As Keystone: deleting a group that held roles revokes its members' tokens, which may have carried them.
void Identity::groupDelete(const std::string& group_id) const
{
    Transaction tx(*db_);
    std::vector<std::string> revoked;
    Statement members(*db_, "SELECT user_id FROM group_members WHERE group_id = ?1 AND "
                            "EXISTS (SELECT 1 FROM group_role_assignments WHERE group_id = ?1)");
    members.bind(1, group_id);
    while (members.step())
        revoked.push_back(members.text(0));
    change("group", "DELETE FROM identity_groups WHERE id = ?", {group_id});
    for (const auto& user_id : revoked)
        revoke_all("user_id", user_id);
    tx.commit();
}

void Identity::groupUserAdd(const std::string& group_id, const std::string& user_id) const
{
    Statement s(*db_, "INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)");
    s.bind(1, group_id).bind(2, user_id);
    s.step();
}

// As Keystone: leaving a group revokes every token of the user's, whatever the group gave.
void Identity::groupUserRemove(const std::string& group_id, const std::string& user_id) const
{
    Transaction tx(*db_);
    Statement s(*db_, "DELETE FROM group_members WHERE group_id = ? AND user_id = ?");
    s.bind(1, group_id).bind(2, user_id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("User '" + user_id + "' not found in group '" + group_id + "'.");
    revoke_all("user_id", user_id);
    tx.commit();
}

std::vector<User> Identity::groupUserList(const std::string& group_id) const
{
    Statement s(*db_, std::string(kUserColumns) +
                          " WHERE id IN (SELECT user_id FROM group_members WHERE group_id = ?) ORDER BY name");
    s.bind(1, group_id);
    std::vector<User> out;
    while (s.step())
        out.push_back(user_of(s));
    return out;
}

std::vector<Group> Identity::groupListForUser(const std::string& user_id) const
{
    Statement s(*db_, std::string(kGroupColumns) +
                          " JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY g.name");
    s.bind(1, user_id);
    std::vector<Group> out;
    while (s.step())
        out.push_back(group_of(s));
    return out;
}

std::vector<Credential> Identity::credentialList() const
{
    Statement s(*db_, std::string(kCredentialColumns) + " ORDER BY rowid");
    std::vector<Credential> out;
    while (s.step())
        out.push_back(credential_of(s));
    return out;
}

Credential Identity::credentialGet(const std::string& credential_id) const
{
    Statement s(*db_, std::string(kCredentialColumns) + " WHERE id = ?");
    s.bind(1, credential_id);
    if (!s.step())
        throw NotFound("Could not find credential: " + credential_id + ".");
    return credential_of(s);
}

Credential Identity::credentialCreate(const Credential& c) const
{
    try {
        Statement s(*db_, "INSERT INTO credentials (id, user_id, project_id, type, blob, extra) "
                          "VALUES (?, ?, ?, ?, ?, ?)");
        s.bind(1, c.id).bind(2, c.user_id).bind(3, c.project_id).bind(4, c.type).bind(5, c.blob).bind(6, c.extra);
        s.step();
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Conflict occurred attempting to store credential - Duplicate ID, " + c.id + ".");
        throw;
    }
    return c;
}

Credential Identity::credentialUpdate(const Credential& c) const
{
    change("credential",
           "UPDATE credentials SET user_id = ?, project_id = ?, type = ?, blob = ?, extra = ? WHERE id = ?",
           {c.user_id, c.project_id, c.type, c.blob, c.extra, c.id});
    return credentialGet(c.id);
}

void Identity::credentialDelete(const std::string& credential_id) const
{
    change("credential", "DELETE FROM credentials WHERE id = ?", {credential_id});
}

std::vector<identity::OAuthConsumer> Identity::consumerList() const
{
    Statement s(*db_, "SELECT id, description, extra FROM oauth_consumers ORDER BY id");
    std::vector<identity::OAuthConsumer> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2)});
    return out;
}

identity::OAuthConsumer Identity::consumerCreate(const identity::OAuthConsumer& c, const std::string& secret) const
{
    Statement s(*db_, "INSERT INTO oauth_consumers (id, description, secret_hash, extra) VALUES (?, ?, ?, ?)");
    s.bind(1, c.id).bind(2, c.description).bind(3, password_hash(secret)).bind(4, c.extra);
    s.step();
    return c;
}

identity::OAuthConsumer Identity::consumerUpdate(const identity::OAuthConsumer& c) const
{
    change("consumer", "UPDATE oauth_consumers SET description = ?, extra = ? WHERE id = ?",
           {c.description, c.extra, c.id});
    return c;
}

void Identity::consumerDelete(const std::string& consumer_id) const
{
    change("consumer", "DELETE FROM oauth_consumers WHERE id = ?", {consumer_id});
}

std::string Identity::domainConfigGet(const std::string& domain_id) const
{
    Statement s(*db_, "SELECT config FROM domain_configs WHERE domain_id = ?");
    s.bind(1, domain_id);
    if (!s.step())
        throw NotFound("Could not find domain config: " + domain_id + ".");
    return s.text(0);
}

void Identity::domainConfigSet(const std::string& domain_id, const std::string& config) const
{
    domainGet(domain_id);
    Statement s(*db_, "INSERT INTO domain_configs (domain_id, config) VALUES (?1, ?2) "
                      "ON CONFLICT (domain_id) DO UPDATE SET config = ?2");
    s.bind(1, domain_id).bind(2, config);
    s.step();
}

void Identity::domainConfigDelete(const std::string& domain_id) const
{
    change("domain config", "DELETE FROM domain_configs WHERE domain_id = ?", {domain_id});
}

} // namespace jumpgate::local
