// SPDX-License-Identifier: Apache-2.0
// What Cinder's views share: the API version of a path, links, request parsing and the volume view.
#pragma once

#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include <jumpgate/driver/volume.hpp>

#include "api/common/listing.hpp"

namespace jumpgate::api::cinder {

/* api_of: "v1", "v2" or "v3": the API the request's endpoint belongs to. */
std::string api_of(const Request& req);

/* links: self and bookmark of one `kind` ("volumes", "snapshots") in the request's API. */
json links(const Request& req, const std::string& kind, const std::string& id);

/* list_query: limit, marker, sort, all_tenants and the given exact filters of a list request; BadRequest. */
volume::ListQuery list_query(const Request& req, std::initializer_list<const char*> filters);

/*
 * listed: a list's answer: what `fetch` returns, each item as `view` shows it, under `name`, and under `links` the next
 * page's link when the page is full; nothing is fetched for limit=0, Cinder's empty page (the interface's 0 is no
 * limit).
 */
template <class Fetch, class View>
json listed(const Request& req, const volume::ListQuery& q, const char* name, const char* links, Fetch fetch, View view)
{
    decltype(fetch()) items;
    if (!(req.has_query("limit") && q.limit == 0))
        items = fetch();
    json views = json::array();
    for (const auto& item : items)
        views.push_back(view(item));
    json body = {{name, std::move(views)}};
    if (q.limit && items.size() == q.limit)
        body[links] = next_links(req, items.back().id);
    return body;
}

/* metadata_of: body[key] as Cinder's metadata (keys of 1-255 of [a-zA-Z0-9-_:. /], string values of at most 255). */
std::map<std::string, std::string> metadata_of(const json& body, const char* key);

/* body_of: body[key] when it is an object; BadRequest otherwise. */
const json& body_of(const Request& req, const char* key);

/* optional_text: a name or description field: null or a string of at most `max` characters between its spaces. */
std::optional<std::string> optional_text(const json& value, const char* field, std::size_t max);

/*
 * stripped_name: a name Cinder takes without the spaces at either end (transfers, QoS specs): a string of 1 to
 * 255 characters once stripped, returned stripped; BadRequest otherwise.
 */
std::string stripped_name(const json& value, const char* field);

/* volume_view: a volume as the request's API and microversion show it; `shown`: for show and detail (image metadata).
 */
json volume_view(const Request& req, const volume::Volume& v, bool shown);

/*
 * built_volume: the volume a create request's body `b` asks for, validated, its
 * type and size resolved; it calls the operations of kBuiltVolumeNeeds.
 */
volume::Volume built_volume(const volume::Driver& driver, const Request& req, const json& b);
inline constexpr Operations kBuiltVolumeNeeds{volume::Op::typeList, volume::Op::typeGet, volume::Op::snapshotGet,
                                              volume::Op::volumeGet, volume::Op::availabilityZoneList};
// A group_id in the body also calls groupGet; a driver without it answers that call's 501 for that body alone.

/*
 * check_deletable: BadRequest unless `v` may be deleted (not in use; snapshots
 * only with `cascade`, which deletes them); it calls the operations of kCheckDeletableNeeds.
 */
void check_deletable(const volume::Driver& driver, const Request& req, const volume::Volume& v, bool cascade);
inline constexpr Operations kCheckDeletableNeeds{volume::Op::snapshotList, volume::Op::snapshotDelete};

/* MetadataStore: how the metadata calls read and replace the metadata of one kind of resource. */
struct MetadataStore {
    const char* kind;     // "Volume", "Snapshot": for messages
    const char* id_param; // "volume_id"
    std::map<std::string, std::string> (*read)(const volume::Driver& driver, const Request& req);
    std::map<std::string, std::string> (*replace)(const volume::Driver& driver, const Request& req,
                                                  std::map<std::string, std::string> metadata);
};

/*
 * MetadataCalls: Cinder's six metadata calls on the kind `store` keeps, as
 * handlers of a binding table: on the collection GET, POST (merges) and PUT
 * (replaces); on one key GET, PUT and DELETE (answered 200). Reads need what
 * `store.read` calls, writes what `store.replace` calls too.
 */
void metadata_index(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp);
void metadata_merge(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp);
void metadata_replace(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp);
void metadata_show(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp);
void metadata_set(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp);
void metadata_delete(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp);

template <const MetadataStore& store> struct MetadataCalls {
    static void index(const volume::Driver& d, const Request& req, Response& resp)
    {
        metadata_index(store, d, req, resp);
    }
    static void merge(const volume::Driver& d, const Request& req, Response& resp)
    {
        metadata_merge(store, d, req, resp);
    }
    static void replace(const volume::Driver& d, const Request& req, Response& resp)
    {
        metadata_replace(store, d, req, resp);
    }
    static void show(const volume::Driver& d, const Request& req, Response& resp)
    {
        metadata_show(store, d, req, resp);
    }
    static void set(const volume::Driver& d, const Request& req, Response& resp) { metadata_set(store, d, req, resp); }
    static void remove(const volume::Driver& d, const Request& req, Response& resp)
    {
        metadata_delete(store, d, req, resp);
    }
};

/* action_args: the value of an action body's one key (the dispatcher has routed on that key). */
const json& action_args(const Request& req);

/* type_usable: whether the caller may put volumes of type `t`: a public one, one shared with its project, any for an
 * admin. */
bool type_usable(const Context& ctx, const volume::VolumeType& t);

/* require_version: NotFound below microversion 3.`minor`, where Cinder has no such resource (its version check). */
void require_version(const Request& req, int minor);

/* require_admin: Forbidden unless the caller is an admin (Cinder's admin-only actions). */
void require_admin(const Request& req, const char* what);

} // namespace jumpgate::api::cinder

namespace jumpgate::volume::detail {

/* The service's binding tables, one a file: what each verb and action serves and the operations it calls. */
std::span<const Binding<Driver>> volume_bindings();          // volumes.cpp
std::span<const Binding<Driver>> volume_action_bindings();   // volume_actions.cpp
std::span<const Binding<Driver>> snapshot_bindings();        // snapshots.cpp
std::span<const Binding<Driver>> backup_bindings();          // backups.cpp
std::span<const Binding<Driver>> attachment_bindings();      // attachments.cpp
std::span<const Binding<Driver>> type_bindings();            // types.cpp
std::span<const Binding<Driver>> type_encryption_bindings(); // type_encryption.cpp
std::span<const Binding<Driver>> qos_bindings();             // qos_specs.cpp
std::span<const Binding<Driver>> transfer_bindings();        // transfers.cpp
std::span<const Binding<Driver>> quota_bindings();           // quotas.cpp: limits, quota sets, availability zones
std::span<const Binding<Driver>> service_bindings();         // services.cpp: services, hosts, pools, capabilities
std::span<const Binding<Driver>> message_bindings();         // messages.cpp
std::span<const Binding<Driver>> group_type_bindings();      // group_types.cpp
std::span<const Binding<Driver>> group_bindings();           // groups.cpp: groups and group snapshots

/* visible_group_type: group type `id` (or "default") as the caller may see it; NotFound in Cinder's words. */
GroupType visible_group_type(const Driver& driver, const Request& req, const std::string& id);

} // namespace jumpgate::volume::detail
