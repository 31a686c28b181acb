// SPDX-License-Identifier: Apache-2.0
// The volume service as the core knows it: its catalogue and its version documents.
#pragma once

#include <jumpgate/dispatcher.hpp>

namespace jumpgate::api::volume {

/* kSpec: the catalogue and conventions of the service (routes.cpp). */
extern const ServiceSpec kSpec;

/* versions: the version list shown in the root index (versions.cpp). */
json versions(const Request& req, const Dispatcher& disp);

/* install_versions: serve the version documents on `disp` (versions.cpp), and install_extensions. */
void install_versions(Dispatcher& disp);

/* install_extensions: serve /extensions, listing the extensions whose endpoints the drivers serve (extensions.cpp). */
void install_extensions(Dispatcher& disp);

} // namespace jumpgate::api::volume
