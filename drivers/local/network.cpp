// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network service: each request's collection to its operations, networks themselves, quotas.
#include "network.hpp"
#include "network_store.hpp"

#include <jumpgate/fault.hpp>

#include "quota.hpp"

namespace jumpgate::local {

namespace net {

json network_create(Store& st, json net)
{
    st.quota_check("networks", net["project_id"]);
    activate_in_zone(net);
    st.insert("networks", net);
    return net;
}

json network_update(Store& st, json net, const json& changes)
{
    const std::string id = net["id"];
    if (changes.contains("router:external") && changes["router:external"] == false && net["router:external"] == true &&
        !st.rows("floatingips", "parent_id", id).empty())
        throw Conflict("Unable to complete operation on network " + id +
                           ". There are one or more floating IPs on the network.",
                       "NetworkInUse");
    for (const auto& [k, v] : changes.items())
        net[k] = v;
    st.save("networks", net);
    return net;
}

void network_delete(Store& st, const json& net)
{
    const std::string id = net["id"];
    // As Neutron, an external network takes its floating IPs that are not associated with it; one still carrying a
    // port's traffic keeps the network in use.
    if (net["router:external"] == true)
        for (const auto& fip : st.rows("floatingips"))
            if (fip["floating_network_id"] == id && fip["port_id"].is_null())
                floating_ip_delete(st, fip);
    for (const auto& port : st.rows("ports", "parent_id", id))
        if (port["device_owner"] != kDhcpOwner)
            throw Conflict("Unable to complete operation on network " + id +
                               ". There are one or more ports still in use on the network.",
                           "NetworkInUse");
    for (const auto& sn : st.rows("subnets", "parent_id", id))
        st.erase("subnets", sn["id"]);
    Statement s(st.db(), "DELETE FROM network_auto_networks WHERE network_id = ?1");
    s.bind(1, id);
    s.step();
    st.erase("networks", id);
}

// The auto network of Compute's "networks: auto": one per project, with a subnet, made on first use.
json auto_network(Store& st)
{
    const std::string project = st.ctx().project_id;
    Statement s(st.db(), "SELECT network_id FROM network_auto_networks WHERE project_id = ?1");
    s.bind(1, project);
    if (s.step())
        if (auto net = st.find("networks", s.text(0)))
            return *net;
    json net = network_create(st, {{"id", new_uuid()},
                                   {"name", "auto_allocated_network"},
                                   {"description", ""},
                                   {"project_id", project},
                                   {"admin_state_up", true},
                                   {"shared", false},
                                   {"router:external", false},
                                   {"mtu", 1500},
                                   {"port_security_enabled", true},
                                   {"availability_zone_hints", json::array()}});
    subnet_create(st, {{"id", new_uuid()},
                       {"name", "auto_allocated_subnet_v4"},
                       {"description", ""},
                       {"project_id", project},
                       {"network_id", net["id"]},
                       {"ip_version", 4},
                       {"cidr", "10.0.0.0/24"},
                       {"dns_nameservers", json::array()},
                       {"host_routes", json::array()},
                       {"enable_dhcp", true},
                       {"ipv6_ra_mode", nullptr},
                       {"ipv6_address_mode", nullptr},
                       {"subnetpool_id", nullptr}});
    Statement add(st.db(), "INSERT OR REPLACE INTO network_auto_networks (project_id, network_id) VALUES (?1, ?2)");
    add.bind(1, project).bind(2, net["id"].get<std::string>());
    add.step();
    return net;
}

} // namespace net

using namespace net;

namespace {

/*
 * Verbs: what one collection does to create, update and delete; without an update
 * of its own the changes are set as they come, without a delete the row goes.
 */
struct Verbs {
    const char* collection;
    json (*create)(Store&, json);
    json (*update)(Store&, json, const json&);
    void (*remove)(Store&, const json&);
};

constexpr Verbs kVerbs[] = {
    {"networks", network_create, network_update, network_delete},
    {"subnets", subnet_create, subnet_update, subnet_delete},
    {"ports", port_create, port_update, port_delete},
    {"routers", router_create, router_update, router_delete},
    {"floatingips", floating_ip_create, floating_ip_update, floating_ip_delete},
    {"security-groups", group_create, group_update, group_delete},
    {"security-group-rules", rule_create, nullptr, nullptr},
    {"subnetpools", subnetpool_create, subnetpool_update, subnetpool_delete},
    {"metering-labels", metering_label_create, nullptr, metering_label_delete},
    {"metering-label-rules", metering_rule_create, nullptr, nullptr},
};

// NotFound, as kind_of, for a collection the service has not.
const Verbs& verbs_of(std::string_view collection)
{
    const Kind& kind = kind_of(collection);
    for (const auto& verbs : kVerbs)
        if (kind.collection == std::string_view(verbs.collection))
            return verbs;
    throw NotFound("No collection " + std::string(collection) + ".");
}

} // namespace

std::vector<std::string> Network::collections() const
{
    return {std::begin(network::kKindNames), std::end(network::kKindNames)};
}

std::vector<json> Network::list(const Context& ctx, const std::string& collection, const network::Query& q) const
{
    Store st(*db_, ctx);
    if ((collection == "security-groups" || collection == "security-group-rules") && !ctx.project_id.empty() &&
        !st.has_default_group(ctx.project_id)) {
        Transaction tx(*db_);
        st.default_group(ctx.project_id);
        tx.commit();
    }
    std::vector<json> items;
    const bool admin = ctx.is_admin();
    for (auto& doc : st.rows(kind_of(collection).collection))
        if (admin || st.visible(collection, doc))
            items.push_back(st.complete(collection, std::move(doc)));
    return network::select(q, std::move(items));
}

json Network::get(const Context& ctx, const std::string& collection, const std::string& id) const
{
    Store st(*db_, ctx);
    return st.complete(collection, st.seen(collection, id));
}

json Network::create(const Context& ctx, const std::string& collection, const json& resource) const
{
    const Verbs& verbs = verbs_of(collection);
    Store st(*db_, ctx);
    Transaction tx(*db_);
    json out = st.complete(collection, verbs.create(st, resource));
    tx.commit();
    return out;
}

json Network::update(const Context& ctx, const std::string& collection, const std::string& id,
                     const json& changes) const
{
    const Verbs& verbs = verbs_of(collection);
    Store st(*db_, ctx);
    Transaction tx(*db_);
    json doc = st.writable(collection, id, "update");
    if (verbs.update) {
        doc = verbs.update(st, doc, changes);
    } else {
        for (const auto& [k, v] : changes.items())
            doc[k] = v;
        st.save(collection, doc);
    }
    json out = st.complete(collection, std::move(doc));
    tx.commit();
    return out;
}

void Network::remove(const Context& ctx, const std::string& collection, const std::string& id) const
{
    const Verbs& verbs = verbs_of(collection);
    Store st(*db_, ctx);
    Transaction tx(*db_);
    json doc = st.writable(collection, id, "delete");
    if (verbs.remove)
        verbs.remove(st, doc);
    else
        st.erase(collection, id);
    tx.commit();
}

network::QuotaSet Network::quotaGet(const Context& ctx, const std::string& project_id) const
{
    Store st(*db_, ctx);
    return st.quota_of(project_id);
}

network::QuotaSet Network::quotaDefaults(const Context&) const
{
    return kDefaultQuotas;
}

std::vector<std::pair<std::string, network::QuotaSet>> Network::quotaList(const Context& ctx) const
{
    Store st(*db_, ctx);
    std::vector<std::pair<std::string, network::QuotaSet>> out;
    Statement s(*db_, "SELECT DISTINCT project_id FROM network_quotas ORDER BY project_id");
    std::vector<std::string> projects;
    while (s.step())
        projects.push_back(s.text(0));
    for (const auto& p : projects)
        out.emplace_back(p, st.quota_of(p));
    return out;
}

network::QuotaSet Network::quotaSet(const Context& ctx, const std::string& project_id,
                                    const network::QuotaSet& changes) const
{
    QuotaTable(*db_, "network_quotas", kDefaultQuotas).set(project_id, changes);
    return quotaGet(ctx, project_id);
}

void Network::quotaReset(const Context&, const std::string& project_id) const
{
    QuotaTable(*db_, "network_quotas", kDefaultQuotas).reset(project_id);
}

network::QuotaSet Network::quotaUsage(const Context& ctx, const std::string& project_id) const
{
    Store st(*db_, ctx);
    network::QuotaSet used;
    for (const auto& k : kKinds)
        used[k.quota] = st.count(k.collection, project_id);
    return used;
}

std::vector<network::AvailabilityZone> Network::availabilityZoneList(const Context&) const
{
    return {{"nova", "network", "available"}, {"nova", "router", "available"}};
}

} // namespace jumpgate::local
