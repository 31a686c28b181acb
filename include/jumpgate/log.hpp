// SPDX-License-Identifier: Apache-2.0
// Logging to standard error (or the log_file put in its place), which spawn-fcgi and systemd collect.
#pragma once

#include <string>
#include <string_view>

namespace jumpgate::log {

/*
 * Level: error, a request or the start-up failed (a 5xx of the worker's or its cloud's, a
 * configuration the worker cannot run with); warning, something an operator should look at
 * while requests are still answered; info, one access line per request and the worker's start
 * and stop; debug, what drivers ask of their clouds.
 */
enum class Level { debug, info, warning, error };

/* set_level: messages below `level` are dropped. */
void set_level(Level level) noexcept;

/* parse_level: "debug", "info", "warning" or "error"; throws std::invalid_argument. */
Level parse_level(std::string_view text);

/* enabled: whether a message at `level` is written (to skip building one that would not be). */
bool enabled(Level level) noexcept;

/* set_program: the name lines are written under ("jumpgate-manage"); "jumpgate-fcgi" by default. */
void set_program(std::string_view name);

/* stderr_changed: standard error now goes elsewhere (log_file): whether it is journald's is asked again. */
void stderr_changed() noexcept;

/*
 * write: one line, "2026-12-05T06:10:00.123Z jumpgate-fcgi[PID]: info: message", or, when standard
 * error is journald's stream (systemd's JOURNAL_STREAM), "<6>message" with the level as its priority.
 * A newline in the message becomes a space.
 */
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
