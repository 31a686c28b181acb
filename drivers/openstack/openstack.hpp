// SPDX-License-Identifier: Apache-2.0
// The OpenStack driver's services: identity over the upstream's Keystone v3, the rest passed through.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <jumpgate/app.hpp>
#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/identity.hpp>

#include "upstream.hpp"

namespace jumpgate::openstack {

/*
 * Identity: users authenticate against the upstream's Keystone; the upstream's token is
 * the credentials sealed in Jumpgate's, and every question about the user (their projects,
 * their roles there, whether the token still holds) is asked of the upstream with it.
 * Made once for the worker, and once per request for the user the core acts for.
 */
class Identity : public identity::Driver {
  public:
    explicit Identity(std::shared_ptr<const Upstream> upstream, std::string credentials = {});

    identity::User userAuthenticate(const identity::Ref& ref, const std::string& password) const override;
    identity::User userGet(const std::string& user_id) const override;
    identity::Domain domainGet(const std::string& domain_id) const override;
    identity::Project projectFind(const identity::Ref& ref) const override;
    std::vector<identity::Project> projectListForUser(const std::string& user_id) const override;
    std::vector<identity::Role> roleList() const override;
    std::vector<identity::Role> roleListForProject(const std::string& user_id,
                                                   const std::string& project_id) const override;
    void tokenRevoke(const std::string& audit_id, std::int64_t expires_at) const override;
    bool tokenIsRevoked(const std::string& audit_id, const std::string& user_id, const std::string& project_id,
                        std::int64_t issued_at) const override;
    identity::ApplicationCredential applicationCredentialAuthenticate(const std::string& id,
                                                                      const std::string& secret) const override;
    std::optional<std::int64_t> generation() const override;
    std::shared_ptr<const identity::Driver> actingFor(const std::string& credentials) const override;

  private:
    /* learn: the domains and roles a token's view names, for domainGet and roleList. */
    void learn(const json& token) const;

    std::shared_ptr<const Upstream> upstream_;
    std::string credentials_;
    mutable std::map<std::string, std::string> domains_; // id -> name
    mutable std::map<std::string, std::string> roles_;   // id -> name
};

/*
 * pass_through: serve every verb of every endpoint of `disp` for which `keep(endpoint)`
 * is false by sending the request on to the upstream as it came, with the upstream token
 * of the caller's project, and the answer back with the upstream's URLs made Jumpgate's.
 */
void pass_through(App& app, Dispatcher& disp, std::shared_ptr<const Upstream> upstream,
                  const std::function<bool(std::string_view endpoint)>& keep);

} // namespace jumpgate::openstack
