// SPDX-License-Identifier: Apache-2.0
// Glance's list queries applied in memory, for image drivers whose cloud cannot filter: the local driver's answers.
#include <algorithm>
#include <functional>
#include <iterator>
#include <variant>

#include <jumpgate/driver/image.hpp>
#include <jumpgate/fault.hpp>

namespace jumpgate::image {

namespace {

// A sort value as the local driver's SQL compares it: a missing text is "", a missing number -1 (first, as NULL).
using SortValue = std::variant<std::string, long long>;
using SortKey = std::function<SortValue(const Image&)>;
using Filter = std::function<bool(const Image&)>;

SortKey sort_key(const std::string& key)
{
    auto text = [](std::optional<std::string> Image::*field) {
        return [field](const Image& i) { return SortValue((i.*field).value_or("")); };
    };
    auto count = [](std::optional<long long> Image::*field) {
        return [field](const Image& i) { return SortValue((i.*field).value_or(-1)); };
    };
    if (key == "id")
        return [](const Image& i) { return SortValue(i.id); };
    if (key == "name")
        return text(&Image::name);
    if (key == "status")
        return [](const Image& i) { return SortValue(i.status); };
    if (key == "visibility")
        return [](const Image& i) { return SortValue(i.visibility); };
    if (key == "owner")
        return [](const Image& i) { return SortValue(i.owner); };
    if (key == "disk_format")
        return text(&Image::disk_format);
    if (key == "container_format")
        return text(&Image::container_format);
    if (key == "size")
        return count(&Image::size);
    if (key == "virtual_size")
        return count(&Image::virtual_size);
    if (key == "min_disk")
        return [](const Image& i) { return SortValue(i.min_disk); };
    if (key == "min_ram")
        return [](const Image& i) { return SortValue(i.min_ram); };
    if (key == "created_at")
        return [](const Image& i) { return SortValue(static_cast<long long>(i.created_at)); };
    if (key == "updated_at")
        return [](const Image& i) { return SortValue(static_cast<long long>(i.updated_at)); };
    throw BadRequest("Invalid sort key: " + key + ".");
}

// An exact-match filter of ImageQuery; a missing field matches nothing, as NULL in SQL.
Filter filter(const std::string& key, const std::string& value)
{
    if (key.starts_with("property:"))
        return [name = key.substr(9), value](const Image& i) {
            auto it = i.properties.find(name);
            return it != i.properties.end() && it->second == value;
        };
    if (key == "public")
        return [public_asked = value == "1"](const Image& i) { return (i.visibility == "public") == public_asked; };
    if (key == "protected")
        return [protected_asked = value == "1"](const Image& i) { return i.is_protected == protected_asked; };
    if (key == "member")
        return [](const Image&) { return false; };
    auto equal = [&value](std::optional<std::string> Image::*field) {
        return [field, value](const Image& i) { return i.*field == value; };
    };
    auto same = [&value](std::string Image::*field) {
        return [field, value](const Image& i) { return i.*field == value; };
    };
    if (key == "id")
        return same(&Image::id);
    if (key == "name")
        return equal(&Image::name);
    if (key == "status")
        return same(&Image::status);
    if (key == "visibility")
        return same(&Image::visibility);
    if (key == "owner")
        return same(&Image::owner);
    if (key == "disk_format")
        return equal(&Image::disk_format);
    if (key == "container_format")
        return equal(&Image::container_format);
    throw BadRequest("Unknown filter " + key + ".");
}

} // namespace

std::vector<Image> select(const ImageQuery& q, std::vector<Image> items)
{
    // Every key is checked before any image is looked at: a bad query is refused however many images there are.
    std::vector<Filter> filters;
    bool hidden_asked = false;
    for (const auto& [key, value] : q.filters) {
        filters.push_back(filter(key, value));
        hidden_asked = hidden_asked || key == "property:os_hidden";
    }
    std::vector<std::pair<SortKey, bool>> order;
    for (const auto& [key, ascending] : q.sort)
        order.emplace_back(sort_key(key), ascending);
    if (std::none_of(q.sort.begin(), q.sort.end(), [](const auto& k) { return k.first == "id"; }))
        order.emplace_back(sort_key("id"), q.sort.empty() ? false : q.sort.back().second);

    std::stable_sort(items.begin(), items.end(), [&order](const Image& a, const Image& b) {
        for (const auto& [value, ascending] : order) {
            SortValue va = value(a), vb = value(b);
            if (va != vb)
                return ascending ? va < vb : vb < va;
        }
        return false;
    });
    auto from = items.begin();
    if (!q.marker.empty()) {
        // The marker need not pass the filters: the page starts after its place in the order, as a keyset does.
        from = std::find_if(items.begin(), items.end(), [&q](const Image& i) { return i.id == q.marker; });
        if (from == items.end())
            throw BadRequest("marker [" + q.marker + "] not found");
        ++from;
    }
    std::vector<Image> page;
    for (; from != items.end() && (q.limit == 0 || page.size() < q.limit); ++from) {
        const Image& i = *from;
        bool kept = (hidden_asked || !i.properties.contains("os_hidden")) &&
                    std::all_of(filters.begin(), filters.end(), [&i](const Filter& f) { return f(i); }) &&
                    std::all_of(q.tags.begin(), q.tags.end(),
                                [&i](const std::string& t) {
                                    return std::find(i.tags.begin(), i.tags.end(), t) != i.tags.end();
                                }) &&
                    (!q.size_min || (i.size && *i.size >= *q.size_min)) &&
                    (!q.size_max || (i.size && *i.size <= *q.size_max)) &&
                    (!q.changes_since || i.updated_at > *q.changes_since);
        if (kept)
            page.push_back(std::move(*from));
    }
    return page;
}

} // namespace jumpgate::image
