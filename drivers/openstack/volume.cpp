// SPDX-License-Identifier: Apache-2.0
// Block Storage over the upstream's Cinder v3, so that the core's Cinder v1 and v2 work in front of a Cinder without
// them.
#include <algorithm>
#include <cctype>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "openstack.hpp"
#include "volume.hpp"

namespace jumpgate::openstack {

namespace {

using volume::Snapshot;
using volume::Volume;

// The most records Cinder gives in one page (its osapi_max_limit): what a list that reads every page asks.
constexpr std::size_t kPage = 1000;

std::int64_t time_of(const json& j, const char* key)
{
    return api::parse_iso_time(text_of(j, key).value_or("")).value_or(0);
}

bool truthy(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s == "true" || s == "1" || s == "yes";
}

// Cinder writes some booleans as strings ("true", "False").
bool truth_of(const json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end())
        return false;
    return it->is_boolean() ? it->get<bool>() : it->is_string() && truthy(it->get<std::string>());
}

/* part: the member `key` of an answer's body (the record of {"volume": {...}}); null when there is none. */
json part(const json& body, const char* key)
{
    auto it = body.is_object() ? body.find(key) : body.end();
    return it == body.end() ? json() : *it;
}

std::map<std::string, std::string> strings_of(const json& j, const char* key)
{
    std::map<std::string, std::string> out;
    auto it = j.find(key);
    if (it == j.end() || !it->is_object())
        return out;
    for (const auto& [k, v] : it->items())
        if (!v.is_null())
            out[k] = v.is_string() ? v.get<std::string>() : v.dump();
    return out;
}

/*
 * every: the records of every page of the list at `path` (a Cinder list, `key` its array) of the
 * projects `q` names (the caller's; an admin's all_projects: every one, or q.project_id), in the
 * order they were made.
 */
template <class Record, class Map>
std::vector<Record> every(const ServiceCalls& calls, const Context& ctx, const std::string& path,
                          const volume::ListQuery& q, const char* key, Map map)
{
    std::vector<Record> out;
    std::vector<std::pair<std::string, std::string>> params;
    if (q.all_projects) {
        params.emplace_back("all_tenants", "1");
        if (q.project_id)
            params.emplace_back("project_id", *q.project_id);
    }
    params.emplace_back("limit", std::to_string(kPage));
    for (std::string marker;;) {
        auto query = params;
        if (!marker.empty())
            query.emplace_back("marker", marker);
        json page = calls.call(ctx, "GET", path + query_string(query), nullptr, {200});
        auto items = page.is_object() ? page.find(key) : page.end();
        if (items == page.end() || !items->is_array() || items->empty())
            break;
        for (const auto& item : *items)
            out.push_back(map(item));
        auto links = page.find(std::string(key) + "_links");
        if (links == page.end() || !links->is_array() || links->empty())
            break;
        marker = out.back().id;
    }
    // Cinder lists newest first (created_at, then id, descending): select() takes the oldest first.
    std::reverse(out.begin(), out.end());
    return out;
}

/*
 * put_changes: store on the upstream's record at `at` (a volume's or a snapshot's, `kind` its key)
 * what differs between `current` and `wanted`: name and description together, the metadata whole
 * (Cinder's PUT of metadata replaces it).
 */
template <class Record>
void put_changes(const ServiceCalls& calls, const Context& ctx, const std::string& at, const char* kind,
                 const Record& current, const Record& wanted)
{
    if (wanted.name != current.name || wanted.description != current.description)
        calls.call(ctx, "PUT", at,
                   json{{kind, {{"name", or_null(wanted.name)}, {"description", or_null(wanted.description)}}}}, {200});
    if (wanted.metadata != current.metadata)
        calls.call(ctx, "PUT", at + "/metadata", json{{"metadata", wanted.metadata}}, {200});
}

} // namespace

Volume volume_of(const json& v3, const std::string& project_id)
{
    if (!v3.is_object() || !text_of(v3, "id"))
        throw ServiceUnavailable("The upstream volume service answered with what is not a volume.");
    Volume v;
    v.id = *text_of(v3, "id");
    v.name = text_of(v3, "name");
    v.description = text_of(v3, "description");
    v.project_id = text_of(v3, "os-vol-tenant-attr:tenant_id").value_or(project_id);
    v.user_id = text_of(v3, "user_id").value_or("");
    v.size = count_of(v3, "size").value_or(0);
    v.status = text_of(v3, "status").value_or("error");
    v.volume_type = text_of(v3, "volume_type").value_or("");
    v.volume_type_id = text_of(v3, "volume_type_id").value_or("");
    v.availability_zone = text_of(v3, "availability_zone").value_or("");
    v.bootable = truth_of(v3, "bootable");
    v.multiattach = truth_of(v3, "multiattach");
    v.snapshot_id = text_of(v3, "snapshot_id");
    v.source_volid = text_of(v3, "source_volid");
    v.metadata = strings_of(v3, "metadata");
    v.image_metadata = strings_of(v3, "volume_image_metadata");
    if (auto image = v.image_metadata.find("image_id"); image != v.image_metadata.end())
        v.image_id = image->second;
    // Cinder shows the readonly flag as volume metadata once it is set.
    if (auto readonly = v.metadata.find("readonly"); readonly != v.metadata.end()) {
        v.readonly = truthy(readonly->second);
        v.readonly_set = true;
        v.metadata.erase(readonly);
    }
    v.host = text_of(v3, "os-vol-host-attr:host").value_or("");
    v.created_at = time_of(v3, "created_at");
    v.updated_at = time_of(v3, "updated_at");
    if (auto attachments = v3.find("attachments"); attachments != v3.end() && attachments->is_array())
        for (const auto& a : *attachments) {
            if (!a.is_object())
                continue;
            volume::Attachment at;
            at.id = text_of(a, "attachment_id").value_or(text_of(a, "id").value_or(""));
            at.volume_id = v.id;
            at.server_id = text_of(a, "server_id").value_or("");
            at.device = text_of(a, "device").value_or("");
            at.host = text_of(a, "host_name").value_or("");
            at.attached_at = time_of(a, "attached_at");
            v.attachments.push_back(std::move(at));
        }
    return v;
}

Snapshot snapshot_of(const json& v3, const std::string& project_id)
{
    if (!v3.is_object() || !text_of(v3, "id"))
        throw ServiceUnavailable("The upstream volume service answered with what is not a snapshot.");
    Snapshot s;
    s.id = *text_of(v3, "id");
    s.name = text_of(v3, "name");
    s.description = text_of(v3, "description");
    s.volume_id = text_of(v3, "volume_id").value_or("");
    s.project_id = text_of(v3, "os-extended-snapshot-attributes:project_id").value_or(project_id);
    s.user_id = text_of(v3, "user_id").value_or("");
    s.size = count_of(v3, "size").value_or(0);
    s.status = text_of(v3, "status").value_or("error");
    s.metadata = strings_of(v3, "metadata");
    s.created_at = time_of(v3, "created_at");
    s.updated_at = time_of(v3, "updated_at");
    return s;
}

volume::VolumeType type_of(const json& v3)
{
    if (!v3.is_object() || !text_of(v3, "id"))
        throw ServiceUnavailable("The upstream volume service answered with what is not a volume type.");
    volume::VolumeType t;
    t.id = *text_of(v3, "id");
    t.name = text_of(v3, "name").value_or("");
    t.description = text_of(v3, "description");
    auto is_public = v3.find("os-volume-type-access:is_public");
    if (is_public == v3.end())
        is_public = v3.find("is_public");
    t.is_public = is_public == v3.end() || !is_public->is_boolean() || is_public->get<bool>();
    t.extra_specs = strings_of(v3, "extra_specs");
    return t;
}

volume::QuotaSet quota_of(const json& quota_set, bool in_use)
{
    volume::QuotaSet out;
    if (!quota_set.is_object())
        throw ServiceUnavailable("The upstream volume service answered with what is not a quota set.");
    for (const auto& [key, value] : quota_set.items()) {
        const json* number = &value;
        if (value.is_object()) {
            auto it = value.find(in_use ? "in_use" : "limit");
            if (it == value.end())
                continue;
            number = &*it;
        }
        if (number->is_number_integer())
            out[key] = number->get<long long>();
    }
    return out;
}

Volumes::Volumes(std::shared_ptr<const Upstream> upstream) : calls_(std::move(upstream), "volume") {}

std::string Volumes::path(const Context& ctx, const std::string& rest) const
{
    return "/v3/" + segment(ctx.project_id) + rest;
}

json Volumes::action(const Context& ctx, const std::string& volume_id, const json& body) const
{
    return calls_.call(ctx, "POST", path(ctx, "/volumes/" + segment(volume_id) + "/action"), body, {200, 202});
}

std::vector<Volume> Volumes::volumeList(const Context& ctx, const volume::ListQuery& q) const
{
    // Cinder's own filters differ by release and configuration (resource_filters.json): every page is read and
    // the query applied here, as the local driver answers it.
    auto items = every<Volume>(calls_, ctx, path(ctx, "/volumes/detail"), q, "volumes",
                               [&ctx](const json& v3) { return volume_of(v3, ctx.project_id); });
    return volume::select(ctx, q, std::move(items));
}

Volume Volumes::volumeGet(const Context& ctx, const std::string& volume_id) const
{
    json body = calls_.call(ctx, "GET", path(ctx, "/volumes/" + segment(volume_id)), nullptr, {200});
    return volume_of(part(body, "volume"), ctx.project_id);
}

Volume Volumes::volumeCreate(const Context& ctx, const Volume& v) const
{
    json request = {{"size", v.size}, {"name", or_null(v.name)}, {"description", or_null(v.description)}};
    if (!v.volume_type.empty())
        request["volume_type"] = v.volume_type;
    if (!v.availability_zone.empty())
        request["availability_zone"] = v.availability_zone;
    if (!v.metadata.empty())
        request["metadata"] = v.metadata;
    if (v.snapshot_id)
        request["snapshot_id"] = *v.snapshot_id;
    if (v.source_volid)
        request["source_volid"] = *v.source_volid;
    if (v.image_id)
        request["imageRef"] = *v.image_id;
    if (v.multiattach)
        request["multiattach"] = true;
    // Cinder chooses the id: the core's is not sent, and the view is of the record Cinder made.
    json body = calls_.call(ctx, "POST", path(ctx, "/volumes"), json{{"volume", request}}, {202});
    return volume_of(part(body, "volume"), ctx.project_id);
}

Volume Volumes::volumeUpdate(const Context& ctx, const Volume& v) const
{
    Volume current = volumeGet(ctx, v.id);
    put_changes(calls_, ctx, path(ctx, "/volumes/" + segment(v.id)), "volume", current, v);
    if (v.bootable != current.bootable)
        action(ctx, v.id, {{"os-set_bootable", {{"bootable", v.bootable}}}});
    if (v.readonly_set && v.readonly != current.readonly)
        action(ctx, v.id, {{"os-update_readonly_flag", {{"readonly", v.readonly}}}});
    return volumeGet(ctx, v.id);
}

void Volumes::volumeDelete(const Context& ctx, const std::string& volume_id) const
{
    calls_.call(ctx, "DELETE", path(ctx, "/volumes/" + segment(volume_id)), nullptr, {202});
}

Volume Volumes::volumeExtend(const Context& ctx, const std::string& volume_id, long long new_size) const
{
    action(ctx, volume_id, {{"os-extend", {{"new_size", new_size}}}});
    return volumeGet(ctx, volume_id);
}

Volume Volumes::volumeResetStatus(const Context& ctx, const std::string& volume_id, const std::string& status,
                                  bool detach) const
{
    json reset = {{"status", status}};
    if (detach)
        reset["attach_status"] = "detached";
    action(ctx, volume_id, {{"os-reset_status", reset}});
    return volumeGet(ctx, volume_id);
}

void Volumes::volumeReserve(const Context& ctx, const std::string& volume_id) const
{
    action(ctx, volume_id, {{"os-reserve", nullptr}});
}

void Volumes::volumeUnreserve(const Context& ctx, const std::string& volume_id) const
{
    action(ctx, volume_id, {{"os-unreserve", nullptr}});
}

std::string Volumes::volumeUploadImage(const Context& ctx, const std::string& volume_id, const std::string& name,
                                       const std::string& disk_format, const std::string& container_format,
                                       const std::string& visibility, bool is_protected) const
{
    json body = action(ctx, volume_id,
                       {{"os-volume_upload_image",
                         {{"image_name", name},
                          {"disk_format", disk_format},
                          {"container_format", container_format},
                          {"visibility", visibility},
                          {"protected", is_protected}}}});
    json upload = body.is_object() ? body.value("os-volume_upload_image", json()) : json();
    std::optional<std::string> image_id = upload.is_object() ? text_of(upload, "image_id") : std::nullopt;
    if (!image_id)
        throw ServiceUnavailable("The upstream volume service did not name the image it made.");
    return *image_id;
}

std::vector<Snapshot> Volumes::snapshotList(const Context& ctx, const volume::ListQuery& q) const
{
    auto items = every<Snapshot>(calls_, ctx, path(ctx, "/snapshots/detail"), q, "snapshots",
                                 [&ctx](const json& v3) { return snapshot_of(v3, ctx.project_id); });
    return volume::select(ctx, q, std::move(items));
}

Snapshot Volumes::snapshotGet(const Context& ctx, const std::string& snapshot_id) const
{
    json body = calls_.call(ctx, "GET", path(ctx, "/snapshots/" + segment(snapshot_id)), nullptr, {200});
    return snapshot_of(part(body, "snapshot"), ctx.project_id);
}

Snapshot Volumes::snapshotCreate(const Context& ctx, const Snapshot& s) const
{
    // The core has checked the volume's status (an in-use one only when the client forced it): Cinder need not again.
    json request = {{"volume_id", s.volume_id},
                    {"name", or_null(s.name)},
                    {"description", or_null(s.description)},
                    {"force", true}};
    if (!s.metadata.empty())
        request["metadata"] = s.metadata;
    json body = calls_.call(ctx, "POST", path(ctx, "/snapshots"), json{{"snapshot", request}}, {202});
    return snapshot_of(part(body, "snapshot"), ctx.project_id);
}

Snapshot Volumes::snapshotUpdate(const Context& ctx, const Snapshot& s) const
{
    put_changes(calls_, ctx, path(ctx, "/snapshots/" + segment(s.id)), "snapshot", snapshotGet(ctx, s.id), s);
    return snapshotGet(ctx, s.id);
}

void Volumes::snapshotDelete(const Context& ctx, const std::string& snapshot_id) const
{
    calls_.call(ctx, "DELETE", path(ctx, "/snapshots/" + segment(snapshot_id)), nullptr, {202});
}

Snapshot Volumes::snapshotResetStatus(const Context& ctx, const std::string& snapshot_id,
                                      const std::string& status) const
{
    calls_.call(ctx, "POST", path(ctx, "/snapshots/" + segment(snapshot_id) + "/action"),
                json{{"os-reset_status", {{"status", status}}}}, {202});
    return snapshotGet(ctx, snapshot_id);
}

std::vector<volume::VolumeType> Volumes::typeList(const Context& ctx) const
{
    json body = calls_.call(ctx, "GET", path(ctx, "/types"), nullptr, {200});
    std::string default_id;
    try {
        json fallback = calls_.call(ctx, "GET", path(ctx, "/types/default"), nullptr, {200});
        default_id = text_of(part(fallback, "volume_type"), "id").value_or("");
    } catch (const NotFound&) { // no default type configured
    }
    std::vector<volume::VolumeType> out;
    if (auto types = body.find("volume_types"); body.is_object() && types != body.end() && types->is_array())
        for (const auto& t : *types) {
            out.push_back(type_of(t));
            out.back().is_default = out.back().id == default_id;
        }
    return out;
}

volume::VolumeType Volumes::typeGet(const Context& ctx, const std::string& id_or_name) const
{
    try {
        json body = calls_.call(ctx, "GET", path(ctx, "/types/" + segment(id_or_name)), nullptr, {200});
        return type_of(part(body, "volume_type"));
    } catch (const NotFound&) {
        // A Cinder that looks types up by id only: the name is looked for among those the caller sees.
        for (auto& t : typeList(ctx))
            if (t.name == id_or_name)
                return t;
        throw;
    }
}

volume::QuotaSet Volumes::quotaGet(const Context& ctx, const std::string& project_id) const
{
    json body = calls_.call(ctx, "GET", path(ctx, "/os-quota-sets/" + segment(project_id)), nullptr, {200});
    return quota_of(part(body, "quota_set"));
}

volume::QuotaSet Volumes::quotaDefaults(const Context& ctx) const
{
    json body =
        calls_.call(ctx, "GET", path(ctx, "/os-quota-sets/" + segment(ctx.project_id) + "/defaults"), nullptr, {200});
    return quota_of(part(body, "quota_set"));
}

volume::QuotaSet Volumes::quotaSet(const Context& ctx, const std::string& project_id,
                                   const volume::QuotaSet& changes) const
{
    json body = calls_.call(ctx, "PUT", path(ctx, "/os-quota-sets/" + segment(project_id)),
                            json{{"quota_set", changes}}, {200});
    return quota_of(part(body, "quota_set"));
}

void Volumes::quotaReset(const Context& ctx, const std::string& project_id) const
{
    calls_.call(ctx, "DELETE", path(ctx, "/os-quota-sets/" + segment(project_id)), nullptr, {200, 202, 204});
}

volume::QuotaSet Volumes::quotaUsage(const Context& ctx, const std::string& project_id) const
{
    json body =
        calls_.call(ctx, "GET", path(ctx, "/os-quota-sets/" + segment(project_id) + "?usage=true"), nullptr, {200});
    return quota_of(part(body, "quota_set"), true);
}

std::vector<std::pair<std::string, bool>> Volumes::availabilityZoneList(const Context& ctx) const
{
    json body = calls_.call(ctx, "GET", path(ctx, "/os-availability-zone"), nullptr, {200});
    std::vector<std::pair<std::string, bool>> out;
    auto zones = body.is_object() ? body.find("availabilityZoneInfo") : body.end();
    if (zones != body.end() && zones->is_array())
        for (const auto& z : *zones)
            if (z.is_object() && text_of(z, "zoneName"))
                out.emplace_back(*text_of(z, "zoneName"), flag_of(part(z, "zoneState"), "available"));
    return out;
}

} // namespace jumpgate::openstack
