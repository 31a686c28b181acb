// SPDX-License-Identifier: Apache-2.0
// Ironic's root document: GET / lists API v1.
#include "api/baremetal/baremetal.hpp"

namespace jumpgate::api::baremetal {

json versions(const Request& req, const Dispatcher& disp)
{
    return json::array({{{"id", "v1"},
                         {"status", "CURRENT"},
                         {"version", "1.1"},
                         {"min_version", "1.1"},
                         {"links", {{{"rel", "self"}, {"href", disp.base_url(req) + "/v1/"}}}}}});
}

void install_versions(Dispatcher& disp)
{
    const Dispatcher* d = &disp;
    disp.set_handler("versions",
                     {.get = by_origin([d](const Request& req) {
                          json list = versions(req, *d);
                          return json{{"name", "OpenStack Ironic API"},
                                      {"description", "Ironic is an OpenStack project which aims to provision "
                                                      "baremetal machines."},
                                      {"versions", list},
                                      {"default_version", list[0]}};
                      })});
}

} // namespace jumpgate::api::baremetal
