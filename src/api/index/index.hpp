// SPDX-License-Identifier: Apache-2.0
// The root index: GET / on the shared port lists the mounted services and their versions.
#pragma once

#include <jumpgate/app.hpp>

namespace jumpgate::api::index {

extern const ServiceSpec kSpec;

/* install: serve the root index of `app` on `disp`. */
void install(const App& app, Dispatcher& disp);

} // namespace jumpgate::api::index
