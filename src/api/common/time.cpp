// SPDX-License-Identifier: Apache-2.0
// Time as the OpenStack APIs write it.
#include "api/common/time.hpp"

#include <chrono>
#include <ctime>

namespace jumpgate::api {

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
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

} // namespace jumpgate::api
