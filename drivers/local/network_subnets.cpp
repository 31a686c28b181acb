// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network subnets: what Neutron checks of a subnet's addresses, and what goes with a subnet.
#include "network_store.hpp"

#include <jumpgate/fault.hpp>

namespace jumpgate::local::net {

namespace {

using network::Address;
using network::Cidr;

// default_pools: the subnet's addresses less the network's own (and IPv4's broadcast), split around the gateway.
json default_pools(const Cidr& net, const json& gateway)
{
    Address first = network::offset(network::first_address(net), 1);
    Address last = network::last_address(net);
    if (net.network.version == 4)
        last = network::offset(last, -1);
    if ((net.network.version == 4 && net.prefix >= 31) || net.prefix >= 127 || last < first)
        return json::array();
    json pools = json::array();
    auto add = [&](Address a, Address b) {
        if (a <= b)
            pools.push_back({{"start", network::to_string(a)}, {"end", network::to_string(b)}});
    };
    if (gateway.is_string() && network::contains(net, address(gateway))) {
        Address g = address(gateway);
        if (first <= g && g <= last) {
            if (g != first)
                add(first, network::offset(g, -1));
            if (g != last)
                add(network::offset(g, 1), last);
            return pools;
        }
    }
    add(first, last);
    return pools;
}

void check_subnet(json& sn, bool fill)
{
    Cidr net = cidr(sn["cidr"]);
    const int version = sn["ip_version"];
    const std::string text = sn["cidr"];
    if (net.network.version != version)
        throw BadRequest("Invalid input for operation: Requested subnet with cidr: " + text +
                             " does not match "
                             "ip_version " +
                             std::to_string(version) + ".",
                         "InvalidInput");
    if ((version == 4 && net.prefix == 32) || (version == 6 && net.prefix == 128))
        throw BadRequest("Invalid input for operation: Requested subnet with cidr: " + text +
                             " has no room for "
                             "addresses.",
                         "InvalidInput");
    if (version == 4 && (!sn["ipv6_ra_mode"].is_null() || !sn["ipv6_address_mode"].is_null()))
        throw BadRequest("Invalid input for operation: ipv6_ra_mode or ipv6_address_mode cannot be set when "
                         "ip_version is 4.",
                         "InvalidInput");
    if (!sn["ipv6_ra_mode"].is_null() && !sn["ipv6_address_mode"].is_null() &&
        sn["ipv6_ra_mode"] != sn["ipv6_address_mode"])
        throw BadRequest("Invalid input for operation: ipv6_ra_mode set to '" + sn["ipv6_ra_mode"].get<std::string>() +
                             "' with ipv6_address_mode set to '" + sn["ipv6_address_mode"].get<std::string>() +
                             "' is not valid. If both attributes are set, they must be the same value.",
                         "InvalidInput");
    const bool modes = !sn["ipv6_ra_mode"].is_null() || !sn["ipv6_address_mode"].is_null();
    if (modes && sn["enable_dhcp"] == false)
        throw BadRequest("Invalid input for operation: ipv6_ra_mode or ipv6_address_mode cannot be set when "
                         "enable_dhcp is set to False.",
                         "InvalidInput");
    if (is_auto_address(sn) && net.prefix != 64)
        throw BadRequest("Invalid input for operation: Invalid CIDR " + text +
                             " for IPv6 address mode. OpenStack "
                             "uses the EUI-64 address format, which requires the prefix to be /64.",
                         "InvalidInput");
    if (fill && !sn.contains("gateway_ip"))
        sn["gateway_ip"] = network::to_string(network::offset(network::first_address(net), 1));
    const json& gateway = sn["gateway_ip"];
    if (gateway.is_string()) {
        Address g = address(gateway);
        if (g.version != version || (network::contains(net, g) && (g == network::first_address(net) ||
                                                                   (version == 4 && g == network::last_address(net)))))
            throw BadRequest("Invalid input for operation: Gateway is not valid on subnet.", "InvalidInput");
    }
    if (fill && !sn.contains("allocation_pools"))
        sn["allocation_pools"] = default_pools(net, gateway);
    std::vector<std::pair<Address, Address>> pools;
    for (const auto& p : sn["allocation_pools"]) {
        Address start = address(p["start"]), end = address(p["end"]);
        std::string range = p["start"].get<std::string>() + "-" + p["end"].get<std::string>();
        if (!network::contains(net, start) || !network::contains(net, end) || end < start)
            throw BadRequest("The allocation pool " + range + " spans beyond the subnet cidr " + text + ".",
                             "OutOfBoundsAllocationPool");
        for (const auto& [s, e] : pools)
            if (start <= e && s <= end)
                throw BadRequest("Found overlapping allocation pools: " + range + " and " + network::to_string(s) +
                                     "-" + network::to_string(e) + " for subnet " + text + ".",
                                 "OverlappingAllocationPools");
        if (gateway.is_string() && start <= address(gateway) && address(gateway) <= end)
            throw Conflict("Gateway ip " + gateway.get<std::string>() + " conflicts with allocation pool " + range +
                               ".",
                           "GatewayConflictWithAllocationPools");
        pools.emplace_back(start, end);
    }
    for (const auto& route : sn["host_routes"])
        if (cidr(route["destination"]).network.version != version || address(route["nexthop"]).version != version)
            throw BadRequest("Invalid input for operation: host route " + route.dump() + " is not of IP version " +
                                 std::to_string(version) + ".",
                             "InvalidInput");
    for (const auto& dns : sn["dns_nameservers"])
        if (address(dns).version != version)
            throw BadRequest("Invalid input for operation: nameserver " + dns.get<std::string>() +
                                 " is not of IP version " + std::to_string(version) + ".",
                             "InvalidInput");
}

} // namespace

json subnet_create(Store& st, json sn)
{
    json net = st.seen("networks", sn["network_id"]);
    if (!st.owned(net))
        throw Forbidden("rule:create_subnet is disallowed by policy: the network belongs to another project.",
                        "PolicyNotAuthorized");
    st.quota_check("subnets", sn["project_id"]);
    pool_allocate(st, sn);
    check_subnet(sn, true);
    Cidr wanted = cidr(sn["cidr"]);
    for (const auto& other : st.rows("subnets", "parent_id", net["id"]))
        if (network::overlaps(wanted, cidr(other["cidr"])))
            throw BadRequest(
                "Invalid input for operation: Requested subnet with cidr: " + sn["cidr"].get<std::string>() +
                    " for network: " + net["id"].get<std::string>() + " overlaps with another subnet.",
                "InvalidInput");
    st.insert("subnets", sn);
    // As Neutron, the network's ports (but the network's own) get their addresses on a new automatic subnet.
    if (is_auto_address(sn))
        for (auto& port : st.rows("ports", "parent_id", net["id"])) {
            if (is_service_port(port))
                continue;
            std::string ip = network::to_string(*network::eui64(wanted, port["mac_address"].get<std::string>()));
            st.take(sn, ip, port["id"]);
            port["fixed_ips"].push_back({{"subnet_id", sn["id"]}, {"ip_address", ip}});
            st.save("ports", port);
        }
    return sn;
}

json subnet_update(Store& st, json sn, const json& changes)
{
    const std::string id = sn["id"];
    for (const auto& [k, v] : changes.items())
        sn[k] = v;
    if (changes.contains("gateway_ip") && sn["gateway_ip"].is_string()) {
        Statement s(st.db(), "SELECT port_id FROM network_ip_allocations WHERE subnet_id = ?1 AND ip_address = ?2");
        s.bind(1, id).bind(2, sn["gateway_ip"].get<std::string>());
        if (s.step())
            if (auto holder = st.find("ports", s.text(0)); holder && (*holder)["device_owner"] != kRouterInterface)
                throw Conflict("Gateway ip " + sn["gateway_ip"].get<std::string>() + " is in use by port " + s.text(0) +
                                   ".",
                               "GatewayIpInUse");
    }
    check_subnet(sn, false);
    st.save("subnets", sn);
    return sn;
}

void subnet_delete(Store& st, const json& sn)
{
    const std::string id = sn["id"];
    Statement s(st.db(), "SELECT DISTINCT port_id FROM network_ip_allocations WHERE subnet_id = ?1");
    s.bind(1, id);
    std::vector<json> holders;
    while (s.step())
        if (auto port = st.find("ports", s.text(0)))
            holders.push_back(*port);
    for (const auto& port : holders)
        if (port["device_owner"] != kDhcpOwner && (!is_auto_address(sn) || port["device_owner"] == kRouterInterface))
            throw Conflict("Unable to complete operation on subnet " + id +
                               ": One or more ports have an IP allocation from this subnet.",
                           "SubnetInUse");
    // The automatic addresses go with their subnet.
    for (auto& port : holders) {
        json kept = json::array();
        for (const auto& f : port["fixed_ips"])
            if (f["subnet_id"] != id)
                kept.push_back(f);
        port["fixed_ips"] = std::move(kept);
        st.save("ports", port);
    }
    Statement free(st.db(), "DELETE FROM network_ip_allocations WHERE subnet_id = ?1");
    free.bind(1, id);
    free.step();
    st.erase("subnets", id);
}

} // namespace jumpgate::local::net
