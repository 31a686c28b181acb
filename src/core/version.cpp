// SPDX-License-Identifier: Apache-2.0
// Parsing and printing of microversions.
#include <jumpgate/version.hpp>

#include <charconv>

namespace jumpgate {

std::optional<ApiVersion> ApiVersion::parse(std::string_view text)
{
    auto dot = text.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size())
        return std::nullopt;
    ApiVersion v;
    auto major_end = text.data() + dot;
    auto [p1, e1] = std::from_chars(text.data(), major_end, v.major);
    if (e1 != std::errc() || p1 != major_end)
        return std::nullopt;
    auto end = text.data() + text.size();
    auto [p2, e2] = std::from_chars(major_end + 1, end, v.minor);
    if (e2 != std::errc() || p2 != end || v.major < 0 || v.minor < 0)
        return std::nullopt;
    return v;
}

std::string ApiVersion::str() const
{
    return std::to_string(major) + "." + std::to_string(minor);
}

} // namespace jumpgate
