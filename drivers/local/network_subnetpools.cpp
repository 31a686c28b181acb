// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network subnet pools: prefixes that subnets are cut from, within bounds and quotas.
#include "network_store.hpp"

#include <algorithm>
#include <cmath>

#include <jumpgate/fault.hpp>

namespace jumpgate::local::net {

namespace {

using network::Cidr;

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

int prefixlen_of(const json& text)
{
    return std::stoi(text.get<std::string>());
}

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

} // namespace

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
        throw BadRequest("Unable to delete subnet pool: Subnet pool has existing allocations.",
                         "SubnetPoolDeleteError");
    st.erase("subnetpools", sp["id"]);
}

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
    const int length = has_cidr              ? cidr(sn["cidr"]).prefix
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

} // namespace jumpgate::local::net
