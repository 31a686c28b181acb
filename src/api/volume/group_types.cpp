// SPDX-License-Identifier: Apache-2.0
// Cinder's group types (3.11): list and show for everyone, the default one, and an admin's writes and group specs.
#include "api/volume/cinder.hpp"

#include <algorithm>
#include <cctype>

#include <jumpgate/fault.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

// Group specs are an admin's to see (Cinder's group:access_group_types_specs).
json group_type_view(const Request& req, const GroupType& t)
{
    json view = {{"id", t.id},
                 {"name", t.name},
                 {"description", t.description ? json(*t.description) : json(nullptr)},
                 {"is_public", t.is_public}};
    if (req.context().is_admin())
        view["group_specs"] = t.group_specs;
    return view;
}

// A group spec key as Cinder's schema takes it: 1 to 255 of [a-zA-Z0-9-_:.].
bool spec_key(const std::string& key)
{
    if (key.empty() || key.size() > 255)
        return false;
    for (unsigned char c : key)
        if (!std::isalnum(c) && c != '-' && c != '_' && c != ':' && c != '.')
            return false;
    return true;
}

std::map<std::string, std::string> specs_of(const json& j, const char* field)
{
    if (!j.is_object())
        throw BadRequest(std::string("Invalid input for field/attribute ") + field + ": it must be an object.");
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : j.items()) {
        if (!spec_key(k))
            throw BadRequest("Invalid input for field/attribute " + std::string(field) + ". Value: " + k +
                             ". Additional properties are not allowed.");
        // A null value is allowed by Cinder's schema and stored as an empty one.
        if (v.is_null())
            out[k] = "";
        else if (v.is_string() && v.get_ref<const std::string&>().size() <= 255)
            out[k] = v;
        else
            throw BadRequest("Invalid input for field/attribute " + k +
                             ": the value must be a string of at most 255 "
                             "characters.");
    }
    return out;
}

bool visible(const Context& ctx, const GroupType& t)
{
    return t.is_public || ctx.is_admin();
}

void require_version(const Request& req)
{
    if (!req.version().at_least(3, 11))
        throw NotFound("The resource could not be found: group types need microversion 3.11 or later.");
}

} // namespace

GroupType visible_group_type(const Driver& driver, const Request& req, const std::string& id)
{
    GroupType t;
    if (id == "default") {
        bool found = false;
        for (auto& each : driver.groupTypeList(req.context()))
            if (each.is_default)
                t = each, found = true;
        if (!found)
            throw NotFound("Default group type can not be found.");
    } else {
        try {
            t = driver.groupTypeGet(req.context(), id);
        } catch (const NotFound&) {
            throw NotFound("Group type " + id + " could not be found.");
        }
    }
    if (!visible(req.context(), t))
        throw NotFound("Group type " + id + " could not be found.");
    return t;
}

namespace {

bool boolean_of(const json& v, const char* field)
{
    if (v.is_boolean())
        return v.get<bool>();
    if (v.is_string())
        return api::parse_bool(field, v.get<std::string>());
    throw BadRequest(std::string("Invalid input for field/attribute ") + field + ".");
}

void index(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req);
    const Context& ctx = req.context();
    // Cinder's _parse_is_public: an admin's is_public is true by default, "None" (any case) lists every type.
    std::optional<bool> is_public = true;
    if (ctx.is_admin() && req.has_query("is_public")) {
        std::string want(req.query("is_public"));
        std::string lower;
        for (char c : want)
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "none")
            is_public.reset();
        else
            is_public = api::parse_bool("is_public", want);
    }
    std::vector<GroupType> types;
    for (auto& t : driver.groupTypeList(ctx))
        if (!is_public || t.is_public == *is_public)
            types.push_back(std::move(t));
    // Sorted and paged as Cinder's group type list: by name or id (in the order made without a sort).
    ListQuery q = list_query(req, {});
    for (auto it = q.sort.rbegin(); it != q.sort.rend(); ++it) {
        const std::string& key = it->first;
        bool ascending = it->second;
        if (key != "name" && key != "id")
            throw BadRequest("Invalid sort key: " + key);
        std::stable_sort(types.begin(), types.end(), [&](const GroupType& a, const GroupType& b) {
            const std::string& x = key == "name" ? a.name : a.id;
            const std::string& y = key == "name" ? b.name : b.id;
            return ascending ? x < y : y < x;
        });
    }
    auto first = types.begin();
    if (!q.marker.empty()) {
        first = std::find_if(types.begin(), types.end(), [&](const GroupType& t) { return t.id == q.marker; });
        if (first == types.end())
            throw BadRequest("Marker " + q.marker + " could not be found.");
        ++first;
    }
    first += static_cast<std::ptrdiff_t>(std::min<std::size_t>(q.offset, types.end() - first));
    json views = json::array();
    for (auto it = first; it != types.end() && !(q.limit && views.size() == q.limit); ++it)
        views.push_back(group_type_view(req, *it));
    json body = {{"group_types", views}};
    if (q.limit && views.size() == q.limit)
        body["group_type_links"] = api::next_links(req, views.back()["id"].get<std::string>());
    if (req.has_query("limit") && q.limit == 0)
        body = {{"group_types", json::array()}};
    resp.json(std::move(body));
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req);
    resp.json({{"group_type", group_type_view(req, visible_group_type(driver, req, req.param("group_type_id")))}});
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req);
    require_admin(req, "group:group_types:create");
    const json& b = body_of(req, "group_type");
    api::only_properties(b, "group_type", {"name", "description", "is_public", "group_specs"});
    GroupType t;
    t.id = new_uuid();
    if (!b.contains("name"))
        throw BadRequest("Invalid input for field/attribute group_type: 'name' is a required property.");
    auto name = optional_text(b["name"], "name", 255);
    if (!name || name->find_first_not_of(" \t\n\v\f\r") == std::string::npos)
        throw BadRequest("Invalid input for field/attribute name: it must be a non-empty string.");
    t.name = *name;
    if (b.contains("description"))
        t.description = optional_text(b["description"], "description", 255);
    if (b.contains("is_public"))
        t.is_public = boolean_of(b["is_public"], "is_public");
    if (b.contains("group_specs") && !b["group_specs"].is_null())
        t.group_specs = specs_of(b["group_specs"], "group_specs");
    resp.status = 202;
    resp.json({{"group_type", group_type_view(req, driver.groupTypeCreate(req.context(), t))}});
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req);
    require_admin(req, "group:group_types:update");
    const json& b = body_of(req, "group_type");
    for (const auto& [k, v] : b.items())
        if (k != "name" && k != "description" && k != "is_public")
            throw BadRequest("Invalid input for field/attribute group_type. Additional properties are not allowed ('" +
                             k + "' was unexpected).");
    GroupType t = visible_group_type(driver, req, req.param("group_type_id"));
    std::optional<std::string> name, description;
    if (b.contains("name")) {
        name = optional_text(b["name"], "name", 255);
        if (name && name->find_first_not_of(" \t\n\v\f\r") == std::string::npos)
            throw BadRequest("Group type name can not be empty.");
    }
    if (b.contains("description"))
        description = optional_text(b["description"], "description", 255);
    bool public_given = b.contains("is_public") && !b["is_public"].is_null();
    if (!name && !description && !public_given)
        throw BadRequest("Specify group type name, description or a combination thereof.");
    if (name)
        t.name = *name;
    if (description)
        t.description = description;
    if (public_given)
        t.is_public = boolean_of(b["is_public"], "is_public");
    resp.json({{"group_type", group_type_view(req, driver.groupTypeUpdate(req.context(), t))}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req);
    require_admin(req, "group:group_types:delete");
    driver.groupTypeDelete(req.context(), visible_group_type(driver, req, req.param("group_type_id")).id);
    resp.status = 202;
    resp.clear_body();
}

// The group type of a specs call, after the policy (an admin's alone, as every group spec call is).
GroupType spec_owner(const Driver& driver, const Request& req, const char* policy)
{
    require_version(req);
    require_admin(req, policy);
    return visible_group_type(driver, req, req.param("group_type_id"));
}

void specs_index(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"group_specs", spec_owner(driver, req, "group:group_types_specs:get_all").group_specs}});
}

void specs_merge(const Driver& driver, const Request& req, Response& resp)
{
    GroupType t = spec_owner(driver, req, "group:group_types_specs:create");
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("group_specs") || body.size() != 1)
        throw BadRequest("Invalid input: the body must be {\"group_specs\": {...}}.");
    auto given = specs_of(body["group_specs"], "group_specs");
    for (const auto& [k, v] : given)
        t.group_specs[k] = v;
    driver.groupTypeUpdate(req.context(), t);
    resp.status = 202;
    resp.json({{"group_specs", body["group_specs"]}});
}

void spec_show(const Driver& driver, const Request& req, Response& resp)
{
    GroupType t = spec_owner(driver, req, "group:group_types_specs:get");
    auto it = t.group_specs.find(req.param("key"));
    if (it == t.group_specs.end())
        throw NotFound("Group Type " + req.param("group_type_id") + " has no extra spec with key " + req.param("key") +
                       ".");
    resp.json({{it->first, it->second}});
}

void spec_set(const Driver& driver, const Request& req, Response& resp)
{
    GroupType t = spec_owner(driver, req, "group:group_types_specs:update");
    const json& body = req.json_body();
    auto given = specs_of(body, "group_specs");
    if (given.size() != 1)
        throw BadRequest("Invalid input: the body must name exactly one group spec.");
    if (given.begin()->first != req.param("key"))
        throw BadRequest("Request body and URI mismatch");
    t.group_specs[given.begin()->first] = given.begin()->second;
    driver.groupTypeUpdate(req.context(), t);
    resp.json(body);
}

void spec_delete(const Driver& driver, const Request& req, Response& resp)
{
    GroupType t = spec_owner(driver, req, "group:group_types_specs:delete");
    if (!t.group_specs.erase(req.param("key")))
        throw NotFound("Group Type " + t.id + " has no group specs with key " + req.param("key") + ".");
    driver.groupTypeUpdate(req.context(), t);
    resp.status = 202;
    resp.clear_body();
}

// visible_group_type reads the default type from the list, any other by its id.
constexpr Operations kVisible{Op::groupTypeList, Op::groupTypeGet};
constexpr Operations kWrite{Op::groupTypeList, Op::groupTypeGet, Op::groupTypeUpdate};

constexpr Binding<Driver> kBindings[] = {
    {"v3_group_types", "GET", {Op::groupTypeList}, index},
    {"v3_group_types", "POST", {Op::groupTypeCreate}, create},
    {"v3_group_type", "GET", kVisible, show},
    {"v3_group_type", "PUT", kWrite, update},
    {"v3_group_type", "DELETE", kVisible | Operations{Op::groupTypeDelete}, remove},
    {"v3_group_specs", "GET", kVisible, specs_index},
    {"v3_group_specs", "POST", kWrite, specs_merge},
    {"v3_group_spec", "GET", kVisible, spec_show},
    {"v3_group_spec", "PUT", kWrite, spec_set},
    {"v3_group_spec", "DELETE", kWrite, spec_delete},
};

} // namespace

std::span<const Binding<Driver>> group_type_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
