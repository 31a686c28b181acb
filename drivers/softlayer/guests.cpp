// SPDX-License-Identifier: Apache-2.0
// Virtual guests as Nova servers: the flavor table, the state mapping, and the views both ways.
#include "guests.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <stdexcept>

#include <jumpgate/base64.hpp>
#include <jumpgate/fault.hpp>

#include "client.hpp"

namespace jumpgate::softlayer {

const char* const kGuestMask =
    "mask[id,accountId,hostname,domain,createDate,modifyDate,provisionDate,maxCpu,maxMemory,notes,localDiskFlag,"
    "primaryIpAddress,primaryBackendIpAddress,powerState[keyName],datacenter[name],"
    "activeTransaction[id,transactionStatus[name,friendlyName],transactionGroup[name]],"
    "networkComponents[port,macAddress,primaryIpAddress,maxSpeed,primaryVersion6IpAddressRecord[ipAddress]],"
    "blockDevices[device,diskImage[id,capacity,type[keyName],billingItem[id]]],blockDeviceTemplateGroup["
    "globalIdentifier],"
    "tagReferences[tag[name]],sshKeys[label],userData[value],billingItem[orderItem[order[userRecordId]]]]";

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// The disk a guest boots from, in GiB (0 when the guest does not say).
long long root_disk(const json& guest)
{
    for (const auto& d : member_of(guest, "blockDevices"))
        if (text_of(d, "device") == "0")
            return whole(member_of(member_of(d, "diskImage"), "capacity"));
    return 0;
}

} // namespace

std::vector<compute::Flavor> flavor_table(const std::string& text_of_table)
{
    json table = json::parse(text_of_table, nullptr, false);
    if (!table.is_array())
        throw std::invalid_argument("the flavor table is not a JSON list of flavors");
    std::vector<compute::Flavor> out;
    for (std::size_t i = 0; i < table.size(); ++i) {
        const json& f = table[i];
        std::string where = "flavor " + std::to_string(i + 1);
        if (!f.is_object())
            throw std::invalid_argument(where + " is not an object");
        auto positive = [&](const char* key, bool required) -> long long {
            if (!f.contains(key)) {
                if (required)
                    throw std::invalid_argument(where + " has no " + key);
                return 0;
            }
            if (!f[key].is_number_integer() || f[key].get<long long>() < 1)
                throw std::invalid_argument(where + ": " + key + " is not a positive integer");
            return f[key];
        };
        compute::Flavor flavor;
        for (const auto& [key, value] : f.items()) {
            if (key == "id" || key == "name" || key == "description") {
                if (!value.is_string() && !(key == "id" && value.is_number_integer()))
                    throw std::invalid_argument(where + ": " + key + " is not a string");
            } else if (key == "local_disk") {
                if (!value.is_boolean())
                    throw std::invalid_argument(where + ": local_disk is not true or false");
            } else if (key != "vcpus" && key != "ram" && key != "disk" && key != "nic_speed") {
                throw std::invalid_argument(where + ": unknown field " + key);
            }
        }
        flavor.id = text_of(f, "id");
        flavor.name = text_of(f, "name");
        if (flavor.id.empty() || flavor.name.empty())
            throw std::invalid_argument(where + " needs an id and a name");
        where = "flavor " + flavor.id;
        flavor.vcpus = static_cast<int>(positive("vcpus", true));
        flavor.ram = positive("ram", true);
        flavor.disk = positive("disk", true);
        long long nic_speed = positive("nic_speed", false);
        if (f.contains("description"))
            flavor.description = f["description"].get<std::string>();
        flavor.extra_specs = {{"softlayer:local_disk", f.value("local_disk", false) ? "true" : "false"},
                              {"softlayer:nic_speed", std::to_string(nic_speed ? nic_speed : 100)}};
        for (const auto& seen : out)
            if (seen.id == flavor.id || seen.name == flavor.name)
                throw std::invalid_argument(where + ": its id or name is taken by flavor " + seen.id);
        out.push_back(std::move(flavor));
    }
    return out;
}

std::vector<compute::Flavor> default_flavors()
{
    return flavor_table(R"([
        {"id": "1", "name": "sl.tiny", "vcpus": 1, "ram": 1024, "disk": 25},
        {"id": "2", "name": "sl.small", "vcpus": 1, "ram": 2048, "disk": 25},
        {"id": "3", "name": "sl.medium", "vcpus": 2, "ram": 4096, "disk": 25},
        {"id": "4", "name": "sl.large", "vcpus": 4, "ram": 8192, "disk": 100},
        {"id": "5", "name": "sl.xlarge", "vcpus": 8, "ram": 16384, "disk": 100, "nic_speed": 1000}
    ])");
}

State state_of(const json& guest)
{
    State s;
    std::string power = text_of(member_of(guest, "powerState"), "keyName");
    if (power == "RUNNING")
        s = {"active", std::nullopt, 1};
    else if (power == "HALTED")
        s = {"stopped", std::nullopt, 4};
    else if (power == "PAUSED")
        s = {"paused", std::nullopt, 3};
    else
        s = {"error", std::nullopt, 0};
    const json& transaction = member_of(guest, "activeTransaction");
    bool provisioned = !text_of(guest, "provisionDate").empty();
    if (!provisioned)
        return {"building", std::string("spawning"), 0};
    if (!transaction.is_object())
        return s;
    std::string what = lower(text_of(member_of(transaction, "transactionGroup"), "name") + " " +
                             text_of(member_of(transaction, "transactionStatus"), "name"));
    if (what.find("reclaim") != std::string::npos || what.find("cancel") != std::string::npos)
        s.task_state = "deleting";
    else if (what.find("image") != std::string::npos || what.find("capture") != std::string::npos ||
             what.find("archive") != std::string::npos)
        s.task_state = "image_uploading";
    else if (what.find("reload") != std::string::npos)
        s.task_state = "rebuilding";
    return s;
}

std::optional<std::int64_t> time_of(std::string_view t)
{
    std::tm tm{};
    int offset_sign = 0, offset_hours = 0, offset_minutes = 0;
    if (t.size() < 19)
        return std::nullopt;
    std::string head(t.substr(0, 19));
    head[10] = 'T';
    if (!strptime(head.c_str(), "%Y-%m-%dT%H:%M:%S", &tm))
        return std::nullopt;
    std::string_view rest = t.substr(19);
    if (!rest.empty() && rest[0] == '.')
        rest.remove_prefix(std::min(rest.find_first_not_of("0123456789", 1), rest.size()));
    if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
        std::string zone(rest.substr(1));
        zone.erase(std::remove(zone.begin(), zone.end(), ':'), zone.end());
        if (zone.size() != 4 || !std::all_of(zone.begin(), zone.end(), ::isdigit))
            return std::nullopt;
        offset_sign = rest[0] == '+' ? 1 : -1;
        offset_hours = std::stoi(zone.substr(0, 2));
        offset_minutes = std::stoi(zone.substr(2));
    } else if (!rest.empty() && rest != "Z") {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(timegm(&tm)) - offset_sign * (offset_hours * 3600 + offset_minutes * 60);
}

compute::Server server_of(const json& guest, const std::vector<compute::Flavor>& table, const std::string& project_id)
{
    compute::Server s;
    s.id = text_of(guest, "id");
    s.name = text_of(guest, "hostname");
    s.project_id = text_of(guest, "accountId").empty() ? project_id : text_of(guest, "accountId");
    s.user_id = text_of(member_of(member_of(member_of(guest, "billingItem"), "orderItem"), "order"), "userRecordId");
    State state = state_of(guest);
    s.vm_state = state.vm_state;
    s.task_state = state.task_state;
    s.power_state = state.power_state;
    s.progress = s.vm_state == "active" && !s.task_state ? 100 : 0;
    s.image_id = text_of(member_of(guest, "blockDeviceTemplateGroup"), "globalIdentifier");
    long long cpus = whole(member_of(guest, "maxCpu")), ram = whole(member_of(guest, "maxMemory")),
              disk = root_disk(guest);
    auto same_size = std::find_if(table.begin(), table.end(), [&](const compute::Flavor& f) {
        return f.vcpus == cpus && f.ram == ram && (disk == 0 || f.disk == disk);
    });
    if (same_size != table.end()) {
        s.flavor = *same_size;
    } else {
        s.flavor.id = "custom-" + std::to_string(cpus) + "x" + std::to_string(ram) + "x" + std::to_string(disk);
        s.flavor.name = s.flavor.id;
        s.flavor.vcpus = static_cast<int>(cpus);
        s.flavor.ram = ram;
        s.flavor.disk = disk;
    }
    for (const auto& key : member_of(guest, "sshKeys"))
        if (!s.key_name)
            s.key_name = text_of(key, "label");
    s.availability_zone = text_of(member_of(guest, "datacenter"), "name");
    for (const auto& ref : member_of(guest, "tagReferences")) {
        std::string tag = text_of(member_of(ref, "tag"), "name");
        if (auto eq = tag.find('='); eq != std::string::npos)
            s.metadata[tag.substr(0, eq)] = tag.substr(eq + 1);
        else if (!tag.empty())
            s.tags.push_back(tag);
    }
    // Port 0 is the private network's, port 1 the public's, as SoftLayer wires every guest.
    for (const auto& c : member_of(guest, "networkComponents")) {
        std::string network = whole(member_of(c, "port")) == 1 ? "public" : "private";
        std::string mac = text_of(c, "macAddress");
        if (!text_of(c, "primaryIpAddress").empty())
            s.addresses.push_back({network, text_of(c, "primaryIpAddress"), 4, mac, "fixed"});
        std::string v6 = text_of(member_of(c, "primaryVersion6IpAddressRecord"), "ipAddress");
        if (!v6.empty())
            s.addresses.push_back({network, v6, 6, mac, "fixed"});
    }
    if (s.addresses.empty()) {
        if (!text_of(guest, "primaryBackendIpAddress").empty())
            s.addresses.push_back({"private", text_of(guest, "primaryBackendIpAddress")});
        if (!text_of(guest, "primaryIpAddress").empty())
            s.addresses.push_back({"public", text_of(guest, "primaryIpAddress")});
    }
    // A disk with a billing item of its own is portable storage, a volume of its own; the guest's are billed with it.
    for (const auto& d : member_of(guest, "blockDevices"))
        if (member_of(member_of(d, "diskImage"), "billingItem").is_object())
            s.volumes_attached.push_back({text_of(member_of(d, "diskImage"), "id")});
    if (!text_of(guest, "notes").empty())
        s.description = text_of(guest, "notes");
    for (const auto& data : member_of(guest, "userData"))
        if (s.user_data.empty())
            s.user_data = base64(text_of(data, "value"));
    s.created_at = time_of(text_of(guest, "createDate")).value_or(0);
    s.updated_at = time_of(text_of(guest, "modifyDate")).value_or(s.created_at);
    s.launched_at = time_of(text_of(guest, "provisionDate"));
    return s;
}

std::vector<std::string> tags_of(const compute::Server& server)
{
    std::vector<std::string> out;
    for (const auto& [key, value] : server.metadata) {
        if (key.find_first_of("=,") != std::string::npos || value.find(',') != std::string::npos)
            throw BadRequest("Invalid metadata: SoftLayer keeps each item as a tag key=value, so a key has no '=' "
                             "or ',' and a value no ','.");
        out.push_back(key + "=" + value);
    }
    for (const auto& tag : server.tags) {
        if (tag.find('=') != std::string::npos)
            throw BadRequest("Invalid tag " + tag + ": SoftLayer tags with '=' are the server's metadata.");
        out.push_back(tag);
    }
    return out;
}

json guest_template(const compute::Server& server, const std::string& zone, const std::string& domain, bool hourly,
                    const std::vector<long long>& ssh_key_ids)
{
    const compute::Flavor& f = server.flavor;
    auto spec = [&](const char* key, const char* otherwise) {
        auto it = f.extra_specs.find(key);
        return it == f.extra_specs.end() ? std::string(otherwise) : it->second;
    };
    json t = {{"hostname", server.name},
              {"domain", domain},
              {"startCpus", f.vcpus},
              {"maxMemory", f.ram},
              {"hourlyBillingFlag", hourly},
              {"localDiskFlag", spec("softlayer:local_disk", "false") == "true"},
              {"datacenter", {{"name", zone}}},
              {"networkComponents", json::array({{{"maxSpeed", std::stoi(spec("softlayer:nic_speed", "100"))}}})}};
    if (uuid_like(server.image_id)) {
        t["blockDeviceTemplateGroup"] = {{"globalIdentifier", server.image_id}};
    } else {
        t["operatingSystemReferenceCode"] = server.image_id;
        t["blockDevices"] = json::array({{{"device", "0"}, {"diskImage", {{"capacity", f.disk}}}}});
    }
    if (!ssh_key_ids.empty()) {
        t["sshKeys"] = json::array();
        for (long long id : ssh_key_ids)
            t["sshKeys"].push_back({{"id", id}});
    }
    if (!server.user_data.empty()) {
        auto user_data = unbase64(server.user_data);
        if (!user_data)
            throw BadRequest("User data needs to be valid base 64.");
        t["userData"] = json::array({{{"value", *user_data}}});
    }
    if (server.description)
        t["notes"] = *server.description;
    return t;
}

} // namespace jumpgate::softlayer
