// SPDX-License-Identifier: Apache-2.0
// The network catalogue (Neutron v2.0): every named endpoint, as data; the original Jumpgate's names first.
#include "api/network/network.hpp"

namespace jumpgate::api::network {

namespace {

constexpr Endpoint kEndpoints[] = {
    {"v2_network", "/v2.0/networks/{network_id}", "GET PUT DELETE"},
    {"v2_networks", "/v2.0/networks", "GET POST"},
    {"v2_subnet", "/v2.0/subnets/{subnet_id}", "GET PUT DELETE"},
    {"v2_subnets", "/v2.0/subnets", "GET POST"},
    {"v2_extensions", "/v2.0/extensions", "GET"},
    // Neutron paths the original lacks
    {"versions", "/", "GET"},
    {"v2_index", "/v2.0", "GET"},
    {"v2_extension", "/v2.0/extensions/{alias}", "GET"},
    {"v2_ports", "/v2.0/ports", "GET POST"},
    {"v2_port", "/v2.0/ports/{port_id}", "GET PUT DELETE"},
    {"v2_routers", "/v2.0/routers", "GET POST"},
    {"v2_router", "/v2.0/routers/{router_id}", "GET PUT DELETE"},
    {"v2_router_add_interface", "/v2.0/routers/{router_id}/add_router_interface", "PUT"},
    {"v2_router_remove_interface", "/v2.0/routers/{router_id}/remove_router_interface", "PUT"},
    {"v2_router_add_extraroutes", "/v2.0/routers/{router_id}/add_extraroutes", "PUT"},
    {"v2_router_remove_extraroutes", "/v2.0/routers/{router_id}/remove_extraroutes", "PUT"},
    {"v2_floatingips", "/v2.0/floatingips", "GET POST"},
    {"v2_floatingip", "/v2.0/floatingips/{floatingip_id}", "GET PUT DELETE"},
    {"v2_security_groups", "/v2.0/security-groups", "GET POST"},
    {"v2_security_group", "/v2.0/security-groups/{security_group_id}", "GET PUT DELETE"},
    {"v2_security_group_rules", "/v2.0/security-group-rules", "GET POST"},
    {"v2_security_group_rule", "/v2.0/security-group-rules/{security_group_rule_id}", "GET DELETE"},
    {"v2_subnetpools", "/v2.0/subnetpools", "GET POST"},
    {"v2_subnetpool", "/v2.0/subnetpools/{subnetpool_id}", "GET PUT DELETE"},
    {"v2_availability_zones", "/v2.0/availability_zones", "GET"},
    {"v2_quotas", "/v2.0/quotas", "GET"},
    {"v2_quota", "/v2.0/quotas/{project_id}", "GET PUT DELETE"},
    {"v2_quota_default", "/v2.0/quotas/{project_id}/default", "GET"},
    {"v2_quota_details", "/v2.0/quotas/{project_id}/details", "GET"},
    {"v2_network_tags", "/v2.0/networks/{network_id}/tags", "GET PUT DELETE"},
    {"v2_network_tag", "/v2.0/networks/{network_id}/tags/{tag}", "GET PUT DELETE"},
    {"v2_subnet_tags", "/v2.0/subnets/{subnet_id}/tags", "GET PUT DELETE"},
    {"v2_subnet_tag", "/v2.0/subnets/{subnet_id}/tags/{tag}", "GET PUT DELETE"},
    {"v2_port_tags", "/v2.0/ports/{port_id}/tags", "GET PUT DELETE"},
    {"v2_port_tag", "/v2.0/ports/{port_id}/tags/{tag}", "GET PUT DELETE"},
    {"v2_router_tags", "/v2.0/routers/{router_id}/tags", "GET PUT DELETE"},
    {"v2_router_tag", "/v2.0/routers/{router_id}/tags/{tag}", "GET PUT DELETE"},
    {"v2_floatingip_tags", "/v2.0/floatingips/{floatingip_id}/tags", "GET PUT DELETE"},
    {"v2_floatingip_tag", "/v2.0/floatingips/{floatingip_id}/tags/{tag}", "GET PUT DELETE"},
    {"v2_security_group_tags", "/v2.0/security-groups/{security_group_id}/tags", "GET PUT DELETE"},
    {"v2_security_group_tag", "/v2.0/security-groups/{security_group_id}/tags/{tag}", "GET PUT DELETE"},
    {"v2_subnetpool_tags", "/v2.0/subnetpools/{subnetpool_id}/tags", "GET PUT DELETE"},
    {"v2_subnetpool_tag", "/v2.0/subnetpools/{subnetpool_id}/tags/{tag}", "GET PUT DELETE"},
    {"v2_metering_labels", "/v2.0/metering/metering-labels", "GET POST"},
    {"v2_metering_label", "/v2.0/metering/metering-labels/{metering_label_id}", "GET DELETE"},
    {"v2_metering_label_rules", "/v2.0/metering/metering-label-rules", "GET POST"},
    {"v2_metering_label_rule", "/v2.0/metering/metering-label-rules/{metering_label_rule_id}", "GET DELETE"},
};

} // namespace

const ServiceSpec kSpec{
    .name = "network",
    .default_mount = "/network",
    .faults = FaultStyle::neutron,
    .endpoints = kEndpoints,
    .aliases = {},
    .microversions = nullptr,
    .request_id_header = nullptr,
    .versions = &versions,
};

} // namespace jumpgate::api::network
