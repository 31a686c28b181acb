// SPDX-License-Identifier: Apache-2.0
// The typed Network driver interface (Neutron v2.0): resources as JSON documents checked by the core's attribute maps.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <jumpgate/app.hpp>
#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/operations.hpp>
#include <jumpgate/request.hpp>

namespace jumpgate::network {

/*
 * The collections a driver stores, by their names in the URL: "networks",
 * "subnets", "ports", "routers", "floatingips", "security-groups",
 * "security-group-rules". A resource is the JSON object the API shows, under
 * the attribute names of Neutron's attribute maps (the core's tables,
 * src/api/network/attributes.cpp): "project_id" (the core adds "tenant_id"),
 * "tags", "created_at"/"updated_at" ("2026-01-01T00:00:00Z") and
 * "revision_number" on all but the rules.
 */

/*
 * Query: a list request, parsed and typed by the core. Each filter is an
 * attribute and the values any of which it may have (for a list attribute:
 * any of which it may contain; "fixed_ips" takes objects whose keys an entry
 * must match); the tag filters take tags all or any of which a resource has
 * or lacks. `sort` is (attribute, ascending) pairs; the id always breaks ties.
 * `limit` 0 means no limit; `marker` is the id the page starts after (before,
 * with `page_reverse`). `changed_since`, when set, keeps the resources whose
 * "updated_at" is that UTC time ("2026-01-01T00:00:00Z") or later.
 */
struct Query {
    std::vector<std::pair<std::string, std::vector<json>>> filters;
    std::string changed_since;
    std::vector<std::string> tags, tags_any, not_tags, not_tags_any;
    std::vector<std::pair<std::string, bool>> sort;
    std::size_t limit = 0;
    std::string marker;
    bool page_reverse = false;
};

/*
 * select: the resources of `items` that `q` keeps, sorted, one page of them in
 * order; for drivers that filter in memory. Throws NotFound for a marker that
 * names none of `items`.
 */
std::vector<json> select(const Query& q, std::vector<json> items);

/* matches: whether `item` passes every filter and tag filter of `q`. */
bool matches(const Query& q, const json& item);

/* time_text: `seconds` since the epoch as resources' "created_at" and "updated_at" are written
 * ("2026-01-01T00:00:00Z"). */
std::string time_text(std::int64_t seconds);

/* AvailabilityZone: one zone and the resource it serves ("network", "router"), "available" or "unavailable". */
struct AvailabilityZone {
    std::string name;
    std::string resource;
    std::string state = "available";
};

/* Quota resources (Neutron's names: network, subnet, port, router, floatingip, security_group, security_group_rule) ->
 * limit, -1 unlimited. */
using QuotaSet = std::map<std::string, long long>;

/* ServerPort: what Compute learns of a server's port: its network, MAC and addresses (subnet id, address). */
struct ServerPort {
    std::string port_id;
    std::string network_id;
    std::string network_name;
    std::string mac_address;
    std::vector<std::pair<std::string, std::string>> fixed_ips;
};

/* PortRequest: one of Nova's `networks` entries: a network ("auto": the project's own), or an existing port; an address
 * wanted. */
struct PortRequest {
    std::string network_id;
    std::string port_id;
    std::string fixed_ip;
};

/*
 * Driver: what a cloud implements for the Network service. Every operation
 * throws NotImplemented unless overridden; install() serves only the requests
 * whose operations a driver overrides. The core has validated the attributes
 * it hands over, filled their defaults and refused admin-only ones to
 * non-admins; the driver enforces tenancy (a project sees its own resources and
 * shared and external networks, an admin everything; NotFound otherwise),
 * uniqueness, references and what is in use, and allocates addresses. Faults
 * carry Neutron's type as their kind ("NetworkNotFound", "IpAddressAlreadyAllocated").
 */
class Driver {
  public:
    virtual ~Driver() = default;

    /*
     * collections: the kinds of resource this driver stores, by their names in
     * the URL (kKindNames); by default the core kinds (kCoreKinds): an
     * extension's kinds (metering) are served only for a driver that names them. The endpoints of the other
     * kinds, Neutron's and Nova's proxies alike, are left unserved: 501, and
     * "No" in --coverage. Asked once, at install.
     */
    virtual std::vector<std::string> collections() const;

    /* list: the resources of `collection` that `ctx` sees and `q` selects, one page in order. */
    virtual std::vector<json> list(const Context& ctx, const std::string& collection, const Query& q) const;
    /* get: one resource `ctx` sees; NotFound with Neutron's kind ("NetworkNotFound"). */
    virtual json get(const Context& ctx, const std::string& collection, const std::string& id) const;
    /*
     * create: store `resource` (id and project_id set by the core); an attribute
     * the core left out ("mac_address", "fixed_ips", "gateway_ip",
     * "allocation_pools", "security_groups", "floating_ip_address") is the
     * driver's to choose. Quotas: Conflict "OverQuota". Returns what is stored.
     */
    virtual json create(const Context& ctx, const std::string& collection, const json& resource) const;
    /* update: apply `changes` (validated updatable attributes, or "tags") to a resource `ctx` owns; returns it. */
    virtual json update(const Context& ctx, const std::string& collection, const std::string& id,
                        const json& changes) const;
    /* remove: delete a resource `ctx` owns; Conflict ("NetworkInUse", "SubnetInUse", "RouterInUse"...) while used. */
    virtual void remove(const Context& ctx, const std::string& collection, const std::string& id) const;

    /*
     * routerInterfaceAdd: attach a router to `subnet_id` (a port on its gateway
     * address) or to the existing port `port_id`, exactly one given; returns
     * Neutron's interface info (id, subnet_id, subnet_ids, port_id, network_id,
     * project_id).
     */
    virtual json routerInterfaceAdd(const Context& ctx, const std::string& router_id, const std::string& subnet_id,
                                    const std::string& port_id) const;
    /* routerInterfaceRemove: detach by subnet or port (the port is deleted); NotFound "RouterInterfaceNotFound...". */
    virtual json routerInterfaceRemove(const Context& ctx, const std::string& router_id, const std::string& subnet_id,
                                       const std::string& port_id) const;

    /* quotaGet: a project's limits (defaults where unset); quotaDefaults: the defaults. */
    virtual QuotaSet quotaGet(const Context& ctx, const std::string& project_id) const;
    virtual QuotaSet quotaDefaults(const Context& ctx) const;
    /* quotaList: the projects with limits of their own, and those limits. */
    virtual std::vector<std::pair<std::string, QuotaSet>> quotaList(const Context& ctx) const;
    /* quotaSet: change some of a project's limits; quotaReset: back to the defaults. */
    virtual QuotaSet quotaSet(const Context& ctx, const std::string& project_id, const QuotaSet& changes) const;
    virtual void quotaReset(const Context& ctx, const std::string& project_id) const;
    /* quotaUsage: how many of each resource a project has. */
    virtual QuotaSet quotaUsage(const Context& ctx, const std::string& project_id) const;

    /* availabilityZoneList: the zones networks and routers can be placed in. */
    virtual std::vector<AvailabilityZone> availabilityZoneList(const Context& ctx) const;

    /*
     * serverPortCreate: Compute's call when it boots server `server_id` in the
     * caller's project: a port on the requested network (for "auto", a network
     * with a subnet made for the project on its first use), or the existing
     * port bound to the server; returns what the server's addresses show.
     * NotFound, Conflict as create.
     */
    virtual ServerPort serverPortCreate(const Context& ctx, const std::string& server_id,
                                        const PortRequest& request) const;
    /* serverPortsDelete: Compute's call when server `server_id` goes: the ports made for it go, the others are unbound.
     */
    virtual void serverPortsDelete(const Context& ctx, const std::string& server_id) const;
    /* serverPortDelete: Compute's call when it detaches port `port_id` from server `server_id`: gone if made for it,
     * unbound otherwise. */
    virtual void serverPortDelete(const Context& ctx, const std::string& server_id, const std::string& port_id) const;
};

/* JUMPGATE_NETWORK_OPERATIONS: every operation of Driver that an endpoint calls. */
// clang-format off
#define JUMPGATE_NETWORK_OPERATIONS(X) \
    X(list) X(get) X(create) X(update) X(remove) X(routerInterfaceAdd) X(routerInterfaceRemove) X(quotaGet)      \
    X(quotaDefaults) X(quotaList) X(quotaSet) X(quotaReset) X(quotaUsage) X(availabilityZoneList)                \
    X(serverPortCreate) X(serverPortsDelete) X(serverPortDelete)
// clang-format on

/* Op: Network's operations, numbered after `base` in the space Operations shares with the other interfaces. */
enum class Op : unsigned { base = 350, JUMPGATE_NETWORK_OPERATIONS(JUMPGATE_OPERATION_ENUMERATOR) };
inline constexpr const char* kOperationNames[] = {JUMPGATE_NETWORK_OPERATIONS(JUMPGATE_OPERATION_NAME)};

/*
 * Kind: the kinds of resource, numbered in the space of the operations so that
 * what an endpoint needs can name them ("No (needs security-groups)"): a driver
 * has the kinds its collections() names.
 */
enum class Kind : unsigned {
    base = 400,
    networks,
    subnets,
    ports,
    subnetpools,
    routers,
    floatingips,
    security_groups,
    security_group_rules,
    metering_labels,
    metering_label_rules
};
inline constexpr const char* kKindNames[] = {"networks",        "subnets",
                                             "ports",           "subnetpools",
                                             "routers",         "floatingips",
                                             "security-groups", "security-group-rules",
                                             "metering-labels", "metering-label-rules"};
/* kCoreKinds: how many of kKindNames every Neutron has (the default collections()); the rest are extensions. */
inline constexpr std::size_t kCoreKinds = 8;

/* kind: the Kind of a collection's name; std::invalid_argument for a name that is none. */
Kind kind(std::string_view collection);

/* operations_of: the operations D overrides. */
template <class D> Operations operations_of()
{
    static_assert(std::is_base_of_v<Driver, D>);
    Operations ops;
    JUMPGATE_NETWORK_OPERATIONS(JUMPGATE_OPERATION_IF_OVERRIDDEN)
    return ops;
}

namespace detail {
void install(App& app, Dispatcher& disp, std::shared_ptr<const Driver> driver, const Operations& ops);
} // namespace detail

/*
 * install: make `driver` the App's network driver (Compute's port calls reach
 * it through App::network()) and serve on `disp` (the network dispatcher)
 * every Neutron request whose operations D overrides on the kinds of resource
 * its collections() names (a cloud with list and get shows those kinds and
 * changes none), and the extension list of what is then served.
 */
template <class D> void install(App& app, Dispatcher& disp, std::shared_ptr<const D> driver)
{
    detail::install(app, disp, driver, operations_of<D>());
}

} // namespace jumpgate::network
