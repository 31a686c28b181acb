// SPDX-License-Identifier: Apache-2.0
// The identity catalogue (Keystone v2.0 and v3): every named endpoint, as data; the original Jumpgate's names first.
#include "api/identity/identity.hpp"

namespace jumpgate::api::identity {

namespace {

constexpr Endpoint kEndpoints[] = {
    {"versions", "/", "GET"},
    {"v3_auth_index", "/v3", "GET"},
    {"v3_auth_tokens", "/v3/auth/tokens", "GET HEAD POST DELETE"},
    {"v3_services", "/v3/services", "GET POST"},
    {"v3_services_with_id", "/v3/services/{service_id}", "GET PATCH DELETE"},
    {"v3_endpoints", "/v3/endpoints", "GET POST"},
    {"v3_endpoints_with_id", "/v3/endpoints/{endpoint_id}", "GET PATCH DELETE"},
    {"v3_domains", "/v3/domains", "GET POST"},
    {"v3_domains_with_id", "/v3/domains/{domain_id}", "GET PATCH DELETE"},
    {"v3_domain_user_roles", "/v3/domains/{domain_id}/users/{user_id}/roles", "GET"},
    {"v3_domain_user_role", "/v3/domains/{domain_id}/users/{user_id}/role/{role_id}", "HEAD PUT DELETE"},
    {"v3_domain_group_roles", "/v3/domains/{domain_id}/groups/{group_id}/roles", "GET"},
    {"v3_domain_group_role", "/v3/domains/{domain_id}/groups/{group_id}/role/{role_id}", "HEAD PUT DELETE"},
    {"v3_projects", "/v3/projects", "GET POST"},
    {"v3_projects_with_id", "/v3/projects/{project_id}", "GET PATCH DELETE"},
    {"v3_project_users", "/v3/projects/{project_id}/users", "GET"},
    {"v3_project_user_roles", "/v3/projects/{project_id}/users/{user_id}/roles", "GET"},
    {"v3_project_user_role", "/v3/projects/{project_id}/users/{user_id}/roles/{role_id}", "HEAD PUT DELETE"},
    {"v3_project_group_roles", "/v3/projects/{project_id}/groups/{group_id}/roles", "GET"},
    {"v3_project_role", "/v3/projects/{project_id}/{role_id}", "GET"},
    {"v3_users", "/v3/users", "GET POST"},
    {"v3_user", "/v3/users/{user_id}", "GET PATCH DELETE"},
    {"v3_user_groups", "/v3/users/{user_id}/groups", "GET"},
    {"v3_user_projects", "/v3/users/{user_id}/projects", "GET"},
    {"v3_user_roles", "/v3/users/{user_id}/roles", "GET"},
    {"v3_groups", "/v3/groups", "GET POST"},
    {"v3_group", "/v3/groups/{group_id}", "GET PATCH DELETE"},
    {"v3_group_users", "/v3/groups/{group_id}/users", "GET"},
    {"v3_group_user", "/v3/groups/{group_id}/users/{user_id}", "HEAD PUT DELETE"},
    {"v3_credentails", "/v3/credentials", "GET POST"},
    {"v3_credentail", "/v3/credentials/{credential_id}", "GET PATCH DELETE"},
    {"v3_roles", "/v3/roles", "GET POST"},
    {"v3_role", "/v3/roles/{role_id}", "GET PATCH DELETE"},
    {"v3_role_users", "/v3/roles/{role_id}/users", "GET"},
    {"v3_policies", "/v3/policies", "GET POST"},
    {"v3_policy", "/v3/policies/{policy_id}", "GET PATCH DELETE"},
    {"v2_auth_index", "/v2.0", "GET"},
    {"v2_extensions", "/v2.0/extensions", "GET"},
    {"v2_extension_alias", "/v2.0/extensions/{alias}", "GET"},
    {"v2_tokens", "/v2.0/tokens", "POST"},
    {"v2_token_tenants", "/v2.0/tokens/tenants", "GET"},
    {"v2_token", "/v2.0/tokens/{token_id}", "GET HEAD DELETE"},
    {"v2_token_endpoints", "/v2.0/tokens/{token_id}/endpoints", "GET"},
    {"v2_users", "/v2.0/users", "GET POST"},
    {"v2_user", "/v2.0/users/{user_id}", "GET PUT DELETE"},
    {"v2_user_roles", "/v2.0/users/{user_id}/roles", "GET"},
    {"v2_tenants", "/v2.0/tenants", "GET POST"},
    {"v2_tenant", "/v2.0/tenants/{tenant_id}", "GET POST DELETE"},
    {"v2_tenant_user_roles", "/v2.0/tenants/{tenant_id}/users/{user_id}/roles", "GET"},
    // Keystone v3 paths the original lacks
    {"v3_auth_catalog", "/v3/auth/catalog", "GET"},
    {"v3_auth_projects", "/v3/auth/projects", "GET"},
    {"v3_auth_domains", "/v3/auth/domains", "GET"},
    {"v3_auth_system", "/v3/auth/system", "GET"},
    {"v3_user_password", "/v3/users/{user_id}/password", "POST"},
    {"v3_user_application_credentials", "/v3/users/{user_id}/application_credentials", "GET POST"},
    {"v3_user_application_credential", "/v3/users/{user_id}/application_credentials/{application_credential_id}",
     "GET DELETE"},
    {"v3_regions", "/v3/regions", "GET POST"},
    {"v3_region", "/v3/regions/{region_id}", "GET PATCH DELETE"},
    {"v3_role_assignments", "/v3/role_assignments", "GET"},
    {"v3_domain_user_role_assignment", "/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}", "HEAD PUT DELETE"},
    {"v3_domain_group_role_assignment", "/v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}", "HEAD PUT DELETE"},
    {"v3_project_group_role", "/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}", "HEAD PUT DELETE"},
    {"v3_project_tags", "/v3/projects/{project_id}/tags", "GET PUT DELETE"},
    {"v3_project_tag", "/v3/projects/{project_id}/tags/{tag}", "GET PUT DELETE"},
    {"v3_role_inferences", "/v3/role_inferences", "GET"},
    {"v3_role_implies", "/v3/roles/{prior_role_id}/implies", "GET"},
    {"v3_role_imply", "/v3/roles/{prior_role_id}/implies/{implies_role_id}", "GET HEAD PUT DELETE"},
};

} // namespace

const ServiceSpec kSpec{
    .name = "identity",
    .default_mount = "/identity",
    .faults = FaultStyle::keystone,
    .endpoints = kEndpoints,
    .aliases = {},
    .microversions = nullptr,
    .request_id_header = nullptr,
    .versions = &versions,
};

} // namespace jumpgate::api::identity
