// SPDX-License-Identifier: Apache-2.0
// Neutron's attribute maps as tables, and the validation and defaults of create and update bodies they drive.
#include "api/network/neutron.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include <jumpgate/driver/ipnet.hpp>
#include <jumpgate/fault.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::api::neutron {

namespace {

// The standard attributes every resource with a database row has, set by the driver.
#define STANDARD_ATTRIBUTES                                                                                            \
    {"tags", Check::strings, 0, nullptr}, {"created_at", Check::string, 0, nullptr},                                   \
        {"updated_at", Check::string, 0, nullptr},                                                                     \
    {                                                                                                                  \
        "revision_number", Check::integer, 0, nullptr                                                                  \
    }

constexpr Attribute kNetwork[] = {
    {"id", Check::uuid, 0, nullptr},
    {"name", Check::name, kPost | kPut, "\"\""},
    {"description", Check::description, kPost | kPut, "\"\""},
    {"project_id", Check::project, kPost, nullptr},
    {"admin_state_up", Check::boolean, kPost | kPut, "true"},
    {"status", Check::string, 0, nullptr},
    {"subnets", Check::uuids, 0, nullptr},
    {"shared", Check::boolean, kPost | kPut | kAdminSet, "false"},
    {"router:external", Check::boolean, kPost | kPut | kAdminSet, "false"},
    {"mtu", Check::mtu, kPost | kPut, "1500"},
    {"port_security_enabled", Check::boolean, kPost | kPut, "true"},
    {"availability_zone_hints", Check::strings, kPost, "[]"},
    {"availability_zones", Check::strings, 0, nullptr},
    STANDARD_ATTRIBUTES,
};

constexpr Attribute kSubnet[] = {
    {"id", Check::uuid, 0, nullptr},
    {"name", Check::name, kPost | kPut, "\"\""},
    {"description", Check::description, kPost | kPut, "\"\""},
    {"project_id", Check::project, kPost, nullptr},
    {"network_id", Check::uuid, kPost | kRequired, nullptr},
    {"ip_version", Check::ip_version, kPost | kRequired, nullptr},
    // Without a cidr the subnet pool chooses one (subnet_allocation): the driver requires one or the other.
    {"cidr", Check::cidr, kPost, nullptr},
    {"gateway_ip", Check::ip_or_null, kPost | kPut, nullptr},
    {"allocation_pools", Check::allocation_pools, kPost | kPut, nullptr},
    {"dns_nameservers", Check::nameservers, kPost | kPut, "[]"},
    {"host_routes", Check::host_routes, kPost | kPut, "[]"},
    {"enable_dhcp", Check::boolean, kPost | kPut, "true"},
    {"ipv6_ra_mode", Check::ipv6_mode, kPost, "null"},
    {"ipv6_address_mode", Check::ipv6_mode, kPost, "null"},
    {"subnetpool_id", Check::uuid_or_null, kPost, "null"},
    {"prefixlen", Check::non_negative, kPost | kHidden, nullptr},
    {"use_default_subnetpool", Check::boolean, kPost | kHidden, nullptr},
    STANDARD_ATTRIBUTES,
};

// A pool's prefix lengths and ip_version are the driver's when not given: they follow from its prefixes.
constexpr Attribute kSubnetPool[] = {
    {"id", Check::uuid, 0, nullptr},
    {"name", Check::name, kPost | kPut | kRequired, nullptr},
    {"description", Check::description, kPost | kPut, "\"\""},
    {"project_id", Check::project, kPost, nullptr},
    {"prefixes", Check::cidrs, kPost | kPut | kRequired, nullptr},
    {"ip_version", Check::ip_version, 0, nullptr},
    {"default_prefixlen", Check::prefixlen, kPost | kPut, nullptr},
    {"min_prefixlen", Check::prefixlen, kPost | kPut, nullptr},
    {"max_prefixlen", Check::prefixlen, kPost | kPut, nullptr},
    {"default_quota", Check::non_negative_or_null, kPost | kPut, "null"},
    {"is_default", Check::boolean, kPost | kPut | kAdminSet, "false"},
    {"shared", Check::boolean, kPost | kAdminSet, "false"},
    {"address_scope_id", Check::uuid_or_null, kPost | kPut, "null"},
    STANDARD_ATTRIBUTES,
};

constexpr Attribute kPort[] = {
    {"id", Check::uuid, 0, nullptr},
    {"name", Check::name, kPost | kPut, "\"\""},
    {"description", Check::description, kPost | kPut, "\"\""},
    {"project_id", Check::project, kPost, nullptr},
    {"network_id", Check::uuid, kPost | kRequired, nullptr},
    {"admin_state_up", Check::boolean, kPost | kPut, "true"},
    {"mac_address", Check::mac, kPost | kPut | kAdminPut, nullptr},
    {"fixed_ips", Check::fixed_ips, kPost | kPut, nullptr},
    {"device_id", Check::string, kPost | kPut, "\"\""},
    {"device_owner", Check::string, kPost | kPut, "\"\""},
    {"status", Check::string, 0, nullptr},
    {"security_groups", Check::uuids, kPost | kPut, nullptr},
    {"port_security_enabled", Check::boolean, kPost | kPut, nullptr},
    {"binding:host_id", Check::string, kPost | kPut | kAdminSet | kAdminView, "\"\""},
    {"binding:vnic_type", Check::vnic_type, kPost | kPut, "\"normal\""},
    {"binding:profile", Check::any, kPost | kPut | kAdminSet | kAdminView, "{}"},
    {"binding:vif_type", Check::string, kAdminView, nullptr},
    {"binding:vif_details", Check::any, kAdminView, nullptr},
    {"allowed_address_pairs", Check::address_pairs, kPost | kPut, "[]"},
    {"extra_dhcp_opts", Check::dhcp_opts, kPost | kPut, "[]"},
    STANDARD_ATTRIBUTES,
};

constexpr Attribute kRouter[] = {
    {"id", Check::uuid, 0, nullptr},
    {"name", Check::name, kPost | kPut, "\"\""},
    {"description", Check::description, kPost | kPut, "\"\""},
    {"project_id", Check::project, kPost, nullptr},
    {"admin_state_up", Check::boolean, kPost | kPut, "true"},
    {"status", Check::string, 0, nullptr},
    {"external_gateway_info", Check::gateway_info, kPost | kPut, "null"},
    {"routes", Check::host_routes, kPut, "[]"},
    {"availability_zone_hints", Check::strings, kPost, "[]"},
    {"availability_zones", Check::strings, 0, nullptr},
    STANDARD_ATTRIBUTES,
};

constexpr Attribute kFloatingIp[] = {
    {"id", Check::uuid, 0, nullptr},
    {"description", Check::description, kPost | kPut, "\"\""},
    {"project_id", Check::project, kPost, nullptr},
    {"floating_network_id", Check::uuid, kPost | kRequired, nullptr},
    {"floating_ip_address", Check::ip, kPost | kAdminSet, nullptr},
    {"subnet_id", Check::uuid_or_null, kPost | kHidden, nullptr},
    {"port_id", Check::uuid_or_null, kPost | kPut, "null"},
    {"fixed_ip_address", Check::ip_or_null, kPost | kPut, "null"},
    {"router_id", Check::uuid_or_null, 0, nullptr},
    {"status", Check::string, 0, nullptr},
    STANDARD_ATTRIBUTES,
};

constexpr Attribute kSecurityGroup[] = {
    {"id", Check::uuid, 0, nullptr},
    {"name", Check::name, kPost | kPut, "\"\""},
    {"description", Check::description, kPost | kPut, "\"\""},
    {"project_id", Check::project, kPost, nullptr},
    {"stateful", Check::boolean, kPost | kPut, "true"},
    {"security_group_rules", Check::any, 0, nullptr},
    STANDARD_ATTRIBUTES,
};

constexpr Attribute kSecurityGroupRule[] = {
    {"id", Check::uuid, 0, nullptr},
    {"description", Check::description, kPost, "\"\""},
    {"project_id", Check::project, kPost, nullptr},
    {"security_group_id", Check::string, kPost | kRequired, nullptr},
    {"direction", Check::direction, kPost | kRequired, nullptr},
    {"ethertype", Check::ethertype, kPost, "\"IPv4\""},
    {"protocol", Check::protocol, kPost, "null"},
    {"port_range_min", Check::port_or_null, kPost, "null"},
    {"port_range_max", Check::port_or_null, kPost, "null"},
    {"remote_ip_prefix", Check::ip_prefix_or_null, kPost, "null"},
    {"remote_group_id", Check::string_or_null, kPost, "null"},
    {"created_at", Check::string, 0, nullptr},
    {"updated_at", Check::string, 0, nullptr},
    {"revision_number", Check::integer, 0, nullptr},
};

// Metering (Neutron's metering extension): labels and their rules have no standard attributes, and are never changed.
constexpr Attribute kMeteringLabel[] = {
    {"id", Check::uuid, 0, nullptr},
    {"name", Check::name, kPost, "\"\""},
    {"description", Check::description, kPost, "\"\""},
    {"project_id", Check::project, kPost, nullptr},
    {"shared", Check::boolean, kPost, "false"},
};

constexpr Attribute kMeteringLabelRule[] = {
    {"id", Check::uuid, 0, nullptr},
    {"project_id", Check::project, kPost, nullptr},
    {"metering_label_id", Check::uuid, kPost | kRequired, nullptr},
    {"direction", Check::direction, kPost, "\"ingress\""},
    {"excluded", Check::boolean, kPost, "false"},
    {"remote_ip_prefix", Check::cidr_or_null, kPost, "null"},
    {"source_ip_prefix", Check::cidr_or_null, kPost, "null"},
    {"destination_ip_prefix", Check::cidr_or_null, kPost, "null"},
};

#undef STANDARD_ATTRIBUTES

constexpr Collection kCollections[] = {
    {"networks", "networks", "network", "v2_networks", "v2_network", "network_id", "v2_network_tags", "v2_network_tag",
     "NetworkNotFound", "network", kNetwork},
    {"subnets", "subnets", "subnet", "v2_subnets", "v2_subnet", "subnet_id", "v2_subnet_tags", "v2_subnet_tag",
     "SubnetNotFound", "subnet", kSubnet},
    {"ports", "ports", "port", "v2_ports", "v2_port", "port_id", "v2_port_tags", "v2_port_tag", "PortNotFound", "port",
     kPort},
    {"subnetpools", "subnetpools", "subnetpool", "v2_subnetpools", "v2_subnetpool", "subnetpool_id",
     "v2_subnetpool_tags", "v2_subnetpool_tag", "SubnetPoolNotFound", "subnetpool", kSubnetPool},
    {"routers", "routers", "router", "v2_routers", "v2_router", "router_id", "v2_router_tags", "v2_router_tag",
     "RouterNotFound", "router", kRouter},
    {"floatingips", "floatingips", "floatingip", "v2_floatingips", "v2_floatingip", "floatingip_id",
     "v2_floatingip_tags", "v2_floatingip_tag", "FloatingIPNotFound", "floatingip", kFloatingIp},
    {"security-groups", "security_groups", "security_group", "v2_security_groups", "v2_security_group",
     "security_group_id", "v2_security_group_tags", "v2_security_group_tag", "SecurityGroupNotFound", "security_group",
     kSecurityGroup},
    {"security-group-rules", "security_group_rules", "security_group_rule", "v2_security_group_rules",
     "v2_security_group_rule", "security_group_rule_id", nullptr, nullptr, "SecurityGroupRuleNotFound",
     "security_group_rule", kSecurityGroupRule},
    {"metering-labels", "metering_labels", "metering_label", "v2_metering_labels", "v2_metering_label",
     "metering_label_id", nullptr, nullptr, "MeteringLabelNotFound", nullptr, kMeteringLabel, true, "Metering label"},
    {"metering-label-rules", "metering_label_rules", "metering_label_rule", "v2_metering_label_rules",
     "v2_metering_label_rule", "metering_label_rule_id", nullptr, nullptr, "MeteringLabelRuleNotFound", nullptr,
     kMeteringLabelRule, true, "Metering label rule"},
};

[[noreturn]] void invalid(const Attribute& a, const json& value, const std::string& reason)
{
    throw BadRequest("Invalid input for " + std::string(a.name) + ". Reason: " +
                     (value.is_string() ? "'" + value.get<std::string>() + "'" : value.dump()) + " " + reason + ".");
}

std::string text_of(const Attribute& a, const json& value, std::size_t max)
{
    if (!value.is_string())
        invalid(a, value, "is not a valid string");
    const auto& s = value.get_ref<const std::string&>();
    if (utf8_length(s) > max)
        invalid(a, value, "exceeds maximum length of " + std::to_string(max));
    return s;
}

bool is_uuid(const std::string& s)
{
    if (s.size() != 36)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i)
        if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i])))
            return false;
    return true;
}

std::string uuid_of(const Attribute& a, const json& value)
{
    if (!value.is_string() || !is_uuid(value.get<std::string>()))
        invalid(a, value, "is not a valid UUID");
    return value;
}

std::string ip_of(const Attribute& a, const json& value)
{
    auto address = value.is_string() ? network::parse_address(value.get<std::string>()) : std::nullopt;
    if (!address)
        invalid(a, value, "is not a valid IP address");
    return network::to_string(*address);
}

long long integer_of(const Attribute& a, const json& value)
{
    if (value.is_number_integer())
        return value.get<long long>();
    if (value.is_string()) {
        const auto& s = value.get_ref<const std::string&>();
        std::size_t used = 0;
        try {
            long long n = std::stoll(s, &used);
            if (used == s.size())
                return n;
        } catch (const std::exception&) {
        }
    }
    invalid(a, value, "is not an integer");
}

const json& list_of(const Attribute& a, const json& value)
{
    if (!value.is_array())
        invalid(a, value, "is not a list");
    return value;
}

const json& object_of(const Attribute& a, const json& value, std::initializer_list<const char*> keys)
{
    if (!value.is_object())
        invalid(a, value, "is not a dictionary");
    for (const auto& [k, v] : value.items())
        if (std::find_if(keys.begin(), keys.end(), [&name = k](const char* key) { return name == key; }) == keys.end())
            invalid(a, value, "has an unexpected key '" + k + "'");
    return value;
}

// A field of an entry (a pool's start, a route's nexthop) checked as `check`, under the attribute's name.
json entry_field(const Attribute& a, const json& entry, const char* key, Check check, bool required = true)
{
    if (!entry.contains(key)) {
        if (required)
            invalid(a, entry, std::string("is missing '") + key + "'");
        return nullptr;
    }
    Attribute field{a.name, check, 0, nullptr};
    return checked(field, entry[key]);
}

// Neutron's max_allowed_address_pair default.
constexpr std::size_t kMaxAddressPairs = 10;

json address_pairs_of(const Attribute& a, const json& value)
{
    if (!value.is_array())
        throw BadRequest("Allowed address pairs must be a list.");
    if (value.size() > kMaxAddressPairs)
        throw BadRequest("The number of allowed address pair exceeds the maximum " + std::to_string(kMaxAddressPairs) +
                             ".",
                         "AllowedAddressPairExhausted");
    std::set<std::pair<std::string, std::string>> seen;
    json out = json::array();
    for (const auto& pair : value) {
        if (!pair.is_object())
            invalid(a, pair, "is not a dictionary");
        json entry = json::object();
        if (pair.contains("mac_address"))
            entry["mac_address"] = entry_field(a, pair, "mac_address", Check::mac);
        if (!pair.contains("ip_address"))
            throw BadRequest("AllowedAddressPair must contain ip_address", "AllowedAddressPairsMissingIP");
        const json& ip = pair["ip_address"];
        // An address or a whole network: a CIDR with host bits set is refused, as Neutron's validate_subnet.
        if (ip.is_string() && ip.get<std::string>().find('/') != std::string::npos)
            entry["ip_address"] = checked(Attribute{a.name, Check::cidr, 0, nullptr}, ip);
        else
            entry["ip_address"] = ip_of(a, ip);
        if (!seen.emplace(entry.value("mac_address", ""), entry["ip_address"]).second)
            throw BadRequest("Request contains duplicate address pair: mac_address " +
                                 (pair.contains("mac_address") ? entry["mac_address"].get<std::string>() : "None") +
                                 " ip_address " + entry["ip_address"].get<std::string>() + ".",
                             "DuplicateAddressPairInRequest");
        for (const auto& [k, v] : pair.items())
            if (k != "ip_address" && k != "mac_address")
                throw BadRequest("Unrecognized attribute(s) '" + k + "'");
        out.push_back(std::move(entry));
    }
    return out;
}

// Neutron's limits on a DHCP option's name and value.
constexpr std::size_t kMaxOptName = 64;
constexpr std::size_t kMaxOptValue = 255;

json dhcp_opts_of(const Attribute& a, const json& value)
{
    json out = json::array();
    if (value.is_null())
        return out;
    for (const auto& opt : list_of(a, value)) {
        object_of(a, opt, {"opt_name", "opt_value", "ip_version", "id"});
        if (!opt.contains("opt_name") || !opt.contains("opt_value"))
            invalid(a, opt, "is missing opt_name or opt_value");
        const json& name = opt["opt_name"];
        if (!name.is_string() || name.get<std::string>().empty() || utf8_length(name.get<std::string>()) > kMaxOptName)
            invalid(a, name, "is not a string of 1 to " + std::to_string(kMaxOptName) + " characters");
        // A null value removes the option on update; an empty one is only taken for the options DHCP sends blank.
        const json& v = opt["opt_value"];
        bool blank_allowed = name == "router" || name == "classless-static-route";
        if (!v.is_null() && (!v.is_string() || (v.get<std::string>().empty() && !blank_allowed) ||
                             utf8_length(v.get<std::string>()) > kMaxOptValue))
            invalid(a, v, "is not a string of 1 to " + std::to_string(kMaxOptValue) + " characters");
        json version = 4;
        if (opt.contains("ip_version"))
            version = checked(Attribute{"ip_version", Check::ip_version, 0, nullptr}, opt["ip_version"]);
        out.push_back({{"opt_name", name}, {"opt_value", v}, {"ip_version", version}});
    }
    return out;
}

} // namespace

std::span<const Collection> collections()
{
    return kCollections;
}

const Collection& collection(std::string_view plural)
{
    for (const auto& c : kCollections)
        if (plural == c.plural)
            return c;
    throw std::invalid_argument("no network collection " + std::string(plural));
}

const Attribute* attribute(const Collection& c, std::string_view name)
{
    if (name == "tenant_id")
        name = "project_id";
    for (const auto& a : c.attributes)
        if (name == a.name)
            return &a;
    return nullptr;
}

json checked(const Attribute& a, const json& value)
{
    switch (a.check) {
    case Check::any:
        if (!value.is_object())
            invalid(a, value, "is not a dictionary");
        return value;
    case Check::name:
    case Check::description:
    case Check::string:
    case Check::project:
        return text_of(a, value, 255);
    case Check::boolean:
        if (value.is_boolean())
            return value;
        if (value.is_string())
            try {
                return parse_bool(a.name, value.get<std::string>());
            } catch (const BadRequest&) {
            }
        invalid(a, value, "cannot be converted to boolean");
    case Check::integer:
        return integer_of(a, value);
    case Check::non_negative: {
        long long n = integer_of(a, value);
        if (n < 0)
            invalid(a, value, "should be non-negative");
        return n;
    }
    case Check::non_negative_or_null: {
        if (value.is_null())
            return nullptr;
        long long n = integer_of(a, value);
        if (n < 0)
            invalid(a, value, "should be non-negative");
        return n;
    }
    case Check::prefixlen: {
        long long n = integer_of(a, value);
        if (n < 0 || n > 128)
            invalid(a, value, "is not a prefix length in 0-128");
        return std::to_string(n);
    }
    case Check::mtu: {
        long long mtu = integer_of(a, value);
        if (mtu < 68 || mtu > 65535)
            invalid(a, value, "is not in the range 68 to 65535");
        return mtu;
    }
    case Check::uuid:
        return uuid_of(a, value);
    case Check::uuid_or_null:
        return value.is_null() ? json(nullptr) : json(uuid_of(a, value));
    case Check::string_or_null:
        return value.is_null() ? json(nullptr) : json(text_of(a, value, 255));
    case Check::cidr: {
        if (!value.is_string() || !network::parse_cidr(value.get<std::string>(), false))
            invalid(a, value, "is not a valid IP subnet");
        auto cidr = network::parse_cidr(value.get<std::string>(), true);
        if (!cidr || value.get<std::string>().find('/') == std::string::npos)
            invalid(a, value,
                    "isn't a recognized IP subnet cidr, '" +
                        network::to_string(*network::parse_cidr(value.get<std::string>(), false)) + "' is recommended");
        return network::to_string(*cidr);
    }
    case Check::cidr_or_null:
        return value.is_null() ? json(nullptr) : checked(Attribute{a.name, Check::cidr, 0, nullptr}, value);
    case Check::cidrs: {
        if (!value.is_array())
            invalid(a, value, "is not a list");
        json out = json::array();
        Attribute one{a.name, Check::cidr, 0, nullptr};
        for (const auto& v : value)
            out.push_back(checked(one, v));
        return out;
    }
    case Check::ip:
        return ip_of(a, value);
    case Check::ip_or_null:
        return value.is_null() ? json(nullptr) : json(ip_of(a, value));
    case Check::ip_prefix_or_null: {
        if (value.is_null())
            return nullptr;
        auto prefix = value.is_string() ? network::prefix_text(value.get<std::string>()) : std::nullopt;
        if (!prefix)
            invalid(a, value, "is not a valid IP prefix");
        return *prefix;
    }
    case Check::mac: {
        auto mac = value.is_string() ? network::parse_mac(value.get<std::string>()) : std::nullopt;
        if (!mac)
            invalid(a, value, "is not a valid MAC address");
        return *mac;
    }
    case Check::ip_version: {
        long long v = integer_of(a, value);
        if (v != 4 && v != 6)
            invalid(a, value, "is not in [4, 6]");
        return v;
    }
    case Check::ipv6_mode:
        if (value.is_null())
            return nullptr;
        if (!value.is_string() || (value != "slaac" && value != "dhcpv6-stateful" && value != "dhcpv6-stateless"))
            invalid(a, value, "is not in [dhcpv6-stateful, dhcpv6-stateless, slaac]");
        return value;
    case Check::uuids: {
        if (value.is_null())
            return json::array();
        std::set<std::string> seen;
        json out = json::array();
        for (const auto& v : list_of(a, value)) {
            std::string id = uuid_of(a, v);
            if (!seen.insert(id).second)
                invalid(a, value, "has a duplicate entry '" + id + "'");
            out.push_back(id);
        }
        return out;
    }
    case Check::strings:
        for (const auto& v : list_of(a, value))
            text_of(a, v, 255);
        return value;
    case Check::nameservers: {
        if (value.is_null())
            return json::array();
        std::set<std::string> seen;
        json out = json::array();
        for (const auto& v : list_of(a, value)) {
            std::string ip = ip_of(a, v);
            if (!seen.insert(ip).second)
                invalid(a, value, "is a duplicate nameserver list: '" + ip + "' appears twice");
            out.push_back(ip);
        }
        return out;
    }
    case Check::fixed_ips: {
        json out = json::array();
        for (const auto& v : list_of(a, value)) {
            object_of(a, v, {"subnet_id", "ip_address"});
            json entry = json::object();
            if (v.contains("subnet_id"))
                entry["subnet_id"] = entry_field(a, v, "subnet_id", Check::uuid);
            if (v.contains("ip_address"))
                entry["ip_address"] = entry_field(a, v, "ip_address", Check::ip);
            if (entry.empty())
                invalid(a, value, "has an entry with neither subnet_id nor ip_address");
            out.push_back(std::move(entry));
        }
        return out;
    }
    case Check::allocation_pools: {
        json out = json::array();
        for (const auto& v : list_of(a, value)) {
            object_of(a, v, {"start", "end"});
            out.push_back(
                {{"start", entry_field(a, v, "start", Check::ip)}, {"end", entry_field(a, v, "end", Check::ip)}});
        }
        return out;
    }
    case Check::host_routes: {
        json out = json::array();
        if (value.is_null())
            return out;
        std::set<std::pair<std::string, std::string>> seen;
        for (const auto& v : list_of(a, value)) {
            object_of(a, v, {"destination", "nexthop"});
            json destination = entry_field(a, v, "destination", Check::ip_prefix_or_null);
            json nexthop = entry_field(a, v, "nexthop", Check::ip);
            if (destination.is_null())
                invalid(a, v, "has no destination");
            if (!seen.emplace(destination.get<std::string>(), nexthop.get<std::string>()).second)
                invalid(a, value, "has a duplicate route");
            out.push_back({{"destination", destination}, {"nexthop", nexthop}});
        }
        return out;
    }
    case Check::gateway_info: {
        if (value.is_null() || (value.is_object() && value.empty()))
            return nullptr;
        object_of(a, value, {"network_id", "enable_snat", "external_fixed_ips"});
        json out = {{"network_id", entry_field(a, value, "network_id", Check::uuid)}};
        if (value.contains("enable_snat"))
            out["enable_snat"] = entry_field(a, value, "enable_snat", Check::boolean);
        if (value.contains("external_fixed_ips"))
            out["external_fixed_ips"] = entry_field(a, value, "external_fixed_ips", Check::fixed_ips);
        return out;
    }
    case Check::direction:
        if (value != "ingress" && value != "egress")
            invalid(a, value, "is not in [ingress, egress]");
        return value;
    case Check::ethertype:
        if (value != "IPv4" && value != "IPv6")
            invalid(a, value, "is not in [IPv4, IPv6]");
        return value;
    case Check::protocol: {
        static const std::set<std::string> kNames = {
            "ah",   "dccp",       "egp",       "esp",       "gre",    "hopopt",     "icmp",      "igmp",       "ip",
            "ipip", "ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6", "ipv6-nonxt", "ipv6-opts", "ipv6-route", "ospf",
            "pgm",  "rsvp",       "sctp",      "tcp",       "udp",    "udplite",    "vrrp",      "any"};
        if (value.is_null())
            return nullptr;
        if (value.is_number_integer() || (value.is_string() && !value.get<std::string>().empty() &&
                                          std::isdigit(static_cast<unsigned char>(value.get<std::string>()[0])))) {
            long long n = integer_of(a, value);
            if (n < 0 || n > 255)
                invalid(a, value, "is not a protocol number in 0-255");
            return std::to_string(n);
        }
        if (!value.is_string())
            invalid(a, value, "is not a protocol");
        std::string name = value;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (!kNames.count(name))
            throw BadRequest("Security group rule protocol " + name + " not supported. Only protocol values " +
                                 "[None, ah, dccp, egp, esp, gre, icmp, igmp, ipv6-encap, ipv6-frag, ipv6-icmp, "
                                 "icmpv6, ipv6-nonxt, ipv6-opts, ipv6-route, ospf, pgm, rsvp, sctp, tcp, udp, "
                                 "udplite, vrrp] and integer representations [0 to 255] are supported.",
                             "SecurityGroupRuleInvalidProtocol");
        return name == "any" ? json(nullptr) : json(name);
    }
    case Check::port_or_null: {
        if (value.is_null())
            return nullptr;
        // Neutron's converter names the value only, and the type its security group fault.
        auto bad = [&] {
            return BadRequest("Invalid value for port " +
                                  (value.is_string() ? value.get<std::string>() : value.dump()) + ".",
                              "SecurityGroupInvalidPortValue");
        };
        long long port = 0;
        try {
            port = integer_of(a, value);
        } catch (const BadRequest&) {
            throw bad();
        }
        if (port < 0 || port > 65535)
            throw bad();
        return port;
    }
    case Check::vnic_type: {
        static const std::set<std::string> kTypes = {"normal",    "direct",          "macvtap",
                                                     "baremetal", "direct-physical", "virtio-forwarder",
                                                     "smart-nic", "remote-managed",  "vdpa"};
        if (!value.is_string() || !kTypes.count(value.get<std::string>()))
            invalid(a, value, "is not a supported vnic type");
        return value;
    }
    case Check::address_pairs:
        return address_pairs_of(a, value);
    case Check::dhcp_opts:
        return dhcp_opts_of(a, value);
    }
    return value;
}

const json& body_of(const Request& req, const char* key)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains(key) || !body[key].is_object())
        throw BadRequest(std::string("Failed to parse request. Resource body ") + key +
                         " is missing or not a dictionary.");
    return body[key];
}

namespace {

void check_keys(const Collection& c, const json& body, unsigned allowed, const char* verb)
{
    std::vector<std::string> unknown;
    for (const auto& [k, v] : body.items()) {
        const Attribute* a = attribute(c, k);
        if (!a || (a->flags & kHidden && !(a->flags & allowed))) {
            unknown.push_back("'" + k + "'");
            continue;
        }
        if (!(a->flags & allowed)) {
            if (allowed == kPut)
                throw BadRequest("Cannot update read-only attribute " + k);
            throw BadRequest("Attribute '" + k + "' not allowed in " + verb);
        }
    }
    if (!unknown.empty()) {
        std::string names;
        for (const auto& u : unknown)
            names += (names.empty() ? "" : ", ") + u;
        throw BadRequest("Unrecognized attribute(s) " + names);
    }
}

[[noreturn]] void not_allowed(const char* action, const Collection& c, const Attribute& a)
{
    throw Forbidden(std::string("(rule:") + action + "_" + c.singular + " and rule:" + action + "_" + c.singular + ":" +
                        a.name + ") is disallowed by policy",
                    "PolicyNotAuthorized");
}

// Neutron's policy keeps a router's SNAT switch and its gateway's fixed addresses for admins.
void check_gateway(const Collection& c, const Context& ctx, const json& resource, const char* action)
{
    if (std::string_view(c.plural) != "routers" || ctx.is_admin() || !resource.contains("external_gateway_info"))
        return;
    const json& g = resource["external_gateway_info"];
    if (g.is_object() && (g.contains("enable_snat") || g.contains("external_fixed_ips")))
        not_allowed(action, c, *attribute(c, "external_gateway_info"));
}

void check_rule(json& rule)
{
    if (!rule["remote_ip_prefix"].is_null() && !rule["remote_group_id"].is_null())
        throw BadRequest("Only remote_ip_prefix or remote_group_id may be provided.",
                         "SecurityGroupRemoteGroupAndRemoteIpPrefix");
    if (!rule["remote_ip_prefix"].is_null()) {
        auto prefix = network::parse_cidr(rule["remote_ip_prefix"].get<std::string>(), false);
        if ((prefix->network.version == 4) != (rule["ethertype"] == "IPv4"))
            throw BadRequest("Conflicting value ethertype " + rule["ethertype"].get<std::string>() + " for CIDR " +
                                 rule["remote_ip_prefix"].get<std::string>(),
                             "SecurityGroupRuleParameterConflict");
    }
    json& min = rule["port_range_min"];
    json& max = rule["port_range_max"];
    if (min.is_null() && max.is_null())
        return;
    static const std::set<std::string> kPorted = {"tcp", "udp", "sctp", "dccp", "udplite",
                                                  "6",   "17",  "132",  "33",   "136"};
    static const std::set<std::string> kIcmp = {"icmp", "ipv6-icmp", "icmpv6", "1", "58"};
    if (rule["protocol"].is_null())
        throw BadRequest("Must also specify protocol if port range is given.",
                         "SecurityGroupProtocolRequiredWithPorts");
    std::string protocol = rule["protocol"];
    if (kPorted.count(protocol)) {
        if (min.is_null())
            throw BadRequest("For TCP/UDP protocols, port_range_min must be <= port_range_max",
                             "SecurityGroupInvalidPortRange");
        if (max.is_null())
            max = min;
        if (min.get<long long>() == 0 || max.get<long long>() == 0)
            throw BadRequest("Invalid value for port 0", "SecurityGroupInvalidPortValue");
        if (min.get<long long>() > max.get<long long>())
            throw BadRequest("For TCP/UDP protocols, port_range_min must be <= port_range_max",
                             "SecurityGroupInvalidPortRange");
    } else if (kIcmp.count(protocol)) {
        for (const json* v : {&min, &max})
            if (!v->is_null() && v->get<long long>() > 255)
                throw BadRequest("Invalid value for ICMP " + std::string(v == &min ? "type" : "code") +
                                     " (port_range_" + (v == &min ? "min" : "max") + ") " + v->dump() +
                                     ". It must be 0 to 255.",
                                 "SecurityGroupInvalidIcmpValue");
        if (min.is_null())
            throw BadRequest("ICMP code (port-range-max) " + max.dump() +
                                 " is provided but ICMP type "
                                 "(port-range-min) is missing.",
                             "SecurityGroupMissingIcmpType");
    } else {
        throw BadRequest("Invalid protocol " + protocol +
                             " for port range, only supported for TCP, UDP, UDPLITE, "
                             "SCTP, DCCP and ICMP protocols",
                         "SecurityGroupInvalidProtocolForPortRange");
    }
}

// A metering rule counts traffic by its remote prefix (deprecated) or by source and destination, never both.
void check_metering_rule(const json& rule)
{
    bool remote = !rule["remote_ip_prefix"].is_null();
    bool ends = !rule["source_ip_prefix"].is_null() || !rule["destination_ip_prefix"].is_null();
    if (remote && ends)
        throw BadRequest("Cannot use 'remote-ip-prefix' in conjunction with 'source-ip-prefix' or "
                         "'destination-ip-prefix'.",
                         "Invalid");
    if (!remote && !ends)
        throw BadRequest("You must define at least one of the following parameters 'remote_ip_address', or "
                         "'source_ip_prefix' or 'destination_ip_prefix'.",
                         "Invalid");
}

} // namespace

json created(const Collection& c, const Context& ctx, const json& body)
{
    check_keys(c, body, kPost, "POST");
    const bool admin = ctx.is_admin();
    json out = json::object();
    for (const auto& a : c.attributes) {
        std::string name = a.name;
        const json* given = body.contains(name)                                  ? &body[name]
                            : name == "project_id" && body.contains("tenant_id") ? &body["tenant_id"]
                                                                                 : nullptr;
        if (given && (a.flags & kPost)) {
            json value = checked(a, *given);
            if ((a.flags & kAdminSet) && !admin && (!a.fallback || value != json::parse(a.fallback)))
                not_allowed("create", c, a);
            out[name] = std::move(value);
        } else if (a.flags & kRequired) {
            throw BadRequest("Failed to parse request. Required attribute '" + name + "' not specified");
        } else if (a.fallback) {
            out[name] = json::parse(a.fallback);
        }
    }
    if (body.contains("project_id") && body.contains("tenant_id") && body["project_id"] != body["tenant_id"])
        throw BadRequest("Both project_id and tenant_id were given, and they differ.");
    if (!out.contains("project_id"))
        out["project_id"] = ctx.project_id;
    else if (out["project_id"] != ctx.project_id && !admin)
        throw BadRequest("Specifying 'project_id' or 'tenant_id' other than the authenticated project in request "
                         "requires admin privileges");
    out["id"] = new_uuid();
    check_gateway(c, ctx, out, "create");
    if (std::string_view(c.plural) == "security-group-rules")
        check_rule(out);
    if (std::string_view(c.plural) == "metering-label-rules")
        check_metering_rule(out);
    return out;
}

json changes(const Collection& c, const Context& ctx, const json& body)
{
    check_keys(c, body, kPut, "PUT");
    json out = json::object();
    for (const auto& [k, v] : body.items()) {
        const Attribute& a = *attribute(c, k);
        if ((a.flags & (kAdminSet | kAdminPut)) && !ctx.is_admin())
            not_allowed("update", c, a);
        out[k] = checked(a, v);
    }
    check_gateway(c, ctx, out, "update");
    return out;
}

} // namespace jumpgate::api::neutron
