// SPDX-License-Identifier: Apache-2.0
// Nova's os-simple-tenant-usage: hours of vCPU, memory and disk each project's servers used in a period.
#include <jumpgate/driver/compute.hpp>

#include <algorithm>
#include <tuple>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"

namespace jumpgate::compute {

namespace {

struct Period {
    std::int64_t start;
    std::int64_t end;
};

// start and end of the query (ISO 8601, "T" or a space); Nova's default is the day up to now.
Period period_of(const Request& req)
{
    auto parse = [&](const char* key, std::int64_t fallback) {
        if (!req.has_query(key))
            return fallback;
        std::string text(req.query(key));
        std::replace(text.begin(), text.end(), ' ', 'T');
        auto t = api::parse_iso_time(text);
        if (!t)
            throw BadRequest(std::string("Invalid ") + key + " time. The time format should be YYYY-MM-DDTHH:MM:SS.");
        return *t;
    };
    std::int64_t now = api::unix_now();
    Period p{parse("start", now - 86400), parse("end", now)};
    if (p.start > p.end)
        throw BadRequest("Invalid start time. The start time cannot occur after the end time.");
    return p;
}

double hours_in(const ServerUsage& u, const Period& p)
{
    std::int64_t from = std::max(u.started_at, p.start);
    std::int64_t to = std::min(u.ended_at.value_or(p.end), p.end);
    return to > from ? static_cast<double>(to - from) / 3600.0 : 0.0;
}

json server_view(const ServerUsage& u, const Period& p)
{
    double hours = hours_in(u, p);
    std::int64_t until = u.ended_at.value_or(api::unix_now());
    return {{"instance_id", u.server_id},
            {"name", u.name},
            {"tenant_id", u.project_id},
            {"flavor", u.flavor.name},
            {"vcpus", u.flavor.vcpus},
            {"memory_mb", u.flavor.ram},
            {"local_gb", u.flavor.disk},
            {"hours", hours},
            {"started_at", api::iso_time(u.started_at, false)},
            {"ended_at", u.ended_at ? json(api::iso_time(*u.ended_at, false)) : json(nullptr)},
            {"state", u.state},
            {"uptime", std::max<std::int64_t>(0, until - u.started_at)}};
}

// One project's totals (and its servers when `detailed`), from its usage records in `first`..`last`.
json tenant_view(const std::vector<ServerUsage>& records, const std::string& project, const Period& p, bool detailed)
{
    double hours = 0, vcpus = 0, memory = 0, disk = 0;
    json servers = json::array();
    for (const auto& u : records) {
        if (u.project_id != project)
            continue;
        double h = hours_in(u, p);
        hours += h;
        vcpus += h * u.flavor.vcpus;
        memory += h * static_cast<double>(u.flavor.ram);
        disk += h * static_cast<double>(u.flavor.disk);
        if (detailed)
            servers.push_back(server_view(u, p));
    }
    json view = {{"tenant_id", project},
                 {"total_hours", hours},
                 {"total_vcpus_usage", vcpus},
                 {"total_memory_mb_usage", memory},
                 {"total_local_gb_usage", disk},
                 {"start", api::iso_time(p.start, false)},
                 {"stop", api::iso_time(p.end, false)}};
    if (detailed)
        view["server_usages"] = std::move(servers);
    return view;
}

// Nova reports at most this many servers an answer (its api.max_limit).
constexpr std::size_t kMaxServers = 1000;

/*
 * page_of: the servers of one answer, oldest first as Nova lists them. From 2.40
 * a client pages with `limit` and `marker` (a server id; 400 for one that is not
 * in the period), and a full page ends with a link to the next one: Horizon and
 * novaclient follow that link until a page is empty.
 */
std::vector<ServerUsage> page_of(std::vector<ServerUsage> records, const Request& req, json& links)
{
    std::stable_sort(records.begin(), records.end(), [](const ServerUsage& a, const ServerUsage& b) {
        return std::tie(a.started_at, a.server_id) < std::tie(b.started_at, b.server_id);
    });
    bool paged = req.version().at_least(2, 40);
    api::Page page = paged ? api::Page::from(req) : api::Page{};
    page.limit = page.limit ? std::min(page.limit, kMaxServers) : kMaxServers;
    bool more = false;
    auto shown = api::paginate(
        std::move(records), page, [](const ServerUsage& u) { return u.server_id; }, more);
    if (paged && !shown.empty() && shown.size() == page.limit)
        links = api::next_links(req, shown.back().server_id);
    return shown;
}

} // namespace

namespace {

void list_usage(const Driver& driver, const Request& req, Response& resp)
{
    api::refuse_empty_id(req);
    Period p = period_of(req);
    bool detailed = req.has_query("detailed") && api::parse_bool("detailed", req.query("detailed"));
    json links;
    auto records = page_of(driver.usageList(req.context(), std::nullopt, p.start, p.end), req, links);
    std::vector<std::string> projects;
    for (const auto& u : records)
        if (std::find(projects.begin(), projects.end(), u.project_id) == projects.end())
            projects.push_back(u.project_id);
    json usages = json::array();
    for (const auto& project : projects)
        usages.push_back(tenant_view(records, project, p, detailed));
    json body = {{"tenant_usages", std::move(usages)}};
    if (!links.is_null())
        body["tenant_usages_links"] = std::move(links);
    resp.json(std::move(body));
}

void show_usage(const Driver& driver, const Request& req, Response& resp)
{
    const std::string& project = req.param("target_id");
    if (!req.context().is_admin() && project != req.context().project_id)
        throw Forbidden("Policy doesn't allow os_compute_api:os-simple-tenant-usage:show to be performed.");
    Period p = period_of(req);
    json links;
    auto records = page_of(driver.usageList(req.context(), project, p.start, p.end), req, links);
    // A project without servers in the period gets an empty object, as Nova answers.
    json body = {{"tenant_usage", records.empty() ? json::object() : tenant_view(records, project, p, true)}};
    if (!links.is_null())
        body["tenant_usage_links"] = std::move(links);
    resp.json(std::move(body));
}

const Binding<Driver> kUsageBindings[] = {
    {"v2_tenants_usage", "GET", {Op::usageList}, list_usage},
    {"v2_tenant_usage", "GET", {Op::usageList}, show_usage},
};

} // namespace

std::span<const Binding<Driver>> usage_bindings()
{
    return kUsageBindings;
}

std::vector<ServerUsage> Driver::usageList(const Context&, const std::optional<std::string>&, std::int64_t,
                                           std::int64_t) const
{
    throw NotImplemented("usageList");
}

} // namespace jumpgate::compute
