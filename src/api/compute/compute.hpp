// SPDX-License-Identifier: Apache-2.0
// The compute service as the core knows it: its catalogue and its version documents.
#pragma once

#include <jumpgate/dispatcher.hpp>

namespace jumpgate::api::compute {

/* kSpec: the catalogue and conventions of the service (routes.cpp). */
extern const ServiceSpec kSpec;

/* versions: the version list shown in the root index (versions.cpp). */
json versions(const Request& req, const Dispatcher& disp);

/* install_versions: serve the version documents on `disp` (versions.cpp). */
void install_versions(Dispatcher& disp);

/* install_policy: refuse admin-only endpoints to non-admins (policy.cpp); install_versions calls it. */
void install_policy(Dispatcher& disp);

/* install_extensions: serve /extensions, listing what the drivers serve (extensions.cpp); install_versions calls it. */
void install_extensions(Dispatcher& disp);

} // namespace jumpgate::api::compute
