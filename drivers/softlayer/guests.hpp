// SPDX-License-Identifier: Apache-2.0
// Virtual guests as Nova servers: the flavor table, the state mapping, and the views both ways.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <jumpgate/driver/compute.hpp>

namespace jumpgate::softlayer {

/* kGuestMask: what a guest is read with: everything server_of() looks at. */
extern const char* const kGuestMask;

/*
 * flavor_table: the flavors of a table in `text`: a JSON list of objects with id, name,
 * vcpus, ram (MiB), disk (GiB) and, optionally, local_disk (a local rather than a SAN
 * disk), nic_speed (Mbps, 100 by default) and description. Throws std::invalid_argument
 * naming the entry and field at fault.
 */
std::vector<compute::Flavor> flavor_table(const std::string& text);
/* default_flavors: the table used when [compute] flavors names none. */
std::vector<compute::Flavor> default_flavors();

/* State: Nova's view of a guest's state. */
struct State {
    std::string vm_state;
    std::optional<std::string> task_state;
    int power_state = 0;
};

/*
 * state_of: the state of `guest` (read with kGuestMask): building while its first
 * provisioning transaction runs, then its power state (running: active, halted:
 * stopped, paused: paused), with a task while another transaction runs (an OS
 * reload: rebuilding, an image capture: image_uploading, a cancellation: deleting).
 */
State state_of(const json& guest);

/* time_of: seconds since the epoch of a SoftLayer time ("2024-05-01T10:00:00-06:00", "2013-08-01 15:23:45"). */
std::optional<std::int64_t> time_of(std::string_view text);

/*
 * server_of: the Nova server of `guest`, in the project `project_id`; its flavor is the
 * table's of the same size, else one named after the size. Tags of the form key=value
 * are its metadata, the others its tags.
 */
compute::Server server_of(const json& guest, const std::vector<compute::Flavor>& table, const std::string& project_id);

/*
 * tags_of: the SoftLayer tags of a server's metadata (key=value) and tags; BadRequest for
 * a tag that would read as metadata.
 */
std::vector<std::string> tags_of(const compute::Server& server);

/*
 * guest_template: the SoftLayer_Virtual_Guest to order for `server`, in datacenter `zone`,
 * with the domain, billing and SSH key ids given; its image is a template's global
 * identifier (a UUID) or else an operating system reference code.
 */
json guest_template(const compute::Server& server, const std::string& zone, const std::string& domain, bool hourly,
                    const std::vector<long long>& ssh_key_ids);

} // namespace jumpgate::softlayer
