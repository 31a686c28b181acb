// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network floating IPs: an address of an external network, carried to a port by a router.
#include "network_store.hpp"

#include <jumpgate/fault.hpp>

namespace jumpgate::local::net {

namespace {

void floating_ip_associate(Store& st, json& fip, const json& port_id, const json& fixed_ip)
{
    if (port_id.is_null()) {
        fip["port_id"] = nullptr;
        fip["fixed_ip_address"] = nullptr;
        fip["router_id"] = nullptr;
        fip["status"] = "DOWN";
        return;
    }
    auto port = st.find("ports", port_id);
    if (!port || (!st.admin() && (*port)["project_id"] != fip["project_id"]))
        not_found("ports", port_id);
    const json* chosen = nullptr;
    for (const auto& f : (*port)["fixed_ips"])
        if (fixed_ip.is_null() ? address(f["ip_address"]).version == 4 && !chosen : f["ip_address"] == fixed_ip)
            chosen = &f;
    if (!chosen)
        throw BadRequest(fixed_ip.is_null() ? "Bad floatingip request: Port " + port_id.get<std::string>() +
                                                  " does not have any IPv4 address to associate with a floating IP."
                                            : "Bad floatingip request: Port " + port_id.get<std::string>() +
                                                  " does not have fixed ip " + fixed_ip.get<std::string>() + ".",
                         "BadRequest");
    for (const auto& other : st.rows("floatingips", "device_id", port_id))
        if (other["id"] != fip["id"] && other["fixed_ip_address"] == (*chosen)["ip_address"])
            throw Conflict("Cannot associate floating IP " + fip["floating_ip_address"].get<std::string>() + " (" +
                               fip["id"].get<std::string>() + ") with port " + port_id.get<std::string>() +
                               " using fixed IP " + (*chosen)["ip_address"].get<std::string>() +
                               ", as that fixed IP already has a floating IP on external network " +
                               fip["floating_network_id"].get<std::string>() + ".",
                           "FloatingIPPortAlreadyAssociated");
    // The router that joins the port's subnet to the floating network carries the traffic.
    json router_id = nullptr;
    for (const auto& router : st.rows("routers", "parent_id", fip["floating_network_id"]))
        for (const auto& p : router_ports(st, router, kRouterInterface))
            for (const auto& f : p["fixed_ips"])
                if (f["subnet_id"] == (*chosen)["subnet_id"] && router_id.is_null())
                    router_id = router["id"];
    if (router_id.is_null())
        throw NotFound("External network " + fip["floating_network_id"].get<std::string>() +
                           " is not reachable from subnet " + (*chosen)["subnet_id"].get<std::string>() +
                           ".  Therefore, cannot associate Port " + port_id.get<std::string>() + " with a Floating IP.",
                       "ExternalGatewayForFloatingIPNotFound");
    fip["port_id"] = port_id;
    fip["fixed_ip_address"] = (*chosen)["ip_address"];
    fip["router_id"] = router_id;
    fip["status"] = "ACTIVE";
}

} // namespace

json floating_ip_create(Store& st, json fip)
{
    json net = st.seen("networks", fip["floating_network_id"]);
    if (net["router:external"] != true)
        throw BadRequest("Bad floatingip request: Network " + fip["floating_network_id"].get<std::string>() +
                             " is not a valid external network.",
                         "BadRequest");
    st.quota_check("floatingips", fip["project_id"]);
    json wanted = json::array();
    json entry = json::object();
    if (fip.contains("subnet_id") && fip["subnet_id"].is_string())
        entry["subnet_id"] = fip["subnet_id"];
    if (fip.contains("floating_ip_address"))
        entry["ip_address"] = fip["floating_ip_address"];
    if (entry.empty()) {
        for (const auto& sn : st.rows("subnets", "parent_id", net["id"]))
            if (sn["ip_version"] == 4 && entry.empty() && st.next_free(sn))
                entry["subnet_id"] = sn["id"];
        if (entry.empty())
            throw Conflict("No more IP addresses available on network " + net["id"].get<std::string>() + ".",
                           "IpAddressGenerationFailure");
    }
    wanted.push_back(entry);
    json port = service_port(st, net, kFloatingIpOwner, fip["id"], "", &wanted);
    fip.erase("subnet_id");
    fip["floating_ip_address"] = port["fixed_ips"][0]["ip_address"];
    json port_id = fip["port_id"], fixed = fip["fixed_ip_address"];
    floating_ip_associate(st, fip, port_id, fixed);
    st.insert("floatingips", fip);
    return fip;
}

json floating_ip_update(Store& st, json fip, const json& changes)
{
    if (changes.contains("description"))
        fip["description"] = changes["description"];
    if (changes.contains("tags"))
        fip["tags"] = changes["tags"];
    if (changes.contains("port_id") || changes.contains("fixed_ip_address"))
        floating_ip_associate(st, fip, changes.contains("port_id") ? changes["port_id"] : fip["port_id"],
                              changes.value("fixed_ip_address", json(nullptr)));
    st.save("floatingips", fip);
    return fip;
}

void floating_ip_delete(Store& st, const json& fip)
{
    for (const auto& p : st.rows("ports", "device_id", fip["id"]))
        if (p["device_owner"] == kFloatingIpOwner)
            port_erase(st, p["id"]);
    st.erase("floatingips", fip["id"]);
}

} // namespace jumpgate::local::net
