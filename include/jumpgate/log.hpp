// SPDX-License-Identifier: Apache-2.0
// Logging to standard error, which nginx, spawn-fcgi and systemd collect.
#pragma once

#include <string>
#include <string_view>

namespace jumpgate::log {

enum class Level { debug, info, warning, error };

/* set_level: messages below `level` are dropped. */
void set_level(Level level) noexcept;

/* parse_level: "debug", "info", "warning" or "error"; throws std::invalid_argument. */
Level parse_level(std::string_view text);

void write(Level level, std::string_view message);

inline void debug(std::string_view m)
{
    write(Level::debug, m);
}
inline void info(std::string_view m)
{
    write(Level::info, m);
}
inline void warning(std::string_view m)
{
    write(Level::warning, m);
}
inline void error(std::string_view m)
{
    write(Level::error, m);
}

} // namespace jumpgate::log
