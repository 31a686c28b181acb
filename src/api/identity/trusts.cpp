// SPDX-License-Identifier: Apache-2.0
// Keystone's trusts (OS-TRUST): a user's delegation of roles on a project to another user, and its roles.
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include <algorithm>
#include <ctime>

#include "api/identity/fields.hpp"
#include "api/identity/identity.hpp"

namespace jumpgate::identity {

namespace {

json role_view(const Request& req, const Role& r)
{
    return {{"id", r.id}, {"name", r.name}, {"links", {{"self", url(req, "v3_role", "role_id", r.id)}}}};
}

json trust_view(const Driver& d, const Request& req, const Trust& t, bool with_roles)
{
    json v = {{"id", t.id},
              {"trustor_user_id", t.trustor_user_id},
              {"trustee_user_id", t.trustee_user_id},
              {"project_id", t.project_id.empty() ? json(nullptr) : json(t.project_id)},
              {"impersonation", t.impersonation},
              {"expires_at", t.expires_at ? json(api::iso_time(t.expires_at, true)) : json(nullptr)},
              {"remaining_uses", t.remaining_uses < 0 ? json(nullptr) : json(t.remaining_uses)},
              {"allow_redelegation", false},
              {"redelegation_count", 0},
              {"redelegated_trust_id", nullptr},
              {"links", {{"self", url(req, "v3_trust", "trust_id", t.id)}}}};
    if (with_roles) {
        json roles = json::array();
        auto all = d.roleList();
        for (const auto& id : t.roles)
            for (const auto& r : all)
                if (r.id == id)
                    roles.push_back(role_view(req, r));
        v["roles"] = std::move(roles);
        v["roles_links"] = {
            {"self", url(req, "v3_trust_roles", "trust_id", t.id)}, {"previous", nullptr}, {"next", nullptr}};
    }
    return v;
}

/*
 * related: the trust of the path, for its trustor, its trustee or an admin (403 for anyone else); as
 * Keystone, one that is not there is 404 for everyone (its ids are random, so that tells nothing of others').
 */
Trust related(const Driver& d, const Request& req, const char* action)
{
    const Context& c = req.context();
    Trust t = d.trustGet(req.param("trust_id"));
    if (c.user_id != t.trustor_user_id && c.user_id != t.trustee_user_id && !c.is_admin())
        throw Forbidden(std::string("You are not authorized to perform the requested action: identity:") + action +
                        ".");
    return t;
}

// An ISO 8601 time ("2026-01-01T00:00:00Z", a fraction and the Z optional) as seconds since the epoch.
std::int64_t parse_expiry(const std::string& text)
{
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end)
        throw BadRequest("Invalid input for field 'expires_at': '" + text + "' is not an ISO 8601 time.");
    if (*end == '.')
        for (++end; *end >= '0' && *end <= '9';)
            ++end;
    if (*end == 'Z')
        ++end;
    else if (std::string_view(end) == "+00:00")
        end += 6;
    if (*end)
        throw BadRequest("Invalid input for field 'expires_at': '" + text + "' is not an ISO 8601 time.");
    return static_cast<std::int64_t>(timegm(&tm));
}

void trust_create(const Driver& d, const Request& req, Response& resp)
{
    const json& b = body(req, "trust");
    for (const char* key : {"trustor_user_id", "trustee_user_id"})
        if (!b.contains(key) || !b[key].is_string() || b[key].get<std::string>().empty())
            throw BadRequest(std::string("Invalid input for field '") + key + "': a string is expected.");
    if (!b.contains("impersonation") || !b["impersonation"].is_boolean())
        throw BadRequest("Invalid input for field 'impersonation': a boolean is expected.");
    Trust t{.id = new_keystone_id(),
            .trustor_user_id = text(b, "trustor_user_id"),
            .trustee_user_id = text(b, "trustee_user_id"),
            .project_id = text(b, "project_id"),
            .impersonation = b["impersonation"].get<bool>()};
    if (flag(b, "allow_redelegation", false))
        throw Forbidden("You are not authorized to perform the requested action: redelegation is not offered.");
    if (b.contains("remaining_uses") && !b["remaining_uses"].is_null()) {
        if (!b["remaining_uses"].is_number_integer() || b["remaining_uses"].get<long long>() < 1 ||
            b["remaining_uses"].get<long long>() > 1000000)
            throw BadRequest("Invalid input for field 'remaining_uses': a positive integer is expected.");
        t.remaining_uses = static_cast<int>(b["remaining_uses"].get<long long>());
    }
    if (!text(b, "expires_at").empty()) {
        t.expires_at = parse_expiry(text(b, "expires_at"));
        if (t.expires_at <= api::unix_now())
            throw BadRequest("The trust's expires_at is in the past.");
    }
    const json roles = b.value("roles", json::array());
    if (!roles.is_array() || std::any_of(roles.begin(), roles.end(), [](const json& r) { return !r.is_object(); }))
        throw BadRequest("Invalid input for field 'roles': a list of objects is expected.");
    if (!t.project_id.empty() && roles.empty())
        throw Forbidden("You are not authorized to perform the requested action: At least one role should be "
                        "specified.");
    // As Keystone's create_trust policy: only the trustor makes a trust of their own.
    if (req.context().user_id != t.trustor_user_id)
        throw Forbidden("You are not authorized to perform the requested action: The authenticated user should match "
                        "the trustor.");
    d.userGet(t.trustee_user_id);
    auto all = d.roleList();
    for (const auto& r : roles) {
        std::string id = text(r, "id"), name = text(r, "name");
        auto found = std::find_if(all.begin(), all.end(),
                                  [&](const Role& role) { return id.empty() ? role.name == name : role.id == id; });
        if (found == all.end())
            throw NotFound("Could not find role: " + (id.empty() ? name : id) + ".");
        if (std::find(t.roles.begin(), t.roles.end(), found->id) == t.roles.end())
            t.roles.push_back(found->id);
    }
    // Never more than the trustor holds on the project (the roles their grants imply included).
    if (!t.project_id.empty()) {
        d.projectFind({.id = t.project_id});
        std::vector<std::string> held;
        for (const auto& r : d.roleListForProject(t.trustor_user_id, t.project_id))
            held.push_back(r.id);
        held = api::identity::with_implied(held, d.roleInferenceList());
        for (const auto& id : t.roles)
            if (std::find(held.begin(), held.end(), id) == held.end())
                throw NotFound("Could not find role: " + id + ".");
    }
    resp.status = 201;
    resp.json({{"trust", trust_view(d, req, d.trustCreate(t), true)}});
}

void trust_list(const Driver& d, const Request& req, Response& resp)
{
    const Context& c = req.context();
    std::string trustor = req.has_query("trustor_user_id") ? std::string(req.query("trustor_user_id")) : "";
    std::string trustee = req.has_query("trustee_user_id") ? std::string(req.query("trustee_user_id")) : "";
    // Keystone's policy: anyone lists their own trusts (as trustor or trustee); only an admin lists others'.
    if (!c.is_admin() && (trustor.empty() || trustor != c.user_id) && (trustee.empty() || trustee != c.user_id))
        throw Forbidden("You are not authorized to perform the requested action: identity:list_trusts.");
    json out = json::array();
    for (const auto& t : d.trustList())
        if ((trustor.empty() || t.trustor_user_id == trustor) && (trustee.empty() || t.trustee_user_id == trustee))
            out.push_back(trust_view(d, req, t, false));
    resp.json({{"trusts", std::move(out)}, {"links", list_links(req)}});
}

void trust_show(const Driver& d, const Request& req, Response& resp)
{
    resp.json({{"trust", trust_view(d, req, related(d, req, "get_trust"), true)}});
}

void trust_delete(const Driver& d, const Request& req, Response& resp)
{
    Trust t = related(d, req, "delete_trust");
    if (req.context().user_id != t.trustor_user_id && !req.context().is_admin())
        throw Forbidden("You are not authorized to perform the requested action: identity:delete_trust.");
    d.trustDelete(t.id);
    resp.status = 204;
}

void trust_roles(const Driver& d, const Request& req, Response& resp)
{
    json v = trust_view(d, req, related(d, req, "list_roles_for_trust"), true);
    resp.json({{"roles", v["roles"]}, {"links", v["roles_links"]}});
}

void trust_role(const Driver& d, const Request& req, Response& resp)
{
    Trust t = related(d, req, "get_role_for_trust");
    const std::string& id = req.param("role_id");
    if (std::find(t.roles.begin(), t.roles.end(), id) == t.roles.end())
        throw NotFound("Could not find role: " + id + ".");
    for (const auto& r : d.roleList())
        if (r.id == id) {
            resp.json({{"role", role_view(req, r)}});
            return;
        }
    throw NotFound("Could not find role: " + id + ".");
}

void trust_role_check(const Driver& d, const Request& req, Response& resp)
{
    trust_role(d, req, resp);
    resp.status = 200;
}

const Operations kTrust{Op::trustGet, Op::roleList};

const Binding<Driver> kTrustBindings[] = {
    {"v3_trusts",
     "POST",
     {Op::trustCreate, Op::userGet, Op::roleList, Op::projectFind, Op::roleListForProject, Op::roleInferenceList},
     trust_create},
    {"v3_trusts", "GET", {Op::trustList, Op::roleList}, trust_list},
    {"v3_trust", "GET", kTrust, trust_show},
    {"v3_trust", "DELETE", kTrust | Operations{Op::trustDelete}, trust_delete},
    {"v3_trust_roles", "GET", kTrust, trust_roles},
    {"v3_trust_role", "GET", kTrust, trust_role},
    {"v3_trust_role", "HEAD", kTrust, trust_role_check},
};

} // namespace

#define NOT_IMPLEMENTED(what) throw NotImplemented(what " is not implemented by this driver.")
std::vector<Trust> Driver::trustList() const
{
    NOT_IMPLEMENTED("trustList");
}
Trust Driver::trustGet(const std::string&) const
{
    NOT_IMPLEMENTED("trustGet");
}
Trust Driver::trustCreate(const Trust&) const
{
    NOT_IMPLEMENTED("trustCreate");
}
void Driver::trustDelete(const std::string&) const
{
    NOT_IMPLEMENTED("trustDelete");
}
void Driver::trustConsume(const std::string&) const
{
    NOT_IMPLEMENTED("trustConsume");
}
#undef NOT_IMPLEMENTED

} // namespace jumpgate::identity

namespace jumpgate::api::identity {

std::span<const Binding<jumpgate::identity::Driver>> trust_bindings()
{
    return jumpgate::identity::kTrustBindings;
}

} // namespace jumpgate::api::identity
