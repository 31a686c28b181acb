// SPDX-License-Identifier: Apache-2.0
// Cinder's backups: create, list, show, update, delete, restore and the admin's status reset and force delete.
#include "api/volume/cinder.hpp"

#include <algorithm>

#include <jumpgate/base64.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

json summary_view(const Request& req, const Backup& b)
{
    json view = {
        {"id", b.id}, {"name", b.name ? json(*b.name) : json(nullptr)}, {"links", links(req, "backups", b.id)}};
    return view;
}

json detail_view(const Request& req, const Backup& b)
{
    json view = summary_view(req, b);
    view.update({{"status", b.status},
                 {"size", b.size},
                 {"object_count", b.object_count},
                 {"availability_zone", b.availability_zone},
                 {"container", b.container ? json(*b.container) : json(nullptr)},
                 {"created_at", api::iso_time(b.created_at, false)},
                 {"updated_at", b.updated_at ? json(api::iso_time(b.updated_at, false)) : json(nullptr)},
                 {"description", b.description ? json(*b.description) : json(nullptr)},
                 {"fail_reason", nullptr},
                 {"volume_id", b.volume_id},
                 {"is_incremental", false},
                 {"has_dependent_backups", false},
                 {"snapshot_id", b.snapshot_id ? json(*b.snapshot_id) : json(nullptr)},
                 {"data_timestamp", api::iso_time(b.created_at, false)}});
    const ApiVersion& mv = req.version();
    if (mv.at_least(3, 18) && req.context().is_admin())
        view["os-backup-project-attr:project_id"] = b.project_id;
    if (mv.at_least(3, 43))
        view["metadata"] = b.metadata;
    if (mv.at_least(3, 56))
        view["user_id"] = b.user_id;
    return view;
}

void list(const Driver& driver, const Request& req, Response& resp, bool detail)
{
    ListQuery q = list_query(req, {"name", "status", "volume_id"});
    resp.json(listed(
        req, q, "backups", "backups_links", [&] { return driver.backupList(req.context(), q); },
        [&](const Backup& b) { return detail ? detail_view(req, b) : summary_view(req, b); }));
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
    const json& b = body_of(req, "backup");
    const ApiVersion& mv = req.version();
    if (mv.at_least(3, 51))
        api::only_properties(b, "backup",
                             {"volume_id", "container", "description", "incremental", "force", "name", "snapshot_id",
                              "metadata", "availability_zone"});
    else if (mv.at_least(3, 43))
        api::only_properties(
            b, "backup",
            {"volume_id", "container", "description", "incremental", "force", "name", "snapshot_id", "metadata"});
    else
        api::only_properties(b, "backup",
                             {"volume_id", "container", "description", "incremental", "force", "name", "snapshot_id"});
    if (!b.contains("volume_id") || !b["volume_id"].is_string())
        throw BadRequest("Invalid input: 'volume_id' is a required property.");
    auto flag = [&](const char* key) {
        if (!b.contains(key) || b[key].is_null())
            return false;
        if (b[key].is_boolean())
            return b[key].get<bool>();
        if (b[key].is_string())
            return api::parse_bool(key, b[key].get<std::string>());
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ": it must be a boolean.");
    };
    if (flag("incremental"))
        throw BadRequest("Invalid backup: incremental backups are not supported by this cloud: make a full one.");
    Volume v = driver.volumeGet(req.context(), b["volume_id"]);
    bool force = flag("force");
    if (v.status != "available" && !(force && v.status == "in-use"))
        throw BadRequest("Invalid volume: Volume to be backed up must be available or in-use with force, "
                         "but the current status is \"" +
                         v.status + "\".");
    Backup backup;
    backup.id = new_uuid();
    backup.volume_id = v.id;
    backup.project_id = req.context().project_id;
    backup.user_id = req.context().user_id;
    backup.size = v.size;
    backup.name = b.contains("name") ? optional_text(b["name"], "name", 255) : std::nullopt;
    backup.description = b.contains("description") ? optional_text(b["description"], "description", 255) : std::nullopt;
    backup.container = b.contains("container") ? optional_text(b["container"], "container", 255) : std::nullopt;
    if (b.contains("snapshot_id") && !b["snapshot_id"].is_null()) {
        if (!b["snapshot_id"].is_string())
            throw BadRequest("Invalid input for field/attribute snapshot_id.");
        Snapshot s = driver.snapshotGet(req.context(), b["snapshot_id"]);
        if (s.volume_id != v.id)
            throw BadRequest("Invalid snapshot: snapshot " + s.id + " is not of volume " + v.id + ".");
        if (s.status != "available")
            throw BadRequest("Invalid snapshot: Snapshot to be backed up must be available, but the current "
                             "status is \"" +
                             s.status + "\".");
        backup.snapshot_id = s.id;
    }
    if (b.contains("metadata") && !b["metadata"].is_null())
        backup.metadata = metadata_of(b, "metadata");
    Backup made = driver.backupCreate(req.context(), backup);
    json view = summary_view(req, made);
    if (mv.at_least(3, 43))
        view["metadata"] = made.metadata;
    resp.status = 202;
    resp.json({{"backup", std::move(view)}});
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"backup", detail_view(req, driver.backupGet(req.context(), req.param("backup_id")))}});
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    if (!req.version().at_least(3, 9))
        throw NotFound("The resource could not be found: updating a backup needs microversion 3.9 or later.");
    const json& b = body_of(req, "backup");
    const bool with_metadata = req.version().at_least(3, 43);
    if (with_metadata)
        api::only_properties(b, "backup", {"name", "description", "metadata"});
    else
        api::only_properties(b, "backup", {"name", "description"});
    Backup backup = driver.backupGet(req.context(), req.param("backup_id"));
    if (b.contains("name"))
        backup.name = optional_text(b["name"], "name", 255);
    if (b.contains("description"))
        backup.description = optional_text(b["description"], "description", 255);
    if (with_metadata && b.contains("metadata"))
        backup.metadata = metadata_of(b, "metadata");
    Backup stored = driver.backupUpdate(req.context(), backup);
    json view = summary_view(req, stored);
    if (with_metadata)
        view["metadata"] = stored.metadata;
    resp.json({{"backup", std::move(view)}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    Backup backup = driver.backupGet(req.context(), req.param("backup_id"));
    if (backup.status != "available" && backup.status != "error")
        throw BadRequest("Invalid backup: Backup status must be available or error, but the current status "
                         "is \"" +
                         backup.status + "\".");
    driver.backupDelete(req.context(), backup.id);
    resp.status = 202;
    resp.clear_body();
}

void restore(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("restore") || !(body["restore"].is_object() || body["restore"].is_null()))
        throw BadRequest("Malformed request body: the body must be {\"restore\": {...}}.");
    const json r = body["restore"].is_null() ? json::object() : body["restore"];
    api::only_properties(r, "restore", {"name", "volume_id"});
    Backup backup = driver.backupGet(req.context(), req.param("backup_id"));
    if (backup.status != "available")
        throw BadRequest("Invalid backup: Backup status must be available, but the current status is \"" +
                         backup.status + "\".");
    std::optional<std::string> target;
    if (r.contains("volume_id") && !r["volume_id"].is_null()) {
        if (!r["volume_id"].is_string())
            throw BadRequest("Invalid input for field/attribute volume_id.");
        target = r["volume_id"].get<std::string>();
    }
    std::optional<std::string> name = r.contains("name") ? optional_text(r["name"], "name", 255) : std::nullopt;
    if (target) {
        Volume v = driver.volumeGet(req.context(), *target);
        if (v.status != "available")
            throw BadRequest("Invalid volume: Volume to be restored to must be available, but the current status "
                             "is \"" +
                             v.status + "\".");
        if (v.size < backup.size)
            throw BadRequest("Invalid volume: volume size " + std::to_string(v.size) +
                             " is too small to restore backup of size " + std::to_string(backup.size) + ".");
    }
    Volume restored = driver.backupRestore(req.context(), backup.id, target, name);
    resp.status = 202;
    resp.json({{"restore",
                {{"backup_id", backup.id}, {"volume_id", restored.id}, {"volume_name", restored.name.value_or("")}}}});
}

void reset_status(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = action_args(req);
    Backup backup = driver.backupGet(req.context(), req.param("backup_id"));
    require_admin(req, "volume_extension:backup_admin_actions:reset_status");
    if (!args.is_object() || !args.contains("status") || !args["status"].is_string() ||
        (args["status"] != "available" && args["status"] != "error"))
        throw BadRequest("Invalid input received: Must specify a valid status (available or error).");
    driver.backupResetStatus(req.context(), backup.id, args["status"]);
    resp.status = 202;
    resp.clear_body();
}

void force_delete(const Driver& driver, const Request& req, Response& resp)
{
    Backup backup = driver.backupGet(req.context(), req.param("backup_id"));
    require_admin(req, "volume_extension:backup_admin_actions:force_delete");
    driver.backupDelete(req.context(), backup.id);
    resp.status = 202;
    resp.clear_body();
}

constexpr Operations kDelete{Op::backupGet, Op::backupDelete};

// GET backups/{id}/export_record: an admin's; the record as base 64 of its JSON, as Cinder's backup_url is.
void export_record(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "backup:backup-export");
    auto [service, record] = driver.backupExport(req.context(), req.param("backup_id"));
    resp.json({{"backup-record", {{"backup_service", service}, {"backup_url", base64(record.dump())}}}});
}

// POST backups/import_record: an admin's; a backup made again, in the caller's project, from an exported record.
void import_record(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "backup:backup-import");
    const json& b = body_of(req, "backup-record");
    for (const char* key : {"backup_service", "backup_url"})
        if (!b.contains(key) || !b[key].is_string() || b[key].get_ref<const std::string&>().empty())
            throw BadRequest("Incorrect request body format: backup-record needs " + std::string(key) + ".");
    json record;
    if (auto text = unbase64(b["backup_url"].get_ref<const std::string&>()))
        record = json::parse(*text, nullptr, false);
    if (!record.is_object())
        throw BadRequest("Invalid input received: Can't parse backup record.");
    Backup made = driver.backupImport(req.context(), b["backup_service"].get<std::string>(), record);
    resp.status = 201;
    resp.json({{"backup", summary_view(req, made)}});
}

constexpr Binding<Driver> kBindings[] = {
    {"v3_backup_export", "GET", {Op::backupExport}, export_record},
    {"v3_backups_import", "POST", {Op::backupImport}, import_record},
    {"v3_backups", "GET", {Op::backupList}, index},
    {"v3_backups", "POST", {Op::volumeGet, Op::snapshotGet, Op::backupCreate}, create},
    {"v3_backups_detail", "GET", {Op::backupList}, index_detail},
    {"v3_backup", "GET", {Op::backupGet}, show},
    {"v3_backup", "PUT", {Op::backupGet, Op::backupUpdate}, update},
    {"v3_backup", "DELETE", kDelete, remove},
    {"v3_backup_restore", "POST", {Op::backupGet, Op::volumeGet, Op::backupRestore}, restore},
    {"v3_backup_action", "POST", {Op::backupGet, Op::backupResetStatus}, reset_status, "os-reset_status"},
    {"v3_backup_action", "POST", kDelete, force_delete, "os-force_delete"},
};

} // namespace

std::span<const Binding<Driver>> backup_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
