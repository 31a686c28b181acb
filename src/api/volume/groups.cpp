// SPDX-License-Identifier: Apache-2.0
// Cinder's generic volume groups (3.13) and group snapshots (3.14): create, list, show, update, delete, actions.
#include "api/volume/cinder.hpp"

#include <algorithm>
#include <cctype>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::volume {

namespace detail {

using namespace api::cinder;

namespace {

// Below its microversion Cinder has no such resource: its version check answers 404.
void require_version(const Request& req, int minor)
{
    if (!req.version().at_least(3, minor))
        throw NotFound("The resource could not be found: this API needs microversion 3." + std::to_string(minor) +
                       " or later.");
}

json text_or_null(const std::optional<std::string>& text)
{
    return text ? json(*text) : json(nullptr);
}

json group_view(const Request& req, const Group& g)
{
    const ApiVersion& mv = req.version();
    json view = {{"id", g.id},
                 {"status", g.status},
                 {"availability_zone", g.availability_zone},
                 {"created_at", api::iso_time(g.created_at, false)},
                 {"name", text_or_null(g.name)},
                 {"description", text_or_null(g.description)},
                 {"group_type", g.group_type_id},
                 {"volume_types", g.volume_types}};
    if (mv.at_least(3, 14)) {
        view["group_snapshot_id"] = text_or_null(g.group_snapshot_id);
        view["source_group_id"] = text_or_null(g.source_group_id);
    }
    if (mv.at_least(3, 25) && req.has_query("list_volume") && api::parse_bool("list_volume", req.query("list_volume")))
        view["volumes"] = g.volumes;
    if (mv.at_least(3, 38))
        view["replication_status"] = "disabled";
    if (mv.at_least(3, 58) && req.context().is_admin())
        view["project_id"] = g.project_id;
    return view;
}

json group_snapshot_view(const Request& req, const GroupSnapshot& s)
{
    json view = {{"id", s.id},
                 {"group_id", s.group_id},
                 {"group_type_id", s.group_type_id},
                 {"status", s.status},
                 {"created_at", api::iso_time(s.created_at, false)},
                 {"name", text_or_null(s.name)},
                 {"description", text_or_null(s.description)}};
    if (req.version().at_least(3, 58) && req.context().is_admin())
        view["project_id"] = s.project_id;
    return view;
}

// Only the fields Cinder's schema names; anything else is "Additional properties are not allowed".
// A name or description of a group: stripped of its spaces at either end, as Cinder stores them.
std::optional<std::string> stripped_text(const json& b, const char* field)
{
    if (!b.contains(field))
        return std::nullopt;
    auto text = optional_text(b[field], field, 255);
    if (!text)
        return std::nullopt;
    constexpr const char* kSpaces = " \t\n\v\f\r";
    auto first = text->find_first_not_of(kSpaces);
    if (first == std::string::npos)
        return std::string();
    return text->substr(first, text->find_last_not_of(kSpaces) - first + 1);
}

// Comma-separated volume ids, as add_volumes and remove_volumes give them (Cinder strips the outer commas).
std::vector<std::string> id_list(const json& b, const char* field)
{
    std::vector<std::string> ids;
    if (!b.contains(field) || b[field].is_null())
        return ids;
    auto text = optional_text(b[field], field, 255);
    std::string s = text.value_or("");
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = std::min(s.find(',', start), s.size());
        if (end > start)
            ids.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return ids;
}

std::string status_of(const json& args, std::initializer_list<const char*> valid)
{
    if (!args.is_object() || !args.contains("status") || !args["status"].is_string())
        throw BadRequest("Invalid input for field/attribute reset_status: 'status' is a required property.");
    std::string status = args["status"];
    std::transform(status.begin(), status.end(), status.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (std::none_of(valid.begin(), valid.end(), [&](const char* v) { return status == v; }))
        throw BadRequest("Invalid input for field/attribute status. Value: " + args["status"].get<std::string>() +
                         ". It is not a valid status.");
    return status;
}

void groups_list(const Driver& driver, const Request& req, Response& resp, bool detail)
{
    require_version(req, 13);
    ListQuery q = list_query(req, {"name"});
    resp.json(listed(
        req, q, "groups", "group_links", [&] { return driver.groupList(req.context(), q); },
        [&](const Group& g) {
            return detail ? group_view(req, g) : json({{"id", g.id}, {"name", text_or_null(g.name)}});
        }));
}

void groups_index(const Driver& driver, const Request& req, Response& resp)
{
    groups_list(driver, req, resp, false);
}

void groups_detail(const Driver& driver, const Request& req, Response& resp)
{
    groups_list(driver, req, resp, true);
}

void group_create(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 13);
    const json& b = body_of(req, "group");
    api::only_properties(b, "group", {"name", "description", "group_type", "volume_types", "availability_zone"});
    if (!b.contains("group_type") || !b.contains("volume_types"))
        throw BadRequest("Invalid input for field/attribute group: 'group_type' and 'volume_types' are required "
                         "properties.");
    if (!b["group_type"].is_string())
        throw BadRequest("Invalid input for field/attribute group_type: it must be a string.");
    const json& types = b["volume_types"];
    if (!types.is_array() || types.empty())
        throw BadRequest("Invalid input for field/attribute volume_types: it must be a non-empty array.");
    const Context& ctx = req.context();
    Group g;
    g.id = new_uuid();
    g.project_id = ctx.project_id;
    g.user_id = ctx.user_id;
    g.name = stripped_text(b, "name");
    g.description = stripped_text(b, "description");
    g.group_type_id = visible_group_type(driver, req, b["group_type"].get<std::string>()).id;
    for (const auto& each : types) {
        if (!each.is_string() || each.get_ref<const std::string&>().empty() ||
            each.get_ref<const std::string&>().size() > 255)
            throw BadRequest("Invalid input for field/attribute volume_types: its items are strings of 1 to 255 "
                             "characters.");
        VolumeType t;
        try {
            t = driver.typeGet(ctx, each.get<std::string>());
        } catch (const NotFound&) {
            throw NotFound("Volume type with name " + each.get<std::string>() + " could not be found.");
        }
        if (!(t.is_public || ctx.is_admin() ||
              std::find(t.projects.begin(), t.projects.end(), ctx.project_id) != t.projects.end()))
            throw NotFound("Volume type with name " + each.get<std::string>() + " could not be found.");
        if (std::find(g.volume_types.begin(), g.volume_types.end(), t.id) != g.volume_types.end())
            throw BadRequest("Invalid input for field/attribute volume_types: it has non-unique elements.");
        g.volume_types.push_back(t.id);
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
        g.availability_zone = b["availability_zone"];
    }
    Group made = driver.groupCreate(ctx, g);
    resp.status = 202;
    resp.json({{"group", {{"id", made.id}, {"name", text_or_null(made.name)}}}});
}

void group_create_from_src(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 14);
    const json& b = action_args(req);
    if (!b.is_object())
        throw BadRequest("Invalid input for field/attribute create-from-src: it must be an object.");
    api::only_properties(b, "create-from-src", {"name", "description", "group_snapshot_id", "source_group_id"});
    bool from_snapshot = b.contains("group_snapshot_id") && !b["group_snapshot_id"].is_null();
    bool from_group = b.contains("source_group_id") && !b["source_group_id"].is_null();
    if (from_snapshot == from_group)
        throw BadRequest("Invalid input for field/attribute create-from-src: exactly one of group_snapshot_id and "
                         "source_group_id is required.");
    const char* field = from_snapshot ? "group_snapshot_id" : "source_group_id";
    if (!b[field].is_string())
        throw BadRequest(std::string("Invalid input for field/attribute ") + field + ": it must be a UUID.");
    const Context& ctx = req.context();
    Group g;
    g.id = new_uuid();
    g.project_id = ctx.project_id;
    g.user_id = ctx.user_id;
    g.name = stripped_text(b, "name");
    g.description = stripped_text(b, "description");
    Group source;
    if (from_snapshot) {
        GroupSnapshot s = driver.groupSnapshotGet(ctx, b[field]);
        if (s.status != "available")
            throw BadRequest("Invalid group snapshot: Group snapshot status must be available.");
        source = driver.groupGet(ctx, s.group_id);
        g.group_snapshot_id = s.id;
    } else {
        source = driver.groupGet(ctx, b[field]);
        if (source.status != "available")
            throw BadRequest("Invalid group: Source group status must be available.");
        g.source_group_id = source.id;
    }
    if (source.volumes.empty())
        throw BadRequest(from_snapshot ? "Invalid group: Group snapshot is empty. No group will be created."
                                       : "Invalid group: Source Group is empty. No group will be created.");
    g.group_type_id = source.group_type_id;
    g.volume_types = source.volume_types;
    g.availability_zone = source.availability_zone;
    Group made = driver.groupCreate(ctx, g);
    resp.status = 202;
    resp.json({{"group", {{"id", made.id}, {"name", text_or_null(made.name)}}}});
}

void group_show(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 13);
    resp.json({{"group", group_view(req, driver.groupGet(req.context(), req.param("group_id")))}});
}

void group_update(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 13);
    const json& b = body_of(req, "group");
    api::only_properties(b, "group", {"name", "description", "add_volumes", "remove_volumes"});
    if (!b.contains("name") && !b.contains("description") && !b.contains("add_volumes") &&
        !b.contains("remove_volumes"))
        throw BadRequest("Invalid input for field/attribute group: name, description, add_volumes or "
                         "remove_volumes is required.");
    const Context& ctx = req.context();
    Group g = driver.groupGet(ctx, req.param("group_id"));
    auto name = stripped_text(b, "name");
    auto description = stripped_text(b, "description");
    if (name == g.name)
        name.reset();
    if (description == g.description)
        description.reset();
    auto add = id_list(b, "add_volumes");
    auto remove = id_list(b, "remove_volumes");
    for (const auto& id : add)
        if (std::find(remove.begin(), remove.end(), id) != remove.end())
            throw BadRequest("Invalid volume: UUIDs ['" + id + "'] are in both add and remove volume list.");
    // As Cinder: a volume already in the group is not added again; one to remove must be in it and not busy.
    std::vector<std::string> adding, removing;
    for (const auto& id : add) {
        if (std::find(g.volumes.begin(), g.volumes.end(), id) != g.volumes.end())
            continue;
        Volume v;
        try {
            v = driver.volumeGet(ctx, id);
        } catch (const NotFound&) {
            throw BadRequest("Invalid volume: Cannot add volume " + id + " to group " + g.id +
                             " because volume cannot be found.");
        }
        if (v.group_id)
            throw BadRequest("Invalid volume: Cannot add volume " + v.id + " to group " + g.id +
                             " because it is already in group " + *v.group_id + ".");
        if (v.project_id != g.project_id)
            throw BadRequest("Invalid volume: Cannot add volume " + v.id + " to group " + g.id +
                             " as they belong to different projects.");
        if (std::find(g.volume_types.begin(), g.volume_types.end(), v.volume_type_id) == g.volume_types.end())
            throw BadRequest("Invalid volume: Cannot add volume " + v.id + " to group " + g.id +
                             " because volume type " + v.volume_type_id + " is not supported by the group.");
        if (v.status != "available" && v.status != "in-use")
            throw BadRequest("Invalid volume: Cannot add volume " + v.id + " to group " + g.id +
                             " because volume is in an invalid state: " + v.status +
                             ". Valid states are: ('available', 'in-use').");
        adding.push_back(v.id);
    }
    for (const auto& id : remove) {
        if (std::find(g.volumes.begin(), g.volumes.end(), id) == g.volumes.end())
            throw BadRequest("Invalid volume: Cannot remove volume " + id + " from group " + g.id +
                             " because it is not in the group.");
        Volume v = driver.volumeGet(ctx, id);
        static const std::vector<std::string> kRemovable = {"available", "in-use", "error", "error_deleting"};
        if (std::find(kRemovable.begin(), kRemovable.end(), v.status) == kRemovable.end())
            throw BadRequest("Invalid volume: Cannot remove volume " + v.id + " from group " + g.id +
                             " because volume is in an invalid state: " + v.status +
                             ". Valid states are: ('available', 'in-use', 'error', 'error_deleting').");
        removing.push_back(v.id);
    }
    if (!name && !description && adding.empty() && removing.empty())
        throw BadRequest("Invalid group: Cannot update group " + g.id +
                         " because no valid name, description, add_volumes, or remove_volumes were provided.");
    if ((!adding.empty() || !removing.empty()) && g.status != "available")
        throw BadRequest("Invalid group: Group status must be available.");
    if (name)
        g.name = name;
    if (description)
        g.description = description;
    driver.groupUpdate(ctx, g, adding, removing);
    resp.status = 202;
    resp.clear_body();
}

void group_delete(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 13);
    const json& args = action_args(req);
    if (!args.is_object())
        throw BadRequest("Invalid input for field/attribute delete: it must be an object.");
    api::only_properties(args, "delete", {"delete-volumes"});
    bool delete_volumes = false;
    if (args.contains("delete-volumes")) {
        const json& flag = args["delete-volumes"];
        if (flag.is_boolean())
            delete_volumes = flag.get<bool>();
        else if (flag.is_string())
            delete_volumes = api::parse_bool("delete-volumes", flag.get<std::string>());
        else
            throw BadRequest("Invalid input for field/attribute delete-volumes: it must be a boolean.");
    }
    const Context& ctx = req.context();
    Group g = driver.groupGet(ctx, req.param("group_id"));
    if (!delete_volumes && g.status != "available" && g.status != "error")
        throw BadRequest("Invalid group: Group status must be available or error, but current status is: " + g.status);
    ListQuery snaps;
    snaps.filters.emplace_back("group_id", g.id);
    snaps.all_projects = ctx.is_admin();
    if (!driver.groupSnapshotList(ctx, snaps).empty())
        throw BadRequest("Invalid group: Group has existing snapshots.");
    if (!g.volumes.empty() && !delete_volumes)
        throw BadRequest("Invalid group: Group " + g.id +
                         " still contains volumes. The delete-volumes flag is required to delete it.");
    for (const auto& id : g.volumes) {
        Volume v = driver.volumeGet(ctx, id);
        if (!v.attachments.empty())
            throw BadRequest("Invalid group: Volume in group " + g.id + " is attached. Need to detach first.");
        ListQuery q;
        q.filters.emplace_back("volume_id", v.id);
        q.all_projects = ctx.is_admin();
        if (!driver.snapshotList(ctx, q).empty())
            throw BadRequest("Invalid group: Volume in group still has dependent snapshots.");
    }
    driver.groupDelete(ctx, g.id, delete_volumes);
    resp.status = 202;
    resp.clear_body();
}

void group_reset_status(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 20);
    Group g = driver.groupGet(req.context(), req.param("group_id"));
    require_admin(req, "group:reset_status");
    std::string status = status_of(action_args(req), {"available", "error", "creating", "deleting", "deleted",
                                                      "updating", "in-use", "error_deleting"});
    driver.groupResetStatus(req.context(), g.id, status);
    resp.status = 202;
    resp.clear_body();
}

void group_snapshots_list(const Driver& driver, const Request& req, Response& resp, bool detail)
{
    require_version(req, 14);
    ListQuery q = list_query(req, {"name", "status", "group_id"});
    resp.json(listed(
        req, q, "group_snapshots", "group_snapshot_links", [&] { return driver.groupSnapshotList(req.context(), q); },
        [&](const GroupSnapshot& s) {
            return detail ? group_snapshot_view(req, s) : json({{"id", s.id}, {"name", text_or_null(s.name)}});
        }));
}

void group_snapshots_index(const Driver& driver, const Request& req, Response& resp)
{
    group_snapshots_list(driver, req, resp, false);
}

void group_snapshots_detail(const Driver& driver, const Request& req, Response& resp)
{
    group_snapshots_list(driver, req, resp, true);
}

void group_snapshot_create(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 14);
    const json& b = body_of(req, "group_snapshot");
    api::only_properties(b, "group_snapshot", {"name", "description", "group_id"});
    if (!b.contains("group_id") || !b["group_id"].is_string())
        throw BadRequest("Invalid input for field/attribute group_snapshot: 'group_id' is a required property.");
    const Context& ctx = req.context();
    Group g = driver.groupGet(ctx, b["group_id"]);
    if (g.status != "available")
        throw BadRequest("Invalid group: Group " + g.id +
                         " status must be available, but current status is: " + g.status + ".");
    for (const auto& id : g.volumes) {
        Volume v = driver.volumeGet(ctx, id);
        if (v.status != "available" && v.status != "in-use")
            throw BadRequest("Invalid volume: Volume " + v.id +
                             " status must be available or in-use, but current "
                             "status is: " +
                             v.status + ".");
    }
    GroupSnapshot s;
    s.id = new_uuid();
    s.group_id = g.id;
    s.group_type_id = g.group_type_id;
    s.project_id = ctx.project_id;
    s.user_id = ctx.user_id;
    for (auto [field, target] : {std::pair{"name", &s.name}, std::pair{"description", &s.description}})
        if (b.contains(field))
            *target = optional_text(b[field], field, 255);
    GroupSnapshot made = driver.groupSnapshotCreate(ctx, s);
    resp.status = 202;
    resp.json({{"group_snapshot",
                {{"id", made.id}, {"name", text_or_null(made.name)}, {"group_type_id", made.group_type_id}}}});
}

void group_snapshot_show(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 14);
    resp.json({{"group_snapshot",
                group_snapshot_view(req, driver.groupSnapshotGet(req.context(), req.param("group_snapshot_id")))}});
}

void group_snapshot_delete(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 14);
    GroupSnapshot s = driver.groupSnapshotGet(req.context(), req.param("group_snapshot_id"));
    if (s.status != "available" && s.status != "error")
        throw BadRequest("Invalid group snapshot: GroupSnapshot status must be available or error, and no Group can "
                         "be currently using it as source for its creation.");
    driver.groupSnapshotDelete(req.context(), s.id);
    resp.status = 202;
    resp.clear_body();
}

void group_snapshot_reset_status(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 19);
    GroupSnapshot s = driver.groupSnapshotGet(req.context(), req.param("group_snapshot_id"));
    require_admin(req, "group:reset_group_snapshot_status");
    std::string status = status_of(
        action_args(req), {"available", "error", "creating", "deleting", "deleted", "updating", "error_deleting"});
    driver.groupSnapshotResetStatus(req.context(), s.id, status);
    resp.status = 202;
    resp.clear_body();
}

constexpr Operations kGroupCreate{Op::groupTypeList, Op::groupTypeGet, Op::typeGet, Op::availabilityZoneList,
                                  Op::groupCreate};
constexpr Operations kFromSource{Op::groupSnapshotGet, Op::groupGet, Op::groupCreate};
constexpr Operations kGroupUpdate{Op::groupGet, Op::volumeGet, Op::groupUpdate};
constexpr Operations kGroupDelete{Op::groupGet, Op::groupSnapshotList, Op::volumeGet, Op::snapshotList,
                                  Op::groupDelete};
constexpr Operations kSnapshotCreate{Op::groupGet, Op::volumeGet, Op::groupSnapshotCreate};

constexpr Binding<Driver> kBindings[] = {
    {"v3_groups", "GET", {Op::groupList}, groups_index},
    {"v3_groups", "POST", kGroupCreate, group_create},
    {"v3_groups_detail", "GET", {Op::groupList}, groups_detail},
    {"v3_groups_action", "POST", kFromSource, group_create_from_src, "create-from-src"},
    {"v3_group", "GET", {Op::groupGet}, group_show},
    {"v3_group", "PUT", kGroupUpdate, group_update},
    {"v3_group_action", "POST", kGroupDelete, group_delete, "delete"},
    {"v3_group_action", "POST", {Op::groupGet, Op::groupResetStatus}, group_reset_status, "reset_status"},
    {"v3_group_snapshots", "GET", {Op::groupSnapshotList}, group_snapshots_index},
    {"v3_group_snapshots", "POST", kSnapshotCreate, group_snapshot_create},
    {"v3_group_snapshots_detail", "GET", {Op::groupSnapshotList}, group_snapshots_detail},
    {"v3_group_snapshot", "GET", {Op::groupSnapshotGet}, group_snapshot_show},
    {"v3_group_snapshot", "DELETE", {Op::groupSnapshotGet, Op::groupSnapshotDelete}, group_snapshot_delete},
    {"v3_group_snapshot_action",
     "POST",
     {Op::groupSnapshotGet, Op::groupSnapshotResetStatus},
     group_snapshot_reset_status,
     "reset_status"},
};

} // namespace

std::span<const Binding<Driver>> group_bindings()
{
    return kBindings;
}

} // namespace detail

// Every operation a driver leaves alone answers 501.
std::vector<GroupType> Driver::groupTypeList(const Context&) const
{
    throw NotImplemented("groupTypeList");
}
GroupType Driver::groupTypeGet(const Context&, const std::string&) const
{
    throw NotImplemented("groupTypeGet");
}
GroupType Driver::groupTypeCreate(const Context&, const GroupType&) const
{
    throw NotImplemented("groupTypeCreate");
}
GroupType Driver::groupTypeUpdate(const Context&, const GroupType&) const
{
    throw NotImplemented("groupTypeUpdate");
}
void Driver::groupTypeDelete(const Context&, const std::string&) const
{
    throw NotImplemented("groupTypeDelete");
}
std::vector<Group> Driver::groupList(const Context&, const ListQuery&) const
{
    throw NotImplemented("groupList");
}
Group Driver::groupGet(const Context&, const std::string&) const
{
    throw NotImplemented("groupGet");
}
Group Driver::groupCreate(const Context&, const Group&) const
{
    throw NotImplemented("groupCreate");
}
Group Driver::groupUpdate(const Context&, const Group&, const std::vector<std::string>&,
                          const std::vector<std::string>&) const
{
    throw NotImplemented("groupUpdate");
}
void Driver::groupDelete(const Context&, const std::string&, bool) const
{
    throw NotImplemented("groupDelete");
}
Group Driver::groupResetStatus(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("groupResetStatus");
}
std::vector<GroupSnapshot> Driver::groupSnapshotList(const Context&, const ListQuery&) const
{
    throw NotImplemented("groupSnapshotList");
}
GroupSnapshot Driver::groupSnapshotGet(const Context&, const std::string&) const
{
    throw NotImplemented("groupSnapshotGet");
}
GroupSnapshot Driver::groupSnapshotCreate(const Context&, const GroupSnapshot&) const
{
    throw NotImplemented("groupSnapshotCreate");
}
void Driver::groupSnapshotDelete(const Context&, const std::string&) const
{
    throw NotImplemented("groupSnapshotDelete");
}
GroupSnapshot Driver::groupSnapshotResetStatus(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("groupSnapshotResetStatus");
}

} // namespace jumpgate::volume
