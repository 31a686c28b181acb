// SPDX-License-Identifier: Apache-2.0
// What Neutron's views share: the attribute maps as data, validation against them, list queries, views and binding
// tables.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <jumpgate/driver/network.hpp>

namespace jumpgate::api::neutron {

/* Check: how an attribute's value is validated and converted (Neutron's validators and converters). */
enum class Check {
    any,         // a JSON object (binding:profile)
    name,        // a string of at most 255 characters
    description, // a string of at most 255 characters
    boolean,     // true, false or their strings
    integer,
    non_negative,         // an integer >= 0 (a subnet's prefixlen)
    non_negative_or_null, // a subnet pool's default_quota
    prefixlen,            // a subnet pool's prefix length: an integer >= 0, shown as its decimal string as Neutron does
    mtu,                  // 68 to 65535
    uuid,
    uuid_or_null,
    string_or_null, // an id Neutron does not check the form of (a rule's remote_group_id): unknown ones are 404
    project,        // a project id: a string of at most 255 characters
    string,         // at most 255 characters (device_id, device_owner, host)
    cidr,           // a network with no host bits ("10.0.0.0/24")
    cidr_or_null,   // a metering rule's prefixes
    cidrs,          // a list of them (a subnet pool's prefixes)
    ip,
    ip_or_null,
    ip_prefix_or_null, // a rule's remote prefix: host bits are cleared
    mac,
    ip_version,       // 4 or 6
    ipv6_mode,        // slaac, dhcpv6-stateful, dhcpv6-stateless or null
    uuids,            // a list of unique UUIDs (security_groups); null is []
    strings,          // a list of strings (availability_zone_hints)
    nameservers,      // a list of unique addresses; null is []
    fixed_ips,        // [{"subnet_id", "ip_address"}]
    allocation_pools, // [{"start", "end"}]
    host_routes,      // [{"destination", "nexthop"}]; null is [] (a router's routes: null clears them)
    gateway_info,     // a router's external_gateway_info or null
    direction,        // ingress or egress
    ethertype,        // IPv4 or IPv6
    protocol,         // a name, a number 0-255 or null
    port_or_null,     // 0-65535 or null
    vnic_type,
    address_pairs, // a port's allowed_address_pairs: [{"ip_address" (an address or a CIDR), "mac_address"}], at most 10
    dhcp_opts,     // a port's extra_dhcp_opts: [{"opt_name", "opt_value" (null: remove it), "ip_version"}]; null is []
};

/* Attribute flags, after Neutron's allow_post, allow_put, required, the admin-only policies and is_visible. */
enum Flag : unsigned {
    kPost = 1,       // may be given on create
    kPut = 2,        // may be changed
    kRequired = 4,   // must be given on create
    kAdminSet = 8,   // only an admin may set it to anything but its default
    kAdminView = 16, // only an admin sees it
    kHidden = 32,    // never shown (a create-time hint such as a floating IP's subnet_id)
    kAdminPut = 64,  // only an admin may change it after create (a port's mac_address)
};

/* Attribute: one entry of a resource's attribute map; `fallback` is its default as JSON text, or null: the driver's. */
struct Attribute {
    const char* name;
    Check check;
    unsigned flags;
    const char* fallback;
};

/* Collection: one kind of resource and the catalogue names that serve it. */
struct Collection {
    const char* plural;   // "networks", "security-groups": the driver's name and the list's key
    const char* key;      // "security_groups": the list's JSON key
    const char* singular; // "network", "security_group"
    const char* list_endpoint;
    const char* item_endpoint;
    const char* id_param;      // "network_id"
    const char* tags_endpoint; // nullptr when the resource has no tags
    const char* tag_endpoint;
    const char* not_found;      // "NetworkNotFound"
    const char* quota_resource; // "network"; nullptr for a kind without a quota
    std::span<const Attribute> attributes;
    bool admin_only = false; // Neutron's default policy keeps every request on it to admins (metering)
    const char* label = "";  // for an admin-only kind's messages: "Metering label"
};

/* collections: every collection the core serves, in the order of the v2.0 index. */
std::span<const Collection> collections();

/* collection: by plural name; throws std::invalid_argument for one the core does not know. */
const Collection& collection(std::string_view plural);

/* attribute: `name` in `c`'s map ("tenant_id" is "project_id"), or nullptr. */
const Attribute* attribute(const Collection& c, std::string_view name);

/* checked: `value` as attribute `a` takes it, converted (booleans and numbers from strings); BadRequest. */
json checked(const Attribute& a, const json& value);

/*
 * created: the resource a create request's `body` asks for: every attribute
 * checked, defaults filled, project_id the caller's unless an admin names
 * another, a new id. BadRequest for unknown, read-only or missing attributes,
 * Forbidden for admin-only ones.
 */
json created(const Collection& c, const Context& ctx, const json& body);

/* changes: the attributes an update's `body` changes, checked; BadRequest, Forbidden as `created`. */
json changes(const Collection& c, const Context& ctx, const json& body);

/* body_of: body[key] when it is an object; BadRequest otherwise. */
const json& body_of(const Request& req, const char* key);

/* query_of: the filters, tags, sort and page of a list request, typed by `c`'s map; BadRequest. */
network::Query query_of(const Collection& c, const Request& req);

/* fields_of: the `fields` a request selects (none: all). */
std::vector<std::string> fields_of(const Request& req);

/* view: a stored resource as `ctx` may see it (tenant_id beside project_id), narrowed to `fields` when given. */
json view(const Collection& c, const Context& ctx, const json& resource, const std::vector<std::string>& fields = {});

/* page_links: Neutron's next and previous links of a page of `items` (none without a limit). */
json page_links(const Request& req, const network::Query& q, const std::vector<json>& items);

/* extension_bindings: the quota and availability zone requests, with the operations they call (extensions.cpp). */
std::span<const Binding<network::Driver>> extension_bindings();

/* install_extensions: serve the extension list, which names the extensions of what `disp` serves (extensions.cpp). */
void install_extensions(Dispatcher& disp);

} // namespace jumpgate::api::neutron
