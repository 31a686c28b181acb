// SPDX-License-Identifier: Apache-2.0
// The local driver's shared pieces: its database and the services built on it.
#pragma once

#include <memory>
#include <span>
#include <string>

#include <jumpgate/driver/compute.hpp>

#include "db.hpp"

namespace jumpgate::local {

/* migrations: the schema steps of the local cloud, in order (schema.cpp). */
std::span<const Migration> migrations();

/* Compute: flavors and zones of the local cloud (compute.cpp). */
class Compute : public compute::Driver {
public:
    explicit Compute(std::shared_ptr<Database> db) : db_(std::move(db)) {}

    std::vector<compute::Flavor> flavorList(const Context& ctx) const override;
    compute::Flavor flavorGet(const Context& ctx, const std::string& flavor_id) const override;
    std::vector<compute::AvailabilityZone> availabilityZoneList(const Context& ctx) const override;

private:
    std::shared_ptr<Database> db_;
};

} // namespace jumpgate::local
