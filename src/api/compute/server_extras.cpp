// SPDX-License-Identifier: Apache-2.0
// Nova's smaller server APIs: diagnostics, the server password, external events, os-migrations and quota classes.
#include "api/compute/servers.hpp"

#include <set>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::compute {

namespace {

// Nova's names of the power states a server's diagnostics report (from 2.48).
std::string power_state_name(int power_state)
{
    switch (power_state) {
    case 1:
        return "running";
    case 3:
        return "paused";
    case 4:
        return "shutdown";
    case 6:
        return "crashed";
    case 7:
        return "suspended";
    default:
        return "pending";
    }
}

/*
 * diagnostics: what the cloud knows of a server's virtual machine. The local cloud runs no guest, so the counters
 * a hypervisor would read (CPU time, bytes on the NICs and disks, memory in use) are null, as Nova shows a counter
 * its driver cannot read; the sizes come from the flavor, the NICs from the ports, the disks from the root disk
 * and the attached volumes. "driver" is an enumeration in Nova's API that has no value for this cloud: it answers
 * as Nova with libvirt, which it follows elsewhere too (os-hosts' power actions and maintenance mode).
 */
void show_diagnostics(const Driver& driver, const Request& req, Response& resp)
{
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    if (s.vm_state == "building" || s.host.empty())
        throw Conflict("Cannot 'get_diagnostics' instance " + s.id + " while it is in vm_state " + s.vm_state,
                       "conflictingRequest");
    std::set<std::string> macs;
    for (const auto& a : s.addresses)
        macs.insert(a.mac);
    std::size_t disks = (s.image_id.empty() ? 0 : 1) + s.volumes_attached.size();
    std::optional<std::int64_t> uptime;
    if (s.launched_at && s.power_state == 1)
        uptime = std::max<std::int64_t>(0, api::unix_now() - *s.launched_at);
    if (!req.version().at_least(2, 48)) {
        // Before 2.48 the answer is the driver's own dictionary; libvirt's names its counters per device.
        json out = {{"memory", s.flavor.ram * 1024}};
        for (int cpu = 0; cpu < s.flavor.vcpus; ++cpu)
            out["cpu" + std::to_string(cpu) + "_time"] = nullptr;
        std::size_t nic = 0;
        for (const auto& mac : macs) {
            (void)mac;
            std::string tap = "tap" + std::to_string(nic++);
            for (const char* counter :
                 {"_rx", "_rx_drop", "_rx_errors", "_rx_packets", "_tx", "_tx_drop", "_tx_errors", "_tx_packets"})
                out[tap + counter] = nullptr;
        }
        for (std::size_t d = 0; d < disks; ++d) {
            std::string dev = std::string("vd") + static_cast<char>('a' + d % 26);
            for (const char* counter : {"_errors", "_read", "_read_req", "_write", "_write_req"})
                out[dev + counter] = nullptr;
        }
        if (uptime)
            out["uptime"] = *uptime;
        return resp.json(out);
    }
    json cpus = json::array();
    for (int cpu = 0; cpu < s.flavor.vcpus; ++cpu)
        cpus.push_back({{"id", cpu}, {"time", nullptr}, {"utilisation", nullptr}});
    json nics = json::array();
    for (const auto& mac : macs) {
        json nic = {{"mac_address", mac.empty() ? json(nullptr) : json(mac)}};
        for (const char* counter : {"rx_octets", "rx_errors", "rx_drop", "rx_packets", "rx_rate", "tx_octets",
                                    "tx_errors", "tx_drop", "tx_packets", "tx_rate"})
            nic[counter] = nullptr;
        nics.push_back(std::move(nic));
    }
    json disk_details = json::array();
    for (std::size_t d = 0; d < disks; ++d)
        disk_details.push_back({{"read_bytes", nullptr},
                                {"read_requests", nullptr},
                                {"write_bytes", nullptr},
                                {"write_requests", nullptr},
                                {"errors_count", nullptr}});
    resp.json({{"state", power_state_name(s.power_state)},
               {"driver", "libvirt"},
               {"hypervisor", nullptr},
               {"hypervisor_os", nullptr},
               {"uptime", uptime ? json(*uptime) : json(nullptr)},
               {"config_drive", false},
               {"num_cpus", s.flavor.vcpus},
               {"num_nics", nics.size()},
               {"num_disks", disks},
               {"memory_details", {{"maximum", s.flavor.ram}, {"used", nullptr}}},
               {"cpu_details", std::move(cpus)},
               {"nic_details", std::move(nics)},
               {"disk_details", std::move(disk_details)}});
}

void show_password(const Driver& driver, const Request& req, Response& resp)
{
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    resp.json({{"password", driver.serverPassword(req.context(), s.id)}});
}

void clear_password(const Driver& driver, const Request& req, Response& resp)
{
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    driver.serverPasswordClear(req.context(), s.id);
    resp.status = 204;
    resp.clear_body();
}

// The event names Nova takes, by the microversion that added them.
bool event_name_known(const Request& req, const std::string& name)
{
    static const std::pair<const char*, int> kNames[] = {{"network-changed", 1},
                                                         {"network-vif-plugged", 1},
                                                         {"network-vif-unplugged", 1},
                                                         {"network-vif-deleted", 1},
                                                         {"volume-extended", 51},
                                                         {"power-update", 76},
                                                         {"accelerator-request-bound", 82},
                                                         {"volume-reimaged", 93}};
    for (const auto& [known, minor] : kNames)
        if (name == known)
            return req.version().at_least(2, minor);
    return false;
}

/*
 * external_events: what Neutron and Cinder tell Nova of a server (a port plugged, a volume extended). Each event
 * answers for itself: 200 when its server is found on a host, 404 when there is no such server, 422 while it has
 * no host yet; the request 200 when all were taken, 207 when some, 404 when none. The local cloud's servers change
 * on their own clock, so an event taken has nothing left to wake.
 */
void external_events(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("events") || !body["events"].is_array() || body["events"].empty())
        throw BadRequest("Invalid input for field/attribute events: 'events' is a required non-empty array.");
    for (const auto& [key, value] : body.items())
        if (key != "events")
            throw BadRequest("Additional properties are not allowed ('" + key + "' was unexpected)");
    json out = json::array();
    std::size_t taken = 0;
    for (const auto& e : body["events"]) {
        if (!e.is_object() || !e.contains("name") || !e.contains("server_uuid") || !e["name"].is_string() ||
            !e["server_uuid"].is_string())
            throw BadRequest("Invalid input for field/attribute events: an event needs a 'name' and a "
                             "'server_uuid'.");
        for (const auto& [key, value] : e.items())
            if (key != "name" && key != "server_uuid" && key != "status" && key != "tag")
                throw BadRequest("Additional properties are not allowed ('" + key + "' was unexpected)");
        const std::string& name = e["name"].get_ref<const std::string&>();
        if (!event_name_known(req, name))
            throw BadRequest("Invalid input for field/attribute name. Value: " + name + ".");
        std::string status = "completed";
        if (e.contains("status")) {
            if (!e["status"].is_string() ||
                (e["status"] != "failed" && e["status"] != "completed" && e["status"] != "in-progress"))
                throw BadRequest("Invalid input for field/attribute status. Value: " + e["status"].dump() + ".");
            status = e["status"];
        }
        if (e.contains("tag") && (!e["tag"].is_string() || e["tag"].get_ref<const std::string&>().size() > 255))
            throw BadRequest("Invalid input for field/attribute tag.");
        json view = {{"name", name}, {"server_uuid", e["server_uuid"]}, {"status", status}};
        if (e.contains("tag"))
            view["tag"] = e["tag"];
        try {
            Server s = driver.serverGet(req.context(), e["server_uuid"]);
            view["code"] = s.host.empty() ? 422 : 200;
            if (s.host.empty())
                view["status"] = "failed";
        } catch (const NotFound&) {
            view["code"] = 404;
            view["status"] = "failed";
        }
        if (view["code"] == 200)
            ++taken;
        out.push_back(std::move(view));
    }
    resp.status = taken == out.size() ? 200 : taken > 0 ? 207 : 404;
    resp.json({{"events", std::move(out)}});
}

// A flavor's id as Nova's integer instance type id, when it is one.
json instance_type_id(const std::string& flavor_id)
{
    if (flavor_id.empty() || flavor_id.size() > 18 || flavor_id.find_first_not_of("0123456789") != std::string::npos)
        return nullptr;
    return std::stoll(flavor_id);
}

json migration_view(const Request& req, const Migration& m)
{
    auto or_null = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
    json view = {{"id", m.id},
                 {"status", m.status},
                 {"instance_uuid", m.server_id},
                 {"source_node", or_null(m.source_node)},
                 {"source_compute", or_null(m.source_compute)},
                 {"dest_node", or_null(m.dest_node)},
                 {"dest_compute", or_null(m.dest_compute)},
                 {"dest_host", or_null(m.dest_host)},
                 {"old_instance_type_id", instance_type_id(m.old_flavor_id)},
                 {"new_instance_type_id", instance_type_id(m.new_flavor_id)},
                 {"created_at", api::iso_time(m.created_at, false)},
                 {"updated_at", m.updated_at ? json(api::iso_time(*m.updated_at, false)) : json(nullptr)}};
    if (req.version().at_least(2, 23))
        view["migration_type"] = m.migration_type;
    if (req.version().at_least(2, 59))
        view["uuid"] = m.uuid;
    if (req.version().at_least(2, 80)) {
        view["user_id"] = m.user_id;
        view["project_id"] = m.project_id;
    }
    return view;
}

std::optional<std::string> query_of(const Request& req, const char* name)
{
    if (!req.has_query(name))
        return std::nullopt;
    return std::string(req.query(name));
}

void list_migrations(const Driver& driver, const Request& req, Response& resp)
{
    MigrationQuery q;
    q.server_id = query_of(req, "instance_uuid");
    q.status = query_of(req, "status");
    q.migration_type = query_of(req, "migration_type");
    q.host = query_of(req, "host");
    json out = json::array();
    for (const auto& m : driver.migrationList(req.context(), q))
        out.push_back(migration_view(req, m));
    resp.json({{"migrations", std::move(out)}});
}

/*
 * list_server_migrations: a server's live migrations in progress (2.23), the only ones Nova lists here; the
 * local cloud is one host and refuses live migrations, so its records never hold one, and the list says so.
 */
void list_server_migrations(const Driver& driver, const Request& req, Response& resp)
{
    if (!req.version().at_least(2, 23))
        throw NotFound("The resource could not be found.");
    Server s = driver.serverGet(req.context(), req.param("server_id"));
    if (!req.context().is_admin())
        throw Forbidden("Policy doesn't allow os_compute_api:servers:migrations:index to be performed.");
    MigrationQuery q;
    q.server_id = s.id;
    q.migration_type = "live-migration";
    json out = json::array();
    static const std::set<std::string> kInProgress = {"queued", "preparing", "running", "post-migrating"};
    for (const auto& m : driver.migrationList(req.context(), q)) {
        if (!kInProgress.contains(m.status))
            continue;
        json view = {{"id", m.id},
                     {"server_uuid", m.server_id},
                     {"status", m.status},
                     {"source_compute", m.source_compute},
                     {"dest_compute", m.dest_compute},
                     {"source_node", m.source_node},
                     {"dest_node", m.dest_node},
                     {"dest_host", m.dest_host},
                     {"created_at", api::iso_time(m.created_at, false)},
                     {"updated_at", m.updated_at ? json(api::iso_time(*m.updated_at, false)) : json(nullptr)},
                     {"memory_total_bytes", nullptr},
                     {"memory_processed_bytes", nullptr},
                     {"memory_remaining_bytes", nullptr},
                     {"disk_total_bytes", nullptr},
                     {"disk_processed_bytes", nullptr},
                     {"disk_remaining_bytes", nullptr}};
        if (req.version().at_least(2, 59))
            view["uuid"] = m.uuid;
        if (req.version().at_least(2, 80)) {
            view["user_id"] = m.user_id;
            view["project_id"] = m.project_id;
        }
        out.push_back(std::move(view));
    }
    resp.json({{"migrations", std::move(out)}});
}

const Binding<Driver> kExtraBindings[] = {
    {"v2_server_diagnostics", "GET", {Op::serverGet}, show_diagnostics},
    {"v2_server_password", "GET", {Op::serverGet, Op::serverPassword}, show_password},
    {"v2_server_password", "DELETE", {Op::serverGet, Op::serverPasswordClear}, clear_password},
    {"v2_os_server_external_events", "POST", {Op::serverGet}, external_events},
    {"v2_os_migrations", "GET", {Op::migrationList}, list_migrations},
    {"v2_server_migrations", "GET", {Op::serverGet, Op::migrationList}, list_server_migrations},
};

} // namespace

std::span<const Binding<Driver>> server_extra_bindings()
{
    return kExtraBindings;
}

void Driver::serverForceDelete(const Context&, const std::string&) const
{
    throw NotImplemented("serverForceDelete");
}
void Driver::serverRestore(const Context&, const std::string&) const
{
    throw NotImplemented("serverRestore");
}
std::string Driver::serverBackup(const Context&, const std::string&, const Backup&) const
{
    throw NotImplemented("serverBackup");
}
std::string Driver::serverPassword(const Context&, const std::string&) const
{
    throw NotImplemented("serverPassword");
}
void Driver::serverPasswordClear(const Context&, const std::string&) const
{
    throw NotImplemented("serverPasswordClear");
}
QuotaSet Driver::quotaClassGet(const Context&, const std::string&) const
{
    throw NotImplemented("quotaClassGet");
}
QuotaSet Driver::quotaClassSet(const Context&, const std::string&, const QuotaSet&) const
{
    throw NotImplemented("quotaClassSet");
}
std::vector<Migration> Driver::migrationList(const Context&, const MigrationQuery&) const
{
    throw NotImplemented("migrationList");
}

} // namespace jumpgate::compute
