// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network addresses and MACs: allocated under the write lock, each held by one port.
#include "network_store.hpp"

#include <cstdio>
#include <random>
#include <set>

#include <jumpgate/fault.hpp>

namespace jumpgate::local::net {

using network::Address;

bool Store::allocated(const std::string& subnet_id, const std::string& ip)
{
    Statement s(db_, "SELECT 1 FROM network_ip_allocations WHERE subnet_id = ?1 AND ip_address = ?2");
    s.bind(1, subnet_id).bind(2, ip);
    return s.step();
}

void Store::take(const json& subnet, const std::string& ip, const std::string& port_id)
{
    if (allocated(subnet["id"], ip))
        throw Conflict("IP address " + ip + " already allocated in subnet " + subnet["id"].get<std::string>(),
                       "IpAddressAlreadyAllocated");
    Statement s(db_, "INSERT INTO network_ip_allocations (subnet_id, ip_address, port_id, network_id) "
                     "VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, subnet["id"].get<std::string>())
        .bind(2, ip)
        .bind(3, port_id)
        .bind(4, subnet["network_id"].get<std::string>());
    s.step();
}

std::optional<std::string> Store::next_free(const json& subnet)
{
    std::set<Address> taken;
    Statement s(db_, "SELECT ip_address FROM network_ip_allocations WHERE subnet_id = ?1");
    s.bind(1, subnet["id"].get<std::string>());
    while (s.step())
        if (auto a = network::parse_address(s.text(0)))
            taken.insert(*a);
    for (const auto& pool : subnet["allocation_pools"]) {
        // Each step passes a taken address or ends, so this walks at most |taken| + 1 addresses.
        for (Address a = address(pool["start"]), end = address(pool["end"]); a <= end; a = network::offset(a, 1)) {
            if (!taken.count(a))
                return network::to_string(a);
            if (a == end)
                break;
        }
    }
    return std::nullopt;
}

void Store::release(const std::string& port_id)
{
    Statement s(db_, "DELETE FROM network_ip_allocations WHERE port_id = ?1");
    s.bind(1, port_id);
    s.step();
}

json Store::allocate(const json& net, const json& port, const json* wanted)
{
    const std::string port_id = port["id"];
    const bool router_port = port.value("device_owner", "") == kRouterInterface;
    auto subnets = rows("subnets", "parent_id", net["id"]);
    json out = json::array();
    const std::string net_id = net["id"];
    auto auto_address = [&](const json& sn) {
        Address a = *network::eui64(cidr(sn["cidr"]), port["mac_address"].get<std::string>());
        return network::to_string(a);
    };
    if (!wanted) {
        for (int version : {4, 6}) {
            bool any = false;
            for (const auto& sn : subnets) {
                if (sn["ip_version"] != version || is_auto_address(sn))
                    continue;
                any = true;
                if (auto ip = next_free(sn)) {
                    take(sn, *ip, port_id);
                    out.push_back({{"subnet_id", sn["id"]}, {"ip_address", *ip}});
                    any = false;
                    break;
                }
            }
            if (any)
                throw Conflict("No more IP addresses available on network " + net_id + ".",
                               "IpAddressGenerationFailure");
        }
    }
    for (const auto& entry : wanted ? *wanted : json::array()) {
        const json* subnet = nullptr;
        if (entry.contains("subnet_id")) {
            for (const auto& sn : subnets)
                if (sn["id"] == entry["subnet_id"])
                    subnet = &sn;
            if (!subnet)
                throw BadRequest("Invalid input for operation: Failed to create port on network " + net_id +
                                     ", because fixed_ips included invalid subnet " +
                                     entry["subnet_id"].get<std::string>() + ".",
                                 "InvalidInput");
            if (entry.contains("ip_address") &&
                !network::contains(cidr((*subnet)["cidr"]), address(entry["ip_address"])))
                throw BadRequest("IP address " + entry["ip_address"].get<std::string>() +
                                     " is not a valid IP for the specified subnet.",
                                 "InvalidIpForSubnet");
        } else {
            for (const auto& sn : subnets)
                if (network::contains(cidr(sn["cidr"]), address(entry["ip_address"])))
                    subnet = &sn;
            if (!subnet)
                throw BadRequest("IP address " + entry["ip_address"].get<std::string>() +
                                     " is not a valid IP for any of the subnets on the specified network.",
                                 "InvalidIpForNetwork");
        }
        const bool automatic = is_auto_address(*subnet) && !router_port;
        std::string ip;
        if (automatic) {
            ip = auto_address(*subnet);
            if (entry.contains("ip_address") && entry["ip_address"] != ip)
                throw BadRequest("IPv6 address " + entry["ip_address"].get<std::string>() +
                                     " cannot be directly assigned to a port on subnet " +
                                     (*subnet)["id"].get<std::string>() +
                                     " as the subnet is configured for automatic addresses",
                                 "AllocationOnAutoAddressSubnet");
            // Taken below with the network's other automatic subnets.
            continue;
        }
        if (entry.contains("ip_address")) {
            ip = entry["ip_address"];
        } else if (auto free = next_free(*subnet)) {
            ip = *free;
        } else {
            throw Conflict("No more IP addresses available for subnet " + (*subnet)["id"].get<std::string>() + ".",
                           "IpAddressGenerationFailure");
        }
        for (const auto& held : out)
            if (held["subnet_id"] == (*subnet)["id"] && held["ip_address"] == ip)
                throw BadRequest("Invalid input for operation: Duplicate IP address '" + ip + "'.", "InvalidInput");
        take(*subnet, ip, port_id);
        out.push_back({{"subnet_id", (*subnet)["id"]}, {"ip_address", ip}});
    }
    if (!router_port)
        for (const auto& sn : subnets)
            if (is_auto_address(sn)) {
                std::string ip = auto_address(sn);
                take(sn, ip, port_id);
                out.push_back({{"subnet_id", sn["id"]}, {"ip_address", ip}});
            }
    return out;
}

bool Store::mac_taken(const std::string& network_id, const std::string& mac)
{
    Statement s(db_, "SELECT 1 FROM network_macs WHERE network_id = ?1 AND mac_address = ?2");
    s.bind(1, network_id).bind(2, mac);
    return s.step();
}

void Store::mac_take(const std::string& network_id, const std::string& mac, const std::string& port_id)
{
    if (mac_taken(network_id, mac))
        throw Conflict("Unable to complete operation for network " + network_id + ". The mac address " + mac +
                           " is in use.",
                       "MacAddressInUse");
    Statement s(db_, "INSERT INTO network_macs (network_id, mac_address, port_id) VALUES (?1, ?2, ?3)");
    s.bind(1, network_id).bind(2, mac).bind(3, port_id);
    s.step();
}

void Store::mac_release(const std::string& port_id)
{
    Statement s(db_, "DELETE FROM network_macs WHERE port_id = ?1");
    s.bind(1, port_id);
    s.step();
}

std::string Store::new_mac(const std::string& network_id)
{
    static std::mt19937 random{std::random_device{}()};
    for (;;) {
        char mac[18];
        std::uniform_int_distribution<int> byte(0, 255);
        std::snprintf(mac, sizeof mac, "fa:16:3e:%02x:%02x:%02x", byte(random), byte(random), byte(random));
        if (!mac_taken(network_id, mac))
            return mac;
    }
}

} // namespace jumpgate::local::net
