// SPDX-License-Identifier: Apache-2.0
// Nova's flavor views: list, detail, show and extra specs, shaped by the microversion.
#include <jumpgate/driver/compute.hpp>

#include "api/common/listing.hpp"

namespace jumpgate::compute {

namespace {

// The form the client used: /v2/flavors/... or the project form /v2[.1]/[{tenant_id}/]flavors/...
std::string flavor_url(const Request& req, const std::string& id)
{
    bool projectless = req.endpoint().rfind("v2_flavor", 0) == 0;
    return req.dispatcher()->endpoint_url(req, projectless ? "v2_flavor" : "v2_tenant_flavor",
                                          {{"flavor_id", id}});
}

json links(const Request& req, const Flavor& f)
{
    return {{{"rel", "self"}, {"href", flavor_url(req, f.id)}},
            {{"rel", "bookmark"}, {"href", req.dispatcher()->base_url(req) + "/flavors/" + f.id}}};
}

json brief(const Request& req, const Flavor& f)
{
    json view = {{"id", f.id}, {"name", f.name}, {"links", links(req, f)}};
    if (req.version().at_least(2, 55))
        view["description"] = f.description ? json(*f.description) : json(nullptr);
    return view;
}

json full(const Request& req, const Flavor& f)
{
    json view = brief(req, f);
    view["ram"] = f.ram;
    view["vcpus"] = f.vcpus;
    view["disk"] = f.disk;
    view["OS-FLV-EXT-DATA:ephemeral"] = f.ephemeral;
    view["OS-FLV-DISABLED:disabled"] = f.disabled;
    view["os-flavor-access:is_public"] = f.is_public;
    view["rxtx_factor"] = f.rxtx_factor;
    // Before 2.75 Nova shows no swap as "".
    view["swap"] = f.swap || req.version().at_least(2, 75) ? json(f.swap) : json("");
    if (req.version().at_least(2, 61))
        view["extra_specs"] = f.extra_specs;
    return view;
}

std::vector<Flavor> selected(const Driver& driver, const Request& req)
{
    auto flavors = driver.flavorList(req.context());
    // Non-admins see public flavors unless they ask otherwise; admins choose with is_public.
    std::string is_public(req.query("is_public"));
    std::transform(is_public.begin(), is_public.end(), is_public.begin(), ::tolower);
    if (!req.context().is_admin() && is_public.empty())
        is_public = "true";
    if (!is_public.empty() && is_public != "none") {
        bool want = api::parse_bool("is_public", is_public);
        std::erase_if(flavors, [&](const Flavor& f) { return f.is_public != want; });
    }
    if (req.has_query("minRam")) {
        long long min = api::parse_int("minRam", req.query("minRam"));
        std::erase_if(flavors, [&](const Flavor& f) { return f.ram < min; });
    }
    if (req.has_query("minDisk")) {
        long long min = api::parse_int("minDisk", req.query("minDisk"));
        std::erase_if(flavors, [&](const Flavor& f) { return f.disk < min; });
    }
    std::string key = req.has_query("sort_key") ? std::string(req.query("sort_key")) : "flavorid";
    std::string dir = req.has_query("sort_dir") ? std::string(req.query("sort_dir")) : "asc";
    if (dir != "asc" && dir != "desc")
        throw BadRequest("Invalid sort_dir '" + dir + "': asc or desc.");
    auto less = [&](const Flavor& a, const Flavor& b) {
        if (key == "flavorid" || key == "id")
            return a.id < b.id;
        if (key == "name")
            return a.name < b.name;
        if (key == "memory_mb" || key == "ram")
            return a.ram < b.ram;
        if (key == "vcpus")
            return a.vcpus < b.vcpus;
        if (key == "root_gb" || key == "disk")
            return a.disk < b.disk;
        throw BadRequest("Invalid sort_key '" + key + "'.");
    };
    std::stable_sort(flavors.begin(), flavors.end(), [&](const Flavor& a, const Flavor& b) {
        return dir == "asc" ? less(a, b) : less(b, a);
    });
    return flavors;
}

void list(const Driver& driver, const Request& req, Response& resp, bool with_detail)
{
    auto page = api::Page::from(req);
    bool more = false;
    auto flavors = api::paginate(selected(driver, req), page,
                                 [](const Flavor& f) { return f.id; }, more);
    json items = json::array();
    for (const auto& f : flavors)
        items.push_back(with_detail ? full(req, f) : brief(req, f));
    json body = {{"flavors", std::move(items)}};
    if (more && !flavors.empty()) {
        std::string next = req.dispatcher()->endpoint_url(req, req.endpoint());
        next += "?limit=" + std::to_string(page.limit) + "&marker=" + flavors.back().id;
        body["flavors_links"] = {{{"rel", "next"}, {"href", next}}};
    }
    resp.json(std::move(body));
}

} // namespace

namespace detail {

void bind_flavorList(Dispatcher& disp, std::shared_ptr<const Driver> driver)
{
    Resource brief_list{.get = [driver](const Request& req, Response& resp) {
        list(*driver, req, resp, false);
    }};
    Resource detail_list{.get = [driver](const Request& req, Response& resp) {
        list(*driver, req, resp, true);
    }};
    disp.set_handler("v2_flavors", brief_list);
    disp.set_handler("v2_tenant_flavors", brief_list);
    disp.set_handler("v2_flavors_detail", detail_list);
    disp.set_handler("v2_tenant_flavors_detail", detail_list);
}

void bind_flavorGet(Dispatcher& disp, std::shared_ptr<const Driver> driver)
{
    Resource show{.get = [driver](const Request& req, Response& resp) {
        resp.json({{"flavor", full(req, driver->flavorGet(req.context(), req.param("flavor_id")))}});
    }};
    disp.set_handler("v2_flavor", show);
    disp.set_handler("v2_tenant_flavor", show);
    disp.set_handler("v2_os_extra_specs_flavor", {.get = [driver](const Request& req, Response& resp) {
        resp.json({{"extra_specs", driver->flavorGet(req.context(), req.param("flavor_id")).extra_specs}});
    }});
    disp.set_handler("v2_os_extra_specs_flavor_key", {.get = [driver](const Request& req, Response& resp) {
        auto specs = driver->flavorGet(req.context(), req.param("flavor_id")).extra_specs;
        auto it = specs.find(req.param("key_id"));
        if (it == specs.end())
            throw NotFound("Flavor " + req.param("flavor_id") + " has no extra specs with key " +
                           req.param("key_id") + ".");
        resp.json({{it->first, it->second}});
    }});
}

} // namespace detail

std::vector<Flavor> Driver::flavorList(const Context&) const
{
    throw NotImplemented("flavorList is not implemented by this driver.");
}

Flavor Driver::flavorGet(const Context&, const std::string&) const
{
    throw NotImplemented("flavorGet is not implemented by this driver.");
}

} // namespace jumpgate::compute
