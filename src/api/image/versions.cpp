// SPDX-License-Identifier: Apache-2.0
// Glance's version list: GET / (300) and GET /versions (200).
#include "api/image/image.hpp"

namespace jumpgate::api::image {

json versions(const Request& req, const Dispatcher& disp)
{
    std::string base = disp.base_url(req);
    json list = json::array();
    for (int minor = 16; minor >= 0; --minor)
        list.push_back({{"id", "v2." + std::to_string(minor)},
                        {"status", minor == 16 ? "CURRENT" : "SUPPORTED"},
                        {"links", {{{"rel", "self"}, {"href", base + "/v2/"}}}}});
    for (const char* id : {"v1.1", "v1.0"})
        list.push_back({{"id", id}, {"status", "DEPRECATED"}, {"links", {{{"rel", "self"}, {"href", base + "/v1/"}}}}});
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
    disp.set_handler("versions_alias", {.get = by_origin([d](const Request& req) {
                                            return json{{"versions", versions(req, *d)}};
                                        })});
}

} // namespace jumpgate::api::image
