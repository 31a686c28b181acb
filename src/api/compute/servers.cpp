// SPDX-License-Identifier: Apache-2.0
// Nova's servers: create, list, show, update, delete, metadata, tags, ips and instance actions.
#include "api/compute/servers.hpp"

#include <arpa/inet.h>
#include <openssl/evp.h>

#include <algorithm>

#include <jumpgate/fault.hpp>
#include <jumpgate/hex.hpp>
#include <jumpgate/regex.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::compute {

namespace {

using api::iso_time_z;

json bookmark(const Request& req, const std::string& kind, const std::string& id)
{
    return {{{"rel", "bookmark"}, {"href", req.dispatcher()->base_url(req) + "/" + kind + "/" + id}}};
}

json server_links(const Request& req, const std::string& id)
{
    return {{{"rel", "self"}, {"href", req.dispatcher()->endpoint_url(req, "v2_server", {{"server_id", id}})}},
            {{"rel", "bookmark"}, {"href", req.dispatcher()->base_url(req) + "/servers/" + id}}};
}

json flavor_view(const Request& req, const Flavor& f)
{
    if (!req.version().at_least(2, 47))
        return {{"id", f.id}, {"links", bookmark(req, "flavors", f.id)}};
    return {{"vcpus", f.vcpus},
            {"ram", f.ram},
            {"disk", f.disk},
            {"ephemeral", f.ephemeral},
            {"swap", f.swap},
            {"original_name", f.name},
            {"extra_specs", f.extra_specs}};
}

json addresses_view(const Server& s)
{
    json out = json::object();
    for (const auto& a : s.addresses) {
        json entry = {{"addr", a.addr}, {"version", a.version}};
        if (!a.mac.empty())
            entry["OS-EXT-IPS-MAC:mac_addr"] = a.mac;
        entry["OS-EXT-IPS:type"] = a.type;
        out[a.network].push_back(std::move(entry));
    }
    return out;
}

std::string hex_sha224(const std::string& text)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(text.data(), text.size(), md, &n, EVP_sha224(), nullptr);
    return hex(std::span(md, n));
}

const std::map<std::string, std::string, std::less<>> kStatusOfState = {
    {"active", "ACTIVE"},         {"building", "BUILD"},      {"stopped", "SHUTOFF"},
    {"paused", "PAUSED"},         {"suspended", "SUSPENDED"}, {"rescued", "RESCUE"},
    {"resized", "VERIFY_RESIZE"}, {"shelved", "SHELVED"},     {"shelved_offloaded", "SHELVED_OFFLOADED"},
    {"error", "ERROR"},           {"deleted", "DELETED"},     {"soft-delete", "SOFT_DELETED"}};

} // namespace

std::string server_status(const Server& s)
{
    const std::string task = s.task_state.value_or("");
    if (s.vm_state == "active" || s.vm_state == "stopped") {
        if (task == "rebooting" || task == "reboot_pending" || task == "reboot_started")
            return "REBOOT";
        if (task == "rebooting_hard" || task == "reboot_pending_hard" || task == "reboot_started_hard")
            return "HARD_REBOOT";
        if (task == "rebuilding" || task == "rebuild_spawning")
            return "REBUILD";
        if (task.rfind("resize_", 0) == 0)
            return "RESIZE";
    }
    auto it = kStatusOfState.find(s.vm_state);
    return it == kStatusOfState.end() ? "UNKNOWN" : it->second;
}

std::optional<std::string> vm_state_of_status(std::string_view status)
{
    for (const auto& [state, name] : kStatusOfState)
        if (name == status)
            return state;
    return std::nullopt;
}

json server_view(const Request& req, const Server& s, bool show)
{
    const ApiVersion& v = req.version();
    const bool admin = req.context().is_admin();
    std::string status = server_status(s);
    json view = {{"id", s.id},
                 {"name", s.name},
                 {"status", status},
                 {"tenant_id", s.project_id},
                 {"user_id", s.user_id},
                 {"metadata", s.metadata},
                 {"hostId", s.host.empty() ? "" : hex_sha224(s.project_id + s.host)},
                 {"image", s.image_id.empty()
                               ? json("")
                               : json({{"id", s.image_id}, {"links", bookmark(req, "images", s.image_id)}})},
                 {"flavor", flavor_view(req, s.flavor)},
                 {"created", iso_time_z(s.created_at)},
                 {"updated", iso_time_z(s.updated_at)},
                 {"addresses", addresses_view(s)},
                 {"accessIPv4", s.access_ipv4},
                 {"accessIPv6", s.access_ipv6},
                 {"links", server_links(req, s.id)},
                 {"OS-DCF:diskConfig", s.auto_disk_config ? "AUTO" : "MANUAL"},
                 {"OS-EXT-AZ:availability_zone", s.availability_zone},
                 {"config_drive", ""},
                 {"key_name", s.key_name ? json(*s.key_name) : json(nullptr)},
                 {"OS-SRV-USG:launched_at", s.launched_at ? json(api::iso_time(*s.launched_at, false)) : json(nullptr)},
                 {"OS-SRV-USG:terminated_at", nullptr},
                 {"OS-EXT-STS:task_state", s.task_state ? json(*s.task_state) : json(nullptr)},
                 {"OS-EXT-STS:vm_state", s.vm_state},
                 {"OS-EXT-STS:power_state", s.power_state}};
    if (status == "ACTIVE" || status == "BUILD" || status == "REBUILD" || status == "RESIZE" ||
        status == "VERIFY_RESIZE")
        view["progress"] = s.progress;
    json volumes = json::array();
    for (const auto& a : s.volumes_attached)
        volumes.push_back(v.at_least(2, 3) ? json({{"id", a.id}, {"delete_on_termination", a.delete_on_termination}})
                                           : json({{"id", a.id}}));
    view["os-extended-volumes:volumes_attached"] = std::move(volumes);
    json groups = json::array();
    for (const auto& g : s.security_groups)
        groups.push_back({{"name", g}});
    if (!groups.empty())
        view["security_groups"] = std::move(groups);
    if (admin) {
        view["OS-EXT-SRV-ATTR:host"] = s.host.empty() ? json(nullptr) : json(s.host);
        view["OS-EXT-SRV-ATTR:instance_name"] = "instance-" + s.id.substr(0, 8);
        view["OS-EXT-SRV-ATTR:hypervisor_hostname"] = s.host.empty() ? json(nullptr) : json(s.host);
        if (v.at_least(2, 3)) {
            view["OS-EXT-SRV-ATTR:reservation_id"] = "r-" + s.id.substr(0, 8);
            view["OS-EXT-SRV-ATTR:launch_index"] = 0;
            view["OS-EXT-SRV-ATTR:kernel_id"] = "";
            view["OS-EXT-SRV-ATTR:ramdisk_id"] = "";
            view["OS-EXT-SRV-ATTR:hostname"] = s.name;
            view["OS-EXT-SRV-ATTR:root_device_name"] = "/dev/vda";
            view["OS-EXT-SRV-ATTR:user_data"] = s.user_data.empty() ? json(nullptr) : json(s.user_data);
        }
    }
    if (v.at_least(2, 9))
        view["locked"] = s.locked;
    if (v.at_least(2, 19))
        view["description"] = s.description ? json(*s.description) : json(nullptr);
    if (v.at_least(2, 26))
        view["tags"] = s.tags;
    if (v.at_least(2, 63))
        view["trusted_image_certificates"] = nullptr;
    if (v.at_least(2, 73))
        view["locked_reason"] = s.locked_reason ? json(*s.locked_reason) : json(nullptr);
    if (show && v.at_least(2, 71))
        view["server_groups"] = s.server_group ? json::array({*s.server_group}) : json::array();
    // Nova shows why a server failed; the details (a trace in Nova) only to admins, and Jumpgate has none.
    if (s.fault && (s.vm_state == "error" || s.vm_state == "deleted"))
        view["fault"] = {
            {"code", s.fault->code}, {"created", iso_time_z(s.fault->created)}, {"message", s.fault->message}};
    if (v.at_least(2, 16) && admin)
        view["host_status"] = s.host.empty() ? "" : "UP";
    return view;
}

json server_change_view(const Request& req, const Server& s, bool rebuild)
{
    const ApiVersion& v = req.version();
    json view = server_view(req, s, true);
    if (rebuild && v.at_least(2, 57)) {
        view.erase("OS-EXT-SRV-ATTR:user_data");
        view["user_data"] = s.user_data.empty() ? json(nullptr) : json(s.user_data);
    }
    if (v.at_least(2, 75))
        return view;
    // Before 2.75 Nova answered an update or a rebuild with the server's own fields, not its extensions'.
    for (auto it = view.begin(); it != view.end();) {
        const std::string& key = it.key();
        bool extension = key.starts_with("OS-EXT-") || key.starts_with("OS-SRV-USG:") || key == "config_drive" ||
                         key == "os-extended-volumes:volumes_attached" || key == "security_groups" ||
                         key == "host_status" || (key == "key_name" && !(rebuild && v.at_least(2, 54)));
        it = extension ? view.erase(it) : std::next(it);
    }
    for (auto& [network, addresses] : view["addresses"].items())
        for (auto& a : addresses) {
            a.erase("OS-EXT-IPS:type");
            a.erase("OS-EXT-IPS-MAC:mac_addr");
        }
    return view;
}

const Server& editable(const Request& req, const Server& s)
{
    if (s.locked && !req.context().is_admin())
        throw Conflict("Instance " + s.id + " is locked", "conflictingRequest");
    return s;
}

namespace {

// accessIPv4 and accessIPv6: an address of their family, as Nova's schema formats require.
std::string access_ip(const char* key, const json& value)
{
    unsigned char buf[sizeof(struct in6_addr)];
    int family = key[9] == '4' ? AF_INET : AF_INET6;
    if (!value.is_string() || inet_pton(family, value.get_ref<const std::string&>().c_str(), buf) != 1)
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ": " + value.dump() +
                         " is not a valid IPv" + (family == AF_INET ? "4" : "6") + " address.");
    // Kept in the canonical form Nova shows ("::babe:dc0c:1602" for "0:0:0:0:0:babe:220.12.22.2").
    char text[INET6_ADDRSTRLEN];
    return inet_ntop(family, buf, text, sizeof text);
}

const json& object_member(const json& body, const char* key)
{
    if (!body.is_object() || !body.contains(key) || !body[key].is_object())
        throw BadRequest(std::string("Invalid input: the body must be {\"") + key + "\": {...}}.");
    return body[key];
}

std::string flavor_id_of(const json& ref)
{
    std::string id = ref.is_number_integer() ? std::to_string(ref.get<long long>())
                     : ref.is_string()       ? ref.get<std::string>()
                                             : "";
    if (auto slash = id.rfind('/'); slash != std::string::npos)
        id = id.substr(slash + 1);
    if (id.empty())
        throw BadRequest("Invalid flavorRef provided.");
    return id;
}

std::string image_id_of(const json& ref)
{
    if (!ref.is_string())
        throw BadRequest("Invalid imageRef provided.");
    std::string id = ref;
    if (auto slash = id.rfind('/'); slash != std::string::npos)
        id = id.substr(slash + 1);
    return id;
}

bool valid_base64(const std::string& text)
{
    if (text.size() % 4)
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool pad = c == '=' && i + 2 >= text.size();
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && !pad)
            return false;
    }
    return true;
}

/*
 * over_quota: when `min_count` servers like `server` do not fit the project's quota, Nova's
 * TooManyInstances (403) counting the whole request against the usage before it: "Quota
 * exceeded for instances: Requested 3, but already used 9 of 10 instances". Returns when the
 * quota does not explain it (or the driver keeps no quotas), for the caller to rethrow.
 */
void over_quota(const Driver& driver, const Context& ctx, const Server& server, long long min_count,
                long long max_count)
{
    QuotaSet limits, used;
    try {
        limits = driver.quotaGet(ctx, server.project_id);
        used = driver.quotaUsage(ctx, server.project_id);
    } catch (const NotImplemented&) {
        return;
    }
    std::string requested = min_count == max_count ? std::to_string(min_count)
                                                   : std::to_string(min_count) + "-" + std::to_string(max_count);
    std::vector<std::string> overs, reqs, useds, alloweds;
    for (auto [resource, each] : {std::pair<const char*, long long>{"cores", server.flavor.vcpus},
                                  {"instances", 1},
                                  {"ram", server.flavor.ram}}) {
        long long limit = limits.count(resource) ? limits[resource] : -1;
        if (limit < 0 || used[resource] + min_count * each <= limit)
            continue;
        overs.emplace_back(resource);
        reqs.push_back(requested);
        useds.push_back(std::to_string(used[resource]));
        alloweds.push_back(std::to_string(limit));
    }
    if (overs.empty())
        return;
    auto joined = [](const std::vector<std::string>& items) {
        std::string out;
        for (const auto& item : items)
            out += (out.empty() ? "" : ", ") + item;
        return out;
    };
    throw Forbidden("Quota exceeded for " + joined(overs) + ": Requested " + joined(reqs) + ", but already used " +
                    joined(useds) + " of " + joined(alloweds) + " " + joined(overs));
}

// A boolean of a block device mapping: true/false or their strings.
bool bdm_flag(const json& b, const char* key)
{
    if (!b.contains(key) || b[key].is_null())
        return false;
    if (b[key].is_boolean())
        return b[key].get<bool>();
    if (b[key].is_string())
        return api::parse_bool(key, b[key].get<std::string>());
    throw BadRequest(std::string("Invalid input for field/attribute ") + key + ".");
}

// block_device_mapping_v2 (and the legacy block_device_mapping) of a create request, checked as Nova does.
std::vector<BlockDevice> block_devices_of(const json& s)
{
    std::vector<BlockDevice> out;
    auto invalid = [](const std::string& why) { return BadRequest("Block Device Mapping is Invalid: " + why); };
    auto text = [&](const json& b, const char* key) -> std::string {
        if (!b.contains(key) || b[key].is_null())
            return "";
        if (!b[key].is_string() || b[key].get_ref<const std::string&>().size() > 255)
            throw BadRequest(std::string("Invalid input for field/attribute ") + key + ".");
        return b[key];
    };
    if (s.contains("block_device_mapping_v2")) {
        const json& list = s["block_device_mapping_v2"];
        if (!list.is_array())
            throw BadRequest("Invalid input for field/attribute block_device_mapping_v2. Value must be an array.");
        for (const auto& b : list) {
            if (!b.is_object())
                throw BadRequest("Invalid input for field/attribute block_device_mapping_v2.");
            BlockDevice d;
            d.source_type = text(b, "source_type");
            d.destination_type = text(b, "destination_type");
            d.uuid = text(b, "uuid");
            d.device_name = text(b, "device_name");
            d.delete_on_termination = bdm_flag(b, "delete_on_termination");
            if (b.contains("boot_index") && !b["boot_index"].is_null()) {
                const json& i = b["boot_index"];
                if (i.is_number_integer())
                    d.boot_index = i.get<int>();
                else if (i.is_string() && i != "none")
                    d.boot_index = static_cast<int>(api::parse_int("boot_index", i.get<std::string>()));
                else if (!i.is_string())
                    throw BadRequest("Invalid input for field/attribute boot_index.");
            }
            if (b.contains("volume_size") && !b["volume_size"].is_null()) {
                const json& n = b["volume_size"];
                d.volume_size = n.is_number_integer() ? n.get<long long>()
                                : n.is_string()       ? api::parse_int("volume_size", n.get<std::string>())
                                                      : -1;
                if (d.volume_size < 1)
                    throw BadRequest("Invalid input for field/attribute volume_size.");
            }
            if (d.source_type.empty())
                d.source_type = "blank";
            if (d.destination_type.empty())
                d.destination_type = d.source_type == "volume" || d.source_type == "snapshot" ? "volume" : "local";
            static const std::vector<std::string> kSources = {"image", "volume", "snapshot", "blank"};
            if (std::find(kSources.begin(), kSources.end(), d.source_type) == kSources.end())
                throw BadRequest("Invalid input for field/attribute source_type.");
            if (d.destination_type != "volume" && d.destination_type != "local")
                throw BadRequest("Invalid input for field/attribute destination_type.");
            if (d.source_type != "blank" && d.uuid.empty())
                throw invalid("a " + d.source_type + " mapping needs a uuid.");
            if ((d.source_type == "volume" || d.source_type == "snapshot") && d.destination_type != "volume")
                throw invalid("a " + d.source_type + " can only be mapped to a volume.");
            if (d.destination_type == "volume" && (d.source_type == "image" || d.source_type == "blank") &&
                !d.volume_size)
                throw invalid("volume_size is needed to make a volume from " +
                              std::string(d.source_type == "image" ? "an image." : "nothing."));
            if (!d.device_name.empty() && d.device_name.rfind("/dev/", 0) != 0 &&
                d.device_name.find('/') != std::string::npos)
                throw invalid("the device name " + d.device_name + " is not valid.");
            out.push_back(std::move(d));
        }
    }
    if (s.contains("block_device_mapping")) {
        const json& list = s["block_device_mapping"];
        if (!list.is_array())
            throw BadRequest("Invalid input for field/attribute block_device_mapping. Value must be an array.");
        for (const auto& b : list) {
            if (!b.is_object())
                throw BadRequest("Invalid input for field/attribute block_device_mapping.");
            BlockDevice d;
            d.destination_type = "volume";
            d.source_type = b.contains("snapshot_id") ? "snapshot" : "volume";
            d.uuid = text(b, d.source_type == "snapshot" ? "snapshot_id" : "volume_id");
            if (d.uuid.empty())
                throw invalid("a legacy mapping needs a volume_id or a snapshot_id.");
            d.device_name = text(b, "device_name");
            d.delete_on_termination = bdm_flag(b, "delete_on_termination");
            if (d.device_name == "vda" || d.device_name == "/dev/vda")
                d.boot_index = 0;
            out.push_back(std::move(d));
        }
    }
    if (std::count_if(out.begin(), out.end(), [](const BlockDevice& d) { return d.boot_index == 0; }) > 1)
        throw invalid("Boot sequence for the instance and image/block device mapping combination is not valid.");
    return out;
}

Server built_server(const Driver& driver, const Request& req, const json& s)
{
    const ApiVersion& v = req.version();
    Server server;
    if (!s.contains("name"))
        throw BadRequest("Invalid input for field/attribute server: 'name' is a required property.");
    server.name = api::nova_name(s["name"], "name");
    if (!s.contains("flavorRef"))
        throw BadRequest("Invalid input for field/attribute server: 'flavorRef' is a required property.");
    try {
        server.flavor = flavor_visible(driver, req, flavor_id_of(s["flavorRef"]));
    } catch (const NotFound&) {
        throw BadRequest("Flavor " + flavor_id_of(s["flavorRef"]) + " could not be found.");
    }
    server.block_devices = block_devices_of(s);
    bool root_volume = false;
    for (const auto& d : server.block_devices)
        if (d.boot_index == 0) {
            root_volume = d.destination_type == "volume";
            if (d.source_type == "image" && d.destination_type == "local")
                server.image_id = d.uuid;
        }
    if (!root_volume && s.contains("imageRef") &&
        !(s["imageRef"].is_string() && s["imageRef"].get_ref<const std::string&>().empty()))
        server.image_id = image_id_of(s["imageRef"]);
    if (server.image_id.empty() && !root_volume)
        throw BadRequest("Missing imageRef attribute");
    if (s.contains("key_name") && !s["key_name"].is_null()) {
        if (!s["key_name"].is_string())
            throw BadRequest("Invalid key_name provided.");
        try {
            driver.keypairGet(req.context(), req.context().user_id, s["key_name"]);
        } catch (const NotFound&) {
            throw BadRequest("Invalid key_name provided.");
        } catch (const NotImplemented&) {
            throw BadRequest("Invalid key_name provided."); // a cloud without key pairs has none of that name
        }
        server.key_name = s["key_name"].get<std::string>();
    }
    if (s.contains("metadata")) {
        server.metadata = api::nova_metadata(s["metadata"], "metadata");
        check_metadata_quota(driver, req, server.metadata);
    }
    if (s.contains("user_data") && !s["user_data"].is_null()) {
        if (!s["user_data"].is_string() || !valid_base64(s["user_data"]) ||
            s["user_data"].get_ref<const std::string&>().size() > 65535)
            throw BadRequest("User data needs to be valid base 64 of at most 65535 characters.");
        server.user_data = s["user_data"];
    }
    if (s.contains("personality")) {
        if (v.at_least(2, 57))
            throw BadRequest(
                "Invalid input for field/attribute server: additional properties are not allowed ('personality').");
        if (!s["personality"].is_array())
            throw BadRequest("Invalid input for field/attribute personality.");
        for (const auto& f : s["personality"])
            if (!f.is_object() || !f.contains("path") || !f["path"].is_string() || !f.contains("contents") ||
                !f["contents"].is_string() || !valid_base64(f["contents"]))
                throw BadRequest("Personality content must be base64 with a path.");
    }
    if (s.contains("availability_zone") && !s["availability_zone"].is_null()) {
        if (!s["availability_zone"].is_string())
            throw BadRequest("Invalid input for field/attribute availability_zone.");
        std::string zone = s["availability_zone"];
        zone = zone.substr(0, zone.find(':'));
        bool known = false;
        try {
            for (const auto& z : driver.availabilityZoneList(req.context()))
                known = known || z.name == zone;
        } catch (const NotImplemented&) {
            known = zone == "nova"; // a cloud that lists no zones has Nova's default one
        }
        if (!known)
            throw BadRequest("The requested availability zone is not available");
        server.availability_zone = zone;
    }
    if (s.contains("security_groups")) {
        if (!s["security_groups"].is_array())
            throw BadRequest("Invalid input for field/attribute security_groups.");
        for (const auto& g : s["security_groups"]) {
            if (!g.is_object() || !g.contains("name"))
                throw api::schema_fault("security_groups", g, "'name' is a required property");
            if (!g["name"].is_string() || g["name"].get_ref<const std::string&>().empty())
                throw api::not_of_type("name", g["name"], "'string'");
            server.security_groups.push_back(g["name"]);
        }
    }
    if (s.contains("description")) {
        if (!v.at_least(2, 19))
            throw BadRequest(
                "Invalid input for field/attribute server: additional properties are not allowed ('description').");
        server.description = api::nova_description(s["description"], "description");
    }
    if (s.contains("tags")) {
        if (!v.at_least(2, 52))
            throw BadRequest(
                "Invalid input for field/attribute server: additional properties are not allowed ('tags').");
        server.tags = tags_of(s["tags"]);
    }
    for (const char* ip : {"accessIPv4", "accessIPv6"})
        if (s.contains(ip))
            (ip[9] == '4' ? server.access_ipv4 : server.access_ipv6) = access_ip(ip, s[ip]);
    return server;
}

/*
 * networks_of: the networks of a create request, required from 2.37: "auto", "none" or a list of
 * {"uuid"}, {"port"} or {"uuid", "fixed_ip"}, checked as Nova's schema and API do and rewritten with
 * only the members given, each a string, for the driver.
 */
json networks_of(const Request& req, const json& s)
{
    if (!s.contains("networks")) {
        if (req.version().at_least(2, 37))
            throw BadRequest("Invalid input for field/attribute server: 'networks' is a required property.");
        return "auto";
    }
    const json& n = s["networks"];
    bool words = req.version().at_least(2, 37);
    if (n.is_string() && words) {
        if (n != "auto" && n != "none")
            throw api::schema_fault("networks", n, api::python_repr(n) + " is not one of ['none', 'auto']");
        return n;
    }
    if (!n.is_array())
        throw api::not_of_type("networks", n, words ? "'array', 'string'" : "'array'");
    json out = json::array();
    for (const auto& item : n) {
        if (!item.is_object())
            throw api::not_of_type("networks", item, "'object'");
        json wanted = json::object();
        for (const auto& [key, value] : item.items()) {
            if (key == "tag") {
                if (!value.is_string() || api::utf8_length(value.get_ref<const std::string&>()) > 60)
                    throw api::not_of_type("tag", value, "'string'");
            } else if (key == "uuid") {
                if (!value.is_string())
                    throw api::not_of_type("uuid", value, "'string'");
                if (!uuid_like(value.get_ref<const std::string&>()))
                    throw BadRequest("Bad networks format: network uuid is not in proper format (" +
                                     value.get<std::string>() + ")");
                wanted["uuid"] = value;
            } else if (key == "port") {
                if (value.is_null())
                    continue;
                if (!value.is_string())
                    throw api::not_of_type("port", value, "'string', 'null'");
                if (!uuid_like(value.get_ref<const std::string&>()))
                    throw api::schema_fault("port", value, api::python_repr(value) + " is not a 'uuid'");
                wanted["port"] = value;
            } else if (key == "fixed_ip") {
                unsigned char address[sizeof(struct in6_addr)];
                if (!value.is_string())
                    throw api::not_of_type("fixed_ip", value, "'string'");
                const char* text = value.get_ref<const std::string&>().c_str();
                if (inet_pton(AF_INET, text, address) != 1 && inet_pton(AF_INET6, text, address) != 1)
                    throw api::schema_fault("fixed_ip", value,
                                            api::python_repr(value) + " is not valid under any of the given schemas");
                wanted["fixed_ip"] = value;
            } else {
                throw api::schema_fault("networks", item,
                                        "Additional properties are not allowed ('" + key + "' was unexpected)");
            }
        }
        if (!wanted.contains("port") && !wanted.contains("uuid"))
            throw BadRequest("Bad network format: missing uuid");
        out.push_back(std::move(wanted));
    }
    return out;
}

json reservation(const Request& req, const Server& s, const std::string& admin_pass)
{
    json body = {{"id", s.id},
                 {"links", server_links(req, s.id)},
                 {"OS-DCF:diskConfig", s.auto_disk_config ? "AUTO" : "MANUAL"}};
    json groups = json::array();
    for (const auto& g : s.security_groups)
        groups.push_back({{"name", g}});
    body["security_groups"] = groups.empty() ? json::array({{{"name", "default"}}}) : groups;
    body["adminPass"] = admin_pass;
    return body;
}

// A filter that Nova's schema takes as a regular expression ("format": "regex"), refused as Nova does.
std::string regex_param(const Request& req, const char* key)
{
    std::string pattern(req.query(key));
    if (auto why = Regex::invalid(pattern); !why.empty())
        throw BadRequest(std::string("Invalid input for query parameters ") + key + ". Value: " + pattern + ". '" +
                         pattern + "' is not a 'regex' (" + why + ")");
    return pattern;
}

ServerQuery parse_query(const Request& req)
{
    ServerQuery q;
    api::Page page = api::Page::from(req);
    q.limit = page.limit ? std::min<std::size_t>(page.limit, 1000) : 1000;
    q.marker = page.marker;
    const bool admin = req.context().is_admin();
    if (req.has_query("all_tenants") && admin) {
        std::string v(req.query("all_tenants"));
        q.all_projects = v.empty() || api::parse_bool("all_tenants", v);
    }
    // As Nova, a project named without all_tenants is ignored: the list is the caller's own project's.
    if (q.all_projects && (req.has_query("project_id") || req.has_query("tenant_id")))
        q.project_id = std::string(req.has_query("project_id") ? req.query("project_id") : req.query("tenant_id"));
    // Nova's host filter is an admin's; another's is ignored.
    if (admin && req.has_query("host"))
        q.host = std::string(req.query("host"));
    if (req.has_query("status")) {
        std::string status(req.query("status"));
        std::transform(status.begin(), status.end(), status.begin(), ::toupper);
        q.vm_state = vm_state_of_status(status).value_or("-no-such-state-");
    }
    if (req.has_query("image"))
        q.image_id = image_id_of(json(std::string(req.query("image"))));
    if (req.has_query("flavor"))
        q.flavor_id = flavor_id_of(json(std::string(req.query("flavor"))));
    if (req.has_query("name"))
        q.name_regex = regex_param(req, "name");
    // Nova lets everyone filter by zone from 2.83; before, only an admin (another's filter is ignored).
    if (req.has_query("availability_zone") && (admin || req.version().at_least(2, 83)))
        q.availability_zone = regex_param(req, "availability_zone");
    for (const char* key : {"ip", "ip6"})
        if (req.has_query(key))
            q.ip = regex_param(req, key);
    if (req.has_query("changes-since") || req.has_query("changes_since")) {
        auto t = api::parse_iso_time(req.has_query("changes-since") ? req.query("changes-since")
                                                                    : req.query("changes_since"));
        if (!t)
            throw BadRequest("Invalid filter field: changes-since.");
        q.changes_since = *t;
    }
    return q;
}

void list_servers(const Driver& driver, const Request& req, Response& resp, bool detail)
{
    ServerQuery q = parse_query(req);
    // limit=0 asks for no servers, and Nova gives none (the driver's 0 is no limit).
    if (req.has_query("limit") && api::Page::from(req).limit == 0)
        return resp.json({{"servers", json::array()}});
    auto servers = driver.serverList(req.context(), q);
    json views = json::array();
    for (const auto& s : servers)
        views.push_back(detail ? server_view(req, s, false)
                               : json({{"id", s.id}, {"name", s.name}, {"links", server_links(req, s.id)}}));
    json body = {{"servers", std::move(views)}};
    if (q.limit && servers.size() == q.limit && req.has_query("limit"))
        body["servers_links"] = api::next_links(req, servers.back().id);
    resp.json(std::move(body));
}

// The metadata of `s` becomes `md`, within the project's quota; the answer is `body`.
void store_metadata(const Driver& driver, const Request& req, Server& s, std::map<std::string, std::string> md,
                    Response& resp, const json& body)
{
    check_metadata_quota(driver, req, md);
    s.metadata = std::move(md);
    driver.serverUpdate(req.context(), s);
    resp.json(body);
}

// Tags are there from 2.26.
void tagged(const Request& req)
{
    if (!req.version().at_least(2, 26))
        throw NotFound("The resource could not be found.");
}

json action_view(const Request& req, const std::string& server_id, const InstanceAction& a)
{
    json view = {{"action", a.action},         {"instance_uuid", server_id},
                 {"message", nullptr},         {"project_id", a.project_id},
                 {"request_id", a.request_id}, {"start_time", api::iso_time(a.start_time, false)},
                 {"user_id", a.user_id}};
    if (req.version().at_least(2, 58))
        view["updated_at"] = api::iso_time(a.updated_at, false);
    return view;
}

} // namespace

// A cloud that keeps no quotas (no quotaGet) sets no limit on metadata items.
void check_metadata_quota(const Driver& driver, const Request& req, const std::map<std::string, std::string>& md)
{
    long long limit = -1;
    try {
        limit = driver.quotaGet(req.context(), req.context().project_id)["metadata_items"];
    } catch (const NotImplemented&) {
    }
    if (limit >= 0 && static_cast<long long>(md.size()) > limit)
        throw Forbidden("Quota exceeded for metadata_items: the limit is " + std::to_string(limit) + ".");
}

std::optional<bool> disk_config_of(const json& request)
{
    if (!request.is_object() || !request.contains("OS-DCF:diskConfig"))
        return std::nullopt;
    const json& v = request["OS-DCF:diskConfig"];
    if (v != "AUTO" && v != "MANUAL")
        throw BadRequest("Invalid input for field/attribute OS-DCF:diskConfig. Value: " + api::python_repr(v) + ". " +
                         api::python_repr(v) + " is not one of ['AUTO', 'MANUAL']");
    return v == "AUTO";
}

std::string random_password()
{
    static const char kChars[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string uuid = new_uuid();
    std::string out;
    for (std::size_t i = 0; out.size() < 12 && i < uuid.size(); ++i)
        if (uuid[i] != '-')
            out.push_back(kChars[static_cast<unsigned char>(uuid[i] * 7 + i) % (sizeof kChars - 1)]);
    return out;
}

std::vector<std::string> tags_of(const json& j)
{
    if (!j.is_array() || j.size() > 50)
        throw BadRequest("Invalid input for field/attribute tags: a list of at most 50 tags.");
    std::vector<std::string> out;
    for (const auto& t : j) {
        if (!t.is_string())
            throw BadRequest("Invalid input for field/attribute tags.");
        check_tag(t.get<std::string>());
        if (std::find(out.begin(), out.end(), t.get<std::string>()) == out.end())
            out.push_back(t);
    }
    return out;
}

void check_tag(const std::string& tag)
{
    if (tag.empty() || api::utf8_length(tag) > 60 || tag.find_first_of("/,") != std::string::npos)
        throw BadRequest("Invalid tag: 1 to 60 characters, without '/' or ','.");
}

namespace {

/*
 * group_hint: the server group a create asks for in its scheduler hints ("os:scheduler_hints",
 * or the older "OS-SCH-HNT:scheduler_hints"), a UUID; the other hints concern hosts this cloud
 * chooses alone.
 */
std::optional<std::string> group_hint(const json& body)
{
    for (const char* key : {"os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"}) {
        if (!body.contains(key))
            continue;
        const json& hints = body[key];
        if (!hints.is_object())
            throw BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " +
                             api::python_repr(hints) + ". " + api::python_repr(hints) + " is not of type 'object'");
        if (!hints.contains("group"))
            continue;
        const json& group = hints["group"];
        if (!group.is_string() || !uuid_like(group.get<std::string>()))
            throw BadRequest("Invalid input for field/attribute group. Value: " + api::python_repr(group) + ". " +
                             api::python_repr(group) + " is not a 'uuid'");
        return group.get<std::string>();
    }
    return std::nullopt;
}

void create_servers(const Driver& driver, const Request& req, Response& resp)
{
    const json& s = object_member(req.json_body(), "server");
    Server server = built_server(driver, req, s);
    json networks = networks_of(req, s);
    long long min_count = 1, max_count = 1;
    for (auto [key, target] : {std::pair{"min_count", &min_count}, std::pair{"max_count", &max_count}})
        if (s.contains(key))
            *target = api::schema_integer(s[key], key, 1, api::kMaxInt);
    if (s.contains("min_count") && !s.contains("max_count"))
        max_count = min_count;
    if (min_count > max_count)
        throw BadRequest("min_count must be <= max_count");
    std::string admin_pass;
    if (s.contains("adminPass")) {
        if (!s["adminPass"].is_string())
            throw BadRequest("Invalid input for field/attribute adminPass.");
        admin_pass = s["adminPass"];
    } else {
        admin_pass = random_password();
    }
    if (server.security_groups.empty())
        server.security_groups.push_back("default");
    server.server_group = group_hint(req.json_body());
    server.auto_disk_config = disk_config_of(s).value_or(false);
    const Context& ctx = req.context();
    server.project_id = ctx.project_id;
    server.user_id = ctx.user_id;
    // As many as the quota allows from max_count down to min_count; the first is the answer.
    std::vector<Server> made;
    std::string base_name = server.name;
    for (long long i = 0; i < max_count; ++i) {
        Server one = server;
        one.id = new_uuid();
        if (max_count > 1)
            one.name = base_name + "-" + std::to_string(i + 1);
        try {
            made.push_back(driver.serverCreate(ctx, one, networks));
        } catch (const Forbidden&) {
            if (static_cast<long long>(made.size()) >= min_count)
                break;
            for (const auto& m : made)
                driver.serverDelete(ctx, m.id);
            if (max_count > 1)
                over_quota(driver, ctx, one, min_count, max_count);
            throw;
        }
    }
    resp.status = 202;
    bool reservation_only =
        s.contains("return_reservation_id") && api::schema_boolean(s["return_reservation_id"], "return_reservation_id");
    if (reservation_only && max_count > 1) {
        resp.json({{"reservation_id", "r-" + made.front().id.substr(0, 8)}});
        return;
    }
    resp.set_header("Location", req.dispatcher()->endpoint_url(req, "v2_server", {{"server_id", made.front().id}}));
    resp.json({{"server", reservation(req, made.front(), admin_pass)}});
}

void show_server(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"server", server_view(req, driver.serverGet(req.context(), req.param("server_id")), true)}});
}

void update_server(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = object_member(req.json_body(), "server");
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    for (const auto& [key, value] : body.items()) {
        if (key == "name") {
            s.name = api::nova_name(value, "name");
        } else if (key == "description" && req.version().at_least(2, 19)) {
            s.description = api::nova_description(value, "description");
        } else if (key == "accessIPv4" || key == "accessIPv6") {
            (key == "accessIPv4" ? s.access_ipv4 : s.access_ipv6) = access_ip(key.c_str(), value);
        } else if (key == "OS-DCF:diskConfig") {
            s.auto_disk_config = *disk_config_of(body);
        } else {
            throw BadRequest("Invalid input for field/attribute server: additional properties are not allowed ('" +
                             key + "').");
        }
    }
    resp.json({{"server", server_change_view(req, driver.serverUpdate(req.context(), s), false)}});
}

void delete_server(const Driver& driver, const Request& req, Response& resp)
{
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    editable(req, s);
    driver.serverDelete(req.context(), s.id);
    resp.status = 204;
    resp.clear_body();
}

void show_metadata(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"metadata", driver.serverGet(req.context(), req.param("server_id")).metadata}});
}

void add_metadata(const Driver& driver, const Request& req, Response& resp)
{
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    auto md = s.metadata;
    for (auto& [k, v] : api::nova_metadata(
             req.json_body().is_object() && req.json_body().contains("metadata") ? req.json_body()["metadata"] : json(),
             "metadata"))
        md[k] = v;
    store_metadata(driver, req, s, md, resp, {{"metadata", md}});
}

void replace_metadata(const Driver& driver, const Request& req, Response& resp)
{
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    auto md = api::nova_metadata(
        req.json_body().is_object() && req.json_body().contains("metadata") ? req.json_body()["metadata"] : json(),
        "metadata");
    store_metadata(driver, req, s, md, resp, {{"metadata", md}});
}

void show_metadata_item(const Driver& driver, const Request& req, Response& resp)
{
    auto md = driver.serverGet(req.context(), req.param("server_id")).metadata;
    auto it = md.find(req.param("key"));
    if (it == md.end())
        throw NotFound("Metadata item was not found");
    resp.json({{"meta", {{it->first, it->second}}}});
}

void set_metadata_item(const Driver& driver, const Request& req, Response& resp)
{
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    auto item = api::nova_metadata(
        req.json_body().is_object() && req.json_body().contains("meta") ? req.json_body()["meta"] : json(), "meta");
    if (item.size() != 1)
        throw BadRequest("Request body contains too many items");
    if (item.begin()->first != req.param("key"))
        throw BadRequest("Request body and URI mismatch");
    auto md = s.metadata;
    md[item.begin()->first] = item.begin()->second;
    store_metadata(driver, req, s, md, resp, {{"meta", item}});
}

void delete_metadata_item(const Driver& driver, const Request& req, Response& resp)
{
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    if (!s.metadata.erase(req.param("key")))
        throw NotFound("Metadata item was not found");
    driver.serverUpdate(req.context(), s);
    resp.status = 204;
    resp.clear_body();
}

void list_tags(const Driver& driver, const Request& req, Response& resp)
{
    tagged(req);
    resp.json({{"tags", driver.serverGet(req.context(), req.param("server_id")).tags}});
}

void replace_tags(const Driver& driver, const Request& req, Response& resp)
{
    tagged(req);
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    const json& body = req.json_body();
    s.tags = tags_of(body.is_object() && body.contains("tags") ? body["tags"] : json());
    resp.json({{"tags", driver.serverUpdate(req.context(), s).tags}});
}

void delete_tags(const Driver& driver, const Request& req, Response& resp)
{
    tagged(req);
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    s.tags.clear();
    driver.serverUpdate(req.context(), s);
    resp.status = 204;
    resp.clear_body();
}

void show_tag(const Driver& driver, const Request& req, Response& resp)
{
    tagged(req);
    auto tags = driver.serverGet(req.context(), req.param("server_id")).tags;
    if (std::find(tags.begin(), tags.end(), req.param("tag")) == tags.end())
        throw NotFound("Tag " + req.param("tag") + " could not be found.");
    resp.status = 204;
    resp.clear_body();
}

void add_tag(const Driver& driver, const Request& req, Response& resp)
{
    tagged(req);
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    const std::string& tag = req.param("tag");
    check_tag(tag);
    bool added = std::find(s.tags.begin(), s.tags.end(), tag) == s.tags.end();
    if (added) {
        if (s.tags.size() >= 50)
            throw BadRequest("The number of tags exceeded the per-server limit 50");
        s.tags.push_back(tag);
        driver.serverUpdate(req.context(), s);
    }
    resp.status = added ? 201 : 204;
    resp.set_header("Location",
                    req.dispatcher()->endpoint_url(req, "v2_server_tag", {{"server_id", s.id}, {"tag", tag}}));
    resp.clear_body();
}

void delete_tag(const Driver& driver, const Request& req, Response& resp)
{
    tagged(req);
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    auto it = std::find(s.tags.begin(), s.tags.end(), req.param("tag"));
    if (it == s.tags.end())
        throw NotFound("Tag " + req.param("tag") + " could not be found.");
    s.tags.erase(it);
    driver.serverUpdate(req.context(), s);
    resp.status = 204;
    resp.clear_body();
}

void list_addresses(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"addresses", addresses_view(driver.serverGet(req.context(), req.param("server_id")))}});
}

void list_network_addresses(const Driver& driver, const Request& req, Response& resp)
{
    json all = addresses_view(driver.serverGet(req.context(), req.param("server_id")));
    const std::string& label = req.param("network_label");
    if (!all.contains(label))
        throw NotFound("There are no instance addresses on network " + label + ".");
    resp.json({{label, all[label]}});
}

// A deleted server's actions are shown from 2.21; before, the server must be there.
void present_before_2_21(const Driver& driver, const Request& req)
{
    if (!req.version().at_least(2, 21))
        driver.serverGet(req.context(), req.param("server_id"));
}

void list_instance_actions(const Driver& driver, const Request& req, Response& resp)
{
    present_before_2_21(driver, req);
    const std::string& id = req.param("server_id");
    json actions = json::array();
    for (const auto& a : driver.instanceActionList(req.context(), id))
        actions.push_back(action_view(req, id, a));
    resp.json({{"instanceActions", std::move(actions)}});
}

void show_instance_action(const Driver& driver, const Request& req, Response& resp)
{
    present_before_2_21(driver, req);
    const std::string& id = req.param("server_id");
    for (const auto& a : driver.instanceActionList(req.context(), id))
        if (a.request_id == req.param("action_id")) {
            json view = action_view(req, id, a);
            view["events"] = json::array();
            return resp.json({{"instanceAction", std::move(view)}});
        }
    throw NotFound("Action for request_id " + req.param("action_id") + " on instance " + id + " not found");
}

const Binding<Driver> kServerBindings[] = {
    {"v2_servers_detail",
     "GET",
     {Op::serverList},
     [](const Driver& driver, const Request& req, Response& resp) { list_servers(driver, req, resp, true); }},
    {"v2_servers",
     "GET",
     {Op::serverList},
     [](const Driver& driver, const Request& req, Response& resp) { list_servers(driver, req, resp, false); }},
    {"v2_servers", "POST", {Op::serverCreate, Op::serverDelete, Op::flavorGet}, create_servers},
    {"v2_server", "GET", {Op::serverGet}, show_server},
    {"v2_server", "PUT", {Op::serverGet, Op::serverUpdate}, update_server},
    {"v2_server", "DELETE", {Op::serverGet, Op::serverDelete}, delete_server},
    {"v2_server_metadata", "GET", {Op::serverGet}, show_metadata},
    {"v2_server_metadata", "POST", {Op::serverGet, Op::serverUpdate}, add_metadata},
    {"v2_server_metadata", "PUT", {Op::serverGet, Op::serverUpdate}, replace_metadata},
    {"v2_server_metadata_key", "GET", {Op::serverGet}, show_metadata_item},
    {"v2_server_metadata_key", "PUT", {Op::serverGet, Op::serverUpdate}, set_metadata_item},
    {"v2_server_metadata_key", "DELETE", {Op::serverGet, Op::serverUpdate}, delete_metadata_item},
    {"v2_server_tags", "GET", {Op::serverGet}, list_tags},
    {"v2_server_tags", "PUT", {Op::serverGet, Op::serverUpdate}, replace_tags},
    {"v2_server_tags", "DELETE", {Op::serverGet, Op::serverUpdate}, delete_tags},
    {"v2_server_tag", "GET", {Op::serverGet}, show_tag},
    {"v2_server_tag", "PUT", {Op::serverGet, Op::serverUpdate}, add_tag},
    {"v2_server_tag", "DELETE", {Op::serverGet, Op::serverUpdate}, delete_tag},
    {"v2_server_ips", "GET", {Op::serverGet}, list_addresses},
    {"v2_server_ips_network", "GET", {Op::serverGet}, list_network_addresses},
    {"v2_os_instance_actions", "GET", {Op::serverGet, Op::instanceActionList}, list_instance_actions},
    {"v2_os_instance_action", "GET", {Op::serverGet, Op::instanceActionList}, show_instance_action},
};

} // namespace

std::span<const Binding<Driver>> server_bindings()
{
    return kServerBindings;
}

// Every operation a driver leaves alone answers 501.
std::vector<Server> Driver::serverList(const Context&, const ServerQuery&) const
{
    throw NotImplemented("serverList");
}
Server Driver::serverGet(const Context&, const std::string&) const
{
    throw NotImplemented("serverGet");
}
Server Driver::serverCreate(const Context&, const Server&, const json&) const
{
    throw NotImplemented("serverCreate");
}
Server Driver::serverUpdate(const Context&, const Server&) const
{
    throw NotImplemented("serverUpdate");
}
void Driver::serverDelete(const Context&, const std::string&) const
{
    throw NotImplemented("serverDelete");
}
void Driver::serverReboot(const Context&, const std::string&, bool) const
{
    throw NotImplemented("serverReboot");
}
void Driver::serverStop(const Context&, const std::string&) const
{
    throw NotImplemented("serverStop");
}
void Driver::serverStart(const Context&, const std::string&) const
{
    throw NotImplemented("serverStart");
}
void Driver::serverPause(const Context&, const std::string&) const
{
    throw NotImplemented("serverPause");
}
void Driver::serverUnpause(const Context&, const std::string&) const
{
    throw NotImplemented("serverUnpause");
}
void Driver::serverSuspend(const Context&, const std::string&) const
{
    throw NotImplemented("serverSuspend");
}
void Driver::serverResume(const Context&, const std::string&) const
{
    throw NotImplemented("serverResume");
}
void Driver::serverLock(const Context&, const std::string&, const std::optional<std::string>&) const
{
    throw NotImplemented("serverLock");
}
void Driver::serverUnlock(const Context&, const std::string&) const
{
    throw NotImplemented("serverUnlock");
}
void Driver::serverRescue(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("serverRescue");
}
void Driver::serverUnrescue(const Context&, const std::string&) const
{
    throw NotImplemented("serverUnrescue");
}
Server Driver::serverRebuild(const Context&, const std::string&, const Rebuild&) const
{
    throw NotImplemented("serverRebuild");
}
void Driver::serverResize(const Context&, const std::string&, const Flavor&) const
{
    throw NotImplemented("serverResize");
}
void Driver::serverConfirmResize(const Context&, const std::string&) const
{
    throw NotImplemented("serverConfirmResize");
}
void Driver::serverRevertResize(const Context&, const std::string&) const
{
    throw NotImplemented("serverRevertResize");
}
void Driver::serverChangePassword(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("serverChangePassword");
}
std::string Driver::serverConsoleOutput(const Context&, const std::string&) const
{
    throw NotImplemented("serverConsoleOutput");
}
void Driver::serverShelve(const Context&, const std::string&) const
{
    throw NotImplemented("serverShelve");
}
void Driver::serverShelveOffload(const Context&, const std::string&) const
{
    throw NotImplemented("serverShelveOffload");
}
void Driver::serverUnshelve(const Context&, const std::string&) const
{
    throw NotImplemented("serverUnshelve");
}
void Driver::serverResetState(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("serverResetState");
}
void Driver::serverMigrate(const Context&, const std::string&, const std::optional<std::string>&, bool) const
{
    throw NotImplemented("serverMigrate");
}
std::vector<InstanceAction> Driver::instanceActionList(const Context&, const std::string&) const
{
    throw NotImplemented("instanceActionList");
}
std::string Driver::serverSnapshot(const Context&, const std::string&, const std::string&,
                                   const std::map<std::string, std::string>&) const
{
    throw NotImplemented("Creating images of servers is not supported by this cloud.");
}

} // namespace jumpgate::compute
