// SPDX-License-Identifier: Apache-2.0
// Keystone's catalog: regions, services, endpoints (v3 and v2.0), endpoint groups, policies, and the catalog tokens
// carry.
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/hex.hpp>

#include <algorithm>
#include <map>

#include <openssl/evp.h>

#include "api/identity/catalog.hpp"
#include "api/identity/fields.hpp"
#include "api/identity/identity.hpp"

namespace jumpgate::api::identity {

using jumpgate::identity::body;
using jumpgate::identity::Catalog;
using jumpgate::identity::Driver;
using jumpgate::identity::EndpointGroup;
using jumpgate::identity::flag;
using jumpgate::identity::list_links;
using jumpgate::identity::name_text;
using jumpgate::identity::Op;
using jumpgate::identity::Policy;
using jumpgate::identity::Region;
using jumpgate::identity::require_admin;
using jumpgate::identity::Service;
using jumpgate::identity::text;
using jumpgate::identity::url;
using Endpoint = jumpgate::identity::Endpoint;

namespace {

// A stable id for the stack's own catalog rows, the same on every worker and host (and the same as
// those that Jumpgate gave before the catalog was stored, which clients may have kept).
std::string stable_id(const std::string& text)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(text.data(), text.size(), md, &n, EVP_sha256(), nullptr);
    return hex(std::span(md, 16));
}

struct StackService {
    const char* service; // the mount
    const char* type;
    const char* name;
    const char* suffix; // after the mount
};
constexpr StackService kStack[] = {
    {"identity", "identity", "keystone", ""},
    {"compute", "compute", "nova", "/v2.1"},
    {"image", "image", "glance", ""},
    {"volume", "volumev3", "cinderv3", "/v3/%(project_id)s"},
    {"volume", "block-storage", "cinder", "/v3/%(project_id)s"},
    {"network", "network", "neutron", ""},
    {"baremetal", "baremetal", "ironic", ""},
};

constexpr const char* kInterfaces[] = {"public", "internal", "admin"};
constexpr std::string_view kJumpgatePrefix = "jumpgate:";

using jumpgate::identity::new_keystone_id;

/*
 * format_url: `url` with its %(name)s substitutions made from `vars` (and %(jumpgate:SERVICE)s from
 * the App's mounts); nullopt when one cannot be made. `only_jumpgate`: Keystone's own substitutions
 * are left as they are written (the views of the endpoints themselves show them so).
 */
std::optional<std::string> format_url(const CatalogSource& c, const Request& req, const std::string& url,
                                      const std::map<std::string, std::string>& vars, bool only_jumpgate)
{
    std::string out;
    std::size_t i = 0;
    while (i < url.size()) {
        auto start = url.find("%(", i);
        if (start == std::string::npos) {
            out.append(url, i, std::string::npos);
            break;
        }
        auto end = url.find(")s", start);
        if (end == std::string::npos)
            return std::nullopt;
        out.append(url, i, start - i);
        std::string name = url.substr(start + 2, end - start - 2);
        std::string whole = url.substr(start, end + 2 - start);
        i = end + 2;
        if (name.starts_with(kJumpgatePrefix)) {
            const Dispatcher* d = c.app.dispatcher(name.substr(kJumpgatePrefix.size()));
            if (!d) {
                if (!only_jumpgate)
                    return std::nullopt;
                out += whole;
                continue;
            }
            out += d->base_url(req);
        } else if (only_jumpgate) {
            out += whole;
        } else if (auto it = vars.find(name); it != vars.end() && !it->second.empty()) {
            out += it->second;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

/* check_url: 400 unless `url` is a URL (Keystone's loose pattern) whose substitutions are all known ones. */
void check_url(const std::string& url)
{
    auto colon = url.find(':');
    bool scheme = colon != std::string::npos && colon > 0 && colon + 1 < url.size() &&
                  std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon),
                              [](unsigned char ch) { return std::isalnum(ch) || ch == '+' || ch == '.' || ch == '-'; });
    if (!scheme || url.size() > 225)
        throw BadRequest("Invalid input for field 'url': a URL of at most 225 characters is expected.");
    std::size_t i = 0;
    while ((i = url.find("%(", i)) != std::string::npos) {
        auto end = url.find(")s", i);
        if (end == std::string::npos)
            throw BadRequest("Cannot create an endpoint with an invalid URL: " + url + ".");
        std::string name = url.substr(i + 2, end - i - 2);
        bool known = name == "tenant_id" || name == "project_id" || name == "user_id";
        for (const auto& s : kStack)
            known = known || name == std::string(kJumpgatePrefix) + s.service;
        if (!known)
            throw BadRequest("Cannot create an endpoint with an invalid URL: " + url + ".");
        i = end + 2;
    }
}

// The rows: the driver's when it stores a catalog, else the stack's own.
const Operations kStored{Op::regionList, Op::serviceList, Op::endpointList};

Catalog rows(const CatalogSource& c, const Request& req)
{
    if (!c.ops.lacking(kStored).empty())
        return jumpgate::identity::stack_catalog(c.region);
    auto d = c.as(req);
    return {d->regionList(), d->serviceList(), d->endpointList()};
}

json region_view(const Request& req, const Region& r)
{
    return {{"id", r.id},
            {"description", r.description},
            {"parent_region_id", r.parent_region_id.empty() ? json(nullptr) : json(r.parent_region_id)},
            {"links", {{"self", url(req, "v3_region", "region_id", r.id)}}}};
}

json service_view(const Request& req, const Service& s)
{
    json v = {{"id", s.id},
              {"type", s.type},
              {"name", s.name},
              {"enabled", s.enabled},
              {"links", {{"self", url(req, "v3_services_with_id", "service_id", s.id)}}}};
    if (!s.description.empty())
        v["description"] = s.description;
    return v;
}

json endpoint_view(const CatalogSource& c, const Request& req, const Endpoint& e)
{
    json region = e.region_id.empty() ? json(nullptr) : json(e.region_id);
    return {{"id", e.id},
            {"interface", e.interface},
            {"region_id", region},
            {"region", region},
            {"service_id", e.service_id},
            {"url", format_url(c, req, e.url, {}, true).value_or(e.url)},
            {"enabled", e.enabled},
            {"links", {{"self", url(req, "v3_endpoints_with_id", "endpoint_id", e.id)}}}};
}

template <class T> const T& one(const std::vector<T>& list, const std::string& id, const char* what)
{
    for (const auto& item : list)
        if (item.id == id)
            return item;
    throw NotFound(std::string("Could not find ") + what + ": " + id + ".");
}

/* same_id: 400 when the body names an id other than the path's, as Keystone's _require_matching_id. */
void same_id(const json& b, const std::string& id)
{
    if (b.contains("id") && b["id"] != id)
        throw BadRequest("Cannot change ID");
}

/* updating: the body's object under `key`, which must name at least one field (Keystone's minProperties). */
const json& updating(const Request& req, const char* key)
{
    const json& b = body(req, key);
    if (b.empty())
        throw BadRequest(std::string("Invalid input for field '") + key + "': at least one field is expected.");
    return b;
}

// Regions.

void region_list(const CatalogSource& c, const Request& req, Response& resp)
{
    json out = json::array();
    for (const auto& r : rows(c, req).regions)
        if (!req.has_query("parent_region_id") || r.parent_region_id == req.query("parent_region_id"))
            out.push_back(region_view(req, r));
    resp.json({{"regions", std::move(out)}, {"links", list_links(req)}});
}

void region_show(const CatalogSource& c, const Request& req, Response& resp)
{
    resp.json({{"region", region_view(req, one(rows(c, req).regions, req.param("region_id"), "region"))}});
}

Region region_of(const json& b, Region r)
{
    if (b.contains("description"))
        r.description = text(b, "description");
    if (b.contains("parent_region_id"))
        r.parent_region_id = text(b, "parent_region_id");
    if (r.description.size() > 255)
        throw BadRequest("Invalid input for field 'description': at most 255 characters are expected.");
    return r;
}

void region_made(const CatalogSource& c, const Request& req, Response& resp, const json& b, std::string id)
{
    require_admin(req, "create_region");
    if (id.empty())
        id = new_keystone_id();
    if (id.size() > 255)
        throw BadRequest("Invalid input for field 'id': at most 255 characters are expected.");
    Region r = region_of(b, {.id = id});
    resp.status = 201;
    resp.json({{"region", region_view(req, c.as(req)->regionCreate(r))}});
}

void region_create(const CatalogSource& c, const Request& req, Response& resp)
{
    const json& b = body(req, "region");
    region_made(c, req, resp, b, text(b, "id"));
}

void region_put(const CatalogSource& c, const Request& req, Response& resp)
{
    const json& b = body(req, "region");
    if (b.contains("id") && b["id"] != req.param("region_id"))
        throw BadRequest("Conflicting region IDs specified: \"" + text(b, "id") + "\" != \"" + req.param("region_id") +
                         "\"");
    region_made(c, req, resp, b, req.param("region_id"));
}

void region_update(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "update_region");
    const json& b = updating(req, "region");
    same_id(b, req.param("region_id"));
    auto d = c.as(req);
    auto all = d->regionList();
    Region r = region_of(b, one(all, req.param("region_id"), "region"));
    // Keystone's: a parent that is the region itself or one of the regions below it makes a circle.
    for (std::string up = r.parent_region_id; !up.empty();) {
        if (up == r.id)
            throw BadRequest("The specified parent region " + r.parent_region_id +
                             " would create a circular region hierarchy.");
        up = one(all, up, "region").parent_region_id;
    }
    resp.json({{"region", region_view(req, d->regionUpdate(r))}});
}

void region_delete(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "delete_region");
    c.as(req)->regionDelete(req.param("region_id"));
    resp.status = 204;
}

// Services.

void service_list(const CatalogSource& c, const Request& req, Response& resp)
{
    json out = json::array();
    for (const auto& s : rows(c, req).services)
        if ((!req.has_query("type") || s.type == req.query("type")) &&
            (!req.has_query("name") || s.name == req.query("name")))
            out.push_back(service_view(req, s));
    resp.json({{"services", std::move(out)}, {"links", list_links(req)}});
}

void service_show(const CatalogSource& c, const Request& req, Response& resp)
{
    resp.json({{"service", service_view(req, one(rows(c, req).services, req.param("service_id"), "service"))}});
}

Service service_of(const json& b, Service s)
{
    if (b.contains("type")) {
        s.type = text(b, "type");
        if (s.type.empty() || s.type.size() > 255)
            throw BadRequest("Invalid input for field 'type': a string of 1 to 255 characters is expected.");
    }
    if (b.contains("name"))
        s.name = name_text(b, "name", 255);
    s.description = text(b, "description", s.description);
    s.enabled = flag(b, "enabled", s.enabled);
    return s;
}

void service_create(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "create_service");
    const json& b = body(req, "service");
    if (!b.contains("type"))
        throw BadRequest("Invalid input for field 'type': it is required.");
    resp.status = 201;
    resp.json({{"service", service_view(req, c.as(req)->serviceCreate(service_of(b, {.id = new_keystone_id()})))}});
}

void service_update(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "update_service");
    const json& b = updating(req, "service");
    same_id(b, req.param("service_id"));
    auto d = c.as(req);
    Service s = service_of(b, one(d->serviceList(), req.param("service_id"), "service"));
    resp.json({{"service", service_view(req, d->serviceUpdate(s))}});
}

void service_delete(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "delete_service");
    c.as(req)->serviceDelete(req.param("service_id"));
    resp.status = 204;
}

// Endpoints.

void endpoint_list(const CatalogSource& c, const Request& req, Response& resp)
{
    json out = json::array();
    for (const auto& e : rows(c, req).endpoints)
        if ((!req.has_query("interface") || e.interface == req.query("interface")) &&
            (!req.has_query("service_id") || e.service_id == req.query("service_id")) &&
            (!req.has_query("region_id") || e.region_id == req.query("region_id")))
            out.push_back(endpoint_view(c, req, e));
    resp.json({{"endpoints", std::move(out)}, {"links", list_links(req)}});
}

void endpoint_show(const CatalogSource& c, const Request& req, Response& resp)
{
    resp.json({{"endpoint", endpoint_view(c, req, one(rows(c, req).endpoints, req.param("endpoint_id"), "endpoint"))}});
}

/*
 * region_for: the region an endpoint names. As Keystone: one named by `region_id` must exist (400);
 * one named by the older `region` is made when it does not.
 */
std::string region_for(const Driver& d, const json& b, const std::string& current)
{
    auto exists = [&](const std::string& id) {
        auto all = d.regionList();
        return std::any_of(all.begin(), all.end(), [&](const Region& r) { return r.id == id; });
    };
    if (b.contains("region_id") && !b["region_id"].is_null()) {
        std::string id = text(b, "region_id");
        if (!exists(id))
            throw BadRequest("Expecting to find endpoint region_id in region table. The server could not comply with "
                             "the request since it is either malformed or otherwise incorrect. The client is assumed "
                             "to be in error.");
        return id;
    }
    if (b.contains("region") && !b["region"].is_null()) {
        std::string id = text(b, "region");
        if (id.size() > 255)
            throw BadRequest("Invalid input for field 'region': at most 255 characters are expected.");
        if (!id.empty() && !exists(id))
            try {
                d.regionCreate({.id = id});
            } catch (const Conflict&) { // made meanwhile by another request
            }
        return id;
    }
    return current;
}

Endpoint endpoint_of(const Driver& d, const json& b, Endpoint e)
{
    if (b.contains("interface")) {
        e.interface = text(b, "interface");
        if (e.interface != "public" && e.interface != "internal" && e.interface != "admin")
            throw BadRequest("Invalid input for field 'interface': one of admin, internal and public is expected.");
    }
    if (b.contains("url")) {
        e.url = text(b, "url");
        check_url(e.url);
    }
    e.enabled = flag(b, "enabled", e.enabled);
    if (b.contains("service_id")) {
        e.service_id = text(b, "service_id");
        auto all = d.serviceList();
        if (std::none_of(all.begin(), all.end(), [&](const Service& s) { return s.id == e.service_id; }))
            throw BadRequest("Expecting to find endpoint service_id in service table. The server could not comply "
                             "with the request since it is either malformed or otherwise incorrect. The client is "
                             "assumed to be in error.");
    }
    e.region_id = region_for(d, b, e.region_id);
    return e;
}

void endpoint_create(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "create_endpoint");
    const json& b = body(req, "endpoint");
    for (const char* key : {"interface", "service_id", "url"})
        if (!b.contains(key))
            throw BadRequest(std::string("Invalid input for field '") + key + "': it is required.");
    auto d = c.as(req);
    Endpoint e = endpoint_of(*d, b, {.id = new_keystone_id()});
    resp.status = 201;
    resp.json({{"endpoint", endpoint_view(c, req, d->endpointCreate(e))}});
}

void endpoint_update(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "update_endpoint");
    const json& b = updating(req, "endpoint");
    same_id(b, req.param("endpoint_id"));
    auto d = c.as(req);
    Endpoint e = endpoint_of(*d, b, one(d->endpointList(), req.param("endpoint_id"), "endpoint"));
    resp.json({{"endpoint", endpoint_view(c, req, d->endpointUpdate(e))}});
}

void endpoint_delete(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "delete_endpoint");
    c.as(req)->endpointDelete(req.param("endpoint_id"));
    resp.status = 204;
}

// Keystone v2.0's OS-KSADM services and endpoints: the same rows, in the older shapes; the admin's only.

json v2_service_view(const Service& s)
{
    return {{"id", s.id}, {"type", s.type}, {"name", s.name}, {"description", s.description}, {"enabled", s.enabled}};
}

void v2_service_list(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "list_services");
    json out = json::array();
    for (const auto& s : rows(c, req).services)
        if (!req.has_query("type") || s.type == req.query("type"))
            out.push_back(v2_service_view(s));
    resp.json({{"OS-KSADM:services", std::move(out)}});
}

void v2_service_show(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "get_service");
    resp.json({{"OS-KSADM:service", v2_service_view(one(rows(c, req).services, req.param("service_id"), "service"))}});
}

void v2_service_create(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "create_service");
    const json& b = body(req, "OS-KSADM:service");
    if (!b.contains("type"))
        throw BadRequest("Invalid input for field 'type': it is required.");
    resp.json(
        {{"OS-KSADM:service", v2_service_view(c.as(req)->serviceCreate(service_of(b, {.id = new_keystone_id()})))}});
}

void v2_service_delete(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "delete_service");
    c.as(req)->serviceDelete(req.param("service_id"));
    resp.status = 204;
}

// A v2.0 endpoint is the v3 endpoints made for it (one per URL it was given); those made in v3 are not shown.
void v2_endpoint_list(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "list_endpoints");
    std::map<std::string, json> legacy;
    std::vector<std::string> order;
    for (const auto& e : rows(c, req).endpoints) {
        if (e.legacy_endpoint_id.empty())
            continue;
        auto [it, made] = legacy.try_emplace(e.legacy_endpoint_id, json{{"id", e.legacy_endpoint_id},
                                                                        {"region", e.region_id},
                                                                        {"service_id", e.service_id},
                                                                        {"enabled", e.enabled}});
        if (made)
            order.push_back(e.legacy_endpoint_id);
        it->second[e.interface + "url"] = e.url;
    }
    json out = json::array();
    for (const auto& id : order)
        out.push_back(std::move(legacy[id]));
    resp.json({{"endpoints", std::move(out)}});
}

void v2_endpoint_create(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "create_endpoint");
    const json& b = body(req, "endpoint");
    if (!b.contains("service_id"))
        throw BadRequest("Invalid input for field 'service_id': it is required.");
    auto d = c.as(req);
    Endpoint base = endpoint_of(*d, {{"service_id", b["service_id"]}}, {});
    base.region_id = region_for(*d, {{"region", b.value("region", json(nullptr))}}, "");
    base.legacy_endpoint_id = new_keystone_id();
    json view = {{"id", base.legacy_endpoint_id}, {"region", base.region_id}, {"service_id", base.service_id}};
    std::vector<Endpoint> made;
    for (const char* interface : kInterfaces) {
        std::string key = std::string(interface) + "url";
        if (!b.contains(key) || b[key].is_null())
            continue;
        Endpoint e = base;
        e.id = new_keystone_id();
        e.interface = interface;
        e.url = text(b, key.c_str());
        check_url(e.url);
        made.push_back(std::move(e));
        view[key] = made.back().url;
    }
    if (made.empty())
        throw BadRequest(
            "Invalid input for field 'publicurl': one of publicurl, internalurl and adminurl is required.");
    for (const auto& e : made)
        d->endpointCreate(e);
    resp.json({{"endpoint", std::move(view)}});
}

void v2_endpoint_delete(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "delete_endpoint");
    auto d = c.as(req);
    bool found = false;
    for (const auto& e : d->endpointList())
        if (e.legacy_endpoint_id == req.param("endpoint_id")) {
            d->endpointDelete(e.id);
            found = true;
        }
    if (!found)
        throw NotFound("Could not find endpoint: " + req.param("endpoint_id") + ".");
    resp.status = 204;
}

// Policies: documents kept for the client, the admin's to read and change (Keystone's default policy).

json policy_view(const Request& req, const Policy& p)
{
    return {{"id", p.id},
            {"type", p.type},
            {"blob", p.blob},
            {"links", {{"self", url(req, "v3_policy", "policy_id", p.id)}}}};
}

Policy policy_of(const json& b, Policy p)
{
    p.blob = text(b, "blob", p.blob);
    if (b.contains("type")) {
        p.type = text(b, "type");
        if (p.type.size() > 255)
            throw BadRequest("Invalid input for field 'type': at most 255 characters are expected.");
    }
    return p;
}

void policy_list(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "list_policies");
    json out = json::array();
    for (const auto& p : c.as(req)->policyList())
        if (!req.has_query("type") || p.type == req.query("type"))
            out.push_back(policy_view(req, p));
    resp.json({{"policies", std::move(out)}, {"links", list_links(req)}});
}

void policy_show(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "get_policy");
    resp.json({{"policy", policy_view(req, one(c.as(req)->policyList(), req.param("policy_id"), "policy"))}});
}

void policy_create(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "create_policy");
    const json& b = body(req, "policy");
    for (const char* key : {"blob", "type"})
        if (!b.contains(key) || b[key].is_null())
            throw BadRequest(std::string("Invalid input for field '") + key + "': it is required.");
    resp.status = 201;
    resp.json({{"policy", policy_view(req, c.as(req)->policyCreate(policy_of(b, {.id = new_keystone_id()})))}});
}

void policy_update(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "update_policy");
    const json& b = updating(req, "policy");
    same_id(b, req.param("policy_id"));
    auto d = c.as(req);
    Policy p = policy_of(b, one(d->policyList(), req.param("policy_id"), "policy"));
    resp.json({{"policy", policy_view(req, d->policyUpdate(p))}});
}

void policy_delete(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "delete_policy");
    c.as(req)->policyDelete(req.param("policy_id"));
    resp.status = 204;
}

// Endpoint groups (OS-EP-FILTER): named filters over the endpoints, the admin's.

json endpoint_group_view(const Request& req, const EndpointGroup& g)
{
    return {{"id", g.id},
            {"name", g.name},
            {"description", g.description},
            {"filters", json::parse(g.filters, nullptr, false)},
            {"links", {{"self", url(req, "v3_endpoint_group", "endpoint_group_id", g.id)}}}};
}

EndpointGroup endpoint_group_of(const json& b, EndpointGroup g)
{
    if (b.contains("name"))
        g.name = name_text(b, "name", 255);
    g.description = text(b, "description", g.description);
    if (b.contains("filters")) {
        const json& f = b["filters"];
        if (!f.is_object() || f.empty())
            throw BadRequest("filters field is required and cannot be empty");
        for (const auto& [key, value] : f.items()) {
            if (key != "service_id" && key != "region_id" && key != "interface")
                throw BadRequest("Expecting to find service_id or region_id or interface in endpoint_group. The "
                                 "server could not comply with the request since it is either malformed or otherwise "
                                 "incorrect. The client is assumed to be in error.");
            if (!value.is_string())
                throw BadRequest("Invalid input for field 'filters': " + key + " is expected to be a string.");
        }
        g.filters = f.dump();
    }
    return g;
}

void endpoint_group_list(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "list_endpoint_groups");
    json out = json::array();
    for (const auto& g : c.as(req)->endpointGroupList())
        if (!req.has_query("name") || g.name == req.query("name"))
            out.push_back(endpoint_group_view(req, g));
    resp.json({{"endpoint_groups", std::move(out)}, {"links", list_links(req)}});
}

void endpoint_group_show(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "get_endpoint_group");
    resp.json({{"endpoint_group", endpoint_group_view(req, one(c.as(req)->endpointGroupList(),
                                                               req.param("endpoint_group_id"), "endpoint group"))}});
}

void endpoint_group_check(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "get_endpoint_group");
    one(c.as(req)->endpointGroupList(), req.param("endpoint_group_id"), "endpoint group");
    resp.status = 200;
}

void endpoint_group_create(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "create_endpoint_group");
    const json& b = body(req, "endpoint_group");
    if (!b.contains("filters"))
        throw BadRequest("filters field is required and cannot be empty");
    if (!b.contains("name"))
        throw BadRequest("Invalid input for field 'name': it is required.");
    resp.status = 201;
    resp.json({{"endpoint_group", endpoint_group_view(req, c.as(req)->endpointGroupCreate(
                                                               endpoint_group_of(b, {.id = new_keystone_id()})))}});
}

void endpoint_group_update(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "update_endpoint_group");
    const json& b = updating(req, "endpoint_group");
    same_id(b, req.param("endpoint_group_id"));
    auto d = c.as(req);
    EndpointGroup g =
        endpoint_group_of(b, one(d->endpointGroupList(), req.param("endpoint_group_id"), "endpoint group"));
    resp.json({{"endpoint_group", endpoint_group_view(req, d->endpointGroupUpdate(g))}});
}

void endpoint_group_delete(const CatalogSource& c, const Request& req, Response& resp)
{
    require_admin(req, "delete_endpoint_group");
    c.as(req)->endpointGroupDelete(req.param("endpoint_group_id"));
    resp.status = 204;
}

const Binding<CatalogSource> kCatalogBindings[] = {
    {"v3_regions", "GET", {}, region_list},
    {"v3_regions", "POST", {Op::regionCreate}, region_create},
    {"v3_region", "GET", {}, region_show},
    {"v3_region", "PUT", {Op::regionCreate}, region_put},
    {"v3_region", "PATCH", {Op::regionList, Op::regionUpdate}, region_update},
    {"v3_region", "DELETE", {Op::regionDelete}, region_delete},
    {"v3_services", "GET", {}, service_list},
    {"v3_services", "POST", {Op::serviceCreate}, service_create},
    {"v3_services_with_id", "GET", {}, service_show},
    {"v3_services_with_id", "PATCH", {Op::serviceList, Op::serviceUpdate}, service_update},
    {"v3_services_with_id", "DELETE", {Op::serviceDelete}, service_delete},
    {"v3_endpoints", "GET", {}, endpoint_list},
    {"v3_endpoints", "POST", {Op::endpointCreate, Op::serviceList, Op::regionList, Op::regionCreate}, endpoint_create},
    {"v3_endpoints_with_id", "GET", {}, endpoint_show},
    {"v3_endpoints_with_id",
     "PATCH",
     {Op::endpointList, Op::endpointUpdate, Op::serviceList, Op::regionList, Op::regionCreate},
     endpoint_update},
    {"v3_endpoints_with_id", "DELETE", {Op::endpointDelete}, endpoint_delete},
    {"v2_services", "GET", {}, v2_service_list},
    {"v2_services", "POST", {Op::serviceCreate}, v2_service_create},
    {"v2_service", "GET", {}, v2_service_show},
    {"v2_service", "DELETE", {Op::serviceDelete}, v2_service_delete},
    {"v2_endpoints", "GET", {}, v2_endpoint_list},
    {"v2_endpoints",
     "POST",
     {Op::endpointCreate, Op::serviceList, Op::regionList, Op::regionCreate},
     v2_endpoint_create},
    {"v2_endpoint", "DELETE", {Op::endpointList, Op::endpointDelete}, v2_endpoint_delete},
    {"v3_policies", "GET", {Op::policyList}, policy_list},
    {"v3_policies", "POST", {Op::policyCreate}, policy_create},
    {"v3_policy", "GET", {Op::policyList}, policy_show},
    {"v3_policy", "PATCH", {Op::policyList, Op::policyUpdate}, policy_update},
    {"v3_policy", "DELETE", {Op::policyDelete}, policy_delete},
    {"v3_endpoint_groups", "GET", {Op::endpointGroupList}, endpoint_group_list},
    {"v3_endpoint_groups", "POST", {Op::endpointGroupCreate}, endpoint_group_create},
    {"v3_endpoint_group", "GET", {Op::endpointGroupList}, endpoint_group_show},
    {"v3_endpoint_group", "HEAD", {Op::endpointGroupList}, endpoint_group_check},
    {"v3_endpoint_group", "PATCH", {Op::endpointGroupList, Op::endpointGroupUpdate}, endpoint_group_update},
    {"v3_endpoint_group", "DELETE", {Op::endpointGroupDelete}, endpoint_group_delete},
};

} // namespace

std::shared_ptr<const Driver> CatalogSource::as(const Request& req) const
{
    return jumpgate::identity::acting(driver, req.context().credentials);
}

json token_catalog(const CatalogSource& c, const Request& req, const std::string& user_id,
                   const std::string& project_id)
{
    Catalog all = rows(c, req);
    std::map<std::string, std::string> vars = {
        {"project_id", project_id}, {"tenant_id", project_id}, {"user_id", user_id}};
    json out = json::array();
    for (const auto& s : all.services) {
        if (!s.enabled)
            continue;
        json endpoints = json::array();
        for (const auto& e : all.endpoints) {
            if (e.service_id != s.id || !e.enabled)
                continue;
            auto url = format_url(c, req, e.url, vars, false);
            if (!url) // as Keystone: an endpoint whose URL cannot be made (no project to name) is left out
                continue;
            json region = e.region_id.empty() ? json(nullptr) : json(e.region_id);
            endpoints.push_back(
                {{"id", e.id}, {"interface", e.interface}, {"region", region}, {"region_id", region}, {"url", *url}});
        }
        // Keystone keeps a service without endpoints (its bug 1436704 says it should not); it is left out here.
        if (!endpoints.empty())
            out.push_back({{"id", s.id}, {"type", s.type}, {"name", s.name}, {"endpoints", std::move(endpoints)}});
    }
    return out;
}

std::span<const Binding<CatalogSource>> catalog_bindings()
{
    return kCatalogBindings;
}

} // namespace jumpgate::api::identity

namespace jumpgate::identity {

Catalog stack_catalog(const std::string& region)
{
    Catalog c;
    if (!region.empty())
        c.regions.push_back({.id = region});
    for (const auto& s : api::identity::kStack) {
        std::string id = api::identity::stable_id(s.type);
        c.services.push_back({.id = id, .type = s.type, .name = s.name});
        for (std::string_view interface : api::identity::kInterfaces) {
            std::string url = std::string("%(") + std::string(api::identity::kJumpgatePrefix) + s.service + ")s";
            // Identity's admin URL is Keystone's admin endpoint, which Tempest's v2.0 admin clients ask.
            if (s.service == std::string_view("identity") && interface == "admin")
                url += api::identity::kAdminAlias;
            c.endpoints.push_back({.id = api::identity::stable_id(std::string(s.type) + std::string(interface)),
                                   .service_id = id,
                                   .region_id = region,
                                   .interface = std::string(interface),
                                   .url = url + s.suffix});
        }
    }
    return c;
}

} // namespace jumpgate::identity

#define NOT_IMPLEMENTED(what) throw NotImplemented(what " is not implemented by this driver.")
namespace jumpgate::identity {
void Driver::catalogSeed(const Catalog&) const
{
    NOT_IMPLEMENTED("catalogSeed");
}
std::vector<Region> Driver::regionList() const
{
    NOT_IMPLEMENTED("regionList");
}
Region Driver::regionCreate(const Region&) const
{
    NOT_IMPLEMENTED("regionCreate");
}
Region Driver::regionUpdate(const Region&) const
{
    NOT_IMPLEMENTED("regionUpdate");
}
void Driver::regionDelete(const std::string&) const
{
    NOT_IMPLEMENTED("regionDelete");
}
std::vector<Service> Driver::serviceList() const
{
    NOT_IMPLEMENTED("serviceList");
}
Service Driver::serviceCreate(const Service&) const
{
    NOT_IMPLEMENTED("serviceCreate");
}
Service Driver::serviceUpdate(const Service&) const
{
    NOT_IMPLEMENTED("serviceUpdate");
}
void Driver::serviceDelete(const std::string&) const
{
    NOT_IMPLEMENTED("serviceDelete");
}
std::vector<Endpoint> Driver::endpointList() const
{
    NOT_IMPLEMENTED("endpointList");
}
Endpoint Driver::endpointCreate(const Endpoint&) const
{
    NOT_IMPLEMENTED("endpointCreate");
}
Endpoint Driver::endpointUpdate(const Endpoint&) const
{
    NOT_IMPLEMENTED("endpointUpdate");
}
void Driver::endpointDelete(const std::string&) const
{
    NOT_IMPLEMENTED("endpointDelete");
}
std::vector<Policy> Driver::policyList() const
{
    NOT_IMPLEMENTED("policyList");
}
Policy Driver::policyCreate(const Policy&) const
{
    NOT_IMPLEMENTED("policyCreate");
}
Policy Driver::policyUpdate(const Policy&) const
{
    NOT_IMPLEMENTED("policyUpdate");
}
void Driver::policyDelete(const std::string&) const
{
    NOT_IMPLEMENTED("policyDelete");
}
std::vector<EndpointGroup> Driver::endpointGroupList() const
{
    NOT_IMPLEMENTED("endpointGroupList");
}
EndpointGroup Driver::endpointGroupCreate(const EndpointGroup&) const
{
    NOT_IMPLEMENTED("endpointGroupCreate");
}
EndpointGroup Driver::endpointGroupUpdate(const EndpointGroup&) const
{
    NOT_IMPLEMENTED("endpointGroupUpdate");
}
void Driver::endpointGroupDelete(const std::string&) const
{
    NOT_IMPLEMENTED("endpointGroupDelete");
}
} // namespace jumpgate::identity
#undef NOT_IMPLEMENTED
