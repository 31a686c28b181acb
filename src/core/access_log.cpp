// SPDX-License-Identifier: Apache-2.0
// The access line a worker logs for each request it answers: logfmt, which the usual log tools parse.
#include "core/access_log.hpp"

#include <array>
#include <cctype>
#include <cstdio>

namespace jumpgate {

namespace {

bool speaks_of_a_secret(std::string name)
{
    for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static constexpr std::array<std::string_view, 8> kWords = {"pass",       "token",     "secret", "sig",
                                                               "credential", "accesskey", "apikey", "api_key"};
    for (std::string_view word : kWords)
        if (name.find(word) != std::string::npos)
            return true;
    return false;
}

} // namespace

std::string logfmt_value(std::string_view value)
{
    if (value.empty())
        return "-";
    bool bare = true;
    for (unsigned char c : value)
        bare = bare && c > ' ' && c != '"' && c != '\\' && c != '=' && c != 0x7f;
    if (bare)
        return std::string(value);
    std::string out = "\"";
    for (unsigned char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < ' ' || c == 0x7f) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string loggable_query(std::string_view query)
{
    std::string out;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
        auto eq = pair.find('=');
        std::string_view name = pair.substr(0, eq);
        if (!out.empty())
            out += '&';
        if (eq != std::string_view::npos && speaks_of_a_secret(std::string(name)))
            out += std::string(name) + "=***";
        else
            out += pair;
    }
    return out;
}

std::string access_line(const Request& req, const Response& resp, long long bytes, double seconds)
{
    const Context& ctx = req.context();
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.1f", seconds * 1000);
    // A path may name a secret too (Keystone v2.0's /tokens/{token_id}).
    std::string path = req.path();
    for (const auto& [name, value] : req.params())
        if (!value.empty() && speaks_of_a_secret(name))
            for (auto at = path.find(value); at != std::string::npos; at = path.find(value, at + 3))
                path.replace(at, value.size(), "***");
    return "access request_id=" + logfmt_value(req.id()) + " user_id=" + logfmt_value(ctx.user_id) +
           " project_id=" + logfmt_value(ctx.project_id) + " method=" + logfmt_value(req.method()) +
           " path=" + logfmt_value(path) + " query=" + logfmt_value(loggable_query(req.env("QUERY_STRING"))) +
           " status=" + std::to_string(resp.status) + " bytes=" + std::to_string(bytes) + " duration_ms=" + duration;
}

} // namespace jumpgate
