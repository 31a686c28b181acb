// SPDX-License-Identifier: Apache-2.0
// SoftLayer networks: the account's VLANs as Neutron networks, their subnets as subnets, guests' interfaces as ports.
#include <algorithm>

#include <jumpgate/fault.hpp>

#include "guests.hpp"
#include "resources.hpp"

namespace jumpgate::softlayer {

namespace {

const char* const kVlanMask =
    "mask[id,name,vlanNumber,networkSpace,modifyDate,fullyQualifiedName,subnets[id],primaryRouter[datacenter[name]]]";
const char* const kSubnetMask = "mask[id,networkIdentifier,cidr,gateway,version,networkVlanId]";
const char* const kPortMask = "mask[id,datacenter[name],networkComponents[id,port,macAddress,primaryIpAddress,status,"
                              "networkVlan[id],primaryIpAddressRecord[subnetId,ipAddress]]]";

// The Neutron form of a SoftLayer time ("2026-01-01T00:00:00Z"), or null when it has none.
json neutron_time(const std::string& softlayer_time)
{
    auto t = time_of(softlayer_time);
    return t ? json(network::time_text(*t)) : json(nullptr);
}

NotFound not_found(const std::string& collection, const std::string& id)
{
    if (collection == "networks")
        return NotFound("Network " + id + " could not be found.", "NetworkNotFound");
    if (collection == "subnets")
        return NotFound("Subnet " + id + " could not be found.", "SubnetNotFound");
    return NotFound("Port " + id + " could not be found.", "PortNotFound");
}

} // namespace

json network_of(const json& vlan, const std::string& project_id)
{
    json subnets = json::array();
    for (const auto& s : member_of(vlan, "subnets"))
        subnets.push_back(text_of(s, "id"));
    std::string name = text_of(vlan, "name");
    std::string zone = text_of(member_of(member_of(vlan, "primaryRouter"), "datacenter"), "name");
    json when = neutron_time(text_of(vlan, "modifyDate"));
    return {{"id", text_of(vlan, "id")},
            // An unnamed VLAN goes by SoftLayer's own label, its router and number.
            {"name", name.empty() ? text_of(vlan, "fullyQualifiedName") : name},
            {"description", text_of(vlan, "networkSpace") == "PUBLIC" ? "public VLAN " + text_of(vlan, "vlanNumber")
                                                                      : "private VLAN " + text_of(vlan, "vlanNumber")},
            {"project_id", project_id},
            {"admin_state_up", true},
            {"status", "ACTIVE"},
            {"subnets", std::move(subnets)},
            {"shared", false},
            {"router:external", false},
            {"mtu", 1500},
            {"port_security_enabled", false},
            {"availability_zone_hints", json::array()},
            {"availability_zones", zone.empty() ? json::array() : json::array({zone})},
            {"tags", json::array()},
            {"created_at", when},
            {"updated_at", when},
            {"revision_number", 0}};
}

json subnet_of(const json& subnet, const std::string& project_id)
{
    std::string gateway = text_of(subnet, "gateway");
    long long version = text_of(subnet, "version") == "6" ? 6 : 4;
    return {{"id", text_of(subnet, "id")},
            {"name", ""},
            {"description", ""},
            {"project_id", project_id},
            {"network_id", text_of(subnet, "networkVlanId")},
            {"ip_version", version},
            {"cidr", text_of(subnet, "networkIdentifier") + "/" + text_of(subnet, "cidr")},
            {"gateway_ip", gateway.empty() ? json(nullptr) : json(gateway)},
            // SoftLayer gives each guest its addresses itself: there is no pool for a client and no DHCP.
            {"allocation_pools", json::array()},
            {"dns_nameservers", json::array()},
            {"host_routes", json::array()},
            {"enable_dhcp", false},
            {"ipv6_ra_mode", nullptr},
            {"ipv6_address_mode", nullptr},
            {"subnetpool_id", nullptr},
            {"tags", json::array()},
            {"revision_number", 0}};
}

json port_of(const json& component, const json& guest, const std::string& project_id)
{
    json fixed_ips = json::array();
    const json& record = member_of(component, "primaryIpAddressRecord");
    if (!text_of(component, "primaryIpAddress").empty())
        fixed_ips.push_back(
            {{"subnet_id", text_of(record, "subnetId")}, {"ip_address", text_of(component, "primaryIpAddress")}});
    bool up = text_of(component, "status") == "ACTIVE";
    return {{"id", text_of(component, "id")},
            {"name", "eth" + text_of(component, "port")},
            {"description", ""},
            {"project_id", project_id},
            {"network_id", text_of(member_of(component, "networkVlan"), "id")},
            {"admin_state_up", up},
            {"mac_address", text_of(component, "macAddress")},
            {"fixed_ips", std::move(fixed_ips)},
            {"device_id", text_of(guest, "id")},
            {"device_owner", "compute:" + text_of(member_of(guest, "datacenter"), "name")},
            {"status", up ? "ACTIVE" : "DOWN"},
            {"security_groups", json::array()},
            {"port_security_enabled", false},
            {"binding:vnic_type", "normal"},
            {"tags", json::array()},
            {"revision_number", 0}};
}

Networks::Networks(std::shared_ptr<const Client> client) : client_(std::move(client)) {}

std::vector<std::string> Networks::collections() const
{
    return {"networks", "subnets", "ports"};
}

std::vector<json> Networks::all(const Context& ctx, const std::string& collection) const
{
    std::vector<json> out;
    if (collection == "networks") {
        for (const auto& v : client_->list(
                 ctx.credentials, {.service = "SoftLayer_Account", .method = "getNetworkVlans", .mask = kVlanMask}))
            out.push_back(network_of(v, ctx.project_id));
    } else if (collection == "subnets") {
        for (const auto& s : client_->list(
                 ctx.credentials, {.service = "SoftLayer_Account", .method = "getSubnets", .mask = kSubnetMask}))
            out.push_back(subnet_of(s, ctx.project_id));
    } else if (collection == "ports") {
        for (const auto& g : client_->list(
                 ctx.credentials, {.service = "SoftLayer_Account", .method = "getVirtualGuests", .mask = kPortMask}))
            for (const auto& c : member_of(g, "networkComponents"))
                out.push_back(port_of(c, g, ctx.project_id));
    } else {
        throw NotImplemented("SoftLayer has no " + collection + " that this driver maps.");
    }
    return out;
}

std::vector<json> Networks::list(const Context& ctx, const std::string& collection, const network::Query& q) const
{
    return network::select(q, all(ctx, collection));
}

json Networks::get(const Context& ctx, const std::string& collection, const std::string& id) const
{
    if (!object_id(id))
        throw not_found(collection, id);
    try {
        if (collection == "networks")
            return network_of(
                client_->call(
                    ctx.credentials,
                    {.service = "SoftLayer_Network_Vlan", .method = "getObject", .id = id, .mask = kVlanMask}),
                ctx.project_id);
        if (collection == "subnets")
            return subnet_of(
                client_->call(
                    ctx.credentials,
                    {.service = "SoftLayer_Network_Subnet", .method = "getObject", .id = id, .mask = kSubnetMask}),
                ctx.project_id);
    } catch (const NotFound&) {
        throw not_found(collection, id);
    } catch (const Forbidden&) {
        throw not_found(collection, id); // another account's: as if there were none
    }
    // SoftLayer reads a guest's network component only through its guest.
    for (auto& port : all(ctx, "ports"))
        if (port["id"] == id)
            return port;
    throw not_found(collection, id);
}

} // namespace jumpgate::softlayer
