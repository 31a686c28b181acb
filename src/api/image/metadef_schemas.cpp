// SPDX-License-Identifier: Apache-2.0
// Glance's metadata definitions schemas, made from a few tables: what clients read to build forms, and what bodies are
// checked against.
#include "api/image/metadefs.hpp"

namespace jumpgate::image {

namespace {

const json kTypes = {"array", "boolean", "integer", "number", "object", "string", nullptr};

json text(int max_length = 0, const char* description = nullptr)
{
    json s = {{"type", "string"}};
    if (max_length)
        s["maxLength"] = max_length;
    if (description)
        s["description"] = description;
    return s;
}

json read_only(const char* description = nullptr)
{
    json s = {{"type", "string"}, {"readOnly", true}};
    if (description) {
        s["description"] = description;
        s["format"] = "date-time";
    }
    return s;
}

json ref(const char* name)
{
    return {{"$ref", std::string("#/definitions/") + name}};
}

json string_array()
{
    return {{"type", "array"}, {"items", {{"type", "string"}}}};
}

// The fields a property definition may have: JSON Schema's own, as Glance keeps them.
json property_fields()
{
    return {
        {"name", text(80)},
        {"title", text()},
        {"description", text()},
        {"operators", string_array()},
        {"type", {{"type", "string"}, {"enum", kTypes}}},
        {"required", ref("stringArray")},
        {"minimum", {{"type", "number"}}},
        {"maximum", {{"type", "number"}}},
        {"maxLength", ref("positiveInteger")},
        {"minLength", ref("positiveIntegerDefault0")},
        {"pattern", {{"type", "string"}, {"format", "regex"}}},
        {"enum", {{"type", "array"}}},
        {"readonly", {{"type", "boolean"}}},
        {"default", json::object()},
        {"items",
         {{"type", "object"},
          {"properties", {{"type", {{"type", "string"}, {"enum", kTypes}}}, {"enum", {{"type", "array"}}}}}}},
        {"maxItems", ref("positiveInteger")},
        {"minItems", ref("positiveIntegerDefault0")},
        {"uniqueItems", {{"type", "boolean"}, {"default", false}}},
        {"additionalItems", {{"type", "boolean"}}},
    };
}

json definitions(bool with_property)
{
    json d = {
        {"positiveInteger", {{"type", "integer"}, {"minimum", 0}}},
        {"positiveIntegerDefault0", {{"allOf", {ref("positiveInteger"), {{"default", 0}}}}}},
        {"stringArray", {{"type", "array"}, {"items", {{"type", "string"}}}, {"uniqueItems", true}}},
    };
    if (with_property)
        d["property"] = {{"type", "object"},
                         {"additionalProperties",
                          {{"type", "object"}, {"required", {"title", "type"}}, {"properties", property_fields()}}}};
    return d;
}

json item(const char* name, json properties, json required, std::optional<json> defs)
{
    json s = {{"name", name},
              {"properties", std::move(properties)},
              {"additionalProperties", false},
              {"required", std::move(required)}};
    if (defs)
        s["definitions"] = std::move(*defs);
    return s;
}

json namespace_schema()
{
    json assoc = {{"type", "object"},
                  {"properties", {{"name", text()}, {"prefix", text()}, {"properties_target", text()}}}};
    json object = {{"type", "object"},
                   {"properties",
                    {{"name", text()},
                     {"description", text()},
                     {"required", ref("stringArray")},
                     {"properties", ref("property")}}}};
    json props = {
        {"namespace", text(80, "The namespace's unique name.")},
        {"display_name", text(80, "A name for people, which dashboards show.")},
        {"description", text(500, "What the namespace defines.")},
        {"visibility",
         {{"type", "string"}, {"description", "Who sees the namespace."}, {"enum", {"public", "private"}}}},
        {"protected", {{"type", "boolean"}, {"description", "A protected namespace cannot be deleted."}}},
        {"owner", text(255, "The project that owns the namespace.")},
        {"created_at", read_only("When the namespace was made.")},
        {"updated_at", read_only("When the namespace last changed.")},
        {"schema", read_only()},
        {"self", read_only()},
        {"resource_type_associations", {{"type", "array"}, {"items", assoc}}},
        {"properties", ref("property")},
        {"objects", {{"type", "array"}, {"items", object}}},
        {"tags", {{"type", "array"}, {"items", {{"type", "object"}, {"properties", {{"name", text()}}}}}}},
    };
    return item("namespace", std::move(props), {"namespace"}, definitions(true));
}

json object_schema()
{
    json props = {
        {"name", text(80)},
        {"description", text()},
        {"required", ref("stringArray")},
        {"properties", ref("property")},
        {"created_at", read_only("When the object was made.")},
        {"updated_at", read_only("When the object last changed.")},
        {"schema", read_only()},
        {"self", read_only()},
    };
    return item("object", std::move(props), {"name"}, definitions(true));
}

json property_schema(bool name_required)
{
    return item("property", property_fields(), name_required ? json{"type", "title", "name"} : json{"type", "title"},
                name_required ? std::optional<json>(definitions(false)) : std::nullopt);
}

json tag_schema()
{
    return item("tag",
                {{"name", text(80)},
                 {"created_at", read_only("When the tag was made.")},
                 {"updated_at", read_only("When the tag last changed.")}},
                {"name"}, std::nullopt);
}

json association_schema()
{
    return item("resource_type_association",
                {{"name", text(80, "The resource type, named as Heat names it (OS::Glance::Image).")},
                 {"prefix", text(80, "What the namespace's properties are prefixed with on this resource type, "
                                     "separator included (hw_, hw:).")},
                 {"properties_target",
                  text(80, "Which of the resource type's key/value sets the properties go to (a volume's image).")},
                 {"created_at", read_only("When the association was made.")},
                 {"updated_at", read_only("When the association last changed.")}},
                {"name"}, std::nullopt);
}

// A collection as Glance shows it: the items under `key`, its links, and the items' definitions at the top.
json collection(const char* name, const char* key, json item_schema, json items_type = json())
{
    std::optional<json> defs;
    if (item_schema.contains("definitions")) {
        defs = item_schema["definitions"];
        item_schema.erase("definitions");
    }
    json items = items_type.is_null() ? json{{"type", "array"}, {"items", std::move(item_schema)}}
                                      : json{{"type", "object"}, {"additionalProperties", std::move(item_schema)}};
    json s = {{"name", name},
              {"properties",
               {{key, std::move(items)},
                {"first", {{"type", "string"}}},
                {"next", {{"type", "string"}}},
                {"schema", {{"type", "string"}}}}},
              {"links",
               {{{"rel", "first"}, {"href", "{first}"}},
                {{"rel", "next"}, {"href", "{next}"}},
                {{"rel", "describedby"}, {"href", "{schema}"}}}}};
    if (defs)
        s["definitions"] = std::move(*defs);
    return s;
}

} // namespace

json metadef_schema(std::string_view which)
{
    if (which == "namespace")
        return namespace_schema();
    if (which == "namespaces")
        return collection("namespaces", "namespaces", namespace_schema());
    if (which == "object")
        return object_schema();
    if (which == "objects")
        return collection("objects", "objects", object_schema());
    if (which == "property")
        return property_schema(true);
    if (which == "properties") {
        json s = collection("properties", "properties", property_schema(false), "object");
        s["definitions"] = definitions(false);
        return s;
    }
    if (which == "tag")
        return tag_schema();
    if (which == "tags")
        return collection("tags", "tags", tag_schema());
    if (which == "resource_type")
        return association_schema();
    if (which == "resource_types")
        return collection("resource_type_associations", "resource_type_associations", association_schema());
    throw std::invalid_argument("no metadefs schema " + std::string(which));
}

} // namespace jumpgate::image
