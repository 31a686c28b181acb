// SPDX-License-Identifier: Apache-2.0
// The catalog as the token and catalog views read it: from the driver's stored rows, or the stack's own.
#pragma once

#include <memory>
#include <span>
#include <string>

#include <jumpgate/app.hpp>
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/driver/operations.hpp>

namespace jumpgate::api::identity {

/* CatalogSource: what the catalog views need: the App (its mounts fill %(jumpgate:SERVICE)s), the driver. */
struct CatalogSource {
    App& app;
    std::shared_ptr<const jumpgate::identity::Driver> driver;
    Operations ops;
    std::string region; // the region of the stack's own endpoints when the driver stores no catalog

    /* as: the driver acting for the request's caller. */
    std::shared_ptr<const jumpgate::identity::Driver> as(const Request& req) const;
};

/*
 * token_catalog: the catalog a token of `user_id` on `project_id` (empty: none) carries, as Keystone
 * makes it: the enabled services with their enabled endpoints, URLs filled in; an endpoint whose URL
 * names a project is left out without one, and a service left without endpoints.
 */
json token_catalog(const CatalogSource& c, const Request& req, const std::string& user_id,
                   const std::string& project_id);

/* catalog_bindings: regions, services and endpoints (v3 and v2.0), policies and endpoint groups. */
std::span<const Binding<CatalogSource>> catalog_bindings();

} // namespace jumpgate::api::identity
