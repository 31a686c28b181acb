// SPDX-License-Identifier: Apache-2.0
// The local cloud's Compute: flavors from SQLite, one availability zone on this host.
#include "local.hpp"

#include <jumpgate/fault.hpp>

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
    if (!row.is_null(10))
        f.description = row.text(10);
    return f;
}

void add_extra_specs(Database& db, compute::Flavor& f)
{
    Statement s(db, "SELECT key, value FROM flavor_extra_specs WHERE flavor_id = ?");
    s.bind(1, f.id);
    while (s.step())
        f.extra_specs[s.text(0)] = s.text(1);
}

} // namespace

std::vector<compute::Flavor> Compute::flavorList(const Context&) const
{
    std::vector<compute::Flavor> out;
    Statement s(*db_, kFlavorColumns);
    while (s.step())
        out.push_back(flavor_of(s));
    // Every flavor's specs in one query, not one per flavor.
    Statement specs(*db_, "SELECT flavor_id, key, value FROM flavor_extra_specs");
    while (specs.step())
        for (auto& f : out)
            if (f.id == specs.text(0))
                f.extra_specs[specs.text(1)] = specs.text(2);
    return out;
}

compute::Flavor Compute::flavorGet(const Context&, const std::string& flavor_id) const
{
    Statement s(*db_, std::string(kFlavorColumns) + " WHERE id = ?");
    s.bind(1, flavor_id);
    if (!s.step())
        throw NotFound("Flavor " + flavor_id + " could not be found.");
    compute::Flavor f = flavor_of(s);
    add_extra_specs(*db_, f);
    return f;
}

std::vector<compute::AvailabilityZone> Compute::availabilityZoneList(const Context&) const
{
    return {{"nova", true, {host_}}};
}

} // namespace jumpgate::local
