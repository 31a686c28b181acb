// SPDX-License-Identifier: Apache-2.0
// The root index: GET / on the shared port lists the mounted services and their versions.
#include "api/index/index.hpp"

#include <map>
#include <memory>
#include <string>

namespace jumpgate::api::index {

namespace {
constexpr Endpoint kEndpoints[] = {
    {"index", "/", "GET"},
};

json no_versions(const Request&, const Dispatcher&) { return json::array(); }
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
    // The index depends only on the URL the client used: each worker keeps the few it has
    // written, encoded, instead of building every service's version documents per request.
    auto cache = std::make_shared<std::map<std::string, std::string>>();
    disp.set_handler("index", {.get = [&app, cache](const Request& req, Response& resp) {
        std::string key = req.scheme() + "://" + req.host();
        auto hit = cache->find(key);
        if (hit == cache->end()) {
            json services = json::array();
            for (const Dispatcher* d : app.dispatchers())
                services.push_back({{"name", d->service()},
                                    {"url", d->base_url(req)},
                                    {"versions", d->spec().versions(req, *d)}});
            json body = {{"services", std::move(services)}};
            if (cache->size() >= 16)     // Host is the client's to choose: keep the cache small
                cache->clear();
            hit = cache->emplace(std::move(key),
                                 body.dump(-1, ' ', false, json::error_handler_t::replace)).first;
        }
        resp.bytes(hit->second, "application/json");
    }});
}

} // namespace jumpgate::api::index
