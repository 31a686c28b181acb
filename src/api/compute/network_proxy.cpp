// SPDX-License-Identifier: Apache-2.0
// Nova's network proxies: security groups, floating IPs, networks and interfaces, from the network service's driver.
#include <jumpgate/driver/compute.hpp>

#include <algorithm>
#include <map>
#include <set>

#include <jumpgate/driver/ipnet.hpp>
#include <jumpgate/fault.hpp>

#include "api/compute/servers.hpp"
#include "api/network/neutron.hpp"

namespace jumpgate::compute {

namespace {

namespace neutron = api::neutron;
using network::Query;

// The proxies of os-security-groups, os-floating-ips and os-networks went in 2.36, as the image proxy did.
void check_proxy_version(const Request& req)
{
    if (req.version().at_least(2, 36))
        throw NotFound("The resource could not be found.");
}

/*
 * nova_fault: run `call` on the network driver and answer its faults as Nova
 * does: a missing resource stays 404, a quota is 403, and Neutron's conflicts
 * (in use, the default group) are Nova's 400; the server's own (a full disk's 503)
 * pass as they are. The Neutron kinds are dropped: the compute envelope has Nova's names.
 */
template <class F> auto nova_fault(F&& call) -> decltype(call())
{
    try {
        return call();
    } catch (const NotImplemented&) {
        throw;
    } catch (const Fault& e) {
        if (e.status() >= 500)
            throw;
        if (e.status() == 404)
            throw NotFound(e.what());
        if (e.kind() == "OverQuota" || e.status() == 403 || e.status() == 413)
            throw Forbidden(std::string("Quota exceeded: ") + e.what());
        throw BadRequest(e.what());
    }
}

Query by(const char* attribute, std::vector<json> values)
{
    Query q;
    q.filters.emplace_back(attribute, std::move(values));
    return q;
}

std::string text_of(const json& j, const char* key)
{
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// --- security groups -------------------------------------------------------------------------------------------

/* GroupNames: id -> (name, project) of the groups rules refer to, for the rules' "group". */
using GroupNames = std::map<std::string, std::pair<std::string, std::string>>;

json rule_view(const json& r, const GroupNames& groups)
{
    json from = r.value("port_range_min", json(nullptr)), to = r.value("port_range_max", json(nullptr));
    json protocol = r.value("protocol", json(nullptr));
    // Nova shows a rule without ports as the whole range: 1-65535 for TCP and UDP, -1 for the rest.
    if (protocol.is_string() && from.is_null() && to.is_null()) {
        std::string p = protocol;
        bool ranged = p == "tcp" || p == "udp" || p == "6" || p == "17";
        from = to = ranged ? json(nullptr) : json(-1);
        if (ranged) {
            from = 1;
            to = 65535;
        }
    }
    json view = {{"id", text_of(r, "id")},
                 {"parent_group_id", text_of(r, "security_group_id")},
                 {"ip_protocol", protocol},
                 {"from_port", from},
                 {"to_port", to},
                 {"group", json::object()},
                 {"ip_range", json::object()}};
    std::string remote = text_of(r, "remote_group_id");
    if (!remote.empty()) {
        auto g = groups.find(remote);
        if (g != groups.end())
            view["group"] = {{"name", g->second.first}, {"tenant_id", g->second.second}};
    } else {
        std::string cidr = text_of(r, "remote_ip_prefix");
        if (cidr.empty())
            cidr = text_of(r, "ethertype") == "IPv6" ? "::/0" : "0.0.0.0/0";
        view["ip_range"] = {{"cidr", cidr}};
    }
    return view;
}

GroupNames names_of(const network::Driver& net, const Context& ctx, const std::vector<json>& groups)
{
    GroupNames names;
    std::vector<json> wanted;
    for (const auto& g : groups) {
        names[text_of(g, "id")] = {text_of(g, "name"), text_of(g, "project_id")};
        for (const auto& r : g.value("security_group_rules", json::array()))
            if (!text_of(r, "remote_group_id").empty() && !names.count(r["remote_group_id"]))
                wanted.push_back(r["remote_group_id"]);
    }
    if (!wanted.empty())
        for (const auto& g : net.list(ctx, "security-groups", by("id", wanted)))
            names[text_of(g, "id")] = {text_of(g, "name"), text_of(g, "project_id")};
    return names;
}

// Nova shows a group's ingress rules only: its API has no direction.
json group_view(const json& g, const GroupNames& names)
{
    json rules = json::array();
    for (const auto& r : g.value("security_group_rules", json::array()))
        if (text_of(r, "direction") == "ingress")
            rules.push_back(rule_view(r, names));
    return {{"id", text_of(g, "id")},
            {"name", text_of(g, "name")},
            {"description", text_of(g, "description")},
            {"tenant_id", text_of(g, "project_id")},
            {"rules", std::move(rules)}};
}

json groups_view(const network::Driver& net, const Context& ctx, const std::vector<json>& groups)
{
    GroupNames names = names_of(net, ctx, groups);
    json list = json::array();
    for (const auto& g : groups)
        list.push_back(group_view(g, names));
    return list;
}

// Nova checks what Neutron would take silently: a name and description of 1 to 255 characters, not blank.
std::string group_text(const json& b, const char* key, bool required)
{
    if (!b.contains(key)) {
        if (required)
            throw BadRequest(std::string("Security group ") + key + " is required.");
        return {};
    }
    if (!b[key].is_string())
        throw BadRequest(std::string("Security group ") + key + " is not a string or unicode.");
    std::string v = b[key];
    if (v.size() > 255)
        throw BadRequest(std::string("Security group ") + key + " should not be greater than 255 characters.");
    if (std::string_view(key) == "name" && v.find_first_not_of(" \t\r\n") == std::string::npos)
        throw BadRequest("Security group name cannot be empty.");
    return v;
}

const json& object_in(const Request& req, const char* key)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains(key) || !body[key].is_object())
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ".");
    return body[key];
}

// The Neutron rule a Nova rule request asks for (always ingress; the family from the CIDR).
json rule_wanted(const Context& ctx, const json& b)
{
    if (!b.contains("parent_group_id") || !(b["parent_group_id"].is_string() || b["parent_group_id"].is_number()))
        throw BadRequest("Invalid input for field/attribute parent_group_id.");
    json wanted = {{"security_group_id", b["parent_group_id"].is_string() ? b["parent_group_id"].get<std::string>()
                                                                          : b["parent_group_id"].dump()},
                   {"direction", "ingress"}};
    // Nova in front of Neutron takes only a UUID for a group.
    if (!uuid_like(wanted["security_group_id"].get<std::string>()))
        throw BadRequest("Invalid input for field/attribute parent_group_id: security group id should be a UUID.");
    if (b.contains("cidr") && !b["cidr"].is_null() && b.contains("group_id") && !b["group_id"].is_null())
        throw BadRequest("Security group rule: either a cidr or a group_id, not both.");
    std::string protocol = b.contains("ip_protocol") && b["ip_protocol"].is_string() ? b["ip_protocol"] : "";
    std::transform(protocol.begin(), protocol.end(), protocol.begin(), ::tolower);
    if (b.contains("ip_protocol") && !b["ip_protocol"].is_null()) {
        if (protocol != "tcp" && protocol != "udp" && protocol != "icmp")
            throw BadRequest("Invalid IP protocol " + b["ip_protocol"].dump() + ".");
        wanted["protocol"] = protocol;
    }
    auto port = [&](const char* key) -> std::optional<long long> {
        if (!b.contains(key) || b[key].is_null())
            return std::nullopt;
        const json& v = b[key];
        long long n = 0;
        std::size_t used = 0;
        if (v.is_number_integer())
            n = v.get<long long>();
        else if (v.is_string() && !v.get<std::string>().empty()) {
            try {
                n = std::stoll(v.get<std::string>(), &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != v.get<std::string>().size())
                throw BadRequest(std::string("Invalid port range: ") + key + " is not an integer.");
        } else
            throw BadRequest(std::string("Invalid port range: ") + key + " is not an integer.");
        return n;
    };
    auto from = port("from_port"), to = port("to_port");
    if (protocol.empty() && (from || to))
        throw BadRequest("Invalid port range: a port range needs an ip_protocol.");
    if (protocol == "icmp") {
        if ((from && (*from < -1 || *from > 255)) || (to && (*to < -1 || *to > 255)))
            throw BadRequest("Invalid ICMP type or code: they are -1 to 255.");
        if (from && *from != -1)
            wanted["port_range_min"] = *from;
        if (to && *to != -1)
            wanted["port_range_max"] = *to;
    } else if (!protocol.empty()) {
        if (!from || !to || *from < 1 || *to > 65535 || *from > *to)
            throw BadRequest("Invalid port range " + std::to_string(from.value_or(0)) + ":" +
                             std::to_string(to.value_or(0)) + ": ports are 1 to 65535, from_port <= to_port.");
        wanted["port_range_min"] = *from;
        wanted["port_range_max"] = *to;
    }
    std::string family = "IPv4";
    if (b.contains("group_id") && !b["group_id"].is_null()) {
        if (!b["group_id"].is_string())
            throw BadRequest("Invalid input for field/attribute group_id.");
        wanted["remote_group_id"] = b["group_id"];
    } else if (b.contains("cidr") && !b["cidr"].is_null()) {
        if (!b["cidr"].is_string())
            throw BadRequest("Invalid input for field/attribute cidr.");
        // Kept as given (10.2.3.124/24), as Nova passes it to Neutron and Neutron stores it.
        auto prefix = network::prefix_text(b["cidr"].get<std::string>());
        if (!prefix)
            throw BadRequest("Invalid input for field/attribute cidr. Value: " + b["cidr"].get<std::string>() + ".");
        if (prefix->find(':') != std::string::npos)
            family = "IPv6";
        wanted["remote_ip_prefix"] = *prefix;
    }
    wanted["ethertype"] = family;
    return neutron::created(neutron::collection("security-group-rules"), ctx, wanted);
}

/* group_named: the one group `ctx` sees called `name` (or with that id); NotFound, or Conflict when several are. */
json group_named(const network::Driver& net, const Context& ctx, const std::string& name)
{
    std::vector<json> found = net.list(ctx, "security-groups", by("name", {name}));
    if (found.empty())
        found = net.list(ctx, "security-groups", by("id", {name}));
    if (found.empty())
        throw NotFound("Security group " + name + " not found for project " + ctx.project_id + ".");
    if (found.size() > 1)
        throw Conflict("Multiple security groups found matching '" + name + "'. Use an ID to be more specific.",
                       "conflictingRequest");
    return found.front();
}

std::vector<json> server_ports(const network::Driver& net, const Context& ctx, const std::string& server_id)
{
    Query q = by("device_id", {server_id});
    q.sort.emplace_back("created_at", true);
    return net.list(ctx, "ports", q);
}

// --- floating IPs and networks -------------------------------------------------------------------------------

std::map<std::string, std::string> network_names(const network::Driver& net, const Context& ctx, std::vector<json> ids)
{
    std::map<std::string, std::string> names;
    if (ids.empty())
        return names;
    for (const auto& n : net.list(ctx, "networks", by("id", std::move(ids))))
        names[text_of(n, "id")] = text_of(n, "name");
    return names;
}

json floating_views(const network::Driver& net, const Context& ctx, const std::vector<json>& fips)
{
    std::vector<json> networks, ports;
    for (const auto& f : fips) {
        networks.push_back(text_of(f, "floating_network_id"));
        if (!text_of(f, "port_id").empty())
            ports.push_back(f["port_id"]);
    }
    auto pools = network_names(net, ctx, networks);
    std::map<std::string, std::string> servers;
    if (!ports.empty())
        for (const auto& p : net.list(ctx, "ports", by("id", ports)))
            servers[text_of(p, "id")] = text_of(p, "device_id");
    json list = json::array();
    for (const auto& f : fips) {
        std::string port = text_of(f, "port_id"), fixed = text_of(f, "fixed_ip_address");
        std::string server = port.empty() ? "" : servers[port];
        list.push_back({{"id", text_of(f, "id")},
                        {"ip", text_of(f, "floating_ip_address")},
                        {"fixed_ip", fixed.empty() ? json(nullptr) : json(fixed)},
                        {"instance_id", server.empty() ? json(nullptr) : json(server)},
                        {"pool", pools[text_of(f, "floating_network_id")]}});
    }
    return list;
}

std::vector<json> external_networks(const network::Driver& net, const Context& ctx)
{
    Query q = by("router:external", {true});
    q.sort.emplace_back("name", true);
    return net.list(ctx, "networks", q);
}

json floating_named(const network::Driver& net, const Context& ctx, const std::string& address)
{
    std::vector<json> found = net.list(ctx, "floatingips", by("floating_ip_address", {address}));
    if (found.empty())
        throw NotFound("floating IP not found");
    return found.front();
}

// Nova's view of a Neutron network: the nova-network fields it no longer has are null.
json network_view(const network::Driver& net, const Context& ctx, const json& n, bool admin_form)
{
    json v4 = nullptr, v6 = nullptr;
    std::vector<json> ids;
    for (const auto& id : n.value("subnets", json::array()))
        ids.push_back(id);
    if (!ids.empty())
        for (const auto& s : net.list(ctx, "subnets", by("id", ids)))
            if (json& first = s.value("ip_version", 4) == 6 ? v6 : v4; first.is_null())
                first = s;
    std::string label = text_of(n, "name");
    if (!admin_form)
        return {{"id", text_of(n, "id")}, {"label", label}, {"cidr", v4.is_null() ? json(nullptr) : v4["cidr"]}};
    json dns = v4.is_null() ? json::array() : v4.value("dns_nameservers", json::array());
    json view = {{"id", text_of(n, "id")},
                 {"label", label},
                 {"cidr", v4.is_null() ? json(nullptr) : v4["cidr"]},
                 {"cidr_v6", v6.is_null() ? json(nullptr) : v6["cidr"]},
                 {"gateway", v4.is_null() ? json(nullptr) : v4.value("gateway_ip", json(nullptr))},
                 {"gateway_v6", v6.is_null() ? json(nullptr) : v6.value("gateway_ip", json(nullptr))},
                 {"enable_dhcp", v4.is_null() ? json(nullptr) : v4.value("enable_dhcp", json(nullptr))},
                 {"dns1", dns.size() > 0 ? dns[0] : json(nullptr)},
                 {"dns2", dns.size() > 1 ? dns[1] : json(nullptr)},
                 {"mtu", n.value("mtu", json(nullptr))},
                 {"project_id", n.value("project_id", json(nullptr))},
                 {"created_at", n.value("created_at", json(nullptr))},
                 {"updated_at", n.value("updated_at", json(nullptr))},
                 {"deleted", false},
                 {"deleted_at", nullptr}};
    for (const char* gone : {"bridge", "bridge_interface", "broadcast", "dhcp_server", "dhcp_start", "host", "injected",
                             "multi_host", "netmask", "netmask_v6", "priority", "rxtx_base", "share_address", "vlan",
                             "vpn_private_address", "vpn_public_address", "vpn_public_port"})
        view[gone] = nullptr;
    return view;
}

json interface_view(const Request& req, const json& port)
{
    json ips = json::array();
    for (const auto& ip : port.value("fixed_ips", json::array()))
        ips.push_back({{"subnet_id", text_of(ip, "subnet_id")}, {"ip_address", text_of(ip, "ip_address")}});
    json view = {{"port_id", text_of(port, "id")},
                 {"net_id", text_of(port, "network_id")},
                 {"mac_addr", text_of(port, "mac_address")},
                 {"port_state", text_of(port, "status")},
                 {"fixed_ips", std::move(ips)}};
    if (req.version().at_least(2, 70))
        view["tag"] = nullptr;
    return view;
}

void list_networks(const network::Driver& net, const Request& req, Response& resp, bool admin_form)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    Query q;
    q.sort.emplace_back("name", true);
    json list = json::array();
    for (const auto& n : net.list(ctx, "networks", q))
        list.push_back(network_view(net, ctx, n, admin_form));
    resp.json({{"networks", std::move(list)}});
}

void show_network(const network::Driver& net, const Request& req, Response& resp, bool admin_form)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    json n = nova_fault([&] { return net.get(ctx, "networks", req.param("network_id")); });
    resp.json({{"network", network_view(net, ctx, n, admin_form)}});
}

json attached_port(const network::Driver& net, const Context& ctx, const std::string& server_id,
                   const std::string& port_id)
{
    for (const auto& p : server_ports(net, ctx, server_id))
        if (text_of(p, "id") == port_id)
            return p;
    throw NotFound("Port " + port_id + " is not attached");
}

void accepted(Response& resp)
{
    resp.status = 202;
    resp.clear_body();
}

} // namespace

namespace {

using Proxy = Proxied<network::Driver>;

void list_groups(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    Query q;
    // Nova lists the caller's own groups; all_tenants shows an admin every project's.
    if (!(ctx.is_admin() && !req.query("all_tenants").empty()))
        q.filters.emplace_back("project_id", std::vector<json>{ctx.project_id});
    q.sort.emplace_back("name", true);
    auto groups = nova_fault([&] { return drivers.other->list(ctx, "security-groups", q); });
    resp.json({{"security_groups", groups_view(*drivers.other, ctx, groups)}});
}

void create_group(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const json& b = object_in(req, "security_group");
    json wanted = {{"name", group_text(b, "name", true)}, {"description", group_text(b, "description", true)}};
    const Context& ctx = req.context();
    json group = nova_fault([&] {
        return drivers.other->create(ctx, "security-groups",
                                     neutron::created(neutron::collection("security-groups"), ctx, wanted));
    });
    resp.json({{"security_group", group_view(group, names_of(*drivers.other, ctx, {group}))}});
}

void show_group(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    json group = nova_fault([&] { return drivers.other->get(ctx, "security-groups", req.param("security_group_id")); });
    resp.json({{"security_group", group_view(group, names_of(*drivers.other, ctx, {group}))}});
}

void update_group(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const json& b = object_in(req, "security_group");
    json wanted = json::object();
    if (b.contains("name"))
        wanted["name"] = group_text(b, "name", false);
    if (b.contains("description"))
        wanted["description"] = group_text(b, "description", false);
    const Context& ctx = req.context();
    json group = nova_fault([&] {
        std::string id = drivers.other->get(ctx, "security-groups", req.param("security_group_id"))["id"];
        return drivers.other->update(ctx, "security-groups", id,
                                     neutron::changes(neutron::collection("security-groups"), ctx, wanted));
    });
    resp.json({{"security_group", group_view(group, names_of(*drivers.other, ctx, {group}))}});
}

void delete_group(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    nova_fault([&] {
        std::string id = drivers.other->get(ctx, "security-groups", req.param("security_group_id"))["id"];
        drivers.other->remove(ctx, "security-groups", id);
    });
    accepted(resp);
}

void create_rule(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    const json& b = object_in(req, "security_group_rule");
    json rule = nova_fault([&] {
        json wanted = rule_wanted(ctx, b);
        drivers.other->get(ctx, "security-groups", wanted["security_group_id"]);
        if (!text_of(wanted, "remote_group_id").empty())
            drivers.other->get(ctx, "security-groups", wanted["remote_group_id"]);
        return drivers.other->create(ctx, "security-group-rules", wanted);
    });
    GroupNames names;
    if (!text_of(rule, "remote_group_id").empty())
        names = names_of(*drivers.other, ctx, {json{{"id", ""}, {"security_group_rules", json::array({rule})}}});
    resp.json({{"security_group_rule", rule_view(rule, names)}});
}

void delete_rule(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    nova_fault([&] {
        std::string id = drivers.other->get(ctx, "security-group-rules", req.param("security_group_rule_id"))["id"];
        drivers.other->remove(ctx, "security-group-rules", id);
    });
    accepted(resp);
}

void list_server_groups(const Proxy& drivers, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Server s = drivers.compute->serverGet(ctx, req.param("instance_id"));
    std::vector<json> ids;
    std::set<std::string> seen;
    for (const auto& p : server_ports(*drivers.other, ctx, s.id))
        for (const auto& g : p.value("security_groups", json::array()))
            if (seen.insert(g.get<std::string>()).second)
                ids.push_back(g);
    std::vector<json> groups;
    if (!ids.empty()) {
        Query q = by("id", ids);
        q.sort.emplace_back("name", true);
        groups = drivers.other->list(ctx, "security-groups", q);
    }
    resp.json({{"security_groups", groups_view(*drivers.other, ctx, groups)}});
}

void list_pools(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    json pools = json::array();
    for (const auto& n : external_networks(*drivers.other, req.context()))
        pools.push_back({{"name", text_of(n, "name")}});
    resp.json({{"floating_ip_pools", std::move(pools)}});
}

void list_floating_ips(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    Query q = by("project_id", {ctx.project_id});
    q.sort.emplace_back("floating_ip_address", true);
    resp.json({{"floating_ips", floating_views(*drivers.other, ctx, drivers.other->list(ctx, "floatingips", q))}});
}

void create_floating_ip(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    const json& body = req.json_body();
    std::string pool;
    if (body.is_object() && body.contains("pool") && !body["pool"].is_null()) {
        if (!body["pool"].is_string())
            throw BadRequest("Invalid input for field/attribute pool.");
        pool = body["pool"];
    }
    std::string network_id;
    for (const auto& n : external_networks(*drivers.other, ctx))
        if (pool.empty() || text_of(n, "name") == pool || text_of(n, "id") == pool) {
            network_id = n["id"];
            break;
        }
    if (network_id.empty())
        throw NotFound(pool.empty() ? "No floating IP pool is available." : "Floating IP pool not found.");
    json fip = nova_fault([&] {
        json wanted = neutron::created(neutron::collection("floatingips"), ctx, {{"floating_network_id", network_id}});
        return drivers.other->create(ctx, "floatingips", wanted);
    });
    resp.json({{"floating_ip", floating_views(*drivers.other, ctx, {fip}).front()}});
}

void show_floating_ip(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    json fip = nova_fault([&] { return drivers.other->get(ctx, "floatingips", req.param("id")); });
    resp.json({{"floating_ip", floating_views(*drivers.other, ctx, {fip}).front()}});
}

void delete_floating_ip(const Proxy& drivers, const Request& req, Response& resp)
{
    check_proxy_version(req);
    const Context& ctx = req.context();
    nova_fault([&] {
        std::string id = drivers.other->get(ctx, "floatingips", req.param("id"))["id"];
        drivers.other->remove(ctx, "floatingips", id);
    });
    accepted(resp);
}

void list_interfaces(const Proxy& drivers, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Server s = drivers.compute->serverGet(ctx, req.param("server_id"));
    json list = json::array();
    for (const auto& p : server_ports(*drivers.other, ctx, s.id))
        list.push_back(interface_view(req, p));
    resp.json({{"interfaceAttachments", std::move(list)}});
}

void attach_interface(const Proxy& drivers, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Server s = drivers.compute->serverGet(ctx, req.param("server_id"));
    editable(req, s);
    if (s.vm_state != "active" && s.vm_state != "paused" && s.vm_state != "stopped")
        throw Conflict("Cannot 'attach_interface' instance " + s.id + " while it is in vm_state " + s.vm_state,
                       "conflictingRequest");
    const json& body = req.json_body();
    json a = body.is_object() && body.contains("interfaceAttachment") ? body["interfaceAttachment"] : json::object();
    if (!a.is_object())
        throw BadRequest("Invalid input for field/attribute interfaceAttachment.");
    network::PortRequest r;
    r.network_id = text_of(a, "net_id");
    r.port_id = text_of(a, "port_id");
    if (!r.network_id.empty() && !r.port_id.empty())
        throw BadRequest("Must not input both network_id and port_id");
    if (a.contains("fixed_ips")) {
        if (!a["fixed_ips"].is_array() || a["fixed_ips"].size() != 1 || !a["fixed_ips"][0].is_object() ||
            text_of(a["fixed_ips"][0], "ip_address").empty())
            throw BadRequest("Invalid input for field/attribute fixed_ips: one ip_address.");
        if (r.network_id.empty())
            throw BadRequest("Invalid input for field/attribute fixed_ips: it needs a net_id.");
        r.fixed_ip = a["fixed_ips"][0]["ip_address"];
    }
    if (r.network_id.empty() && r.port_id.empty()) {
        // Nova picks the one network the project may use; with several it cannot choose.
        Query q = by("project_id", {ctx.project_id});
        auto mine = drivers.other->list(ctx, "networks", q);
        if (mine.size() != 1)
            throw Conflict("Multiple possible networks found, use a Network ID to be more specific.",
                           "conflictingRequest");
        r.network_id = mine.front()["id"];
    }
    network::ServerPort made = nova_fault([&] { return drivers.other->serverPortCreate(ctx, s.id, r); });
    resp.json({{"interfaceAttachment", interface_view(req, drivers.other->get(ctx, "ports", made.port_id))}});
}

void show_interface(const Proxy& drivers, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Server s = drivers.compute->serverGet(ctx, req.param("server_id"));
    resp.json(
        {{"interfaceAttachment", interface_view(req, attached_port(*drivers.other, ctx, s.id, req.param("port_id")))}});
}

void detach_interface(const Proxy& drivers, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Server s = drivers.compute->serverGet(ctx, req.param("server_id"));
    editable(req, s);
    json port = attached_port(*drivers.other, ctx, s.id, req.param("port_id"));
    nova_fault([&] { drivers.other->serverPortDelete(ctx, s.id, port["id"]); });
    accepted(resp);
}

// addSecurityGroup, removeSecurityGroup, addFloatingIp, removeFloatingIp: the server actions that are network calls.
void network_action(const Proxy& drivers, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    const std::string& action = body.begin().key();
    bool group = action == "addSecurityGroup" || action == "removeSecurityGroup";
    bool floating = !group;
    if (floating && req.version().at_least(2, 44))
        throw NotFound("The " + action + " action went in microversion 2.44.");
    const json& args = body.begin().value();
    const Context& ctx = req.context();
    Server s = drivers.compute->serverGet(ctx, req.param("instance_id"));
    editable(req, s);
    auto ports = server_ports(*drivers.other, ctx, s.id);
    if (group) {
        std::string name = args.is_object() ? text_of(args, "name") : "";
        if (name.empty())
            throw BadRequest("Security group name cannot be empty");
        json g = group_named(*drivers.other, ctx, name);
        std::string id = g["id"];
        if (ports.empty())
            throw NotFound("Instance " + s.id + " has no ports to take security group " + name + ".");
        bool adding = action == "addSecurityGroup";
        bool member = std::any_of(ports.begin(), ports.end(), [&](const json& p) {
            auto groups = p.value("security_groups", json::array());
            return std::find(groups.begin(), groups.end(), json(id)) != groups.end();
        });
        if (adding && member)
            throw BadRequest("Security group " + name + " is already associated with the instance " + s.id);
        if (!adding && !member)
            throw BadRequest("Security group " + name + " not associated with the instance " + s.id);
        nova_fault([&] {
            for (const auto& p : ports) {
                json groups = p.value("security_groups", json::array());
                json changed = json::array();
                for (const auto& g2 : groups)
                    if (g2 != json(id))
                        changed.push_back(g2);
                if (adding)
                    changed.push_back(id);
                if (changed != groups)
                    drivers.other->update(
                        ctx, "ports", p["id"],
                        neutron::changes(neutron::collection("ports"), ctx, {{"security_groups", changed}}));
            }
        });
        return accepted(resp);
    }
    std::string address = args.is_object() ? text_of(args, "address") : "";
    if (address.empty())
        throw BadRequest("Invalid input for field/attribute address.");
    json fip = floating_named(*drivers.other, ctx, address);
    if (action == "removeFloatingIp") {
        std::string port = text_of(fip, "port_id");
        bool ours = std::any_of(ports.begin(), ports.end(), [&](const json& p) { return p["id"] == port; });
        if (!ours)
            throw Conflict("Floating IP " + address + " is not associated with instance " + s.id + ".",
                           "conflictingRequest");
        nova_fault([&] {
            drivers.other->update(ctx, "floatingips", fip["id"],
                                  neutron::changes(neutron::collection("floatingips"), ctx, {{"port_id", nullptr}}));
        });
        return accepted(resp);
    }
    std::string fixed = args.is_object() ? text_of(args, "fixed_address") : "";
    std::string port_id;
    for (const auto& p : ports) {
        for (const auto& ip : p.value("fixed_ips", json::array()))
            if (fixed.empty() ? text_of(ip, "ip_address").find(':') == std::string::npos
                              : text_of(ip, "ip_address") == fixed) {
                port_id = p["id"];
                if (fixed.empty())
                    fixed = text_of(ip, "ip_address");
                break;
            }
        if (!port_id.empty())
            break;
    }
    if (port_id.empty())
        throw BadRequest(ports.empty() ? "No nw_info cache associated with instance"
                                       : "Specified fixed address not assigned to instance");
    nova_fault([&] {
        json changes = {{"port_id", port_id}, {"fixed_ip_address", fixed}};
        drivers.other->update(ctx, "floatingips", fip["id"],
                              neutron::changes(neutron::collection("floatingips"), ctx, changes));
    });
    accepted(resp);
}

using network::Kind;
using network::Op;
// The kinds each proxy reads or writes: a group's rules come inside the group, so only the rule rows need the rules.
constexpr Operations kGroups{Kind::security_groups}, kRules{Kind::security_groups, Kind::security_group_rules};
constexpr Operations kFloating{Kind::floatingips, Kind::networks, Kind::ports},
    kNetworks{Kind::networks, Kind::subnets};
constexpr Operations kInterfaces{compute::Op::serverGet, Kind::ports, Kind::networks};

const Binding<Proxy> kNetworkProxyBindings[] = {
    {"v2_os_security_groups", "GET", kGroups | Operations{Op::list}, list_groups},
    {"v2_os_security_groups", "POST", kGroups | Operations{Op::list, Op::create}, create_group},
    {"v2_os_security_group", "GET", kGroups | Operations{Op::list, Op::get}, show_group},
    {"v2_os_security_group", "PUT", kGroups | Operations{Op::list, Op::get, Op::update}, update_group},
    {"v2_os_security_group", "DELETE", kGroups | Operations{Op::get, Op::remove}, delete_group},
    {"v2_os_security_group_rules", "POST", kRules | Operations{Op::list, Op::get, Op::create}, create_rule},
    {"v2_os_security_group_rule", "DELETE", kRules | Operations{Op::get, Op::remove}, delete_rule},
    {"v2_os_server_security_groups", "GET", kGroups | Operations{Kind::ports, Op::list, compute::Op::serverGet},
     list_server_groups},
    {"v2_os_floating_ip_pools", "GET", kFloating | Operations{Op::list}, list_pools},
    {"v2_os_floating_ips", "GET", kFloating | Operations{Op::list}, list_floating_ips},
    {"v2_os_floating_ips", "POST", kFloating | Operations{Op::list, Op::create}, create_floating_ip},
    {"v2_os_floating_ips_id", "GET", kFloating | Operations{Op::list, Op::get}, show_floating_ip},
    {"v2_os_floating_ips_id", "DELETE", kFloating | Operations{Op::get, Op::remove}, delete_floating_ip},
    {"v2_os_networks", "GET", kNetworks | Operations{Op::list},
     [](const Proxy& drivers, const Request& req, Response& resp) { list_networks(*drivers.other, req, resp, true); }},
    {"v2_os_network", "GET", kNetworks | Operations{Op::get, Op::list},
     [](const Proxy& drivers, const Request& req, Response& resp) { show_network(*drivers.other, req, resp, true); }},
    {"v2_os_tenant_networks", "GET", kNetworks | Operations{Op::list},
     [](const Proxy& drivers, const Request& req, Response& resp) { list_networks(*drivers.other, req, resp, false); }},
    {"v2_os_tenant_network", "GET", kNetworks | Operations{Op::get, Op::list},
     [](const Proxy& drivers, const Request& req, Response& resp) { show_network(*drivers.other, req, resp, false); }},
    {"v2_server_interfaces", "GET", kInterfaces | Operations{Op::list}, list_interfaces},
    {"v2_server_interfaces", "POST", kInterfaces | Operations{Op::list, Op::serverPortCreate, Op::get},
     attach_interface},
    {"v2_server_interface", "GET", kInterfaces | Operations{Op::list}, show_interface},
    {"v2_server_interface", "DELETE", kInterfaces | Operations{Op::list, Op::serverPortDelete}, detach_interface},
    {"v2_server_action", "POST", kInterfaces | kGroups | Operations{Op::list, Op::update}, network_action,
     "addSecurityGroup"},
    {"v2_server_action", "POST", kInterfaces | kGroups | Operations{Op::list, Op::update}, network_action,
     "removeSecurityGroup"},
    {"v2_server_action", "POST", kInterfaces | kFloating | Operations{Op::list, Op::update}, network_action,
     "addFloatingIp"},
    {"v2_server_action", "POST", kInterfaces | kFloating | Operations{Op::list, Op::update}, network_action,
     "removeFloatingIp"},
};

} // namespace

void install_network_proxy(Dispatcher& disp, const App& app)
{
    auto proxy = std::make_shared<const Proxy>(Proxy{app.compute().driver, app.network().driver});
    bind_table(disp, std::span<const Binding<Proxy>>(kNetworkProxyBindings), proxy,
               app.compute().operations | app.network().operations);
}

} // namespace jumpgate::compute
