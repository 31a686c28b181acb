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
            hosts[h] = {{"nova-compute",
                         {{"available", z.available}, {"active", true}, {"updated_at", nullptr}}}};
        view["hosts"] = std::move(hosts);
    }
    return view;
}

} // namespace

namespace detail {

void bind_availabilityZoneList(Dispatcher& disp, std::shared_ptr<const Driver> driver)
{
    for (bool with_hosts : {false, true}) {
        disp.set_handler(with_hosts ? "v2_availability_zone_detail" : "v2_availability_zone",
                         {.get = [driver, with_hosts](const Request& req, Response& resp) {
                             json zones = json::array();
                             for (const auto& z : driver->availabilityZoneList(req.context()))
                                 zones.push_back(zone(z, with_hosts));
                             resp.json({{"availabilityZoneInfo", std::move(zones)}});
                         }});
    }
}

} // namespace detail

std::vector<AvailabilityZone> Driver::availabilityZoneList(const Context&) const
{
    throw NotImplemented("availabilityZoneList is not implemented by this driver.");
}

} // namespace jumpgate::compute
