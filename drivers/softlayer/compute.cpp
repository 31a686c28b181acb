// SPDX-License-Identifier: Apache-2.0
// SoftLayer compute: virtual guests as servers, datacenters as zones, SSH keys as key pairs.
#include <algorithm>

#include <jumpgate/fault.hpp>
#include <jumpgate/regex.hpp>

#include "guests.hpp"
#include "softlayer.hpp"

namespace jumpgate::softlayer {

namespace {

const char* const kGuestService = "SoftLayer_Virtual_Guest";
const char* const kKeyMask = "mask[id,label,key,fingerprint,createDate]";

NotFound no_instance(const std::string& server_id)
{
    return NotFound("Instance " + server_id + " could not be found.");
}

compute::Keypair keypair_of(const json& k, const std::string& user_id)
{
    compute::Keypair kp;
    kp.name = k.value("label", "");
    kp.user_id = user_id;
    kp.public_key = k.contains("key") && k["key"].is_string() ? k["key"].get<std::string>() : "";
    kp.fingerprint =
        k.contains("fingerprint") && k["fingerprint"].is_string() ? k["fingerprint"].get<std::string>() : "";
    kp.created_at = time_of(k.value("createDate", "")).value_or(0);
    kp.id = k.contains("id") && k["id"].is_number_integer() ? k["id"].get<long long>() : 0;
    return kp;
}

bool matches(const compute::Server& s, const compute::ServerQuery& q)
{
    if ((q.vm_state && s.vm_state != *q.vm_state) || (q.flavor_id && s.flavor.id != *q.flavor_id) ||
        (q.image_id && s.image_id != *q.image_id) || (q.changes_since && s.updated_at < *q.changes_since))
        return false;
    if (q.name_regex && !Regex(*q.name_regex).search(s.name.c_str()))
        return false;
    if (q.availability_zone && !Regex(*q.availability_zone).search(s.availability_zone.c_str()))
        return false;
    if (q.ip) {
        Regex ip(*q.ip);
        return std::any_of(s.addresses.begin(), s.addresses.end(),
                           [&](const compute::ServerAddress& a) { return ip.search(a.addr.c_str()); });
    }
    return true;
}

// Nova's name for the action a SoftLayer event log entry of a guest records; others keep SoftLayer's name.
std::string action_of_event(const std::string& event)
{
    static const std::pair<const char*, const char*> kActions[] = {{"Create", "create"},
                                                                   {"Power On", "start"},
                                                                   {"Power Off", "stop"},
                                                                   {"Reboot", "reboot"},
                                                                   {"Pause", "pause"},
                                                                   {"Resume", "unpause"},
                                                                   {"OS Reload", "rebuild"},
                                                                   {"Image Capture", "createImage"},
                                                                   {"Attach Disk", "attach_volume"},
                                                                   {"Detach Disk", "detach_volume"},
                                                                   {"Cancel", "delete"}};
    for (const auto& [name, action] : kActions)
        if (event == name)
            return action;
    return event;
}

} // namespace

Compute::Compute(std::shared_ptr<const Client> client, ComputeSettings settings)
    : client_(std::move(client)), settings_(std::move(settings))
{
}

std::vector<compute::Flavor> Compute::flavorList(const Context&) const
{
    return settings_.flavors;
}

compute::Flavor Compute::flavorGet(const Context&, const std::string& flavor_id) const
{
    for (const auto& f : settings_.flavors)
        if (f.id == flavor_id)
            return f;
    throw NotFound("Flavor " + flavor_id + " could not be found.");
}

std::vector<compute::AvailabilityZone> Compute::availabilityZoneList(const Context& ctx) const
{
    std::vector<compute::AvailabilityZone> zones;
    for (const auto& dc : client_->call(ctx.credentials, {.service = "SoftLayer_Location_Datacenter",
                                                         .method = "getDatacenters",
                                                         .mask = "mask[id,name,longName]"}))
        if (dc.contains("name") && dc["name"].is_string())
            zones.push_back({.name = dc["name"]});
    std::sort(zones.begin(), zones.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return zones;
}

json Compute::guests(const Context& ctx, json filter) const
{
    return client_->list(ctx.credentials, {.service = "SoftLayer_Account",
                                           .method = "getVirtualGuests",
                                           .mask = kGuestMask,
                                           .filter = filter.empty() ? json() : json{{"virtualGuests", filter}}});
}

json Compute::guest(const Context& ctx, const std::string& server_id) const
{
    if (!object_id(server_id))
        throw no_instance(server_id);
    try {
        return client_->call(ctx.credentials,
                             {.service = kGuestService, .method = "getObject", .id = server_id, .mask = kGuestMask});
    } catch (const NotFound&) {
        throw no_instance(server_id);
    } catch (const Forbidden&) {
        throw no_instance(server_id); // another account's: as if there were none
    }
}

std::vector<compute::Server> Compute::serverList(const Context& ctx, const compute::ServerQuery& q) const
{
    // What SoftLayer can filter exactly is asked of it; the rest is worked out here.
    json filter = json::object();
    if (q.image_id)
        filter["blockDeviceTemplateGroup"] = {{"globalIdentifier", {{"operation", *q.image_id}}}};
    if (q.flavor_id) {
        auto f = std::find_if(settings_.flavors.begin(), settings_.flavors.end(),
                              [&](const compute::Flavor& flavor) { return flavor.id == *q.flavor_id; });
        if (f != settings_.flavors.end()) {
            filter["maxCpu"] = {{"operation", f->vcpus}};
            filter["maxMemory"] = {{"operation", f->ram}};
        }
    }
    std::vector<compute::Server> all;
    for (const auto& g : guests(ctx, filter))
        all.push_back(server_of(g, settings_.flavors, ctx.project_id));
    std::stable_sort(all.begin(), all.end(), [](const compute::Server& a, const compute::Server& b) {
        return a.created_at != b.created_at ? a.created_at > b.created_at : std::stoll(a.id) > std::stoll(b.id);
    });
    std::vector<compute::Server> page;
    bool past_marker = q.marker.empty();
    for (auto& s : all) {
        if (!past_marker) {
            past_marker = s.id == q.marker;
            continue;
        }
        if (matches(s, q) && (q.limit == 0 || page.size() < q.limit))
            page.push_back(std::move(s));
    }
    if (!past_marker)
        throw BadRequest("marker [" + q.marker + "] not found");
    return page;
}

compute::Server Compute::serverGet(const Context& ctx, const std::string& server_id) const
{
    return server_of(guest(ctx, server_id), settings_.flavors, ctx.project_id);
}

std::optional<json> Compute::ssh_key(const Context& ctx, const std::string& name) const
{
    json keys = client_->call(ctx.credentials, {.service = "SoftLayer_Account",
                                                .method = "getSshKeys",
                                                .mask = kKeyMask,
                                                .filter = {{"sshKeys", {{"label", {{"operation", name}}}}}}});
    for (const auto& k : keys)
        if (k.value("label", "") == name)
            return k;
    return std::nullopt;
}

compute::Server Compute::serverCreate(const Context& ctx, const compute::Server& server, const json& networks) const
{
    if (networks.is_string() && networks == "none")
        throw BadRequest("Invalid networks: every SoftLayer guest has a private network; 'none' cannot be had.");
    if (networks.is_array() && !networks.empty())
        throw BadRequest("Invalid networks: SoftLayer places a guest on its datacenter's VLANs itself; leave "
                         "networks out or 'auto'.");
    for (const auto& d : server.block_devices)
        if (d.destination_type == "volume")
            throw BadRequest("Block Device Mapping is Invalid: a SoftLayer guest boots from its own disk, not a "
                             "volume.");
    for (const auto& g : server.security_groups)
        if (g != "default")
            throw BadRequest("Security group " + g + " not found: SoftLayer guests have the default group only.");
    if (!server.access_ipv4.empty() || !server.access_ipv6.empty())
        throw BadRequest("Invalid input: SoftLayer keeps no access addresses (accessIPv4, accessIPv6).");
    std::string zone = server.availability_zone == "nova" ? settings_.default_zone : server.availability_zone;
    if (zone.empty())
        throw BadRequest("Invalid input for field/attribute availability_zone: SoftLayer needs a datacenter; name "
                         "one of the availability zones.");
    std::vector<long long> key_ids;
    if (server.key_name) {
        auto key = ssh_key(ctx, *server.key_name);
        if (!key || !(*key)["id"].is_number_integer())
            throw BadRequest("Invalid key_name provided.");
        key_ids.push_back((*key)["id"].get<long long>());
    }
    std::vector<std::string> tags = tags_of(server);
    json guest_order = guest_template(server, zone, settings_.domain, settings_.hourly, key_ids);
    // The order is checked first, so that a refusal (an image or a datacenter SoftLayer does not
    // have) is the caller's 400 before anything is bought.
    json order = client_->call(
        ctx.credentials,
        {.service = kGuestService, .method = "generateOrderTemplate", .parameters = json::array({guest_order})});
    client_->call(ctx.credentials,
                  {.service = "SoftLayer_Product_Order", .method = "verifyOrder", .parameters = json::array({order})});
    json made =
        client_->call(ctx.credentials,
                      {.service = kGuestService, .method = "createObject", .parameters = json::array({guest_order})});
    if (!made.is_object() || !made.contains("id") || !made["id"].is_number_integer())
        throw ServiceUnavailable("The cloud behind this service answered an order without the guest it made.");
    std::string id = std::to_string(made["id"].get<long long>());
    if (!tags.empty()) {
        std::string joined;
        for (const auto& t : tags)
            joined += (joined.empty() ? "" : ",") + t;
        client_->call(ctx.credentials,
                      {.service = kGuestService, .method = "setTags", .id = id, .parameters = json::array({joined})});
    }
    return serverGet(ctx, id);
}

compute::Server Compute::serverUpdate(const Context& ctx, const compute::Server& server) const
{
    compute::Server now = serverGet(ctx, server.id);
    if (!server.access_ipv4.empty() || !server.access_ipv6.empty())
        throw BadRequest("Invalid input: SoftLayer keeps no access addresses (accessIPv4, accessIPv6).");
    std::vector<std::string> tags = tags_of(server);
    json changes = json::object();
    if (server.name != now.name)
        changes["hostname"] = server.name;
    if (server.description != now.description)
        changes["notes"] = server.description.value_or("");
    if (!changes.empty())
        client_->call(
            ctx.credentials,
            {.service = kGuestService, .method = "editObject", .id = server.id, .parameters = json::array({changes})});
    if (tags != tags_of(now)) {
        std::string joined;
        for (const auto& t : tags)
            joined += (joined.empty() ? "" : ",") + t;
        client_->call(
            ctx.credentials,
            {.service = kGuestService, .method = "setTags", .id = server.id, .parameters = json::array({joined})});
    }
    return serverGet(ctx, server.id);
}

void Compute::serverDelete(const Context& ctx, const std::string& server_id) const
{
    act(ctx, server_id, "deleteObject");
}

void Compute::act(const Context& ctx, const std::string& server_id, const char* method, json parameters) const
{
    client_->call(ctx.credentials,
                  {.service = kGuestService, .method = method, .id = server_id, .parameters = std::move(parameters)});
}

compute::Server Compute::checked(const Context& ctx, const std::string& server_id, std::string_view action,
                                 std::initializer_list<const char*> states) const
{
    compute::Server s = serverGet(ctx, server_id);
    bool allowed = std::any_of(states.begin(), states.end(), [&](const char* state) { return s.vm_state == state; });
    if (!allowed || s.task_state)
        throw compute::state_conflict(s, action);
    return s;
}

void Compute::serverReboot(const Context& ctx, const std::string& server_id, bool hard) const
{
    if (hard)
        checked(ctx, server_id, "reboot", {"active", "stopped", "paused", "error"});
    else
        checked(ctx, server_id, "reboot", {"active"});
    act(ctx, server_id, hard ? "rebootHard" : "rebootSoft");
}

void Compute::serverStop(const Context& ctx, const std::string& server_id) const
{
    checked(ctx, server_id, "stop", {"active", "error"});
    act(ctx, server_id, "powerOff");
}

void Compute::serverStart(const Context& ctx, const std::string& server_id) const
{
    checked(ctx, server_id, "start", {"stopped"});
    act(ctx, server_id, "powerOn");
}

void Compute::serverPause(const Context& ctx, const std::string& server_id) const
{
    checked(ctx, server_id, "pause", {"active"});
    act(ctx, server_id, "pause");
}

void Compute::serverUnpause(const Context& ctx, const std::string& server_id) const
{
    checked(ctx, server_id, "unpause", {"paused"});
    act(ctx, server_id, "resume");
}

compute::Server Compute::serverRebuild(const Context& ctx, const std::string& server_id,
                                       const compute::Rebuild& r) const
{
    compute::Server s = checked(ctx, server_id, "rebuild", {"active", "stopped", "error"});
    json config = json::object();
    if (uuid_like(r.image_id)) {
        // The reload names the template by its number; the API names it by its global identifier.
        json filter = {{"globalIdentifier", {{"operation", r.image_id}}}};
        json found = client_->call(ctx.credentials, {.service = "SoftLayer_Account",
                                                     .method = "getPrivateBlockDeviceTemplateGroups",
                                                     .mask = "mask[id,globalIdentifier]",
                                                     .filter = {{"privateBlockDeviceTemplateGroups", filter}}});
        if (!found.is_array() || found.empty())
            found = client_->call(ctx.credentials, {.service = "SoftLayer_Virtual_Guest_Block_Device_Template_Group",
                                                    .method = "getPublicImages",
                                                    .mask = "mask[id,globalIdentifier]",
                                                    .filter = filter});
        if (!found.is_array() || found.empty() || !found[0]["id"].is_number_integer())
            throw BadRequest("Image " + r.image_id + " could not be found.");
        config["imageTemplateId"] = found[0]["id"];
    } else {
        config["operatingSystemReferenceCode"] = r.image_id;
    }
    if (s.key_name)
        if (auto key = ssh_key(ctx, *s.key_name); key && (*key)["id"].is_number_integer())
            config["sshKeyIds"] = json::array({(*key)["id"]});
    act(ctx, server_id, "reloadOperatingSystem", json::array({"FORCE", config}));
    if (r.name || r.metadata || r.description) {
        compute::Server changed = serverGet(ctx, server_id);
        if (r.name)
            changed.name = *r.name;
        if (r.metadata)
            changed.metadata = *r.metadata;
        if (r.description)
            changed.description = r.description;
        return serverUpdate(ctx, changed);
    }
    return serverGet(ctx, server_id);
}

std::string Compute::serverSnapshot(const Context& ctx, const std::string& server_id, const std::string& name,
                                    const std::map<std::string, std::string>& metadata) const
{
    if (!metadata.empty())
        throw BadRequest("Invalid input for field/attribute metadata: SoftLayer images keep no properties.");
    checked(ctx, server_id, "createImage", {"active", "stopped", "paused"});
    json devices = client_->call(ctx.credentials, {.service = kGuestService,
                                                   .method = "getBlockDevices",
                                                   .id = server_id,
                                                   .mask = "mask[id,device,diskImage[type[keyName]]]"});
    json boot = json::array();
    for (const auto& d : devices)
        if (d.value("device", "") == "0" && d.contains("id"))
            boot.push_back({{"id", d["id"]}});
    if (boot.empty())
        throw compute::state_conflict(serverGet(ctx, server_id), "createImage");
    json transaction = client_->call(ctx.credentials, {.service = kGuestService,
                                                       .method = "createArchiveTransaction",
                                                       .id = server_id,
                                                       .parameters = json::array({name, boot, "Made by Jumpgate"})});
    // The capture makes a private template of that name at once; the newest of them is this one.
    json made = client_->call(ctx.credentials,
                              {.service = "SoftLayer_Account",
                               .method = "getPrivateBlockDeviceTemplateGroups",
                               .mask = "mask[id,globalIdentifier,transactionId]",
                               .filter = {{"privateBlockDeviceTemplateGroups", {{"name", {{"operation", name}}}}}}});
    const json* newest = nullptr;
    for (const auto& t : made) {
        if (!t.contains("globalIdentifier") || !t["globalIdentifier"].is_string())
            continue;
        if (transaction.is_object() && t.contains("transactionId") &&
            t["transactionId"] == transaction.value("id", json()))
            return t["globalIdentifier"];
        if (!newest || t.value("id", 0LL) > newest->value("id", 0LL))
            newest = &t;
    }
    if (!newest)
        throw ServiceUnavailable("The cloud behind this service did not show the image it was capturing.");
    return (*newest)["globalIdentifier"];
}

std::vector<compute::InstanceAction> Compute::instanceActionList(const Context& ctx, const std::string& server_id) const
{
    guest(ctx, server_id);
    json events = client_->list(ctx.credentials, {.service = "SoftLayer_Event_Log",
                                                  .method = "getAllObjects",
                                                  .filter = {{"objectName", {{"operation", "CCI"}}},
                                                             {"objectId", {{"operation", std::stoll(server_id)}}}}});
    std::vector<compute::InstanceAction> out;
    for (const auto& e : events) {
        if (!e.is_object() || !e.contains("traceId") || !e["traceId"].is_string())
            continue;
        std::int64_t at = time_of(e.value("eventCreateDate", "")).value_or(0);
        json user = e.value("userId", json());
        out.push_back({.action = action_of_event(e.value("eventName", "")),
                       .request_id = e["traceId"],
                       .user_id = user.is_number_integer() ? std::to_string(user.get<long long>()) : "",
                       .project_id = ctx.project_id,
                       .start_time = at,
                       .updated_at = at});
    }
    std::stable_sort(out.begin(), out.end(), [](const compute::InstanceAction& a, const compute::InstanceAction& b) {
        return a.start_time > b.start_time;
    });
    return out;
}

// SoftLayer keeps no record of a cancelled guest a user can read: the usage is that of the guests the account has
// now, each of which overlaps every period that ends after it was made.
std::vector<compute::ServerUsage> Compute::usageList(const Context& ctx, const std::optional<std::string>& project_id,
                                                     std::int64_t, std::int64_t end) const
{
    std::vector<compute::ServerUsage> out;
    if (project_id && *project_id != ctx.project_id)
        return out;
    for (const auto& g : guests(ctx, json::object())) {
        compute::Server s = server_of(g, settings_.flavors, ctx.project_id);
        if (s.created_at >= end)
            continue;
        out.push_back({.server_id = s.id,
                       .name = s.name,
                       .project_id = s.project_id,
                       .flavor = s.flavor,
                       .started_at = s.created_at,
                       .state = s.vm_state});
    }
    std::sort(out.begin(), out.end(), [](const compute::ServerUsage& a, const compute::ServerUsage& b) {
        return a.started_at != b.started_at ? a.started_at < b.started_at : a.server_id < b.server_id;
    });
    return out;
}

std::vector<compute::Keypair> Compute::keypairList(const Context& ctx, const std::string& user_id) const
{
    std::vector<compute::Keypair> out;
    for (const auto& k :
         client_->call(ctx.credentials, {.service = "SoftLayer_Account", .method = "getSshKeys", .mask = kKeyMask}))
        out.push_back(keypair_of(k, user_id));
    return out;
}

compute::Keypair Compute::keypairGet(const Context& ctx, const std::string& user_id, const std::string& name) const
{
    auto key = ssh_key(ctx, name);
    if (!key)
        throw NotFound("Keypair " + name + " not found for user " + user_id);
    return keypair_of(*key, user_id);
}

compute::Keypair Compute::keypairCreate(const Context& ctx, const compute::Keypair& keypair) const
{
    if (keypair.type != "ssh")
        throw BadRequest("Invalid input for field/attribute type: SoftLayer keeps SSH keys only.");
    if (ssh_key(ctx, keypair.name))
        throw Conflict("Key pair '" + keypair.name + "' already exists.");
    json made = client_->call(ctx.credentials,
                              {.service = "SoftLayer_Security_Ssh_Key",
                               .method = "createObject",
                               .parameters = json::array({{{"label", keypair.name}, {"key", keypair.public_key}}})});
    compute::Keypair kp = keypair_of(made, keypair.user_id);
    if (kp.fingerprint.empty())
        kp.fingerprint = keypair.fingerprint;
    if (kp.public_key.empty())
        kp.public_key = keypair.public_key;
    if (!kp.created_at)
        kp.created_at = keypair.created_at;
    return kp;
}

void Compute::keypairDelete(const Context& ctx, const std::string& user_id, const std::string& name) const
{
    auto key = ssh_key(ctx, name);
    if (!key || !(*key)["id"].is_number_integer())
        throw NotFound("Keypair " + name + " not found for user " + user_id);
    client_->call(ctx.credentials, {.service = "SoftLayer_Security_Ssh_Key",
                                    .method = "deleteObject",
                                    .id = std::to_string((*key)["id"].get<long long>())});
}

// SoftLayer sets an account no quota it tells its API users: every limit is unlimited (-1).
compute::QuotaSet Compute::quotaDefaults(const Context&) const
{
    compute::QuotaSet q;
    for (const char* resource :
         {"instances", "cores", "ram", "key_pairs", "metadata_items", "server_groups", "server_group_members",
          "injected_files", "injected_file_content_bytes", "injected_file_path_bytes"})
        q[resource] = -1;
    return q;
}

compute::QuotaSet Compute::quotaGet(const Context& ctx, const std::string& project_id) const
{
    if (project_id != ctx.project_id)
        throw Forbidden("Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.");
    return quotaDefaults(ctx);
}

compute::QuotaSet Compute::quotaUsage(const Context& ctx, const std::string& project_id) const
{
    if (project_id != ctx.project_id)
        throw Forbidden("Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.");
    compute::QuotaSet used{{"instances", 0}, {"cores", 0}, {"ram", 0}};
    for (const auto& g : client_->list(
             ctx.credentials,
             {.service = "SoftLayer_Account", .method = "getVirtualGuests", .mask = "mask[id,maxCpu,maxMemory]"})) {
        used["instances"] += 1;
        used["cores"] += g.value("maxCpu", 0LL);
        used["ram"] += g.value("maxMemory", 0LL);
    }
    used["key_pairs"] = static_cast<long long>(
        client_->call(ctx.credentials, {.service = "SoftLayer_Account", .method = "getSshKeys", .mask = "mask[id]"})
            .size());
    return used;
}

} // namespace jumpgate::softlayer
