// SPDX-License-Identifier: Apache-2.0
// The baremetal catalogue (Ironic v1): every named endpoint, as data; the original Jumpgate's names first.
#include "api/baremetal/baremetal.hpp"

namespace jumpgate::api::baremetal {

namespace {

constexpr Endpoint kEndpoints[] = {
    {"versions", "/", "GET"},
    {"v1_versions", "/v1/versions", "GET"},
    {"v1_version", "/v1/versions/{version_id}", "GET"},
    {"v1_nodes", "/v1/nodes", "GET POST"},
    {"v1_node", "/v1/nodes/{node_id}", "GET PATCH DELETE"},
    {"v1_nodes_detail", "/v1/nodes/detail", "GET"},
    {"v1_chassis", "/v1/chassis", "GET POST"},
    {"v1_chassis_single", "/v1/chassis/{chassis_id}", "GET PATCH DELETE"},
    {"v1_chassis_detail", "/v1/chassis/detail", "GET"},
    {"v1_ports", "/v1/ports", "GET POST"},
    {"v1_port", "/v1/ports/{port_id}", "GET PATCH DELETE"},
    {"v1_ports_detail", "/v1/ports/detail", "GET"},
    {"v1_drivers", "/v1/drivers", "GET"},
    {"v1_driver", "/v1/drivers/{driver_id}", "GET"},
    {"v1_images", "/v1/images", "GET"},
    {"v1_image", "/v1/images/{image_id}", "GET"},
    {"v1_driver_configuration", "/v1/nodes/{node_id}/driver_configuration", "GET"},
    {"v1_driver_configuration_parameters", "/v1/nodes/{node_id}/driver_configuration/parameters", "GET"},
    {"v1_state", "/v1/nodes/{node_id}/state", "GET PUT"},
    {"v1_meta_data", "/v1/nodes/{node_id}/meta_data", "GET PUT"},
    {"v1_vendor_passthru", "/v1/nodes/{node_id}/vendor_passthru/{method_name}", "POST"},
};

} // namespace

const ServiceSpec kSpec{
    .name = "baremetal",
    .default_mount = "/baremetal",
    .faults = FaultStyle::nova,
    .endpoints = kEndpoints,
    .aliases = {},
    .microversions = nullptr,
    .request_id_header = nullptr,
    .versions = &versions,
};

} // namespace jumpgate::api::baremetal
