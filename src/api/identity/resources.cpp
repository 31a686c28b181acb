// SPDX-License-Identifier: Apache-2.0
// Keystone v3 resources: domains, projects, users, roles, role assignments and application credentials.
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/time.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include <openssl/rand.h>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"
#include "api/identity/fields.hpp"
#include "api/identity/identity.hpp"

namespace jumpgate::identity {

namespace {

json view(const Request& req, const Domain& d)
{
    return {{"id", d.id},
            {"name", d.name},
            {"description", d.description},
            {"enabled", d.enabled},
            {"tags", json::array()},
            {"options", json::object()},
            {"links", {{"self", url(req, "v3_domains_with_id", "domain_id", d.id)}}}};
}

json view(const Request& req, const Role& r)
{
    return {{"id", r.id},
            {"name", r.name},
            {"domain_id", r.domain_id.empty() ? json(nullptr) : json(r.domain_id)},
            {"description", nullptr},
            {"options", json::object()},
            {"links", {{"self", url(req, "v3_role", "role_id", r.id)}}}};
}

// An ISO 8601 time as seconds and the microseconds of a fraction ("2026-01-01T00:00:00.214584").
std::pair<std::int64_t, int> parse_time(const std::string& text)
{
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end)
        throw BadRequest("Invalid expires_at '" + text + "': ISO 8601 expected.");
    int micros = 0;
    if (*end == '.') {
        int digits = 0;
        for (++end; *end >= '0' && *end <= '9'; ++end)
            if (digits < 6) {
                micros = micros * 10 + (*end - '0');
                ++digits;
            }
        for (; digits < 6; ++digits)
            micros *= 10;
    }
    return {static_cast<std::int64_t>(timegm(&tm)), micros};
}

std::string expiry_text(const ApplicationCredential& c)
{
    std::string text = api::iso_time(c.expires_at, false);
    std::string micros = std::to_string(c.expires_at_micros);
    text.replace(text.size() - 6, 6, std::string(6 - micros.size(), '0') + micros);
    return text;
}

json view(const Request& req, const ApplicationCredential& c, const Driver& driver)
{
    json roles = json::array();
    auto all = driver.roleList();
    for (const auto& id : c.roles)
        for (const auto& r : all)
            if (r.id == id)
                roles.push_back({{"id", r.id}, {"name", r.name}, {"domain_id", nullptr}});
    return {
        {"id", c.id},
        {"name", c.name},
        {"description", c.description.empty() ? json(nullptr) : json(c.description)},
        {"project_id", c.project_id},
        {"user_id", c.user_id},
        {"roles", std::move(roles)},
        {"expires_at", c.expires_at ? json(expiry_text(c)) : json(nullptr)},
        {"unrestricted", c.unrestricted},
        {"access_rules", json::array()},
        {"links",
         {{"self", req.dispatcher()->endpoint_url(req, "v3_user_application_credential",
                                                  {{"user_id", c.user_id}, {"application_credential_id", c.id}})}}}};
}

/*
 * project_ref: the default_project_id `o` gives, as Keystone's schema takes it: null (none) or an id
 * of 1 to 64 letters, digits and dashes; `fallback` when absent. A project that does not exist is
 * taken too, as Keystone takes it.
 */
std::string project_ref(const json& o, const std::string& fallback)
{
    if (!o.contains("default_project_id"))
        return fallback;
    const json& v = o["default_project_id"];
    if (v.is_null())
        return "";
    if (!v.is_string() || v.get_ref<const std::string&>().empty() || v.get_ref<const std::string&>().size() > 64 ||
        v.get_ref<const std::string&>().find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                          "0123456789-") != std::string::npos)
        throw BadRequest("Invalid input for field 'default_project_id': " + v.dump() + " is not a valid id.");
    return v.get<std::string>();
}

template <class T> void filter_by(const Request& req, std::vector<T>& items)
{
    if (req.has_query("name")) {
        std::string name(req.query("name"));
        std::erase_if(items, [&](const T& i) { return i.name != name; });
    }
    if (req.has_query("enabled")) {
        bool enabled = api::parse_bool("enabled", req.query("enabled"));
        std::erase_if(items, [&](const T& i) { return i.enabled != enabled; });
    }
    if constexpr (requires(T t) { t.domain_id; })
        if (req.has_query("domain_id")) {
            std::string domain(req.query("domain_id"));
            std::erase_if(items, [&](const T& i) { return i.domain_id != domain; });
        }
}

template <class T> json listed(const Request& req, std::vector<T> items)
{
    filter_by(req, items);
    json out = json::array();
    for (const auto& i : items)
        out.push_back(view(req, i));
    return out;
}

void domain_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_domains");
    resp.json({{"domains", listed(req, d.domainList())}, {"links", list_links(req)}});
}

void domain_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_domain");
    const json& b = body(req, "domain");
    Domain created = d.domainCreate(
        {.name = name_text(b, "name", 64), .description = text(b, "description"), .enabled = flag(b, "enabled", true)});
    resp.status = 201;
    resp.json({{"domain", view(req, created)}});
}

// Any authenticated user reads a domain: Tempest's DefaultDomainTestJSON does as a member.
void domain_show(const Driver& d, const Request& req, Response& resp)
{
    resp.json({{"domain", view(req, d.domainGet(req.param("domain_id")))}});
}

void domain_update(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_domain");
    Domain dom = d.domainGet(req.param("domain_id"));
    const json& b = body(req, "domain");
    dom.name = name_text(b, "name", 64, dom.name);
    dom.description = text(b, "description", dom.description);
    dom.enabled = flag(b, "enabled", dom.enabled);
    resp.json({{"domain", view(req, d.domainUpdate(dom))}});
}

void domain_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_domain");
    d.domainDelete(req.param("domain_id"));
    resp.status = 204;
}

/* query_true: a flag of Keystone's query (include_names, effective, subtree_as_list...): present, and anything but "0".
 */
bool query_true(const Request& req, std::string_view name)
{
    return req.has_query(name) && req.query(name) != "0";
}

/*
 * tag_list: a project's tags as Keystone's schema takes them: at most 80, each once, each 1 to 255
 * characters without '/' or ','; 400 naming the field otherwise.
 */
std::vector<std::string> tag_list(const json& v)
{
    if (!v.is_array())
        throw BadRequest("Invalid input for field 'tags': " + v.dump() + " is not of type 'array'.");
    if (v.size() > 80)
        throw BadRequest("Invalid input for field 'tags': a project has at most 80 tags.");
    std::vector<std::string> tags;
    for (const auto& t : v) {
        if (!t.is_string() || t.get_ref<const std::string&>().empty() ||
            api::utf8_length(t.get_ref<const std::string&>()) > 255 ||
            t.get_ref<const std::string&>().find_first_of(",/") != std::string::npos)
            throw BadRequest("Invalid input for field 'tags': " + t.dump() +
                             " is not a tag of 1 to 255 characters without '/' or ','.");
        if (std::find(tags.begin(), tags.end(), t.get<std::string>()) != tags.end())
            throw BadRequest("Invalid input for field 'tags': " + v.dump() + " has non-unique elements.");
        tags.push_back(t.get<std::string>());
    }
    return tags;
}

/* query_tags: the tags a list filter names, comma-separated. */
std::vector<std::string> query_tags(const Request& req, std::string_view name)
{
    std::vector<std::string> tags;
    std::string_view text = req.query(name);
    while (!text.empty()) {
        auto comma = std::min(text.find(','), text.size());
        tags.emplace_back(text.substr(0, comma));
        text.remove_prefix(std::min(comma + 1, text.size()));
    }
    return tags;
}

/* Tree: every project, by id and by parent (the domain's id for a project at the top). */
struct Tree {
    std::map<std::string, Project> by_id;
    std::multimap<std::string, std::string> children;

    explicit Tree(std::vector<Project> all)
    {
        for (auto& p : all) {
            children.emplace(p.parent_id.empty() ? p.domain_id : p.parent_id, p.id);
            by_id.emplace(p.id, std::move(p));
        }
    }
    /* below: the projects under `id`, each before its own children. */
    std::vector<Project> below(const std::string& id) const
    {
        std::vector<Project> out;
        auto [from, to] = children.equal_range(id);
        for (auto it = from; it != to; ++it) {
            out.push_back(by_id.at(it->second));
            auto deeper = below(it->second);
            out.insert(out.end(), deeper.begin(), deeper.end());
        }
        return out;
    }
    /* ids_below: Keystone's subtree_as_ids: each child's id to its own, null for none. */
    json ids_below(const std::string& id) const
    {
        auto [from, to] = children.equal_range(id);
        if (from == to)
            return nullptr;
        json out = json::object();
        for (auto it = from; it != to; ++it)
            out[it->second] = ids_below(it->second);
        return out;
    }
};

/* parents_of: the projects above `p`, nearest first, its domain not included. */
std::vector<Project> parents_of(const Driver& d, const Project& p)
{
    std::vector<Project> out;
    for (std::string id = p.parent_id; !id.empty() && out.size() < 16; id = out.back().parent_id)
        out.push_back(d.projectFind({.id = id}));
    return out;
}

/*
 * One model, as Keystone's: a domain is a project acting as one (is_domain), at the top of no domain. Jumpgate
 * keeps the domain's row alone; the project API shows it in a project's shape and changes it through the same
 * domain operations as /v3/domains.
 */
json domain_as_project(const Request& req, const Domain& dm)
{
    return {{"id", dm.id},
            {"name", dm.name},
            {"domain_id", nullptr},
            {"description", dm.description},
            {"enabled", dm.enabled},
            {"parent_id", nullptr},
            {"is_domain", true},
            {"tags", json::array()},
            {"options", json::object()},
            {"links", {{"self", url(req, "v3_projects_with_id", "project_id", dm.id)}}}};
}

/* acting_domain: the domain the path's project id names when no project has it (the project's 404 otherwise). */
Domain acting_domain(const Driver& d, const Request& req, const NotFound& project_not_found)
{
    try {
        return d.domainGet(req.param("project_id"));
    } catch (const NotFound&) {
        throw project_not_found;
    }
}

void project_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_projects");
    if (req.has_query("is_domain") && api::parse_bool("is_domain", req.query("is_domain"))) {
        json out = json::array();
        for (const auto& dm : d.domainList())
            if (!req.has_query("name") || dm.name == req.query("name"))
                out.push_back(domain_as_project(req, dm));
        resp.json({{"projects", std::move(out)}, {"links", list_links(req)}});
        return;
    }
    auto items = d.projectList();
    filter_by(req, items);
    if (req.has_query("parent_id")) {
        std::string parent(req.query("parent_id"));
        std::erase_if(items,
                      [&](const Project& p) { return (p.parent_id.empty() ? p.domain_id : p.parent_id) != parent; });
    }
    auto holds = [](const Project& p, const std::string& tag) {
        return std::find(p.tags.begin(), p.tags.end(), tag) != p.tags.end();
    };
    if (req.has_query("tags"))
        for (const auto& tag : query_tags(req, "tags"))
            std::erase_if(items, [&](const Project& p) { return !holds(p, tag); });
    if (req.has_query("tags-any")) {
        auto tags = query_tags(req, "tags-any");
        std::erase_if(items, [&](const Project& p) {
            return std::none_of(tags.begin(), tags.end(), [&](const auto& t) { return holds(p, t); });
        });
    }
    if (req.has_query("not-tags")) {
        auto tags = query_tags(req, "not-tags");
        std::erase_if(items, [&](const Project& p) {
            return std::all_of(tags.begin(), tags.end(), [&](const auto& t) { return holds(p, t); });
        });
    }
    if (req.has_query("not-tags-any")) {
        auto tags = query_tags(req, "not-tags-any");
        std::erase_if(items, [&](const Project& p) {
            return std::any_of(tags.begin(), tags.end(), [&](const auto& t) { return holds(p, t); });
        });
    }
    json out = json::array();
    for (const auto& p : items)
        out.push_back(view(req, p));
    resp.json({{"projects", std::move(out)}, {"links", list_links(req)}});
}

/*
 * project_create: a project at the top of its domain, or under a project of the same domain
 * (parent_id; the domain's id names the top) whose branch is enabled and less than Keystone's
 * max_project_tree_depth (5) deep.
 */
void project_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_project");
    const json& b = body(req, "project");
    if (flag(b, "is_domain", false)) {
        // As Keystone: a project acting as a domain is at the top, in no domain.
        if (!text(b, "parent_id").empty() || !text(b, "domain_id").empty())
            throw BadRequest("Invalid input for field 'is_domain': a project acting as a domain has no parent and "
                             "no domain.");
        Domain dm = d.domainCreate({.name = name_text(b, "name", 64),
                                    .description = text(b, "description"),
                                    .enabled = flag(b, "enabled", true)});
        resp.status = 201;
        resp.json({{"project", domain_as_project(req, dm)}});
        return;
    }
    Project p{.name = name_text(b, "name", 64),
              .domain_id = text(b, "domain_id", req.context().domain_id.empty() ? "default" : req.context().domain_id),
              .description = text(b, "description"),
              .enabled = flag(b, "enabled", true),
              .parent_id = text(b, "parent_id")};
    if (b.contains("tags"))
        p.tags = tag_list(b["tags"]);
    try {
        if (!p.parent_id.empty() && p.parent_id != p.domain_id) {
            Project parent = d.projectFind({.id = p.parent_id});
            if (parent.domain_id != p.domain_id)
                throw BadRequest("Cannot create project, since it specifies its domain_id " + p.domain_id +
                                 ", but specifies a parent in a different domain (" + parent.domain_id + ").");
            auto branch = parents_of(d, parent);
            branch.insert(branch.begin(), parent);
            for (const auto& above : branch)
                if (!above.enabled)
                    throw BadRequest("cannot create a project in a branch containing a disabled project: " + above.id);
            if (branch.size() >= 5)
                throw Forbidden("Max hierarchy depth reached for " + parent.id + " branch.");
        } else {
            p.parent_id.clear();
        }
        p = d.projectCreate(p);
    } catch (const NotFound& e) { // its domain or parent: Keystone answers a reference to none as a bad request
        throw BadRequest(e.what());
    }
    resp.status = 201;
    resp.json({{"project", view(req, p)}});
}

/*
 * project_show: a project, with ?parents_as_list / parents_as_ids the projects above it (its domain
 * at the top of the ids, as Keystone's domain acting as a project; the list only those the caller
 * has a role on) and ?subtree_as_list / subtree_as_ids those below it.
 */
void project_show(const Driver& d, const Request& req, Response& resp)
{
    if (req.context().project_id != req.param("project_id"))
        require_admin(req, "get_project");
    bool parents_list = query_true(req, "parents_as_list"), parents_ids = query_true(req, "parents_as_ids");
    bool subtree_list = query_true(req, "subtree_as_list"), subtree_ids = query_true(req, "subtree_as_ids");
    if (parents_list && parents_ids)
        throw BadRequest("Cannot use parents_as_list and parents_as_ids query params at the same time.");
    if (subtree_list && subtree_ids)
        throw BadRequest("Cannot use subtree_as_list and subtree_as_ids query params at the same time.");
    Project p;
    try {
        p = d.projectFind({.id = req.param("project_id")});
    } catch (const NotFound& e) {
        resp.json({{"project", domain_as_project(req, acting_domain(d, req, e))}});
        return;
    }
    json v = view(req, p);
    if (parents_list || parents_ids) {
        auto parents = parents_of(d, p);
        if (parents_list) {
            auto mine = d.projectListForUser(req.context().user_id);
            v["parents"] = json::array();
            for (const auto& above : parents)
                if (std::any_of(mine.begin(), mine.end(), [&](const Project& m) { return m.id == above.id; }))
                    v["parents"].push_back({{"project", view(req, above)}});
        } else {
            json ids = {{p.domain_id, nullptr}};
            for (auto it = parents.rbegin(); it != parents.rend(); ++it)
                ids = {{it->id, std::move(ids)}};
            v["parents"] = std::move(ids);
        }
    }
    if (subtree_list || subtree_ids) {
        Tree tree(d.projectList());
        if (subtree_ids)
            v["subtree"] = tree.ids_below(p.id);
        else {
            auto mine = d.projectListForUser(req.context().user_id);
            v["subtree"] = json::array();
            for (const auto& below : tree.below(p.id))
                if (std::any_of(mine.begin(), mine.end(), [&](const Project& m) { return m.id == below.id; }))
                    v["subtree"].push_back({{"project", view(req, below)}});
        }
    }
    resp.json({{"project", std::move(v)}});
}

/*
 * project_update: name, description, enabled and tags, as Keystone changes them: never the parent
 * nor the domain; a project is disabled after those below it, enabled after those above it.
 */
void project_update(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_project");
    const json& b = body(req, "project");
    Project p;
    try {
        p = d.projectFind({.id = req.param("project_id")});
    } catch (const NotFound& e) {
        Domain dm = acting_domain(d, req, e);
        if (b.contains("is_domain") && !flag(b, "is_domain", true))
            throw BadRequest("Update of `is_domain` is not allowed.");
        dm.name = name_text(b, "name", 64, dm.name);
        dm.description = text(b, "description", dm.description);
        dm.enabled = flag(b, "enabled", dm.enabled);
        resp.json({{"project", domain_as_project(req, d.domainUpdate(dm))}});
        return;
    }
    if (b.contains("parent_id") && text(b, "parent_id") != (p.parent_id.empty() ? p.domain_id : p.parent_id))
        throw Forbidden("Update of `parent_id` is not allowed.");
    if (b.contains("is_domain") && flag(b, "is_domain", false))
        throw BadRequest("Update of `is_domain` is not allowed.");
    if (b.contains("domain_id") && text(b, "domain_id") != p.domain_id)
        throw BadRequest("Cannot change Domain ID");
    p.name = name_text(b, "name", 64, p.name);
    p.description = text(b, "description", p.description);
    bool was_enabled = std::exchange(p.enabled, flag(b, "enabled", p.enabled));
    if (b.contains("tags"))
        p.tags = tag_list(b["tags"]);
    if (p.enabled && !was_enabled)
        for (const auto& above : parents_of(d, p))
            if (!above.enabled)
                throw Forbidden("Cannot enable project " + p.id + " since it has disabled parents");
    if (!p.enabled && was_enabled)
        for (const auto& below : Tree(d.projectList()).below(p.id))
            if (below.enabled)
                throw Forbidden("Cannot disable project " + p.id + " since its subtree contains enabled projects.");
    resp.json({{"project", view(req, d.projectUpdate(p))}});
}

void project_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_project");
    try {
        d.projectDelete(req.param("project_id"));
    } catch (const NotFound& e) {
        d.domainDelete(acting_domain(d, req, e).id);
    }
    resp.status = 204;
}

// A project's tags: its own users read them, as the project; the admin changes them.
json tags_view(const Request& req, const Project& p)
{
    return {{"tags", p.tags}, {"links", {{"self", url(req, "v3_project_tags", "project_id", p.id)}}}};
}

Project tagged_project(const Driver& d, const Request& req, const char* action, bool change)
{
    if (change || req.context().project_id != req.param("project_id"))
        require_admin(req, action);
    return d.projectFind({.id = req.param("project_id")});
}

void project_tag_list(const Driver& d, const Request& req, Response& resp)
{
    resp.json(tags_view(req, tagged_project(d, req, "list_project_tags", false)));
}

void project_tags_set(const Driver& d, const Request& req, Response& resp)
{
    Project p = tagged_project(d, req, "update_project_tags", true);
    const json& b = req.json_body();
    p.tags = tag_list(b.is_object() && b.contains("tags") ? b["tags"] : json::object());
    resp.json(tags_view(req, d.projectUpdate(p)));
}

void project_tags_clear(const Driver& d, const Request& req, Response& resp)
{
    Project p = tagged_project(d, req, "delete_project_tags", true);
    p.tags.clear();
    d.projectUpdate(p);
    resp.status = 204;
}

void project_tag_check(const Driver& d, const Request& req, Response& resp)
{
    Project p = tagged_project(d, req, "get_project_tag", false);
    if (std::find(p.tags.begin(), p.tags.end(), req.param("tag")) == p.tags.end())
        throw NotFound("Could not find project tag: " + req.param("tag") + ".");
    resp.status = 204;
}

void project_tag_add(const Driver& d, const Request& req, Response& resp)
{
    Project p = tagged_project(d, req, "create_project_tag", true);
    json tags = p.tags;
    tags.push_back(req.param("tag"));
    p.tags = tag_list(tags);
    d.projectUpdate(p);
    resp.status = 201;
    resp.set_header("Location", req.dispatcher()->endpoint_url(req, "v3_project_tag",
                                                               {{"project_id", p.id}, {"tag", req.param("tag")}}));
}

void project_tag_delete(const Driver& d, const Request& req, Response& resp)
{
    Project p = tagged_project(d, req, "delete_project_tag", true);
    auto it = std::find(p.tags.begin(), p.tags.end(), req.param("tag"));
    if (it == p.tags.end())
        throw NotFound("Could not find project tag: " + req.param("tag") + ".");
    p.tags.erase(it);
    d.projectUpdate(p);
    resp.status = 204;
}

// What Keystone models of a user; a body's other keys are its `extra`, kept and returned.
constexpr std::string_view kUserAttributes[] = {
    "id",          "name",  "domain_id", "password",  "enabled", "default_project_id",
    "description", "email", "options",   "federated", "links",   "password_expires_at"};

void user_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_users");
    resp.json({{"users", listed(req, d.userList())}, {"links", list_links(req)}});
}

void user_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_user");
    const json& b = body(req, "user");
    std::string password = text(b, "password");
    if (password.empty()) {
        // A user without a password cannot authenticate with one: a random secret.
        unsigned char bytes[24];
        RAND_bytes(bytes, sizeof bytes);
        password.assign(reinterpret_cast<const char*>(bytes), sizeof bytes);
    }
    User created = d.userCreate({.name = name_text(b, "name", 255),
                                 .domain_id = text(b, "domain_id", "default"),
                                 .description = text(b, "description"),
                                 .email = text(b, "email"),
                                 .enabled = flag(b, "enabled", true),
                                 .default_project_id = project_ref(b, ""),
                                 .extra = extra_of(b, kUserAttributes)},
                                password);
    resp.status = 201;
    resp.json({{"user", view(req, created)}});
}

void user_show(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "get_user");
    resp.json({{"user", view(req, d.userGet(req.param("user_id")))}});
}

void user_update(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_user");
    User u = d.userGet(req.param("user_id"));
    const json& b = body(req, "user");
    u.name = name_text(b, "name", 255, u.name);
    u.description = text(b, "description", u.description);
    u.email = text(b, "email", u.email);
    u.enabled = flag(b, "enabled", u.enabled);
    u.default_project_id = project_ref(b, u.default_project_id);
    u.extra = extra_of(b, kUserAttributes, u.extra);
    User updated = d.userUpdate(u);
    if (!text(b, "password").empty())
        d.userPasswordReset(u.id, text(b, "password"));
    resp.json({{"user", view(req, updated)}});
}

void user_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_user");
    d.userDelete(req.param("user_id"));
    resp.status = 204;
}

void user_password_change(const Driver& d, const Request& req, Response& resp)
{
    std::string user_id = req.param("user_id");
    const json& b = body(req, "user");
    std::string password = text(b, "password");
    if (password.empty())
        throw BadRequest("Invalid input for field 'password': it may not be empty.");
    d.userAuthenticate({.id = user_id}, text(b, "original_password"));
    d.userPasswordSet(user_id, password);
    resp.status = 204;
}

void user_projects(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "list_user_projects");
    json out = json::array();
    for (const auto& p : d.projectListForUser(req.param("user_id")))
        out.push_back(view(req, p));
    resp.json({{"projects", out}, {"links", list_links(req)}});
}

Role role_by_id(const Driver& d, const std::string& id)
{
    for (const auto& r : d.roleList())
        if (r.id == id)
            return r;
    throw NotFound("Could not find role: " + id + ".");
}

/*
 * Keystone's default policy (identity:list_roles) keeps the list to the admin and the system's readers.
 * As Keystone: the global roles, or with ?domain_id those of that domain.
 */
void role_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_roles");
    auto items = d.roleList();
    std::erase_if(items, [&](const Role& r) { return r.domain_id != req.query("domain_id"); });
    if (req.has_query("name"))
        std::erase_if(items, [&](const Role& r) { return r.name != req.query("name"); });
    json out = json::array();
    for (const auto& i : items)
        out.push_back(view(req, i));
    resp.json({{"roles", out}, {"links", list_links(req)}});
}

void role_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_role");
    const json& b = body(req, "role");
    resp.status = 201;
    Role r{.name = name_text(b, "name", 255), .domain_id = text(b, "domain_id")};
    if (!r.domain_id.empty())
        try {
            d.domainGet(r.domain_id);
        } catch (const NotFound& e) {
            throw BadRequest(e.what());
        }
    resp.json({{"role", view(req, d.roleCreate(r))}});
}

void role_show(const Driver& d, const Request& req, Response& resp)
{
    resp.json({{"role", view(req, role_by_id(d, req.param("role_id")))}});
}

void role_update(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_role");
    Role r = role_by_id(d, req.param("role_id"));
    const json& b = body(req, "role");
    r.name = name_text(b, "name", 255, r.name);
    if (b.contains("domain_id") && text(b, "domain_id") != r.domain_id)
        throw BadRequest("Invalid input for field 'domain_id': a role's domain cannot change.");
    resp.json({{"role", view(req, d.roleUpdate(r))}});
}

void role_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_role");
    d.roleDelete(req.param("role_id"));
    resp.status = 204;
}

/*
 * GrantPath: what a grant's path names: the roles of a user or a group, on a project or a domain,
 * inherited to the projects there (OS-INHERIT) or not.
 */
struct GrantPath {
    bool on_project;
    bool of_group;
    bool inherited;
};

constexpr GrantPath kUserOnProject{true, false, false};
constexpr GrantPath kUserOnDomain{false, false, false};
constexpr GrantPath kGroupOnProject{true, true, false};
constexpr GrantPath kGroupOnDomain{false, true, false};
constexpr GrantPath kUserInheritedFromDomain{false, false, true};
constexpr GrantPath kGroupInheritedFromDomain{false, true, true};
constexpr GrantPath kUserInheritedFromProject{true, false, true};
constexpr GrantPath kGroupInheritedFromProject{true, true, true};

/* grant_of: the assignment of `role_id` (empty: any) that the path names. */
Assignment grant_of(const Request& req, GrantPath g, const std::string& role_id)
{
    Assignment a{.role_id = role_id, .inherited = g.inherited};
    (g.of_group ? a.group_id : a.user_id) = req.param(g.of_group ? "group_id" : "user_id");
    (g.on_project ? a.project_id : a.domain_id) = req.param(g.on_project ? "project_id" : "domain_id");
    return a;
}

/*
 * target_check: NotFound for the project or domain of `a` when it is not there, as Keystone checks it;
 * Forbidden when `role` is a domain's own and the target is not in that domain.
 */
void target_check(const Driver& d, const Assignment& a, const Role& role = {})
{
    std::string domain_id =
        a.project_id.empty() ? d.domainGet(a.domain_id).id : d.projectFind({.id = a.project_id}).domain_id;
    if (!role.domain_id.empty() && role.domain_id != domain_id)
        throw Forbidden("The role " + role.id + " is specific to domain " + role.domain_id +
                        " and cannot be assigned outside it.");
}

/* granted: the ids of the roles given as `pattern` gives them, its role aside: those of its groups not included. */
std::vector<std::string> granted(const Driver& d, const Assignment& pattern)
{
    std::vector<std::string> ids;
    for (auto a : d.roleAssignmentList()) {
        std::string role_id = std::exchange(a.role_id, pattern.role_id);
        if (a == pattern)
            ids.push_back(role_id);
    }
    return ids;
}

template <GrantPath G> void grant_check(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "check_grant");
    Assignment a = grant_of(req, G, role_by_id(d, req.param("role_id")).id);
    target_check(d, a);
    auto ids = granted(d, grant_of(req, G, ""));
    if (std::find(ids.begin(), ids.end(), a.role_id) == ids.end())
        throw NotFound("Could not find role assignment.");
    resp.status = 204;
}

template <GrantPath G> void grant_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_grant");
    Role role = role_by_id(d, req.param("role_id"));
    Assignment a = grant_of(req, G, role.id);
    if (G.of_group)
        d.groupGet(a.group_id);
    else
        d.userGet(a.user_id);
    target_check(d, a, role);
    d.roleAssign(a);
    resp.status = 204;
}

template <GrantPath G> void grant_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "revoke_grant");
    d.roleUnassign(grant_of(req, G, req.param("role_id")));
    resp.status = 204;
}

// A user reads their own grants; a group's are the admin's.
template <GrantPath G> void grant_list(const Driver& d, const Request& req, Response& resp)
{
    if (G.of_group)
        require_admin(req, "list_grants");
    else
        require_self_or_admin(req, req.param("user_id"), "list_grants");
    Assignment pattern = grant_of(req, G, "");
    target_check(d, pattern);
    auto ids = granted(d, pattern);
    json out = json::array();
    for (const auto& r : d.roleList())
        if (std::find(ids.begin(), ids.end(), r.id) != ids.end())
            out.push_back(view(req, r));
    resp.json({{"roles", out}, {"links", list_links(req)}});
}

/*
 * Names: the names Keystone adds to role assignments with ?include_names, each looked up once per
 * request: a role's, a user's, a group's and a project's with their domain's, a domain's.
 */
class Names {
  public:
    explicit Names(const Driver& d) : d_(d)
    {
        for (const auto& r : d.roleList())
            roles_[r.id] = r.name;
    }

    json role(const std::string& id) const { return {{"id", id}, {"name", found(roles_, id)}}; }
    json domain(const std::string& id)
    {
        if (!domains_.count(id))
            domains_[id] = d_.domainGet(id).name;
        return {{"id", id}, {"name", domains_[id]}};
    }
    json user(const std::string& id)
    {
        if (!users_.count(id)) {
            User u = d_.userGet(id);
            users_[id] = {u.name, u.domain_id};
        }
        return named(id, users_[id]);
    }
    json group(const std::string& id)
    {
        if (!groups_.count(id)) {
            Group g = d_.groupGet(id);
            groups_[id] = {g.name, g.domain_id};
        }
        return named(id, groups_[id]);
    }
    json project(const std::string& id)
    {
        if (!projects_.count(id)) {
            Project p = d_.projectFind({.id = id});
            projects_[id] = {p.name, p.domain_id};
        }
        return named(id, projects_[id]);
    }

  private:
    using NameInDomain = std::pair<std::string, std::string>;

    static std::string found(const std::map<std::string, std::string>& names, const std::string& id)
    {
        auto it = names.find(id);
        return it == names.end() ? "" : it->second;
    }
    json named(const std::string& id, const NameInDomain& name)
    {
        return {{"id", id}, {"name", name.first}, {"domain", domain(name.second)}};
    }

    const Driver& d_;
    std::map<std::string, std::string> roles_;
    std::map<std::string, std::string> domains_;
    std::map<std::string, NameInDomain> users_;
    std::map<std::string, NameInDomain> groups_;
    std::map<std::string, NameInDomain> projects_;
};

/*
 * role_assignment_list: the assignments as made, or with ?effective what they give as Keystone
 * works it out: a group's to each of its users (linked to the membership), an inherited one to each
 * project of its domain or below its project, each with the roles it implies (linked to the assignment of the prior
 * role); without the system's grants, which Keystone's effective list leaves out.
 */
void role_assignment_list(const Driver& d, const Request& req, Response& resp)
{
    std::string user(req.query("user.id")), group(req.query("group.id")), project(req.query("scope.project.id")),
        domain(req.query("scope.domain.id")), role(req.query("role.id")), system(req.query("scope.system"));
    if (user != req.context().user_id)
        require_admin(req, "list_role_assignments");
    if (!domain.empty() && !project.empty())
        throw BadRequest("Specify a domain or project, not both");
    if (!system.empty() && !domain.empty())
        throw BadRequest("Specify system or domain, not both");
    if (!system.empty() && !project.empty())
        throw BadRequest("Specify system or project, not both");
    if (!user.empty() && !group.empty())
        throw BadRequest("Specify a user or group, not both");
    bool effective = query_true(req, "effective");
    std::optional<bool> inherited;
    if (req.has_query("scope.OS-INHERIT:inherited_to"))
        inherited = req.query("scope.OS-INHERIT:inherited_to") == "projects";
    if (effective && !group.empty())
        throw BadRequest("Combining effective and group filter will always result in an empty list.");
    if (effective && inherited.value_or(false) && !domain.empty())
        throw BadRequest("Combining effective, domain and inherited filters will always result in an empty list.");
    std::optional<Names> names;
    if (query_true(req, "include_names"))
        names.emplace(d);
    std::vector<RoleInference> rules = effective ? d.roleInferenceList() : std::vector<RoleInference>{};
    // As Keystone: what a domain's own role gives is the roles it implies; it is not among them itself.
    std::set<std::string> domain_roles;
    if (effective)
        for (const auto& r : d.roleList())
            if (!r.domain_id.empty())
                domain_roles.insert(r.id);
    std::string base = req.dispatcher()->base_url(req) + "/v3/";
    json out = json::array();
    // One row: `a` shown as held by `user_id` (empty: by a's group) on a project or a domain (both empty:
    // the system), its role or (prior_id set) a role that one implies.
    auto add = [&](const Assignment& a, const std::string& user_id, const std::string& project_id,
                   const std::string& domain_id, const std::string& role_id, const std::string& prior_id) {
        if ((!role.empty() && role_id != role) || (!user.empty() && user_id != user) ||
            (!group.empty() && (a.group_id != group || !user_id.empty())) ||
            (!project.empty() && project_id != project) || (!domain.empty() && domain_id != domain) ||
            (inherited && a.inherited != *inherited) || domain_roles.count(role_id))
            return;
        json scope = a.system ? json{{"system", {{"all", true}}}}
                     : project_id.empty()
                         ? json{{"domain", names ? names->domain(domain_id) : json{{"id", domain_id}}}}
                         : json{{"project", names ? names->project(project_id) : json{{"id", project_id}}}};
        if (a.inherited)
            scope["OS-INHERIT:inherited_to"] = "projects";
        std::string source = a.system               ? "system"
                             : a.project_id.empty() ? "domains/" + a.domain_id
                                                    : "projects/" + a.project_id;
        std::string actor = a.group_id.empty() ? "/users/" + a.user_id : "/groups/" + a.group_id;
        json links = {{"assignment", base + (a.inherited ? "OS-INHERIT/" : "") + source + actor + "/roles/" +
                                         (prior_id.empty() ? role_id : prior_id) +
                                         (a.inherited ? "/inherited_to_projects" : "")}};
        if (!a.group_id.empty() && !user_id.empty())
            links["membership"] = base + "groups/" + a.group_id + "/users/" + user_id;
        if (!prior_id.empty()) // Keystone's own order of the two ids in this link
            links["prior_role"] = base + "prior_role/" + role_id + "/implies/" + prior_id;
        json row = {{"role", names ? names->role(role_id) : json{{"id", role_id}}},
                    {"scope", std::move(scope)},
                    {"links", std::move(links)}};
        if (user_id.empty())
            row["group"] = names ? names->group(a.group_id) : json{{"id", a.group_id}};
        else
            row["user"] = names ? names->user(user_id) : json{{"id", user_id}};
        out.push_back(std::move(row));
    };
    auto add_implied = [&](const Assignment& a, const std::string& user_id, const std::string& project_id,
                           const std::string& domain_id) {
        add(a, user_id, project_id, domain_id, a.role_id, "");
        for (const auto& i : api::identity::implied_by(a.role_id, rules))
            add(a, user_id, project_id, domain_id, i.role_id, i.prior_role_id);
    };
    std::map<std::string, std::vector<std::string>> members; // a group's users, read once
    std::optional<Tree> all_projects;                        // read once, for inherited grants
    for (const auto& a : d.roleAssignmentList()) {
        if (a.system) {
            if (!effective && project.empty() && domain.empty())
                add(a, a.user_id, "", "", a.role_id, "");
            continue;
        }
        if (!effective) {
            if (system != "all")
                add(a, a.user_id, a.project_id, a.domain_id, a.role_id, "");
            continue;
        }
        std::vector<std::string> users = {a.user_id};
        if (!a.group_id.empty()) {
            if (!members.count(a.group_id))
                for (const auto& u : d.groupUserList(a.group_id))
                    members[a.group_id].push_back(u.id);
            users = members[a.group_id];
        }
        std::vector<std::pair<std::string, std::string>> targets; // (project, domain)
        if (!a.inherited)
            targets.emplace_back(a.project_id, a.domain_id);
        else {
            if (!all_projects)
                all_projects.emplace(d.projectList());
            if (!a.domain_id.empty()) {
                for (const auto& [id, p] : all_projects->by_id)
                    if (p.domain_id == a.domain_id)
                        targets.emplace_back(id, "");
            } else
                for (const auto& p : all_projects->below(a.project_id))
                    targets.emplace_back(p.id, "");
        }
        for (const auto& u : users)
            for (const auto& [project_id, domain_id] : targets)
                add_implied(a, u, project_id, domain_id);
    }
    resp.json({{"role_assignments", out}, {"links", list_links(req)}});
}

// The system's grants (Keystone's /v3/system/users/{user_id}/roles...), and what a token may scope to there.
void system_grant_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_system_grants_for_user");
    d.userGet(req.param("user_id"));
    json out = json::array();
    for (const auto& r : d.roleListForSystem(req.param("user_id")))
        out.push_back(view(req, r));
    resp.json({{"roles", out}, {"links", list_links(req)}});
}

void system_grant_check(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "check_system_grant_for_user");
    auto roles = d.roleListForSystem(req.param("user_id"));
    if (std::none_of(roles.begin(), roles.end(), [&](const Role& r) { return r.id == req.param("role_id"); }))
        throw NotFound("Could not find role assignment.");
    resp.status = 204;
}

void system_grant_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_system_grant_for_user");
    role_by_id(d, req.param("role_id"));
    d.userGet(req.param("user_id"));
    d.roleAssignSystem(req.param("role_id"), req.param("user_id"));
    resp.status = 204;
}

void system_grant_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "revoke_system_grant_for_user");
    d.roleUnassignSystem(req.param("role_id"), req.param("user_id"));
    resp.status = 204;
}

// A group's roles on the system, which its members hold there.
Assignment system_group_grant(const Request& req, const std::string& role_id)
{
    return {.role_id = role_id, .system = true, .group_id = req.param("group_id")};
}

void system_group_grant_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_system_grants_for_group");
    d.groupGet(req.param("group_id"));
    auto ids = granted(d, system_group_grant(req, ""));
    json out = json::array();
    for (const auto& r : d.roleList())
        if (std::find(ids.begin(), ids.end(), r.id) != ids.end())
            out.push_back(view(req, r));
    resp.json({{"roles", out}, {"links", list_links(req)}});
}

void system_group_grant_check(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "check_system_grant_for_group");
    auto ids = granted(d, system_group_grant(req, ""));
    if (std::find(ids.begin(), ids.end(), req.param("role_id")) == ids.end())
        throw NotFound("Could not find role assignment.");
    resp.status = 204;
}

void system_group_grant_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_system_grant_for_group");
    Role r = role_by_id(d, req.param("role_id"));
    d.groupGet(req.param("group_id"));
    d.roleAssign(system_group_grant(req, r.id));
    resp.status = 204;
}

void system_group_grant_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "revoke_system_grant_for_group");
    d.roleUnassign(system_group_grant(req, req.param("role_id")));
    resp.status = 204;
}

// Any token may ask where its user may scope one: [{"all": true}] with a role on the system, else [].
void auth_system(const Driver& d, const Request& req, Response& resp)
{
    json system = json::array();
    if (!d.roleListForSystem(req.context().user_id).empty())
        system.push_back({{"all", true}});
    resp.json(
        {{"system", std::move(system)}, {"links", {{"self", req.dispatcher()->endpoint_url(req, req.endpoint())}}}});
}

// Implied roles: the inference rules, kept to the admin as Keystone's default policy keeps them.
json role_ref(const Request& req, const Role& r)
{
    return {{"id", r.id}, {"links", {{"self", url(req, "v3_role", "role_id", r.id)}}}, {"name", r.name}};
}

/* rule_of: the rule the path names, both roles looked up (404 for either), and whether it exists. */
std::tuple<Role, Role, bool> rule_of(const Driver& d, const Request& req)
{
    Role prior = role_by_id(d, req.param("prior_role_id"));
    Role implied = role_by_id(d, req.param("implies_role_id"));
    auto rules = d.roleInferenceList();
    bool exists = std::find(rules.begin(), rules.end(), RoleInference{prior.id, implied.id}) != rules.end();
    return {prior, implied, exists};
}

json inference_view(const Request& req, const Role& prior, const Role& implied)
{
    return {{"role_inference", {{"prior_role", role_ref(req, prior)}, {"implies", role_ref(req, implied)}}},
            {"links",
             {{"self", req.dispatcher()->endpoint_url(
                           req, "v3_role_imply", {{"prior_role_id", prior.id}, {"implies_role_id", implied.id}})}}}};
}

std::string no_rule(const Role& prior, const Role& implied)
{
    return prior.id + " does not imply " + implied.id + ".";
}

void implied_role_show(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "get_implied_role");
    auto [prior, implied, exists] = rule_of(d, req);
    if (!exists)
        throw NotFound(no_rule(prior, implied));
    resp.json(inference_view(req, prior, implied));
}

void implied_role_check(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "check_implied_role");
    auto [prior, implied, exists] = rule_of(d, req);
    if (!exists)
        throw NotFound(no_rule(prior, implied));
    resp.status = 204;
}

void implied_role_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_implied_role");
    auto [prior, implied, exists] = rule_of(d, req);
    // Keystone's [assignment] prohibited_implied_role: no rule may hand out admin.
    if (implied.name == "admin")
        throw Forbidden(implied.id + " cannot be an implied roles.");
    // As Keystone: a domain's role may imply any, but a global role none of a domain's own.
    if (prior.domain_id.empty() && !implied.domain_id.empty())
        throw Forbidden("The global role " + prior.id + " cannot imply the domain-specific role " + implied.id + ".");
    d.roleInferenceCreate({prior.id, implied.id});
    resp.status = 201;
    resp.json(inference_view(req, prior, implied));
}

void implied_role_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_implied_role");
    auto [prior, implied, exists] = rule_of(d, req);
    if (!exists)
        throw NotFound(no_rule(prior, implied));
    d.roleInferenceDelete({prior.id, implied.id});
    resp.status = 204;
}

void implied_role_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_implied_roles");
    Role prior = role_by_id(d, req.param("prior_role_id"));
    auto all = d.roleList();
    json implies = json::array();
    for (const auto& rule : d.roleInferenceList())
        if (rule.prior_role_id == prior.id)
            for (const auto& r : all)
                if (r.id == rule.implied_role_id)
                    implies.push_back(role_ref(req, r));
    resp.json({{"role_inference", {{"prior_role", role_ref(req, prior)}, {"implies", std::move(implies)}}},
               {"links", {{"self", url(req, "v3_role_implies", "prior_role_id", prior.id)}}}});
}

// Every rule, grouped by prior role; Keystone's answer has no links.
void role_inference_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_role_inference_rules");
    auto all = d.roleList();
    auto named = [&](const std::string& id) {
        for (const auto& r : all)
            if (r.id == id)
                return r;
        return Role{id, ""};
    };
    json out = json::array();
    std::map<std::string, std::size_t> at; // prior role id -> its place in `out`
    for (const auto& rule : d.roleInferenceList()) {
        auto [it, fresh] = at.emplace(rule.prior_role_id, out.size());
        if (fresh)
            out.push_back({{"prior_role", role_ref(req, named(rule.prior_role_id))}, {"implies", json::array()}});
        out[it->second]["implies"].push_back(role_ref(req, named(rule.implied_role_id)));
    }
    resp.json({{"role_inferences", std::move(out)}});
}

void application_credential_list(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "list_application_credentials");
    json out = json::array();
    for (const auto& c : d.applicationCredentialList(req.param("user_id")))
        if (!req.has_query("name") || c.name == req.query("name"))
            out.push_back(view(req, c, d));
    resp.json({{"application_credentials", out}, {"links", list_links(req)}});
}

void application_credential_create(const Driver& d, const Request& req, Response& resp)
{
    if (req.context().user_id != req.param("user_id"))
        throw Forbidden("Application credentials are created by their own user.");
    if (req.context().project_id.empty())
        throw Forbidden("An application credential needs a project-scoped token.");
    const json& b = body(req, "application_credential");
    ApplicationCredential c{.name = name_text(b, "name", 255),
                            .description = text(b, "description"),
                            .user_id = req.context().user_id,
                            .project_id = req.context().project_id};
    // The roles the caller's token holds on the project, those its roles imply among them, as
    // Keystone's: all of them unless the request names some.
    auto all = d.roleList();
    if (b.contains("roles") && b["roles"].is_array()) {
        for (const auto& r : b["roles"]) {
            auto match = std::find_if(all.begin(), all.end(), [&](const Role& role) {
                return role.id == r.value("id", "") || role.name == r.value("name", "");
            });
            if (match == all.end())
                throw NotFound("Could not find role: " + r.dump() + ".");
            if (!req.context().has_role(match->name))
                throw Forbidden("The user does not hold role " + match->id + " on the project.");
            c.roles.push_back(match->id);
        }
    } else {
        for (const auto& r : all)
            if (req.context().has_role(r.name))
                c.roles.push_back(r.id);
    }
    if (!text(b, "expires_at").empty())
        std::tie(c.expires_at, c.expires_at_micros) = parse_time(text(b, "expires_at"));
    c.unrestricted = flag(b, "unrestricted", false);
    std::string secret = text(b, "secret");
    if (secret.empty()) {
        unsigned char bytes[32];
        RAND_bytes(bytes, sizeof bytes);
        static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (unsigned char byte : bytes)
            secret.push_back(kAlphabet[byte & 63]);
    }
    json v = view(req, d.applicationCredentialCreate(c, secret), d);
    v["secret"] = secret;
    resp.status = 201;
    resp.json({{"application_credential", std::move(v)}});
}

void application_credential_show(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "get_application_credential");
    for (const auto& c : d.applicationCredentialList(req.param("user_id")))
        if (c.id == req.param("application_credential_id")) {
            resp.json({{"application_credential", view(req, c, d)}});
            return;
        }
    throw NotFound("Could not find application credential: " + req.param("application_credential_id") + ".");
}

void application_credential_delete(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "delete_application_credential");
    d.applicationCredentialDelete(req.param("user_id"), req.param("application_credential_id"));
    resp.status = 204;
}

// What a grant's check, list and create call: the grants as made, the role, the target, the user or group.
const Operations kGrantCheck{Op::roleAssignmentList, Op::roleList, Op::projectFind, Op::domainGet};
const Operations kGrantList = kGrantCheck;
const Operations kUserGrant{Op::roleList, Op::userGet, Op::projectFind, Op::domainGet, Op::roleAssign};
const Operations kGroupGrant{Op::roleList, Op::groupGet, Op::projectFind, Op::domainGet, Op::roleAssign};

const Binding<Driver> kResources[] = {
    {"v3_domains", "GET", {Op::domainList}, domain_list},
    {"v3_domains", "POST", {Op::domainCreate}, domain_create},
    {"v3_domains_with_id", "GET", {Op::domainGet}, domain_show},
    {"v3_domains_with_id", "PATCH", {Op::domainGet, Op::domainUpdate}, domain_update},
    {"v3_domains_with_id", "DELETE", {Op::domainDelete}, domain_delete},
    {"v3_projects", "GET", {Op::projectList}, project_list},
    {"v3_projects", "POST", {Op::projectFind, Op::projectCreate}, project_create},
    // Its hierarchy queries call projectListForUser and (the subtree) projectList too: a driver without them (a
    // cloud without hierarchy) answers those queries 501, and every other show as before.
    {"v3_projects_with_id", "GET", {Op::projectFind}, project_show},
    {"v3_projects_with_id", "PATCH", {Op::projectFind, Op::projectList, Op::projectUpdate}, project_update},
    {"v3_projects_with_id", "DELETE", {Op::projectDelete}, project_delete},
    {"v3_project_tags", "GET", {Op::projectFind}, project_tag_list},
    {"v3_project_tags", "PUT", {Op::projectFind, Op::projectUpdate}, project_tags_set},
    {"v3_project_tags", "DELETE", {Op::projectFind, Op::projectUpdate}, project_tags_clear},
    {"v3_project_tag", "GET", {Op::projectFind}, project_tag_check},
    {"v3_project_tag", "HEAD", {Op::projectFind}, project_tag_check},
    {"v3_project_tag", "PUT", {Op::projectFind, Op::projectUpdate}, project_tag_add},
    {"v3_project_tag", "DELETE", {Op::projectFind, Op::projectUpdate}, project_tag_delete},
    {"v3_users", "GET", {Op::userList}, user_list},
    {"v3_users", "POST", {Op::userCreate}, user_create},
    {"v3_user", "GET", {Op::userGet}, user_show},
    {"v3_user", "PATCH", {Op::userGet, Op::userUpdate, Op::userPasswordReset}, user_update},
    {"v3_user", "DELETE", {Op::userDelete}, user_delete},
    {"v3_user_password", "POST", {Op::userAuthenticate, Op::userPasswordSet}, user_password_change},
    {"v3_user_projects", "GET", {Op::projectListForUser}, user_projects},
    {"v3_roles", "GET", {Op::roleList}, role_list},
    {"v3_roles", "POST", {Op::roleCreate}, role_create},
    {"v3_role", "GET", {Op::roleList}, role_show},
    {"v3_role", "PATCH", {Op::roleList, Op::roleUpdate}, role_update},
    {"v3_role", "DELETE", {Op::roleDelete}, role_delete},
    {"v3_project_user_roles", "GET", kGrantList, grant_list<kUserOnProject>},
    {"v3_project_user_role", "HEAD", kGrantCheck, grant_check<kUserOnProject>},
    {"v3_project_user_role", "PUT", kUserGrant, grant_create<kUserOnProject>},
    {"v3_project_user_role", "DELETE", {Op::roleUnassign}, grant_delete<kUserOnProject>},
    {"v3_domain_user_roles", "GET", kGrantList, grant_list<kUserOnDomain>},
    {"v3_domain_user_role", "HEAD", kGrantCheck, grant_check<kUserOnDomain>},
    {"v3_domain_user_role", "PUT", kUserGrant, grant_create<kUserOnDomain>},
    {"v3_domain_user_role", "DELETE", {Op::roleUnassign}, grant_delete<kUserOnDomain>},
    {"v3_domain_user_role_assignment", "HEAD", kGrantCheck, grant_check<kUserOnDomain>},
    {"v3_domain_user_role_assignment", "PUT", kUserGrant, grant_create<kUserOnDomain>},
    {"v3_domain_user_role_assignment", "DELETE", {Op::roleUnassign}, grant_delete<kUserOnDomain>},
    {"v3_project_group_roles", "GET", kGrantList, grant_list<kGroupOnProject>},
    {"v3_project_group_role", "HEAD", kGrantCheck, grant_check<kGroupOnProject>},
    {"v3_project_group_role", "PUT", kGroupGrant, grant_create<kGroupOnProject>},
    {"v3_project_group_role", "DELETE", {Op::roleUnassign}, grant_delete<kGroupOnProject>},
    {"v3_domain_group_roles", "GET", kGrantList, grant_list<kGroupOnDomain>},
    {"v3_domain_group_role", "HEAD", kGrantCheck, grant_check<kGroupOnDomain>},
    {"v3_domain_group_role", "PUT", kGroupGrant, grant_create<kGroupOnDomain>},
    {"v3_domain_group_role", "DELETE", {Op::roleUnassign}, grant_delete<kGroupOnDomain>},
    {"v3_domain_group_role_assignment", "HEAD", kGrantCheck, grant_check<kGroupOnDomain>},
    {"v3_domain_group_role_assignment", "PUT", kGroupGrant, grant_create<kGroupOnDomain>},
    {"v3_domain_group_role_assignment", "DELETE", {Op::roleUnassign}, grant_delete<kGroupOnDomain>},
    {"v3_inherited_domain_user_roles", "GET", kGrantList, grant_list<kUserInheritedFromDomain>},
    {"v3_inherited_domain_user_role", "GET", kGrantCheck, grant_check<kUserInheritedFromDomain>},
    {"v3_inherited_domain_user_role", "HEAD", kGrantCheck, grant_check<kUserInheritedFromDomain>},
    {"v3_inherited_domain_user_role", "PUT", kUserGrant, grant_create<kUserInheritedFromDomain>},
    {"v3_inherited_domain_user_role", "DELETE", {Op::roleUnassign}, grant_delete<kUserInheritedFromDomain>},
    {"v3_inherited_domain_group_roles", "GET", kGrantList, grant_list<kGroupInheritedFromDomain>},
    {"v3_inherited_domain_group_role", "GET", kGrantCheck, grant_check<kGroupInheritedFromDomain>},
    {"v3_inherited_domain_group_role", "HEAD", kGrantCheck, grant_check<kGroupInheritedFromDomain>},
    {"v3_inherited_domain_group_role", "PUT", kGroupGrant, grant_create<kGroupInheritedFromDomain>},
    {"v3_inherited_domain_group_role", "DELETE", {Op::roleUnassign}, grant_delete<kGroupInheritedFromDomain>},
    {"v3_inherited_project_user_role", "GET", kGrantCheck, grant_check<kUserInheritedFromProject>},
    {"v3_inherited_project_user_role", "HEAD", kGrantCheck, grant_check<kUserInheritedFromProject>},
    {"v3_inherited_project_user_role", "PUT", kUserGrant, grant_create<kUserInheritedFromProject>},
    {"v3_inherited_project_user_role", "DELETE", {Op::roleUnassign}, grant_delete<kUserInheritedFromProject>},
    {"v3_inherited_project_group_role", "GET", kGrantCheck, grant_check<kGroupInheritedFromProject>},
    {"v3_inherited_project_group_role", "HEAD", kGrantCheck, grant_check<kGroupInheritedFromProject>},
    {"v3_inherited_project_group_role", "PUT", kGroupGrant, grant_create<kGroupInheritedFromProject>},
    {"v3_inherited_project_group_role", "DELETE", {Op::roleUnassign}, grant_delete<kGroupInheritedFromProject>},
    {"v3_role_assignments",
     "GET",
     {Op::roleAssignmentList, Op::roleList, Op::userGet, Op::projectFind, Op::domainGet, Op::roleInferenceList,
      Op::groupGet, Op::groupUserList, Op::projectList},
     role_assignment_list},
    {"v3_system_user_roles", "GET", {Op::userGet, Op::roleListForSystem}, system_grant_list},
    {"v3_system_user_role", "GET", {Op::roleListForSystem}, system_grant_check},
    {"v3_system_user_role", "HEAD", {Op::roleListForSystem}, system_grant_check},
    {"v3_system_user_role", "PUT", {Op::roleList, Op::userGet, Op::roleAssignSystem}, system_grant_create},
    {"v3_system_user_role", "DELETE", {Op::roleUnassignSystem}, system_grant_delete},
    {"v3_system_group_roles", "GET", {Op::groupGet, Op::roleAssignmentList, Op::roleList}, system_group_grant_list},
    {"v3_system_group_role", "GET", {Op::roleAssignmentList}, system_group_grant_check},
    {"v3_system_group_role", "HEAD", {Op::roleAssignmentList}, system_group_grant_check},
    {"v3_system_group_role", "PUT", {Op::roleList, Op::groupGet, Op::roleAssign}, system_group_grant_create},
    {"v3_system_group_role", "DELETE", {Op::roleUnassign}, system_group_grant_delete},
    {"v3_auth_system", "GET", {Op::roleListForSystem}, auth_system},
    {"v3_role_implies", "GET", {Op::roleList, Op::roleInferenceList}, implied_role_list},
    {"v3_role_imply", "GET", {Op::roleList, Op::roleInferenceList}, implied_role_show},
    {"v3_role_imply", "HEAD", {Op::roleList, Op::roleInferenceList}, implied_role_check},
    {"v3_role_imply", "PUT", {Op::roleList, Op::roleInferenceList, Op::roleInferenceCreate}, implied_role_create},
    {"v3_role_imply", "DELETE", {Op::roleList, Op::roleInferenceList, Op::roleInferenceDelete}, implied_role_delete},
    {"v3_role_inferences", "GET", {Op::roleList, Op::roleInferenceList}, role_inference_list},
    {"v3_user_application_credentials",
     "GET",
     {Op::applicationCredentialList, Op::roleList},
     application_credential_list},
    {"v3_user_application_credentials",
     "POST",
     {Op::applicationCredentialCreate, Op::roleList},
     application_credential_create},
    {"v3_user_application_credential",
     "GET",
     {Op::applicationCredentialList, Op::roleList},
     application_credential_show},
    {"v3_user_application_credential", "DELETE", {Op::applicationCredentialDelete}, application_credential_delete},
};

} // namespace

} // namespace jumpgate::identity

std::span<const jumpgate::Binding<jumpgate::identity::Driver>> jumpgate::api::identity::resource_bindings()
{
    return jumpgate::identity::kResources;
}
