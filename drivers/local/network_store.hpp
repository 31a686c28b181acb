// SPDX-License-Identifier: Apache-2.0
// The inside of the local cloud's Network service: its resources as documents, and its operations per resource.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <jumpgate/driver/ipnet.hpp>
#include <jumpgate/driver/network.hpp>

#include "db.hpp"

namespace jumpgate::local::net {

/* Kind: what the service says of one collection. */
struct Kind {
    const char* collection;
    const char* label;     // for messages: "Network 1234 could not be found."
    const char* not_found; // Neutron's type
    const char* quota;     // the quota resource
};

inline constexpr Kind kKinds[] = {
    {"networks", "Network", "NetworkNotFound", "network"},
    {"subnets", "Subnet", "SubnetNotFound", "subnet"},
    {"ports", "Port", "PortNotFound", "port"},
    {"routers", "Router", "RouterNotFound", "router"},
    {"floatingips", "Floating IP", "FloatingIPNotFound", "floatingip"},
    {"security-groups", "Security group", "SecurityGroupNotFound", "security_group"},
    {"security-group-rules", "Security group rule", "SecurityGroupRuleNotFound", "security_group_rule"},
    {"subnetpools", "Subnet pool", "SubnetPoolNotFound", "subnetpool"},
    // Neutron has no quota on metering; the name is only the policy's.
    {"metering-labels", "Metering label", "MeteringLabelNotFound", "metering_label"},
    {"metering-label-rules", "Metering label rule", "MeteringLabelRuleNotFound", "metering_label_rule"},
};

inline const network::QuotaSet kDefaultQuotas = {{"network", 100},
                                                 {"subnet", 100},
                                                 {"port", 500},
                                                 {"router", 10},
                                                 {"floatingip", 50},
                                                 {"security_group", 10},
                                                 {"security_group_rule", 100}};

// Device owners of the ports the network itself makes: they neither keep a network in use nor get security groups.
inline constexpr const char* kRouterInterface = "network:router_interface";
inline constexpr const char* kRouterGateway = "network:router_gateway";
inline constexpr const char* kFloatingIpOwner = "network:floatingip";
inline constexpr const char* kDhcpOwner = "network:dhcp";
inline constexpr const char* kComputeOwner = "compute:nova";
// A key of a stored port that no view shows: the port was made by Compute for its server, and goes with it.
inline constexpr const char* kMadeForServer = "jumpgate:made_for_server";

/* kind_of: the Kind of `collection`; NotFound when the service has none of that name. */
const Kind& kind_of(std::string_view collection);

/* not_found: throws the NotFound of resource `id` of `collection`, in Neutron's words and type. */
[[noreturn]] void not_found(std::string_view collection, const std::string& id);

/* address, cidr: a document's address or CIDR text (checked by the core) as a value. */
network::Address address(const json& text);
network::Cidr cidr(const json& text);

/*
 * is_auto_address: whether a subnet's ports take their addresses from their MACs
 * (SLAAC, DHCPv6-stateless) rather than its pools.
 */
bool is_auto_address(const json& sn);

/*
 * activate_in_zone: a new network or router is ACTIVE in the one zone, nova;
 * NotFound (AvailabilityZoneNotFound) when it hints at any other.
 */
void activate_in_zone(json& doc);

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

    std::optional<json> find(std::string_view collection, const std::string& id);
    /* rows: every document of `collection`, or those whose `column` (parent_id, device_id, project_id) is `value`. */
    std::vector<json> rows(std::string_view collection, const char* column = nullptr, const std::string& value = {});
    long long count(std::string_view collection, const std::string& project_id);
    void insert(std::string_view collection, json& doc);
    void save(std::string_view collection, json& doc);
    void erase(std::string_view collection, const std::string& id);

    /*
     * visible: whether the caller sees `doc`: its own, a shared or external
     * network, a port or subnet on one it may use.
     */
    bool visible(std::string_view collection, const json& doc);
    bool owned(const json& doc) const { return admin() || doc["project_id"] == ctx_.project_id; }
    /* seen: a resource the caller sees, or NotFound. */
    json seen(std::string_view collection, const std::string& id);
    /* writable: a resource the caller may change: NotFound when unseen, Forbidden when only seen. */
    json writable(std::string_view collection, const std::string& id, const char* action);
    /* complete: the attributes computed from other rows (a network's subnets, a group's rules). */
    json complete(std::string_view collection, json doc);

    /* quota_check: Conflict (OverQuota) unless the project may have `adding` more of `collection`. */
    void quota_check(std::string_view collection, const std::string& project_id, long long adding = 1);
    network::QuotaSet quota_of(const std::string& project_id);

    /* Addresses (network_addresses.cpp) */
    bool allocated(const std::string& subnet_id, const std::string& ip);
    void take(const json& subnet, const std::string& ip, const std::string& port_id);
    /* next_free: the lowest address of `subnet`'s pools nobody holds, or nullopt when they are all taken. */
    std::optional<std::string> next_free(const json& subnet);
    void release(const std::string& port_id);
    /*
     * allocate: the fixed IPs of port `port` (its id, MAC and device owner
     * set) on `net`: those `wanted` names (a subnet, an address, or both), or
     * with none wanted one address of IPv4 and one of stateful IPv6 from the
     * first subnet of each with room. As Neutron, a port that is not a router
     * interface also gets its EUI-64 address on every SLAAC or
     * DHCPv6-stateless subnet of the network, named or not, and may be given
     * no other address there.
     */
    json allocate(const json& net, const json& port, const json* wanted);

    /* MACs (network_addresses.cpp) */
    bool mac_taken(const std::string& network_id, const std::string& mac);
    void mac_take(const std::string& network_id, const std::string& mac, const std::string& port_id);
    void mac_release(const std::string& port_id);
    /* new_mac: a random address under OpenStack's fa:16:3e prefix that no port of the network has. */
    std::string new_mac(const std::string& network_id);

    /* Security groups (network_security_groups.cpp) */
    json rule(const std::string& project_id, const std::string& group_id, const char* direction, const char* ethertype,
              const json& remote_group);
    /* default_group: the project's "default" group, made with Neutron's four rules on first use. */
    std::string default_group(const std::string& project_id);
    bool has_default_group(const std::string& project_id);

  private:
    Database& db_;
    const Context& ctx_;
};

/*
 * The operations, one function per collection and verb, on a Store inside a
 * Transaction: each takes the document (a new one, checked by the core, or the
 * stored one the caller may change) and returns it as stored.
 */

json network_create(Store& st, json net);
json network_update(Store& st, json net, const json& changes);
void network_delete(Store& st, const json& net);
/* auto_network: the auto network of Compute's "networks: auto": one per project, with a subnet, made on first use. */
json auto_network(Store& st);

json subnet_create(Store& st, json sn);
json subnet_update(Store& st, json sn, const json& changes);
void subnet_delete(Store& st, const json& sn);

json subnetpool_create(Store& st, json sp);
json subnetpool_update(Store& st, json sp, const json& changes);
void subnetpool_delete(Store& st, const json& sp);
/*
 * pool_allocate: for a subnet asked of a pool (subnetpool_id, or
 * use_default_subnetpool for the default one of its IP version), its cidr:
 * the one asked for if the pool has it free, or else the first free block
 * of the prefix length asked for (prefixlen, the pool's default_prefixlen)
 * from the pool's smallest free space that holds one. Within the pool's
 * bounds and its per-project quota (addresses for IPv4, /64s for IPv6).
 */
void pool_allocate(Store& st, json& sn);

json port_create(Store& st, json port);
json port_update(Store& st, json port, const json& changes);
void port_delete(Store& st, const json& port);
/* port_erase: a port gone with its addresses, its MAC and the floating IPs' hold on it, whoever owns it. */
void port_erase(Store& st, const std::string& port_id);
/*
 * port_derived: a port's status and binding, from its device and host: a bound
 * port is up as far as the local cloud is concerned.
 */
void port_derived(json& port);
bool is_service_port(const json& port);

json router_create(Store& st, json router);
json router_update(Store& st, json router, const json& changes);
void router_delete(Store& st, const json& router);
/* router_ports: the ports of `router` whose device owner is `owner` (its interfaces, its gateway). */
json router_ports(Store& st, const json& router, const char* owner);
/* service_port: a port the network makes for a router or a floating IP, with addresses `wanted` or chosen. */
json service_port(Store& st, const json& net, const std::string& owner, const std::string& device_id,
                  const std::string& project_id, const json* wanted);

json floating_ip_create(Store& st, json fip);
json floating_ip_update(Store& st, json fip, const json& changes);
void floating_ip_delete(Store& st, const json& fip);

json group_create(Store& st, json group);
json group_update(Store& st, json group, const json& changes);
void group_delete(Store& st, const json& group);
json rule_create(Store& st, json rule);

/* Metering (network_metering.cpp): a label's rules go with it; a rule's remote prefix may not overlap another's. */
json metering_label_create(Store& st, json label);
void metering_label_delete(Store& st, const json& label);
json metering_rule_create(Store& st, json rule);

} // namespace jumpgate::local::net
