// SPDX-License-Identifier: Apache-2.0
// Nova's os-availability-zone views: the zones, and their hosts in the detail form.
#include <jumpgate/driver/compute.hpp>

namespace jumpgate::compute {

namespace {

json zone(const AvailabilityZone& z, bool with_hosts)
{
    json view = {{"zoneName", z.name}, {"zoneState", {{"available", z.available}}}, {"hosts", nullptr}};
    if (with_hosts && !z.hosts.empty()) {
        json hosts = json::object();
        for (const auto& h : z.hosts)
            hosts[h] = {{"nova-compute", {{"available", z.available}, {"active", true}, {"updated_at", nullptr}}}};
        view["hosts"] = std::move(hosts);
    }
    return view;
}

} // namespace

namespace {

void list_zones(const Driver& driver, const Request& req, Response& resp, bool with_hosts)
{
    json zones = json::array();
    for (const auto& z : driver.availabilityZoneList(req.context()))
        zones.push_back(zone(z, with_hosts));
    resp.json({{"availabilityZoneInfo", std::move(zones)}});
}

const Binding<Driver> kZoneBindings[] = {
    {"v2_availability_zone",
     "GET",
     {Op::availabilityZoneList},
     [](const Driver& driver, const Request& req, Response& resp) { list_zones(driver, req, resp, false); }},
    {"v2_availability_zone_detail",
     "GET",
     {Op::availabilityZoneList},
     [](const Driver& driver, const Request& req, Response& resp) { list_zones(driver, req, resp, true); }},
};

} // namespace

std::span<const Binding<Driver>> availability_zone_bindings()
{
    return kZoneBindings;
}

std::vector<AvailabilityZone> Driver::availabilityZoneList(const Context&) const
{
    throw NotImplemented("availabilityZoneList is not implemented by this driver.");
}

} // namespace jumpgate::compute
