// SPDX-License-Identifier: Apache-2.0
// Cinder's volumes (v1, v2, v3): create, list, show, update, delete and metadata, and the views they share.
#include "api/volume/cinder.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::api::cinder {

using volume::Attachment;
using volume::Volume;

std::string api_of(const Request& req)
{
    const std::string& e = req.endpoint();
    return e.size() > 2 && e[0] == 'v' && e[2] == '_' ? e.substr(0, 2) : "v3";
}

json links(const Request& req, const std::string& kind, const std::string& id)
{
    std::string base = req.dispatcher()->base_url(req);
    std::string project = req.context().project_id;
    return {{{"rel", "self"}, {"href", base + "/" + api_of(req) + "/" + project + "/" + kind + "/" + id}},
            {{"rel", "bookmark"}, {"href", base + "/" + project + "/" + kind + "/" + id}}};
}

volume::ListQuery list_query(const Request& req, std::initializer_list<const char*> filters)
{
    volume::ListQuery q;
    Page page = Page::from(req);
    q.limit = page.limit;
    q.marker = page.marker;
    if (req.has_query("offset"))
        q.offset = static_cast<std::size_t>(parse_int("offset", req.query("offset")));
    const bool admin = req.context().is_admin();
    if (req.has_query("all_tenants") && admin) {
        std::string_view v = req.query("all_tenants");
        q.all_projects = v.empty() || parse_bool("all_tenants", v);
    }
    if (admin && q.all_projects && req.has_query("project_id"))
        q.project_id = std::string(req.query("project_id"));
    for (const char* f : filters)
        if (req.has_query(f))
            q.filters.emplace_back(f, std::string(req.query(f)));
    // v1 and v2 clients filter on display_name.
    if (req.has_query("display_name"))
        q.filters.emplace_back("name", std::string(req.query("display_name")));
    if (req.has_query("metadata")) {
        // metadata={'k': 'v'} as python-cinderclient sends it, or a JSON object.
        std::string text(req.query("metadata"));
        std::replace(text.begin(), text.end(), '\'', '"');
        json md = json::parse(text, nullptr, false);
        if (!md.is_object())
            throw BadRequest("Invalid filter: metadata must be an object of strings.");
        for (const auto& [k, v] : md.items())
            q.filters.emplace_back("metadata:" + k, v.is_string() ? v.get<std::string>() : v.dump());
    }
    // sort=key:dir,key2 (v2 and v3) or sort_key/sort_dir.
    static const std::vector<std::string> kSortable = {
        "created_at", "updated_at", "id", "name", "size", "status", "display_name", "availability_zone", "bootable"};
    auto add_sort = [&](std::string key, std::string dir) {
        if (key == "display_name")
            key = "name";
        if (std::find(kSortable.begin(), kSortable.end(), key) == kSortable.end())
            throw BadRequest("Invalid sort key: " + key);
        if (dir != "asc" && dir != "desc")
            throw BadRequest("Invalid sort direction: " + dir);
        q.sort.emplace_back(key, dir == "asc");
    };
    if (req.has_query("sort")) {
        if (req.has_query("sort_key") || req.has_query("sort_dir"))
            throw BadRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with 'sort'.");
        std::string spec(req.query("sort"));
        for (std::size_t start = 0; start <= spec.size();) {
            std::size_t end = std::min(spec.find(',', start), spec.size());
            std::string item = spec.substr(start, end - start);
            std::size_t colon = item.find(':');
            add_sort(item.substr(0, colon), colon == std::string::npos ? "desc" : item.substr(colon + 1));
            start = end + 1;
        }
    } else if (req.has_query("sort_key") || req.has_query("sort_dir")) {
        add_sort(req.has_query("sort_key") ? std::string(req.query("sort_key")) : "created_at",
                 req.has_query("sort_dir") ? std::string(req.query("sort_dir")) : "desc");
    }
    return q;
}

std::map<std::string, std::string> metadata_of(const json& body, const char* key)
{
    if (!body.is_object() || !body.contains(key) || !body[key].is_object())
        throw BadRequest(std::string("Malformed request body: the body must be {\"") + key + "\": {...}}.");
    return api::nova_metadata(body[key], key, "-_:. /");
}

const json& body_of(const Request& req, const char* key)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains(key) || !body[key].is_object())
        throw BadRequest(std::string("Malformed request body: the body must be {\"") + key + "\": {...}}.");
    return body[key];
}

std::optional<std::string> optional_text(const json& value, const char* field, std::size_t max)
{
    if (value.is_null())
        return std::nullopt;
    if (!value.is_string())
        throw api::not_of_type(field, value, "'string', 'null'");
    const std::string& text = value.get_ref<const std::string&>();
    // Cinder counts the characters between the spaces at either end.
    constexpr const char* kSpaces = " \t\n\v\f\r";
    auto first = text.find_first_not_of(kSpaces);
    std::size_t length = 0;
    if (first != std::string::npos)
        length = api::utf8_length(std::string_view(text).substr(first, text.find_last_not_of(kSpaces) - first + 1));
    if (length > max)
        throw BadRequest("Invalid input received: " + std::string(field) + " has " + std::to_string(length) +
                         " characters, more than " + std::to_string(max) + ".");
    return text;
}

std::string stripped_name(const json& value, const char* field)
{
    if (!value.is_string())
        throw api::not_of_type(field, value, "'string'");
    const std::string& text = value.get_ref<const std::string&>();
    constexpr const char* kSpaces = " \t\n\v\f\r";
    auto first = text.find_first_not_of(kSpaces);
    if (first == std::string::npos)
        throw BadRequest("Invalid input received: The '" + std::string(field) + "' can not be empty.");
    std::string stripped = text.substr(first, text.find_last_not_of(kSpaces) - first + 1);
    if (api::utf8_length(stripped) > 255)
        throw BadRequest("Invalid input received: The '" + std::string(field) +
                         "' can not be greater than 255 characters.");
    return stripped;
}

void require_admin(const Request& req, const char* what)
{
    if (!req.context().is_admin())
        throw Forbidden(std::string("Policy doesn't allow ") + what + " to be performed.");
}

json volume_view(const Request& req, const Volume& v, bool shown)
{
    const ApiVersion& mv = req.version();
    const bool admin = req.context().is_admin();
    const bool v1 = api_of(req) == "v1";
    json attachments = json::array();
    const Attachment* first = nullptr;
    for (const auto& a : v.attachments) {
        // Reserved and connecting attachments are not the volume's yet (Cinder lists only attached ones).
        if (a.status != "attached")
            continue;
        if (!first)
            first = &a;
        attachments.push_back({{"id", a.volume_id},
                               {"attachment_id", a.id},
                               {"volume_id", a.volume_id},
                               {"server_id", a.server_id},
                               {"host_name", a.host.empty() ? json(nullptr) : json(a.host)},
                               {"device", a.device},
                               {"attached_at", iso_time(a.attached_at, false)}});
    }
    // Cinder's visible admin metadata: the read-only flag once set, and the mode of the attachment.
    json metadata = v.metadata;
    if (v.readonly_set || v.readonly)
        metadata["readonly"] = v.readonly ? "True" : "False";
    if (first && first->mode != "null")
        metadata["attached_mode"] = first->mode;
    json view = {{"id", v.id},
                 {"status", v.status},
                 {"size", v.size},
                 {"availability_zone", v.availability_zone},
                 {"created_at", iso_time(v.created_at, false)},
                 {"updated_at", v.updated_at ? json(iso_time(v.updated_at, false)) : json(nullptr)},
                 {"attachments", std::move(attachments)},
                 {"volume_type", v.volume_type},
                 {"snapshot_id", v.snapshot_id ? json(*v.snapshot_id) : json(nullptr)},
                 {"source_volid", v.source_volid ? json(*v.source_volid) : json(nullptr)},
                 {"metadata", std::move(metadata)},
                 {"bootable", v.bootable ? "true" : "false"},
                 {"encrypted", false},
                 {"multiattach", v.multiattach}};
    if (v1) {
        view["display_name"] = v.name ? json(*v.name) : json(nullptr);
        view["display_description"] = v.description ? json(*v.description) : json(nullptr);
    } else {
        view["name"] = v.name ? json(*v.name) : json(nullptr);
        view["description"] = v.description ? json(*v.description) : json(nullptr);
        view["links"] = links(req, "volumes", v.id);
        view["user_id"] = v.user_id;
        view["replication_status"] = nullptr;
        view["consistencygroup_id"] = nullptr;
    }
    // The os-vol-image-meta extension adds it to show and detail only, not to create and update.
    if (shown && !v.image_metadata.empty())
        view["volume_image_metadata"] = v.image_metadata;
    // The os-vol-* extensions extend show and detail only (Tempest's create and update schemas reject them, an
    // admin's too); the project to whoever reads the volume, the host and the migration to admins only.
    if (shown)
        view["os-vol-tenant-attr:tenant_id"] = v.project_id;
    if (admin && shown) {
        // The driver's host is Cinder's own form already ("node@backend#pool").
        view["os-vol-host-attr:host"] = v.host.empty() ? json(nullptr) : json(v.host);
        view["os-vol-mig-status-attr:migstat"] = nullptr;
        view["os-vol-mig-status-attr:name_id"] = nullptr;
    }
    if (admin)
        view["migration_status"] = nullptr;
    if (mv.at_least(3, 13))
        view["group_id"] = v.group_id ? json(*v.group_id) : json(nullptr);
    if (mv.at_least(3, 21) && admin)
        view["provider_id"] = nullptr;
    if (mv.at_least(3, 48)) {
        view["shared_targets"] = false;
        if (admin)
            view["service_uuid"] = nullptr;
    }
    if (mv.at_least(3, 61) && admin)
        view["cluster_name"] = nullptr;
    if (mv.at_least(3, 63))
        view["volume_type_id"] = v.volume_type_id;
    if (mv.at_least(3, 65))
        view["consumes_quota"] = true;
    return view;
}

const json& action_args(const Request& req)
{
    return req.json_body().begin().value();
}

namespace {

NotFound missing_key(const MetadataStore& store, const Request& req)
{
    return NotFound(std::string(store.kind) + " " + req.param(store.id_param) + " has no metadata with key " +
                    req.param("key") + ".");
}

} // namespace

void metadata_index(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"metadata", store.read(driver, req)}});
}

void metadata_merge(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp)
{
    auto md = store.read(driver, req);
    for (auto& [k, v] : metadata_of(req.json_body(), "metadata"))
        md[k] = v;
    resp.json({{"metadata", store.replace(driver, req, md)}});
}

void metadata_replace(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp)
{
    auto md = metadata_of(req.json_body(), "metadata");
    store.read(driver, req); // NotFound before anything is parsed into it
    resp.json({{"metadata", store.replace(driver, req, md)}});
}

void metadata_show(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp)
{
    auto md = store.read(driver, req);
    auto it = md.find(req.param("key"));
    if (it == md.end())
        throw missing_key(store, req);
    resp.json({{"meta", {{it->first, it->second}}}});
}

void metadata_set(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp)
{
    auto one = metadata_of(req.json_body(), "meta");
    if (one.size() != 1)
        throw BadRequest("Request body contains too many items.");
    if (one.begin()->first != req.param("key"))
        throw BadRequest("Request body and URI mismatch");
    auto md = store.read(driver, req);
    md[one.begin()->first] = one.begin()->second;
    store.replace(driver, req, md);
    resp.json({{"meta", one}});
}

void metadata_delete(const MetadataStore& store, const volume::Driver& driver, const Request& req, Response& resp)
{
    auto md = store.read(driver, req);
    if (!md.erase(req.param("key")))
        throw missing_key(store, req);
    store.replace(driver, req, md);
    resp.clear_body();
}

void require_version(const Request& req, int minor)
{
    if (!req.version().at_least(3, minor))
        throw NotFound("The resource could not be found: this API needs microversion 3." + std::to_string(minor) +
                       " or later.");
}

bool type_usable(const Context& ctx, const volume::VolumeType& t)
{
    return t.is_public || ctx.is_admin() ||
           std::find(t.projects.begin(), t.projects.end(), ctx.project_id) != t.projects.end();
}

namespace {

volume::VolumeType type_for(const volume::Driver& driver, const Request& req, const json& requested)
{
    if (requested.is_null()) {
        for (auto& t : driver.typeList(req.context()))
            if (t.is_default)
                return t;
        throw NotFound("The default volume type could not be found.");
    }
    if (!requested.is_string())
        throw BadRequest("Invalid input for field/attribute volume_type.");
    volume::VolumeType t;
    try {
        t = driver.typeGet(req.context(), requested.get<std::string>());
    } catch (const NotFound&) {
        throw NotFound("Volume type with name " + requested.get<std::string>() + " could not be found.");
    }
    if (!type_usable(req.context(), t))
        throw NotFound("Volume type with name " + requested.get<std::string>() + " could not be found.");
    return t;
}

} // namespace

Volume built_volume(const volume::Driver& driver, const Request& req, const json& b)
{
    const bool v1 = api_of(req) == "v1";
    const Context& ctx = req.context();
    Volume v;
    v.id = new_uuid();
    v.project_id = ctx.project_id;
    v.user_id = ctx.user_id;
    for (auto [field, target] : {std::pair{v1 ? "display_name" : "name", &v.name},
                                 std::pair{v1 ? "display_description" : "description", &v.description}})
        if (b.contains(field))
            *target = optional_text(b[field], field, 255);
    if (!v1) { // v2 clients may still send the old names
        if (!v.name && b.contains("display_name"))
            v.name = optional_text(b["display_name"], "display_name", 255);
        if (!v.description && b.contains("display_description"))
            v.description = optional_text(b["display_description"], "display_description", 255);
    }
    long long source_size = 0;
    if (b.contains("snapshot_id") && !b["snapshot_id"].is_null()) {
        if (!b["snapshot_id"].is_string())
            throw BadRequest("Invalid input for field/attribute snapshot_id.");
        volume::Snapshot s = driver.snapshotGet(ctx, b["snapshot_id"]);
        if (s.status != "available")
            throw BadRequest("Invalid snapshot: Originating snapshot status must be one of 'available' values");
        v.snapshot_id = s.id;
        source_size = s.size;
    }
    if (b.contains("source_volid") && !b["source_volid"].is_null()) {
        if (!b["source_volid"].is_string())
            throw BadRequest("Invalid input for field/attribute source_volid.");
        Volume src = driver.volumeGet(ctx, b["source_volid"]);
        if (src.status != "available" && src.status != "in-use")
            throw BadRequest("Invalid volume: Volume " + src.id + " status must be available or in-use.");
        v.source_volid = src.id;
        source_size = std::max(source_size, src.size);
        v.bootable = src.bootable;
    }
    for (const char* key : {"imageRef", "image_id"})
        if (b.contains(key) && !b[key].is_null()) {
            if (!b[key].is_string() || b[key].get_ref<const std::string&>().empty())
                throw BadRequest(std::string("Invalid input for field/attribute ") + key + ".");
            std::string id = b[key];
            if (auto slash = id.rfind('/'); slash != std::string::npos)
                id = id.substr(slash + 1);
            v.image_id = id;
        }
    if (b.contains("size") && !b["size"].is_null())
        v.size = api::schema_integer(b["size"], "size", 1, api::kMaxInt);
    else if (source_size)
        v.size = source_size;
    else
        throw BadRequest("Invalid input received: size is required unless a snapshot or a source volume is given.");
    if (v.size < source_size)
        throw BadRequest("Invalid input received: Volume size '" + std::to_string(v.size) +
                         "GB' cannot be smaller than the snapshot or source volume size '" +
                         std::to_string(source_size) + "GB'.");
    volume::VolumeType type = type_for(driver, req, b.contains("volume_type") ? b["volume_type"] : json(nullptr));
    v.volume_type = type.name;
    v.volume_type_id = type.id;
    if (auto it = type.extra_specs.find("multiattach"); it != type.extra_specs.end() && it->second == "<is> True")
        v.multiattach = true;
    if (b.contains("multiattach") && !b["multiattach"].is_null()) {
        if (!b["multiattach"].is_boolean())
            throw BadRequest("Invalid input for field/attribute multiattach.");
        v.multiattach = v.multiattach || b["multiattach"].get<bool>();
    }
    if (b.contains("availability_zone") && !b["availability_zone"].is_null()) {
        if (!b["availability_zone"].is_string())
            throw BadRequest("Invalid input for field/attribute availability_zone.");
        bool known = false;
        for (const auto& [zone, available] : driver.availabilityZoneList(ctx))
            known = known || (zone == b["availability_zone"] && available);
        if (!known)
            throw BadRequest("Invalid input received: Availability zone '" + b["availability_zone"].get<std::string>() +
                             "' is invalid.");
        v.availability_zone = b["availability_zone"];
    }
    if (b.contains("metadata") && !b["metadata"].is_null())
        v.metadata = metadata_of(b, "metadata");
    // From 3.13 a volume may be made in a group of a type it is of (Cinder ignores group_id before).
    if (req.version().at_least(3, 13) && b.contains("group_id") && !b["group_id"].is_null()) {
        if (!b["group_id"].is_string())
            throw BadRequest("Invalid input for field/attribute group_id.");
        volume::Group g = driver.groupGet(ctx, b["group_id"]);
        if (std::find(g.volume_types.begin(), g.volume_types.end(), v.volume_type_id) == g.volume_types.end())
            throw BadRequest("Invalid input received: Invalid volume_type provided: " + v.volume_type_id +
                             " (requested type is not compatible; recommend omitting the type argument).");
        if (g.status != "available")
            throw BadRequest("Invalid group: Group " + g.id +
                             " status must be available, but current status is: " + g.status + ".");
        v.group_id = g.id;
    }
    return v;
}

void check_deletable(const volume::Driver& driver, const Request& req, const Volume& v, bool cascade)
{
    static const std::vector<std::string> kDeletable = {"available", "error", "error_restoring", "error_extending",
                                                        "error_managing"};
    if (std::find(kDeletable.begin(), kDeletable.end(), v.status) == kDeletable.end() || !v.attachments.empty() ||
        v.group_id)
        throw BadRequest("Invalid volume: Volume status must be available or error or error_restoring or "
                         "error_extending or error_managing and must not be migrating, attached, belong to a group, "
                         "have snapshots or be disassociated from snapshots after volume transfer.");
    volume::ListQuery q;
    q.filters.emplace_back("volume_id", v.id);
    q.all_projects = req.context().is_admin();
    auto snapshots = driver.snapshotList(req.context(), q);
    if (!snapshots.empty() && !cascade)
        throw BadRequest("Invalid volume: Volume " + v.id + " still has dependent snapshots.");
    for (const auto& s : snapshots)
        driver.snapshotDelete(req.context(), s.id);
}

} // namespace jumpgate::api::cinder

namespace jumpgate::volume {

namespace detail {

using namespace api::cinder;

namespace {

void list(const Driver& driver, const Request& req, Response& resp, bool detail)
{
    ListQuery q = list_query(req, {"name", "status", "availability_zone", "bootable", "group_id"});
    // Cinder's limit=0 is an empty page, where the interface's 0 is no limit.
    json body = listed(
        req, q, "volumes", "volumes_links", [&] { return driver.volumeList(req.context(), q); },
        [&](const Volume& v) {
            return detail ? volume_view(req, v, true)
                          : json({{"id", v.id},
                                  {"name", v.name ? json(*v.name) : json(nullptr)},
                                  {"links", links(req, "volumes", v.id)}});
        });
    if (req.version().at_least(3, 45) && req.has_query("with_count") &&
        api::parse_bool("with_count", req.query("with_count"))) {
        ListQuery all = q;
        all.limit = 0;
        all.offset = 0;
        all.marker.clear();
        body["count"] = driver.volumeList(req.context(), all).size();
    }
    resp.json(std::move(body));
}

void index(const Driver& driver, const Request& req, Response& resp)
{
    list(driver, req, resp, false);
}

void index_detail(const Driver& driver, const Request& req, Response& resp)
{
    list(driver, req, resp, true);
}

// GET /volumes/summary (3.12): the count and size of the volumes the list would show, and (3.36) every value each
// metadata key has among them.
void summary(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 12);
    ListQuery q = list_query(req, {"name", "status", "availability_zone", "bootable", "group_id"});
    q.limit = 0;
    q.offset = 0;
    q.marker.clear();
    long long total_size = 0;
    std::map<std::string, std::set<std::string>> values;
    auto volumes = driver.volumeList(req.context(), q);
    for (const auto& v : volumes) {
        total_size += v.size;
        for (const auto& [k, value] : v.metadata)
            values[k].insert(value);
    }
    json body = {{"total_size", total_size}, {"total_count", volumes.size()}};
    if (req.version().at_least(3, 36)) {
        json metadata = json::object();
        for (const auto& [k, set] : values)
            metadata[k] = json(std::vector<std::string>(set.begin(), set.end()));
        body["metadata"] = std::move(metadata);
    }
    resp.json({{"volume-summary", std::move(body)}});
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    Volume v = built_volume(driver, req, body_of(req, "volume"));
    resp.status = 202;
    resp.json({{"volume", volume_view(req, driver.volumeCreate(req.context(), v), false)}});
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"volume", volume_view(req, driver.volumeGet(req.context(), req.param("volume_id")), true)}});
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    const json& b = body_of(req, "volume");
    Volume v = driver.volumeGet(req.context(), req.param("volume_id"));
    bool changed = false;
    for (auto [field, target] :
         {std::pair{"name", &v.name}, std::pair{"display_name", &v.name}, std::pair{"description", &v.description},
          std::pair{"display_description", &v.description}})
        if (b.contains(field)) {
            *target = optional_text(b[field], field, 255);
            changed = true;
        }
    if (b.contains("metadata")) {
        v.metadata = metadata_of(b, "metadata");
        changed = true;
    }
    if (!changed)
        throw BadRequest("Invalid input: the update names none of name, description and metadata.");
    resp.json({{"volume", volume_view(req, driver.volumeUpdate(req.context(), v), false)}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    Volume v = driver.volumeGet(req.context(), req.param("volume_id"));
    bool cascade = req.has_query("cascade") && api::parse_bool("cascade", req.query("cascade"));
    check_deletable(driver, req, v, cascade);
    driver.volumeDelete(req.context(), v.id);
    resp.status = 202;
    resp.clear_body();
}

constexpr MetadataStore kMetadata{"Volume", "volume_id",
                                  [](const Driver& driver, const Request& req) {
                                      return driver.volumeGet(req.context(), req.param("volume_id")).metadata;
                                  },
                                  [](const Driver& driver, const Request& req, std::map<std::string, std::string> md) {
                                      Volume v = driver.volumeGet(req.context(), req.param("volume_id"));
                                      v.metadata = std::move(md);
                                      return driver.volumeUpdate(req.context(), v).metadata;
                                  }};
using Metadata = MetadataCalls<kMetadata>;

constexpr Operations kRead{Op::volumeGet};
constexpr Operations kWrite{Op::volumeGet, Op::volumeUpdate};
constexpr Operations kCreate = Operations{Op::volumeCreate} | kBuiltVolumeNeeds;
constexpr Operations kDelete = Operations{Op::volumeGet, Op::volumeDelete} | kCheckDeletableNeeds;

constexpr Binding<Driver> kBindings[] = {
    {"v1_volumes", "GET", {Op::volumeList}, index},
    {"v2_volumes", "GET", {Op::volumeList}, index},
    {"v3_volumes", "GET", {Op::volumeList}, index},
    {"v1_volumes", "POST", kCreate, create},
    {"v2_volumes", "POST", kCreate, create},
    {"v3_volumes", "POST", kCreate, create},
    {"v1_volumes_detail", "GET", {Op::volumeList}, index_detail},
    {"v2_volumes_detail", "GET", {Op::volumeList}, index_detail},
    {"v3_volumes_detail", "GET", {Op::volumeList}, index_detail},
    {"v3_volumes_summary", "GET", {Op::volumeList}, summary},
    {"v1_volume", "GET", kRead, show},
    {"v2_volume", "GET", kRead, show},
    {"v3_volume", "GET", kRead, show},
    {"v1_volume", "PUT", kWrite, update},
    {"v2_volume", "PUT", kWrite, update},
    {"v3_volume", "PUT", kWrite, update},
    {"v1_volume", "DELETE", kDelete, remove},
    {"v2_volume", "DELETE", kDelete, remove},
    {"v3_volume", "DELETE", kDelete, remove},
    {"v2_volume_metadata", "GET", kRead, Metadata::index},
    {"v3_volume_metadata", "GET", kRead, Metadata::index},
    {"v2_volume_metadata", "POST", kWrite, Metadata::merge},
    {"v3_volume_metadata", "POST", kWrite, Metadata::merge},
    {"v2_volume_metadata", "PUT", kWrite, Metadata::replace},
    {"v3_volume_metadata", "PUT", kWrite, Metadata::replace},
    {"v2_volume_metadata_key", "GET", kRead, Metadata::show},
    {"v3_volume_metadata_key", "GET", kRead, Metadata::show},
    {"v2_volume_metadata_key", "PUT", kWrite, Metadata::set},
    {"v3_volume_metadata_key", "PUT", kWrite, Metadata::set},
    {"v2_volume_metadata_key", "DELETE", kWrite, Metadata::remove},
    {"v3_volume_metadata_key", "DELETE", kWrite, Metadata::remove},
};

} // namespace

std::span<const Binding<Driver>> volume_bindings()
{
    return kBindings;
}

} // namespace detail

// Every operation a driver leaves alone answers 501.
std::vector<Volume> Driver::volumeList(const Context&, const ListQuery&) const
{
    throw NotImplemented("volumeList");
}
Volume Driver::volumeGet(const Context&, const std::string&) const
{
    throw NotImplemented("volumeGet");
}
Volume Driver::volumeCreate(const Context&, const Volume&) const
{
    throw NotImplemented("volumeCreate");
}
Volume Driver::volumeUpdate(const Context&, const Volume&) const
{
    throw NotImplemented("volumeUpdate");
}
void Driver::volumeDelete(const Context&, const std::string&) const
{
    throw NotImplemented("volumeDelete");
}
Volume Driver::volumeExtend(const Context&, const std::string&, long long) const
{
    throw NotImplemented("volumeExtend");
}
Volume Driver::volumeResetStatus(const Context&, const std::string&, const std::string&, bool) const
{
    throw NotImplemented("volumeResetStatus");
}
void Driver::volumeReserve(const Context&, const std::string&) const
{
    throw NotImplemented("volumeReserve");
}
void Driver::volumeUnreserve(const Context&, const std::string&) const
{
    throw NotImplemented("volumeUnreserve");
}
Attachment Driver::volumeAttach(const Context&, const std::string&, const Attachment&) const
{
    throw NotImplemented("volumeAttach");
}
void Driver::volumeDetach(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("volumeDetach");
}
std::string Driver::volumeUploadImage(const Context&, const std::string&, const std::string&, const std::string&,
                                      const std::string&, const std::string&, bool) const
{
    throw NotImplemented("Uploading volumes to images is not supported by this cloud.");
}
std::vector<Attachment> Driver::attachmentList(const Context&, const ListQuery&) const
{
    throw NotImplemented("attachmentList");
}
Attachment Driver::attachmentGet(const Context&, const std::string&) const
{
    throw NotImplemented("attachmentGet");
}
Attachment Driver::attachmentCreate(const Context&, const Attachment&) const
{
    throw NotImplemented("attachmentCreate");
}
Attachment Driver::attachmentUpdate(const Context&, const std::string&, const json&) const
{
    throw NotImplemented("attachmentUpdate");
}
void Driver::attachmentComplete(const Context&, const std::string&) const
{
    throw NotImplemented("attachmentComplete");
}
std::vector<Attachment> Driver::attachmentDelete(const Context&, const std::string&) const
{
    throw NotImplemented("attachmentDelete");
}
std::vector<Backup> Driver::backupList(const Context&, const ListQuery&) const
{
    throw NotImplemented("backupList");
}
Backup Driver::backupGet(const Context&, const std::string&) const
{
    throw NotImplemented("backupGet");
}
Backup Driver::backupCreate(const Context&, const Backup&) const
{
    throw NotImplemented("backupCreate");
}
Backup Driver::backupUpdate(const Context&, const Backup&) const
{
    throw NotImplemented("backupUpdate");
}
void Driver::backupDelete(const Context&, const std::string&) const
{
    throw NotImplemented("backupDelete");
}
Backup Driver::backupResetStatus(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("backupResetStatus");
}
Volume Driver::backupRestore(const Context&, const std::string&, const std::optional<std::string>&,
                             const std::optional<std::string>&) const
{
    throw NotImplemented("backupRestore");
}
std::vector<Snapshot> Driver::snapshotList(const Context&, const ListQuery&) const
{
    throw NotImplemented("snapshotList");
}
Snapshot Driver::snapshotGet(const Context&, const std::string&) const
{
    throw NotImplemented("snapshotGet");
}
Snapshot Driver::snapshotCreate(const Context&, const Snapshot&) const
{
    throw NotImplemented("snapshotCreate");
}
Snapshot Driver::snapshotUpdate(const Context&, const Snapshot&) const
{
    throw NotImplemented("snapshotUpdate");
}
void Driver::snapshotDelete(const Context&, const std::string&) const
{
    throw NotImplemented("snapshotDelete");
}
Snapshot Driver::snapshotResetStatus(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("snapshotResetStatus");
}
std::vector<VolumeType> Driver::typeList(const Context&) const
{
    throw NotImplemented("typeList");
}
VolumeType Driver::typeGet(const Context&, const std::string&) const
{
    throw NotImplemented("typeGet");
}
VolumeType Driver::typeCreate(const Context&, const VolumeType&) const
{
    throw NotImplemented("typeCreate");
}
VolumeType Driver::typeUpdate(const Context&, const VolumeType&) const
{
    throw NotImplemented("typeUpdate");
}
void Driver::typeDelete(const Context&, const std::string&) const
{
    throw NotImplemented("typeDelete");
}
std::vector<Transfer> Driver::transferList(const Context&, const ListQuery&) const
{
    throw NotImplemented("transferList");
}
Transfer Driver::transferGet(const Context&, const std::string&) const
{
    throw NotImplemented("transferGet");
}
Transfer Driver::transferCreate(const Context&, const Transfer&, const std::string&) const
{
    throw NotImplemented("transferCreate");
}
Transfer Driver::transferAccept(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("transferAccept");
}
void Driver::transferDelete(const Context&, const std::string&) const
{
    throw NotImplemented("transferDelete");
}
std::optional<Encryption> Driver::encryptionGet(const Context&, const std::string&) const
{
    throw NotImplemented("encryptionGet");
}
Encryption Driver::encryptionCreate(const Context&, const Encryption&) const
{
    throw NotImplemented("encryptionCreate");
}
Encryption Driver::encryptionUpdate(const Context&, const Encryption&) const
{
    throw NotImplemented("encryptionUpdate");
}
void Driver::encryptionDelete(const Context&, const std::string&) const
{
    throw NotImplemented("encryptionDelete");
}
std::vector<QosSpec> Driver::qosList(const Context&) const
{
    throw NotImplemented("qosList");
}
QosSpec Driver::qosGet(const Context&, const std::string&) const
{
    throw NotImplemented("qosGet");
}
QosSpec Driver::qosCreate(const Context&, const QosSpec&) const
{
    throw NotImplemented("qosCreate");
}
QosSpec Driver::qosUpdate(const Context&, const QosSpec&) const
{
    throw NotImplemented("qosUpdate");
}
void Driver::qosDelete(const Context&, const std::string&, bool) const
{
    throw NotImplemented("qosDelete");
}
QuotaSet Driver::quotaGet(const Context&, const std::string&) const
{
    throw NotImplemented("quotaGet");
}
QuotaSet Driver::quotaDefaults(const Context&) const
{
    throw NotImplemented("quotaDefaults");
}
QuotaSet Driver::quotaSet(const Context&, const std::string&, const QuotaSet&) const
{
    throw NotImplemented("quotaSet");
}
void Driver::quotaReset(const Context&, const std::string&) const
{
    throw NotImplemented("quotaReset");
}
QuotaSet Driver::quotaUsage(const Context&, const std::string&) const
{
    throw NotImplemented("quotaUsage");
}
std::vector<std::pair<std::string, bool>> Driver::availabilityZoneList(const Context&) const
{
    throw NotImplemented("availabilityZoneList");
}
std::vector<Service> Driver::serviceList(const Context&) const
{
    throw NotImplemented("serviceList");
}
Service Driver::serviceEnable(const Context&, const std::string&, const std::string&, bool,
                              const std::optional<std::string>&) const
{
    throw NotImplemented("serviceEnable");
}
void Driver::serviceFreeze(const Context&, const std::string&, bool) const
{
    throw NotImplemented("serviceFreeze");
}
std::vector<Pool> Driver::poolList(const Context&) const
{
    throw NotImplemented("poolList");
}
std::vector<Message> Driver::messageList(const Context&) const
{
    throw NotImplemented("messageList");
}
Message Driver::messageGet(const Context&, const std::string&) const
{
    throw NotImplemented("messageGet");
}
void Driver::messageDelete(const Context&, const std::string&) const
{
    throw NotImplemented("messageDelete");
}
QuotaSet Driver::quotaClassGet(const Context&, const std::string&) const
{
    throw NotImplemented("quotaClassGet");
}
QuotaSet Driver::quotaClassSet(const Context&, const std::string&, const QuotaSet&) const
{
    throw NotImplemented("quotaClassSet");
}
std::pair<std::string, json> Driver::backupExport(const Context&, const std::string&) const
{
    throw NotImplemented("backupExport");
}
Backup Driver::backupImport(const Context&, const std::string&, const json&) const
{
    throw NotImplemented("backupImport");
}

} // namespace jumpgate::volume
