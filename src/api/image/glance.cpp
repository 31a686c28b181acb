// SPDX-License-Identifier: Apache-2.0
// Glance's value sets and JSON schemas, shared by v1 and v2, and install(), which serves both from their tables.
#include "api/image/glance.hpp"

#include <algorithm>
#include <array>

#include <jumpgate/app.hpp>
#include <jumpgate/fault.hpp>

#include "api/common/validation.hpp"
#include "api/image/metadefs.hpp"

namespace jumpgate::api::glance {

namespace {

constexpr std::array kDiskFormats = {"ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"};
constexpr std::array kContainerFormats = {"ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"};
constexpr std::array kVisibilities = {"public", "private", "shared", "community"};
constexpr std::array kSortKeys = {"id",    "name",         "status",     "container_format", "disk_format",
                                  "size",  "virtual_size", "created_at", "updated_at",       "visibility",
                                  "owner", "min_disk",     "min_ram"};

template <std::size_t N> bool one_of(const std::array<const char*, N>& set, std::string_view v)
{
    return std::any_of(set.begin(), set.end(), [&](const char* s) { return v == s; });
}

json string_enum(std::initializer_list<const char*> values, bool nullable)
{
    json e = json::array();
    for (const char* v : values)
        e.push_back(v);
    if (nullable)
        e.push_back(nullptr);
    return {{"type", nullable ? json::array({"null", "string"}) : json("string")}, {"enum", e}};
}

} // namespace

bool is_uuid(std::string_view t)
{
    if (t.size() != 36)
        return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? t[i] != '-' : !std::isxdigit(static_cast<unsigned char>(t[i])))
            return false;
    }
    return true;
}

bool valid_visibility(std::string_view v)
{
    return one_of(kVisibilities, v);
}
bool valid_disk_format(std::string_view v)
{
    return one_of(kDiskFormats, v);
}
bool valid_container_format(std::string_view v)
{
    return one_of(kContainerFormats, v);
}
bool valid_sort_key(std::string_view key)
{
    return one_of(kSortKeys, key);
}

void check_text(std::string_view field, std::string_view value)
{
    if (utf8_length(value) > 255)
        throw BadRequest("Value of " + std::string(field) + " is longer than 255 characters.");
    if (!is_header_value(value))
        throw BadRequest("Invalid value for " + std::string(field) + ": it contains a control character.");
}

json image_schema()
{
    json nullable_string = {{"type", {"null", "string"}}, {"maxLength", 255}};
    json read_only_string = {{"type", {"null", "string"}}, {"readOnly", true}};
    json properties = {
        {"id",
         {{"type", "string"},
          {"pattern", "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"}}},
        {"name", nullable_string},
        {"status",
         {{"type", "string"},
          {"readOnly", true},
          {"enum",
           {"queued", "saving", "active", "killed", "deleted", "uploading", "importing", "pending_delete",
            "deactivated"}}}},
        {"visibility", {{"type", "string"}, {"enum", {"community", "public", "private", "shared"}}}},
        {"protected", {{"type", "boolean"}}},
        {"os_hidden", {{"type", "boolean"}}},
        {"owner", nullable_string},
        {"checksum", read_only_string},
        {"os_hash_algo", read_only_string},
        {"os_hash_value", read_only_string},
        {"min_ram", {{"type", "integer"}}},
        {"min_disk", {{"type", "integer"}}},
        {"size", {{"type", {"null", "integer"}}, {"readOnly", true}}},
        {"virtual_size", {{"type", {"null", "integer"}}, {"readOnly", true}}},
        {"container_format", string_enum({"ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"}, true)},
        {"disk_format",
         string_enum({"ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"}, true)},
        {"created_at", {{"type", "string"}, {"readOnly", true}}},
        {"updated_at", {{"type", "string"}, {"readOnly", true}}},
        {"tags", {{"type", "array"}, {"items", {{"type", "string"}, {"maxLength", 255}}}}},
        {"self", {{"type", "string"}, {"readOnly", true}}},
        {"file", {{"type", "string"}, {"readOnly", true}}},
        {"schema", {{"type", "string"}, {"readOnly", true}}},
    };
    return {{"name", "image"},
            {"properties", std::move(properties)},
            {"additionalProperties", {{"type", "string"}}},
            {"links",
             {{{"rel", "self"}, {"href", "{self}"}},
              {{"rel", "enclosure"}, {"href", "{file}"}},
              {{"rel", "describedby"}, {"href", "{schema}"}}}}};
}

json images_schema()
{
    return {{"name", "images"},
            {"properties",
             {{"images", {{"type", "array"}, {"items", image_schema()}}},
              {"schema", {{"type", "string"}}},
              {"first", {{"type", "string"}}},
              {"next", {{"type", "string"}}}}},
            {"links",
             {{{"rel", "first"}, {"href", "{first}"}},
              {{"rel", "next"}, {"href", "{next}"}},
              {{"rel", "describedby"}, {"href", "{schema}"}}}}};
}

json member_schema()
{
    return {{"name", "member"},
            {"properties",
             {{"created_at", {{"type", "string"}}},
              {"image_id", {{"type", "string"}}},
              {"member_id", {{"type", "string"}}},
              {"schema", {{"type", "string"}, {"readOnly", true}}},
              {"status", {{"type", "string"}, {"enum", {"pending", "accepted", "rejected"}}}},
              {"updated_at", {{"type", "string"}}}}}};
}

} // namespace jumpgate::api::glance

namespace jumpgate::image::detail {

void install(App& app, Dispatcher& disp, std::shared_ptr<const Driver> driver, const Operations& ops)
{
    app.set_image({driver, ops});
    jumpgate::bind_table(disp, v2_bindings(), driver, ops);
    jumpgate::bind_table(disp, metadef_bindings(), driver, ops);
    jumpgate::bind_table(disp, api::glance::v1_bindings(), driver, ops);
}

} // namespace jumpgate::image::detail
