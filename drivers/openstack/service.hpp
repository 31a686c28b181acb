// SPDX-License-Identifier: Apache-2.0
// Calls to one of the upstream's services made for a user, and the JSON and URL pieces every typed service needs.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <jumpgate/request.hpp>

#include "upstream.hpp"

namespace jumpgate::openstack {

// An answer of a service's API (a record, a list page) read whole is at most this long.
constexpr std::size_t kCallJsonMax = 16 << 20;

/* text_of, count_of, flag_of: a string, integer or true boolean member of an object; nullopt (false) otherwise. */
std::optional<std::string> text_of(const json& j, const char* key);
std::optional<long long> count_of(const json& j, const char* key);
bool flag_of(const json& j, const char* key);

/* percent_encoded: `s` with every byte but RFC 3986's unreserved ones as %XX: one path segment or query value. */
std::string percent_encoded(std::string_view s);

/*
 * dot_segment: whether a path variable is "." or ".." (percent-encoded or not): the upstream's
 * URL parser would step up a level with it, out of the resource it names.
 */
bool dot_segment(std::string_view value);

/*
 * segment: `id` as one segment of an upstream path, percent-encoded; NotFound for a dot segment,
 * which would name another resource of the upstream than the one asked for.
 */
std::string segment(std::string_view id);

/* or_null: an optional text as JSON: the text, or null. */
json or_null(const std::optional<std::string>& text);

/* query_string: `params` as a query ("?a=1&b=x%20y"), each name and value percent-encoded; "" for none. */
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

/*
 * fault_message: what an upstream's error body says: the message of an OpenStack JSON fault
 * (Glance's, Cinder's {"badRequest": {...}}), or the text of an HTML one without its markup;
 * "" when it says nothing.
 */
std::string fault_message(std::string_view body);

/*
 * versions_with: a service's version document `doc` with the versions `ids` ("v1.1", "v1.0"),
 * DEPRECATED, at `href`, when it lists no version of their major ("v1"): Jumpgate serves a version
 * the upstream has dropped over its current one, and a client that discovers versions must find
 * it. Any other document as it came.
 */
json versions_with(json doc, const std::string& href, const std::vector<std::string>& ids);

/*
 * ServiceCalls: calls to the upstream's `service` (Jumpgate's name: "image", "volume") made for
 * the caller of a Context: each carries the caller's upstream token for their project and their
 * request id, and is logged with the upstream's. An answer whose status was not expected is the
 * core's fault of that status (a 4xx with the upstream's message, anything else 503).
 */
class ServiceCalls {
  public:
    ServiceCalls(std::shared_ptr<const Upstream> upstream, std::string service);

    /* open: send `call`, whose url is a path below the service's root; the answer when its status is one of `ok`. */
    std::unique_ptr<Answer> open(const Context& ctx, Call call, std::initializer_list<int> ok) const;
    /* call: a call with a JSON body (null: none) whose answer is JSON (null: none). */
    json call(const Context& ctx, const std::string& method, const std::string& path, const json& body,
              std::initializer_list<int> ok, const char* type = "application/json") const;

  private:
    [[noreturn]] void fail(const Context& ctx, const std::string& what, int status, std::string message) const;

    std::shared_ptr<const Upstream> upstream_;
    std::string service_;
};

} // namespace jumpgate::openstack
