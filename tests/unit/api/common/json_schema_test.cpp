// SPDX-License-Identifier: Apache-2.0
// The JSON Schema check against the core's own schemas, and the namespace a metadefs body describes.
#include <boost/test/unit_test.hpp>

#include <jumpgate/fault.hpp>

#include "api/common/json_schema.hpp"
#include "api/image/metadefs.hpp"

using namespace jumpgate;

namespace {

std::string why(const json& value, const json& schema)
{
    return api::schema_violation(value, schema).value_or("");
}

} // namespace

BOOST_AUTO_TEST_SUITE(common_json_schema)

BOOST_AUTO_TEST_CASE(keywords_are_checked_in_jsonschemas_words)
{
    json schema = {{"type", "object"},
                   {"required", {"name"}},
                   {"additionalProperties", false},
                   {"properties",
                    {{"name", {{"type", "string"}, {"maxLength", 3}}},
                     {"mode", {{"enum", {"a", "b"}}}},
                     {"size", {{"$ref", "#/definitions/natural"}}},
                     {"list", {{"type", "array"}, {"items", {{"type", "string"}}}, {"uniqueItems", true}}}}},
                   {"definitions", {{"natural", {{"type", "integer"}, {"minimum", 0}}}}}};
    BOOST_TEST(why({{"name", "ab"}, {"mode", "a"}, {"size", 3}, {"list", {"x", "y"}}}, schema) == "");
    BOOST_TEST(why(json::object(), schema) == "'name' is a required property");
    BOOST_TEST(why({{"name", "abcd"}}, schema) == "'abcd' is too long");
    BOOST_TEST(why({{"name", 7}}, schema) == "7 is not of type 'string'");
    BOOST_TEST(why({{"name", "a"}, {"mode", "c"}}, schema) == "'c' is not one of ['a', 'b']");
    BOOST_TEST(why({{"name", "a"}, {"size", -1}}, schema) == "-1 is less than the minimum of 0");
    BOOST_TEST(why({{"name", "a"}, {"size", 1.5}}, schema) == "1.5 is not of type 'integer'");
    BOOST_TEST(why({{"name", "a"}, {"list", {"x", "x"}}}, schema) == "['x', 'x'] has non-unique elements");
    BOOST_TEST(why({{"name", "a"}, {"x", 1}, {"y", 2}}, schema) ==
               "Additional properties are not allowed ('x', 'y' were unexpected)");
    BOOST_TEST(why({1}, schema) == "[1] is not of type 'object'");
}

BOOST_AUTO_TEST_CASE(metadefs_schemas_check_what_glance_refuses)
{
    json property = image::metadef_schema("property");
    BOOST_TEST(why({{"name", "p"}, {"title", "P"}, {"type", "string"}}, property) == "");
    BOOST_TEST(why({{"name", "p"}, {"title", "P"}, {"type", "colour"}}, property) ==
               "'colour' is not one of ['array', 'boolean', 'integer', 'number', 'object', 'string', None]");
    BOOST_TEST(why({{"name", "p"}, {"title", "P"}, {"type", "string"}, {"maxLength", -1}}, property) ==
               "-1 is less than the minimum of 0");
    json ns = image::metadef_schema("namespace");
    BOOST_TEST(why({{"namespace", "n"}, {"properties", {{"p", {{"type", "string"}}}}}}, ns) ==
               "'title' is a required property");
    BOOST_CHECK_THROW(image::metadef_schema("colour"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_namespace_body_becomes_a_namespace)
{
    json body = {{"namespace", "OS::Test"},
                 {"resource_type_associations", {{{"name", "OS::Glance::Image"}, {"prefix", "t_"}}}},
                 {"properties", {{"speed", {{"title", "Speed"}, {"type", "integer"}, {"unknown", 1}}}}},
                 {"objects", {{{"name", "Box"}, {"description", "b"}}}},
                 {"tags", {{{"name", "red"}}}}};
    image::MdNamespace ns = image::namespace_from_json(body, "p1", 100);
    BOOST_TEST(ns.name == "OS::Test");
    BOOST_TEST((ns.visibility == "private" && !ns.is_protected && ns.owner == "p1" && ns.created_at == 100));
    BOOST_TEST(ns.associations.at(0).prefix.value() == "t_");
    BOOST_REQUIRE(ns.definitions.size() == 3u);
    // The fields a property definition does not have are dropped, as Glance drops them.
    for (const auto& d : ns.definitions)
        if (d.kind == image::MdKind::property)
            BOOST_TEST(d.body == json({{"title", "Speed"}, {"type", "integer"}}));
    body["tags"] = {{{"name", "red"}}, {{"name", "RED"}}};
    BOOST_CHECK_THROW(image::namespace_from_json(body, "p1", 100), Conflict);
    BOOST_CHECK_THROW(image::namespace_from_json({{"namespace", "n"}, {"self", "x"}}, "p1", 100), Forbidden);
    BOOST_CHECK_THROW(image::namespace_from_json({{"namespace", "n"}, {"visibility", "shared"}}, "p1", 100),
                      BadRequest);
}

BOOST_AUTO_TEST_SUITE_END()
