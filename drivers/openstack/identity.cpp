// SPDX-License-Identifier: Apache-2.0
// Identity over the upstream's Keystone v3: its tokens sealed in Jumpgate's, its answers about users and projects.
#include <jumpgate/fault.hpp>
#include <jumpgate/log.hpp>
#include <jumpgate/time.hpp>

#include "openstack.hpp"

namespace jumpgate::openstack {

namespace {

std::string text(const json& j, const char* key)
{
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

const json& member(const json& j, const char* key)
{
    static const json none = json::object();
    return j.is_object() && j.contains(key) && j[key].is_object() ? j[key] : none;
}

/* ref_json: a user or project reference as Keystone's auth body writes it. */
json ref_json(const identity::Ref& ref)
{
    if (!ref.id.empty())
        return {{"id", ref.id}};
    json domain = ref.domain_id.empty() ? json{{"name", ref.domain_name}} : json{{"id", ref.domain_id}};
    return {{"name", ref.name}, {"domain", domain}};
}

} // namespace

Identity::Identity(std::shared_ptr<const Upstream> upstream, std::string credentials)
    : upstream_(std::move(upstream)), credentials_(std::move(credentials))
{
}

std::shared_ptr<const identity::Driver> Identity::actingFor(const std::string& credentials) const
{
    return std::make_shared<const Identity>(upstream_, credentials);
}

void Identity::learn(const json& token) const
{
    for (const char* owner : {"user", "project"}) {
        const json& domain = member(member(token, owner), "domain");
        if (!text(domain, "id").empty())
            domains_[text(domain, "id")] = text(domain, "name");
    }
    if (token.contains("roles") && token["roles"].is_array())
        for (const auto& r : token["roles"])
            roles_[text(r, "id")] = text(r, "name");
}

identity::User Identity::userAuthenticate(const identity::Ref& ref, const std::string& password) const
{
    json user = ref_json(ref);
    user["password"] = password;
    json auth = {{"auth", {{"identity", {{"methods", {"password"}}, {"password", {{"user", user}}}}}}}};
    auto r = upstream_->identity_call("POST", "/v3/auth/tokens", "", auth, "");
    if (r.status != 201 || r.subject_token.empty()) {
        if (r.status == 400)
            throw BadRequest(text(member(r.body, "error"), "message"));
        throw Unauthorized("The request you have made requires authentication.");
    }
    const json& u = member(member(r.body, "token"), "user");
    return {.id = text(u, "id"),
            .name = text(u, "name"),
            .domain_id = text(member(u, "domain"), "id"),
            .credentials = r.subject_token};
}

identity::ApplicationCredential Identity::applicationCredentialAuthenticate(const std::string& id,
                                                                            const std::string& secret) const
{
    if (id.empty()) // by name: the core finds the id among the user's credentials, which this driver does not list
        throw Unauthorized("The request you have made requires authentication.");
    json auth = {
        {"auth",
         {{"identity",
           {{"methods", {"application_credential"}}, {"application_credential", {{"id", id}, {"secret", secret}}}}}}}};
    auto r = upstream_->identity_call("POST", "/v3/auth/tokens", "", auth, "");
    if (r.status != 201 || r.subject_token.empty())
        throw Unauthorized("The request you have made requires authentication.");
    const json& token = member(r.body, "token");
    learn(token); // the core names the credential's roles from roleList()
    identity::ApplicationCredential cred{.id = id,
                                         .user_id = text(member(token, "user"), "id"),
                                         .project_id = text(member(token, "project"), "id"),
                                         .expires_at = api::parse_iso_time(text(token, "expires_at")).value_or(0),
                                         .credentials = r.subject_token};
    if (token.contains("roles") && token["roles"].is_array())
        for (const auto& role : token["roles"])
            cred.roles.push_back(text(role, "id"));
    return cred;
}

identity::User Identity::userGet(const std::string& user_id) const
{
    if (auto view = upstream_->token_view(credentials_, "")) {
        learn(*view);
        const json& u = member(*view, "user");
        if (text(u, "id") == user_id)
            return {.id = user_id, .name = text(u, "name"), .domain_id = text(member(u, "domain"), "id")};
    }
    auto r = upstream_->identity_call("GET", "/v3/users/" + user_id, credentials_, nullptr, "");
    if (r.status != 200)
        throw NotFound("Could not find user: " + user_id + ".");
    const json& u = member(r.body, "user");
    return {.id = text(u, "id"),
            .name = text(u, "name"),
            .domain_id = text(u, "domain_id"),
            .enabled = u.value("enabled", true)};
}

identity::Domain Identity::domainGet(const std::string& domain_id) const
{
    if (auto it = domains_.find(domain_id); it != domains_.end())
        return {.id = domain_id, .name = it->second};
    if (auto view = upstream_->token_view(credentials_, ""))
        learn(*view);
    if (auto it = domains_.find(domain_id); it != domains_.end())
        return {.id = domain_id, .name = it->second};
    auto r = upstream_->identity_call("GET", "/v3/domains/" + domain_id, credentials_, nullptr, "");
    if (r.status != 200)
        throw NotFound("Could not find domain: " + domain_id + ".");
    const json& d = member(r.body, "domain");
    return {.id = text(d, "id"), .name = text(d, "name"), .enabled = d.value("enabled", true)};
}

identity::Project Identity::projectFind(const identity::Ref& ref) const
{
    Scoped s = ref.id.empty() ? upstream_->scoped(credentials_, ref_json(ref), "")
                              : upstream_->scoped(credentials_, ref.id, "");
    learn(s.body);
    const json& p = member(s.body, "project");
    return {.id = text(p, "id"), .name = text(p, "name"), .domain_id = text(member(p, "domain"), "id")};
}

std::vector<identity::Project> Identity::projectListForUser(const std::string&) const
{
    auto r = upstream_->identity_call("GET", "/v3/auth/projects", credentials_, nullptr, "");
    if (r.status == 401 || r.status == 404)
        throw Unauthorized("The request you have made requires authentication.");
    std::vector<identity::Project> out;
    if (r.body.is_object() && r.body.contains("projects") && r.body["projects"].is_array())
        for (const auto& p : r.body["projects"])
            out.push_back({.id = text(p, "id"),
                           .name = text(p, "name"),
                           .domain_id = text(p, "domain_id"),
                           .description = text(p, "description"),
                           .enabled = p.value("enabled", true)});
    return out;
}

std::vector<identity::Role> Identity::roleList() const
{
    std::vector<identity::Role> out;
    for (const auto& [id, name] : roles_)
        out.push_back({.id = id, .name = name});
    return out;
}

std::vector<identity::Role> Identity::roleListForProject(const std::string& user_id,
                                                         const std::string& project_id) const
{
    Scoped s;
    try {
        s = upstream_->scoped(credentials_, project_id, "");
    } catch (const NotFound&) {
        return {}; // the upstream no longer lets the user work there
    }
    if (text(member(s.body, "user"), "id") != user_id)
        return {};
    learn(s.body);
    std::vector<identity::Role> out;
    if (s.body.contains("roles") && s.body["roles"].is_array())
        for (const auto& r : s.body["roles"])
            out.push_back({.id = text(r, "id"), .name = text(r, "name")});
    return out;
}

void Identity::tokenRevoke(const std::string& audit_id, std::int64_t expires_at) const
{
    upstream_->revocations().add(audit_id, expires_at);
    if (!credentials_.empty()) {
        auto r = upstream_->identity_call("DELETE", "/v3/auth/tokens", credentials_, nullptr, "", credentials_);
        if (r.status != 204 && r.status != 404)
            log::warning("the upstream refused to revoke a token: " + std::to_string(r.status));
        upstream_->forget(credentials_);
    }
}

bool Identity::tokenIsRevoked(const std::string& audit_id, const std::string& user_id, const std::string&,
                              std::int64_t) const
{
    if (upstream_->revocations().has(audit_id))
        return true;
    auto view = upstream_->token_view(credentials_, "");
    return !view || text(member(*view, "user"), "id") != user_id;
}

std::optional<std::int64_t> Identity::generation() const
{
    return upstream_->generation();
}

} // namespace jumpgate::openstack
