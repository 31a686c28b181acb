// SPDX-License-Identifier: Apache-2.0
// Listing: parsing of the query parameters every list call shares.
#include "api/common/listing.hpp"

#include <charconv>
#include <map>

#include <jumpgate/dispatcher.hpp>

namespace jumpgate::api {

long long parse_int(std::string_view name, std::string_view value)
{
    long long n = -1;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || p != value.data() + value.size() || n < 0)
        throw BadRequest("Invalid input for field/attribute " + std::string(name) + ". Value: " + std::string(value) +
                         ". It must be a non-negative integer.");
    return n;
}

bool parse_bool(std::string_view name, std::string_view value)
{
    std::string v(value);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true" || v == "1" || v == "yes" || v == "on" || v == "t" || v == "y")
        return true;
    if (v == "false" || v == "0" || v == "no" || v == "off" || v == "f" || v == "n")
        return false;
    throw BadRequest("Invalid value '" + std::string(value) + "' for " + std::string(name) + ": it must be a boolean.");
}

Page Page::from(const Request& req)
{
    Page page;
    if (req.has_query("limit"))
        page.limit = static_cast<std::size_t>(parse_int("limit", req.query("limit")));
    page.marker = std::string(req.query("marker"));
    return page;
}

json next_links(const Request& req, const std::string& marker)
{
    std::map<std::string, std::string> params(req.params().begin(), req.params().end());
    std::string href = req.dispatcher()->endpoint_url(req, req.endpoint(), params) + "?";
    for (const auto& [k, v] : req.query_pairs())
        if (k != "marker")
            href += url_encode(k) + "=" + url_encode(v) + "&";
    href += "marker=" + url_encode(marker);
    return json::array({{{"rel", "next"}, {"href", std::move(href)}}});
}

std::string url_encode(std::string_view text)
{
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

} // namespace jumpgate::api
