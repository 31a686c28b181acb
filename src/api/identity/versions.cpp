// SPDX-License-Identifier: Apache-2.0
// Keystone's version documents: GET / (300), /v3 and /v2.0.
#include "api/identity/identity.hpp"

namespace jumpgate::api::identity {

namespace {

json v3(const Request& req, const Dispatcher& disp)
{
    return {{"id", "v3.14"},
            {"status", "stable"},
            {"updated", "2020-04-07T00:00:00Z"},
            {"links", {{{"rel", "self"}, {"href", disp.endpoint_url(req, "v3_auth_index") + "/"}}}},
            {"media-types", {{{"base", "application/json"}, {"type", "application/vnd.openstack.identity-v3+json"}}}}};
}

json v2(const Request& req, const Dispatcher& disp)
{
    return {
        {"id", "v2.0"},
        {"status", "deprecated"},
        {"updated", "2016-08-04T00:00:00Z"},
        {"links",
         {{{"rel", "self"}, {"href", disp.endpoint_url(req, "v2_auth_index") + "/"}},
          {{"rel", "describedby"}, {"type", "text/html"}, {"href", "https://docs.openstack.org/"}}}},
        {"media-types", {{{"base", "application/json"}, {"type", "application/vnd.openstack.identity-v2.0+json"}}}}};
}

} // namespace

json versions(const Request& req, const Dispatcher& disp)
{
    return json::array({v3(req, disp), v2(req, disp)});
}

void install_versions(Dispatcher& disp)
{
    const Dispatcher* d = &disp;
    disp.set_handler("versions", {.get = by_origin(
                                      [d](const Request& req) {
                                          return json{{"versions", {{"values", versions(req, *d)}}}};
                                      },
                                      300)});
    disp.set_handler("v3_auth_index", {.get = by_origin([d](const Request& req) {
                                           return json{{"version", v3(req, *d)}};
                                       })});
    disp.set_handler("v2_auth_index", {.get = by_origin([d](const Request& req) {
                                           return json{{"version", v2(req, *d)}};
                                       })});
}

} // namespace jumpgate::api::identity
