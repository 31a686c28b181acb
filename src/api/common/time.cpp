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
    const char* end = nullptr;
    // The API references' own example, 2011-01-24T17:08Z, has no seconds.
    for (const char* form : {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"}) {
        tm = {};
        end = strptime(s.c_str(), form, &tm);
        if (end && (*end == '\0' || *end == '.' || *end == 'Z' || *end == 'z' || *end == '+' || *end == '-'))
            break;
        end = nullptr;
    }
    if (!end)
        return std::nullopt;
    if (*end == '.') {
        ++end;
        if (*end < '0' || *end > '9')
            return std::nullopt;
        while (*end >= '0' && *end <= '9')
            ++end;
    }
    long offset = 0;
    if (*end == 'Z' || *end == 'z') {
        ++end;
    } else if (*end == '+' || *end == '-') {
        // +hh:mm, +hhmm or +hh: the time is that far ahead of (behind) UTC.
        int sign = *end == '-' ? -1 : 1;
        ++end;
        auto digits = [&end](int n) {
            int v = 0;
            for (int i = 0; i < n; ++i, ++end) {
                if (*end < '0' || *end > '9')
                    return -1;
                v = v * 10 + (*end - '0');
            }
            return v;
        };
        int hours = digits(2);
        if (*end == ':')
            ++end;
        int minutes = *end ? digits(2) : 0;
        if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59)
            return std::nullopt;
        offset = sign * (hours * 3600L + minutes * 60L);
    }
    if (*end)
        return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

} // namespace jumpgate::api
