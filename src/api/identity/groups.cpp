// SPDX-License-Identifier: Apache-2.0
// Keystone v3 groups: their records, who is in them, and the groups of a user.
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/fault.hpp>

#include "api/identity/fields.hpp"
#include "api/identity/identity.hpp"

namespace jumpgate::identity {

namespace {

json view(const Request& req, const Group& g)
{
    return {{"id", g.id},
            {"name", g.name},
            {"domain_id", g.domain_id},
            {"description", g.description},
            {"links", {{"self", url(req, "v3_group", "group_id", g.id)}}}};
}

json listed(const Request& req, const std::vector<Group>& groups)
{
    json out = json::array();
    for (const auto& g : groups)
        if ((!req.has_query("name") || g.name == req.query("name")) &&
            (!req.has_query("domain_id") || g.domain_id == req.query("domain_id")))
            out.push_back(view(req, g));
    return {{"groups", std::move(out)}, {"links", list_links(req)}};
}

void group_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_groups");
    resp.json(listed(req, d.groupList()));
}

void group_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_group");
    const json& b = body(req, "group");
    Group g{.name = name_text(b, "name", 255),
            .domain_id = text(b, "domain_id", "default"),
            .description = text(b, "description")};
    try {
        g = d.groupCreate(g);
    } catch (const NotFound& e) { // its domain: a reference to none is the request's fault, as for projects
        throw BadRequest(e.what());
    }
    resp.status = 201;
    resp.json({{"group", view(req, g)}});
}

void group_show(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "get_group");
    resp.json({{"group", view(req, d.groupGet(req.param("group_id")))}});
}

// As Keystone: a group does not move to another domain.
void group_update(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_group");
    Group g = d.groupGet(req.param("group_id"));
    const json& b = body(req, "group");
    if (text(b, "domain_id", g.domain_id) != g.domain_id)
        throw BadRequest("Cannot change Domain ID");
    if (text(b, "id", g.id) != g.id)
        throw BadRequest("Cannot change ID");
    g.name = name_text(b, "name", 255, g.name);
    g.description = text(b, "description", g.description);
    resp.json({{"group", view(req, d.groupUpdate(g))}});
}

void group_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_group");
    d.groupDelete(req.param("group_id"));
    resp.status = 204;
}

void group_user_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_users_in_group");
    d.groupGet(req.param("group_id"));
    json out = json::array();
    for (const auto& u : d.groupUserList(req.param("group_id")))
        if ((!req.has_query("name") || u.name == req.query("name")) &&
            (!req.has_query("domain_id") || u.domain_id == req.query("domain_id")))
            out.push_back(view(req, u));
    resp.json({{"users", std::move(out)}, {"links", list_links(req)}});
}

void group_user_check(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "check_user_in_group");
    d.groupGet(req.param("group_id"));
    d.userGet(req.param("user_id"));
    for (const auto& g : d.groupListForUser(req.param("user_id")))
        if (g.id == req.param("group_id")) {
            resp.status = 204;
            return;
        }
    throw NotFound("User '" + req.param("user_id") + "' not found in group '" + req.param("group_id") + "'.");
}

void group_user_add(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "add_user_to_group");
    d.groupGet(req.param("group_id"));
    d.userGet(req.param("user_id"));
    d.groupUserAdd(req.param("group_id"), req.param("user_id"));
    resp.status = 204;
}

void group_user_remove(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "remove_user_from_group");
    d.groupGet(req.param("group_id"));
    d.userGet(req.param("user_id"));
    d.groupUserRemove(req.param("group_id"), req.param("user_id"));
    resp.status = 204;
}

// A user lists their own groups; another's are the admin's.
void user_group_list(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "list_groups_for_user");
    d.userGet(req.param("user_id"));
    json out = json::array();
    for (const auto& g : d.groupListForUser(req.param("user_id"))) {
        json v = view(req, g);
        v["membership_expires_at"] = nullptr;
        out.push_back(std::move(v));
    }
    resp.json({{"groups", std::move(out)}, {"links", list_links(req)}});
}

const Binding<Driver> kGroups[] = {
    {"v3_groups", "GET", {Op::groupList}, group_list},
    {"v3_groups", "POST", {Op::groupCreate}, group_create},
    {"v3_group", "GET", {Op::groupGet}, group_show},
    {"v3_group", "PATCH", {Op::groupGet, Op::groupUpdate}, group_update},
    {"v3_group", "DELETE", {Op::groupDelete}, group_delete},
    {"v3_group_users", "GET", {Op::groupGet, Op::groupUserList}, group_user_list},
    {"v3_group_user", "GET", {Op::groupGet, Op::userGet, Op::groupListForUser}, group_user_check},
    {"v3_group_user", "HEAD", {Op::groupGet, Op::userGet, Op::groupListForUser}, group_user_check},
    {"v3_group_user", "PUT", {Op::groupGet, Op::userGet, Op::groupUserAdd}, group_user_add},
    {"v3_group_user", "DELETE", {Op::groupGet, Op::userGet, Op::groupUserRemove}, group_user_remove},
    {"v3_user_groups", "GET", {Op::userGet, Op::groupListForUser}, user_group_list},
};

} // namespace

#define NOT_IMPLEMENTED(what) throw NotImplemented(what " is not implemented by this driver.")
std::vector<Group> Driver::groupList() const
{
    NOT_IMPLEMENTED("groupList");
}
Group Driver::groupGet(const std::string&) const
{
    NOT_IMPLEMENTED("groupGet");
}
Group Driver::groupCreate(const Group&) const
{
    NOT_IMPLEMENTED("groupCreate");
}
Group Driver::groupUpdate(const Group&) const
{
    NOT_IMPLEMENTED("groupUpdate");
}
void Driver::groupDelete(const std::string&) const
{
    NOT_IMPLEMENTED("groupDelete");
}
void Driver::groupUserAdd(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("groupUserAdd");
}
void Driver::groupUserRemove(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("groupUserRemove");
}
std::vector<User> Driver::groupUserList(const std::string&) const
{
    NOT_IMPLEMENTED("groupUserList");
}
std::vector<Group> Driver::groupListForUser(const std::string&) const
{
    NOT_IMPLEMENTED("groupListForUser");
}
#undef NOT_IMPLEMENTED

} // namespace jumpgate::identity

std::span<const jumpgate::Binding<jumpgate::identity::Driver>> jumpgate::api::identity::group_bindings()
{
    return jumpgate::identity::kGroups;
}
