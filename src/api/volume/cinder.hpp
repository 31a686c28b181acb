// SPDX-License-Identifier: Apache-2.0
// What Cinder's views share: the API version of a path, links, request parsing and the volume view.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include <jumpgate/driver/volume.hpp>

namespace jumpgate::api::cinder {

/* api_of: "v1", "v2" or "v3": the API the request's endpoint belongs to. */
std::string api_of(const Request& req);

/* set_each: attach `resource` to every endpoint in `names` (the same call under v1, v2 and v3). */
void set_each(Dispatcher& disp, std::initializer_list<std::string_view> names, const Resource& resource);

/* links: self and bookmark of one `kind` ("volumes", "snapshots") in the request's API. */
json links(const Request& req, const std::string& kind, const std::string& id);

/* list_query: limit, marker, sort, all_tenants and the given exact filters of a list request; BadRequest. */
volume::ListQuery list_query(const Request& req, std::initializer_list<const char*> filters);

/* metadata_of: body[key] as Cinder's metadata (keys of 1-255 of [a-zA-Z0-9-_:. /], string values of at most 255). */
std::map<std::string, std::string> metadata_of(const json& body, const char* key);

/* body_of: body[key] when it is an object; BadRequest otherwise. */
const json& body_of(const Request& req, const char* key);

/* optional_text: a name or description field: null or a string of at most `max` characters between its spaces. */
std::optional<std::string> optional_text(const json& value, const char* field, std::size_t max);

/* volume_view: a volume as the request's API and microversion show it; `shown`: for show and detail (image metadata). */
json volume_view(const Request& req, const volume::Volume& v, bool shown);

/* built_volume: the volume a create request's body `b` asks for, validated, its type and size resolved. */
volume::Volume built_volume(const volume::Driver& driver, const Request& req, const json& b);

/* check_deletable: BadRequest unless `v` may be deleted (not in use; snapshots only with `cascade`, which deletes them). */
void check_deletable(const volume::Driver& driver, const Request& req, const volume::Volume& v, bool cascade);

/* next_link: the link to the page after `last_id` of the list the request asked for. */
std::string next_link(const Request& req, const std::string& last_id);

/* MetadataStore: how the metadata calls read and replace the metadata of one kind of resource. */
struct MetadataStore {
    std::string kind;       // "Volume", "Snapshot": for messages
    std::string id_param;   // "volume_id"
    std::function<std::map<std::string, std::string>(const Request&)> read;
    std::function<std::map<std::string, std::string>(const Request&, std::map<std::string, std::string>)> replace;
};

/*
 * bind_metadata: Cinder's six metadata calls on the endpoints `collection`
 * (GET, POST merges, PUT replaces) and `item` (GET, PUT, DELETE answered 200).
 */
void bind_metadata(Dispatcher& disp, std::initializer_list<std::string_view> collection,
                   std::initializer_list<std::string_view> item, MetadataStore store);

/* require_admin: Forbidden unless the caller is an admin (Cinder's admin-only actions). */
void require_admin(const Request& req, const char* what);

} // namespace jumpgate::api::cinder
