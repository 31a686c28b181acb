// SPDX-License-Identifier: Apache-2.0
// The typed Compute driver interface: operations on plain structs; the core writes Nova's JSON.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/overrides.hpp>
#include <jumpgate/request.hpp>

namespace jumpgate::compute {

/* Flavor: a server size. ram in MiB, disk/ephemeral in GiB, swap in MiB. */
struct Flavor {
    std::string id;
    std::string name;
    int vcpus = 1;
    long long ram = 512;
    long long disk = 1;
    long long ephemeral = 0;
    long long swap = 0;
    double rxtx_factor = 1.0;
    bool is_public = true;
    bool disabled = false;
    std::optional<std::string> description;
    std::map<std::string, std::string> extra_specs;
};

/* AvailabilityZone: a zone and whether it takes servers. */
struct AvailabilityZone {
    std::string name;
    bool available = true;
    std::vector<std::string> hosts;
};

/*
 * Driver: what a cloud implements for Compute. Every operation throws
 * NotImplemented unless overridden; install() serves only the endpoints whose
 * operations a driver overrides, so --coverage tells the truth. Operations
 * throw Fault subclasses (NotFound, Conflict...) for the caller's errors.
 */
class Driver {
public:
    virtual ~Driver() = default;

    /* flavorList: every flavor `ctx` may see, in any order; the core filters, sorts and pages. */
    virtual std::vector<Flavor> flavorList(const Context& ctx) const;
    /* flavorGet: one flavor by id; throws NotFound. */
    virtual Flavor flavorGet(const Context& ctx, const std::string& flavor_id) const;
    /* availabilityZoneList: the zones servers can be placed in. */
    virtual std::vector<AvailabilityZone> availabilityZoneList(const Context& ctx) const;
};

namespace detail {
void bind_flavorList(Dispatcher& disp, std::shared_ptr<const Driver> driver);
void bind_flavorGet(Dispatcher& disp, std::shared_ptr<const Driver> driver);
void bind_availabilityZoneList(Dispatcher& disp, std::shared_ptr<const Driver> driver);

} // namespace detail

/*
 * install: serve on `disp` (the compute dispatcher) every Compute endpoint
 * whose operations D overrides, through the core's views and validation.
 */
template <class D>
void install(Dispatcher& disp, std::shared_ptr<const D> driver)
{
    static_assert(std::is_base_of_v<Driver, D>);
    std::shared_ptr<const Driver> base = driver;
    if constexpr (jumpgate::detail::overrides(&D::flavorList, &Driver::flavorList))
        detail::bind_flavorList(disp, base);
    if constexpr (jumpgate::detail::overrides(&D::flavorGet, &Driver::flavorGet))
        detail::bind_flavorGet(disp, base);
    if constexpr (jumpgate::detail::overrides(&D::availabilityZoneList, &Driver::availabilityZoneList))
        detail::bind_availabilityZoneList(disp, base);
}

} // namespace jumpgate::compute
