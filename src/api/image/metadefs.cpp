// SPDX-License-Identifier: Apache-2.0
// Glance v2's metadata definitions: namespaces, their objects, properties, tags and resource types, over the Image
// driver.
#include "api/image/metadefs.hpp"

#include <algorithm>
#include <set>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/json_schema.hpp"
#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::image {

namespace {

// The fields of a property definition Glance keeps; it drops any other.
const std::set<std::string, std::less<>> kPropertyFields = {
    "type",         "title",   "description", "operators", "default",   "readonly",
    "minimum",      "maximum", "enum",        "pattern",   "minLength", "maxLength",
    "confidential", "items",   "uniqueItems", "minItems",  "maxItems",  "additionalItems"};

const char* kind_name(MdKind kind)
{
    return kind == MdKind::object ? "object" : kind == MdKind::property ? "property" : "tag";
}

// Forbidden as Glance's policy words it, for what only admins may do to metadata definitions.
void require_admin(const Context& ctx, const char* rule)
{
    if (!ctx.is_admin())
        throw Forbidden("You are not authorized to complete " + std::string(rule) + " action.");
}

/*
 * The body checked as Glance's deserializers check it: the attributes it keeps
 * for itself (403), then the schema `which` (400).
 */
void check_body(const json& body, const char* which, std::initializer_list<const char*> read_only)
{
    for (const char* key : read_only)
        if (body.is_object() && body.contains(key))
            throw Forbidden("Attribute '" + std::string(key) + "' is read-only.");
    json schema = metadef_schema(which);
    // Glance's schemas leave the body's type open; its models then take nothing but an object.
    auto why =
        body.is_object() ? api::schema_violation(body, schema) : api::python_repr(body) + " is not of type 'object'";
    if (why)
        throw BadRequest("Provided object does not match schema '" + schema["name"].get<std::string>() + "': " + *why);
}

json property_body(const json& definition)
{
    json out = json::object();
    for (const auto& [key, value] : definition.items())
        if (kPropertyFields.count(key) && !value.is_null())
            out[key] = value;
    return out;
}

json object_body(const json& object)
{
    json out = json::object();
    if (object.contains("description") && object["description"].is_string())
        out["description"] = object["description"];
    if (object.contains("required") && object["required"].is_array())
        out["required"] = object["required"];
    if (object.contains("properties") && object["properties"].is_object()) {
        json props = json::object();
        for (const auto& [name, def] : object["properties"].items())
            props[name] = property_body(def);
        out["properties"] = std::move(props);
    }
    return out;
}

MdDefinition definition(MdKind kind, std::string name, json body, std::int64_t now)
{
    return {.kind = kind, .name = std::move(name), .body = std::move(body), .created_at = now, .updated_at = now};
}

std::optional<std::string> optional_text(const json& body, const char* key)
{
    auto it = body.find(key);
    return it != body.end() && it->is_string() ? std::optional<std::string>(it->get<std::string>()) : std::nullopt;
}

MdAssociation association_from(const json& body, std::int64_t now)
{
    return {.name = body["name"],
            .prefix = optional_text(body, "prefix"),
            .properties_target = optional_text(body, "properties_target"),
            .created_at = now,
            .updated_at = now};
}

std::string namespace_href(const std::string& ns)
{
    return "/v2/metadefs/namespaces/" + ns;
}

json association_view(const MdAssociation& a)
{
    json v = {
        {"name", a.name}, {"created_at", api::iso_time_z(a.created_at)}, {"updated_at", api::iso_time_z(a.updated_at)}};
    if (a.prefix)
        v["prefix"] = *a.prefix;
    if (a.properties_target)
        v["properties_target"] = *a.properties_target;
    return v;
}

json object_view(const std::string& ns, const MdDefinition& d)
{
    json v = d.body;
    v["name"] = d.name;
    v["created_at"] = api::iso_time_z(d.created_at);
    v["updated_at"] = api::iso_time_z(d.updated_at);
    v["self"] = namespace_href(ns) + "/objects/" + d.name;
    v["schema"] = "/v2/schemas/metadefs/object";
    return v;
}

json property_view(const MdDefinition& d)
{
    json v = d.body;
    v["name"] = d.name;
    return v;
}

json tag_view(const MdDefinition& d)
{
    return {
        {"name", d.name}, {"created_at", api::iso_time_z(d.created_at)}, {"updated_at", api::iso_time_z(d.updated_at)}};
}

std::vector<MdDefinition> of_kind(const MdNamespace& ns, MdKind kind)
{
    std::vector<MdDefinition> out;
    for (const auto& d : ns.definitions)
        if (d.kind == kind)
            out.push_back(d);
    return out;
}

// A namespace as Glance shows it: what it holds only when it holds some, and only where asked.
json namespace_view(const MdNamespace& ns, bool contents)
{
    json v = {{"namespace", ns.name},
              {"visibility", ns.visibility},
              {"protected", ns.is_protected},
              {"created_at", api::iso_time_z(ns.created_at)},
              {"updated_at", api::iso_time_z(ns.updated_at)},
              {"self", namespace_href(ns.name)},
              {"schema", "/v2/schemas/metadefs/namespace"}};
    if (ns.display_name)
        v["display_name"] = *ns.display_name;
    if (ns.description)
        v["description"] = *ns.description;
    if (!ns.owner.empty())
        v["owner"] = ns.owner;
    if (!ns.associations.empty()) {
        json list = json::array();
        for (const auto& a : ns.associations)
            list.push_back(association_view(a));
        v["resource_type_associations"] = std::move(list);
    }
    if (!contents)
        return v;
    json objects = json::array(), properties = json::object(), tags = json::array();
    for (const auto& d : ns.definitions) {
        if (d.kind == MdKind::object)
            objects.push_back(object_view(ns.name, d));
        else if (d.kind == MdKind::property)
            properties[d.name] = d.body;
        else
            tags.push_back({{"name", d.name}});
    }
    if (!objects.empty())
        v["objects"] = std::move(objects);
    if (!properties.empty())
        v["properties"] = std::move(properties);
    if (!tags.empty())
        v["tags"] = std::move(tags);
    return v;
}

// The namespace a request under it names, as its sub-resources' handlers report one `ctx` may not see.
MdNamespace namespace_named(const Driver& driver, const Request& req)
{
    const std::string& name = req.param("namespace_name");
    try {
        return driver.mdNamespaceGet(req.context(), name);
    } catch (const NotFound&) {
        throw NotFound("Namespace " + name + " not found");
    }
}

const MdDefinition& find(const MdNamespace& ns, MdKind kind, const std::string& name)
{
    for (const auto& d : ns.definitions)
        if (d.kind == kind && d.name == name)
            return d;
    if (kind == MdKind::object)
        throw NotFound("The metadata definition object with name=" + name + " was not found in namespace=" + ns.name +
                       ".");
    if (kind == MdKind::property)
        throw NotFound("The metadata definition property with name=" + name + " was not found in namespace=" + ns.name +
                       ".");
    throw NotFound("The metadata definition tag with name=" + name + " was not found in namespace=" + ns.name + ".");
}

std::size_t list_limit(const Request& req)
{
    if (!req.has_query("limit"))
        return 25;
    std::string text(req.query("limit"));
    long long limit = 0;
    try {
        std::size_t used = 0;
        limit = std::stoll(text, &used);
        if (used != text.size())
            throw std::invalid_argument(text);
    } catch (const std::exception&) {
        throw BadRequest("limit param must be an integer");
    }
    if (limit < 0)
        throw BadRequest("limit param must be positive");
    return static_cast<std::size_t>(std::min(limit, 1000LL));
}

bool ascending(const Request& req)
{
    std::string dir(req.has_query("sort_dir") ? req.query("sort_dir") : "desc");
    if (dir != "asc" && dir != "desc")
        throw BadRequest("Invalid sort direction: " + dir);
    return dir == "asc";
}

/*
 * The page a list asks for: sorted by sort_key (one of `keys`, by `key_of`),
 * ties by name, in sort_dir; after the item named by marker (404 when there is
 * none, as Glance looks it up); at most limit.
 */
template <class T, class KeyOf, class NameOf>
std::vector<T> page(const Request& req, std::vector<T> items, std::initializer_list<const char*> keys, KeyOf key_of,
                    NameOf name_of, std::size_t& limit)
{
    std::string key(req.has_query("sort_key") ? req.query("sort_key") : "created_at");
    if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; }))
        throw BadRequest("Invalid sort key: " + key + ".");
    bool asc = ascending(req);
    limit = list_limit(req);
    std::stable_sort(items.begin(), items.end(), [&](const T& a, const T& b) {
        auto ka = key_of(a, key), kb = key_of(b, key);
        if (ka != kb)
            return asc ? ka < kb : kb < ka;
        return asc ? name_of(a) < name_of(b) : name_of(b) < name_of(a);
    });
    auto first = items.begin();
    if (req.has_query("marker")) {
        std::string marker(req.query("marker"));
        first = std::find_if(items.begin(), items.end(), [&](const T& t) { return name_of(t) == marker; });
        if (first == items.end())
            throw NotFound("No metadata definition named " + marker + " to start the list after.");
        ++first;
    }
    std::vector<T> out;
    for (auto it = first; it != items.end() && out.size() < limit; ++it)
        out.push_back(*it);
    return out;
}

// Sort keys of definitions and namespaces, as strings that order as the values do.
std::string time_key(std::int64_t t)
{
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "%020lld", static_cast<long long>(t));
    return buffer;
}

std::string definition_key(const MdDefinition& d, const std::string& key)
{
    return key == "name" ? d.name : time_key(key == "updated_at" ? d.updated_at : d.created_at);
}

std::string namespace_key(const MdNamespace& ns, const std::string& key)
{
    if (key == "namespace")
        return ns.name;
    if (key == "display_name")
        return ns.display_name.value_or("");
    if (key == "visibility")
        return ns.visibility;
    if (key == "protected")
        return ns.is_protected ? "1" : "0";
    if (key == "owner")
        return ns.owner;
    return time_key(key == "updated_at" ? ns.updated_at : ns.created_at);
}

// The query of a list without its marker, percent-encoded, for its links.
std::string query_without_marker(const Request& req)
{
    std::string out;
    for (const auto& [key, value] : req.query_pairs())
        if (key != "marker")
            out += (out.empty() ? "" : "&") + api::url_encode(key) + "=" + api::url_encode(value);
    return out;
}

void no_content(Response& resp)
{
    resp.status = 204;
    resp.clear_body();
}

void namespaces_list(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespaceQuery q;
    if (req.has_query("visibility")) {
        std::string v(req.query("visibility"));
        if (v != "public" && v != "private")
            throw BadRequest("Invalid visibility value: " + v);
        q.visibility = v;
    }
    if (req.has_query("resource_types")) {
        std::string types(req.query("resource_types"));
        for (std::size_t start = 0; start <= types.size();) {
            std::size_t comma = std::min(types.find(',', start), types.size());
            q.resource_types.push_back(types.substr(start, comma - start));
            start = comma + 1;
        }
    }
    std::size_t limit = 0;
    auto namespaces = page(
        req, driver.mdNamespaceList(req.context(), q),
        {"created_at", "updated_at", "namespace", "display_name", "visibility", "protected", "owner"}, namespace_key,
        [](const MdNamespace& ns) { return ns.name; }, limit);
    json list = json::array();
    for (const auto& ns : namespaces)
        list.push_back(namespace_view(ns, false));
    std::string query = query_without_marker(req);
    json body = {{"namespaces", std::move(list)},
                 {"first", "/v2/metadefs/namespaces" + (query.empty() ? "" : "?" + query)},
                 {"schema", "/v2/schemas/metadefs/namespaces"}};
    if (!namespaces.empty() && namespaces.size() == limit)
        body["next"] = "/v2/metadefs/namespaces?" + (query.empty() ? "" : query + "&") +
                       "marker=" + api::url_encode(namespaces.back().name);
    resp.json(std::move(body));
}

void namespace_create(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    MdNamespace ns = namespace_from_json(req.json_body(), ctx.project_id, api::unix_now());
    require_admin(ctx, "add_metadef_namespace");
    MdNamespace made = driver.mdNamespaceCreate(ctx, ns);
    resp.status = 201;
    resp.set_header("Location", req.dispatcher()->base_url(req) + namespace_href(made.name));
    resp.json(namespace_view(made, true));
}

// With a resource type, the names of the properties as that resource type sees them: its prefix first.
void apply_prefix(MdNamespace& ns, const std::string& resource_type)
{
    std::string prefix;
    for (const auto& a : ns.associations)
        if (a.name == resource_type && a.prefix)
            prefix = *a.prefix;
    if (prefix.empty())
        return;
    for (auto& d : ns.definitions) {
        if (d.kind == MdKind::property)
            d.name = prefix + d.name;
        if (d.kind != MdKind::object)
            continue;
        if (d.body.contains("properties")) {
            json renamed = json::object();
            for (const auto& [name, def] : d.body["properties"].items())
                renamed[prefix + name] = def;
            d.body["properties"] = std::move(renamed);
        }
        if (d.body.contains("required"))
            for (auto& name : d.body["required"])
                name = prefix + name.get<std::string>();
    }
}

void namespace_show(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = driver.mdNamespaceGet(req.context(), req.param("namespace_name"));
    if (req.has_query("resource_type"))
        apply_prefix(ns, std::string(req.query("resource_type")));
    resp.json(namespace_view(ns, true));
}

void namespace_update(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    const json& body = req.json_body();
    check_body(body, "namespace", {"self", "schema", "created_at", "updated_at"});
    MdNamespace ns = namespace_named(driver, req);
    require_admin(ctx, "modify_metadef_namespace");
    // A PUT gives the whole namespace: what it leaves out takes the API's default again.
    std::string old_name = ns.name;
    ns.name = body["namespace"];
    ns.display_name = optional_text(body, "display_name");
    ns.description = optional_text(body, "description");
    ns.visibility = optional_text(body, "visibility").value_or("private");
    ns.is_protected = body.value("protected", false);
    ns.owner = optional_text(body, "owner").value_or(ctx.project_id);
    ns.updated_at = api::unix_now();
    resp.json(namespace_view(driver.mdNamespaceUpdate(ctx, old_name, ns), false));
}

void check_deletable(const MdNamespace& ns)
{
    if (ns.is_protected)
        throw Forbidden("Metadata definition namespace " + ns.name + " is protected and cannot be deleted.");
}

void namespace_delete(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = namespace_named(driver, req);
    require_admin(req.context(), "delete_metadef_namespace");
    check_deletable(ns);
    driver.mdNamespaceDelete(req.context(), ns.name);
    no_content(resp);
}

// DELETE .../objects, .../properties, .../tags: all of one kind, unless the namespace is protected.
void definitions_delete(const Driver& driver, const Request& req, Response& resp, MdKind kind)
{
    MdNamespace ns = namespace_named(driver, req);
    require_admin(req.context(), kind == MdKind::tag ? "delete_metadef_tags" : "delete_metadef_namespace");
    check_deletable(ns);
    driver.mdDefinitionsReplace(req.context(), ns.name, kind, {});
    no_content(resp);
}

// A definition's deletion: refused in a protected namespace, as Glance refuses it.
void definition_delete(const Driver& driver, const Request& req, Response& resp, MdKind kind, const char* rule,
                       const std::string& name)
{
    MdNamespace ns = namespace_named(driver, req);
    require_admin(req.context(), rule);
    find(ns, kind, name);
    if (ns.is_protected)
        throw Forbidden("Metadata definition " + std::string(kind_name(kind)) + " " + name +
                        " is protected and cannot be deleted.");
    driver.mdDefinitionDelete(req.context(), ns.name, kind, name);
    no_content(resp);
}

void check_object(const json& body)
{
    check_body(body, "object", {"self", "schema", "created_at", "updated_at"});
    json schema = metadef_schema("properties")["properties"]["properties"]["additionalProperties"];
    schema["definitions"] = metadef_schema("property")["definitions"];
    if (body.contains("properties"))
        for (const auto& [name, def] : body["properties"].items())
            if (auto why = api::schema_violation(def, schema))
                throw BadRequest("Provided object does not match schema 'property': " + *why);
}

void objects_list(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = namespace_named(driver, req);
    std::size_t limit = 0;
    auto objects = page(
        req, of_kind(ns, MdKind::object), {"created_at", "updated_at", "name"}, definition_key,
        [](const MdDefinition& d) { return d.name; }, limit);
    json list = json::array();
    for (const auto& d : objects)
        list.push_back(object_view(ns.name, d));
    // Glance's own link, without its leading slash.
    resp.json({{"objects", std::move(list)}, {"schema", "v2/schemas/metadefs/objects"}});
}

void object_create(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    check_object(body);
    MdNamespace ns = namespace_named(driver, req);
    require_admin(req.context(), "add_metadef_object");
    auto made = driver.mdDefinitionCreate(req.context(), ns.name,
                                          definition(MdKind::object, body["name"], object_body(body), api::unix_now()));
    resp.status = 201;
    resp.json(object_view(ns.name, made));
}

void object_show(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = namespace_named(driver, req);
    resp.json(object_view(ns.name, find(ns, MdKind::object, req.param("object_name"))));
}

// PUT of an object, a property or a tag: the whole definition again, perhaps under a new name.
MdDefinition definition_update(const Driver& driver, const Request& req, MdKind kind, const char* rule,
                               const std::string& name, json body, const std::string& new_name)
{
    MdNamespace ns = namespace_named(driver, req);
    require_admin(req.context(), rule);
    MdDefinition d = find(ns, kind, name);
    d.name = new_name;
    d.body = std::move(body);
    d.updated_at = api::unix_now();
    return driver.mdDefinitionUpdate(req.context(), ns.name, name, d);
}

void object_update(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    check_object(body);
    std::string ns = req.param("namespace_name");
    resp.json(object_view(ns, definition_update(driver, req, MdKind::object, "modify_metadef_object",
                                                req.param("object_name"), object_body(body), body["name"])));
}

void properties_list(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = namespace_named(driver, req);
    json props = json::object();
    for (const auto& d : of_kind(ns, MdKind::property))
        props[d.name] = d.body;
    resp.json({{"properties", std::move(props)}});
}

void property_create(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    check_body(body, "property", {"created_at", "updated_at"});
    MdNamespace ns = namespace_named(driver, req);
    require_admin(req.context(), "add_metadef_property");
    auto made = driver.mdDefinitionCreate(
        req.context(), ns.name, definition(MdKind::property, body["name"], property_body(body), api::unix_now()));
    resp.status = 201;
    resp.json(property_view(made));
}

void property_show(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = namespace_named(driver, req);
    std::string name = req.param("property_name");
    if (req.has_query("resource_type")) {
        std::string type(req.query("resource_type"));
        auto a = std::find_if(ns.associations.begin(), ns.associations.end(),
                              [&](const MdAssociation& x) { return x.name == type; });
        if (a == ns.associations.end())
            throw NotFound("The metadata definition resource-type association of resource-type=" + type +
                           " to namespace=" + ns.name + ", was not found.");
        std::string prefix = a->prefix.value_or("");
        if (prefix.empty() || name.rfind(prefix, 0) != 0)
            throw NotFound("Property " + name +
                           " does not start with the expected resource type association prefix "
                           "of '" +
                           prefix + "'.");
        name = name.substr(prefix.size());
    }
    resp.json(property_view(find(ns, MdKind::property, name)));
}

void property_update(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    check_body(body, "property", {"created_at", "updated_at"});
    resp.json(property_view(definition_update(driver, req, MdKind::property, "modify_metadef_property",
                                              req.param("property_name"), property_body(body), body["name"])));
}

void tags_list(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = namespace_named(driver, req);
    std::size_t limit = 0;
    auto tags = page(
        req, of_kind(ns, MdKind::tag), {"created_at", "updated_at", "name"}, definition_key,
        [](const MdDefinition& d) { return d.name; }, limit);
    json list = json::array();
    for (const auto& d : tags)
        list.push_back({{"name", d.name}});
    resp.json({{"tags", std::move(list)}});
}

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

Conflict duplicate_tag(const std::string& name, const std::string& ns)
{
    return Conflict("A metadata tag with name=" + name + " already exists in namespace=" + ns +
                    ". (Please note that metadata tag names are case insensitive).");
}

// POST .../tags: the namespace's tags become these, or, with X-Openstack-Append, these join them.
void tags_create(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (body.is_object())
        for (const char* key : {"created_at", "updated_at"})
            if (body.contains(key))
                throw Forbidden("Attribute '" + std::string(key) + "' is read-only.");
    json schema = {{"name", "tags"},
                   {"type", "object"},
                   {"properties",
                    {{"tags",
                      {{"type", "array"},
                       {"items",
                        {{"type", "object"},
                         {"properties", {{"name", {{"type", "string"}}}}},
                         {"required", {"name"}},
                         {"additionalProperties", false}}}}}}}};
    if (auto why = api::schema_violation(body, schema))
        throw BadRequest("Provided object does not match schema 'tags': " + *why);
    MdNamespace ns = namespace_named(driver, req);
    require_admin(req.context(), "add_metadef_tags");
    bool append =
        req.has_header("X-Openstack-Append") && api::parse_bool("X-Openstack-Append", req.header("X-Openstack-Append"));
    std::vector<MdDefinition> tags = append ? of_kind(ns, MdKind::tag) : std::vector<MdDefinition>{};
    std::set<std::string> taken;
    for (const auto& t : tags)
        taken.insert(lower(t.name));
    json shown = json::array();
    std::int64_t now = api::unix_now();
    for (const auto& t : body.value("tags", json::array())) {
        std::string name = t["name"];
        if (!taken.insert(lower(name)).second)
            throw duplicate_tag(name, ns.name);
        tags.push_back(definition(MdKind::tag, name, json::object(), now));
        shown.push_back({{"name", name}});
    }
    driver.mdDefinitionsReplace(req.context(), ns.name, MdKind::tag, tags);
    resp.status = 201;
    resp.json({{"tags", std::move(shown)}});
}

void tag_create(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = namespace_named(driver, req);
    require_admin(req.context(), "add_metadef_tag");
    const std::string& name = req.param("tag_name");
    if (auto why = api::schema_violation(json(name), metadef_schema("tag")["properties"]["name"]))
        throw BadRequest("Provided object does not match schema 'tag': " + *why);
    resp.status = 201;
    resp.json(tag_view(driver.mdDefinitionCreate(req.context(), ns.name,
                                                 definition(MdKind::tag, name, json::object(), api::unix_now()))));
}

void tag_show(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = namespace_named(driver, req);
    resp.json(tag_view(find(ns, MdKind::tag, req.param("tag_name"))));
}

void tag_update(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    check_body(body, "tag", {"created_at", "updated_at"});
    resp.json(tag_view(definition_update(driver, req, MdKind::tag, "modify_metadef_tag", req.param("tag_name"),
                                         json::object(), body["name"])));
}

void resource_types_list(const Driver& driver, const Request& req, Response& resp)
{
    json list = json::array();
    for (const auto& t : driver.mdResourceTypeList(req.context()))
        list.push_back({{"name", t.name},
                        {"created_at", api::iso_time_z(t.created_at)},
                        {"updated_at", api::iso_time_z(t.updated_at)}});
    resp.json({{"resource_types", std::move(list)}});
}

void associations_list(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = namespace_named(driver, req);
    json list = json::array();
    for (const auto& a : ns.associations)
        list.push_back(association_view(a));
    resp.json({{"resource_type_associations", std::move(list)}});
}

void association_create(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    check_body(body, "resource_type", {"created_at", "updated_at"});
    MdNamespace ns = namespace_named(driver, req);
    require_admin(req.context(), "add_metadef_resource_type_association");
    resp.status = 201;
    resp.json(
        association_view(driver.mdAssociationCreate(req.context(), ns.name, association_from(body, api::unix_now()))));
}

void association_delete(const Driver& driver, const Request& req, Response& resp)
{
    MdNamespace ns = namespace_named(driver, req);
    require_admin(req.context(), "remove_metadef_resource_type_association");
    const std::string& type = req.param("resource_type_name");
    if (std::none_of(ns.associations.begin(), ns.associations.end(),
                     [&](const MdAssociation& a) { return a.name == type; }))
        throw NotFound("Failed to find resource type " + type + " to delete");
    if (ns.is_protected)
        throw Forbidden("Metadata definition resource-type-association " + type +
                        " is protected and cannot be deleted.");
    driver.mdAssociationDelete(req.context(), ns.name, type);
    no_content(resp);
}

template <const char* Which> void schema(const Driver&, const Request&, Response& resp)
{
    resp.json(metadef_schema(Which));
}

constexpr char kNamespace[] = "namespace", kNamespaces[] = "namespaces", kObject[] = "object", kObjects[] = "objects",
               kProperty[] = "property", kProperties[] = "properties", kTag[] = "tag", kTags[] = "tags",
               kResourceType[] = "resource_type", kResourceTypes[] = "resource_types";

const Binding<Driver> kMetadefs[] = {
    // The schemas describe the API, whatever the cloud behind it does.
    {"v2_schema_metadefs_namespace", "GET", {}, schema<kNamespace>},
    {"v2_schema_metadefs_namespaces", "GET", {}, schema<kNamespaces>},
    {"v2_schema_metadefs_object", "GET", {}, schema<kObject>},
    {"v2_schema_metadefs_objects", "GET", {}, schema<kObjects>},
    {"v2_schema_metadefs_property", "GET", {}, schema<kProperty>},
    {"v2_schema_metadefs_properties", "GET", {}, schema<kProperties>},
    {"v2_schema_metadefs_tag", "GET", {}, schema<kTag>},
    {"v2_schema_metadefs_tags", "GET", {}, schema<kTags>},
    {"v2_schema_metadefs_resource_type", "GET", {}, schema<kResourceType>},
    {"v2_schema_metadefs_resource_types", "GET", {}, schema<kResourceTypes>},
    {"v2_metadefs_resource_types", "GET", {Op::mdResourceTypeList}, resource_types_list},
    {"v2_metadefs_namespaces", "GET", {Op::mdNamespaceList}, namespaces_list},
    {"v2_metadefs_namespaces", "POST", {Op::mdNamespaceCreate}, namespace_create},
    {"v2_metadefs_namespace", "GET", {Op::mdNamespaceGet}, namespace_show},
    {"v2_metadefs_namespace", "PUT", {Op::mdNamespaceGet, Op::mdNamespaceUpdate}, namespace_update},
    {"v2_metadefs_namespace", "DELETE", {Op::mdNamespaceGet, Op::mdNamespaceDelete}, namespace_delete},
    {"v2_metadefs_namespace_resource_types", "GET", {Op::mdNamespaceGet}, associations_list},
    {"v2_metadefs_namespace_resource_types", "POST", {Op::mdNamespaceGet, Op::mdAssociationCreate}, association_create},
    {"v2_metadefs_namespace_resource_type",
     "DELETE",
     {Op::mdNamespaceGet, Op::mdAssociationDelete},
     association_delete},
    {"v2_metadefs_namespace_objects", "GET", {Op::mdNamespaceGet}, objects_list},
    {"v2_metadefs_namespace_objects", "POST", {Op::mdNamespaceGet, Op::mdDefinitionCreate}, object_create},
    {"v2_metadefs_namespace_objects",
     "DELETE",
     {Op::mdNamespaceGet, Op::mdDefinitionsReplace},
     [](const Driver& d, const Request& req, Response& resp) { definitions_delete(d, req, resp, MdKind::object); }},
    {"v2_metadefs_namespace_object", "GET", {Op::mdNamespaceGet}, object_show},
    {"v2_metadefs_namespace_object", "PUT", {Op::mdNamespaceGet, Op::mdDefinitionUpdate}, object_update},
    {"v2_metadefs_namespace_object",
     "DELETE",
     {Op::mdNamespaceGet, Op::mdDefinitionDelete},
     [](const Driver& d, const Request& req, Response& resp) {
         definition_delete(d, req, resp, MdKind::object, "delete_metadef_object", req.param("object_name"));
     }},
    {"v2_metadefs_namespace_properties", "GET", {Op::mdNamespaceGet}, properties_list},
    {"v2_metadefs_namespace_properties", "POST", {Op::mdNamespaceGet, Op::mdDefinitionCreate}, property_create},
    {"v2_metadefs_namespace_properties",
     "DELETE",
     {Op::mdNamespaceGet, Op::mdDefinitionsReplace},
     [](const Driver& d, const Request& req, Response& resp) { definitions_delete(d, req, resp, MdKind::property); }},
    {"v2_metadefs_namespace_property", "GET", {Op::mdNamespaceGet}, property_show},
    {"v2_metadefs_namespace_property", "PUT", {Op::mdNamespaceGet, Op::mdDefinitionUpdate}, property_update},
    {"v2_metadefs_namespace_property",
     "DELETE",
     {Op::mdNamespaceGet, Op::mdDefinitionDelete},
     [](const Driver& d, const Request& req, Response& resp) {
         definition_delete(d, req, resp, MdKind::property, "remove_metadef_property", req.param("property_name"));
     }},
    {"v2_metadefs_namespace_tags", "GET", {Op::mdNamespaceGet}, tags_list},
    {"v2_metadefs_namespace_tags", "POST", {Op::mdNamespaceGet, Op::mdDefinitionsReplace}, tags_create},
    {"v2_metadefs_namespace_tags",
     "DELETE",
     {Op::mdNamespaceGet, Op::mdDefinitionsReplace},
     [](const Driver& d, const Request& req, Response& resp) { definitions_delete(d, req, resp, MdKind::tag); }},
    {"v2_metadefs_namespace_tag", "GET", {Op::mdNamespaceGet}, tag_show},
    {"v2_metadefs_namespace_tag", "POST", {Op::mdNamespaceGet, Op::mdDefinitionCreate}, tag_create},
    {"v2_metadefs_namespace_tag", "PUT", {Op::mdNamespaceGet, Op::mdDefinitionUpdate}, tag_update},
    {"v2_metadefs_namespace_tag",
     "DELETE",
     {Op::mdNamespaceGet, Op::mdDefinitionDelete},
     [](const Driver& d, const Request& req, Response& resp) {
         definition_delete(d, req, resp, MdKind::tag, "delete_metadef_tag", req.param("tag_name"));
     }},
};

} // namespace

MdNamespace namespace_from_json(const json& body, const std::string& owner, std::int64_t now)
{
    check_body(body, "namespace", {"self", "schema", "created_at", "updated_at"});
    MdNamespace ns;
    ns.name = body["namespace"];
    ns.display_name = optional_text(body, "display_name");
    ns.description = optional_text(body, "description");
    ns.visibility = optional_text(body, "visibility").value_or("private");
    ns.is_protected = body.value("protected", false);
    ns.owner = optional_text(body, "owner").value_or(owner);
    ns.created_at = ns.updated_at = now;
    std::set<std::string> seen;
    for (const auto& a : body.value("resource_type_associations", json::array())) {
        if (!a.contains("name") || !a["name"].is_string())
            throw BadRequest("Provided object does not match schema 'namespace': 'name' is a required property");
        if (!seen.insert(a["name"].get<std::string>()).second)
            throw Conflict("The metadata definition resource-type association of resource-type=" +
                           a["name"].get<std::string>() + " to namespace=" + ns.name + " already exists.");
        ns.associations.push_back(association_from(a, now));
    }
    std::set<std::pair<MdKind, std::string>> names;
    auto add = [&](MdDefinition d) {
        std::string key = d.kind == MdKind::tag ? lower(d.name) : d.name;
        if (!names.emplace(d.kind, key).second) {
            if (d.kind == MdKind::tag)
                throw duplicate_tag(d.name, ns.name);
            throw Conflict("A metadata definition " + std::string(kind_name(d.kind)) + " with name=" + d.name +
                           " already exists in namespace=" + ns.name + ".");
        }
        ns.definitions.push_back(std::move(d));
    };
    for (const auto& o : body.value("objects", json::array())) {
        if (!o.contains("name") || !o["name"].is_string())
            throw BadRequest("Provided object does not match schema 'namespace': 'name' is a required property");
        add(definition(MdKind::object, o["name"], object_body(o), now));
    }
    const json properties = body.value("properties", json::object());
    for (const auto& [name, def] : properties.items())
        add(definition(MdKind::property, name, property_body(def), now));
    for (const auto& t : body.value("tags", json::array())) {
        if (!t.contains("name") || !t["name"].is_string())
            throw BadRequest("Provided object does not match schema 'namespace': 'name' is a required property");
        add(definition(MdKind::tag, t["name"], json::object(), now));
    }
    return ns;
}

std::span<const Binding<Driver>> metadef_bindings()
{
    return kMetadefs;
}

// Every operation a driver leaves alone answers 501.
std::vector<MdNamespace> Driver::mdNamespaceList(const Context&, const MdNamespaceQuery&) const
{
    throw NotImplemented("mdNamespaceList");
}
MdNamespace Driver::mdNamespaceGet(const Context&, const std::string&) const
{
    throw NotImplemented("mdNamespaceGet");
}
MdNamespace Driver::mdNamespaceCreate(const Context&, const MdNamespace&) const
{
    throw NotImplemented("mdNamespaceCreate");
}
MdNamespace Driver::mdNamespaceUpdate(const Context&, const std::string&, const MdNamespace&) const
{
    throw NotImplemented("mdNamespaceUpdate");
}
void Driver::mdNamespaceDelete(const Context&, const std::string&) const
{
    throw NotImplemented("mdNamespaceDelete");
}
MdDefinition Driver::mdDefinitionCreate(const Context&, const std::string&, const MdDefinition&) const
{
    throw NotImplemented("mdDefinitionCreate");
}
MdDefinition Driver::mdDefinitionUpdate(const Context&, const std::string&, const std::string&,
                                        const MdDefinition&) const
{
    throw NotImplemented("mdDefinitionUpdate");
}
void Driver::mdDefinitionDelete(const Context&, const std::string&, MdKind, const std::string&) const
{
    throw NotImplemented("mdDefinitionDelete");
}
void Driver::mdDefinitionsReplace(const Context&, const std::string&, MdKind, const std::vector<MdDefinition>&) const
{
    throw NotImplemented("mdDefinitionsReplace");
}
MdAssociation Driver::mdAssociationCreate(const Context&, const std::string&, const MdAssociation&) const
{
    throw NotImplemented("mdAssociationCreate");
}
void Driver::mdAssociationDelete(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("mdAssociationDelete");
}
std::vector<MdResourceType> Driver::mdResourceTypeList(const Context&) const
{
    throw NotImplemented("mdResourceTypeList");
}

} // namespace jumpgate::image
