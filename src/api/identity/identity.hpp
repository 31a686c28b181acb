// SPDX-License-Identifier: Apache-2.0
// The identity service as the core knows it: its catalogue, its version documents and its bindings.
#pragma once

#include <span>

#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/operations.hpp>

namespace jumpgate::identity {
class Driver;
}

namespace jumpgate::api::identity {

/* kSpec: the catalogue and conventions of the service (routes.cpp). */
extern const ServiceSpec kSpec;

/* versions: the version list shown in the root index (versions.cpp). */
json versions(const Request& req, const Dispatcher& disp);

/* install_versions: serve the version documents on `disp` (versions.cpp). */
void install_versions(Dispatcher& disp);

/*
 * resource_bindings: the Keystone requests on domains, projects, users, roles, role
 * assignments and application credentials, each with the operations it calls (resources.cpp).
 */
std::span<const Binding<jumpgate::identity::Driver>> resource_bindings();

} // namespace jumpgate::api::identity
