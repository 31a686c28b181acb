// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network routers: gateways to external networks, interfaces on subnets, routes.
#include "network.hpp"
#include "network_store.hpp"

#include <algorithm>
#include <set>

#include <jumpgate/fault.hpp>

namespace jumpgate::local::net {

namespace {

using network::Address;

void gateway_clear(Store& st, json& router)
{
    if (!router["external_gateway_info"].is_object())
        return;
    for (const auto& fip : st.rows("floatingips"))
        if (fip["router_id"] == router["id"])
            throw Conflict("Gateway cannot be updated for router " + router["id"].get<std::string>() +
                               ", since a gateway to external network " +
                               router["external_gateway_info"]["network_id"].get<std::string>() +
                               " is required by one or more floating IPs.",
                           "RouterExternalGatewayInUseByFloatingIp");
    for (const auto& p : router_ports(st, router, kRouterGateway))
        port_erase(st, p["id"]);
    router["external_gateway_info"] = nullptr;
}

void gateway_set(Store& st, json& router, const json& info)
{
    if (info.is_null()) {
        gateway_clear(st, router);
        return;
    }
    json net = st.seen("networks", info["network_id"]);
    if (net["router:external"] != true)
        throw BadRequest("Bad router request: Network " + info["network_id"].get<std::string>() +
                             " is not an external network.",
                         "BadRequest");
    const json& old = router["external_gateway_info"];
    if (old.is_object() && old["network_id"] == info["network_id"] && !info.contains("external_fixed_ips")) {
        json kept = old;
        if (info.contains("enable_snat"))
            kept["enable_snat"] = info["enable_snat"];
        router["external_gateway_info"] = kept;
        return;
    }
    gateway_clear(st, router);
    json port = service_port(st, net, kRouterGateway, router["id"], "",
                             info.contains("external_fixed_ips") ? &info["external_fixed_ips"] : nullptr);
    router["external_gateway_info"] = {{"network_id", info["network_id"]},
                                       {"enable_snat", info.value("enable_snat", true)},
                                       {"external_fixed_ips", port["fixed_ips"]}};
}

// The subnets a router reaches: those of its interfaces and its gateway.
std::vector<json> router_subnets(Store& st, const json& router)
{
    std::vector<json> out;
    for (const char* owner : {kRouterInterface, kRouterGateway})
        for (const auto& p : router_ports(st, router, owner))
            for (const auto& f : p["fixed_ips"])
                if (auto sn = st.find("subnets", f["subnet_id"]))
                    out.push_back(*sn);
    return out;
}

void check_routes(Store& st, const json& router)
{
    auto subnets = router_subnets(st, router);
    for (const auto& route : router["routes"]) {
        Address hop = address(route["nexthop"]);
        if (std::none_of(subnets.begin(), subnets.end(),
                         [&](const json& sn) { return network::contains(cidr(sn["cidr"]), hop); }))
            throw BadRequest("Invalid format for routes: " + json::array({route}).dump() +
                                 ", the nexthop is not connected with router",
                             "InvalidRoutes");
    }
}

json interface_info(const json& router, const json& port, const std::string& subnet_id)
{
    json ids = json::array();
    for (const auto& f : port["fixed_ips"])
        ids.push_back(f["subnet_id"]);
    return {{"id", router["id"]},
            {"tenant_id", router["project_id"]},
            {"project_id", router["project_id"]},
            {"port_id", port["id"]},
            {"network_id", port["network_id"]},
            {"subnet_id", subnet_id.empty() && !ids.empty() ? ids[0] : json(subnet_id)},
            {"subnet_ids", ids},
            {"tags", port.value("tags", json::array())}};
}

} // namespace

// service_port: a port the network makes for a router or a floating IP, with addresses `wanted` or chosen.
json service_port(Store& st, const json& net, const std::string& owner, const std::string& device_id,
                  const std::string& project_id, const json* wanted)
{
    json port = {{"id", new_uuid()},
                 {"name", ""},
                 {"description", ""},
                 {"project_id", project_id},
                 {"network_id", net["id"]},
                 {"admin_state_up", true},
                 {"device_id", device_id},
                 {"device_owner", owner},
                 {"security_groups", json::array()},
                 {"port_security_enabled", false},
                 {"binding:host_id", ""},
                 {"binding:vnic_type", "normal"},
                 {"binding:profile", json::object()}};
    port["mac_address"] = st.new_mac(net["id"]);
    st.mac_take(net["id"], port["mac_address"], port["id"]);
    port["fixed_ips"] = st.allocate(net, port, wanted);
    port_derived(port);
    st.insert("ports", port);
    return port;
}

json router_ports(Store& st, const json& router, const char* owner)
{
    json out = json::array();
    for (auto& p : st.rows("ports", "device_id", router["id"]))
        if (p["device_owner"] == owner)
            out.push_back(std::move(p));
    return out;
}

json router_create(Store& st, json router)
{
    st.quota_check("routers", router["project_id"]);
    activate_in_zone(router);
    json info = router["external_gateway_info"];
    router["external_gateway_info"] = nullptr;
    gateway_set(st, router, info);
    st.insert("routers", router);
    return router;
}

json router_update(Store& st, json router, const json& changes)
{
    for (const auto& [k, v] : changes.items())
        if (k != "external_gateway_info")
            router[k] = v;
    if (changes.contains("external_gateway_info"))
        gateway_set(st, router, changes["external_gateway_info"]);
    if (changes.contains("routes"))
        check_routes(st, router);
    st.save("routers", router);
    return router;
}

void router_delete(Store& st, const json& stored)
{
    json router = stored;
    if (!router_ports(st, router, kRouterInterface).empty())
        throw Conflict("Router " + router["id"].get<std::string>() + " still has ports", "RouterInUse");
    gateway_clear(st, router);
    st.erase("routers", router["id"]);
}

} // namespace jumpgate::local::net

namespace jumpgate::local {

using namespace net;

json Network::routerInterfaceAdd(const Context& ctx, const std::string& router_id, const std::string& subnet_id,
                                 const std::string& port_id) const
{
    Store st(*db_, ctx);
    Transaction tx(*db_);
    json router = st.writable("routers", router_id, "update");
    auto attached = router_subnets(st, router);
    auto check_overlap = [&](const json& sn) {
        for (const auto& other : attached) {
            if (other["id"] == sn["id"])
                throw BadRequest("Bad router request: Router already has a port on subnet " +
                                     sn["id"].get<std::string>() + ".",
                                 "BadRequest");
            if (network::overlaps(cidr(other["cidr"]), cidr(sn["cidr"])))
                throw BadRequest("Bad router request: Cidr " + sn["cidr"].get<std::string>() + " of subnet " +
                                     sn["id"].get<std::string>() + " overlaps with cidr " +
                                     other["cidr"].get<std::string>() + " of subnet " + other["id"].get<std::string>() +
                                     ".",
                                 "BadRequest");
        }
    };
    json info;
    if (!subnet_id.empty()) {
        json sn = st.seen("subnets", subnet_id);
        if (!sn["gateway_ip"].is_string())
            throw BadRequest("Bad router request: Subnet for router interface must have a gateway IP.", "BadRequest");
        check_overlap(sn);
        json net = *st.find("networks", sn["network_id"]);
        json wanted = json::array({{{"subnet_id", subnet_id}, {"ip_address", sn["gateway_ip"]}}});
        json port = service_port(st, net, kRouterInterface, router_id, router["project_id"], &wanted);
        info = interface_info(router, port, subnet_id);
    } else {
        json port = st.writable("ports", port_id, "update");
        if (!port["device_id"].get<std::string>().empty())
            throw Conflict("Unable to complete operation on port " + port_id + " for network " +
                               port["network_id"].get<std::string>() + ". Port already has an attached device " +
                               port["device_id"].get<std::string>() + ".",
                           "PortInUse");
        if (port["fixed_ips"].empty())
            throw BadRequest("Bad router request: Router port must have at least one fixed IP.", "BadRequest");
        for (const auto& f : port["fixed_ips"])
            check_overlap(*st.find("subnets", f["subnet_id"]));
        port["device_id"] = router_id;
        port["device_owner"] = kRouterInterface;
        port["security_groups"] = json::array();
        port_derived(port);
        st.save("ports", port);
        info = interface_info(router, port, "");
    }
    st.save("routers", router);
    tx.commit();
    return info;
}

json Network::routerInterfaceRemove(const Context& ctx, const std::string& router_id, const std::string& subnet_id,
                                    const std::string& port_id) const
{
    Store st(*db_, ctx);
    Transaction tx(*db_);
    json router = st.writable("routers", router_id, "update");
    std::optional<json> port;
    for (auto& p : router_ports(st, router, kRouterInterface)) {
        bool on_subnet = std::any_of(p["fixed_ips"].begin(), p["fixed_ips"].end(),
                                     [&](const json& f) { return f["subnet_id"] == subnet_id; });
        if ((port_id.empty() || p["id"] == port_id) && (subnet_id.empty() || on_subnet))
            port = p;
    }
    if (!port) {
        if (!port_id.empty())
            throw NotFound("Router " + router_id + " does not have an interface with id " + port_id,
                           "RouterInterfaceNotFound");
        throw NotFound("Router " + router_id + " has no interface on subnet " + subnet_id,
                       "RouterInterfaceNotFoundForSubnet");
    }
    std::set<std::string> leaving;
    for (const auto& f : (*port)["fixed_ips"])
        leaving.insert(f["subnet_id"]);
    for (const auto& fip : st.rows("floatingips"))
        if (fip["router_id"] == router_id && fip["port_id"].is_string())
            if (auto target = st.find("ports", fip["port_id"]))
                for (const auto& f : (*target)["fixed_ips"])
                    if (leaving.count(f["subnet_id"]) && f["ip_address"] == fip["fixed_ip_address"])
                        throw Conflict("Cannot remove the router interface of router " + router_id + " on subnet " +
                                           f["subnet_id"].get<std::string>() +
                                           ": it is required by one or more floating IPs.",
                                       "RouterInterfaceInUseByFloatingIP");
    json info = interface_info(router, *port, subnet_id);
    port_erase(st, (*port)["id"]);
    try {
        check_routes(st, router);
    } catch (const BadRequest&) {
        throw Conflict("Router interface for subnet on router " + router_id +
                           " cannot be deleted, as it is required by one or more routes.",
                       "RouterInterfaceInUseByRoute");
    }
    st.save("routers", router);
    tx.commit();
    return info;
}

} // namespace jumpgate::local
