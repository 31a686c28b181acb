// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network ports: addresses, MACs and security groups of their own, and the ports of servers.
#include "network.hpp"
#include "network_store.hpp"

#include <algorithm>

#include <jumpgate/fault.hpp>

namespace jumpgate::local::net {

namespace {

void check_groups(Store& st, const json& port)
{
    if (!port["security_groups"].empty() && port["port_security_enabled"] == false)
        throw BadRequest("Port security must be enabled and port must have an IP address in order to use security "
                         "groups.",
                         "PortSecurityAndIPRequiredForSecurityGroups");
    for (const auto& id : port["security_groups"]) {
        auto group = st.find("security-groups", id);
        if (!group || (!st.admin() && (*group)["project_id"] != port["project_id"]))
            not_found("security-groups", id);
    }
}

// The floating IPs on a port lose it when the port goes, or when the fixed IP they carry traffic for is no
// longer among the port's `fixed_ips` (when given).
void floating_ips_release(Store& st, const std::string& port_id, const json* fixed_ips = nullptr)
{
    for (auto& fip : st.rows("floatingips", "device_id", port_id)) {
        if (fixed_ips && std::any_of(fixed_ips->begin(), fixed_ips->end(),
                                     [&](const json& f) { return f["ip_address"] == fip["fixed_ip_address"]; }))
            continue;
        fip["port_id"] = nullptr;
        fip["fixed_ip_address"] = nullptr;
        fip["router_id"] = nullptr;
        fip["status"] = "DOWN";
        st.save("floatingips", fip);
    }
}

// A pair without a MAC is the port's own MAC's; a port without port security may have none (Neutron's
// AddressPairAndPortSecurityRequired).
void check_pairs(json& port)
{
    for (auto& pair : port["allowed_address_pairs"])
        if (!pair.contains("mac_address"))
            pair["mac_address"] = port["mac_address"];
    if (port["port_security_enabled"] == false && !port["allowed_address_pairs"].empty())
        throw Conflict("Port Security must be enabled in order to have allowed address pairs on a port.",
                       "AddressPairAndPortSecurityRequired");
}

// An update's extra DHCP options change those of the same name and IP version (a null value removes one) and add
// the others, as Neutron's.
json merged_dhcp_opts(const json& now, const json& given)
{
    json out = now;
    for (const auto& opt : given) {
        auto same = std::find_if(out.begin(), out.end(), [&](const json& o) {
            return o["opt_name"] == opt["opt_name"] && o["ip_version"] == opt["ip_version"];
        });
        if (same != out.end()) {
            if (opt["opt_value"].is_null())
                out.erase(same);
            else
                (*same)["opt_value"] = opt["opt_value"];
        } else if (!opt["opt_value"].is_null()) {
            out.push_back(opt);
        }
    }
    return out;
}

} // namespace

void port_derived(json& port)
{
    port["status"] = !port["device_id"].get<std::string>().empty() && !port["device_owner"].get<std::string>().empty()
                         ? "ACTIVE"
                         : "DOWN";
    bool bound = !port["binding:host_id"].get<std::string>().empty();
    port["binding:vif_type"] = bound ? "ovs" : "unbound";
    port["binding:vif_details"] = bound ? json({{"port_filter", true}, {"connectivity", "l2"}}) : json::object();
}

bool is_service_port(const json& port)
{
    return port["device_owner"].get<std::string>().rfind("network:", 0) == 0;
}

json port_create(Store& st, json port)
{
    json net = st.seen("networks", port["network_id"]);
    const bool network_owner = st.owned(net);
    st.quota_check("ports", port["project_id"]);
    const std::string id = port["id"];
    if (port.contains("fixed_ips") && !network_owner)
        for (const auto& f : port["fixed_ips"])
            if (f.contains("ip_address"))
                throw Forbidden("(rule:create_port and rule:create_port:fixed_ips:ip_address) is disallowed by policy",
                                "PolicyNotAuthorized");
    if (port.contains("mac_address")) {
        if (!network_owner)
            throw Forbidden("(rule:create_port and rule:create_port:mac_address) is disallowed by policy",
                            "PolicyNotAuthorized");
    } else {
        port["mac_address"] = st.new_mac(net["id"]);
    }
    st.mac_take(net["id"], port["mac_address"], id);
    port["fixed_ips"] = st.allocate(net, port, port.contains("fixed_ips") ? &port["fixed_ips"] : nullptr);
    if (!port.contains("port_security_enabled"))
        port["port_security_enabled"] = net["port_security_enabled"];
    port["allowed_address_pairs"] = port.value("allowed_address_pairs", json::array());
    check_pairs(port);
    port["extra_dhcp_opts"] = merged_dhcp_opts(json::array(), port.value("extra_dhcp_opts", json::array()));
    if (!port.contains("security_groups"))
        port["security_groups"] = is_service_port(port) || port["port_security_enabled"] == false
                                      ? json::array()
                                      : json::array({st.default_group(port["project_id"])});
    check_groups(st, port);
    port_derived(port);
    st.insert("ports", port);
    return port;
}

void port_erase(Store& st, const std::string& port_id)
{
    floating_ips_release(st, port_id);
    st.release(port_id);
    st.mac_release(port_id);
    st.erase("ports", port_id);
}

json port_update(Store& st, json port, const json& changes)
{
    const std::string id = port["id"];
    bool groups_given = changes.contains("security_groups");
    for (const auto& [k, v] : changes.items())
        if (k != "fixed_ips" && k != "mac_address" && k != "extra_dhcp_opts")
            port[k] = v;
    if (changes.contains("extra_dhcp_opts"))
        port["extra_dhcp_opts"] =
            merged_dhcp_opts(port.value("extra_dhcp_opts", json::array()), changes["extra_dhcp_opts"]);
    if (changes.contains("mac_address") && changes["mac_address"] != port["mac_address"]) {
        if (port["device_owner"].get<std::string>().rfind("compute:", 0) == 0 &&
            !port["device_id"].get<std::string>().empty())
            throw Conflict("Unable to complete operation on port " + id + " for network " +
                               port["network_id"].get<std::string>() + ". Port already has an attached device " +
                               port["device_id"].get<std::string>() + ".",
                           "PortBound");
        st.mac_release(id);
        st.mac_take(port["network_id"], changes["mac_address"], id);
        port["mac_address"] = changes["mac_address"];
        if (!changes.contains("fixed_ips")) {
            // The EUI-64 addresses follow the MAC: the port keeps its other addresses and takes those again.
            json kept = json::array();
            for (const auto& f : port["fixed_ips"])
                if (auto sn = st.find("subnets", f["subnet_id"]); sn && !is_auto_address(*sn))
                    kept.push_back(f);
            st.release(id);
            port["fixed_ips"] = st.allocate(*st.find("networks", port["network_id"]), port, &kept);
        }
    }
    if (changes.contains("fixed_ips")) {
        json net = *st.find("networks", port["network_id"]);
        if (!st.owned(net))
            for (const auto& f : changes["fixed_ips"])
                if (f.contains("ip_address") &&
                    std::none_of(port["fixed_ips"].begin(), port["fixed_ips"].end(),
                                 [&](const json& held) { return held["ip_address"] == f["ip_address"]; }))
                    throw Forbidden("(rule:update_port and rule:update_port:fixed_ips:ip_address) is disallowed by "
                                    "policy",
                                    "PolicyNotAuthorized");
        // What the port keeps is released and taken again in the same transaction, so nobody else gets it between.
        st.release(id);
        port["fixed_ips"] = st.allocate(net, port, &changes["fixed_ips"]);
        floating_ips_release(st, id, &port["fixed_ips"]);
    }
    if (port["port_security_enabled"] == false && !port["security_groups"].empty()) {
        if (!groups_given)
            throw Conflict("Port has security group associated. Cannot disable port security or ip address until "
                           "security group is removed",
                           "PortSecurityPortHasSecurityGroup");
    }
    port["allowed_address_pairs"] = port.value("allowed_address_pairs", json::array());
    check_pairs(port);
    check_groups(st, port);
    port_derived(port);
    st.save("ports", port);
    return port;
}

void port_delete(Store& st, const json& port)
{
    const std::string owner = port["device_owner"];
    if (owner == kRouterInterface || owner == kRouterGateway || owner == kFloatingIpOwner)
        throw Conflict("Port " + port["id"].get<std::string>() +
                           " cannot be deleted directly via the port API: has "
                           "device owner " +
                           owner + ".",
                       "ServicePortInUse");
    port_erase(st, port["id"]);
}

} // namespace jumpgate::local::net

namespace jumpgate::local {

using namespace net;

namespace {

// A port Compute made goes with its server; one the user brought is left, unbound.
void release_port(Store& st, json port)
{
    if (port.value(kMadeForServer, false)) {
        port_erase(st, port["id"]);
    } else {
        port["device_id"] = "";
        port["device_owner"] = "";
        port_derived(port);
        st.save("ports", port);
    }
}

} // namespace

network::ServerPort Network::serverPortCreate(const Context& ctx, const std::string& server_id,
                                              const network::PortRequest& request) const
{
    Store st(*db_, ctx);
    Transaction tx(*db_);
    json port;
    if (!request.port_id.empty()) {
        port = st.writable("ports", request.port_id, "update");
        if (!port["device_id"].get<std::string>().empty())
            throw Conflict("Port " + request.port_id + " is still in use.", "PortInUse");
        port["device_id"] = server_id;
        port["device_owner"] = kComputeOwner;
        port_derived(port);
        st.save("ports", port);
    } else {
        json net = request.network_id == "auto" ? auto_network(st) : st.seen("networks", request.network_id);
        port = {{"id", new_uuid()},
                {"name", ""},
                {"description", ""},
                {"project_id", ctx.project_id},
                {"network_id", net["id"]},
                {"admin_state_up", true},
                {"device_id", server_id},
                {"device_owner", kComputeOwner},
                {"binding:host_id", ""},
                {"binding:vnic_type", "normal"},
                {"binding:profile", json::object()},
                {kMadeForServer, true}};
        if (!request.fixed_ip.empty()) {
            auto ip = network::parse_address(request.fixed_ip);
            if (!ip)
                throw BadRequest("Invalid fixed IP address " + request.fixed_ip + ".", "InvalidInput");
            port["fixed_ips"] = json::array({{{"ip_address", network::to_string(*ip)}}});
        }
        port = port_create(st, port);
    }
    json net = *st.find("networks", port["network_id"]);
    tx.commit();
    network::ServerPort out{port["id"], port["network_id"], net["name"], port["mac_address"], {}};
    for (const auto& f : port["fixed_ips"])
        out.fixed_ips.emplace_back(f["subnet_id"], f["ip_address"]);
    return out;
}

void Network::serverPortsDelete(const Context& ctx, const std::string& server_id) const
{
    Store st(*db_, ctx);
    Transaction tx(*db_);
    // By device rather than tenancy: an admin deleting another project's server takes its ports too.
    for (auto& port : st.rows("ports", "device_id", server_id))
        if (port["device_owner"].get<std::string>().rfind("compute:", 0) == 0)
            release_port(st, port);
    tx.commit();
}

void Network::serverPortDelete(const Context& ctx, const std::string& server_id, const std::string& port_id) const
{
    Store st(*db_, ctx);
    Transaction tx(*db_);
    for (auto& port : st.rows("ports", "device_id", server_id))
        if (port["id"] == port_id && port["device_owner"].get<std::string>().rfind("compute:", 0) == 0) {
            release_port(st, port);
            tx.commit();
            return;
        }
    throw NotFound("Port " + port_id + " could not be found.", "PortNotFound");
}

} // namespace jumpgate::local
