// SPDX-License-Identifier: Apache-2.0
// Cinder's list queries applied in memory, for volume drivers whose cloud cannot filter: the local driver's answers.
#include <algorithm>
#include <cctype>
#include <functional>
#include <numeric>
#include <variant>

#include <jumpgate/driver/volume.hpp>
#include <jumpgate/fault.hpp>

namespace jumpgate::volume {

bool filter_bool(const std::string& key, const std::string& value)
{
    std::string v = value;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (v == "true" || v == "1" || v == "yes")
        return true;
    if (v == "false" || v == "0" || v == "no")
        return false;
    throw BadRequest("Invalid value '" + value + "' for filter " + key + ": it must be true or false.");
}

long long filter_integer(const std::string& key, const std::string& value)
{
    try {
        std::size_t used = 0;
        long long n = std::stoll(value, &used);
        if (used == value.size())
            return n;
    } catch (const std::exception&) {
    }
    throw BadRequest("Invalid value '" + value + "' for filter " + key + ": it must be an integer.");
}

namespace {

// A sort value as the local driver's SQL compares it (a missing name is "").
using SortValue = std::variant<std::string, long long>;
template <class T> using SortKey = std::function<SortValue(const T&)>;
template <class T> using Filter = std::function<bool(const T&)>;

// The sort keys and filters the three kinds share: the fields of the same names.
template <class T> std::optional<SortKey<T>> common_sort_key(const std::string& key)
{
    if (key == "id")
        return [](const T& r) { return SortValue(r.id); };
    if (key == "name" || key == "display_name")
        return [](const T& r) { return SortValue(r.name.value_or("")); };
    if (key == "status")
        return [](const T& r) { return SortValue(r.status); };
    if (key == "size")
        return [](const T& r) { return SortValue(r.size); };
    if (key == "project_id")
        return [](const T& r) { return SortValue(r.project_id); };
    if (key == "created_at")
        return [](const T& r) { return SortValue(static_cast<long long>(r.created_at)); };
    if (key == "updated_at")
        return [](const T& r) { return SortValue(static_cast<long long>(r.updated_at)); };
    return std::nullopt;
}

template <class T> std::optional<Filter<T>> common_filter(const std::string& key, const std::string& value)
{
    if (key == "id")
        return [value](const T& r) { return r.id == value; };
    if (key == "name")
        return [value](const T& r) { return r.name == value; };
    if (key == "status")
        return [value](const T& r) { return r.status == value; };
    return std::nullopt;
}

// A "metadata:"-style filter on the map `field`: the key present with that value.
template <class T>
std::optional<Filter<T>> map_filter(const std::string& key, const std::string& value, const std::string& prefix,
                                    std::map<std::string, std::string> T::*field)
{
    if (!key.starts_with(prefix))
        return std::nullopt;
    return [field, name = key.substr(prefix.size()), value](const T& r) {
        auto it = (r.*field).find(name);
        return it != (r.*field).end() && it->second == value;
    };
}

/* sort_key, filter: a kind's sort key and filter of those names; BadRequest for one it has not. */
template <class T> SortKey<T> sort_key(const std::string& key);
template <class T> Filter<T> filter(const std::string& key, const std::string& value);

BadRequest invalid_filter(const std::string& key)
{
    return BadRequest("Invalid filter keys: " + key);
}

BadRequest invalid_sort_key(const std::string& key)
{
    return BadRequest("Invalid sort key: " + key);
}

template <> SortKey<Volume> sort_key(const std::string& key)
{
    if (auto common = common_sort_key<Volume>(key))
        return *common;
    if (key == "availability_zone")
        return [](const Volume& v) { return SortValue(v.availability_zone); };
    if (key == "bootable")
        return [](const Volume& v) { return SortValue(static_cast<long long>(v.bootable)); };
    if (key == "user_id")
        return [](const Volume& v) { return SortValue(v.user_id); };
    if (key == "volume_type")
        return [](const Volume& v) { return SortValue(v.volume_type); };
    throw invalid_sort_key(key);
}

template <> Filter<Volume> filter(const std::string& key, const std::string& value)
{
    if (auto common = common_filter<Volume>(key, value))
        return *common;
    if (auto by_metadata = map_filter(key, value, "metadata:", &Volume::metadata))
        return *by_metadata;
    if (auto by_image = map_filter(key, value, "image_metadata:", &Volume::image_metadata))
        return *by_image;
    if (key == "bootable")
        return [wanted = filter_bool(key, value)](const Volume& v) { return v.bootable == wanted; };
    if (key == "multiattach")
        return [wanted = filter_bool(key, value)](const Volume& v) { return v.multiattach == wanted; };
    if (key == "size")
        return [wanted = filter_integer(key, value)](const Volume& v) { return v.size == wanted; };
    if (key == "volume_type")
        return [value](const Volume& v) { return v.volume_type == value || v.volume_type_id == value; };
    if (key == "availability_zone")
        return [value](const Volume& v) { return v.availability_zone == value; };
    if (key == "user_id")
        return [value](const Volume& v) { return v.user_id == value; };
    if (key == "project_id")
        return [value](const Volume& v) { return v.project_id == value; };
    if (key == "snapshot_id")
        return [value](const Volume& v) { return v.snapshot_id == value; };
    if (key == "source_volid")
        return [value](const Volume& v) { return v.source_volid == value; };
    if (key == "image_id")
        return [value](const Volume& v) { return v.image_id == value; };
    if (key == "volume_type_id")
        return [value](const Volume& v) { return v.volume_type_id == value; };
    throw invalid_filter(key);
}

template <> SortKey<Snapshot> sort_key(const std::string& key)
{
    if (auto common = common_sort_key<Snapshot>(key))
        return *common;
    if (key == "volume_id")
        return [](const Snapshot& s) { return SortValue(s.volume_id); };
    throw invalid_sort_key(key);
}

template <> Filter<Snapshot> filter(const std::string& key, const std::string& value)
{
    if (auto common = common_filter<Snapshot>(key, value))
        return *common;
    if (auto by_metadata = map_filter(key, value, "metadata:", &Snapshot::metadata))
        return *by_metadata;
    if (key == "size")
        return [wanted = filter_integer(key, value)](const Snapshot& s) { return s.size == wanted; };
    if (key == "volume_id")
        return [value](const Snapshot& s) { return s.volume_id == value; };
    if (key == "user_id")
        return [value](const Snapshot& s) { return s.user_id == value; };
    if (key == "project_id")
        return [value](const Snapshot& s) { return s.project_id == value; };
    throw invalid_filter(key);
}

template <> SortKey<Backup> sort_key(const std::string& key)
{
    if (auto common = common_sort_key<Backup>(key))
        return *common;
    if (key == "volume_id")
        return [](const Backup& b) { return SortValue(b.volume_id); };
    throw invalid_sort_key(key);
}

template <> Filter<Backup> filter(const std::string& key, const std::string& value)
{
    if (auto common = common_filter<Backup>(key, value))
        return *common;
    if (key == "volume_id")
        return [value](const Backup& b) { return b.volume_id == value; };
    throw invalid_filter(key);
}

template <class T> std::vector<T> select_page(const Context& ctx, const ListQuery& q, std::vector<T> items)
{
    // Every key and value is checked before any record is looked at, as the local driver builds its query first.
    std::vector<Filter<T>> filters;
    for (const auto& [key, value] : q.filters)
        filters.push_back(filter<T>(key, value));
    std::vector<std::pair<SortKey<T>, bool>> order;
    for (const auto& [key, ascending] :
         q.sort.empty() ? std::vector<std::pair<std::string, bool>>{{"created_at", false}} : q.sort)
        order.emplace_back(sort_key<T>(key), ascending);
    // Records of the same values keep the order they were made in, in the direction of the last key.
    const bool made_ascending = order.back().second;

    std::vector<std::size_t> seen;
    for (std::size_t i = 0; i < items.size(); ++i)
        if (ctx.is_admin() || items[i].project_id == ctx.project_id)
            seen.push_back(i);
    std::sort(seen.begin(), seen.end(), [&](std::size_t a, std::size_t b) {
        for (const auto& [value, ascending] : order) {
            SortValue va = value(items[a]), vb = value(items[b]);
            if (va != vb)
                return ascending ? va < vb : vb < va;
        }
        return made_ascending ? a < b : b < a;
    });
    auto from = seen.begin();
    if (!q.marker.empty()) {
        from = std::find_if(seen.begin(), seen.end(), [&](std::size_t i) { return items[i].id == q.marker; });
        if (from == seen.end())
            throw NotFound("Marker " + q.marker + " could not be found.");
        ++from;
    }
    const bool every_project = q.all_projects && ctx.is_admin();
    std::size_t skip = q.offset;
    std::vector<T> page;
    for (; from != seen.end() && (q.limit == 0 || page.size() < q.limit); ++from) {
        T& r = items[*from];
        bool listed = every_project ? !q.project_id || r.project_id == *q.project_id : r.project_id == ctx.project_id;
        if (!listed || !std::all_of(filters.begin(), filters.end(), [&r](const Filter<T>& f) { return f(r); }))
            continue;
        if (skip) {
            --skip;
            continue;
        }
        page.push_back(std::move(r));
    }
    return page;
}

} // namespace

std::vector<Volume> select(const Context& ctx, const ListQuery& q, std::vector<Volume> items)
{
    return select_page(ctx, q, std::move(items));
}

std::vector<Snapshot> select(const Context& ctx, const ListQuery& q, std::vector<Snapshot> items)
{
    return select_page(ctx, q, std::move(items));
}

std::vector<Backup> select(const Context& ctx, const ListQuery& q, std::vector<Backup> items)
{
    return select_page(ctx, q, std::move(items));
}

} // namespace jumpgate::volume
