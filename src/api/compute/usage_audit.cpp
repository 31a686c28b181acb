// SPDX-License-Identifier: Apache-2.0
// Nova's os-instance_usage_audit_log: how far the compute hosts got auditing the last whole month's usage.
#include <jumpgate/driver/compute.hpp>

#include <cstdio>
#include <ctime>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

namespace jumpgate::compute {

namespace {

/* audit_period: the last whole month before `before` (seconds), as [begin, end), Nova's default audit period. */
std::pair<std::int64_t, std::int64_t> audit_period(std::int64_t before)
{
    std::time_t t = before;
    std::tm now{};
    gmtime_r(&t, &now);
    std::tm end{};
    end.tm_year = now.tm_year;
    end.tm_mon = now.tm_mon;
    end.tm_mday = 1;
    // The month that begins exactly at `before` has not ended: the one before it is the last whole one.
    if (timegm(&end) >= before)
        --end.tm_mon;
    std::tm begin = end;
    --begin.tm_mon;
    return {timegm(&begin), timegm(&end)};
}

std::string nova_time(std::int64_t seconds)
{
    std::time_t t = seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S", &tm);
    return out;
}

/* parse_before: "YYYY-mm-dd HH:MM:SS" with an optional fraction, the forms Nova takes; BadRequest otherwise. */
std::int64_t parse_before(const std::string& text)
{
    std::tm tm{};
    int used = 0;
    unsigned fraction = 0;
    bool plain = std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                             &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) == 6 &&
                 static_cast<std::size_t>(used) == text.size();
    int used_fraction = 0;
    bool fractional = !plain &&
                      std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d.%6u%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &fraction, &used_fraction) == 7 &&
                      static_cast<std::size_t>(used_fraction) == text.size();
    std::tm given = tm;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    std::int64_t seconds = timegm(&tm);
    // timegm carries an out-of-range field over (a 13th month, a 30th of February): such a date is no date.
    std::time_t back = seconds;
    std::tm check{};
    gmtime_r(&back, &check);
    bool valid = (plain || fractional) && check.tm_year + 1900 == given.tm_year && check.tm_mon + 1 == given.tm_mon &&
                 check.tm_mday == given.tm_mday && check.tm_hour == given.tm_hour && check.tm_min == given.tm_min &&
                 check.tm_sec == given.tm_sec;
    if (!valid)
        throw BadRequest("Invalid timestamp for date " + text);
    return seconds;
}

/*
 * audit_log: the audit of the period before `before`. Nova's compute hosts audit only with
 * [DEFAULT]instance_usage_audit on, which is off by default and has no counterpart here: no host has
 * run the audit, and every compute host is listed as not run.
 */
json audit_log(const Driver& driver, const Request& req, std::int64_t before)
{
    auto [begin, end] = audit_period(before);
    json not_run = json::array();
    for (const auto& s : driver.serviceList(req.context()))
        if (s.binary == "nova-compute")
            not_run.push_back(s.host);
    std::size_t hosts = not_run.size();
    return {{"hosts_not_run", std::move(not_run)},
            {"log", json::object()},
            {"num_hosts", hosts},
            {"num_hosts_done", 0},
            {"num_hosts_not_run", hosts},
            {"num_hosts_running", 0},
            {"overall_status", "0 of " + std::to_string(hosts) + " hosts done. 0 errors."},
            {"period_beginning", nova_time(begin)},
            {"period_ending", nova_time(end)},
            {"total_errors", 0},
            {"total_instances", 0}};
}

void list_audit(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"instance_usage_audit_logs", audit_log(driver, req, api::unix_now())}});
}

void show_audit(const Driver& driver, const Request& req, Response& resp)
{
    std::int64_t before = parse_before(req.param("before_timestamp"));
    resp.json({{"instance_usage_audit_log", audit_log(driver, req, before)}});
}

const Binding<Driver> kUsageAuditBindings[] = {
    {"v2_os_instance_usage_audit_log", "GET", {Op::serviceList}, list_audit},
    {"v2_os_instance_usage_audit_log_before", "GET", {Op::serviceList}, show_audit},
};

} // namespace

std::span<const Binding<Driver>> usage_audit_bindings()
{
    return kUsageAuditBindings;
}

} // namespace jumpgate::compute
