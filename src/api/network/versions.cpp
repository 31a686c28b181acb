// SPDX-License-Identifier: Apache-2.0
// Neutron's version list (GET /) and its v2.0 resource index, built from what is served.
#include "api/network/network.hpp"

namespace jumpgate::api::network {

namespace {

struct Collection {
    const char* singular;
    const char* plural;
    const char* endpoint;
};
constexpr Collection kCollections[] = {
    {"network", "networks", "v2_networks"},
    {"subnet", "subnets", "v2_subnets"},
    {"subnetpool", "subnetpools", "v2_subnetpools"},
    {"port", "ports", "v2_ports"},
    {"router", "routers", "v2_routers"},
    {"floatingip", "floatingips", "v2_floatingips"},
    {"security_group", "security-groups", "v2_security_groups"},
    {"security_group_rule", "security-group-rules", "v2_security_group_rules"},
};

} // namespace

json versions(const Request& req, const Dispatcher& disp)
{
    return json::array({{{"id", "v2.0"},
                         {"status", "CURRENT"},
                         {"links", {{{"rel", "self"}, {"href", disp.endpoint_url(req, "v2_index") + "/"}}}}}});
}

void install_versions(Dispatcher& disp)
{
    const Dispatcher* d = &disp;
    disp.set_handler("versions", {.get = by_origin([d](const Request& req) {
                                      return json{{"versions", versions(req, *d)}};
                                  })});
    disp.set_handler("v2_index",
                     {.get = by_origin([d](const Request& req) {
                          json resources = json::array();
                          for (const auto& c : kCollections)
                              if (d->has_handler(c.endpoint, "GET"))
                                  resources.push_back(
                                      {{"name", c.singular},
                                       {"collection", c.plural},
                                       {"links", {{{"rel", "self"}, {"href", d->endpoint_url(req, c.endpoint)}}}}});
                          return json{{"resources", std::move(resources)}};
                      })});
}

} // namespace jumpgate::api::network
