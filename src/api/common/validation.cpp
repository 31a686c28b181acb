// SPDX-License-Identifier: Apache-2.0
// Validation every service shares: UTF-8, printable text, and their schemas' types, lengths and ranges.
#include "api/common/validation.hpp"

#include "api/common/listing.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>

namespace jumpgate::api {

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// The code point at text[i], moving i past it; kInvalid for a malformed sequence.
char32_t next_code_point(std::string_view text, std::size_t& i)
{
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    std::size_t extra;
    char32_t cp, least;
    if (lead >= 0xC2 && lead <= 0xDF)
        extra = 1, cp = lead & 0x1F, least = 0x80;
    else if (lead >= 0xE0 && lead <= 0xEF)
        extra = 2, cp = lead & 0x0F, least = 0x800;
    else if (lead >= 0xF0 && lead <= 0xF4)
        extra = 3, cp = lead & 0x07, least = 0x10000;
    else
        return kInvalid;
    if (text.size() - i <= extra)
        return kInvalid;
    for (std::size_t k = 1; k <= extra; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80)
            return kInvalid;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return kInvalid;
    i += extra + 1;
    return cp;
}

// Unicode's space separators (Zs): what Nova's names may not start or end with.
bool is_space(char32_t c)
{
    return c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

// Nova's _is_printable: neither of Unicode's "other" categories (control, format, private use,
// unassigned) nor a line or paragraph separator. The unassigned code points are not known here:
// only the non-characters.
bool is_printable(char32_t c)
{
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
        return false;
    static constexpr std::pair<char32_t, char32_t> kFormat[] = {
        {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},    {0x070F, 0x070F},
        {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},   {0x200B, 0x200F},    {0x2028, 0x202E},
        {0x2060, 0x2064},   {0x2066, 0x206F},   {0xE000, 0xF8FF},   {0xFDD0, 0xFDEF},    {0xFEFF, 0xFEFF},
        {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x13430, 0x1343F},  {0x1BCA0, 0x1BCA3},
        {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xF0000, 0x10FFFF},
    };
    for (auto [first, last] : kFormat)
        if (c >= first && c <= last)
            return false;
    return (c & 0xFFFE) != 0xFFFE;
}

std::string python_quoted(std::string_view text)
{
    static const char kHex[] = "0123456789abcdef";
    std::string out = "'";
    for (unsigned char c : text) {
        if (c == '\\' || c == '\'') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7F) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "'";
}

// A value as a message shows it, cut short: a client may send a megabyte where 255 characters were
// due.
std::string shown(std::string text)
{
    constexpr std::size_t kShownMax = 255;
    if (text.size() <= kShownMax)
        return text;
    std::size_t cut = kShownMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.substr(0, cut) + "...";
}

// A string of a decimal integer as Python's int() reads it: spaces around, a sign, digits with
// single underscores between.
std::optional<long long> python_int_text(std::string_view text)
{
    constexpr std::string_view kSpaces = " \t\n\v\f\r";
    auto first = text.find_first_not_of(kSpaces);
    if (first == std::string_view::npos)
        return std::nullopt;
    text = text.substr(first, text.find_last_not_of(kSpaces) - first + 1);
    std::string digits;
    std::size_t i = 0;
    if (text[0] == '+' || text[0] == '-')
        digits.push_back(text[i++]);
    if (digits == "+")
        digits.clear();
    bool after_digit = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
            after_digit = true;
        } else if (c == '_' && after_digit && i + 1 < text.size()) {
            after_digit = false;
        } else {
            return std::nullopt;
        }
    }
    if (!after_digit)
        return std::nullopt;
    long long n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    return n;
}

} // namespace

bool utf8_valid(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();)
        if (next_code_point(text, i) == kInvalid)
            return false;
    return true;
}

std::size_t utf8_length(std::string_view text)
{
    std::size_t n = 0;
    for (unsigned char c : text)
        n += (c & 0xC0) != 0x80;
    return n;
}

bool printable(std::string_view text, bool trimmed)
{
    char32_t c = 0;
    for (std::size_t i = 0; i < text.size();) {
        bool first = i == 0;
        c = next_code_point(text, i);
        if (c == kInvalid || !is_printable(c) || (trimmed && first && is_space(c)))
            return false;
    }
    return !(trimmed && is_space(c));
}

std::string python_repr(const json& value)
{
    switch (value.type()) {
    case json::value_t::null:
        return "None";
    case json::value_t::boolean:
        return value.get<bool>() ? "True" : "False";
    case json::value_t::string:
        return python_quoted(value.get_ref<const std::string&>());
    case json::value_t::array: {
        std::string out = "[";
        for (const auto& item : value)
            out += (out.size() > 1 ? ", " : "") + python_repr(item);
        return out + "]";
    }
    case json::value_t::object: {
        std::string out = "{";
        for (const auto& [k, v] : value.items())
            out += (out.size() > 1 ? ", " : "") + python_quoted(k) + ": " + python_repr(v);
        return out + "}";
    }
    default:
        return value.dump();
    }
}

std::string python_str(const json& value)
{
    return value.is_string() ? value.get<std::string>() : python_repr(value);
}

BadRequest schema_fault(std::string_view field, const json& value, std::string_view reason)
{
    return BadRequest("Invalid input for field/attribute " + std::string(field) +
                      ". Value: " + shown(python_str(value)) + ". " + std::string(reason));
}

BadRequest not_of_type(std::string_view field, const json& value, std::string_view types)
{
    return schema_fault(field, value, shown(python_repr(value)) + " is not of type " + std::string(types));
}

void only_properties(const json& value, std::string_view field, std::initializer_list<std::string_view> allowed)
{
    for (const auto& item : value.items())
        if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end())
            throw schema_fault(field, value,
                               "Additional properties are not allowed (" + shown(python_quoted(item.key())) +
                                   " was unexpected)");
}

std::string nova_name(const json& value, std::string_view field)
{
    if (!value.is_string())
        throw not_of_type(field, value, "'string'");
    const std::string& name = value.get_ref<const std::string&>();
    if (name.empty())
        throw schema_fault(field, value, "'' is too short");
    if (utf8_length(name) > 255)
        throw schema_fault(field, value, shown(python_repr(value)) + " is too long");
    if (!printable(name, true))
        throw BadRequest("An invalid '" + std::string(field) +
                         "' value was provided. The name must be: printable "
                         "characters. Can not start or end with whitespace.");
    return name;
}

std::optional<std::string> nova_description(const json& value, std::string_view field)
{
    if (value.is_null())
        return std::nullopt;
    if (!value.is_string())
        throw not_of_type(field, value, "'string', 'null'");
    const std::string& text = value.get_ref<const std::string&>();
    if (utf8_length(text) > 255)
        throw schema_fault(field, value, shown(python_repr(value)) + " is too long");
    if (!printable(text, false))
        throw schema_fault(field, value, shown(python_repr(value)) + " is not printable characters");
    return text;
}

std::map<std::string, std::string> nova_metadata(const json& value, std::string_view field, std::string_view key_chars)
{
    if (!value.is_object())
        throw not_of_type(field, value, "'object'");
    std::map<std::string, std::string> out;
    for (const auto& [key, item] : value.items()) {
        bool valid = !key.empty() && key.size() <= 255;
        for (unsigned char c : key)
            valid = valid && (std::isalnum(c) || key_chars.find(static_cast<char>(c)) != std::string_view::npos);
        if (!valid)
            throw schema_fault(field, value,
                               "Additional properties are not allowed (" + shown(python_quoted(key)) +
                                   " was unexpected)");
        if (!item.is_string())
            throw not_of_type(key, item, "'string'");
        if (utf8_length(item.get_ref<const std::string&>()) > 255)
            throw schema_fault(key, item, shown(python_repr(item)) + " is too long");
        out[key] = item.get<std::string>();
    }
    return out;
}

long long schema_integer(const json& value, std::string_view field, long long minimum, long long maximum)
{
    long long n = 0;
    bool beyond = false; // past what a long long holds: past any maximum
    if (value.is_number_integer()) {
        if (value.is_number_unsigned() && value.get<unsigned long long>() > static_cast<unsigned long long>(LLONG_MAX))
            beyond = true;
        else
            n = value.get<long long>();
    } else if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        const char* pattern = minimum < 0 ? "^-?[0-9]+$" : "^[0-9]+$";
        std::size_t digits = minimum < 0 && !text.empty() && text[0] == '-' ? 1 : 0;
        bool matches = text.size() > digits && text.find_first_not_of("0123456789", digits) == std::string::npos;
        if (!matches)
            throw schema_fault(field, value, shown(python_repr(value)) + " does not match '" + pattern + "'");
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        beyond = ec == std::errc::result_out_of_range;
        if (beyond && text[0] == '-')
            throw schema_fault(field, value, text + " is less than the minimum of " + std::to_string(minimum));
    } else {
        throw not_of_type(field, value, "'integer', 'string'");
    }
    std::string number = value.is_string() ? value.get<std::string>() : value.dump();
    if (!beyond && n < minimum)
        throw schema_fault(field, value, shown(number) + " is less than the minimum of " + std::to_string(minimum));
    if (beyond || n > maximum)
        throw schema_fault(field, value, shown(number) + " is greater than the maximum of " + std::to_string(maximum));
    return n;
}

bool schema_boolean(const json& value, std::string_view field)
{
    if (value.is_boolean())
        return value.get<bool>();
    if (!value.is_string())
        throw not_of_type(field, value, "'boolean', 'string'");
    try {
        return parse_bool(field, value.get_ref<const std::string&>());
    } catch (const BadRequest&) {
        throw schema_fault(field, value, shown(python_repr(value)) + " is not a boolean");
    }
}

std::optional<long long> python_int(const json& value, bool via_str)
{
    switch (value.type()) {
    case json::value_t::number_integer:
        return value.get<long long>();
    case json::value_t::number_unsigned:
        if (value.get<unsigned long long>() > static_cast<unsigned long long>(LLONG_MAX))
            return std::nullopt;
        return value.get<long long>();
    case json::value_t::boolean:
        if (via_str)
            return std::nullopt;
        return value.get<bool>() ? 1 : 0;
    case json::value_t::number_float: {
        double d = std::trunc(value.get<double>());
        if (via_str || !std::isfinite(d) || d < -9.2e18 || d > 9.2e18)
            return std::nullopt;
        return static_cast<long long>(d);
    }
    case json::value_t::string:
        return python_int_text(value.get_ref<const std::string&>());
    default:
        return std::nullopt;
    }
}

long long cinder_integer(const json& value, std::string_view field, long long minimum, long long maximum)
{
    auto n = python_int(value, true);
    if (!n)
        throw BadRequest(std::string(field) + " must be an integer");
    if (*n < minimum)
        throw BadRequest(std::string(field) + " must be >= " + std::to_string(minimum));
    if (*n > maximum)
        throw BadRequest(std::string(field) + " must be <= " + std::to_string(maximum));
    return *n;
}

} // namespace jumpgate::api
