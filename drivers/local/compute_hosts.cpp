// SPDX-License-Identifier: Apache-2.0
// The local cloud's compute hosts as Nova's admin API shows them: its services, this machine as the hypervisor,
// aggregates.
#include "local.hpp"

#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jumpgate/fault.hpp>

namespace jumpgate::local {

namespace {

// Nova's services on a host of the local cloud: the compute one takes servers, the others schedule and conduct.
constexpr const char* kBinaries[] = {"nova-conductor", "nova-scheduler", "nova-compute"};

constexpr const char* kServiceColumns =
    "SELECT number, id, binary, host, disabled, disabled_reason, forced_down, updated_at FROM compute_services";

long long now()
{
    return static_cast<long long>(unix_now());
}

// hypervisor_version as Nova's drivers write theirs: major * 1000000 + minor * 1000 + micro.
long long version_number()
{
    int major = 0, minor = 0, micro = 0;
    std::sscanf(PACKAGE_VERSION, "%d.%d.%d", &major, &minor, &micro);
    return major * 1000000LL + minor * 1000LL + micro;
}

} // namespace

void Compute::register_services() const
{
    {
        Statement present(*db_, "SELECT COUNT(*) FROM compute_services WHERE host = ?");
        present.bind(1, host_);
        present.step();
        if (present.integer(0) == static_cast<long long>(std::size(kBinaries)))
            return;
    }
    Transaction tx(*db_);
    for (const char* binary : kBinaries) {
        Statement s(*db_, "INSERT OR IGNORE INTO compute_services (id, binary, host, created_at, updated_at) "
                          "VALUES (?, ?, ?, ?, ?)");
        s.bind(1, new_uuid()).bind(2, binary).bind(3, host_).bind(4, now()).bind(5, now());
        s.step();
    }
    tx.commit();
}

std::string Compute::zone_of(const std::string& host) const
{
    Statement s(*db_, "SELECT m.value FROM aggregate_hosts h JOIN aggregate_metadata m "
                      "ON m.aggregate_id = h.aggregate_id AND m.key = 'availability_zone' "
                      "WHERE h.host = ? ORDER BY h.aggregate_id LIMIT 1");
    s.bind(1, host);
    return s.step() ? s.text(0) : "nova";
}

std::vector<compute::ComputeService> Compute::serviceList(const Context&) const
{
    register_services();
    std::vector<compute::ComputeService> services;
    Statement s(*db_, std::string(kServiceColumns) + " ORDER BY number");
    while (s.step()) {
        compute::ComputeService v;
        v.number = s.integer(0);
        v.id = s.text(1);
        v.binary = s.text(2);
        v.host = s.text(3);
        v.enabled = s.integer(4) == 0;
        if (!s.is_null(5))
            v.disabled_reason = s.text(5);
        v.forced_down = s.integer(6) != 0;
        // Only this machine's services run: those of a host the state directory was used on before are down.
        v.up = v.host == host_;
        v.updated_at = v.up ? unix_now() : s.integer(7);
        v.zone = v.binary == "nova-compute" ? zone_of(v.host) : "internal";
        services.push_back(std::move(v));
    }
    return services;
}

compute::ComputeService Compute::serviceUpdate(const Context& ctx, const std::string& service_id,
                                               const compute::ServiceChange& change) const
{
    Transaction tx(*db_);
    Statement s(*db_, "UPDATE compute_services SET disabled = COALESCE(?, disabled), "
                      "disabled_reason = CASE WHEN ? THEN ? ELSE disabled_reason END, "
                      "forced_down = COALESCE(?, forced_down), updated_at = ? WHERE id = ?");
    if (change.enabled)
        s.bind(1, static_cast<long long>(!*change.enabled));
    else
        s.bind_null(1);
    // Enabling clears the reason, as Nova does; disabling sets the one given (or none).
    s.bind(2, static_cast<long long>(change.enabled.has_value()));
    if (change.disabled_reason && change.enabled == false)
        s.bind(3, *change.disabled_reason);
    else
        s.bind_null(3);
    if (change.forced_down)
        s.bind(4, static_cast<long long>(*change.forced_down));
    else
        s.bind_null(4);
    s.bind(5, now()).bind(6, service_id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Service " + service_id + " could not be found.");
    tx.commit();
    for (auto& v : serviceList(ctx))
        if (v.id == service_id)
            return v;
    throw NotFound("Service " + service_id + " could not be found.");
}

std::vector<compute::Hypervisor> Compute::hypervisorList(const Context& ctx) const
{
    std::vector<compute::Hypervisor> hypervisors;
    for (auto& service : serviceList(ctx)) {
        if (service.binary != "nova-compute" || service.host != host_)
            continue;
        compute::Hypervisor h;
        h.id = service.id;
        h.number = service.number;
        h.hostname = service.host;
        h.host_ip = "127.0.0.1";
        h.type = "jumpgate-local";
        h.version = version_number();
        struct utsname uts {};
        h.arch = uname(&uts) == 0 ? uts.machine : "";
        h.vcpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
        struct sysinfo si {};
        if (sysinfo(&si) == 0) {
            h.memory_mb = static_cast<long long>(si.totalram) * si.mem_unit / (1024 * 1024);
            h.booted_at = unix_now() - si.uptime;
        }
        // The servers' disks are files under the image store: its file system is the hypervisor's disk.
        struct statvfs fs {};
        if (statvfs(image_store_.c_str(), &fs) == 0) {
            h.local_gb = static_cast<long long>(fs.f_blocks) * static_cast<long long>(fs.f_frsize) >> 30;
            h.disk_available_least = static_cast<long long>(fs.f_bavail) * static_cast<long long>(fs.f_frsize) >> 30;
        }
        // What the servers placed here hold: a shelved-offloaded one has left the host.
        Statement s(*db_, "SELECT id, name, json_extract(flavor_json, '$.vcpus'), json_extract(flavor_json, '$.ram'), "
                          "json_extract(flavor_json, '$.disk') + json_extract(flavor_json, '$.ephemeral') "
                          "FROM servers WHERE host = ? AND vm_state != 'shelved_offloaded' ORDER BY created_at, id");
        s.bind(1, host_);
        while (s.step()) {
            h.vcpus_used += static_cast<int>(s.integer(2));
            h.memory_mb_used += s.integer(3);
            h.local_gb_used += s.integer(4);
            h.servers.emplace_back(s.text(0), s.text(1));
        }
        h.service = std::move(service);
        hypervisors.push_back(std::move(h));
    }
    return hypervisors;
}

std::vector<compute::Aggregate> Compute::aggregateList(const Context& ctx) const
{
    ReadTransaction read(*db_);
    std::vector<compute::Aggregate> aggregates;
    Statement s(*db_, "SELECT id FROM aggregates ORDER BY id");
    while (s.step())
        aggregates.push_back(aggregateGet(ctx, s.integer(0)));
    return aggregates;
}

compute::Aggregate Compute::aggregateGet(const Context&, long long aggregate_id) const
{
    Statement s(*db_, "SELECT uuid, name, created_at, updated_at FROM aggregates WHERE id = ?");
    s.bind(1, aggregate_id);
    if (!s.step())
        throw NotFound("Aggregate " + std::to_string(aggregate_id) + " could not be found.");
    compute::Aggregate a;
    a.id = aggregate_id;
    a.uuid = s.text(0);
    a.name = s.text(1);
    a.created_at = s.integer(2);
    if (!s.is_null(3))
        a.updated_at = s.integer(3);
    Statement hosts(*db_, "SELECT host FROM aggregate_hosts WHERE aggregate_id = ? ORDER BY host");
    hosts.bind(1, aggregate_id);
    while (hosts.step())
        a.hosts.push_back(hosts.text(0));
    Statement meta(*db_, "SELECT key, value FROM aggregate_metadata WHERE aggregate_id = ?");
    meta.bind(1, aggregate_id);
    while (meta.step())
        a.metadata[meta.text(0)] = meta.text(1);
    if (auto zone = a.metadata.find("availability_zone"); zone != a.metadata.end())
        a.availability_zone = zone->second;
    return a;
}

namespace {

void set_zone(Database& db, long long aggregate_id, const std::string& zone)
{
    Statement s(db, "INSERT OR REPLACE INTO aggregate_metadata (aggregate_id, key, value) "
                    "VALUES (?, 'availability_zone', ?)");
    s.bind(1, aggregate_id).bind(2, zone);
    s.step();
}

void touch(Database& db, long long aggregate_id)
{
    Statement s(db, "UPDATE aggregates SET updated_at = ? WHERE id = ?");
    s.bind(1, now()).bind(2, aggregate_id);
    s.step();
}

void check_name_free(Database& db, const std::string& name, long long except)
{
    Statement s(db, "SELECT 1 FROM aggregates WHERE name = ? AND id != ?");
    s.bind(1, name).bind(2, except);
    if (s.step())
        throw Conflict("Aggregate " + name + " already exists.");
}

// A host may be in one availability zone only: the zones its other aggregates name, besides `aggregate_id`'s.
void check_one_zone(Database& db, const std::string& host, long long aggregate_id, const std::string& zone,
                    const std::string& action)
{
    Statement s(db, "SELECT DISTINCT m.value FROM aggregate_hosts h JOIN aggregate_metadata m "
                    "ON m.aggregate_id = h.aggregate_id AND m.key = 'availability_zone' "
                    "WHERE h.host = ? AND h.aggregate_id != ? AND m.value != ?");
    s.bind(1, host).bind(2, aggregate_id).bind(3, zone);
    if (s.step())
        throw Conflict("Cannot " + action + " aggregate " + std::to_string(aggregate_id) + ". Reason: host " + host +
                       " is already in availability zone " + s.text(0) + ".");
}

} // namespace

compute::Aggregate Compute::aggregateCreate(const Context& ctx, const std::string& name,
                                            const std::optional<std::string>& zone) const
{
    long long id = 0;
    {
        Transaction tx(*db_);
        check_name_free(*db_, name, 0);
        Statement s(*db_, "INSERT INTO aggregates (uuid, name, created_at) VALUES (?, ?, ?)");
        s.bind(1, new_uuid()).bind(2, name).bind(3, now());
        s.step();
        id = sqlite3_last_insert_rowid(db_->handle());
        if (zone)
            set_zone(*db_, id, *zone);
        tx.commit();
    }
    return aggregateGet(ctx, id);
}

compute::Aggregate Compute::aggregateUpdate(const Context& ctx, long long aggregate_id,
                                            const std::optional<std::string>& name,
                                            const std::optional<std::string>& zone) const
{
    {
        Transaction tx(*db_);
        compute::Aggregate a = aggregateGet(ctx, aggregate_id);
        if (name) {
            check_name_free(*db_, *name, aggregate_id);
            Statement s(*db_, "UPDATE aggregates SET name = ? WHERE id = ?");
            s.bind(1, *name).bind(2, aggregate_id);
            s.step();
        }
        if (zone) {
            for (const auto& host : a.hosts)
                check_one_zone(*db_, host, aggregate_id, *zone, "update");
            set_zone(*db_, aggregate_id, *zone);
        }
        touch(*db_, aggregate_id);
        tx.commit();
    }
    return aggregateGet(ctx, aggregate_id);
}

void Compute::aggregateDelete(const Context& ctx, long long aggregate_id) const
{
    Transaction tx(*db_);
    compute::Aggregate a = aggregateGet(ctx, aggregate_id);
    if (!a.hosts.empty())
        throw BadRequest("Invalid aggregate action: delete of aggregate " + std::to_string(aggregate_id) +
                         ". Reason: Host aggregate is not empty.");
    Statement s(*db_, "DELETE FROM aggregates WHERE id = ?");
    s.bind(1, aggregate_id);
    s.step();
    tx.commit();
}

compute::Aggregate Compute::aggregateAddHost(const Context& ctx, long long aggregate_id, const std::string& host) const
{
    register_services();
    {
        Transaction tx(*db_);
        compute::Aggregate a = aggregateGet(ctx, aggregate_id);
        {
            Statement known(*db_, "SELECT 1 FROM compute_services WHERE binary = 'nova-compute' AND host = ?");
            known.bind(1, host);
            if (!known.step())
                throw NotFound("Compute host " + host + " could not be found.");
        }
        if (std::find(a.hosts.begin(), a.hosts.end(), host) != a.hosts.end())
            throw Conflict("Aggregate " + std::to_string(aggregate_id) + " already has host " + host + ".");
        if (a.availability_zone)
            check_one_zone(*db_, host, aggregate_id, *a.availability_zone, "add host to");
        Statement s(*db_, "INSERT INTO aggregate_hosts (aggregate_id, host) VALUES (?, ?)");
        s.bind(1, aggregate_id).bind(2, host);
        s.step();
        touch(*db_, aggregate_id);
        tx.commit();
    }
    return aggregateGet(ctx, aggregate_id);
}

compute::Aggregate Compute::aggregateRemoveHost(const Context& ctx, long long aggregate_id,
                                                const std::string& host) const
{
    {
        Transaction tx(*db_);
        aggregateGet(ctx, aggregate_id);
        Statement s(*db_, "DELETE FROM aggregate_hosts WHERE aggregate_id = ? AND host = ?");
        s.bind(1, aggregate_id).bind(2, host);
        s.step();
        if (sqlite3_changes(db_->handle()) == 0)
            throw NotFound("Cannot remove host " + host + " in aggregate " + std::to_string(aggregate_id) +
                           ": not found.");
        touch(*db_, aggregate_id);
        tx.commit();
    }
    return aggregateGet(ctx, aggregate_id);
}

compute::Aggregate Compute::aggregateSetMetadata(const Context& ctx, long long aggregate_id,
                                                 const std::map<std::string, std::optional<std::string>>& changes) const
{
    {
        Transaction tx(*db_);
        compute::Aggregate a = aggregateGet(ctx, aggregate_id);
        if (auto zone = changes.find("availability_zone"); zone != changes.end() && zone->second)
            for (const auto& host : a.hosts)
                check_one_zone(*db_, host, aggregate_id, *zone->second, "update");
        for (const auto& [key, value] : changes) {
            Statement s(*db_, value ? "INSERT OR REPLACE INTO aggregate_metadata (aggregate_id, key, value) "
                                      "VALUES (?, ?, ?)"
                                    : "DELETE FROM aggregate_metadata WHERE aggregate_id = ? AND key = ?");
            s.bind(1, aggregate_id).bind(2, key);
            if (value)
                s.bind(3, *value);
            s.step();
        }
        touch(*db_, aggregate_id);
        tx.commit();
    }
    return aggregateGet(ctx, aggregate_id);
}

} // namespace jumpgate::local
