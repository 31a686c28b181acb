// SPDX-License-Identifier: Apache-2.0
// Nova's server actions (POST /servers/{id}/action): one driver operation each, bound by the body's key.
#include "api/compute/servers.hpp"

#include <algorithm>
#include <limits>

#include <jumpgate/fault.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::compute {

namespace {

// Actions a locked server still takes from its non-admin users.
bool allowed_when_locked(std::string_view action)
{
    return action == "unlock" || action == "os-getConsoleOutput" || action == "lock";
}

/* target: the server the action names, as the caller sees it; Conflict when it is locked against the caller. */
Server target(const Driver& driver, const Request& req)
{
    Server s = driver.serverGet(req.context(), req.param("instance_id"));
    if (!allowed_when_locked(req.json_body().begin().key()))
        editable(req, s);
    return s;
}

/* arguments: the action's object ({"reboot": {...}}); an action without arguments may give null. */
const json& arguments(const Request& req)
{
    return req.json_body().begin().value();
}

std::string admin_pass_of(const json& args)
{
    if (args.is_object() && args.contains("adminPass")) {
        if (!args["adminPass"].is_string())
            throw BadRequest("Invalid input for field/attribute adminPass.");
        return args["adminPass"];
    }
    return random_password();
}

void accepted(Response& resp, int status = 202)
{
    resp.status = status;
    resp.clear_body();
}

// The actions that only change the server's state: the operation, and the answer's status.
template <void (Driver::*operation)(const Context&, const std::string&) const, int status = 202>
void change_state(const Driver& driver, const Request& req, Response& resp)
{
    Server s = target(driver, req);
    (driver.*operation)(req.context(), s.id);
    accepted(resp, status);
}

void reboot(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    std::string type =
        args.is_object() && args.contains("type") && args["type"].is_string() ? args["type"].get<std::string>() : "";
    std::transform(type.begin(), type.end(), type.begin(), ::toupper);
    if (type != "SOFT" && type != "HARD")
        throw BadRequest("Invalid input for field/attribute type: it must be SOFT or HARD.");
    Server s = target(driver, req);
    driver.serverReboot(req.context(), s.id, type == "HARD");
    accepted(resp);
}

void rescue(const Driver& driver, const Request& req, Response& resp)
{
    std::string pass = admin_pass_of(arguments(req));
    Server s = target(driver, req);
    driver.serverRescue(req.context(), s.id, pass);
    resp.json({{"adminPass", pass}});
}

void resize(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    if (!args.is_object() || !args.contains("flavorRef"))
        throw BadRequest("Invalid input for field/attribute resize: 'flavorRef' is a required property.");
    std::string id = args["flavorRef"].is_string()           ? args["flavorRef"].get<std::string>()
                     : args["flavorRef"].is_number_integer() ? std::to_string(args["flavorRef"].get<long long>())
                                                             : "";
    if (auto slash = id.rfind('/'); slash != std::string::npos)
        id = id.substr(slash + 1);
    Server s = target(driver, req);
    Flavor flavor;
    try {
        flavor = flavor_visible(driver, req, id);
    } catch (const NotFound&) {
        throw BadRequest("Invalid flavorRef provided.");
    }
    if (flavor.id == s.flavor.id)
        throw BadRequest("When resizing, instances must change flavor!");
    std::optional<bool> auto_disk_config = disk_config_of(args);
    driver.serverResize(req.context(), s.id, flavor);
    // The resized server keeps its disk config unless the request names one; set once the resize is taken.
    if (auto_disk_config && *auto_disk_config != s.auto_disk_config) {
        Server now = driver.serverGet(req.context(), s.id);
        now.auto_disk_config = *auto_disk_config;
        driver.serverUpdate(req.context(), now);
    }
    accepted(resp);
}

void rebuild(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    if (!args.is_object() || !args.contains("imageRef") || !args["imageRef"].is_string())
        throw BadRequest("Invalid input for field/attribute rebuild: 'imageRef' is a required property.");
    Rebuild r;
    r.image_id = args["imageRef"];
    if (auto slash = r.image_id.rfind('/'); slash != std::string::npos)
        r.image_id = r.image_id.substr(slash + 1);
    r.admin_pass = admin_pass_of(args);
    if (args.contains("name"))
        r.name = api::nova_name(args["name"], "name");
    if (args.contains("metadata"))
        r.metadata = api::nova_metadata(args["metadata"], "metadata");
    if (args.contains("description") && req.version().at_least(2, 19))
        r.description = api::nova_description(args["description"], "description");
    r.auto_disk_config = disk_config_of(args);
    Server s = target(driver, req);
    json view = server_change_view(req, driver.serverRebuild(req.context(), s.id, r), true);
    view["adminPass"] = r.admin_pass;
    resp.status = 202;
    resp.json({{"server", std::move(view)}});
}

void create_image(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    if (!args.is_object() || !args.contains("name"))
        throw BadRequest("Invalid input for field/attribute createImage: 'name' is a required property.");
    std::string name = api::nova_name(args["name"], "name");
    std::map<std::string, std::string> metadata;
    if (args.contains("metadata"))
        metadata = api::nova_metadata(args["metadata"], "metadata");
    // The snapshot's metadata become the image's properties, which Glance v1 shows as headers.
    for (const auto& [key, value] : metadata)
        if (!is_header_value(value))
            throw BadRequest("Invalid input for field/attribute metadata: the value of '" + key +
                             "' has a control character.");
    Server s = target(driver, req);
    std::string image_id = driver.serverSnapshot(req.context(), s.id, name, metadata);
    resp.status = 202;
    resp.set_header("Location", req.scheme() + "://" + req.host() + "/image/v2/images/" + image_id);
    if (req.version().at_least(2, 45))
        resp.json({{"image_id", image_id}});
    else
        resp.clear_body();
}

/*
 * create_backup: a snapshot kept in a rotation of `rotation` backups of its type; Nova gives the image's Location
 * (and from 2.45 its id) only when the rotation keeps it.
 */
void create_backup(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    if (!args.is_object())
        throw BadRequest("Invalid input for field/attribute createBackup.");
    for (const char* required : {"name", "backup_type", "rotation"})
        if (!args.contains(required))
            throw BadRequest(std::string("Invalid input for field/attribute createBackup: '") + required +
                             "' is a required property.");
    for (const auto& [key, value] : args.items())
        if (key != "name" && key != "backup_type" && key != "rotation" && key != "metadata")
            throw BadRequest("Invalid input for field/attribute createBackup. Additional properties are not allowed "
                             "('" +
                             key + "' was unexpected)");
    Backup b;
    b.name = api::nova_name(args["name"], "name");
    if (!args["backup_type"].is_string())
        throw BadRequest("Invalid input for field/attribute backup_type. Value: " + args["backup_type"].dump() + ".");
    b.backup_type = args["backup_type"];
    b.rotation = api::schema_integer(args["rotation"], "rotation", 0, api::kMaxInt);
    if (args.contains("metadata"))
        b.metadata = api::nova_metadata(args["metadata"], "metadata");
    for (const auto& [key, value] : b.metadata)
        if (!is_header_value(value))
            throw BadRequest("Invalid input for field/attribute metadata: the value of '" + key +
                             "' has a control character.");
    Server s = target(driver, req);
    std::string image_id = driver.serverBackup(req.context(), s.id, b);
    resp.status = 202;
    resp.clear_body();
    if (b.rotation == 0)
        return;
    resp.set_header("Location", req.scheme() + "://" + req.host() + "/image/v2/images/" + image_id);
    if (req.version().at_least(2, 45))
        resp.json({{"image_id", image_id}});
}

void lock(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    std::optional<std::string> reason;
    if (req.version().at_least(2, 73) && args.is_object() && args.contains("locked_reason")) {
        if (!args["locked_reason"].is_string() || args["locked_reason"].get_ref<const std::string&>().size() > 255)
            throw BadRequest("Invalid input for field/attribute locked_reason.");
        reason = args["locked_reason"].get<std::string>();
    }
    Server s = target(driver, req);
    driver.serverLock(req.context(), s.id, reason);
    accepted(resp);
}

void unlock(const Driver& driver, const Request& req, Response& resp)
{
    Server s = target(driver, req);
    const Context& ctx = req.context();
    if (s.locked && !ctx.is_admin() && s.user_id != ctx.user_id)
        throw Forbidden("Only the user who locked the server or an admin unlocks it.");
    driver.serverUnlock(ctx, s.id);
    accepted(resp);
}

void change_password(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    if (!args.is_object() || !args.contains("adminPass") || !args["adminPass"].is_string())
        throw BadRequest("Invalid input for field/attribute changePassword: 'adminPass' is a required property.");
    Server s = target(driver, req);
    driver.serverChangePassword(req.context(), s.id, args["adminPass"]);
    accepted(resp);
}

// The console's last `length` pieces between newlines (all without a length), as Nova's compute manager cuts it: a
// console ending in a newline gives an empty last piece, so Tempest's three lines are two and that empty one.
void console_output(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    long long length = -1;
    if (args.is_object() && args.contains("length") && !args["length"].is_null())
        length = api::schema_integer(args["length"], "length", -1, std::numeric_limits<long long>::max());
    Server s = target(driver, req);
    std::string out = driver.serverConsoleOutput(req.context(), s.id);
    if (length == 0) {
        out.clear();
    } else if (length > 0) {
        std::size_t start = out.size() + 1;
        for (long long pieces = 0; pieces < length && start > 0; ++pieces) {
            std::size_t nl = start >= 2 ? out.rfind('\n', start - 2) : std::string::npos;
            start = nl == std::string::npos ? 0 : nl + 1;
        }
        out = out.substr(start);
    }
    resp.json({{"output", out}});
}

/* admin_only: Forbidden, as Nova's default policy answers, unless the caller is an admin (after the server is found).
 */
void admin_only(const Request& req)
{
    if (!req.context().is_admin())
        throw Forbidden("Policy doesn't allow this operation to be performed.");
}

void reset_state(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    Server s = driver.serverGet(req.context(), req.param("instance_id"));
    admin_only(req);
    if (!args.is_object() || !args.contains("state"))
        throw BadRequest("Invalid input for field/attribute os-resetState: 'state' is a required property.");
    for (const auto& [key, value] : args.items())
        if (key != "state")
            throw BadRequest(
                "Invalid input for field/attribute os-resetState: Additional properties are not allowed ('" + key +
                "' was unexpected).");
    const json& state = args["state"];
    if (!state.is_string() || (state != "active" && state != "error"))
        throw BadRequest("Invalid input for field/attribute state. Value: " + state.dump() +
                         ". Value should be one of: active, error.");
    driver.serverResetState(req.context(), s.id, state);
    accepted(resp);
}

/* host_of: the "host" member of a migration's arguments, nullopt when absent or null; BadRequest when not a name. */
std::optional<std::string> host_of(const json& args)
{
    if (!args.is_object() || !args.contains("host") || args["host"].is_null())
        return std::nullopt;
    const json& host = args["host"];
    if (!host.is_string() || host.get_ref<const std::string&>().empty() ||
        host.get_ref<const std::string&>().size() > 255)
        throw BadRequest("Invalid input for field/attribute host. Value: " + host.dump() + ".");
    return host.get<std::string>();
}

void migrate(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    if (!args.is_null() && !args.is_object())
        throw BadRequest("Invalid input for field/attribute migrate.");
    // The target host is a request member from 2.56; before, an object is Nova's null.
    std::optional<std::string> host;
    if (req.version().at_least(2, 56))
        host = host_of(args);
    Server s = driver.serverGet(req.context(), req.param("instance_id"));
    admin_only(req);
    driver.serverMigrate(req.context(), s.id, host, false);
    accepted(resp);
}

void migrate_live(const Driver& driver, const Request& req, Response& resp)
{
    const json& args = arguments(req);
    if (!args.is_object() || !args.contains("block_migration") || !args.contains("host"))
        throw BadRequest("Invalid input for field/attribute os-migrateLive: 'block_migration' and 'host' are "
                         "required properties.");
    const json& block = args["block_migration"];
    bool block_ok = block.is_boolean() || (req.version().at_least(2, 25) && block == "auto");
    if (!block_ok)
        throw BadRequest("Invalid input for field/attribute block_migration. Value: " + block.dump() + ".");
    std::optional<std::string> host = host_of(args);
    Server s = driver.serverGet(req.context(), req.param("instance_id"));
    admin_only(req);
    driver.serverMigrate(req.context(), s.id, host, true);
    accepted(resp);
}

constexpr Operations kNeeds(Op op)
{
    return {Op::serverGet, op};
}

const Binding<Driver> kActionBindings[] = {
    {"v2_server_action", "POST", kNeeds(Op::serverReboot), reboot, "reboot"},
    {"v2_server_action", "POST", kNeeds(Op::serverStop), change_state<&Driver::serverStop>, "os-stop"},
    {"v2_server_action", "POST", kNeeds(Op::serverStart), change_state<&Driver::serverStart>, "os-start"},
    {"v2_server_action", "POST", kNeeds(Op::serverPause), change_state<&Driver::serverPause>, "pause"},
    {"v2_server_action", "POST", kNeeds(Op::serverUnpause), change_state<&Driver::serverUnpause>, "unpause"},
    {"v2_server_action", "POST", kNeeds(Op::serverSuspend), change_state<&Driver::serverSuspend>, "suspend"},
    {"v2_server_action", "POST", kNeeds(Op::serverResume), change_state<&Driver::serverResume>, "resume"},
    {"v2_server_action", "POST", kNeeds(Op::serverLock), lock, "lock"},
    {"v2_server_action", "POST", kNeeds(Op::serverUnlock), unlock, "unlock"},
    {"v2_server_action", "POST", kNeeds(Op::serverRescue), rescue, "rescue"},
    {"v2_server_action", "POST", kNeeds(Op::serverUnrescue), change_state<&Driver::serverUnrescue>, "unrescue"},
    {"v2_server_action", "POST", kNeeds(Op::serverRebuild), rebuild, "rebuild"},
    {"v2_server_action", "POST", {Op::serverGet, Op::serverResize, Op::flavorGet}, resize, "resize"},
    {"v2_server_action", "POST", kNeeds(Op::serverConfirmResize), change_state<&Driver::serverConfirmResize, 204>,
     "confirmResize"},
    {"v2_server_action", "POST", kNeeds(Op::serverRevertResize), change_state<&Driver::serverRevertResize>,
     "revertResize"},
    {"v2_server_action", "POST", kNeeds(Op::serverChangePassword), change_password, "changePassword"},
    {"v2_server_action", "POST", kNeeds(Op::serverConsoleOutput), console_output, "os-getConsoleOutput"},
    {"v2_server_action", "POST", kNeeds(Op::serverShelve), change_state<&Driver::serverShelve>, "shelve"},
    {"v2_server_action", "POST", kNeeds(Op::serverShelveOffload), change_state<&Driver::serverShelveOffload>,
     "shelveOffload"},
    {"v2_server_action", "POST", kNeeds(Op::serverUnshelve), change_state<&Driver::serverUnshelve>, "unshelve"},
    {"v2_server_action", "POST", kNeeds(Op::serverSnapshot), create_image, "createImage"},
    {"v2_server_action", "POST", kNeeds(Op::serverResetState), reset_state, "os-resetState"},
    {"v2_server_action", "POST", kNeeds(Op::serverMigrate), migrate, "migrate"},
    {"v2_server_action", "POST", kNeeds(Op::serverMigrate), migrate_live, "os-migrateLive"},
    {"v2_server_action", "POST", kNeeds(Op::serverForceDelete), change_state<&Driver::serverForceDelete>,
     "forceDelete"},
    {"v2_server_action", "POST", kNeeds(Op::serverRestore), change_state<&Driver::serverRestore>, "restore"},
    {"v2_server_action", "POST", kNeeds(Op::serverBackup), create_backup, "createBackup"},
};

} // namespace

std::span<const Binding<Driver>> server_action_bindings()
{
    return kActionBindings;
}

Conflict state_conflict(const Server& server, std::string_view action)
{
    std::string state = server.task_state ? "task_state " + *server.task_state : "vm_state " + server.vm_state;
    return Conflict("Cannot '" + std::string(action) + "' instance " + server.id + " while it is in " + state,
                    "conflictingRequest");
}

} // namespace jumpgate::compute
