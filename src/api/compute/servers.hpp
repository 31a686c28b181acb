// SPDX-License-Identifier: Apache-2.0
// What the server views and the server actions share.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <jumpgate/driver/compute.hpp>

namespace jumpgate::compute {

/* flavor_visible: a flavor the caller may see and use (public, shared with its project, or any for an admin); NotFound.
 */
Flavor flavor_visible(const Driver& driver, const Request& req, const std::string& flavor_id);
/* server_status: Nova's status of a server from its vm_state and task_state. */
std::string server_status(const Server& s);
/* vm_state_of_status: the vm_state a status filter names, or nullopt. */
std::optional<std::string> vm_state_of_status(std::string_view status);
/* server_view: the full server as the request's microversion shows it (`show`: the single-server form). */
json server_view(const Request& req, const Server& s, bool show);
/* server_change_view: the server as an update (`rebuild`: a rebuild) answers it: before 2.75, without the extensions'
 * fields. */
json server_change_view(const Request& req, const Server& s, bool rebuild);
/* editable: `s`, or Conflict when it is locked and the caller is not an admin. */
const Server& editable(const Request& req, const Server& s);
/* check_metadata_quota: Forbidden when `md` has more items than the project's quota (none without quotaGet). */
void check_metadata_quota(const Driver& driver, const Request& req, const std::map<std::string, std::string>& md);
/*
 * disk_config_of: the "OS-DCF:diskConfig" of a server, rebuild or resize request: true for AUTO,
 * false for MANUAL, nullopt when it names none; BadRequest for anything else.
 */
std::optional<bool> disk_config_of(const json& request);

/* random_password: an administrator password for a server whose request gave none. */
std::string random_password();
/* tags_of, check_tag: Nova's tag rules (at most 50, 1-60 characters, no '/' or ','); BadRequest. */
std::vector<std::string> tags_of(const json& j);
void check_tag(const std::string& tag);

/*
 * The binding tables of Compute's endpoints, each in the file that serves them;
 * detail::install (servers.cpp) binds them all.
 */
std::span<const Binding<Driver>> server_bindings();        // servers, metadata, tags, ips, instance actions
std::span<const Binding<Driver>> server_action_bindings(); // POST /servers/{id}/action (server_actions.cpp)
std::span<const Binding<Driver>> flavor_bindings();        // flavors.cpp
std::span<const Binding<Driver>> availability_zone_bindings();
std::span<const Binding<Driver>> keypair_bindings();
std::span<const Binding<Driver>> usage_bindings();
std::span<const Binding<Driver>> hypervisor_bindings();
std::span<const Binding<Driver>> host_bindings();
std::span<const Binding<Driver>> usage_audit_bindings();
std::span<const Binding<Driver>> aggregate_bindings();
std::span<const Binding<Driver>> server_group_bindings();
std::span<const Binding<Driver>> quota_bindings();
std::span<const Binding<Driver>>
server_extra_bindings(); // server_extras.cpp: diagnostics, password, events, migrations

/* Proxied: Compute's driver with another service's (nullptr when it has none), for Nova's calls that the other serves.
 */
template <class Other> struct Proxied {
    std::shared_ptr<const Driver> compute;
    std::shared_ptr<const Other> other;
};

/* install_image_proxy, install_volume_proxy, install_network_proxy: Nova's calls served by another service's driver. */
void install_image_proxy(Dispatcher& disp, const App& app);
void install_volume_proxy(Dispatcher& disp, const App& app);
void install_network_proxy(Dispatcher& disp, const App& app);

} // namespace jumpgate::compute
