// SPDX-License-Identifier: Apache-2.0
// Nova's version documents: GET / (200), /v2 and /v2.1, whose self links round-trip.
#include "api/compute/compute.hpp"

namespace jumpgate::api::compute {

namespace {

json entry(const Request& req, const Dispatcher& disp, bool v21)
{
    const Microversions& mv = *disp.spec().microversions;
    return {{"id", v21 ? "v2.1" : "v2.0"},
            {"status", v21 ? "CURRENT" : "SUPPORTED"},
            {"version", v21 ? mv.max.str() : ""},
            {"min_version", v21 ? mv.min.str() : ""},
            {"updated", v21 ? "2013-07-23T11:33:21Z" : "2011-01-21T11:33:21Z"},
            {"links", {{{"rel", "self"}, {"href", disp.endpoint_url(req, v21 ? "v21_index" : "v2_index") + "/"}}}}};
}

json document(const Request& req, const Dispatcher& disp, bool v21)
{
    json e = entry(req, disp, v21);
    e["media-types"] = {{{"base", "application/json"}, {"type", "application/vnd.openstack.compute+json;version=2.1"}}};
    if (!v21)
        e["media-types"][0]["type"] = "application/vnd.openstack.compute+json;version=2";
    return {{"version", e}};
}

} // namespace

json versions(const Request& req, const Dispatcher& disp)
{
    return json::array({entry(req, disp, false), entry(req, disp, true)});
}

void install_versions(Dispatcher& disp)
{
    const Dispatcher* d = &disp;
    disp.set_handler("index", {.get = by_origin([d](const Request& req) {
                                   return json{{"versions", versions(req, *d)}};
                               })});
    disp.set_handler("v2_index", {.get = by_origin([d](const Request& req) { return document(req, *d, false); })});
    disp.set_handler("v21_index", {.get = by_origin([d](const Request& req) { return document(req, *d, true); })});
    // Every compute dispatcher gets its policy and its extension list here, whatever driver serves it.
    install_policy(disp);
    install_extensions(disp);
}

} // namespace jumpgate::api::compute
