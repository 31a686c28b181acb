// SPDX-License-Identifier: Apache-2.0
// What a driver module includes: the App, its dispatchers, and the entry point it exports.
#pragma once

#include <jumpgate/app.hpp>
#include <jumpgate/dispatcher.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/log.hpp>
#include <jumpgate/request.hpp>
#include <jumpgate/response.hpp>

/* Bumped whenever a public header changes in a way that breaks built drivers. */
#define JUMPGATE_ABI_VERSION 10

/*
 * JUMPGATE_DRIVER: define a module's entry point. The loader calls
 * setup_routes(app, disp) once per service configured with this driver; it
 * attaches handlers to named endpoints and does nothing else. Options are read
 * there, once (Config::integer, boolean, size: a bad value stops start-up at
 * its line), never per request. When app.checking() (--check-config,
 * --coverage), nothing may be created or changed: no state directory,
 * database, key or file; what exists is opened read-only or not at all.
 *
 *   JUMPGATE_DRIVER(app, disp) { if (disp.service() == ...) disp.set_handler(...); }
 */
#define JUMPGATE_DRIVER(app, disp)                                                                                     \
    extern "C" __attribute__((visibility("default"))) const int jumpgate_abi_version = JUMPGATE_ABI_VERSION;           \
    extern "C" __attribute__((visibility("default"))) void setup_routes(jumpgate::App& app, jumpgate::Dispatcher& disp)
