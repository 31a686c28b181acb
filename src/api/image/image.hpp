// SPDX-License-Identifier: Apache-2.0
// The image service as the core knows it: its catalogue and its version documents.
#pragma once

#include <jumpgate/dispatcher.hpp>

namespace jumpgate::api::image {

/* kSpec: the catalogue and conventions of the service (routes.cpp). */
extern const ServiceSpec kSpec;

/* versions: the version list shown in the root index (versions.cpp). */
json versions(const Request& req, const Dispatcher& disp);

/* install_versions: serve the version documents on `disp` (versions.cpp). */
void install_versions(Dispatcher& disp);

} // namespace jumpgate::api::image
