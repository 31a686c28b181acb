// SPDX-License-Identifier: Apache-2.0
// The local cloud's catalog (regions, services, endpoints), policy documents, endpoint groups and trusts, in SQLite.
#include "local.hpp"

#include <jumpgate/fault.hpp>

#include <sqlite3.h>

namespace jumpgate::local {

namespace {

using identity::Endpoint;
using identity::EndpointGroup;
using identity::Policy;
using identity::Region;
using identity::Service;

bool is_unique_violation(const std::exception& e)
{
    return std::string(e.what()).find("UNIQUE") != std::string::npos;
}

/* bind_or_null: an empty id as NULL, so that the foreign keys see none. */
void bind_or_null(Statement& s, int index, const std::string& value)
{
    if (value.empty())
        s.bind_null(index);
    else
        s.bind(index, value);
}

constexpr const char* kRegionColumns = "SELECT id, description, IFNULL(parent_region_id, '') FROM catalog_regions";
constexpr const char* kServiceColumns = "SELECT id, type, name, description, enabled FROM catalog_services";
constexpr const char* kEndpointColumns = "SELECT id, service_id, IFNULL(region_id, ''), interface, url, enabled, "
                                         "IFNULL(legacy_endpoint_id, '') FROM catalog_endpoints";

Region region_of(const Statement& s)
{
    return {s.text(0), s.text(1), s.text(2)};
}
Service service_of(const Statement& s)
{
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0};
}
Endpoint endpoint_of(const Statement& s)
{
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5) != 0, s.text(6)};
}

void insert_region(Database& db, const Region& r)
{
    Statement s(db, "INSERT INTO catalog_regions (id, description, parent_region_id) VALUES (?, ?, ?)");
    s.bind(1, r.id).bind(2, r.description);
    bind_or_null(s, 3, r.parent_region_id);
    s.step();
}

void insert_service(Database& db, const Service& v)
{
    Statement s(db, "INSERT INTO catalog_services (id, type, name, description, enabled) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, v.id).bind(2, v.type).bind(3, v.name).bind(4, v.description).bind(5, v.enabled ? 1LL : 0LL);
    s.step();
}

void insert_endpoint(Database& db, const Endpoint& e)
{
    Statement s(db, "INSERT INTO catalog_endpoints (id, service_id, region_id, interface, url, enabled, "
                    "legacy_endpoint_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, e.id).bind(2, e.service_id);
    bind_or_null(s, 3, e.region_id);
    s.bind(4, e.interface).bind(5, e.url).bind(6, e.enabled ? 1LL : 0LL);
    bind_or_null(s, 7, e.legacy_endpoint_id);
    s.step();
}

template <class T>
T one_of(Database& db, const char* columns, T (*of)(const Statement&), const std::string& id, const char* what)
{
    Statement s(db, std::string(columns) + " WHERE id = ?");
    s.bind(1, id);
    if (!s.step())
        throw NotFound(std::string("Could not find ") + what + ": " + id + ".");
    return of(s);
}

template <class T> std::vector<T> all_of(Database& db, const char* columns, T (*of)(const Statement&))
{
    Statement s(db, std::string(columns) + " ORDER BY rowid");
    std::vector<T> out;
    while (s.step())
        out.push_back(of(s));
    return out;
}

} // namespace

void Identity::catalogSeed(const identity::Catalog& catalog) const
{
    Transaction tx(*db_);
    {
        Statement seeded(*db_, "SELECT seeded FROM catalog_seed");
        if (seeded.step() && seeded.integer(0) != 0)
            return;
    }
    for (const auto& r : catalog.regions)
        insert_region(*db_, r);
    for (const auto& s : catalog.services)
        insert_service(*db_, s);
    for (const auto& e : catalog.endpoints)
        insert_endpoint(*db_, e);
    db_->exec("UPDATE catalog_seed SET seeded = 1");
    tx.commit();
}

std::vector<Region> Identity::regionList() const
{
    return all_of(*db_, kRegionColumns, region_of);
}

Region Identity::regionCreate(const Region& r) const
{
    Transaction tx(*db_);
    if (!r.parent_region_id.empty())
        one_of(*db_, kRegionColumns, region_of, r.parent_region_id, "region");
    try {
        insert_region(*db_, r);
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Conflict occurred attempting to store region - Duplicate ID, " + r.id + ".");
        throw;
    }
    tx.commit();
    return r;
}

Region Identity::regionUpdate(const Region& r) const
{
    Transaction tx(*db_);
    if (!r.parent_region_id.empty())
        one_of(*db_, kRegionColumns, region_of, r.parent_region_id, "region");
    Statement s(*db_, "UPDATE catalog_regions SET description = ?, parent_region_id = ? WHERE id = ?");
    s.bind(1, r.description);
    bind_or_null(s, 2, r.parent_region_id);
    s.bind(3, r.id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Could not find region: " + r.id + ".");
    tx.commit();
    return r;
}

void Identity::regionDelete(const std::string& region_id) const
{
    Transaction tx(*db_);
    one_of(*db_, kRegionColumns, region_of, region_id, "region");
    // The region and every region below it, deepest first; none may have endpoints.
    Statement below(*db_, "WITH RECURSIVE below(id, depth) AS (SELECT ?1, 0 UNION SELECT r.id, b.depth + 1 "
                          "FROM catalog_regions r JOIN below b ON r.parent_region_id = b.id) "
                          "SELECT id FROM below ORDER BY depth DESC");
    below.bind(1, region_id);
    std::vector<std::string> ids;
    while (below.step())
        ids.push_back(below.text(0));
    for (const auto& id : ids) {
        Statement used(*db_, "SELECT 1 FROM catalog_endpoints WHERE region_id = ? LIMIT 1");
        used.bind(1, id);
        if (used.step())
            throw Forbidden("Unable to delete region " + region_id +
                            " because it or its child regions have associated endpoints.");
    }
    for (const auto& id : ids) {
        Statement s(*db_, "DELETE FROM catalog_regions WHERE id = ?");
        s.bind(1, id);
        s.step();
    }
    tx.commit();
}

std::vector<Service> Identity::serviceList() const
{
    return all_of(*db_, kServiceColumns, service_of);
}

Service Identity::serviceCreate(const Service& v) const
{
    try {
        insert_service(*db_, v);
    } catch (const std::runtime_error& e) {
        if (is_unique_violation(e))
            throw Conflict("Conflict occurred attempting to store service - Duplicate ID, " + v.id + ".");
        throw;
    }
    return v;
}

Service Identity::serviceUpdate(const Service& v) const
{
    change("service", "UPDATE catalog_services SET type = ?, name = ?, description = ?, enabled = ? WHERE id = ?",
           {v.type, v.name, v.description, v.enabled ? "1" : "0", v.id});
    return v;
}

void Identity::serviceDelete(const std::string& service_id) const
{
    change("service", "DELETE FROM catalog_services WHERE id = ?", {service_id});
}

std::vector<Endpoint> Identity::endpointList() const
{
    return all_of(*db_, kEndpointColumns, endpoint_of);
}

Endpoint Identity::endpointCreate(const Endpoint& e) const
{
    try {
        insert_endpoint(*db_, e);
    } catch (const std::runtime_error& ex) {
        if (is_unique_violation(ex))
            throw Conflict("Conflict occurred attempting to store endpoint - Duplicate ID, " + e.id + ".");
        // The service or the region went meanwhile.
        if (std::string(ex.what()).find("FOREIGN KEY") != std::string::npos)
            throw BadRequest("Expecting to find the endpoint's service and region.");
        throw;
    }
    return e;
}

Endpoint Identity::endpointUpdate(const Endpoint& e) const
{
    Statement s(*db_, "UPDATE catalog_endpoints SET service_id = ?, region_id = ?, interface = ?, url = ?, "
                      "enabled = ? WHERE id = ?");
    s.bind(1, e.service_id);
    bind_or_null(s, 2, e.region_id);
    s.bind(3, e.interface).bind(4, e.url).bind(5, e.enabled ? 1LL : 0LL).bind(6, e.id);
    try {
        s.step();
    } catch (const std::runtime_error& ex) {
        if (std::string(ex.what()).find("FOREIGN KEY") != std::string::npos)
            throw BadRequest("Expecting to find the endpoint's service and region.");
        throw;
    }
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Could not find endpoint: " + e.id + ".");
    return e;
}

void Identity::endpointDelete(const std::string& endpoint_id) const
{
    change("endpoint", "DELETE FROM catalog_endpoints WHERE id = ?", {endpoint_id});
}

std::vector<Policy> Identity::policyList() const
{
    Statement s(*db_, "SELECT id, type, blob FROM policies ORDER BY rowid");
    std::vector<Policy> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2)});
    return out;
}

Policy Identity::policyCreate(const Policy& p) const
{
    change("policy", "INSERT INTO policies (id, type, blob) VALUES (?, ?, ?)", {p.id, p.type, p.blob});
    return p;
}

Policy Identity::policyUpdate(const Policy& p) const
{
    change("policy", "UPDATE policies SET type = ?, blob = ? WHERE id = ?", {p.type, p.blob, p.id});
    return p;
}

void Identity::policyDelete(const std::string& policy_id) const
{
    change("policy", "DELETE FROM policies WHERE id = ?", {policy_id});
}

std::vector<EndpointGroup> Identity::endpointGroupList() const
{
    Statement s(*db_, "SELECT id, name, description, filters FROM endpoint_groups ORDER BY rowid");
    std::vector<EndpointGroup> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2), s.text(3)});
    return out;
}

EndpointGroup Identity::endpointGroupCreate(const EndpointGroup& g) const
{
    change("endpoint group", "INSERT INTO endpoint_groups (id, name, description, filters) VALUES (?, ?, ?, ?)",
           {g.id, g.name, g.description, g.filters});
    return g;
}

EndpointGroup Identity::endpointGroupUpdate(const EndpointGroup& g) const
{
    change("endpoint group", "UPDATE endpoint_groups SET name = ?, description = ?, filters = ? WHERE id = ?",
           {g.name, g.description, g.filters, g.id});
    return g;
}

void Identity::endpointGroupDelete(const std::string& group_id) const
{
    change("endpoint group", "DELETE FROM endpoint_groups WHERE id = ?", {group_id});
}

namespace {

constexpr const char* kTrustColumns = "SELECT id, trustor_user_id, trustee_user_id, IFNULL(project_id, ''), "
                                      "impersonation, expires_at, IFNULL(remaining_uses, -1) FROM trusts";

identity::Trust trust_of(const Statement& s)
{
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0, s.integer(5), static_cast<int>(s.integer(6)),
            {}};
}

void with_roles(Database& db, identity::Trust& t)
{
    Statement s(db, "SELECT role_id FROM trust_roles WHERE trust_id = ? ORDER BY rowid");
    s.bind(1, t.id);
    while (s.step())
        t.roles.push_back(s.text(0));
}

} // namespace

std::vector<identity::Trust> Identity::trustList() const
{
    ReadTransaction read(*db_);
    auto out = all_of(*db_, kTrustColumns, trust_of);
    for (auto& t : out)
        with_roles(*db_, t);
    return out;
}

identity::Trust Identity::trustGet(const std::string& trust_id) const
{
    ReadTransaction read(*db_);
    auto t = one_of(*db_, kTrustColumns, trust_of, trust_id, "trust");
    with_roles(*db_, t);
    return t;
}

identity::Trust Identity::trustCreate(const identity::Trust& t) const
{
    Transaction tx(*db_);
    Statement s(*db_, "INSERT INTO trusts (id, trustor_user_id, trustee_user_id, project_id, impersonation, "
                      "expires_at, remaining_uses) VALUES (?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, t.id).bind(2, t.trustor_user_id).bind(3, t.trustee_user_id);
    bind_or_null(s, 4, t.project_id);
    s.bind(5, t.impersonation ? 1LL : 0LL).bind(6, static_cast<long long>(t.expires_at));
    if (t.remaining_uses < 0)
        s.bind_null(7);
    else
        s.bind(7, static_cast<long long>(t.remaining_uses));
    try {
        s.step();
        for (const auto& role : t.roles) {
            Statement r(*db_, "INSERT INTO trust_roles (trust_id, role_id) VALUES (?, ?)");
            r.bind(1, t.id).bind(2, role);
            r.step();
        }
    } catch (const std::runtime_error& e) {
        // A user, project or role deleted meanwhile.
        if (std::string(e.what()).find("FOREIGN KEY") != std::string::npos)
            throw NotFound("Could not find the trust's users, project or roles.");
        throw;
    }
    tx.commit();
    return t;
}

void Identity::trustDelete(const std::string& trust_id) const
{
    change("trust", "DELETE FROM trusts WHERE id = ?", {trust_id});
}

void Identity::trustConsume(const std::string& trust_id) const
{
    // One statement: two tokens asked at once cannot both take the last use.
    Statement s(*db_, "UPDATE trusts SET remaining_uses = remaining_uses - 1 WHERE id = ? AND remaining_uses > 0");
    s.bind(1, trust_id);
    s.step();
    if (sqlite3_changes(db_->handle()) != 0)
        return;
    auto t = trustGet(trust_id);
    if (t.remaining_uses == 0)
        throw Forbidden("The trust has no uses left.");
}

} // namespace jumpgate::local
