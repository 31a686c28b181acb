// SPDX-License-Identifier: Apache-2.0
// The identity service as the core knows it: its catalogue, its version documents and its bindings.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/operations.hpp>

namespace jumpgate::identity {
class Driver;
struct RoleInference;
} // namespace jumpgate::identity

namespace jumpgate::api::identity {

/* kSpec: the catalogue and conventions of the service (routes.cpp). */
extern const ServiceSpec kSpec;

/* versions: the version list shown in the root index (versions.cpp). */
json versions(const Request& req, const Dispatcher& disp);

/* install_versions: serve the version documents on `disp` (versions.cpp). */
void install_versions(Dispatcher& disp);

/*
 * resource_bindings: the Keystone requests on domains, projects, users, roles, their inference
 * rules, role assignments (on projects, domains and the system) and application credentials,
 * each with the operations it calls (resources.cpp).
 */
std::span<const Binding<jumpgate::identity::Driver>> resource_bindings();

/* group_bindings: the Keystone requests on groups and their members (groups.cpp). */
std::span<const Binding<jumpgate::identity::Driver>> group_bindings();

/* credential_bindings: the Keystone requests on credentials and EC2 credentials (credentials.cpp). */
std::span<const Binding<jumpgate::identity::Driver>> credential_bindings();
/* v2_admin_bindings: Keystone v2.0's requests on tenants, users, roles and their grants (v2_admin.cpp). */
std::span<const Binding<jumpgate::identity::Driver>> v2_admin_bindings();

/* trust_bindings: Keystone's trusts (OS-TRUST) and their roles (trusts.cpp). */
std::span<const Binding<jumpgate::identity::Driver>> trust_bindings();
/* consumer_bindings: Keystone's OAuth1 consumers (consumers.cpp). */
std::span<const Binding<jumpgate::identity::Driver>> consumer_bindings();
/* domain_config_bindings: Keystone's domain configurations and their defaults (domain_config.cpp). */
std::span<const Binding<jumpgate::identity::Driver>> domain_config_bindings();

/* Implied: a role reached through the inference rules, with the prior role whose rule reached it. */
struct Implied {
    std::string role_id;
    std::string prior_role_id;

    bool operator==(const Implied&) const = default;
};

/*
 * implied_by: the roles that `role_id` implies through `rules`, directly or through
 * others, each once, breadth first, with the prior role that first reached it; a rule
 * leading back to `role_id` or to a role already reached adds nothing (rules may cycle)
 * (implied_roles.cpp).
 */
std::vector<Implied> implied_by(const std::string& role_id, std::span<const jumpgate::identity::RoleInference> rules);

/*
 * with_implied: the role ids `held` followed by every role they imply through `rules`,
 * each once: the roles a token carries for what its user holds (implied_roles.cpp).
 */
std::vector<std::string> with_implied(const std::vector<std::string>& held,
                                      std::span<const jumpgate::identity::RoleInference> rules);

/*
 * kAdminAlias: the prefix under which this service serves every one of its paths as Keystone's admin
 * endpoint did (the catalog's identity `admin` URL): v2.0's tenant list is every tenant there, to an admin.
 */
inline constexpr std::string_view kAdminAlias = "/admin";

} // namespace jumpgate::api::identity
