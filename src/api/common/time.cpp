// SPDX-License-Identifier: Apache-2.0
// Time as the OpenStack APIs write it.
#include <jumpgate/time.hpp>

#include <chrono>
#include <ctime>

namespace jumpgate::api {

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string iso_time(std::int64_t seconds, bool zulu)
{
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, zulu ? "%Y-%m-%dT%H:%M:%S.000000Z" : "%Y-%m-%dT%H:%M:%S.000000", &tm);
    return buf;
}

std::string iso_time_z(std::int64_t seconds)
{
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<std::int64_t> parse_iso_time(std::string_view text)
{
    std::tm tm{};
    std::string s(text);
    const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end)
        end = strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
    if (!end)
        return std::nullopt;
    if (*end == '.')
        for (++end; *end >= '0' && *end <= '9'; ++end) {
        }
    if (*end == 'Z')
        ++end;
    else if (std::string_view(end) == "+00:00")
        end += 6;
    if (*end)
        return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm));
}

} // namespace jumpgate::api
