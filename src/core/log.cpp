// SPDX-License-Identifier: Apache-2.0
// Log lines on standard error: "TIME PROGRAM[PID]: LEVEL: message", or, to journald, "<PRIORITY>message".
#include <jumpgate/log.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <string>

namespace jumpgate::log {

namespace {

std::atomic<Level> threshold{Level::info};
constexpr const char* kNames[] = {"debug", "info", "warning", "error"};
// sd-daemon(3)'s priorities (syslog's) of the levels.
constexpr char kPriorities[] = {'7', '6', '4', '3'};

std::mutex program_mutex;
std::string program = "jumpgate-fcgi";

enum Destination : int { unknown, plain, journal };
std::atomic<int> destination{unknown};

/*
 * to_journal: whether standard error is journald's stream: systemd names it in JOURNAL_STREAM
 * ("device:inode"); a descriptor since pointed elsewhere (a log_file) no longer matches.
 */
bool to_journal()
{
    const char* stream = std::getenv("JOURNAL_STREAM");
    struct stat st {};
    if (!stream || fstat(2, &st) != 0)
        return false;
    unsigned long long dev = 0, ino = 0;
    return std::sscanf(stream, "%llu:%llu", &dev, &ino) == 2 && dev == st.st_dev && ino == st.st_ino;
}

std::string timestamp()
{
    auto now = std::chrono::system_clock::now();
    std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
    return text;
}

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

void set_program(std::string_view name)
{
    std::lock_guard lock(program_mutex);
    program = name;
}

void stderr_changed() noexcept
{
    destination = unknown;
}

bool enabled(Level level) noexcept
{
    return level >= threshold.load(std::memory_order_relaxed);
}

void write(Level level, std::string_view message)
{
    if (!enabled(level))
        return;
    int where = destination.load(std::memory_order_relaxed);
    if (where == unknown) {
        where = to_journal() ? journal : plain;
        destination = where;
    }
    std::string line;
    if (where == journal) {
        // journald stamps the time and the program (the unit's identifier) itself.
        line = {'<', kPriorities[static_cast<int>(level)], '>'};
    } else {
        std::lock_guard lock(program_mutex);
        line = timestamp() + " " + program + "[" + std::to_string(getpid()) + "]: " + kNames[static_cast<int>(level)] +
               ": ";
    }
    // A message is one line: a newline in it (a value a client sent) would forge the next.
    for (char c : message)
        line.push_back(c == '\n' || c == '\r' ? ' ' : c);
    line.push_back('\n');
    // One write(2) per line keeps lines from several workers whole.
    ssize_t ignored = ::write(2, line.data(), line.size());
    (void)ignored;
}

} // namespace jumpgate::log
