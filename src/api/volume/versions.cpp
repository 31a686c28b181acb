// SPDX-License-Identifier: Apache-2.0
// Cinder's version documents: GET / (300) and the per-version roots /v1, /v2, /v3.
#include "api/volume/volume.hpp"

namespace jumpgate::api::volume {

namespace {

struct Version {
    const char* id;
    const char* status;
    const char* endpoint;
    const char* updated;
};
constexpr Version kVersions[] = {
    {"v3.0", "CURRENT", "v3_index", "2023-08-31T00:00:00Z"},
    {"v2.0", "DEPRECATED", "v2_index", "2017-02-25T12:00:00Z"},
    {"v1.0", "DEPRECATED", "v1_index", "2016-05-02T20:25:19Z"},
};

json entry(const Request& req, const Dispatcher& disp, const Version& v)
{
    bool v3 = v.id[1] == '3';
    const Microversions& mv = *disp.spec().microversions;
    return {{"id", v.id},
            {"status", v.status},
            {"version", v3 ? mv.max.str() : ""},
            {"min_version", v3 ? mv.min.str() : ""},
            {"updated", v.updated},
            {"links", {{{"rel", "self"}, {"href", disp.endpoint_url(req, v.endpoint) + "/"}}}},
            {"media-types",
             {{{"base", "application/json"},
               {"type", std::string("application/vnd.openstack.volume+json;version=") + v.id[1]}}}}};
}

} // namespace

json versions(const Request& req, const Dispatcher& disp)
{
    json list = json::array();
    for (const auto& v : kVersions)
        list.push_back(entry(req, disp, v));
    return list;
}

void install_versions(Dispatcher& disp)
{
    const Dispatcher* d = &disp;
    disp.set_handler("versions", {.get = by_origin(
                                      [d](const Request& req) {
                                          return json{{"versions", versions(req, *d)}};
                                      },
                                      300)});
    for (const auto& v : kVersions) {
        const Version* version = &v;
        disp.set_handler(v.endpoint, {.get = by_origin([d, version](const Request& req) {
                                          return json{{"versions", json::array({entry(req, *d, *version)})}};
                                      })});
    }
    install_extensions(disp);
}

} // namespace jumpgate::api::volume
