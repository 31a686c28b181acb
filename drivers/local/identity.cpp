// SPDX-License-Identifier: Apache-2.0
// The local cloud's Identity: domains, projects, users and roles in SQLite; revoked tokens by audit id.
#include "local.hpp"

#include <chrono>

#include <jumpgate/fault.hpp>

#include "password.hpp"

namespace jumpgate::local {

namespace {

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
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5) != 0};
}

Project project_of(const Statement& s)
{
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0};
}

constexpr const char* kUserColumns = "SELECT id, name, domain_id, description, email, enabled, password_hash FROM users";
constexpr const char* kProjectColumns = "SELECT id, name, domain_id, description, enabled FROM projects";

} // namespace

std::string Identity::domain_id_of(const Ref& ref) const
{
    if (!ref.domain_id.empty())
        return ref.domain_id;
    return domainFind({.name = ref.domain_name}).id;
}

User Identity::userAuthenticate(const Ref& ref, const std::string& password) const
{
    std::optional<Statement> s;
    try {
        if (!ref.id.empty()) {
            s.emplace(*db_, std::string(kUserColumns) + " WHERE id = ?");
            s->bind(1, ref.id);
        } else {
            s.emplace(*db_, std::string(kUserColumns) + " WHERE name = ? AND domain_id = ?");
            s->bind(1, ref.name).bind(2, domain_id_of(ref));
        }
    } catch (const NotFound&) {
        password_burn(password);
        throw Unauthorized(kBadCredentials);
    }
    if (!s->step()) {
        password_burn(password);
        throw Unauthorized(kBadCredentials);
    }
    User user = user_of(*s);
    if (!password_verify(password, s->text(6)) || !user.enabled ||
        !domainGet(user.domain_id).enabled)
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
                          "password_hash) VALUES (?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, created.id).bind(2, created.name).bind(3, created.domain_id);
        s.bind(4, created.description).bind(5, created.email).bind(6, created.enabled ? 1LL : 0LL);
        s.bind(7, password_hash(password));
        s.step();
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Duplicate entry found with name " + user.name + " at domain ID " +
                           user.domain_id + ".");
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
        Statement s(*db_, "INSERT INTO projects (id, name, domain_id, description, enabled) "
                          "VALUES (?, ?, ?, ?, ?)");
        s.bind(1, created.id).bind(2, created.name).bind(3, created.domain_id);
        s.bind(4, created.description).bind(5, created.enabled ? 1LL : 0LL);
        s.step();
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Duplicate entry found with name " + project.name + " at domain ID " +
                           project.domain_id + ".");
        throw;
    }
    return created;
}

std::vector<Project> Identity::projectListForUser(const std::string& user_id) const
{
    Statement s(*db_, "SELECT DISTINCT p.id, p.name, p.domain_id, p.description, p.enabled "
                      "FROM projects p JOIN role_assignments a ON a.project_id = p.id "
                      "WHERE a.user_id = ? ORDER BY p.name");
    s.bind(1, user_id);
    std::vector<Project> out;
    while (s.step())
        out.push_back(project_of(s));
    return out;
}

std::vector<Role> Identity::roleList() const
{
    Statement s(*db_, "SELECT id, name FROM roles ORDER BY name");
    std::vector<Role> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1)});
    return out;
}

Role Identity::roleCreate(const Role& role) const
{
    Role created{bare_uuid(), role.name};
    try {
        Statement s(*db_, "INSERT INTO roles (id, name) VALUES (?, ?)");
        s.bind(1, created.id).bind(2, created.name);
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
    Statement s(*db_, "SELECT r.id, r.name FROM roles r JOIN role_assignments a ON a.role_id = r.id "
                      "WHERE a.user_id = ? AND a.project_id = ? ORDER BY r.name");
    s.bind(1, user_id).bind(2, project_id);
    std::vector<Role> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1)});
    return out;
}

std::vector<Role> Identity::roleListForDomain(const std::string& user_id, const std::string& domain_id) const
{
    Statement s(*db_, "SELECT r.id, r.name FROM roles r JOIN role_assignments a ON a.role_id = r.id "
                      "WHERE a.user_id = ? AND a.domain_id = ? ORDER BY r.name");
    s.bind(1, user_id).bind(2, domain_id);
    std::vector<Role> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1)});
    return out;
}

void Identity::roleAssign(const std::string& role_id, const std::string& user_id,
                          const std::string& project_id, const std::string& domain_id) const
{
    Statement s(*db_, "INSERT OR IGNORE INTO role_assignments (role_id, user_id, project_id, domain_id) "
                      "VALUES (?, ?, ?, ?)");
    s.bind(1, role_id).bind(2, user_id);
    if (project_id.empty())
        s.bind_null(3).bind(4, domain_id);
    else
        s.bind(3, project_id).bind_null(4);
    s.step();
}

void Identity::tokenRevoke(const std::string& audit_id, std::int64_t expires_at) const
{
    Statement s(*db_, "INSERT OR REPLACE INTO revoked_tokens (audit_id, expires_at) VALUES (?, ?)");
    s.bind(1, audit_id).bind(2, static_cast<long long>(expires_at));
    s.step();
    // Revocations of tokens that expired anyway are dead weight.
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
    Statement prune(*db_, "DELETE FROM revoked_tokens WHERE expires_at < ?");
    prune.bind(1, static_cast<long long>(now));
    prune.step();
}

bool Identity::tokenIsRevoked(const std::string& audit_id) const
{
    Statement s(*db_, "SELECT 1 FROM revoked_tokens WHERE audit_id = ?");
    s.bind(1, audit_id);
    return s.step();
}

} // namespace jumpgate::local
