// SPDX-License-Identifier: Apache-2.0
// Validation every service shares: UTF-8, printable text, and their schemas' types, lengths and ranges.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <jumpgate/fault.hpp>
#include <jumpgate/request.hpp>

namespace jumpgate::api {

/* kMaxInt: the services' DB_MAX_INT, the largest quota or size they keep. */
constexpr long long kMaxInt = 2147483647;

/* utf8_valid: whether `text` is well-formed UTF-8 (no overlong form, surrogate, or past U+10FFFF). */
bool utf8_valid(std::string_view text);

/* utf8_length: the code points of well-formed `text`, which the services' length limits count. */
std::size_t utf8_length(std::string_view text);

/*
 * printable: whether every character of well-formed `text` is printable as Nova and Cinder
 * define it (no control or format character, no line or paragraph separator, no private-use
 * or non-character code point; a space is printable) and, when `trimmed`, neither the first
 * nor the last is a space.
 */
bool printable(std::string_view text, bool trimmed);

/* python_repr: `value` as the services' messages show it: 'abc', True, None, 3.7, [1, 'a']. */
std::string python_repr(const json& value);

/* python_str: `value` as Python's str(): a string as it is, anything else as python_repr. */
std::string python_str(const json& value);

/*
 * nova_name: a name under Nova's schema (servers, key pairs, images of servers...): a string of
 * 1 to 255 printable characters that neither starts nor ends with a space. Throws BadRequest
 * with Nova's message naming `field`.
 */
std::string nova_name(const json& value, std::string_view field);

/* nova_description: null (nullopt) or at most 255 printable characters; throws BadRequest. */
std::optional<std::string> nova_description(const json& value, std::string_view field);

/*
 * nova_metadata: an object of Nova's metadata: keys of 1 to 255 of [a-zA-Z0-9-_:. ], string values
 * of at most 255 characters. `key_chars` widens the keys (Cinder's metadata also takes '/'). Throws
 * BadRequest.
 */
std::map<std::string, std::string> nova_metadata(const json& value, std::string_view field,
                                                 std::string_view key_chars = "-_:. ");

/*
 * schema_integer: an integer under the jsonschema the Nova and Cinder APIs declare: a JSON integer
 * or a string of decimal digits ('-' first only when `minimum` is negative), within [minimum,
 * maximum]. Throws BadRequest with jsonschema's message naming `field`.
 */
long long schema_integer(const json& value, std::string_view field, long long minimum, long long maximum);

/* schema_boolean: a boolean or a string of one ("True", "yes", "0"); throws BadRequest naming `field`. */
bool schema_boolean(const json& value, std::string_view field);

/*
 * python_int: what Python's int() makes of `value` (an integer, a boolean, a float cut towards
 * zero, or a string of a decimal integer with optional sign and surrounding spaces); nullopt where
 * it raises or the result is out of [-2^63, 2^63). With `via_str`, int(str(value)) instead, which
 * refuses booleans and floats (Cinder's validate_integer).
 */
std::optional<long long> python_int(const json& value, bool via_str);

/* cinder_integer: int(str(value)) within [minimum, maximum]; else BadRequest with Cinder's message. */
long long cinder_integer(const json& value, std::string_view field, long long minimum, long long maximum);

/*
 * schema_fault: BadRequest with jsonschema's message as Nova and Cinder write it: "Invalid input
 * for field/attribute <field>. Value: <value>. <reason>".
 */
BadRequest schema_fault(std::string_view field, const json& value, std::string_view reason);

/* not_of_type: schema_fault for a value that is none of `types` ("'string', 'null'"). */
BadRequest not_of_type(std::string_view field, const json& value, std::string_view types);

/*
 * only_properties: a schema's "additionalProperties": false for object `value`: schema_fault naming `field` and the
 * first key outside `allowed`, as jsonschema words it, if there is one.
 */
void only_properties(const json& value, std::string_view field, std::initializer_list<std::string_view> allowed);

} // namespace jumpgate::api
