// SPDX-License-Identifier: Apache-2.0
// Neutron's list queries: filters on any attribute, tag filters, fields, sorting and marker pages with links.
#include "api/network/neutron.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

#include <jumpgate/driver/ipnet.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"

namespace jumpgate::network {

namespace {

bool tagged(const json& item, const std::string& tag)
{
    if (!item.contains("tags"))
        return false;
    const json& tags = item["tags"];
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

bool value_matches(const json& have, const json& want)
{
    if (have.is_array()) {
        for (const auto& element : have)
            if (value_matches(element, want))
                return true;
        return false;
    }
    // A fixed_ips filter is an object whose keys the entry must share.
    if (want.is_object() && have.is_object()) {
        for (const auto& [k, v] : want.items()) {
            // fixed_ips=ip_address_substr=10.0.0: any address holding that text (Neutron's ip-substring-filtering).
            if (k == "ip_address_substr") {
                if (!have.contains("ip_address") || !have["ip_address"].is_string() ||
                    have["ip_address"].get<std::string>().find(v.get<std::string>()) == std::string::npos)
                    return false;
                continue;
            }
            if (!have.contains(k) || have[k] != v)
                return false;
        }
        return true;
    }
    return have == want;
}

} // namespace

bool matches(const Query& q, const json& item)
{
    for (const auto& [name, values] : q.filters) {
        if (!item.contains(name))
            return false;
        const json& have = item[name];
        if (std::none_of(values.begin(), values.end(), [&](const json& want) { return value_matches(have, want); }))
            return false;
    }
    if (!q.changed_since.empty() && !(item.contains("updated_at") && item["updated_at"].is_string() &&
                                      item["updated_at"].get<std::string>() >= q.changed_since))
        return false;
    auto all = [&](const std::vector<std::string>& tags) {
        return std::all_of(tags.begin(), tags.end(), [&](const std::string& t) { return tagged(item, t); });
    };
    auto any = [&](const std::vector<std::string>& tags) {
        return std::any_of(tags.begin(), tags.end(), [&](const std::string& t) { return tagged(item, t); });
    };
    return all(q.tags) && (q.tags_any.empty() || any(q.tags_any)) && (q.not_tags.empty() || !all(q.not_tags)) &&
           (q.not_tags_any.empty() || !any(q.not_tags_any));
}

std::string time_text(std::int64_t seconds)
{
    return api::iso_time_z(seconds);
}

std::vector<json> select(const Query& q, std::vector<json> items)
{
    std::erase_if(items, [&](const json& item) { return !matches(q, item); });
    auto sort = q.sort;
    if (std::none_of(sort.begin(), sort.end(), [](const auto& k) { return k.first == "id"; }))
        sort.emplace_back("id", true);
    auto value = [](const json& item, const std::string& key) {
        return item.contains(key) ? item[key] : json(nullptr);
    };
    std::stable_sort(items.begin(), items.end(), [&](const json& a, const json& b) {
        for (const auto& [key, ascending] : sort) {
            json va = value(a, key), vb = value(b, key);
            if (va == vb)
                continue;
            return ascending ? va < vb : vb < va;
        }
        return false;
    });
    auto first = items.begin(), last = items.end();
    if (!q.marker.empty()) {
        auto at = std::find_if(items.begin(), items.end(), [&](const json& i) { return i["id"] == q.marker; });
        if (at == items.end())
            throw NotFound("Marker " + q.marker + " could not be found.");
        if (q.page_reverse)
            last = at;
        else
            first = at + 1;
    }
    if (q.limit && static_cast<std::size_t>(last - first) > q.limit) {
        if (q.page_reverse)
            first = last - static_cast<std::ptrdiff_t>(q.limit);
        else
            last = first + static_cast<std::ptrdiff_t>(q.limit);
    }
    return std::vector<json>(std::make_move_iterator(first), std::make_move_iterator(last));
}

} // namespace jumpgate::network

namespace jumpgate::api::neutron {

namespace {

std::vector<std::string> split_commas(std::string_view text)
{
    std::vector<std::string> out;
    for (std::size_t start = 0; start <= text.size();) {
        std::size_t end = std::min(text.find(',', start), text.size());
        if (end > start)
            out.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

/*
 * changed_since_of: an ISO 8601 time ("2026-01-01T10:00:00", fractions and a
 * "Z" or "+hh:mm" zone allowed) as the UTC text the drivers store; BadRequest
 * in Neutron's words otherwise.
 */
std::string changed_since_of(const std::string& text)
{
    auto bad = [] {
        return BadRequest("Invalid input for operation: The input changed_since must be in the following format: "
                          "YYYY-MM-DDTHH:MM:SSZ.",
                          "InvalidInput");
    };
    std::tm tm{};
    int used = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &used) != 6 ||
        used != 19)
        throw bad();
    std::size_t at = 19;
    if (at < text.size() && text[at] == '.') {
        ++at;
        if (at == text.size() || !std::isdigit(static_cast<unsigned char>(text[at])))
            throw bad();
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])))
            ++at;
    }
    long offset = 0;
    std::string zone = text.substr(at);
    if (zone == "Z" || zone.empty()) {
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
               std::isdigit(static_cast<unsigned char>(zone[1])) && std::isdigit(static_cast<unsigned char>(zone[2])) &&
               std::isdigit(static_cast<unsigned char>(zone[4])) && std::isdigit(static_cast<unsigned char>(zone[5]))) {
        offset = (std::stol(zone.substr(1, 2)) * 60 + std::stol(zone.substr(4, 2))) * 60 * (zone[0] == '-' ? -1 : 1);
    } else {
        throw bad();
    }
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 60)
        throw bad();
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    std::time_t t = timegm(&tm) - offset;
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

bool is_list(Check check)
{
    return check == Check::uuids || check == Check::cidrs || check == Check::strings || check == Check::nameservers ||
           check == Check::fixed_ips || check == Check::allocation_pools || check == Check::host_routes ||
           check == Check::any || check == Check::gateway_info;
}

// A filter's text as the attribute's type, so that "true" finds true and "1500" finds 1500.
json filter_value(const Attribute& a, const std::string& text)
{
    switch (a.check) {
    case Check::boolean:
        return parse_bool(a.name, text);
    case Check::integer:
    case Check::non_negative:
    case Check::non_negative_or_null:
    case Check::prefixlen:
    case Check::mtu:
    case Check::ip_version:
    case Check::port_or_null:
        try {
            return checked(a, text);
        } catch (const BadRequest&) {
            throw BadRequest("Invalid filter " + std::string(a.name) + "=" + text + ": an integer is expected.");
        }
    case Check::ip:
    case Check::ip_or_null:
    case Check::cidr:
    case Check::ip_prefix_or_null:
        // Stored in canonical form: a filter written otherwise still finds them.
        try {
            return checked(a, text);
        } catch (const BadRequest&) {
            return text;
        }
    case Check::fixed_ips: {
        // fixed_ips=ip_address=10.0.0.3 or fixed_ips=subnet_id=...
        auto eq = text.find('=');
        std::string key = text.substr(0, eq);
        if (eq == std::string::npos || (key != "ip_address" && key != "subnet_id" && key != "ip_address_substr"))
            throw BadRequest("Invalid filter fixed_ips=" + text +
                             ": it is ip_address=..., ip_address_substr=... or subnet_id=....");
        std::string value = text.substr(eq + 1);
        if (auto address = network::parse_address(value); key == "ip_address" && address)
            value = network::to_string(*address);
        return {{key, value}};
    }
    default:
        return text;
    }
}

} // namespace

network::Query query_of(const Collection& c, const Request& req)
{
    network::Query q;
    std::vector<std::string> sort_keys, sort_dirs;
    for (const auto& [key, value] : req.query_pairs()) {
        if (key == "fields" || key == "limit" || key == "marker" || key == "page_reverse")
            continue;
        if (key == "changed_since") {
            q.changed_since = changed_since_of(value);
            continue;
        }
        if (key == "sort_key") {
            sort_keys.push_back(value);
            continue;
        }
        if (key == "sort_dir") {
            sort_dirs.push_back(value);
            continue;
        }
        if (key == "tags" || key == "tags-any" || key == "not-tags" || key == "not-tags-any") {
            auto& target = key == "tags"       ? q.tags
                           : key == "tags-any" ? q.tags_any
                           : key == "not-tags" ? q.not_tags
                                               : q.not_tags_any;
            for (auto& t : split_commas(value))
                target.push_back(std::move(t));
            continue;
        }
        const Attribute* a = attribute(c, key);
        if (!a || (a->flags & kHidden) || ((a->flags & kAdminView) && !req.context().is_admin()))
            throw BadRequest("[" + key + "] is invalid attribute for filtering", "HTTPBadRequest");
        std::string name = a->name;
        json typed = filter_value(*a, value);
        auto it = std::find_if(q.filters.begin(), q.filters.end(), [&](const auto& f) { return f.first == name; });
        if (it == q.filters.end())
            q.filters.push_back({name, {std::move(typed)}});
        else
            it->second.push_back(std::move(typed));
    }
    if (sort_keys.size() != sort_dirs.size())
        throw BadRequest("The number of sort_keys and sort_dirs must be same");
    for (std::size_t i = 0; i < sort_keys.size(); ++i) {
        const Attribute* a = attribute(c, sort_keys[i]);
        if (!a || is_list(a->check) || (a->flags & kHidden))
            throw BadRequest("['" + sort_keys[i] + "'] is invalid attribute for sort_keys");
        if (sort_dirs[i] != "asc" && sort_dirs[i] != "desc")
            throw BadRequest("['" + sort_dirs[i] +
                             "'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'");
        q.sort.emplace_back(a->name, sort_dirs[i] == "asc");
    }
    if (req.has_query("limit"))
        q.limit = static_cast<std::size_t>(parse_int("limit", req.query("limit")));
    q.marker = std::string(req.query("marker"));
    if (req.has_query("page_reverse"))
        q.page_reverse = parse_bool("page_reverse", req.query("page_reverse"));
    return q;
}

std::vector<std::string> fields_of(const Request& req)
{
    std::vector<std::string> out;
    for (auto& f : req.query_all("fields"))
        if (!f.empty())
            out.push_back(std::move(f));
    return out;
}

json view(const Collection& c, const Context& ctx, const json& resource, const std::vector<std::string>& fields)
{
    const bool admin = ctx.is_admin();
    json out = json::object();
    for (const auto& a : c.attributes) {
        if ((a.flags & kHidden) || ((a.flags & kAdminView) && !admin) || !resource.contains(a.name))
            continue;
        out[a.name] = resource[a.name];
    }
    if (out.contains("project_id"))
        out["tenant_id"] = out["project_id"];
    if (!fields.empty()) {
        json narrowed = json::object();
        for (const auto& f : fields)
            if (out.contains(f))
                narrowed[f] = out[f];
        return narrowed;
    }
    return out;
}

json page_links(const Request& req, const network::Query& q, const std::vector<json>& items)
{
    json links = json::array();
    if (!q.limit)
        return links;
    auto href = [&](const std::string& marker, bool reverse) {
        std::string url = req.dispatcher()->endpoint_url(req, req.endpoint()) + "?";
        for (const auto& [k, v] : req.query_pairs())
            if (k != "marker" && k != "page_reverse")
                url += url_encode(k) + "=" + url_encode(v) + "&";
        url += "marker=" + url_encode(marker);
        return reverse ? url + "&page_reverse=True" : url;
    };
    // As Neutron: a next link unless a forward page came up short, a previous one unless a reverse page did.
    const bool short_page = items.size() < q.limit;
    std::string last = items.empty() ? q.marker : items.back()["id"].get<std::string>();
    std::string first = items.empty() ? q.marker : items.front()["id"].get<std::string>();
    if (!(short_page && !q.page_reverse) && !last.empty())
        links.push_back({{"rel", "next"}, {"href", href(last, false)}});
    if (!(short_page && q.page_reverse) && !first.empty())
        links.push_back({{"rel", "previous"}, {"href", href(first, true)}});
    return links;
}

} // namespace jumpgate::api::neutron
