// SPDX-License-Identifier: Apache-2.0
// Cinder's snapshots (v1, v2, v3): create, list, show, update, delete, metadata, the admin's status reset and the
// status updates of snapshots taken elsewhere.
#include "api/volume/cinder.hpp"

#include <algorithm>
#include <map>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

// `extended`: with the os-extended-snapshot-attributes Cinder adds to show and detail, not to create or update.
json snapshot_view(const Request& req, const Snapshot& s, bool extended)
{
    const bool v1 = api_of(req) == "v1";
    json view = {{"id", s.id},
                 {"volume_id", s.volume_id},
                 {"status", s.status},
                 {"size", s.size},
                 {"metadata", s.metadata},
                 {"created_at", api::iso_time(s.created_at, false)},
                 {"updated_at", s.updated_at ? json(api::iso_time(s.updated_at, false)) : json(nullptr)}};
    if (extended) {
        view["os-extended-snapshot-attributes:progress"] = s.progress                ? *s.progress
                                                           : s.status == "available" ? "100%"
                                                                                     : "0%";
        view["os-extended-snapshot-attributes:project_id"] = s.project_id;
    }
    view[v1 ? "display_name" : "name"] = s.name ? json(*s.name) : json(nullptr);
    view[v1 ? "display_description" : "description"] = s.description ? json(*s.description) : json(nullptr);
    if (req.version().at_least(3, 14))
        view["group_snapshot_id"] = s.group_snapshot_id ? json(*s.group_snapshot_id) : json(nullptr);
    if (req.version().at_least(3, 41))
        view["user_id"] = s.user_id;
    if (req.version().at_least(3, 65))
        view["consumes_quota"] = true;
    return view;
}

void list(const Driver& driver, const Request& req, Response& resp, bool detail)
{
    ListQuery q = list_query(req, {"name", "status", "volume_id"});
    resp.json(listed(
        req, q, "snapshots", "snapshots_links", [&] { return driver.snapshotList(req.context(), q); },
        [&](const Snapshot& s) { return snapshot_view(req, s, detail); }));
}

void index(const Driver& driver, const Request& req, Response& resp)
{
    list(driver, req, resp, false);
}

void index_detail(const Driver& driver, const Request& req, Response& resp)
{
    list(driver, req, resp, true);
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    const json& b = body_of(req, "snapshot");
    const bool v1 = api_of(req) == "v1";
    if (!b.contains("volume_id"))
        throw BadRequest("Invalid input: 'volume_id' is a required property.");
    // Cinder's schema allows a null volume_id, which then names no volume.
    if (b["volume_id"].is_null())
        throw NotFound("Volume None could not be found.");
    if (!b["volume_id"].is_string())
        throw BadRequest("Invalid input for field/attribute volume_id: it must be a UUID or null.");
    Volume v = driver.volumeGet(req.context(), b["volume_id"]);
    bool force = false;
    if (b.contains("force") && !b["force"].is_null())
        force = b["force"].is_boolean()
                    ? b["force"].get<bool>()
                    : api::parse_bool("force", b["force"].is_string() ? b["force"].get<std::string>() : "?");
    if (v.status != "available" && !(force && v.status == "in-use"))
        throw BadRequest("Invalid volume: Volume " + v.id +
                         " status must be available, but current status is: " + v.status + ".");
    Snapshot s;
    s.id = new_uuid();
    s.volume_id = v.id;
    s.project_id = req.context().project_id;
    s.user_id = req.context().user_id;
    s.size = v.size;
    for (auto [field, target] : {std::pair{v1 ? "display_name" : "name", &s.name},
                                 std::pair{v1 ? "display_description" : "description", &s.description}})
        if (b.contains(field))
            *target = optional_text(b[field], field, 255);
    if (b.contains("metadata") && !b["metadata"].is_null())
        s.metadata = metadata_of(b, "metadata");
    resp.status = 202;
    resp.json({{"snapshot", snapshot_view(req, driver.snapshotCreate(req.context(), s), false)}});
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"snapshot", snapshot_view(req, driver.snapshotGet(req.context(), req.param("snapshot_id")), true)}});
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    const json& b = body_of(req, "snapshot");
    Snapshot s = driver.snapshotGet(req.context(), req.param("snapshot_id"));
    bool changed = false;
    for (auto [field, target] :
         {std::pair{"name", &s.name}, std::pair{"display_name", &s.name}, std::pair{"description", &s.description},
          std::pair{"display_description", &s.description}})
        if (b.contains(field)) {
            *target = optional_text(b[field], field, 255);
            changed = true;
        }
    if (!changed)
        throw BadRequest("Invalid input: the update names neither name nor description.");
    resp.json({{"snapshot", snapshot_view(req, driver.snapshotUpdate(req.context(), s), false)}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    Snapshot s = driver.snapshotGet(req.context(), req.param("snapshot_id"));
    if (s.status != "available" && s.status != "error" && s.status != "error_deleting")
        throw BadRequest("Invalid snapshot: Snapshot status must be available or error to delete.");
    driver.snapshotDelete(req.context(), s.id);
    resp.status = 202;
    resp.clear_body();
}

void reset_status(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Snapshot s = driver.snapshotGet(req.context(), req.param("snapshot_id"));
    require_admin(req, "volume_extension:snapshot_admin_actions:reset_status");
    if (!args.is_object() || !args.contains("status") || !args["status"].is_string())
        throw BadRequest("Invalid input: 'status' is a required property.");
    std::string status = args["status"];
    if (status != "creating" && status != "available" && status != "deleting" && status != "error" &&
        status != "error_deleting")
        throw BadRequest("Invalid input received: Must specify a valid status.");
    driver.snapshotResetStatus(req.context(), s.id, status);
    resp.status = 202;
    resp.clear_body();
}

// os-update_snapshot_status: how a snapshot someone else takes (Nova's assisted snapshots) is coming along; only a
// creating or deleting snapshot has a status to report, and only the ones that creation or deletion leads to.
void update_status(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Snapshot s = driver.snapshotGet(req.context(), req.param("snapshot_id"));
    if (!args.is_object() || !args.contains("status") || !args["status"].is_string())
        throw BadRequest("Invalid input: 'status' is a required property.");
    std::string status = args["status"];
    static const std::map<std::string, std::vector<std::string>> kNext = {
        {"creating", {"creating", "available", "error"}}, {"deleting", {"deleting", "error_deleting"}}};
    auto allowed = kNext.find(s.status);
    if (allowed == kNext.end())
        throw BadRequest("Snapshot status " + s.status + " not allowed for update_snapshot_status");
    if (std::find(allowed->second.begin(), allowed->second.end(), status) == allowed->second.end())
        throw BadRequest("Provided snapshot status " + status + " not allowed for snapshot with status " + s.status +
                         ".");
    if (args.contains("progress")) {
        const json& p = args["progress"];
        if (!p.is_string() || p.get_ref<const std::string&>().size() > 255)
            throw BadRequest("Invalid input for field/attribute progress.");
        s.progress = p.get<std::string>();
        driver.snapshotUpdate(req.context(), s);
    }
    driver.snapshotResetStatus(req.context(), s.id, status);
    resp.status = 202;
    resp.clear_body();
}

void force_delete(const Driver& driver, const Request& req, Response& resp)
{
    Snapshot s = driver.snapshotGet(req.context(), req.param("snapshot_id"));
    require_admin(req, "volume_extension:snapshot_admin_actions:force_delete");
    driver.snapshotDelete(req.context(), s.id);
    resp.status = 202;
    resp.clear_body();
}

constexpr MetadataStore kMetadata{"Snapshot", "snapshot_id",
                                  [](const Driver& driver, const Request& req) {
                                      return driver.snapshotGet(req.context(), req.param("snapshot_id")).metadata;
                                  },
                                  [](const Driver& driver, const Request& req, std::map<std::string, std::string> md) {
                                      Snapshot s = driver.snapshotGet(req.context(), req.param("snapshot_id"));
                                      s.metadata = std::move(md);
                                      return driver.snapshotUpdate(req.context(), s).metadata;
                                  }};
using Metadata = MetadataCalls<kMetadata>;

constexpr Operations kCreate{Op::volumeGet, Op::snapshotCreate};
constexpr Operations kRead{Op::snapshotGet};
constexpr Operations kWrite{Op::snapshotGet, Op::snapshotUpdate};
constexpr Operations kDelete{Op::snapshotGet, Op::snapshotDelete};
constexpr Operations kResetStatus{Op::snapshotGet, Op::snapshotResetStatus};
constexpr Operations kUpdateStatus{Op::snapshotGet, Op::snapshotUpdate, Op::snapshotResetStatus};

constexpr Binding<Driver> kBindings[] = {
    {"v2_snapshots", "GET", {Op::snapshotList}, index},
    {"v3_snapshots", "GET", {Op::snapshotList}, index},
    {"v2_snapshots", "POST", kCreate, create},
    {"v3_snapshots", "POST", kCreate, create},
    {"v1_snapshots_detail", "GET", {Op::snapshotList}, index_detail},
    {"v2_snapshots_detail", "GET", {Op::snapshotList}, index_detail},
    {"v3_snapshots_detail", "GET", {Op::snapshotList}, index_detail},
    {"v2_snapshot", "GET", kRead, show},
    {"v3_snapshot", "GET", kRead, show},
    {"v2_snapshot", "PUT", kWrite, update},
    {"v3_snapshot", "PUT", kWrite, update},
    {"v2_snapshot", "DELETE", kDelete, remove},
    {"v3_snapshot", "DELETE", kDelete, remove},
    {"v3_snapshot_action", "POST", kResetStatus, reset_status, "os-reset_status"},
    {"v3_snapshot_action", "POST", kDelete, force_delete, "os-force_delete"},
    {"v3_snapshot_action", "POST", kUpdateStatus, update_status, "os-update_snapshot_status"},
    {"v3_snapshot_metadata", "GET", kRead, Metadata::index},
    {"v3_snapshot_metadata", "POST", kWrite, Metadata::merge},
    {"v3_snapshot_metadata", "PUT", kWrite, Metadata::replace},
    {"v3_snapshot_metadata_key", "GET", kRead, Metadata::show},
    {"v3_snapshot_metadata_key", "PUT", kWrite, Metadata::set},
    {"v3_snapshot_metadata_key", "DELETE", kWrite, Metadata::remove},
};

} // namespace

std::span<const Binding<Driver>> snapshot_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
