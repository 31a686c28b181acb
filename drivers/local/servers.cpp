// SPDX-License-Identifier: Apache-2.0
// The local cloud's servers, keypairs and quotas; a server's state follows from its task's end time, not a thread.
#include "local.hpp"

#include <unistd.h>

#include <stdexcept>
#include <variant>

#include <jumpgate/fault.hpp>
#include <jumpgate/regex.hpp>

namespace jumpgate::local {

namespace {

using compute::Flavor;
using compute::Server;

const compute::QuotaSet kDefaultQuotas = {{"instances", 10},
                                          {"cores", 20},
                                          {"ram", 51200},
                                          {"key_pairs", 100},
                                          {"metadata_items", 128},
                                          {"server_groups", 10},
                                          {"server_group_members", 10},
                                          {"injected_files", 5},
                                          {"injected_file_content_bytes", 10240},
                                          {"injected_file_path_bytes", 255},
                                          {"fixed_ips", -1},
                                          {"floating_ips", 10},
                                          {"security_groups", 10},
                                          {"security_group_rules", 20},
                                          {"networks", 3}};

json flavor_json(const Flavor& f)
{
    return {{"id", f.id},     {"name", f.name},           {"vcpus", f.vcpus}, {"ram", f.ram},
            {"disk", f.disk}, {"ephemeral", f.ephemeral}, {"swap", f.swap},   {"extra_specs", f.extra_specs}};
}

Flavor flavor_of_json(const std::string& text)
{
    json j = json::parse(text);
    Flavor f;
    f.id = j.value("id", "");
    f.name = j.value("name", "");
    f.vcpus = j.value("vcpus", 1);
    f.ram = j.value("ram", 0LL);
    f.disk = j.value("disk", 0LL);
    f.ephemeral = j.value("ephemeral", 0LL);
    f.swap = j.value("swap", 0LL);
    f.extra_specs = j.value("extra_specs", std::map<std::string, std::string>{});
    return f;
}

constexpr const char* kServerColumns =
    "SELECT id, name, project_id, user_id, vm_state, task_state, power_state, task_until, next_vm_state, "
    "next_power_state, image_id, flavor_json, key_name, availability_zone, metadata_json, tags_json, "
    "security_groups_json, access_ipv4, access_ipv6, description, user_data, host, locked, locked_reason, "
    "created_at, updated_at, launched_at, fault_json, "
    "(SELECT group_id FROM server_group_members m WHERE m.server_id = servers.id), auto_disk_config FROM servers";

// The state a server is in now: a task whose time is up has ended.
constexpr const char* kEffectiveState =
    "(CASE WHEN task_state IS NOT NULL AND task_until <= ? THEN next_vm_state ELSE vm_state END)";

Server server_of(const Statement& s)
{
    Server v;
    v.id = s.text(0);
    v.name = s.text(1);
    v.project_id = s.text(2);
    v.user_id = s.text(3);
    v.vm_state = s.text(4);
    if (!s.is_null(5))
        v.task_state = s.text(5);
    v.power_state = static_cast<int>(s.integer(6));
    std::int64_t until = s.integer(7);
    v.image_id = s.text(10);
    // The servers of a list mostly share one flavor: its snapshot is parsed once per run of equal rows.
    thread_local std::string last_flavor_text;
    thread_local Flavor last_flavor;
    if (std::string text = s.text(11); text != last_flavor_text) {
        last_flavor = flavor_of_json(text);
        last_flavor_text = std::move(text);
    }
    v.flavor = last_flavor;
    if (!s.is_null(12))
        v.key_name = s.text(12);
    v.availability_zone = s.text(13);
    if (std::string text = s.text(14); text != "{}")
        v.metadata = json::parse(text).get<std::map<std::string, std::string>>();
    if (std::string text = s.text(15); text != "[]")
        v.tags = json::parse(text).get<std::vector<std::string>>();
    if (std::string text = s.text(16); text != "[]")
        v.security_groups = json::parse(text).get<std::vector<std::string>>();
    v.access_ipv4 = s.text(17);
    v.access_ipv6 = s.text(18);
    if (!s.is_null(19))
        v.description = s.text(19);
    v.user_data = s.text(20);
    v.host = s.text(21);
    v.locked = s.integer(22) != 0;
    if (!s.is_null(23))
        v.locked_reason = s.text(23);
    v.created_at = s.integer(24);
    v.updated_at = s.integer(25);
    if (!s.is_null(26))
        v.launched_at = s.integer(26);
    if (!s.is_null(27)) {
        json fault = json::parse(s.text(27));
        v.fault = compute::ServerFault{fault.value("code", 500), fault.value("message", ""),
                                       fault.value("created", std::int64_t{0})};
    }
    if (!s.is_null(28))
        v.server_group = s.text(28);
    v.auto_disk_config = s.integer(29) != 0;
    if (v.task_state && until <= unix_now()) {
        v.vm_state = s.text(8);
        v.power_state = static_cast<int>(s.integer(9));
        v.updated_at = std::max(v.updated_at, until);
        if (*v.task_state == "spawning" || *v.task_state == "scheduling")
            v.launched_at = until;
        v.task_state.reset();
    }
    v.progress = v.vm_state == "building" ? 50 : (v.vm_state == "active" ? 100 : 0);
    return v;
}

// REGEXP for SQLite: POSIX extended, as Nova matches the name filter; the compiled pattern is kept per statement.
void regexp(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    auto* re = static_cast<Regex*>(sqlite3_get_auxdata(ctx, 0));
    if (!re) {
        const char* pattern = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        try {
            re = new Regex(pattern ? pattern : "");
        } catch (const std::invalid_argument&) {
            sqlite3_result_error(ctx, "invalid regular expression", -1);
            return;
        }
        sqlite3_set_auxdata(ctx, 0, re, [](void* p) { delete static_cast<Regex*>(p); });
        re = static_cast<Regex*>(sqlite3_get_auxdata(ctx, 0));
        if (!re) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
    }
    const char* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    sqlite3_result_int(ctx, text && re->search(text) ? 1 : 0);
}

std::string hostname()
{
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    return host;
}

} // namespace

Compute::Compute(std::shared_ptr<Database> db, std::string image_store, int build_seconds,
                 std::shared_ptr<const Volume> volumes, std::shared_ptr<const network::Driver> network,
                 int reclaim_seconds)
    : db_(std::move(db)), image_store_(std::move(image_store)), host_(hostname()), build_seconds_(build_seconds),
      volumes_(std::move(volumes)), network_(std::move(network)),
      images_(std::make_shared<const Image>(db_, image_store_)), reclaim_seconds_(reclaim_seconds),
      quotas_(*db_, "compute_quotas", kDefaultQuotas), flavor_generation_(*db_, "flavor_generation")
{
    sqlite3_create_function(db_->handle(), "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, regexp, nullptr,
                            nullptr);
}

std::vector<Server> Compute::serverList(const Context& ctx, const compute::ServerQuery& q) const
{
    using Value = std::variant<std::string, long long>;
    std::vector<Value> values;
    // A soft-deleted server whose reclaim time is over is gone, whether or not its row is purged yet.
    std::string where = " WHERE (soft_deleted_at IS NULL OR soft_deleted_at > ?)";
    values.emplace_back(static_cast<long long>(unix_now() - reclaim_seconds_));
    if (!q.all_projects || !ctx.is_admin()) {
        where += " AND project_id = ?";
        values.emplace_back(ctx.project_id);
    } else if (q.project_id) {
        where += " AND project_id = ?";
        values.emplace_back(*q.project_id);
    }
    if (q.vm_state) {
        where += std::string(" AND ") + kEffectiveState + " = ?";
        values.emplace_back(static_cast<long long>(unix_now()));
        values.emplace_back(*q.vm_state);
    }
    if (q.host) {
        where += " AND host = ?";
        values.emplace_back(*q.host);
    }
    if (q.image_id) {
        where += " AND image_id = ?";
        values.emplace_back(*q.image_id);
    }
    if (q.flavor_id) {
        where += " AND json_extract(flavor_json, '$.id') = ?";
        values.emplace_back(*q.flavor_id);
    }
    if (q.name_regex) {
        where += " AND name REGEXP ?";
        values.emplace_back(*q.name_regex);
    }
    if (q.availability_zone) {
        where += " AND availability_zone REGEXP ?";
        values.emplace_back(*q.availability_zone);
    }
    if (q.ip) {
        // Nova's ip filter is a regular expression on any of a server's addresses.
        where += " AND id IN (SELECT value FROM json_each(?))";
        values.emplace_back(servers_with_address(ctx, *q.ip).dump());
    }
    if (q.changes_since) {
        where += " AND MAX(updated_at, CASE WHEN task_state IS NOT NULL THEN task_until ELSE 0 END) >= ?";
        values.emplace_back(static_cast<long long>(*q.changes_since));
    }
    if (!q.marker.empty()) {
        Server marker;
        try {
            marker = serverGet(ctx, q.marker);
        } catch (const NotFound&) {
            throw BadRequest("marker [" + q.marker + "] not found");
        }
        // Servers made in the same second keep the order they were made in: rowid grows with each.
        where += " AND (created_at, rowid) < (SELECT created_at, rowid FROM servers WHERE id = ?)";
        values.emplace_back(marker.id);
    }
    std::string sql = std::string(kServerColumns) + where + " ORDER BY created_at DESC, rowid DESC";
    if (q.limit)
        sql += " LIMIT " + std::to_string(q.limit);
    Statement s(*db_, sql);
    int i = 1;
    for (const auto& v : values) {
        if (const auto* text = std::get_if<std::string>(&v))
            s.bind(i++, *text);
        else
            s.bind(i++, std::get<long long>(v));
    }
    std::vector<Server> out;
    while (s.step())
        out.push_back(server_of(s));
    add_volumes(out);
    add_addresses(ctx, out);
    return out;
}

// The volumes attached to each of `servers`, in one query for the whole page.
void Compute::add_volumes(std::vector<Server>& servers) const
{
    if (servers.empty())
        return;
    json ids = json::array();
    for (const auto& server : servers)
        ids.push_back(server.id);
    // An attachment the attachments API has only reserved or is connecting is not the server's volume yet.
    Statement s(*db_, "SELECT server_id, volume_id, delete_on_termination FROM volume_attachments WHERE server_id IN "
                      "(SELECT value FROM json_each(?)) AND attach_status = 'attached' ORDER BY attached_at, rowid");
    s.bind(1, ids.dump());
    while (s.step())
        for (auto& server : servers)
            if (server.id == s.text(0))
                server.volumes_attached.push_back({s.text(1), s.integer(2) != 0});
}

Server Compute::serverGet(const Context& ctx, const std::string& server_id) const
{
    std::vector<Server> one;
    {
        // Finished before the addresses are read: the network may write then (an admin's first look at a
        // project's ports makes its default security group), and a write must not begin under a read.
        Statement s(*db_, std::string(kServerColumns) + " WHERE id = ? AND (project_id = ? OR ?) AND "
                                                        "(soft_deleted_at IS NULL OR soft_deleted_at > ?)");
        s.bind(1, server_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
        s.bind(4, static_cast<long long>(unix_now() - reclaim_seconds_));
        if (!s.step())
            throw NotFound("Instance " + server_id + " could not be found.");
        one.push_back(server_of(s));
    }
    add_volumes(one);
    add_addresses(ctx, one);
    return one.front();
}

compute::QuotaSet Compute::quotaGet(const Context& ctx, const std::string& project_id) const
{
    return quotas_.get(project_id, quotaDefaults(ctx));
}

compute::QuotaSet Compute::quotaDefaults(const Context& ctx) const
{
    return quotaClassGet(ctx, "default");
}

compute::QuotaSet Compute::quotaClassGet(const Context&, const std::string& class_name) const
{
    // Built in, then what the default class changes, then what this class does (Nova reads the others' for nobody).
    compute::QuotaSet out = quotas_.defaults();
    for (const std::string& name : {std::string("default"), class_name}) {
        Statement s(*db_, "SELECT resource, hard_limit FROM compute_quota_classes WHERE class_name = ?");
        s.bind(1, name);
        while (s.step())
            if (out.contains(s.text(0)))
                out[s.text(0)] = s.integer(1);
    }
    return out;
}

compute::QuotaSet Compute::quotaClassSet(const Context& ctx, const std::string& class_name,
                                         const compute::QuotaSet& changes) const
{
    {
        Transaction tx(*db_);
        for (const auto& [resource, limit] : changes) {
            // A resource the cloud does not count (the network ones are Neutron's) is passed over, as Nova does.
            if (!quotas_.defaults().contains(resource))
                continue;
            Statement s(*db_, "INSERT INTO compute_quota_classes (class_name, resource, hard_limit) VALUES (?, ?, ?) "
                              "ON CONFLICT (class_name, resource) DO UPDATE SET hard_limit = excluded.hard_limit");
            s.bind(1, class_name).bind(2, resource).bind(3, limit);
            s.step();
        }
        tx.commit();
    }
    return quotaClassGet(ctx, class_name);
}

compute::QuotaSet Compute::quotaSet(const Context& ctx, const std::string& project_id,
                                    const compute::QuotaSet& changes) const
{
    quotas_.set(project_id, changes);
    return quotaGet(ctx, project_id);
}

void Compute::quotaReset(const Context&, const std::string& project_id) const
{
    quotas_.reset(project_id);
}

compute::QuotaSet Compute::quotaUsage(const Context& ctx, const std::string& project_id) const
{
    compute::QuotaSet used = {{"instances", 0}, {"cores", 0}, {"ram", 0}};
    Statement s(*db_, "SELECT COUNT(*), COALESCE(SUM(json_extract(flavor_json, '$.vcpus')), 0), "
                      "COALESCE(SUM(json_extract(flavor_json, '$.ram')), 0) FROM servers WHERE project_id = ? AND "
                      "(soft_deleted_at IS NULL OR soft_deleted_at > ?)");
    // A soft-deleted server counts until it is reclaimed, as in Nova, where a restore must not need new quota.
    s.bind(1, project_id).bind(2, static_cast<long long>(unix_now() - reclaim_seconds_));
    if (s.step()) {
        used["instances"] = s.integer(0);
        used["cores"] = s.integer(1);
        used["ram"] = s.integer(2);
    }
    Statement k(*db_, "SELECT COUNT(*) FROM keypairs WHERE user_id = ?");
    k.bind(1, ctx.user_id);
    if (k.step())
        used["key_pairs"] = k.integer(0);
    return used;
}

Server Compute::serverCreate(const Context& ctx, const Server& server, const json& networks) const
{
    reclaim(ctx);
    // Ports and volumes first: what it is given must be free, what it asks for is made before the server is.
    make_ports(ctx, server, networks);
    std::vector<std::pair<std::string, const compute::BlockDevice*>> volumes;
    try {
        volumes = volumes_for(ctx, server);
    } catch (...) {
        if (network_)
            network_->serverPortsDelete(ctx, server.id);
        throw;
    }
    auto give_back = [&] {
        for (const auto& [volume_id, device] : volumes)
            if (device->source_type != "volume")
                volumes_->volumeDelete(ctx, volume_id);
        if (network_)
            network_->serverPortsDelete(ctx, server.id);
    };
    try {
        snapshots_finish(*db_);
        Transaction tx(*db_);
        if (!server.image_id.empty()) {
            Statement image(*db_, "SELECT min_ram, min_disk FROM images WHERE id = ? AND status = 'active' AND "
                                  "(visibility IN ('public', 'community') OR owner = ? OR ? OR EXISTS "
                                  "(SELECT 1 FROM image_members m WHERE m.image_id = images.id AND m.member_id = ?))");
            image.bind(1, server.image_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
            image.bind(4, ctx.project_id);
            if (!image.step())
                throw BadRequest("Image " + server.image_id + " could not be found.");
            // As Nova: the flavor must give the image the RAM and disk it says it needs (a flavor of disk 0 grows).
            if (server.flavor.ram < image.integer(0))
                throw BadRequest("Flavor's memory is too small for requested image.");
            if (server.flavor.disk > 0 && server.flavor.disk < image.integer(1))
                throw BadRequest("Flavor's disk is too small for requested image. Flavor disk is " +
                                 std::to_string(server.flavor.disk * 1073741824LL) +
                                 " bytes, minimum requested disk "
                                 "is " +
                                 std::to_string(image.integer(1) * 1073741824LL) + " bytes.");
        }
        auto limits = quotaGet(ctx, server.project_id);
        auto used = quotaUsage(ctx, server.project_id);
        for (auto [resource, wanted] : {std::pair<const char*, long long>{"instances", 1},
                                        {"cores", server.flavor.vcpus},
                                        {"ram", server.flavor.ram}})
            if (limits[resource] >= 0 && used[resource] + wanted > limits[resource])
                throw Forbidden(std::string("Quota exceeded for ") + resource + ": Requested " +
                                std::to_string(wanted) + ", but already used " + std::to_string(used[resource]) +
                                " of " + std::to_string(limits[resource]) + " " + resource);
        std::int64_t t = unix_now();
        std::optional<compute::ServerFault> no_host =
            server.server_group ? place_in_group(ctx, *server.server_group, limits, t) : std::nullopt;
        // A server the scheduler could not place is in ERROR at once, with no host and nothing attached.
        Statement s(*db_, no_host ? "INSERT INTO servers (id, name, project_id, user_id, vm_state, task_state, "
                                    "power_state, task_until, next_vm_state, next_power_state, image_id, flavor_json, "
                                    "key_name, availability_zone, metadata_json, tags_json, security_groups_json, "
                                    "networks_json, access_ipv4, access_ipv6, description, user_data, host, "
                                    "created_at, updated_at, fault_json) "
                                    "VALUES (?, ?, ?, ?, 'error', NULL, 0, ?, NULL, 0, ?, ?, ?, ?, ?, ?, ?, ?, "
                                    "?, ?, ?, ?, '', ?, ?, ?)"
                                  : "INSERT INTO servers (id, name, project_id, user_id, vm_state, task_state, "
                                    "power_state, task_until, next_vm_state, next_power_state, image_id, flavor_json, "
                                    "key_name, availability_zone, metadata_json, tags_json, security_groups_json, "
                                    "networks_json, access_ipv4, access_ipv6, description, user_data, host, "
                                    "created_at, updated_at) "
                                    "VALUES (?, ?, ?, ?, 'building', 'spawning', 0, ?, 'active', 1, ?, ?, ?, ?, ?, ?, "
                                    "?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, server.id).bind(2, server.name).bind(3, server.project_id).bind(4, server.user_id);
        s.bind(5, static_cast<long long>(ready_at(build_seconds_)));
        s.bind(6, server.image_id).bind(7, flavor_json(server.flavor).dump());
        if (server.key_name)
            s.bind(8, *server.key_name);
        else
            s.bind_null(8);
        s.bind(9, server.availability_zone).bind(10, json(server.metadata).dump()).bind(11, json(server.tags).dump());
        s.bind(12, json(server.security_groups).dump()).bind(13, networks.dump());
        s.bind(14, server.access_ipv4).bind(15, server.access_ipv6);
        if (server.description)
            s.bind(16, *server.description);
        else
            s.bind_null(16);
        s.bind(17, server.user_data);
        if (no_host) {
            s.bind(18, static_cast<long long>(t)).bind(19, static_cast<long long>(t));
            s.bind(20,
                   json{{"code", no_host->code}, {"message", no_host->message}, {"created", no_host->created}}.dump());
        } else {
            s.bind(18, host_).bind(19, static_cast<long long>(t)).bind(20, static_cast<long long>(t));
        }
        s.step();
        if (server.auto_disk_config) {
            Statement d(*db_, "UPDATE servers SET auto_disk_config = 1 WHERE id = ?");
            d.bind(1, server.id);
            d.step();
        }
        if (server.server_group) {
            Statement member(*db_, "INSERT INTO server_group_members (server_id, group_id) VALUES (?, ?)");
            member.bind(1, server.id).bind(2, *server.server_group);
            member.step();
        }
        Statement usage(*db_, "INSERT INTO server_usage (server_id, project_id, user_id, name, flavor_json, "
                              "started_at) VALUES (?, ?, ?, ?, ?, ?)");
        usage.bind(1, server.id).bind(2, server.project_id).bind(3, server.user_id).bind(4, server.name);
        usage.bind(5, flavor_json(server.flavor).dump()).bind(6, static_cast<long long>(t));
        usage.step();
        // The volumes are the server's from now: in use once they and it are built.
        char next_device = 'b';
        for (const auto& [volume_id, device] : no_host ? decltype(volumes){} : volumes) {
            std::string name = device->boot_index == 0        ? "/dev/vda"
                               : !device->device_name.empty() ? device->device_name
                                                              : std::string("/dev/vd") + next_device++;
            if (name.rfind("/dev/", 0) != 0)
                name = "/dev/" + name;
            Statement a(*db_, "INSERT INTO volume_attachments (id, volume_id, server_id, device, host, mode, "
                              "attached_at, delete_on_termination) VALUES (?, ?, ?, ?, ?, 'rw', ?, ?)");
            a.bind(1, new_uuid()).bind(2, volume_id).bind(3, server.id).bind(4, name).bind(5, host_);
            a.bind(6, static_cast<long long>(t)).bind(7, device->delete_on_termination ? 1LL : 0LL);
            a.step();
            Statement u(*db_, "UPDATE volumes SET "
                              "status = CASE WHEN status = 'available' THEN 'in-use' ELSE status END, "
                              "next_status = CASE WHEN status = 'available' THEN NULL ELSE 'in-use' END, "
                              "updated_at = ? WHERE id = ?");
            u.bind(1, static_cast<long long>(t)).bind(2, volume_id);
            u.step();
        }
        record(server.id, "create", ctx);
        tx.commit();
        if (no_host)
            give_back();
    } catch (...) {
        give_back();
        throw;
    }
    return serverGet(ctx, server.id);
}

// The volumes a new server's block devices name or ask for, checked (or made) before the server is recorded.
std::vector<std::pair<std::string, const compute::BlockDevice*>> Compute::volumes_for(const Context& ctx,
                                                                                      const Server& server) const
{
    std::vector<std::pair<std::string, const compute::BlockDevice*>> out;
    try {
        for (const auto& d : server.block_devices) {
            if (d.destination_type != "volume")
                continue;
            if (!volumes_)
                throw BadRequest("Block Device Mapping is Invalid: this cloud has no volumes.");
            if (d.source_type == "volume") {
                volume::Volume v;
                try {
                    v = volumes_->volumeGet(ctx, d.uuid);
                } catch (const NotFound&) {
                    throw BadRequest("Block Device Mapping is Invalid: failed to get volume " + d.uuid + ".");
                }
                if (v.status != "available")
                    throw BadRequest("Invalid volume: volume " + v.id + " status must be 'available'. Currently in '" +
                                     v.status + "'");
                // Nova boots only from a volume Cinder marks bootable (one made from an image is).
                if (d.boot_index == 0 && !v.bootable)
                    throw BadRequest("Block Device " + v.id + " is not bootable.");
                out.emplace_back(v.id, &d);
                continue;
            }
            volume::Volume v;
            v.id = new_uuid();
            v.project_id = server.project_id;
            v.user_id = server.user_id;
            v.name = "";
            v.availability_zone = server.availability_zone;
            if (d.source_type == "image")
                v.image_id = d.uuid;
            if (d.source_type == "snapshot") {
                volume::Snapshot snap = volumes_->snapshotGet(ctx, d.uuid);
                v.snapshot_id = snap.id;
                v.size = d.volume_size ? d.volume_size : snap.size;
            } else {
                v.size = d.volume_size;
            }
            try {
                out.emplace_back(volumes_->volumeCreate(ctx, v).id, &d);
            } catch (const NotFound& e) {
                throw BadRequest(std::string("Block Device Mapping is Invalid: ") + e.what());
            }
        }
    } catch (...) {
        for (const auto& [volume_id, device] : out)
            if (device->source_type != "volume")
                volumes_->volumeDelete(ctx, volume_id);
        throw;
    }
    return out;
}

void Compute::record(const std::string& server_id, const std::string& action, const Context& ctx) const
{
    Statement s(*db_, "INSERT INTO instance_actions (server_id, action, request_id, user_id, project_id, start_time) "
                      "VALUES (?, ?, ?, ?, ?, ?)");
    s.bind(1, server_id).bind(2, action).bind(3, ctx.request_id).bind(4, ctx.user_id).bind(5, ctx.project_id);
    s.bind(6, static_cast<long long>(unix_now()));
    s.step();
}

Server Compute::serverUpdate(const Context& ctx, const Server& server) const
{
    Statement s(*db_, "UPDATE servers SET name = ?, description = ?, access_ipv4 = ?, access_ipv6 = ?, "
                      "metadata_json = ?, tags_json = ?, locked = ?, locked_reason = ?, updated_at = ?, "
                      "auto_disk_config = ? WHERE id = ?");
    s.bind(1, server.name);
    if (server.description)
        s.bind(2, *server.description);
    else
        s.bind_null(2);
    s.bind(3, server.access_ipv4).bind(4, server.access_ipv6);
    s.bind(5, json(server.metadata).dump()).bind(6, json(server.tags).dump());
    s.bind(7, server.locked ? 1LL : 0LL);
    if (server.locked_reason)
        s.bind(8, *server.locked_reason);
    else
        s.bind_null(8);
    s.bind(9, static_cast<long long>(unix_now())).bind(10, server.auto_disk_config ? 1LL : 0LL).bind(11, server.id);
    s.step();
    return serverGet(ctx, server.id);
}

/*
 * serverDelete: as Nova with reclaim_instance_interval set, a server that was launched is deleted softly: it stays,
 * SOFT_DELETED and powered off, holding what it held, until the interval is over or it is force-deleted; restore
 * brings it back. A server never launched, or any with the interval 0, goes at once.
 */
void Compute::serverDelete(const Context& ctx, const std::string& server_id) const
{
    reclaim(ctx);
    if (reclaim_seconds_ > 0) {
        Transaction tx(*db_);
        Server s = serverGet(ctx, server_id);
        if (s.launched_at && s.vm_state != "soft-delete") {
            Statement u(*db_, "UPDATE servers SET vm_state = 'soft-delete', task_state = NULL, task_until = 0, "
                              "power_state = ?, soft_deleted_at = ?, updated_at = ? WHERE id = ?");
            u.bind(1, static_cast<long long>(4)).bind(2, static_cast<long long>(unix_now()));
            u.bind(3, static_cast<long long>(unix_now())).bind(4, s.id);
            u.step();
            record(s.id, "delete", ctx);
            tx.commit();
            return;
        }
        if (s.vm_state == "soft-delete")
            return;
    }
    purge(ctx, server_id);
    record(server_id, "delete", ctx);
}

void Compute::serverForceDelete(const Context& ctx, const std::string& server_id) const
{
    purge(ctx, server_id);
    record(server_id, "forceDelete", ctx);
}

void Compute::serverRestore(const Context& ctx, const std::string& server_id) const
{
    transition(ctx, server_id, {"restore", {"soft-delete"}, "restoring", "active", 1});
    Statement u(*db_, "UPDATE servers SET soft_deleted_at = NULL WHERE id = ?");
    u.bind(1, server_id);
    u.step();
}

void Compute::reclaim(const Context& ctx) const
{
    if (reclaim_seconds_ <= 0)
        return;
    std::vector<std::string> due;
    {
        Statement s(*db_, "SELECT id FROM servers WHERE project_id = ? AND soft_deleted_at <= ?");
        s.bind(1, ctx.project_id).bind(2, static_cast<long long>(unix_now() - reclaim_seconds_));
        while (s.step())
            due.push_back(s.text(0));
    }
    for (const auto& id : due)
        try {
            purge(ctx, id);
        } catch (const NotFound&) {
            // Another worker reclaimed it first.
        }
}

void Compute::purge(const Context& ctx, const std::string& server_id) const
{
    Transaction tx(*db_);
    // A reclaimed server is no longer visible, yet is purged: read it past the soft delete.
    std::optional<std::string> shelved_image;
    {
        Statement found(*db_, "SELECT shelved_image_id FROM servers WHERE id = ? AND (project_id = ? OR ?)");
        found.bind(1, server_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
        if (!found.step())
            throw NotFound("Instance " + server_id + " could not be found.");
        if (!found.is_null(0))
            shelved_image = found.text(0);
    }
    // Its volumes are free again: the ones it alone held become available at once.
    Statement held(*db_, "SELECT volume_id, MAX(delete_on_termination) FROM volume_attachments WHERE server_id = ? "
                         "GROUP BY volume_id");
    held.bind(1, server_id);
    std::vector<std::string> volumes, doomed;
    while (held.step()) {
        volumes.push_back(held.text(0));
        if (held.integer(1))
            doomed.push_back(held.text(0));
    }
    Statement detach(*db_, "DELETE FROM volume_attachments WHERE server_id = ?");
    detach.bind(1, server_id);
    detach.step();
    for (const auto& volume_id : volumes) {
        Statement free(*db_, "UPDATE volumes SET status = 'available', next_status = NULL, status_until = 0, "
                             "updated_at = ? WHERE id = ? AND NOT EXISTS "
                             "(SELECT 1 FROM volume_attachments a WHERE a.volume_id = volumes.id)");
        free.bind(1, static_cast<long long>(unix_now())).bind(2, volume_id);
        free.step();
    }
    Statement ended(*db_, "UPDATE server_usage SET ended_at = ? WHERE server_id = ?");
    ended.bind(1, static_cast<long long>(unix_now())).bind(2, server_id);
    ended.step();
    Statement s(*db_, "DELETE FROM servers WHERE id = ?");
    s.bind(1, server_id);
    s.step();
    tx.commit();
    if (network_)
        network_->serverPortsDelete(ctx, server_id);
    // Nova deletes a shelved server's snapshot with it.
    if (shelved_image)
        try {
            images_->imageDelete(ctx, *shelved_image);
        } catch (const NotFound&) {
        }
    // Volumes that were to go with the server go now; one that cannot (it has snapshots) stays, available.
    for (const auto& volume_id : doomed)
        try {
            volumes_->volumeDelete(ctx, volume_id);
        } catch (const Fault&) {
        }
}

// A port on each network the request names ("auto": the project's own; "none" or nothing on a cloud
// without networks: none). Nova answers a network or address it cannot use with 400.
void Compute::make_ports(const Context& ctx, const Server& server, const json& networks) const
{
    std::vector<network::PortRequest> requests;
    if (networks.is_string() && networks == "auto")
        requests.push_back({"auto", "", ""});
    else if (networks.is_array())
        for (const auto& n : networks) {
            network::PortRequest r;
            r.network_id = n.value("uuid", "");
            r.port_id = n.value("port", "");
            r.fixed_ip = n.value("fixed_ip", "");
            requests.push_back(std::move(r));
        }
    // The groups asked for by name (or id) go on every port; Nova refuses one it cannot find with 400,
    // whether or not the server has a port to put it on.
    bool only_default = std::all_of(server.security_groups.begin(), server.security_groups.end(),
                                    [](const std::string& name) { return name == "default"; });
    if (!network_) {
        if (!requests.empty() && !(requests.size() == 1 && requests.front().network_id == "auto"))
            throw BadRequest("Network " + requests.front().network_id +
                             " could not be found: this cloud has no "
                             "network service.");
        if (!only_default)
            throw BadRequest("Unable to find security_group with name or id '" + server.security_groups.front() +
                             "': this cloud has no network service.");
        return;
    }
    json groups = json::array();
    if (!only_default)
        for (const auto& name : server.security_groups) {
            network::Query q;
            q.filters.emplace_back("name", std::vector<json>{name});
            auto found = network_->list(ctx, "security-groups", q);
            if (found.empty()) {
                q.filters = {{"id", std::vector<json>{name}}};
                found = network_->list(ctx, "security-groups", q);
            }
            if (found.size() != 1)
                throw BadRequest("Unable to find security_group with name or id '" + name + "'");
            if (std::find(groups.begin(), groups.end(), found.front()["id"]) == groups.end())
                groups.push_back(found.front()["id"]);
        }
    try {
        for (const auto& r : requests) {
            network::ServerPort made = network_->serverPortCreate(ctx, server.id, r);
            if (!groups.empty())
                network_->update(ctx, "ports", made.port_id, {{"security_groups", groups}});
        }
    } catch (const NotImplemented&) {
        network_->serverPortsDelete(ctx, server.id);
        throw;
    } catch (const Fault& e) {
        network_->serverPortsDelete(ctx, server.id);
        if (e.status() >= 500)
            throw;
        if (e.status() == 403 || e.status() == 413)
            throw Forbidden(std::string("Quota exceeded for ports: ") + e.what());
        throw BadRequest(e.what());
    } catch (...) {
        network_->serverPortsDelete(ctx, server.id);
        throw;
    }
}

// The addresses of each of `servers`: its ports' fixed IPs and the floating IPs on them, by network name.
void Compute::add_addresses(const Context& ctx, std::vector<Server>& servers) const
{
    if (!network_ || servers.empty())
        return;
    network::Query ports_of;
    std::vector<json> ids;
    for (const auto& server : servers)
        ids.emplace_back(server.id);
    ports_of.filters.emplace_back("device_id", ids);
    ports_of.sort.emplace_back("created_at", true);
    std::vector<json> ports;
    try {
        ports = network_->list(ctx, "ports", ports_of);
    } catch (const NotImplemented&) {
        return;
    }
    if (ports.empty())
        return;
    std::vector<json> network_ids, port_ids;
    for (const auto& p : ports) {
        network_ids.push_back(p.value("network_id", ""));
        port_ids.push_back(p.value("id", ""));
    }
    network::Query nets;
    nets.filters.emplace_back("id", network_ids);
    std::map<std::string, std::string> names;
    for (const auto& n : network_->list(ctx, "networks", nets))
        names[n.value("id", "")] = n.value("name", "");
    network::Query fips;
    fips.filters.emplace_back("port_id", port_ids);
    std::map<std::string, std::vector<std::string>> floating;
    for (const auto& f : network_->list(ctx, "floatingips", fips))
        if (f.contains("port_id") && f["port_id"].is_string())
            floating[f["port_id"]].push_back(f.value("floating_ip_address", ""));
    // A server's security groups are its ports' (Nova asks Neutron too), by name, each once.
    std::vector<json> group_ids;
    for (const auto& p : ports)
        for (const auto& g : p.value("security_groups", json::array()))
            group_ids.push_back(g);
    std::map<std::string, std::string> group_names;
    if (!group_ids.empty()) {
        network::Query groups;
        groups.filters.emplace_back("id", group_ids);
        for (const auto& g : network_->list(ctx, "security-groups", groups))
            group_names[g.value("id", "")] = g.value("name", "");
    }
    for (auto& server : servers) {
        std::vector<std::string> groups;
        for (const auto& p : ports) {
            if (p.value("device_id", "") != server.id)
                continue;
            for (const auto& g : p.value("security_groups", json::array())) {
                std::string name = group_names[g.get<std::string>()];
                if (!name.empty() && std::find(groups.begin(), groups.end(), name) == groups.end())
                    groups.push_back(name);
            }
            std::string label = names[p.value("network_id", "")];
            if (label.empty())
                label = p.value("network_id", "");
            std::string mac = p.value("mac_address", "");
            if (p.contains("fixed_ips") && p["fixed_ips"].is_array())
                for (const auto& ip : p["fixed_ips"]) {
                    std::string addr = ip.value("ip_address", "");
                    server.addresses.push_back(
                        {label, addr, addr.find(':') == std::string::npos ? 4 : 6, mac, "fixed"});
                }
            for (const auto& addr : floating[p.value("id", "")])
                server.addresses.push_back({label, addr, addr.find(':') == std::string::npos ? 4 : 6, mac, "floating"});
            server.security_groups = groups;
        }
    }
}

// The ids of the servers `ctx` sees with an address that `pattern` (POSIX extended) finds.
json Compute::servers_with_address(const Context& ctx, const std::string& pattern) const
{
    json ids = json::array();
    if (!network_)
        return ids;
    Regex re(pattern);
    std::vector<json> ports;
    try {
        ports = network_->list(ctx, "ports", network::Query{});
    } catch (const NotImplemented&) {
        return ids;
    }
    for (const auto& p : ports) {
        if (!p.value("device_owner", "").starts_with("compute:") || !p.contains("fixed_ips"))
            continue;
        for (const auto& ip : p["fixed_ips"])
            if (re.search(ip.value("ip_address", "").c_str())) {
                ids.push_back(p.value("device_id", ""));
                break;
            }
    }
    return ids;
}

std::vector<compute::ServerUsage> Compute::usageList(const Context&, const std::optional<std::string>& project_id,
                                                     std::int64_t start, std::int64_t end) const
{
    Statement s(*db_, "SELECT u.server_id, u.name, u.project_id, u.flavor_json, u.started_at, u.ended_at, "
                      "s.vm_state FROM server_usage u LEFT JOIN servers s ON s.id = u.server_id "
                      "WHERE (? IS NULL OR u.project_id = ?) AND u.started_at < ? AND "
                      "(u.ended_at IS NULL OR u.ended_at > ?) ORDER BY u.project_id, u.started_at, u.server_id");
    if (project_id)
        s.bind(1, *project_id).bind(2, *project_id);
    else
        s.bind_null(1).bind_null(2);
    s.bind(3, static_cast<long long>(end)).bind(4, static_cast<long long>(start));
    std::vector<compute::ServerUsage> out;
    while (s.step()) {
        compute::ServerUsage u;
        u.server_id = s.text(0);
        u.name = s.text(1);
        u.project_id = s.text(2);
        u.flavor = flavor_of_json(s.text(3));
        u.started_at = s.integer(4);
        if (!s.is_null(5))
            u.ended_at = s.integer(5);
        u.state = s.is_null(6) ? "terminated" : s.text(6);
        out.push_back(std::move(u));
    }
    return out;
}

namespace {

constexpr int kRunning = 1, kPaused = 3, kShutdown = 4, kSuspended = 7;

} // namespace

Server Compute::transition(const Context& ctx, const std::string& server_id, const Transition& given) const
{
    Transition t = given;
    {
        Transaction tx(*db_);
        Server s = serverGet(ctx, server_id);
        bool allowed = std::find(t.from.begin(), t.from.end(), s.vm_state) != t.from.end();
        if (!allowed || s.task_state)
            throw compute::state_conflict(s, t.action);
        if (t.keeps_power_off && s.power_state == kShutdown && s.vm_state != "error") {
            t.to = t.to == "active" ? "stopped" : t.to;
            t.power_state = kShutdown;
        }
        std::int64_t at = unix_now();
        Statement u(*db_, "UPDATE servers SET vm_state = ?, task_state = ?, power_state = ?, task_until = ?, "
                          "next_vm_state = ?, next_power_state = ?, updated_at = ?, launched_at = ? WHERE id = ?");
        if (t.task_state && build_seconds_ > 0) {
            u.bind(1, s.vm_state).bind(2, *t.task_state).bind(3, static_cast<long long>(s.power_state));
            u.bind(4, static_cast<long long>(ready_at(build_seconds_)));
        } else {
            u.bind(1, t.to).bind_null(2).bind(3, static_cast<long long>(t.power_state)).bind(4, 0LL);
        }
        u.bind(5, t.to).bind(6, static_cast<long long>(t.power_state)).bind(7, static_cast<long long>(at));
        if (s.launched_at)
            u.bind(8, static_cast<long long>(*s.launched_at));
        else
            u.bind_null(8);
        u.bind(9, s.id);
        u.step();
        if (t.flavor) {
            Statement f(*db_, t.keep_old_flavor
                                  ? "UPDATE servers SET old_flavor_json = flavor_json, flavor_json = ? WHERE id = ?"
                                  : "UPDATE servers SET flavor_json = ? WHERE id = ?");
            f.bind(1, flavor_json(*t.flavor).dump()).bind(2, s.id);
            f.step();
        }
        if (t.restore_old_flavor) {
            Statement f(*db_, "UPDATE servers SET flavor_json = COALESCE(old_flavor_json, flavor_json), "
                              "old_flavor_json = NULL WHERE id = ?");
            f.bind(1, s.id);
            f.step();
        }
        if (t.image_id) {
            Statement f(*db_, "UPDATE servers SET image_id = ? WHERE id = ?");
            f.bind(1, *t.image_id).bind(2, s.id);
            f.step();
        }
        record(s.id, t.action, ctx);
        tx.commit();
    }
    return serverGet(ctx, server_id);
}

void Compute::serverReboot(const Context& ctx, const std::string& server_id, bool hard) const
{
    if (hard)
        transition(ctx, server_id,
                   {"reboot",
                    {"active", "stopped", "paused", "suspended", "error"},
                    "reboot_started_hard",
                    "active",
                    kRunning});
    else
        transition(ctx, server_id, {"reboot", {"active"}, "rebooting", "active", kRunning});
}

void Compute::serverStop(const Context& ctx, const std::string& server_id) const
{
    transition(ctx, server_id, {"stop", {"active", "error"}, "powering-off", "stopped", kShutdown});
}

void Compute::serverStart(const Context& ctx, const std::string& server_id) const
{
    transition(ctx, server_id, {"start", {"stopped"}, "powering-on", "active", kRunning});
}

void Compute::serverPause(const Context& ctx, const std::string& server_id) const
{
    transition(ctx, server_id, {"pause", {"active"}, "pausing", "paused", kPaused});
}

void Compute::serverUnpause(const Context& ctx, const std::string& server_id) const
{
    transition(ctx, server_id, {"unpause", {"paused"}, "unpausing", "active", kRunning});
}

void Compute::serverSuspend(const Context& ctx, const std::string& server_id) const
{
    transition(ctx, server_id, {"suspend", {"active"}, "suspending", "suspended", kSuspended});
}

void Compute::serverResume(const Context& ctx, const std::string& server_id) const
{
    transition(ctx, server_id, {"resume", {"suspended"}, "resuming", "active", kRunning});
}

// The rescue system boots with `admin_pass` as its root password; this cloud runs no system to give it to.
void Compute::serverRescue(const Context& ctx, const std::string& server_id, const std::string&) const
{
    transition(ctx, server_id, {"rescue", {"active", "stopped", "error"}, "rescuing", "rescued", kRunning});
}

void Compute::serverUnrescue(const Context& ctx, const std::string& server_id) const
{
    transition(ctx, server_id, {"unrescue", {"rescued"}, "unrescuing", "active", kRunning});
}

/*
 * serverShelve: as Nova, a server booted from an image leaves a snapshot of itself, "<name>-shelved", in the image
 * store, which unshelve boots it from and then deletes; one booted from a volume keeps its volume instead.
 */
void Compute::serverShelve(const Context& ctx, const std::string& server_id) const
{
    Server s = transition(
        ctx, server_id,
        {"shelve", {"active", "stopped", "paused", "suspended"}, "shelving", "shelved_offloaded", kShutdown});
    if (s.image_id.empty())
        return;
    std::string image_id;
    try {
        image_id = snapshot(ctx, s, s.name + "-shelved", {{"image_type", "snapshot"}}, false);
    } catch (const Conflict&) {
        return; // its base image is gone: nothing to take a snapshot of, as for a server booted from a volume
    }
    Statement u(*db_, "UPDATE servers SET shelved_image_id = ? WHERE id = ?");
    u.bind(1, image_id).bind(2, s.id);
    u.step();
}

void Compute::serverShelveOffload(const Context& ctx, const std::string& server_id) const
{
    transition(ctx, server_id, {"shelveOffload", {"shelved"}, "shelving_offloading", "shelved_offloaded", kShutdown});
}

void Compute::serverUnshelve(const Context& ctx, const std::string& server_id) const
{
    transition(ctx, server_id, {"unshelve", {"shelved", "shelved_offloaded"}, "unshelving", "active", kRunning});
    std::optional<std::string> image_id;
    {
        Transaction tx(*db_);
        Statement s(*db_, "SELECT shelved_image_id FROM servers WHERE id = ?");
        s.bind(1, server_id);
        if (s.step() && !s.is_null(0))
            image_id = s.text(0);
        Statement u(*db_, "UPDATE servers SET shelved_image_id = NULL WHERE id = ?");
        u.bind(1, server_id);
        u.step();
        tx.commit();
    }
    if (image_id)
        try {
            images_->imageDelete(ctx, *image_id);
        } catch (const NotFound&) {
            // Its owner deleted it while the server was shelved; Nova goes on as well.
        }
}

// Nova's reset: the state is written as given and the task dropped, the power state left as it was.
void Compute::serverResetState(const Context& ctx, const std::string& server_id, const std::string& vm_state) const
{
    Transaction tx(*db_);
    Server s = serverGet(ctx, server_id);
    Statement u(*db_, "UPDATE servers SET vm_state = ?, task_state = NULL, task_until = 0, power_state = ?, "
                      "updated_at = ? WHERE id = ?");
    u.bind(1, vm_state).bind(2, static_cast<long long>(s.power_state)).bind(3, static_cast<long long>(unix_now()));
    u.bind(4, s.id);
    u.step();
    record(s.id, "resetState", ctx);
    tx.commit();
}

// The local cloud is one host: a server has nowhere to go. The states are checked first, as Nova's API does.
void Compute::serverMigrate(const Context& ctx, const std::string& server_id, const std::optional<std::string>& host,
                            bool live) const
{
    Server s = serverGet(ctx, server_id);
    static const std::vector<std::string> kCold = {"active", "stopped"}, kLive = {"active", "paused"};
    const auto& can = live ? kLive : kCold;
    if (std::find(can.begin(), can.end(), s.vm_state) == can.end() || s.task_state)
        throw compute::state_conflict(s, live ? "os-migrateLive" : "migrate");
    if (host && *host != host_)
        throw BadRequest("Compute host " + *host + " could not be found.");
    if (host)
        throw BadRequest("Unable to migrate instance (" + s.id + ") to current host (" + *host + ").");
    throw BadRequest(std::string("No valid host was found. No valid host found for ") +
                     (live ? "live migration" : "cold migrate"));
}

void Compute::serverResize(const Context& ctx, const std::string& server_id, const Flavor& flavor) const
{
    // As Nova: what the new flavor adds to the project's cores and RAM must fit its quota.
    Server s = serverGet(ctx, server_id);
    auto limits = quotaGet(ctx, s.project_id);
    auto used = quotaUsage(ctx, s.project_id);
    for (auto [resource, wanted] : {std::pair<const char*, long long>{"cores", flavor.vcpus - s.flavor.vcpus},
                                    {"ram", flavor.ram - s.flavor.ram}})
        if (wanted > 0 && limits[resource] >= 0 && used[resource] + wanted > limits[resource])
            throw Forbidden(std::string("Quota exceeded for ") + resource + ": Requested " + std::to_string(wanted) +
                            ", but already used " + std::to_string(used[resource]) + " of " +
                            std::to_string(limits[resource]) + " " + resource);
    Transition t{"resize", {"active", "stopped"}, "resize_prep", "resized", kRunning};
    t.flavor = flavor;
    t.keep_old_flavor = true;
    t.keeps_power_off = true;
    transition(ctx, server_id, t);
    // Nova records a resize as a migration, on this one-host cloud from the host to itself; it is "finished"
    // while the server waits to be confirmed or reverted.
    Statement m(*db_, "INSERT INTO compute_migrations (uuid, server_id, project_id, user_id, migration_type, status, "
                      "source_compute, dest_compute, old_flavor_id, new_flavor_id, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, 'resize', 'finished', ?, ?, ?, ?, ?, ?)");
    auto now = static_cast<long long>(unix_now());
    m.bind(1, new_uuid()).bind(2, s.id).bind(3, s.project_id).bind(4, ctx.user_id).bind(5, host_).bind(6, host_);
    m.bind(7, s.flavor.id).bind(8, flavor.id).bind(9, now).bind(10, now);
    m.step();
}

void Compute::migration_end(const std::string& server_id, const char* status) const
{
    Statement m(*db_, "UPDATE compute_migrations SET status = ?, updated_at = ? WHERE id = (SELECT MAX(id) FROM "
                      "compute_migrations WHERE server_id = ? AND status = 'finished')");
    m.bind(1, status).bind(2, static_cast<long long>(unix_now())).bind(3, server_id);
    m.step();
}

std::vector<compute::Migration> Compute::migrationList(const Context&, const compute::MigrationQuery& q) const
{
    std::string sql = "SELECT id, uuid, server_id, project_id, user_id, migration_type, status, source_compute, "
                      "dest_compute, old_flavor_id, new_flavor_id, created_at, updated_at FROM compute_migrations "
                      "WHERE 1";
    std::vector<std::string> values;
    for (auto [column, value] : {std::pair{"server_id", &q.server_id}, std::pair{"status", &q.status},
                                 std::pair{"migration_type", &q.migration_type}})
        if (*value) {
            sql += std::string(" AND ") + column + " = ?";
            values.push_back(**value);
        }
    if (q.host) {
        sql += " AND (source_compute = ? OR dest_compute = ?)";
        values.push_back(*q.host);
        values.push_back(*q.host);
    }
    Statement s(*db_, sql + " ORDER BY created_at DESC, id DESC");
    for (std::size_t i = 0; i < values.size(); ++i)
        s.bind(static_cast<int>(i + 1), values[i]);
    std::vector<compute::Migration> out;
    while (s.step()) {
        compute::Migration m;
        m.id = s.integer(0);
        m.uuid = s.text(1);
        m.server_id = s.text(2);
        m.project_id = s.text(3);
        m.user_id = s.text(4);
        m.migration_type = s.text(5);
        m.status = s.text(6);
        m.source_compute = m.source_node = s.text(7);
        m.dest_compute = m.dest_node = s.text(8);
        m.dest_host = "127.0.0.1";
        m.old_flavor_id = s.text(9);
        m.new_flavor_id = s.text(10);
        m.created_at = s.integer(11);
        if (!s.is_null(12))
            m.updated_at = s.integer(12);
        out.push_back(std::move(m));
    }
    return out;
}

void Compute::serverConfirmResize(const Context& ctx, const std::string& server_id) const
{
    Transition t{"confirmResize", {"resized"}, std::nullopt, "active", kRunning};
    t.keeps_power_off = true;
    transition(ctx, server_id, t);
    migration_end(server_id, "confirmed");
}

void Compute::serverRevertResize(const Context& ctx, const std::string& server_id) const
{
    Transition t{"revertResize", {"resized"}, "resize_reverting", "active", kRunning};
    t.restore_old_flavor = true;
    t.keeps_power_off = true;
    transition(ctx, server_id, t);
    migration_end(server_id, "reverted");
}

// The new password goes to the server's own system, which this cloud does not run: the action is recorded.
Server Compute::serverRebuild(const Context& ctx, const std::string& server_id, const compute::Rebuild& r) const
{
    Transition t{"rebuild", {"active", "stopped", "error"}, "rebuilding", "active", kRunning};
    t.image_id = r.image_id;
    t.keeps_power_off = true;
    // Refused before the name and metadata change; transition() checks again, with the change of state.
    Server s = serverGet(ctx, server_id);
    if (std::find(t.from.begin(), t.from.end(), s.vm_state) == t.from.end() || s.task_state)
        throw compute::state_conflict(s, t.action);
    if (r.name)
        s.name = *r.name;
    if (r.metadata)
        s.metadata = *r.metadata;
    if (r.description)
        s.description = r.description;
    if (r.auto_disk_config)
        s.auto_disk_config = *r.auto_disk_config;
    serverUpdate(ctx, s);
    return transition(ctx, server_id, t);
}

void Compute::serverLock(const Context& ctx, const std::string& server_id,
                         const std::optional<std::string>& reason) const
{
    Server s = serverGet(ctx, server_id);
    s.locked = true;
    s.locked_reason = reason;
    serverUpdate(ctx, s);
}

void Compute::serverUnlock(const Context& ctx, const std::string& server_id) const
{
    Server s = serverGet(ctx, server_id);
    s.locked = false;
    s.locked_reason.reset();
    serverUpdate(ctx, s);
}

// This cloud runs no system inside its servers to take the password: it checks the state, as Nova does.
void Compute::serverChangePassword(const Context& ctx, const std::string& server_id, const std::string&) const
{
    Server s = serverGet(ctx, server_id);
    if (s.vm_state != "active" || s.task_state)
        throw compute::state_conflict(s, "changePassword");
    record(s.id, "changePassword", ctx);
}

// What a console would show: the server's name, flavor, image and state, and a login prompt.
std::string Compute::serverConsoleOutput(const Context& ctx, const std::string& server_id) const
{
    Server s = serverGet(ctx, server_id);
    if (s.vm_state == "building")
        throw Conflict("Instance " + s.id + " is not ready", "conflictingRequest");
    return "Jumpgate local cloud: console of " + s.name + " (" + s.id + ")\n" + "flavor " + s.flavor.name + ", image " +
           s.image_id + "\n" + "state " + s.vm_state + ", power " + std::to_string(s.power_state) + "\n" + s.name +
           " login: \n";
}

std::vector<compute::InstanceAction> Compute::instanceActionList(const Context& ctx, const std::string& server_id) const
{
    try {
        serverGet(ctx, server_id);
    } catch (const NotFound&) {
        // A server deleted: its actions are its project's (whose member made it) and an admin's to read.
        Statement own(*db_, "SELECT 1 FROM instance_actions WHERE server_id = ? AND action = 'create' AND "
                            "(project_id = ? OR ?) AND NOT EXISTS (SELECT 1 FROM servers WHERE id = ?)");
        own.bind(1, server_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL).bind(4, server_id);
        if (!own.step())
            throw;
    }
    Statement s(*db_, "SELECT action, request_id, user_id, project_id, start_time FROM instance_actions "
                      "WHERE server_id = ? ORDER BY start_time DESC, rowid DESC");
    s.bind(1, server_id);
    std::vector<compute::InstanceAction> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4), s.integer(4)});
    return out;
}

std::string Compute::serverSnapshot(const Context& ctx, const std::string& server_id, const std::string& name,
                                    const std::map<std::string, std::string>& metadata) const
{
    Server server = serverGet(ctx, server_id);
    static const std::vector<std::string> kCan = {"active", "stopped", "paused", "suspended", "shelved"};
    if (std::find(kCan.begin(), kCan.end(), server.vm_state) == kCan.end() || server.task_state)
        throw compute::state_conflict(server, "createImage");
    std::map<std::string, std::string> properties = {{"image_type", "snapshot"}};
    for (const auto& [key, value] : metadata)
        properties[key] = value;
    std::string id = snapshot(ctx, server, name, properties, true);
    record(server.id, "createImage", ctx);
    return id;
}

std::string Compute::serverBackup(const Context& ctx, const std::string& server_id, const compute::Backup& b) const
{
    Server server = serverGet(ctx, server_id);
    static const std::vector<std::string> kCan = {"active", "stopped", "paused", "suspended", "shelved"};
    if (std::find(kCan.begin(), kCan.end(), server.vm_state) == kCan.end() || server.task_state)
        throw compute::state_conflict(server, "createBackup");
    if (server.image_id.empty())
        throw BadRequest("It is not allowed to create a backup of a volume-backed instance " + server.id + ".");
    std::map<std::string, std::string> properties = b.metadata;
    properties["image_type"] = "backup";
    properties["backup_type"] = b.backup_type;
    std::string id = snapshot(ctx, server, b.name, properties, true);
    record(server.id, "createBackup", ctx);
    // The rotation: the newest `rotation` backups of this type of the server stay, the others go.
    std::vector<std::string> old;
    {
        Statement s(*db_, "SELECT i.id FROM images i WHERE i.status <> 'deleted' AND "
                          "EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND p.key = 'image_type' "
                          "AND p.value = 'backup') AND "
                          "EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND p.key = 'backup_type' "
                          "AND p.value = ?) AND "
                          "EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND "
                          "p.key = 'instance_uuid' AND p.value = ?) ORDER BY i.created_at DESC, i.rowid DESC");
        s.bind(1, b.backup_type).bind(2, server.id);
        for (long long kept = 0; s.step(); ++kept)
            if (kept >= b.rotation)
                old.push_back(s.text(0));
    }
    for (const auto& image_id : old)
        try {
            images_->imageDelete(ctx, image_id);
        } catch (const NotFound&) {
        }
    return id;
}

std::string Compute::snapshot(const Context& ctx, const Server& server, const std::string& name,
                              const std::map<std::string, std::string>& given, bool task) const
{
    std::string id = new_uuid();
    std::int64_t t = unix_now();
    // Nova uploads the snapshot while the server shows its task: the image is saving until the task's end.
    bool uploading = task && build_seconds_ > 0;
    std::int64_t until = ready_at(build_seconds_);
    Transaction tx(*db_);
    Statement s(
        *db_, "INSERT INTO images (id, name, status, visibility, protected, owner, disk_format, "
              "container_format, size, checksum, os_hash_algo, os_hash_value, min_disk, min_ram, "
              "created_at, updated_at, location, saving_until) SELECT ?, ?, CASE WHEN ? THEN 'saving' ELSE status END, "
              "'private', 0, ?, disk_format, container_format, size, checksum, os_hash_algo, os_hash_value, "
              "MAX(min_disk, ?), min_ram, ?, ?, location, CASE WHEN ? THEN ? END FROM images "
              "WHERE id = ? AND status <> 'deleted'");
    // As Nova: the snapshot needs the RAM its base image needed, and at least the flavor's disk.
    s.bind(1, id).bind(2, name).bind(3, uploading ? 1LL : 0LL).bind(4, server.project_id).bind(5, server.flavor.disk);
    s.bind(6, static_cast<long long>(t)).bind(7, static_cast<long long>(t));
    s.bind(8, uploading ? 1LL : 0LL).bind(9, static_cast<long long>(until)).bind(10, server.image_id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw Conflict("The image of instance " + server.id + " is gone; it cannot be snapshotted.",
                       "conflictingRequest");
    // Nova's own properties first; the caller's may override them (image_type too).
    std::map<std::string, std::string> properties = {
        {"instance_uuid", server.id}, {"base_image_ref", server.image_id}, {"user_id", ctx.user_id}};
    for (const auto& [key, value] : given)
        properties[key] = value;
    for (const auto& [key, value] : properties) {
        Statement p(*db_, "INSERT INTO image_properties (image_id, key, value) VALUES (?, ?, ?)");
        p.bind(1, id).bind(2, key).bind(3, value);
        p.step();
    }
    // The snapshot's bytes are the base image's: a second link to the same file costs nothing.
    std::string from = image_store_ + "/" + server.image_id;
    std::string to = image_store_ + "/" + id;
    if (access(from.c_str(), F_OK) == 0 && link(from.c_str(), to.c_str()) != 0)
        throw std::runtime_error("cannot link the snapshot's data");
    // Nova's server shows the snapshot's task (image_snapshot) until the image is uploaded: a second createImage
    // meanwhile is refused, and its state afterwards is the one it had.
    // The state stored may be a finished task's start (a new server is "building" until its spawn's time is up):
    // the state it is in now is written, then kept for the snapshot's end.
    if (uploading) {
        Statement u(*db_, "UPDATE servers SET vm_state = ?, power_state = ?, task_state = 'image_snapshot', "
                          "task_until = ?, next_vm_state = ?, next_power_state = ?, launched_at = ? WHERE id = ?");
        u.bind(1, server.vm_state).bind(2, static_cast<long long>(server.power_state));
        u.bind(3, static_cast<long long>(until));
        u.bind(4, server.vm_state).bind(5, static_cast<long long>(server.power_state));
        if (server.launched_at)
            u.bind(6, static_cast<long long>(*server.launched_at));
        else
            u.bind_null(6);
        u.bind(7, server.id);
        u.step();
    }
    tx.commit();
    return id;
}

std::string Compute::serverPassword(const Context& ctx, const std::string& server_id) const
{
    Server server = serverGet(ctx, server_id);
    Statement s(*db_, "SELECT password FROM servers WHERE id = ?");
    s.bind(1, server.id);
    return s.step() && !s.is_null(0) ? s.text(0) : "";
}

void Compute::serverPasswordClear(const Context& ctx, const std::string& server_id) const
{
    Server server = serverGet(ctx, server_id);
    Statement s(*db_, "UPDATE servers SET password = NULL WHERE id = ?");
    s.bind(1, server.id);
    s.step();
}

std::vector<compute::Keypair> Compute::keypairList(const Context&, const std::string& user_id) const
{
    Statement s(*db_, "SELECT id, name, type, public_key, fingerprint, created_at FROM keypairs WHERE user_id = ? "
                      "ORDER BY name");
    s.bind(1, user_id);
    std::vector<compute::Keypair> out;
    while (s.step()) {
        compute::Keypair kp;
        kp.id = s.integer(0);
        kp.name = s.text(1);
        kp.type = s.text(2);
        kp.public_key = s.text(3);
        kp.fingerprint = s.text(4);
        kp.created_at = s.integer(5);
        kp.user_id = user_id;
        out.push_back(std::move(kp));
    }
    return out;
}

compute::Keypair Compute::keypairGet(const Context& ctx, const std::string& user_id, const std::string& name) const
{
    for (auto& kp : keypairList(ctx, user_id))
        if (kp.name == name)
            return kp;
    throw NotFound("Keypair " + name + " not found for user " + user_id);
}

compute::Keypair Compute::keypairCreate(const Context& ctx, const compute::Keypair& kp) const
{
    Statement s(*db_, "INSERT INTO keypairs (user_id, name, type, public_key, fingerprint, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, name) DO NOTHING");
    s.bind(1, kp.user_id).bind(2, kp.name).bind(3, kp.type).bind(4, kp.public_key).bind(5, kp.fingerprint);
    s.bind(6, static_cast<long long>(kp.created_at));
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw Conflict("Key pair '" + kp.name + "' already exists.");
    return keypairGet(ctx, kp.user_id, kp.name);
}

void Compute::keypairDelete(const Context&, const std::string& user_id, const std::string& name) const
{
    Statement s(*db_, "DELETE FROM keypairs WHERE user_id = ? AND name = ?");
    s.bind(1, user_id).bind(2, name);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Keypair " + name + " not found for user " + user_id);
}

} // namespace jumpgate::local
