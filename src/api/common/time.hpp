// SPDX-License-Identifier: Apache-2.0
// Time as the OpenStack APIs write it.
#pragma once

#include <cstdint>
#include <string>

namespace jumpgate::api {

/* unix_now: seconds since the epoch. */
std::int64_t unix_now();

/* iso_time: "2026-01-01T00:00:00.000000", with a "Z" after it when `zulu`. */
std::string iso_time(std::int64_t seconds, bool zulu);

} // namespace jumpgate::api
