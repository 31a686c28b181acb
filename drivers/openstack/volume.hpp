// SPDX-License-Identifier: Apache-2.0
// Cinder v3 as the openstack driver's Block Storage reads it: volumes, snapshots, types and quotas as records.
#pragma once

#include <string>

#include <jumpgate/driver/volume.hpp>

#include "service.hpp"

namespace jumpgate::openstack {

/*
 * volume_of: a volume of Cinder v3 (its JSON record, at microversion 3.0) as volume::Volume:
 * times in Unix seconds, bootable and readonly from Cinder's strings, attachments as they
 * are. The project is the record's (an admin sees it) or else `project_id`, the caller's:
 * Cinder shows others none of their own. Throws ServiceUnavailable for what is no volume.
 */
volume::Volume volume_of(const json& v3, const std::string& project_id);

/* snapshot_of: a snapshot of Cinder v3 as volume::Snapshot, its project as volume_of's. */
volume::Snapshot snapshot_of(const json& v3, const std::string& project_id);

/* type_of: a volume type of Cinder v3 as volume::VolumeType (is_default is not Cinder's to say here). */
volume::VolumeType type_of(const json& v3);

/*
 * quota_of: the limits of a Cinder quota set ({"volumes": 10, ...}), or, from a set read with
 * ?usage=true ({"volumes": {"limit": 10, "in_use": 2, ...}}), what is in use. Non-numbers (the id) are left out.
 */
volume::QuotaSet quota_of(const json& quota_set, bool in_use = false);

} // namespace jumpgate::openstack
