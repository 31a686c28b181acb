// SPDX-License-Identifier: Apache-2.0
// A JSON Schema (draft 4) check for the schemas the core itself serves, so a body is checked against what clients read.
#pragma once

#include <optional>
#include <string>

#include <jumpgate/request.hpp>

namespace jumpgate::api {

/*
 * schema_violation: the first way `value` breaks `schema`, worded as Python's
 * jsonschema words it ("'name' is a required property"), or nullopt when it
 * conforms. Understood: type, enum, properties, required, additionalProperties
 * (false or a schema), items, uniqueItems, minLength, maxLength, minimum,
 * maximum, allOf and "$ref" into the definitions of `schema` itself; other
 * keywords (format, default, descriptions) constrain nothing.
 */
std::optional<std::string> schema_violation(const json& value, const json& schema);

} // namespace jumpgate::api
