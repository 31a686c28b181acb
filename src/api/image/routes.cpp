// SPDX-License-Identifier: Apache-2.0
// The image catalogue (Glance v1 and v2): every named endpoint, as data; the original Jumpgate's names first.
#include "api/image/image.hpp"

namespace jumpgate::api::image {

namespace {

constexpr Endpoint kEndpoints[] = {
    {"v2_schema_members", "/v2/schemas/members", "GET"},
    {"v2_schema_member", "/v2/schemas/member", "GET"},
    {"v2_schema_image", "/v2/schemas/image", "GET"},
    {"v2_schema_images", "/v2/schemas/images", "GET"},
    {"v2_image", "/v2/images/{image_guid}", "GET PATCH DELETE"},
    {"v2_images", "/v2/images", "GET POST"},
    {"v2_images_detail", "/v2/images/detail", "GET"},
    {"v2_image_file", "/v2/images/{image_guid}/file", "GET PUT"},
    {"v2_image_tag", "/v2/images/{image_guid}/tags/{tag}", "PUT DELETE"},
    {"v1_image", "/v1/images/{image_guid}", "GET HEAD PUT DELETE"},
    {"v1_images", "/v1/images", "GET POST"},
    {"v1_images_detail", "/v1/images/detail", "GET"},
    {"v1_image_members", "/v1/images/{image_guid}/members", "GET PUT"},
    {"v1_image_owner", "/v1/images/{image_guid}/members/{owner}", "PUT DELETE"},
    {"v1_shared_image_owner", "/v1/shared-images/{owner}", "GET"},
    // Glance paths the original lacks
    {"versions", "/", "GET"},
    {"versions_alias", "/versions", "GET"},
    {"v2_image_members", "/v2/images/{image_guid}/members", "GET POST"},
    {"v2_image_member", "/v2/images/{image_guid}/members/{member_id}", "GET PUT DELETE"},
    {"v2_image_deactivate", "/v2/images/{image_guid}/actions/deactivate", "POST"},
    {"v2_image_reactivate", "/v2/images/{image_guid}/actions/reactivate", "POST"},
    {"v2_image_stage", "/v2/images/{image_guid}/stage", "PUT"},
    {"v2_info_import", "/v2/info/import", "GET"},
    {"v2_info_stores", "/v2/info/stores", "GET"},
    {"v2_schema_metadefs_namespace", "/v2/schemas/metadefs/namespace", "GET"},
    {"v2_schema_metadefs_namespaces", "/v2/schemas/metadefs/namespaces", "GET"},
    {"v2_schema_metadefs_resource_type", "/v2/schemas/metadefs/resource_type", "GET"},
    {"v2_schema_metadefs_resource_types", "/v2/schemas/metadefs/resource_types", "GET"},
    {"v2_schema_metadefs_object", "/v2/schemas/metadefs/object", "GET"},
    {"v2_schema_metadefs_objects", "/v2/schemas/metadefs/objects", "GET"},
    {"v2_schema_metadefs_property", "/v2/schemas/metadefs/property", "GET"},
    {"v2_schema_metadefs_properties", "/v2/schemas/metadefs/properties", "GET"},
    {"v2_schema_metadefs_tag", "/v2/schemas/metadefs/tag", "GET"},
    {"v2_schema_metadefs_tags", "/v2/schemas/metadefs/tags", "GET"},
    {"v2_metadefs_resource_types", "/v2/metadefs/resource_types", "GET"},
    {"v2_metadefs_namespaces", "/v2/metadefs/namespaces", "GET POST"},
    {"v2_metadefs_namespace", "/v2/metadefs/namespaces/{namespace_name}", "GET PUT DELETE"},
    {"v2_metadefs_namespace_resource_types", "/v2/metadefs/namespaces/{namespace_name}/resource_types", "GET POST"},
    {"v2_metadefs_namespace_resource_type",
     "/v2/metadefs/namespaces/{namespace_name}/resource_types/{resource_type_name}", "DELETE"},
    {"v2_metadefs_namespace_objects", "/v2/metadefs/namespaces/{namespace_name}/objects", "GET POST DELETE"},
    {"v2_metadefs_namespace_object", "/v2/metadefs/namespaces/{namespace_name}/objects/{object_name}",
     "GET PUT DELETE"},
    {"v2_metadefs_namespace_properties", "/v2/metadefs/namespaces/{namespace_name}/properties", "GET POST DELETE"},
    {"v2_metadefs_namespace_property", "/v2/metadefs/namespaces/{namespace_name}/properties/{property_name}",
     "GET PUT DELETE"},
    {"v2_metadefs_namespace_tags", "/v2/metadefs/namespaces/{namespace_name}/tags", "GET POST DELETE"},
    {"v2_metadefs_namespace_tag", "/v2/metadefs/namespaces/{namespace_name}/tags/{tag_name}", "GET POST PUT DELETE"},
};

} // namespace

const ServiceSpec kSpec{
    .name = "image",
    .default_mount = "/image",
    .faults = FaultStyle::glance,
    .endpoints = kEndpoints,
    .aliases = {},
    .microversions = nullptr,
    .request_id_header = nullptr,
    .versions = &versions,
    .exact_paths = true,
};

} // namespace jumpgate::api::image
