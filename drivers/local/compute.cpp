// SPDX-License-Identifier: Apache-2.0
// The local cloud's Compute: flavors from SQLite, one availability zone on this host.
#include "local.hpp"

#include <jumpgate/fault.hpp>

#include "extra_specs.hpp"

namespace jumpgate::local {

namespace {

constexpr const char* kFlavorColumns =
    "SELECT id, name, vcpus, ram, disk, ephemeral, swap, rxtx_factor, is_public, disabled, "
    "description FROM flavors";

compute::Flavor flavor_of(const Statement& row)
{
    compute::Flavor f;
    f.id = row.text(0);
    f.name = row.text(1);
    f.vcpus = static_cast<int>(row.integer(2));
    f.ram = row.integer(3);
    f.disk = row.integer(4);
    f.ephemeral = row.integer(5);
    f.swap = row.integer(6);
    f.rxtx_factor = row.real(7);
    f.is_public = row.integer(8) != 0;
    f.disabled = row.integer(9) != 0;
    f.description = opt_text(row, 10);
    return f;
}

} // namespace

std::vector<compute::Flavor> Compute::flavorList(const Context&) const
{
    std::vector<compute::Flavor> out;
    ReadTransaction read(*db_);
    Statement s(*db_, kFlavorColumns);
    while (s.step())
        out.push_back(flavor_of(s));
    extra_specs_load(*db_, kFlavorSpecs, out);
    return out;
}

// Triggers on the flavor tables move flavor_generation (schema migration 12).
std::optional<std::int64_t> Compute::flavorGeneration() const
{
    return flavor_generation_.current();
}

compute::Flavor Compute::flavorGet(const Context&, const std::string& flavor_id) const
{
    Statement s(*db_, std::string(kFlavorColumns) + " WHERE id = ?");
    s.bind(1, flavor_id);
    if (!s.step())
        throw NotFound("Flavor " + flavor_id + " could not be found.");
    std::vector<compute::Flavor> one{flavor_of(s)};
    extra_specs_load(*db_, kFlavorSpecs, one);
    return one.front();
}

compute::Flavor Compute::flavorCreate(const Context& ctx, const compute::Flavor& f) const
{
    Transaction tx(*db_);
    for (auto [column, value] : {std::pair{"id", &f.id}, std::pair{"name", &f.name}}) {
        Statement taken(*db_, std::string("SELECT 1 FROM flavors WHERE ") + column + " = ?");
        taken.bind(1, *value);
        if (taken.step())
            throw Conflict(std::string("Flavor with ") + (column == std::string("id") ? "ID " : "name ") + *value +
                           " already exists.");
    }
    Statement s(*db_, "INSERT INTO flavors (id, name, vcpus, ram, disk, ephemeral, swap, rxtx_factor, is_public, "
                      "disabled, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)");
    s.bind(1, f.id).bind(2, f.name).bind(3, static_cast<long long>(f.vcpus)).bind(4, f.ram).bind(5, f.disk);
    s.bind(6, f.ephemeral).bind(7, f.swap).bind(8, f.rxtx_factor).bind(9, f.is_public ? 1LL : 0LL);
    bind_opt(s, 10, f.description);
    s.step();
    extra_specs_store(*db_, kFlavorSpecs, f.id, f.extra_specs, f.projects);
    tx.commit();
    return flavorGet(ctx, f.id);
}

compute::Flavor Compute::flavorUpdate(const Context& ctx, const compute::Flavor& f) const
{
    Transaction tx(*db_);
    Statement s(*db_, "UPDATE flavors SET description = ? WHERE id = ?");
    bind_opt(s, 1, f.description);
    s.bind(2, f.id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Flavor " + f.id + " could not be found.");
    extra_specs_store(*db_, kFlavorSpecs, f.id, f.extra_specs, f.projects);
    tx.commit();
    return flavorGet(ctx, f.id);
}

void Compute::flavorDelete(const Context&, const std::string& flavor_id) const
{
    Statement s(*db_, "DELETE FROM flavors WHERE id = ?");
    s.bind(1, flavor_id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Flavor " + flavor_id + " could not be found.");
}

std::vector<compute::AvailabilityZone> Compute::availabilityZoneList(const Context&) const
{
    return {{zone_of(host_), true, {host_}}};
}

} // namespace jumpgate::local
