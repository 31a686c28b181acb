// SPDX-License-Identifier: Apache-2.0
// What the server views and the server actions share.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <jumpgate/driver/compute.hpp>

namespace jumpgate::compute {

/* flavor_visible: a flavor the caller may see and use (public, shared with its project, or any for an admin); NotFound. */
Flavor flavor_visible(const Driver& driver, const Request& req, const std::string& flavor_id);
/* server_status: Nova's status of a server from its vm_state and task_state. */
std::string server_status(const Server& s);
/* vm_state_of_status: the vm_state a status filter names, or nullopt. */
std::optional<std::string> vm_state_of_status(std::string_view status);
/* server_view: the full server as the request's microversion shows it (`show`: the single-server form). */
json server_view(const Request& req, const Server& s, bool show);
/* server_change_view: the server as an update (`rebuild`: a rebuild) answers it: before 2.75, without the extensions' fields. */
json server_change_view(const Request& req, const Server& s, bool rebuild);
/* editable: `s`, or Conflict when it is locked and the caller is not an admin. */
const Server& editable(const Request& req, const Server& s);
/* tags_of, check_tag: Nova's tag rules (at most 50, 1-60 characters, no '/' or ','); BadRequest. */
std::vector<std::string> tags_of(const json& j);
void check_tag(const std::string& tag);

namespace detail {
/* bind_server_actions: POST /servers/{id}/action (server_actions.cpp). */
void bind_server_actions(Dispatcher& disp, std::shared_ptr<const Driver> driver);
} // namespace detail

} // namespace jumpgate::compute
