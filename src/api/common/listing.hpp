// SPDX-License-Identifier: Apache-2.0
// Listing: the filters, sorting and pagination every OpenStack list call shares, written once.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <jumpgate/fault.hpp>
#include <jumpgate/request.hpp>

namespace jumpgate::api {

/* Page: the query's `limit` and `marker`; `limit` 0 means no limit. */
struct Page {
    std::size_t limit = 0;
    std::string marker;

    /* from: limit and marker of `req`; throws BadRequest for a limit that is not a natural number. */
    static Page from(const Request& req);
};

/*
 * refuse_empty_id: NotFound for a list path written with a trailing slash ("os-volumes/"), which is a show of an
 * empty id in a service whose router matches paths exactly, as Nova's does for its proxies and usage.
 */
inline void refuse_empty_id(const Request& req)
{
    if (req.path().size() > 1 && req.path().back() == '/')
        throw NotFound("The resource could not be found.");
}

/* url_encode: a query component, percent-encoded. */
std::string url_encode(std::string_view text);

/* parse_bool: OpenStack's boolean query values ("true", "1", "yes", "on"...); throws BadRequest. */
bool parse_bool(std::string_view name, std::string_view value);

/* parse_int: a non-negative integer query value; throws BadRequest naming the parameter. */
long long parse_int(std::string_view name, std::string_view value);

/*
 * paginate: the items after `page.marker` (matched by `id_of`), at most
 * `page.limit` of them. `more` is set when items remain after the page.
 * Throws BadRequest when the marker names no item, as Nova does.
 */
template <class T, class IdOf> std::vector<T> paginate(std::vector<T> items, const Page& page, IdOf id_of, bool& more)
{
    auto first = items.begin();
    if (!page.marker.empty()) {
        first = std::find_if(items.begin(), items.end(), [&](const T& item) { return id_of(item) == page.marker; });
        if (first == items.end())
            throw BadRequest("marker [" + page.marker + "] not found");
        ++first;
    }
    auto last = items.end();
    if (page.limit && static_cast<std::size_t>(last - first) > page.limit)
        last = first + static_cast<std::ptrdiff_t>(page.limit);
    more = last != items.end();
    return std::vector<T>(std::make_move_iterator(first), std::make_move_iterator(last));
}

/*
 * next_links: the `<collection>_links` of a page that ends at `marker`, as Nova
 * and Cinder write them: [{"rel": "next", "href": the URL the request asked for,
 * with its query, the marker replaced}].
 */
json next_links(const Request& req, const std::string& marker);

} // namespace jumpgate::api
