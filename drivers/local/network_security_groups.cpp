// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network security groups and rules: each project's default group made on first use.
#include "network_store.hpp"

#include <jumpgate/driver/ipnet.hpp>
#include <jumpgate/fault.hpp>

namespace jumpgate::local::net {

namespace {

std::string rule_key(const json& r)
{
    // A prefix counts as the network it names (Neutron's normalized_cidr): 10.0.0.1/8 is a second 10.0.0.0/8.
    // 0.0.0.0/0 and ::/0 mean what no prefix means.
    json prefix = r["remote_ip_prefix"];
    if (prefix.is_string())
        if (auto cidr = network::parse_cidr(prefix.get<std::string>(), false))
            prefix = network::to_string(*cidr);
    if (prefix == "0.0.0.0/0" || prefix == "::/0")
        prefix = nullptr;
    return json::array({r["security_group_id"], r["direction"], r["ethertype"], r["protocol"], r["port_range_min"],
                        r["port_range_max"], prefix, r["remote_group_id"]})
        .dump();
}

bool is_default_group(Store& st, const json& group)
{
    Statement s(st.db(), "SELECT 1 FROM network_default_security_groups WHERE security_group_id = ?1");
    s.bind(1, group["id"].get<std::string>());
    return s.step();
}

} // namespace

json Store::rule(const std::string& project_id, const std::string& group_id, const char* direction,
                 const char* ethertype, const json& remote_group)
{
    json r = {{"id", new_uuid()},
              {"project_id", project_id},
              {"security_group_id", group_id},
              {"direction", direction},
              {"ethertype", ethertype},
              {"protocol", nullptr},
              {"port_range_min", nullptr},
              {"port_range_max", nullptr},
              {"remote_ip_prefix", nullptr},
              {"remote_group_id", remote_group},
              {"description", ""}};
    insert("security-group-rules", r);
    return r;
}

std::string Store::default_group(const std::string& project_id)
{
    Statement find(db_, "SELECT security_group_id FROM network_default_security_groups WHERE project_id = ?1");
    find.bind(1, project_id);
    if (find.step())
        return find.text(0);
    json group = {{"id", new_uuid()},
                  {"project_id", project_id},
                  {"name", "default"},
                  {"description", "Default security group"},
                  {"stateful", true}};
    Statement add(db_, "INSERT INTO network_default_security_groups (project_id, security_group_id) VALUES (?1, ?2)");
    add.bind(1, project_id).bind(2, group["id"].get<std::string>());
    add.step();
    insert("security-groups", group);
    for (const char* ethertype : {"IPv4", "IPv6"}) {
        rule(project_id, group["id"], "egress", ethertype, nullptr);
        rule(project_id, group["id"], "ingress", ethertype, group["id"]);
    }
    return group["id"];
}

bool Store::has_default_group(const std::string& project_id)
{
    Statement s(db_, "SELECT 1 FROM network_default_security_groups WHERE project_id = ?1");
    s.bind(1, project_id);
    return s.step();
}

json group_create(Store& st, json group)
{
    const std::string project = group["project_id"];
    bool had_default = st.has_default_group(project);
    st.default_group(project);
    if (group["name"] == "default")
        throw Conflict("Default security group already exists.", "SecurityGroupDefaultAlreadyExists");
    st.quota_check("security-groups", project, had_default ? 1 : 2);
    st.insert("security-groups", group);
    if (group["stateful"] == true)
        for (const char* ethertype : {"IPv4", "IPv6"})
            st.rule(project, group["id"], "egress", ethertype, nullptr);
    return group;
}

json group_update(Store& st, json group, const json& changes)
{
    if (changes.contains("name") && changes["name"] != group["name"] && is_default_group(st, group))
        throw Conflict("Updating default security group not allowed.", "SecurityGroupCannotUpdateDefault");
    // Only the group Neutron makes for the project may be called "default".
    if (changes.contains("name") && changes["name"] == "default" && !is_default_group(st, group))
        throw Conflict("Default security group already exists.", "SecurityGroupDefaultAlreadyExists");
    for (const auto& [k, v] : changes.items())
        group[k] = v;
    st.save("security-groups", group);
    return group;
}

void group_delete(Store& st, const json& group)
{
    const std::string id = group["id"];
    if (is_default_group(st, group) && !st.admin())
        throw Conflict("Insufficient rights for removing default security group.", "SecurityGroupCannotRemoveDefault");
    for (const auto& port : st.rows("ports"))
        for (const auto& g : port["security_groups"])
            if (g == id)
                throw Conflict("Security Group " + id + " in use.", "SecurityGroupInUse");
    for (const auto& r : st.rows("security-group-rules"))
        if (r["security_group_id"] == id || r["remote_group_id"] == id)
            st.erase("security-group-rules", r["id"]);
    Statement s(st.db(), "DELETE FROM network_default_security_groups WHERE security_group_id = ?1");
    s.bind(1, id);
    s.step();
    st.erase("security-groups", id);
}

json rule_create(Store& st, json rule)
{
    json group = st.seen("security-groups", rule["security_group_id"]);
    if (!st.owned(group))
        not_found("security-groups", rule["security_group_id"]);
    if (rule["remote_group_id"].is_string())
        st.seen("security-groups", rule["remote_group_id"]);
    std::string key = rule_key(rule);
    for (const auto& other : st.rows("security-group-rules", "parent_id", group["id"]))
        if (rule_key(other) == key)
            throw Conflict("Security group rule already exists. Rule id is " + other["id"].get<std::string>() + ".",
                           "SecurityGroupRuleExists");
    st.quota_check("security-group-rules", rule["project_id"]);
    st.insert("security-group-rules", rule);
    return rule;
}

} // namespace jumpgate::local::net
