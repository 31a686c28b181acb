// SPDX-License-Identifier: Apache-2.0
// Log lines on standard error: "jumpgate-fcgi[PID]: LEVEL: message".
#include <jumpgate/log.hpp>

#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace jumpgate::log {

namespace {
std::atomic<Level> threshold{Level::info};
constexpr const char* kNames[] = {"debug", "info", "warning", "error"};
} // namespace

void set_level(Level level) noexcept
{
    threshold = level;
}

Level parse_level(std::string_view text)
{
    for (int i = 0; i < 4; ++i)
        if (text == kNames[i])
            return static_cast<Level>(i);
    throw std::invalid_argument("unknown log level '" + std::string(text) + "' (debug, info, warning, error)");
}

void write(Level level, std::string_view message)
{
    if (level < threshold.load(std::memory_order_relaxed))
        return;
    std::string line = "jumpgate-fcgi[" + std::to_string(getpid()) + "]: " + kNames[static_cast<int>(level)] + ": ";
    line.append(message);
    line.push_back('\n');
    // One write(2) per line keeps lines from several workers whole.
    ssize_t ignored = ::write(2, line.data(), line.size());
    (void)ignored;
}

} // namespace jumpgate::log
