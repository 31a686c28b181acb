// SPDX-License-Identifier: Apache-2.0
// Nova's os-server-groups: servers placed by one policy, named in a create's scheduler hints.
#include <jumpgate/driver/compute.hpp>

#include <jumpgate/fault.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::compute {

namespace {

constexpr const char* kPolicies[] = {"affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"};

json group_view(const Request& req, const ServerGroup& g)
{
    json view = {{"id", g.id}, {"name", g.name}, {"members", g.members}};
    if (req.version().at_least(2, 64)) {
        view["policy"] = g.policy;
        view["rules"] = g.max_server_per_host ? json{{"max_server_per_host", *g.max_server_per_host}} : json::object();
    } else {
        view["policies"] = json::array({g.policy});
        view["metadata"] = json::object();
    }
    if (req.version().at_least(2, 13)) {
        view["project_id"] = g.project_id;
        view["user_id"] = g.user_id;
    }
    return view;
}

// The policy of a create body: one of `policies` before 2.64, `policy` (with its rules) from it.
void read_policy(const Request& req, const json& g, ServerGroup& group)
{
    // Soft policies came with 2.15.
    std::size_t known = req.version().at_least(2, 15) ? std::size(kPolicies) : 2;
    auto valid = [&](const json& p) {
        return p.is_string() && std::find(kPolicies, kPolicies + known, p.get<std::string>()) != kPolicies + known;
    };
    if (req.version().at_least(2, 64)) {
        if (!g.contains("policy"))
            throw api::schema_fault("server_group", g, "'policy' is a required property");
        if (!valid(g["policy"]))
            throw api::schema_fault("policy", g["policy"],
                                    api::python_repr(g["policy"]) + " is not one of the policies");
        group.policy = g["policy"];
        if (g.contains("rules")) {
            const json& rules = g["rules"];
            if (!rules.is_object())
                throw api::schema_fault("rules", rules, api::python_repr(rules) + " is not of type 'object'");
            for (const auto& [key, value] : rules.items()) {
                if (key != "max_server_per_host")
                    throw api::schema_fault("rules", rules,
                                            "Additional properties are not allowed ('" + key + "' was unexpected)");
                group.max_server_per_host = api::schema_integer(value, "max_server_per_host", 1, api::kMaxInt);
            }
            if (group.max_server_per_host && group.policy != "anti-affinity")
                throw BadRequest("Only anti-affinity policy supports \"max_server_per_host\" rule.");
        }
        return;
    }
    if (!g.contains("policies"))
        throw api::schema_fault("server_group", g, "'policies' is a required property");
    const json& policies = g["policies"];
    if (!policies.is_array() || policies.size() != 1 || !valid(policies[0]))
        throw api::schema_fault("policies", policies, "one of the policies, alone");
    group.policy = policies[0];
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("server_group") || !body["server_group"].is_object())
        throw api::schema_fault("server_group",
                                body.is_object() && body.contains("server_group") ? body["server_group"] : json(),
                                "'server_group' is a required property of type 'object'");
    const json& g = body["server_group"];
    api::only_properties(g, "server_group", {"name", "policies", "policy", "rules"});
    if (!g.contains("name"))
        throw api::schema_fault("server_group", g, "'name' is a required property");
    ServerGroup group;
    group.name = api::nova_name(g["name"], "name");
    read_policy(req, g, group);
    const Context& ctx = req.context();
    group.id = new_uuid();
    group.project_id = ctx.project_id;
    group.user_id = ctx.user_id;
    resp.json({{"server_group", group_view(req, driver.serverGroupCreate(ctx, group))}});
}

/* list: a page of the groups (Nova pages these by offset and limit, not by marker). */
void list(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    bool all =
        ctx.is_admin() && req.has_query("all_projects") && api::parse_bool("all_projects", req.query("all_projects"));
    auto groups = driver.serverGroupList(ctx, all);
    std::size_t offset = req.has_query("offset") ? api::parse_int("offset", req.query("offset")) : 0;
    std::size_t limit = req.has_query("limit") ? api::parse_int("limit", req.query("limit")) : 1000;
    json views = json::array();
    for (std::size_t i = offset; i < groups.size() && views.size() < std::min<std::size_t>(limit, 1000); ++i)
        views.push_back(group_view(req, groups[i]));
    resp.json({{"server_groups", std::move(views)}});
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"server_group", group_view(req, driver.serverGroupGet(req.context(), req.param("server_group_id")))}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    driver.serverGroupDelete(req.context(), req.param("server_group_id"));
    resp.status = 204;
    resp.clear_body();
}

const Binding<Driver> kServerGroupBindings[] = {
    {"v2_os_server_groups", "GET", {Op::serverGroupList}, list},
    {"v2_os_server_groups", "POST", {Op::serverGroupCreate}, create},
    {"v2_os_server_group", "GET", {Op::serverGroupGet}, show},
    {"v2_os_server_group", "DELETE", {Op::serverGroupDelete}, remove},
};

} // namespace

std::span<const Binding<Driver>> server_group_bindings()
{
    return kServerGroupBindings;
}

std::vector<ServerGroup> Driver::serverGroupList(const Context&, bool) const
{
    throw NotImplemented("serverGroupList");
}

ServerGroup Driver::serverGroupGet(const Context&, const std::string&) const
{
    throw NotImplemented("serverGroupGet");
}

ServerGroup Driver::serverGroupCreate(const Context&, const ServerGroup&) const
{
    throw NotImplemented("serverGroupCreate");
}

void Driver::serverGroupDelete(const Context&, const std::string&) const
{
    throw NotImplemented("serverGroupDelete");
}

} // namespace jumpgate::compute
