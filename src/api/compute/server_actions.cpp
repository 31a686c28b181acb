// SPDX-License-Identifier: Apache-2.0
// Nova's server actions: a table of state changes (which states allow them, what they become) plus the few with bodies.
#include "api/compute/servers.hpp"

#include <algorithm>
#include <limits>

#include <jumpgate/fault.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::compute {

namespace {

constexpr int kRunning = 1, kPaused = 3, kShutdown = 4, kSuspended = 7;

/* StateChange: an action that moves a server from one of `from` through `task` to `to`. */
struct StateChange {
    const char* action;          // the body's key
    const char* recorded;        // its name in os-instance-actions
    std::vector<std::string> from;
    const char* task;
    const char* to;
    int power;
    int status;                  // the HTTP status of the answer
};

const StateChange kStateChanges[] = {
    {"os-stop", "stop", {"active", "error"}, "powering-off", "stopped", kShutdown, 202},
    {"os-start", "start", {"stopped"}, "powering-on", "active", kRunning, 202},
    {"pause", "pause", {"active"}, "pausing", "paused", kPaused, 202},
    {"unpause", "unpause", {"paused"}, "unpausing", "active", kRunning, 202},
    {"suspend", "suspend", {"active"}, "suspending", "suspended", kSuspended, 202},
    {"resume", "resume", {"suspended"}, "resuming", "active", kRunning, 202},
    {"unrescue", "unrescue", {"rescued"}, "unrescuing", "active", kRunning, 202},
    {"shelve", "shelve", {"active", "stopped", "paused", "suspended"}, "shelving", "shelved_offloaded", kShutdown, 202},
    {"shelveOffload", "shelveOffload", {"shelved"}, "shelving_offloading", "shelved_offloaded", kShutdown, 202},
    {"unshelve", "unshelve", {"shelved", "shelved_offloaded"}, "unshelving", "active", kRunning, 202},
    {"confirmResize", "confirmResize", {"resized"}, nullptr, "active", kRunning, 204},
};

// Actions a locked server still takes from its non-admin users.
bool allowed_when_locked(std::string_view action)
{
    return action == "unlock" || action == "os-getConsoleOutput" || action == "lock";
}

Transition transition(const Request& req, const StateChange& c)
{
    Transition t;
    t.action = c.recorded;
    t.request_id = req.id();
    t.from = c.from;
    if (c.task)
        t.task_state = c.task;
    t.to = c.to;
    t.power_state = c.power;
    return t;
}

std::string admin_pass_of(const json& args)
{
    if (args.is_object() && args.contains("adminPass")) {
        if (!args["adminPass"].is_string())
            throw BadRequest("Invalid input for field/attribute adminPass.");
        return args["adminPass"];
    }
    return new_uuid().substr(0, 12);
}

} // namespace

namespace detail {

void bind_server_actions(Dispatcher& disp, std::shared_ptr<const Driver> driver)
{
    disp.set_handler("v2_server_action", {.post = [driver](const Request& req, Response& resp) {
        const json& body = req.json_body();
        if (!body.is_object() || body.size() != 1)
            throw BadRequest("The action body is an object with exactly one action.");
        const std::string action = body.begin().key();
        const json& args = body.begin().value();
        const Context& ctx = req.context();
        Server s = driver->serverGet(ctx, req.param("instance_id"));
        if (!allowed_when_locked(action))
            editable(req, s);
        auto done = [&](int status) {
            resp.status = status;
            resp.clear_body();
        };
        for (const auto& c : kStateChanges)
            if (action == c.action) {
                driver->serverTransition(ctx, s.id, transition(req, c));
                return done(c.status);
            }
        if (action == "reboot") {
            std::string type = args.is_object() && args.contains("type") && args["type"].is_string()
                                   ? args["type"].get<std::string>() : "";
            std::transform(type.begin(), type.end(), type.begin(), ::toupper);
            if (type != "SOFT" && type != "HARD")
                throw BadRequest("Invalid input for field/attribute type: it must be SOFT or HARD.");
            StateChange c{"reboot", "reboot", {"active"}, "rebooting", "active", kRunning, 202};
            if (type == "HARD") {
                c.from = {"active", "stopped", "paused", "suspended", "error", "rescued"};
                c.task = "reboot_started_hard";
            }
            driver->serverTransition(ctx, s.id, transition(req, c));
            return done(202);
        }
        if (action == "rescue") {
            std::string pass = admin_pass_of(args);
            StateChange c{"rescue", "rescue", {"active", "stopped", "error"}, "rescuing", "rescued", kRunning, 200};
            driver->serverTransition(ctx, s.id, transition(req, c));
            resp.json({{"adminPass", pass}});
            return;
        }
        if (action == "resize") {
            if (!args.is_object() || !args.contains("flavorRef"))
                throw BadRequest("Invalid input for field/attribute resize: 'flavorRef' is a required property.");
            std::string id = args["flavorRef"].is_string() ? args["flavorRef"].get<std::string>()
                             : args["flavorRef"].is_number_integer() ? std::to_string(args["flavorRef"].get<long long>()) : "";
            if (auto slash = id.rfind('/'); slash != std::string::npos)
                id = id.substr(slash + 1);
            Flavor flavor;
            try {
                flavor = flavor_visible(*driver, req, id);
            } catch (const NotFound&) {
                throw BadRequest("Invalid flavorRef provided.");
            }
            if (flavor.id == s.flavor.id)
                throw BadRequest("When resizing, instances must change flavor!");
            StateChange c{"resize", "resize", {"active", "stopped"}, "resize_prep", "resized", kRunning, 202};
            Transition t = transition(req, c);
            t.flavor = flavor;
            t.keep_old_flavor = true;
            driver->serverTransition(ctx, s.id, t);
            return done(202);
        }
        if (action == "revertResize") {
            StateChange c{"revertResize", "revertResize", {"resized"}, "resize_reverting", "active", kRunning, 202};
            Transition t = transition(req, c);
            t.restore_old_flavor = true;
            driver->serverTransition(ctx, s.id, t);
            return done(202);
        }
        if (action == "rebuild") {
            if (!args.is_object() || !args.contains("imageRef") || !args["imageRef"].is_string())
                throw BadRequest("Invalid input for field/attribute rebuild: 'imageRef' is a required property.");
            std::string image = args["imageRef"];
            if (auto slash = image.rfind('/'); slash != std::string::npos)
                image = image.substr(slash + 1);
            std::string pass = admin_pass_of(args);
            if (args.contains("name"))
                s.name = api::nova_name(args["name"], "name");
            if (args.contains("metadata"))
                s.metadata = api::nova_metadata(args["metadata"], "metadata");
            if (args.contains("description") && req.version().at_least(2, 19))
                s.description = api::nova_description(args["description"], "description");
            StateChange c{"rebuild", "rebuild", {"active", "stopped", "error"}, "rebuilding", "active", kRunning, 202};
            Transition t = transition(req, c);
            t.image_id = image;
            driver->serverUpdate(ctx, s);
            Server rebuilt = driver->serverTransition(ctx, s.id, t);
            json view = server_change_view(req, rebuilt, true);
            view["adminPass"] = pass;
            resp.status = 202;
            resp.json({{"server", std::move(view)}});
            return;
        }
        if (action == "createImage") {
            if (!args.is_object() || !args.contains("name"))
                throw BadRequest("Invalid input for field/attribute createImage: 'name' is a required property.");
            std::string name = api::nova_name(args["name"], "name");
            std::map<std::string, std::string> metadata;
            if (args.contains("metadata"))
                metadata = api::nova_metadata(args["metadata"], "metadata");
            static const std::vector<std::string> kCan = {"active", "stopped", "paused", "suspended", "shelved"};
            if (std::find(kCan.begin(), kCan.end(), s.vm_state) == kCan.end() || s.task_state)
                throw Conflict("Cannot 'createImage' instance " + s.id + " while it is in vm_state " + s.vm_state,
                               "conflictingRequest");
            // The snapshot's metadata become the image's properties, which Glance v1 shows as headers.
            for (const auto& [key, value] : metadata)
                if (!is_header_value(value))
                    throw BadRequest("Invalid input for field/attribute metadata: the value of '" + key +
                                     "' has a control character.");
            std::string image_id = driver->serverSnapshot(ctx, s.id, name, metadata);
            resp.status = 202;
            resp.set_header("Location", req.scheme() + "://" + req.host() + "/image/v2/images/" + image_id);
            if (req.version().at_least(2, 45))
                resp.json({{"image_id", image_id}});
            else
                resp.clear_body();
            return;
        }
        if (action == "lock" || action == "unlock") {
            if (action == "unlock" && s.locked && !ctx.is_admin() && s.user_id != ctx.user_id)
                throw Forbidden("Only the user who locked the server or an admin unlocks it.");
            s.locked = action == "lock";
            s.locked_reason.reset();
            if (s.locked && req.version().at_least(2, 73) && args.is_object() && args.contains("locked_reason")) {
                if (!args["locked_reason"].is_string() || args["locked_reason"].get_ref<const std::string&>().size() > 255)
                    throw BadRequest("Invalid input for field/attribute locked_reason.");
                s.locked_reason = args["locked_reason"].get<std::string>();
            }
            driver->serverUpdate(ctx, s);
            return done(202);
        }
        if (action == "changePassword") {
            if (!args.is_object() || !args.contains("adminPass") || !args["adminPass"].is_string())
                throw BadRequest("Invalid input for field/attribute changePassword: 'adminPass' is a required property.");
            if (s.vm_state != "active" || s.task_state)
                throw Conflict("Cannot 'changePassword' instance " + s.id + " while it is in vm_state " + s.vm_state,
                               "conflictingRequest");
            return done(202);
        }
        if (action == "os-getConsoleOutput") {
            if (s.vm_state == "building")
                throw Conflict("Instance " + s.id + " is not ready", "conflictingRequest");
            long long length = -1;
            if (args.is_object() && args.contains("length") && !args["length"].is_null())
                length = api::schema_integer(args["length"], "length", -1, std::numeric_limits<long long>::max());
            std::vector<std::string> lines = {
                "Jumpgate local cloud: console of " + s.name + " (" + s.id + ")",
                "flavor " + s.flavor.name + ", image " + s.image_id,
                "state " + s.vm_state + ", power " + std::to_string(s.power_state),
                s.name + " login: "};
            std::size_t first = length < 0 || static_cast<std::size_t>(length) >= lines.size()
                                    ? 0 : lines.size() - static_cast<std::size_t>(length);
            std::string out;
            for (std::size_t i = first; i < lines.size(); ++i)
                out += lines[i] + "\n";
            resp.json({{"output", out}});
            return;
        }
        if (action == "addSecurityGroup" || action == "removeSecurityGroup" || action == "addFloatingIp" ||
            action == "removeFloatingIp")
            throw NotImplemented("The " + action + " action needs a network service (install_network_proxy).");
        throw BadRequest("There is no such action: " + action);
    }});
}

} // namespace detail

} // namespace jumpgate::compute
