// SPDX-License-Identifier: Apache-2.0
// Cinder's /extensions: the API extensions this cloud serves, each listed only while a driver serves its endpoint.
#include "api/volume/volume.hpp"

namespace jumpgate::api::volume {

namespace {

/* Extension: one entry of Cinder's listing, and the endpoint and verb whose handler means it is there. */
struct Extension {
    const char* alias;
    const char* name;
    const char* description;
    const char* updated;
    const char* endpoint;
    const char* verb;
};

// Cinder's own names, descriptions and dates (its api/contrib modules); the attributes a volume or snapshot view
// carries are there when the view is.
constexpr Extension kExtensions[] = {
    {"os-admin-actions", "AdminActions", "Enable admin actions.", "2012-08-25T00:00:00+00:00", "v3_volume_action",
     "POST"},
    {"os-availability-zone", "AvailabilityZones", "Describe Availability Zones.", "2013-06-27T00:00:00+00:00",
     "v3_availability_zones", "GET"},
    {"backups", "Backups", "Backups support.", "2012-12-12T00:00:00+00:00", "v3_backups", "GET"},
    {"encryption", "VolumeTypeEncryption", "Encryption support for volume types.", "2013-07-01T00:00:00+00:00",
     "v3_type_encryption", "GET"},
    {"os-extended-snapshot-attributes", "ExtendedSnapshotAttributes", "Extended SnapshotAttributes support.",
     "2012-06-19T00:00:00+00:00", "v3_snapshot", "GET"},
    {"os-hosts", "Hosts", "Admin-only host administration.", "2011-06-29T00:00:00+00:00", "v3_hosts", "GET"},
    {"os-quota-sets", "Quotas", "Quota management support.", "2011-08-08T00:00:00+00:00", "v3_quota_set", "GET"},
    {"os-services", "Services", "Services support.", "2012-10-28T00:00:00-00:00", "v3_services", "GET"},
    {"os-snapshot-actions", "SnapshotActions", "Enable snapshot manager actions.", "2013-07-16T00:00:00+00:00",
     "v3_snapshot_action", "POST"},
    {"qos-specs", "Qos_specs_manage", "QoS specs support.", "2013-08-02T00:00:00+00:00", "v3_qos_specs", "GET"},
    {"os-types-extra-specs", "TypesExtraSpecs", "Type extra specs support.", "2011-08-24T00:00:00+00:00",
     "v3_type_extra_specs", "GET"},
    {"os-types-manage", "TypesManage", "Types manage support.", "2011-08-24T00:00:00+00:00", "v3_types", "POST"},
    {"os-used-limits", "UsedLimits", "Provide data on limited resources that are being used.",
     "2013-10-03T00:00:00+00:00", "v3_limits", "GET"},
    {"os-volume-actions", "VolumeActions", "Enable volume actions.", "2012-05-31T00:00:00+00:00", "v3_volume_action",
     "POST"},
    {"os-volume-transfer", "VolumeTransfer", "Volume transfer management support.", "2013-05-29T00:00:00+00:00",
     "v3_transfers", "GET"},
    {"os-vol-host-attr", "VolumeHostAttribute", "Expose host as an attribute of a volume.", "2011-11-03T00:00:00+00:00",
     "v3_volume", "GET"},
    {"os-vol-image-meta", "VolumeImageMetadata", "Show image metadata associated with the volume.",
     "2012-12-07T00:00:00+00:00", "v3_volume", "GET"},
    {"os-vol-mig-status-attr", "VolumeMigStatusAttribute", "Expose migration_status as an attribute of a volume.",
     "2013-08-08T00:00:00+00:00", "v3_volume", "GET"},
    {"os-vol-tenant-attr", "VolumeTenantAttribute", "Expose the internal project_id as an attribute of a volume.",
     "2011-11-03T00:00:00+00:00", "v3_volume", "GET"},
    {"os-volume-type-access", "VolumeTypeAccess", "Volume type access support.", "2014-06-26T00:00:00Z",
     "v3_type_access", "GET"},
};

} // namespace

void install_extensions(Dispatcher& disp)
{
    // Asked at request time: the drivers bind their endpoints after the core has installed this.
    disp.set_handler("v3_extensions", {.get = [](const Request& req, Response& resp) {
                         json list = json::array();
                         for (const auto& e : kExtensions)
                             if (req.dispatcher()->has_handler(e.endpoint, e.verb))
                                 list.push_back({{"alias", e.alias},
                                                 {"name", e.name},
                                                 {"description", e.description},
                                                 {"updated", e.updated},
                                                 {"links", json::array()}});
                         resp.json({{"extensions", std::move(list)}});
                     }});
}

} // namespace jumpgate::api::volume
