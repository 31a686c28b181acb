// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network service: tenancy, address and MAC allocation, in-use rules, routers, floating IPs, security groups.
#include "network.hpp"
#include "quota.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <optional>
#include <random>
#include <set>

#include <jumpgate/driver/ipnet.hpp>
#include <jumpgate/fault.hpp>

namespace jumpgate::local {

namespace {

using network::Address;
using network::Cidr;

struct Kind {
    const char* collection;
    const char* label;        // for messages: "Network 1234 could not be found."
    const char* not_found;    // Neutron's type
    const char* quota;        // the quota resource
};

constexpr Kind kKinds[] = {
    {"networks", "Network", "NetworkNotFound", "network"},
    {"subnets", "Subnet", "SubnetNotFound", "subnet"},
    {"ports", "Port", "PortNotFound", "port"},
    {"routers", "Router", "RouterNotFound", "router"},
    {"floatingips", "Floating IP", "FloatingIPNotFound", "floatingip"},
    {"security-groups", "Security group", "SecurityGroupNotFound", "security_group"},
    {"security-group-rules", "Security group rule", "SecurityGroupRuleNotFound", "security_group_rule"},
    {"subnetpools", "Subnet pool", "SubnetPoolNotFound", "subnetpool"},
};

const network::QuotaSet kDefaultQuotas = {{"network", 100},       {"subnet", 100},         {"port", 500},
                                          {"router", 10},         {"floatingip", 50},      {"security_group", 10},
                                          {"security_group_rule", 100}};

// Device owners of the ports the network itself makes: they neither keep a network in use nor get security groups.
constexpr const char* kRouterInterface = "network:router_interface";
constexpr const char* kRouterGateway = "network:router_gateway";
constexpr const char* kFloatingIpOwner = "network:floatingip";
constexpr const char* kDhcpOwner = "network:dhcp";
constexpr const char* kComputeOwner = "compute:nova";
// A key of a stored port that no view shows: the port was made by Compute for its server, and goes with it.
constexpr const char* kMadeForServer = "jumpgate:made_for_server";

const Kind& kind_of(std::string_view collection)
{
    for (const auto& k : kKinds)
        if (collection == k.collection)
            return k;
    throw NotFound("No collection " + std::string(collection) + ".");
}

[[noreturn]] void not_found(std::string_view collection, const std::string& id)
{
    const Kind& k = kind_of(collection);
    throw NotFound(std::string(k.label) + " " + id + " could not be found.", k.not_found);
}

std::string now_text()
{
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

Address address(const json& text) { return *network::parse_address(text.get<std::string>()); }
Cidr cidr(const json& text) { return *network::parse_cidr(text.get<std::string>(), false); }

// The columns a resource's document repeats for queries: what it hangs on, and what uses it.
std::optional<std::string> parent_of(std::string_view collection, const json& doc)
{
    const char* key = collection == "subnets" || collection == "ports" ? "network_id"
                      : collection == "floatingips"                   ? "floating_network_id"
                      : collection == "security-group-rules"          ? "security_group_id"
                                                                      : nullptr;
    if (key)
        return doc[key].get<std::string>();
    if (collection == "routers" && doc["external_gateway_info"].is_object())
        return doc["external_gateway_info"]["network_id"].get<std::string>();
    return std::nullopt;
}

std::optional<std::string> device_of(std::string_view collection, const json& doc)
{
    if (collection == "ports")
        return doc["device_id"].get<std::string>();
    if (collection == "floatingips" && doc["port_id"].is_string())
        return doc["port_id"].get<std::string>();
    return std::nullopt;
}

// Whether a subnet's ports take their addresses from their MACs (SLAAC, DHCPv6-stateless) rather than its pools.
bool is_auto_address(const json& sn)
{
    for (const char* key : {"ipv6_address_mode", "ipv6_ra_mode"})
        if (sn.contains(key) && (sn[key] == "slaac" || sn[key] == "dhcpv6-stateless"))
            return true;
    return false;
}

/*
 * Store: the documents of one request, read and written through the
 * database; every write runs inside the caller's Transaction.
 */
class Store {
public:
    Store(Database& db, const Context& ctx) : db_(db), ctx_(ctx) {}

    Database& db() { return db_; }
    const Context& ctx() const { return ctx_; }
    bool admin() const { return ctx_.is_admin(); }

    std::optional<json> find(std::string_view collection, const std::string& id)
    {
        Statement s(db_, "SELECT document FROM network_resources WHERE collection = ?1 AND id = ?2");
        s.bind(1, collection).bind(2, id);
        if (!s.step())
            return std::nullopt;
        return json::parse(s.text(0));
    }

    // rows: every document of `collection`, or those whose `column` (parent_id, device_id, project_id) is `value`.
    std::vector<json> rows(std::string_view collection, const char* column = nullptr, const std::string& value = {})
    {
        std::string sql = "SELECT document FROM network_resources WHERE collection = ?1";
        if (column)
            sql += std::string(" AND ") + column + " = ?2";
        Statement s(db_, sql + " ORDER BY rowid");
        s.bind(1, collection);
        if (column)
            s.bind(2, value);
        std::vector<json> out;
        while (s.step())
            out.push_back(json::parse(s.text(0)));
        return out;
    }

    long long count(std::string_view collection, const std::string& project_id)
    {
        Statement s(db_, "SELECT COUNT(*) FROM network_resources WHERE collection = ?1 AND project_id = ?2");
        s.bind(1, collection).bind(2, project_id);
        s.step();
        return s.integer(0);
    }

    void insert(std::string_view collection, json& doc)
    {
        std::string now = now_text();
        doc["created_at"] = now;
        doc["updated_at"] = now;
        if (collection != "security-group-rules") {
            doc["revision_number"] = 0;
            if (!doc.contains("tags"))
                doc["tags"] = json::array();
        }
        Statement s(db_, "INSERT INTO network_resources (collection, id, project_id, parent_id, device_id, document) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        s.bind(1, collection).bind(2, doc["id"].get<std::string>()).bind(3, doc["project_id"].get<std::string>());
        bind_opt(s, 4, parent_of(collection, doc));
        bind_opt(s, 5, device_of(collection, doc));
        s.bind(6, doc.dump());
        s.step();
    }

    void save(std::string_view collection, json& doc)
    {
        doc["updated_at"] = now_text();
        if (doc.contains("revision_number"))
            doc["revision_number"] = doc["revision_number"].get<long long>() + 1;
        Statement s(db_, "UPDATE network_resources SET parent_id = ?3, device_id = ?4, document = ?5 "
                         "WHERE collection = ?1 AND id = ?2");
        s.bind(1, collection).bind(2, doc["id"].get<std::string>());
        bind_opt(s, 3, parent_of(collection, doc));
        bind_opt(s, 4, device_of(collection, doc));
        s.bind(5, doc.dump());
        s.step();
    }

    void erase(std::string_view collection, const std::string& id)
    {
        Statement s(db_, "DELETE FROM network_resources WHERE collection = ?1 AND id = ?2");
        s.bind(1, collection).bind(2, id);
        s.step();
    }

    // visible: whether the caller sees `doc`: its own, a shared or external network, a port or subnet on one it may use.
    bool visible(std::string_view collection, const json& doc)
    {
        if (admin() || doc["project_id"] == ctx_.project_id)
            return true;
        if (collection == "networks")
            return doc["shared"] == true || doc["router:external"] == true;
        if (collection == "subnetpools")
            return doc["shared"] == true;
        if (collection == "subnets") {
            auto net = find("networks", doc["network_id"]);
            return net && (*net)["shared"] == true;
        }
        if (collection == "ports") {
            auto net = find("networks", doc["network_id"]);
            return net && (*net)["project_id"] == ctx_.project_id;
        }
        return false;
    }

    bool owned(const json& doc) const { return admin() || doc["project_id"] == ctx_.project_id; }

    // seen: a resource the caller sees, or NotFound.
    json seen(std::string_view collection, const std::string& id)
    {
        auto doc = find(collection, id);
        if (!doc || !visible(collection, *doc))
            not_found(collection, id);
        return *doc;
    }

    // writable: a resource the caller may change: NotFound when unseen, Forbidden when only seen.
    json writable(std::string_view collection, const std::string& id, const char* action)
    {
        json doc = seen(collection, id);
        if (!owned(doc))
            throw Forbidden(std::string("rule:") + action + "_" + kind_of(collection).quota + " is disallowed by policy",
                            "PolicyNotAuthorized");
        return doc;
    }

    // complete: the attributes computed from other rows (a network's subnets, a group's rules).
    json complete(std::string_view collection, json doc)
    {
        if (collection == "networks") {
            json ids = json::array();
            for (const auto& s : rows("subnets", "parent_id", doc["id"]))
                ids.push_back(s["id"]);
            doc["subnets"] = std::move(ids);
        } else if (collection == "security-groups") {
            json rules = json::array();
            for (auto& r : rows("security-group-rules", "parent_id", doc["id"])) {
                r["tenant_id"] = r["project_id"];
                rules.push_back(std::move(r));
            }
            doc["security_group_rules"] = std::move(rules);
        }
        return doc;
    }

    void quota_check(std::string_view collection, const std::string& project_id, long long adding = 1)
    {
        const char* resource = kind_of(collection).quota;
        long long limit = quota_of(project_id).at(resource);
        if (limit >= 0 && count(collection, project_id) + adding > limit)
            throw Conflict(std::string("Quota exceeded for resources: ['") + resource + "'].", "OverQuota");
    }

    network::QuotaSet quota_of(const std::string& project_id)
    {
        return QuotaTable(db_, "network_quotas", kDefaultQuotas).get(project_id);
    }

    /* Addresses ---------------------------------------------------------- */

    bool allocated(const std::string& subnet_id, const std::string& ip)
    {
        Statement s(db_, "SELECT 1 FROM network_ip_allocations WHERE subnet_id = ?1 AND ip_address = ?2");
        s.bind(1, subnet_id).bind(2, ip);
        return s.step();
    }

    void take(const json& subnet, const std::string& ip, const std::string& port_id)
    {
        if (allocated(subnet["id"], ip))
            throw Conflict("IP address " + ip + " already allocated in subnet " + subnet["id"].get<std::string>(),
                           "IpAddressAlreadyAllocated");
        Statement s(db_, "INSERT INTO network_ip_allocations (subnet_id, ip_address, port_id, network_id) "
                         "VALUES (?1, ?2, ?3, ?4)");
        s.bind(1, subnet["id"].get<std::string>()).bind(2, ip).bind(3, port_id).bind(4, subnet["network_id"].get<std::string>());
        s.step();
    }

    // next_free: the lowest address of `subnet`'s pools nobody holds, or nullopt when they are all taken.
    std::optional<std::string> next_free(const json& subnet)
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

    void release(const std::string& port_id)
    {
        Statement s(db_, "DELETE FROM network_ip_allocations WHERE port_id = ?1");
        s.bind(1, port_id);
        s.step();
    }

    /*
     * allocate: the fixed IPs of port `port` (its id, MAC and device owner
     * set) on `net`: those `wanted` names (a subnet, an address, or both), or
     * with none wanted one address of IPv4 and one of stateful IPv6 from the
     * first subnet of each with room. As Neutron, a port that is not a router
     * interface also gets its EUI-64 address on every SLAAC or
     * DHCPv6-stateless subnet of the network, named or not, and may be given
     * no other address there.
     */
    json allocate(const json& net, const json& port, const json* wanted)
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
                if (entry.contains("ip_address") && !network::contains(cidr((*subnet)["cidr"]), address(entry["ip_address"])))
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

    /* MACs --------------------------------------------------------------- */

    bool mac_taken(const std::string& network_id, const std::string& mac)
    {
        Statement s(db_, "SELECT 1 FROM network_macs WHERE network_id = ?1 AND mac_address = ?2");
        s.bind(1, network_id).bind(2, mac);
        return s.step();
    }

    void mac_take(const std::string& network_id, const std::string& mac, const std::string& port_id)
    {
        if (mac_taken(network_id, mac))
            throw Conflict("Unable to complete operation for network " + network_id + ". The mac address " + mac +
                               " is in use.",
                           "MacAddressInUse");
        Statement s(db_, "INSERT INTO network_macs (network_id, mac_address, port_id) VALUES (?1, ?2, ?3)");
        s.bind(1, network_id).bind(2, mac).bind(3, port_id);
        s.step();
    }

    void mac_release(const std::string& port_id)
    {
        Statement s(db_, "DELETE FROM network_macs WHERE port_id = ?1");
        s.bind(1, port_id);
        s.step();
    }

    // new_mac: a random address under OpenStack's fa:16:3e prefix that no port of the network has.
    std::string new_mac(const std::string& network_id)
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

    /* Security groups ---------------------------------------------------- */

    json rule(const std::string& project_id, const std::string& group_id, const char* direction, const char* ethertype,
              const json& remote_group)
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

    // default_group: the project's "default" group, made with Neutron's four rules on first use.
    std::string default_group(const std::string& project_id)
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

    bool has_default_group(const std::string& project_id)
    {
        Statement s(db_, "SELECT 1 FROM network_default_security_groups WHERE project_id = ?1");
        s.bind(1, project_id);
        return s.step();
    }

private:
    static void bind_opt(Statement& s, int index, const std::optional<std::string>& value)
    {
        if (value)
            s.bind(index, *value);
        else
            s.bind_null(index);
    }

    Database& db_;
    const Context& ctx_;
};

/* Subnets: what Neutron checks of a subnet's addresses as a whole. */

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
        throw BadRequest("Invalid input for operation: Requested subnet with cidr: " + text + " does not match "
                         "ip_version " + std::to_string(version) + ".",
                         "InvalidInput");
    if ((version == 4 && net.prefix == 32) || (version == 6 && net.prefix == 128))
        throw BadRequest("Invalid input for operation: Requested subnet with cidr: " + text + " has no room for "
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
        throw BadRequest("Invalid input for operation: Invalid CIDR " + text + " for IPv6 address mode. OpenStack "
                         "uses the EUI-64 address format, which requires the prefix to be /64.",
                         "InvalidInput");
    if (fill && !sn.contains("gateway_ip"))
        sn["gateway_ip"] = network::to_string(network::offset(network::first_address(net), 1));
    const json& gateway = sn["gateway_ip"];
    if (gateway.is_string()) {
        Address g = address(gateway);
        if (g.version != version ||
            (network::contains(net, g) && (g == network::first_address(net) ||
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
            throw Conflict("Gateway ip " + gateway.get<std::string>() + " conflicts with allocation pool " + range + ".",
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

// A port's status: a bound port is up as far as the local cloud is concerned.
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

std::string rule_key(const json& r)
{
    // 0.0.0.0/0 and ::/0 mean what no prefix means.
    json prefix = r["remote_ip_prefix"];
    if (prefix == "0.0.0.0/0" || prefix == "::/0")
        prefix = nullptr;
    return json::array({r["security_group_id"], r["direction"], r["ethertype"], r["protocol"], r["port_range_min"],
                        r["port_range_max"], prefix, r["remote_group_id"]})
        .dump();
}

/* The operations, one function per collection and verb, on a Store inside a Transaction. */

json network_create(Store& st, json net)
{
    st.quota_check("networks", net["project_id"]);
    for (const auto& hint : net["availability_zone_hints"])
        if (hint != "nova")
            throw NotFound("AvailabilityZone " + hint.get<std::string>() + " could not be found.",
                           "AvailabilityZoneNotFound");
    net["status"] = "ACTIVE";
    net["availability_zones"] = json::array({"nova"});
    st.insert("networks", net);
    return net;
}

void network_delete(Store& st, const json& net)
{
    const std::string id = net["id"];
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

/* Subnet pools */

std::vector<Cidr> cidrs_of(const json& texts)
{
    std::vector<Cidr> out;
    for (const auto& t : texts)
        out.push_back(cidr(t));
    return out;
}

json texts_of(const std::vector<Cidr>& cidrs)
{
    json out = json::array();
    for (const auto& c : cidrs)
        out.push_back(network::to_string(c));
    return out;
}

int prefixlen_of(const json& text) { return std::stoi(text.get<std::string>()); }

// pool_check: a pool's prefixes compacted, its IP version and the bounds of its prefix lengths filled and checked.
void pool_check(Store& st, json& sp)
{
    if (sp["prefixes"].empty())
        throw BadRequest("Empty subnet pool prefix list.", "EmptySubnetPoolPrefixList");
    auto prefixes = cidrs_of(sp["prefixes"]);
    const int version = prefixes.front().network.version;
    for (const auto& p : prefixes)
        if (p.network.version != version || (sp.contains("ip_version") && sp["ip_version"] != version))
            throw BadRequest("Cannot mix IPv4 and IPv6 prefixes in a subnet pool.", "PrefixVersionMismatch");
    sp["ip_version"] = version;
    sp["prefixes"] = texts_of(network::cidr_merge(prefixes));
    const int bits = version == 4 ? 32 : 128;
    if (!sp.contains("min_prefixlen"))
        sp["min_prefixlen"] = std::to_string(version == 4 ? 8 : 64);
    if (!sp.contains("max_prefixlen"))
        sp["max_prefixlen"] = std::to_string(bits);
    if (!sp.contains("default_prefixlen"))
        sp["default_prefixlen"] = sp["min_prefixlen"];
    const int min = prefixlen_of(sp["min_prefixlen"]), max = prefixlen_of(sp["max_prefixlen"]),
              fallback = prefixlen_of(sp["default_prefixlen"]);
    auto illegal = [](const char* type, int length, const char* base, int base_length) {
        return BadRequest("Illegal prefix bounds: " + std::string(type) + "=" + std::to_string(length) + ", " + base +
                              "=" + std::to_string(base_length) + ".",
                          "IllegalSubnetPoolPrefixBounds");
    };
    if (min > max)
        throw illegal("min_prefixlen", min, "max_prefixlen", max);
    if (max > bits)
        throw illegal("max_prefixlen", max, "ip_version_max", bits);
    if (fallback < min)
        throw illegal("default_prefixlen", fallback, "min_prefixlen", min);
    if (fallback > max)
        throw illegal("default_prefixlen", fallback, "max_prefixlen", max);
    // Address scopes are not served: no id can name one.
    if (!sp["address_scope_id"].is_null())
        throw NotFound("Address scope " + sp["address_scope_id"].get<std::string>() + " could not be found.",
                       "AddressScopeNotFound");
    if (sp["is_default"] == true)
        for (const auto& other : st.rows("subnetpools"))
            if (other["id"] != sp["id"] && other["is_default"] == true && other["ip_version"] == version)
                throw BadRequest("Invalid input for operation: A default subnetpool for this IP family has already "
                                 "been set. Only one default may exist per IP family.",
                                 "InvalidInput");
}

std::vector<json> pool_subnets(Store& st, const std::string& pool_id)
{
    std::vector<json> out;
    for (auto& sn : st.rows("subnets"))
        if (sn.value("subnetpool_id", json(nullptr)) == pool_id)
            out.push_back(std::move(sn));
    return out;
}

json subnetpool_create(Store& st, json sp)
{
    pool_check(st, sp);
    st.insert("subnetpools", sp);
    return sp;
}

json subnetpool_update(Store& st, json sp, const json& changes)
{
    if (changes.contains("prefixes")) {
        auto wanted = cidrs_of(changes["prefixes"]);
        if (wanted.empty() || !network::cidr_exclude(cidrs_of(sp["prefixes"]), wanted).empty())
            throw BadRequest("Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.",
                             "IllegalSubnetPoolPrefixUpdate");
    }
    for (const auto& [k, v] : changes.items())
        sp[k] = v;
    pool_check(st, sp);
    st.save("subnetpools", sp);
    return sp;
}

void subnetpool_delete(Store& st, const json& sp)
{
    if (!pool_subnets(st, sp["id"]).empty())
        throw BadRequest("Unable to delete subnet pool: Subnet pool has existing allocations.", "SubnetPoolDeleteError");
    st.erase("subnetpools", sp["id"]);
}

/*
 * pool_allocate: for a subnet asked of a pool (subnetpool_id, or
 * use_default_subnetpool for the default one of its IP version), its cidr:
 * the one asked for if the pool has it free, or else the first free block
 * of the prefix length asked for (prefixlen, the pool's default_prefixlen)
 * from the pool's smallest free space that holds one. Within the pool's
 * bounds and its per-project quota (addresses for IPv4, /64s for IPv6).
 */
void pool_allocate(Store& st, json& sn)
{
    const bool use_default = sn.value("use_default_subnetpool", false);
    const json prefixlen = sn.value("prefixlen", json(nullptr));
    sn.erase("use_default_subnetpool");
    sn.erase("prefixlen");
    const bool has_cidr = sn.contains("cidr");
    if (has_cidr && !prefixlen.is_null())
        throw BadRequest("Bad subnets request: cidr and prefixlen must not be supplied together.", "BadRequest");
    const int version = sn["ip_version"];
    std::string pool_id = sn["subnetpool_id"].is_string() ? sn["subnetpool_id"].get<std::string>() : "";
    if (use_default) {
        if (!pool_id.empty())
            throw BadRequest("Bad subnets request: subnetpool_id and use_default_subnetpool cannot both be specified.",
                             "BadRequest");
        for (const auto& sp : st.rows("subnetpools"))
            if (sp["is_default"] == true && sp["ip_version"] == version && st.visible("subnetpools", sp))
                pool_id = sp["id"];
        if (pool_id.empty())
            throw BadRequest("Bad subnets request: No default subnetpool found for IPv" + std::to_string(version) + ".",
                             "BadRequest");
        sn["subnetpool_id"] = pool_id;
    }
    if (pool_id.empty()) {
        if (!has_cidr)
            throw BadRequest("Bad subnets request: a subnetpool must be specified in the absence of a cidr.",
                             "BadRequest");
        return;
    }
    json pool = st.seen("subnetpools", pool_id);
    if (!has_cidr && sn.contains("allocation_pools"))
        throw BadRequest("Bad subnets request: allocation_pools allowed only for specific subnet requests.",
                         "BadRequest");
    if (pool["ip_version"] != version)
        throw BadRequest("Bad subnets request: Cannot allocate IPv" + std::to_string(version) + " subnet from IPv" +
                             pool["ip_version"].dump() + " subnet pool.",
                         "BadRequest");
    const int length = has_cidr ? cidr(sn["cidr"]).prefix
                       : prefixlen.is_null() ? prefixlen_of(pool["default_prefixlen"])
                                             : prefixlen.get<int>();
    if (length > prefixlen_of(pool["max_prefixlen"]))
        throw BadRequest("Unable to allocate subnet with prefix length " + std::to_string(length) +
                             ", maximum allowed prefix is " + pool["max_prefixlen"].get<std::string>() + ".",
                         "MaxPrefixSubnetAllocationError");
    if (length < prefixlen_of(pool["min_prefixlen"]))
        throw BadRequest("Unable to allocate subnet with prefix length " + std::to_string(length) +
                             ", minimum allowed prefix is " + pool["min_prefixlen"].get<std::string>() + ".",
                         "MinPrefixSubnetAllocationError");
    auto subnets = pool_subnets(st, pool_id);
    if (pool["default_quota"].is_number()) {
        const int unit = version == 4 ? 32 : 64;
        long double used = 0;
        for (const auto& other : subnets)
            if (other["project_id"] == sn["project_id"])
                used += std::pow(2.0L, unit - cidr(other["cidr"]).prefix);
        if (used + std::pow(2.0L, unit - length) > pool["default_quota"].get<long double>())
            throw Conflict("Per-project subnet pool prefix quota exceeded.", "SubnetPoolQuotaExceeded");
    }
    std::vector<Cidr> taken;
    for (const auto& other : subnets)
        taken.push_back(cidr(other["cidr"]));
    auto free = network::cidr_exclude(cidrs_of(pool["prefixes"]), taken);
    if (has_cidr) {
        Cidr wanted = cidr(sn["cidr"]);
        if (std::none_of(free.begin(), free.end(), [&](const Cidr& block) {
                return block.prefix <= wanted.prefix && network::contains(block, wanted.network);
            }))
            throw Conflict("Failed to allocate subnet: Cannot allocate requested subnet from the available set of "
                           "prefixes.",
                           "SubnetAllocationError");
        return;
    }
    // The smallest free blocks first, as Neutron, so that large ones stay whole.
    std::stable_sort(free.begin(), free.end(), [](const Cidr& a, const Cidr& b) { return a.prefix > b.prefix; });
    for (const auto& block : free)
        if (length >= block.prefix) {
            sn["cidr"] = network::to_string(Cidr{block.network, length});
            return;
        }
    throw Conflict("Failed to allocate subnet: Insufficient prefix space to allocate subnet size /" +
                       std::to_string(length) + ".",
                   "SubnetAllocationError");
}

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
            throw BadRequest("Invalid input for operation: Requested subnet with cidr: " + sn["cidr"].get<std::string>() +
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
    if (!port.contains("security_groups"))
        port["security_groups"] = is_service_port(port) || port["port_security_enabled"] == false
                                      ? json::array()
                                      : json::array({st.default_group(port["project_id"])});
    check_groups(st, port);
    port_derived(port);
    st.insert("ports", port);
    return port;
}

// The floating IPs on a port lose it when the port goes, or when the fixed IP they carry traffic for is no
// longer among the port's `fixed_ips` (when given).
void floating_ips_release(Store& st, const std::string& port_id, const json* fixed_ips = nullptr)
{
    for (auto& fip : st.rows("floatingips", "device_id", port_id)) {
        if (fixed_ips && std::any_of(fixed_ips->begin(), fixed_ips->end(), [&](const json& f) {
                return f["ip_address"] == fip["fixed_ip_address"];
            }))
            continue;
        fip["port_id"] = nullptr;
        fip["fixed_ip_address"] = nullptr;
        fip["router_id"] = nullptr;
        fip["status"] = "DOWN";
        st.save("floatingips", fip);
    }
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
        if (k != "fixed_ips" && k != "mac_address")
            port[k] = v;
    if (changes.contains("mac_address") && changes["mac_address"] != port["mac_address"]) {
        if (port["device_owner"].get<std::string>().rfind("compute:", 0) == 0 && !port["device_id"].get<std::string>().empty())
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
    check_groups(st, port);
    port_derived(port);
    st.save("ports", port);
    return port;
}

void port_delete(Store& st, const json& port)
{
    const std::string owner = port["device_owner"];
    if (owner == kRouterInterface || owner == kRouterGateway || owner == kFloatingIpOwner)
        throw Conflict("Port " + port["id"].get<std::string>() + " cannot be deleted directly via the port API: has "
                       "device owner " + owner + ".",
                       "ServicePortInUse");
    port_erase(st, port["id"]);
}

/* Routers */

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
    auto net = st.find("networks", info["network_id"]);
    if (!net || !st.visible("networks", *net))
        not_found("networks", info["network_id"]);
    if ((*net)["router:external"] != true)
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
    json port = service_port(st, *net, kRouterGateway, router["id"], "",
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
        if (std::none_of(subnets.begin(), subnets.end(), [&](const json& sn) { return network::contains(cidr(sn["cidr"]), hop); }))
            throw BadRequest("Invalid format for routes: " + json::array({route}).dump() +
                                 ", the nexthop is not connected with router",
                             "InvalidRoutes");
    }
}

json router_create(Store& st, json router)
{
    st.quota_check("routers", router["project_id"]);
    for (const auto& hint : router["availability_zone_hints"])
        if (hint != "nova")
            throw NotFound("AvailabilityZone " + hint.get<std::string>() + " could not be found.",
                           "AvailabilityZoneNotFound");
    router["status"] = "ACTIVE";
    router["availability_zones"] = json::array({"nova"});
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

void router_delete(Store& st, json router)
{
    if (!router_ports(st, router, kRouterInterface).empty())
        throw Conflict("Router " + router["id"].get<std::string>() + " still has ports", "RouterInUse");
    gateway_clear(st, router);
    st.erase("routers", router["id"]);
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

/* Floating IPs */

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
        throw BadRequest(fixed_ip.is_null()
                             ? "Bad floatingip request: Port " + port_id.get<std::string>() +
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
                           ".  Therefore, cannot associate Port " + port_id.get<std::string>() +
                           " with a Floating IP.",
                       "ExternalGatewayForFloatingIPNotFound");
    fip["port_id"] = port_id;
    fip["fixed_ip_address"] = (*chosen)["ip_address"];
    fip["router_id"] = router_id;
    fip["status"] = "ACTIVE";
}

json floating_ip_create(Store& st, json fip)
{
    auto net = st.find("networks", fip["floating_network_id"]);
    if (!net || !st.visible("networks", *net))
        not_found("networks", fip["floating_network_id"]);
    if ((*net)["router:external"] != true)
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
        for (const auto& sn : st.rows("subnets", "parent_id", (*net)["id"]))
            if (sn["ip_version"] == 4 && entry.empty() && st.next_free(sn))
                entry["subnet_id"] = sn["id"];
        if (entry.empty())
            throw Conflict("No more IP addresses available on network " + (*net)["id"].get<std::string>() + ".",
                           "IpAddressGenerationFailure");
    }
    wanted.push_back(entry);
    json port = service_port(st, *net, kFloatingIpOwner, fip["id"], "", &wanted);
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

/* Security groups */

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

bool is_default_group(Store& st, const json& group)
{
    Statement s(st.db(), "SELECT 1 FROM network_default_security_groups WHERE security_group_id = ?1");
    s.bind(1, group["id"].get<std::string>());
    return s.step();
}

json group_update(Store& st, json group, const json& changes)
{
    if (changes.contains("name") && changes["name"] != group["name"] && is_default_group(st, group))
        throw Conflict("Updating default security group not allowed.", "SecurityGroupCannotUpdateDefault");
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

} // namespace

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
    Store st(*db_, ctx);
    Transaction tx(*db_);
    json out;
    if (collection == "networks")
        out = network_create(st, resource);
    else if (collection == "subnets")
        out = subnet_create(st, resource);
    else if (collection == "ports")
        out = port_create(st, resource);
    else if (collection == "routers")
        out = router_create(st, resource);
    else if (collection == "floatingips")
        out = floating_ip_create(st, resource);
    else if (collection == "security-groups")
        out = group_create(st, resource);
    else if (collection == "security-group-rules")
        out = rule_create(st, resource);
    else if (collection == "subnetpools")
        out = subnetpool_create(st, resource);
    else
        kind_of(collection);
    out = st.complete(collection, std::move(out));
    tx.commit();
    return out;
}

json Network::update(const Context& ctx, const std::string& collection, const std::string& id,
                     const json& changes) const
{
    Store st(*db_, ctx);
    Transaction tx(*db_);
    json doc = st.writable(collection, id, "update");
    json out;
    if (collection == "ports") {
        out = port_update(st, doc, changes);
    } else if (collection == "routers") {
        out = router_update(st, doc, changes);
    } else if (collection == "floatingips") {
        out = floating_ip_update(st, doc, changes);
    } else if (collection == "security-groups") {
        out = group_update(st, doc, changes);
    } else if (collection == "subnetpools") {
        out = subnetpool_update(st, doc, changes);
    } else if (collection == "subnets") {
        for (const auto& [k, v] : changes.items())
            doc[k] = v;
        if (changes.contains("gateway_ip") && doc["gateway_ip"].is_string()) {
            Statement s(*db_, "SELECT port_id FROM network_ip_allocations WHERE subnet_id = ?1 AND ip_address = ?2");
            s.bind(1, id).bind(2, doc["gateway_ip"].get<std::string>());
            if (s.step())
                if (auto holder = st.find("ports", s.text(0)); holder && (*holder)["device_owner"] != kRouterInterface)
                    throw Conflict("Gateway ip " + doc["gateway_ip"].get<std::string>() + " is in use by port " +
                                       s.text(0) + ".",
                                   "GatewayIpInUse");
        }
        check_subnet(doc, false);
        st.save("subnets", doc);
        out = doc;
    } else {
        // Networks, and the tags of any collection.
        if (collection == "networks" && changes.contains("router:external") && changes["router:external"] == false &&
            doc["router:external"] == true && !st.rows("floatingips", "parent_id", id).empty())
            throw Conflict("Unable to complete operation on network " + id +
                               ". There are one or more floating IPs on the network.",
                           "NetworkInUse");
        for (const auto& [k, v] : changes.items())
            doc[k] = v;
        st.save(collection, doc);
        out = doc;
    }
    out = st.complete(collection, std::move(out));
    tx.commit();
    return out;
}

void Network::remove(const Context& ctx, const std::string& collection, const std::string& id) const
{
    Store st(*db_, ctx);
    Transaction tx(*db_);
    json doc = st.writable(collection, id, "delete");
    if (collection == "networks")
        network_delete(st, doc);
    else if (collection == "subnets")
        subnet_delete(st, doc);
    else if (collection == "ports")
        port_delete(st, doc);
    else if (collection == "routers")
        router_delete(st, doc);
    else if (collection == "floatingips")
        floating_ip_delete(st, doc);
    else if (collection == "security-groups")
        group_delete(st, doc);
    else if (collection == "subnetpools")
        subnetpool_delete(st, doc);
    else
        st.erase(collection, id);
    tx.commit();
}

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
                throw BadRequest("Bad router request: Router already has a port on subnet " + sn["id"].get<std::string>() + ".",
                                 "BadRequest");
            if (network::overlaps(cidr(other["cidr"]), cidr(sn["cidr"])))
                throw BadRequest("Bad router request: Cidr " + sn["cidr"].get<std::string>() + " of subnet " +
                                     sn["id"].get<std::string>() + " overlaps with cidr " +
                                     other["cidr"].get<std::string>() + " of subnet " +
                                     other["id"].get<std::string>() + ".",
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
                        throw Conflict("Cannot remove the router interface of router " + router_id +
                                           " on subnet " + f["subnet_id"].get<std::string>() +
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

network::QuotaSet Network::quotaGet(const Context& ctx, const std::string& project_id) const
{
    Store st(*db_, ctx);
    return st.quota_of(project_id);
}

network::QuotaSet Network::quotaDefaults(const Context&) const { return kDefaultQuotas; }

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
