// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network resources as JSON documents in SQLite: tenancy, computed attributes, quotas.
#include "network_store.hpp"

#include <jumpgate/fault.hpp>

#include "quota.hpp"

namespace jumpgate::local::net {

namespace {

// The columns a resource's document repeats for queries: what it hangs on, and what uses it.
std::optional<std::string> parent_of(std::string_view collection, const json& doc)
{
    const char* key = collection == "subnets" || collection == "ports" ? "network_id"
                      : collection == "floatingips"                    ? "floating_network_id"
                      : collection == "security-group-rules"           ? "security_group_id"
                      : collection == "metering-label-rules"           ? "metering_label_id"
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

} // namespace

const Kind& kind_of(std::string_view collection)
{
    for (const auto& k : kKinds)
        if (collection == k.collection)
            return k;
    throw NotFound("No collection " + std::string(collection) + ".");
}

void not_found(std::string_view collection, const std::string& id)
{
    const Kind& k = kind_of(collection);
    throw NotFound(std::string(k.label) + " " + id + " could not be found.", k.not_found);
}

network::Address address(const json& text)
{
    return *network::parse_address(text.get<std::string>());
}
network::Cidr cidr(const json& text)
{
    return *network::parse_cidr(text.get<std::string>(), false);
}

bool is_auto_address(const json& sn)
{
    for (const char* key : {"ipv6_address_mode", "ipv6_ra_mode"})
        if (sn.contains(key) && (sn[key] == "slaac" || sn[key] == "dhcpv6-stateless"))
            return true;
    return false;
}

void activate_in_zone(json& doc)
{
    for (const auto& hint : doc["availability_zone_hints"])
        if (hint != "nova")
            throw NotFound("AvailabilityZone " + hint.get<std::string>() + " could not be found.",
                           "AvailabilityZoneNotFound");
    doc["status"] = "ACTIVE";
    doc["availability_zones"] = json::array({"nova"});
}

std::optional<json> Store::find(std::string_view collection, const std::string& id)
{
    Statement s(db_, "SELECT document FROM network_resources WHERE collection = ?1 AND id = ?2");
    s.bind(1, collection).bind(2, id);
    if (!s.step())
        return std::nullopt;
    return json::parse(s.text(0));
}

std::vector<json> Store::rows(std::string_view collection, const char* column, const std::string& value)
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

long long Store::count(std::string_view collection, const std::string& project_id)
{
    Statement s(db_, "SELECT COUNT(*) FROM network_resources WHERE collection = ?1 AND project_id = ?2");
    s.bind(1, collection).bind(2, project_id);
    s.step();
    return s.integer(0);
}

void Store::insert(std::string_view collection, json& doc)
{
    std::string now = network::time_text(unix_now());
    doc["created_at"] = now;
    doc["updated_at"] = now;
    if (collection != "security-group-rules" && collection.rfind("metering-", 0) != 0) {
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

void Store::save(std::string_view collection, json& doc)
{
    doc["updated_at"] = network::time_text(unix_now());
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

void Store::erase(std::string_view collection, const std::string& id)
{
    Statement s(db_, "DELETE FROM network_resources WHERE collection = ?1 AND id = ?2");
    s.bind(1, collection).bind(2, id);
    s.step();
}

bool Store::visible(std::string_view collection, const json& doc)
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

json Store::seen(std::string_view collection, const std::string& id)
{
    auto doc = find(collection, id);
    if (!doc || !visible(collection, *doc))
        not_found(collection, id);
    return *doc;
}

json Store::writable(std::string_view collection, const std::string& id, const char* action)
{
    json doc = seen(collection, id);
    if (!owned(doc))
        throw Forbidden(std::string("rule:") + action + "_" + kind_of(collection).quota + " is disallowed by policy",
                        "PolicyNotAuthorized");
    return doc;
}

json Store::complete(std::string_view collection, json doc)
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
    } else if (collection == "ports") {
        // The ports the network makes itself (and those stored before the extensions) have neither.
        for (const char* key : {"allowed_address_pairs", "extra_dhcp_opts"})
            if (!doc.contains(key))
                doc[key] = json::array();
    }
    return doc;
}

void Store::quota_check(std::string_view collection, const std::string& project_id, long long adding)
{
    const char* resource = kind_of(collection).quota;
    long long limit = quota_of(project_id).at(resource);
    if (limit >= 0 && count(collection, project_id) + adding > limit)
        throw Conflict(std::string("Quota exceeded for resources: ['") + resource + "'].", "OverQuota");
}

network::QuotaSet Store::quota_of(const std::string& project_id)
{
    return QuotaTable(db_, "network_quotas", kDefaultQuotas).get(project_id);
}

} // namespace jumpgate::local::net
