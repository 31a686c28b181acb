// SPDX-License-Identifier: Apache-2.0
// The volume catalogue (Cinder v1, v2 and v3): every named endpoint, as data; the original Jumpgate's names first.
#include "api/volume/volume.hpp"

namespace jumpgate::api::volume {

namespace {

constexpr Endpoint kEndpoints[] = {
    {"v2_index", "/v2", "GET"},
    {"v2_volumes", "/v2/{tenant_id}/volumes", "GET POST"},
    {"v2_os_volumes", "/v2/{tenant_id}/os-volumes", "GET"},
    {"v2_volumes_detail", "/v2/{tenant_id}/volumes/detail", "GET"},
    {"v2_volume", "/v2/{tenant_id}/volumes/{volume_id}", "GET PUT DELETE"},
    {"v2_volume_types", "/v2/{tenant_id}/types", "GET POST"},
    {"v2_volume_type", "/v2/{tenant_id}/types/{type_id}", "GET PUT DELETE"},
    {"v2_snapshots", "/v2/{tenant_id}/snapshots", "GET POST"},
    {"v2_snapshot", "/v2/{tenant_id}/snapshots/{snapshot_id}", "GET PUT DELETE"},
    {"v1_snapshots_detail", "/v1/{tenant_id}/snapshots/detail", "GET"},
    {"v1_volume_types", "/v1/{tenant_id}/types", "GET POST"},
    {"v1_volumes", "/v1/{tenant_id}/volumes", "GET POST"},
    {"v1_volume", "/v1/{tenant_id}/volumes/{volume_id}", "GET PUT DELETE"},
    {"v1_volumes_detail", "/v1/{tenant_id}/volumes/detail", "GET"},
    // Cinder paths the original lacks: version roots, v2 extras, and v3 (also served without the project id)
    {"versions", "/", "GET"},
    {"v1_index", "/v1", "GET"},
    {"v3_index", "/v3", "GET"},
    {"v2_volume_action", "/v2/{tenant_id}/volumes/{volume_id}/action", "POST"},
    {"v2_volume_metadata", "/v2/{tenant_id}/volumes/{volume_id}/metadata", "GET POST PUT"},
    {"v2_volume_metadata_key", "/v2/{tenant_id}/volumes/{volume_id}/metadata/{key}", "GET PUT DELETE"},
    {"v2_snapshots_detail", "/v2/{tenant_id}/snapshots/detail", "GET"},
    {"v3_volumes", "/v3/{tenant_id}/volumes", "GET POST"},
    {"v3_volumes_detail", "/v3/{tenant_id}/volumes/detail", "GET"},
    {"v3_volumes_summary", "/v3/{tenant_id}/volumes/summary", "GET"},
    {"v3_volume", "/v3/{tenant_id}/volumes/{volume_id}", "GET PUT DELETE"},
    {"v3_volume_action", "/v3/{tenant_id}/volumes/{volume_id}/action", "POST"},
    {"v3_volume_metadata", "/v3/{tenant_id}/volumes/{volume_id}/metadata", "GET POST PUT"},
    {"v3_volume_metadata_key", "/v3/{tenant_id}/volumes/{volume_id}/metadata/{key}", "GET PUT DELETE"},
    {"v3_types", "/v3/{tenant_id}/types", "GET POST"},
    {"v3_type", "/v3/{tenant_id}/types/{type_id}", "GET PUT DELETE"},
    {"v3_type_action", "/v3/{tenant_id}/types/{type_id}/action", "POST"},
    {"v3_type_extra_specs", "/v3/{tenant_id}/types/{type_id}/extra_specs", "GET POST"},
    {"v3_type_extra_spec", "/v3/{tenant_id}/types/{type_id}/extra_specs/{key}", "GET PUT DELETE"},
    {"v3_type_access", "/v3/{tenant_id}/types/{type_id}/os-volume-type-access", "GET"},
    {"v3_type_encryption", "/v3/{tenant_id}/types/{type_id}/encryption", "GET POST"},
    {"v3_type_encryption_key", "/v3/{tenant_id}/types/{type_id}/encryption/{key}", "GET PUT DELETE"},
    {"v3_qos_specs", "/v3/{tenant_id}/qos-specs", "GET POST"},
    {"v3_qos_spec", "/v3/{tenant_id}/qos-specs/{qos_id}", "GET PUT DELETE"},
    {"v3_qos_spec_delete_keys", "/v3/{tenant_id}/qos-specs/{qos_id}/delete_keys", "PUT"},
    {"v3_qos_spec_associations", "/v3/{tenant_id}/qos-specs/{qos_id}/associations", "GET"},
    // Cinder changes associations with GETs that name the type in the query (?vol_type_id=).
    {"v3_qos_spec_associate", "/v3/{tenant_id}/qos-specs/{qos_id}/associate", "GET"},
    {"v3_qos_spec_disassociate", "/v3/{tenant_id}/qos-specs/{qos_id}/disassociate", "GET"},
    {"v3_qos_spec_disassociate_all", "/v3/{tenant_id}/qos-specs/{qos_id}/disassociate_all", "GET"},
    {"v3_snapshots", "/v3/{tenant_id}/snapshots", "GET POST"},
    {"v3_snapshots_detail", "/v3/{tenant_id}/snapshots/detail", "GET"},
    {"v3_snapshot", "/v3/{tenant_id}/snapshots/{snapshot_id}", "GET PUT DELETE"},
    {"v3_snapshot_action", "/v3/{tenant_id}/snapshots/{snapshot_id}/action", "POST"},
    {"v3_snapshot_metadata", "/v3/{tenant_id}/snapshots/{snapshot_id}/metadata", "GET POST PUT"},
    {"v3_snapshot_metadata_key", "/v3/{tenant_id}/snapshots/{snapshot_id}/metadata/{key}", "GET PUT DELETE"},
    {"v3_transfers", "/v3/{tenant_id}/os-volume-transfer", "GET POST"},
    {"v3_transfers_detail", "/v3/{tenant_id}/os-volume-transfer/detail", "GET"},
    {"v3_transfer", "/v3/{tenant_id}/os-volume-transfer/{transfer_id}", "GET DELETE"},
    {"v3_transfer_accept", "/v3/{tenant_id}/os-volume-transfer/{transfer_id}/accept", "POST"},
    // The same transfers under the name of microversion 3.55, whose create takes no_snapshots.
    {"v3_volume_transfers", "/v3/{tenant_id}/volume-transfers", "GET POST"},
    {"v3_volume_transfers_detail", "/v3/{tenant_id}/volume-transfers/detail", "GET"},
    {"v3_volume_transfer", "/v3/{tenant_id}/volume-transfers/{transfer_id}", "GET DELETE"},
    {"v3_volume_transfer_accept", "/v3/{tenant_id}/volume-transfers/{transfer_id}/accept", "POST"},
    {"v3_availability_zones", "/v3/{tenant_id}/os-availability-zone", "GET"},
    {"v3_limits", "/v3/{tenant_id}/limits", "GET"},
    {"v3_quota_set", "/v3/{tenant_id}/os-quota-sets/{project_id}", "GET PUT DELETE"},
    {"v3_quota_set_defaults", "/v3/{tenant_id}/os-quota-sets/{project_id}/defaults", "GET"},
    {"v3_attachments", "/v3/{tenant_id}/attachments", "GET POST"},
    {"v3_attachments_detail", "/v3/{tenant_id}/attachments/detail", "GET"},
    {"v3_attachment", "/v3/{tenant_id}/attachments/{attachment_id}", "GET PUT DELETE"},
    {"v3_attachment_action", "/v3/{tenant_id}/attachments/{attachment_id}/action", "POST"},
    {"v3_backups", "/v3/{tenant_id}/backups", "GET POST"},
    {"v3_backups_detail", "/v3/{tenant_id}/backups/detail", "GET"},
    {"v3_backup", "/v3/{tenant_id}/backups/{backup_id}", "GET PUT DELETE"},
    {"v3_backup_restore", "/v3/{tenant_id}/backups/{backup_id}/restore", "POST"},
    {"v3_backup_action", "/v3/{tenant_id}/backups/{backup_id}/action", "POST"},
    {"v3_backup_export", "/v3/{tenant_id}/backups/{backup_id}/export_record", "GET"},
    {"v3_backups_import", "/v3/{tenant_id}/backups/import_record", "POST"},
    {"v3_extensions", "/v3/{tenant_id}/extensions", "GET"},
    {"v3_services", "/v3/{tenant_id}/os-services", "GET"},
    {"v3_service_action", "/v3/{tenant_id}/os-services/{action}", "PUT"},
    {"v3_hosts", "/v3/{tenant_id}/os-hosts", "GET"},
    {"v3_pools", "/v3/{tenant_id}/scheduler-stats/get_pools", "GET"},
    {"v3_capabilities", "/v3/{tenant_id}/capabilities/{host_name}", "GET"},
    {"v3_messages", "/v3/{tenant_id}/messages", "GET"},
    {"v3_message", "/v3/{tenant_id}/messages/{message_id}", "GET DELETE"},
    {"v3_quota_class_set", "/v3/{tenant_id}/os-quota-class-sets/{class_name}", "GET PUT"},
    {"v3_host", "/v3/{tenant_id}/os-hosts/{host_name}", "GET"},
    {"v2_limits", "/v2/{tenant_id}/limits", "GET"},
    {"v2_quota_set", "/v2/{tenant_id}/os-quota-sets/{project_id}", "GET PUT DELETE"},
    {"v2_quota_set_defaults", "/v2/{tenant_id}/os-quota-sets/{project_id}/defaults", "GET"},
    {"v2_availability_zones", "/v2/{tenant_id}/os-availability-zone", "GET"},
    // Generic volume groups (3.11 group types, 3.13 groups, 3.14 group snapshots)
    {"v3_group_types", "/v3/{tenant_id}/group_types", "GET POST"},
    {"v3_group_type", "/v3/{tenant_id}/group_types/{group_type_id}", "GET PUT DELETE"},
    {"v3_group_specs", "/v3/{tenant_id}/group_types/{group_type_id}/group_specs", "GET POST"},
    {"v3_group_spec", "/v3/{tenant_id}/group_types/{group_type_id}/group_specs/{key}", "GET PUT DELETE"},
    {"v3_groups", "/v3/{tenant_id}/groups", "GET POST"},
    {"v3_groups_detail", "/v3/{tenant_id}/groups/detail", "GET"},
    {"v3_groups_action", "/v3/{tenant_id}/groups/action", "POST"},
    {"v3_group", "/v3/{tenant_id}/groups/{group_id}", "GET PUT"},
    {"v3_group_action", "/v3/{tenant_id}/groups/{group_id}/action", "POST"},
    {"v3_group_snapshots", "/v3/{tenant_id}/group_snapshots", "GET POST"},
    {"v3_group_snapshots_detail", "/v3/{tenant_id}/group_snapshots/detail", "GET"},
    {"v3_group_snapshot", "/v3/{tenant_id}/group_snapshots/{group_snapshot_id}", "GET DELETE"},
    {"v3_group_snapshot_action", "/v3/{tenant_id}/group_snapshots/{group_snapshot_id}/action", "POST"},
};

constexpr PathAlias kAliases[] = {
    {"/v3/{tenant_id}", "/v3"},
};

constexpr Microversions kMicroversions{
    .service_type = "volume", .legacy_header = nullptr, .prefix = "/v3", .min = {3, 0}, .max = {3, 70}};

} // namespace

const ServiceSpec kSpec{
    .name = "volume",
    .default_mount = "/volume",
    .faults = FaultStyle::nova,
    .endpoints = kEndpoints,
    .aliases = kAliases,
    .microversions = &kMicroversions,
    .request_id_header = nullptr,
    .versions = &versions,
    .exact_paths = true,
};

} // namespace jumpgate::api::volume
