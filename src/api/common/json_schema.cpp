// SPDX-License-Identifier: Apache-2.0
// A JSON Schema (draft 4) check for the schemas the core itself serves, so a body is checked against what clients read.
#include "api/common/json_schema.hpp"

#include <algorithm>

#include "api/common/validation.hpp"

namespace jumpgate::api {

namespace {

bool of_type(const json& value, const std::string& type)
{
    if (type == "string")
        return value.is_string();
    if (type == "integer")
        return value.is_number_integer() ||
               (value.is_number_float() && value.get<double>() == static_cast<double>(value.get<long long>()));
    if (type == "number")
        return value.is_number();
    if (type == "boolean")
        return value.is_boolean();
    if (type == "object")
        return value.is_object();
    if (type == "array")
        return value.is_array();
    if (type == "null")
        return value.is_null();
    return true;
}

std::string quoted_list(const json& names)
{
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ", ") + python_repr(n);
    return out;
}

class Checker {
  public:
    explicit Checker(const json& root) : root_(root) {}

    std::optional<std::string> check(const json& value, const json& schema) const
    {
        if (!schema.is_object())
            return std::nullopt;
        if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string())
            return check(value, resolve(ref->get<std::string>()));
        if (auto all = schema.find("allOf"); all != schema.end())
            for (const auto& part : *all)
                if (auto why = check(value, part))
                    return why;
        if (auto type = schema.find("type"); type != schema.end()) {
            json types = type->is_array() ? *type : json::array({*type});
            bool any = std::any_of(types.begin(), types.end(), [&](const json& t) {
                return t.is_string() && of_type(value, t.get<std::string>());
            });
            if (!any)
                return python_repr(value) + " is not of type " + quoted_list(types);
        }
        if (auto e = schema.find("enum"); e != schema.end() && e->is_array())
            if (std::find(e->begin(), e->end(), value) == e->end())
                return python_repr(value) + " is not one of " + python_repr(*e);
        if (value.is_string()) {
            std::size_t n = utf8_length(value.get_ref<const std::string&>());
            if (auto max = schema.find("maxLength"); max != schema.end() && n > max->get<std::size_t>())
                return python_repr(value) + " is too long";
            if (auto min = schema.find("minLength"); min != schema.end() && n < min->get<std::size_t>())
                return python_repr(value) + " is too short";
        }
        if (value.is_number()) {
            if (auto min = schema.find("minimum"); min != schema.end() && value.get<double>() < min->get<double>())
                return python_repr(value) + " is less than the minimum of " + min->dump();
            if (auto max = schema.find("maximum"); max != schema.end() && value.get<double>() > max->get<double>())
                return python_repr(value) + " is greater than the maximum of " + max->dump();
        }
        if (value.is_array())
            return check_array(value, schema);
        if (value.is_object())
            return check_object(value, schema);
        return std::nullopt;
    }

  private:
    const json& resolve(const std::string& ref) const
    {
        static const json kNothing = json::object();
        const std::string prefix = "#/definitions/";
        if (ref.rfind(prefix, 0) != 0 || !root_.contains("definitions"))
            return kNothing;
        auto it = root_["definitions"].find(ref.substr(prefix.size()));
        return it == root_["definitions"].end() ? kNothing : *it;
    }

    std::optional<std::string> check_array(const json& value, const json& schema) const
    {
        if (auto items = schema.find("items"); items != schema.end())
            for (const auto& item : value)
                if (auto why = check(item, *items))
                    return why;
        if (schema.value("uniqueItems", false))
            for (std::size_t i = 0; i < value.size(); ++i)
                for (std::size_t j = i + 1; j < value.size(); ++j)
                    if (value[i] == value[j])
                        return python_repr(value) + " has non-unique elements";
        return std::nullopt;
    }

    std::optional<std::string> check_object(const json& value, const json& schema) const
    {
        const json properties = schema.value("properties", json::object());
        if (auto required = schema.find("required"); required != schema.end() && required->is_array())
            for (const auto& name : *required)
                if (name.is_string() && !value.contains(name.get<std::string>()))
                    return python_repr(name) + " is a required property";
        json unexpected = json::array();
        for (const auto& [key, item] : value.items()) {
            if (auto p = properties.find(key); p != properties.end()) {
                if (auto why = check(item, *p))
                    return why;
                continue;
            }
            auto extra = schema.find("additionalProperties");
            if (extra == schema.end())
                continue;
            if (extra->is_boolean() && !extra->get<bool>())
                unexpected.push_back(key);
            else if (auto why = check(item, *extra))
                return why;
        }
        if (!unexpected.empty())
            return "Additional properties are not allowed (" + quoted_list(unexpected) +
                   (unexpected.size() == 1 ? " was" : " were") + " unexpected)";
        return std::nullopt;
    }

    const json& root_;
};

} // namespace

std::optional<std::string> schema_violation(const json& value, const json& schema)
{
    return Checker(schema).check(value, schema);
}

} // namespace jumpgate::api
