// SPDX-License-Identifier: Apache-2.0
// The root index: GET / on the shared port lists the mounted services and their versions.
#include "api/index/index.hpp"

namespace jumpgate::api::index {

namespace {
constexpr Endpoint kEndpoints[] = {
    {"index", "/", "GET"},
};

json no_versions(const Request&, const Dispatcher&)
{
    return json::array();
}
} // namespace

const ServiceSpec kSpec{
    .name = "index",
    .default_mount = "",
    .faults = FaultStyle::nova,
    .endpoints = kEndpoints,
    .aliases = {},
    .microversions = nullptr,
    .request_id_header = nullptr,
    .versions = &no_versions,
};

void install(const App& app, Dispatcher& disp)
{
    disp.set_handler("index", {.get = by_origin([&app](const Request& req) {
                                   json services = json::array();
                                   for (const Dispatcher* d : app.dispatchers())
                                       services.push_back({{"name", d->service()},
                                                           {"url", d->base_url(req)},
                                                           {"versions", d->spec().versions(req, *d)}});
                                   return json{{"services", std::move(services)}};
                               })});
}

} // namespace jumpgate::api::index
