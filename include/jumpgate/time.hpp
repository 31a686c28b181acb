// SPDX-License-Identifier: Apache-2.0
// Time as the OpenStack APIs write it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jumpgate::api {

/* unix_now: seconds since the epoch. */
std::int64_t unix_now();

/* iso_time: "2026-01-01T00:00:00.000000", with a "Z" after it when `zulu`. */
std::string iso_time(std::int64_t seconds, bool zulu);

/* iso_time_z: "2026-01-01T00:00:00Z", Glance's and Neutron's form. */
std::string iso_time_z(std::int64_t seconds);

/*
 * parse_iso_time: seconds since the epoch of an ISO 8601 time ("2026-01-01T00:00:00Z"; a space for the T, no seconds,
 * a fraction (ignored), and a Z, +hh:mm, +hhmm or +hh offset or none (UTC) are taken too); nullopt when malformed.
 */
std::optional<std::int64_t> parse_iso_time(std::string_view text);

} // namespace jumpgate::api
