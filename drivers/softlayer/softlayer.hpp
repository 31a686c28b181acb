// SPDX-License-Identifier: Apache-2.0
// The SoftLayer driver's services: identity (users and API keys) and compute (virtual guests).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <jumpgate/driver/compute.hpp>
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/driver/revocations.hpp>

#include "client.hpp"

namespace jumpgate::softlayer {

using identity::Revocations;

/*
 * Identity: SoftLayer users authenticate with their username and API key; the project
 * is their account, where they hold the member role. Made once for the worker (no
 * credentials: it authenticates and keeps revocations) and once for each user the core
 * acts for (actingFor), which asks SoftLayer as that user, remembering what it learnt
 * for its own short life.
 */
class Identity : public identity::Driver {
  public:
    Identity(std::shared_ptr<const Client> client, std::shared_ptr<Revocations> revocations,
             std::string credentials = {});

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
    std::optional<std::int64_t> generation() const override;
    std::shared_ptr<const identity::Driver> actingFor(const std::string& credentials) const override;

  private:
    const json& current_user() const;
    const json& account() const;
    identity::Project project() const;

    std::shared_ptr<const Client> client_;
    std::shared_ptr<Revocations> revocations_;
    std::string credentials_;
    mutable std::optional<json> user_;
    mutable std::optional<json> account_;
};

/* ComputeSettings: how guests are ordered ([compute] in jumpgate.conf). */
struct ComputeSettings {
    std::vector<compute::Flavor> flavors;
    std::string domain = "jumpgate.local";
    std::string default_zone; // empty: a create must name its availability zone
    bool hourly = true;
};

/*
 * Compute: servers are the account's virtual guests, flavors a table, availability
 * zones the datacenters, key pairs the account's SSH keys; every call is made as the
 * caller (Context::credentials), so an account sees only its own.
 */
class Compute : public compute::Driver {
  public:
    Compute(std::shared_ptr<const Client> client, ComputeSettings settings);

    std::vector<compute::Flavor> flavorList(const Context& ctx) const override;
    compute::Flavor flavorGet(const Context& ctx, const std::string& flavor_id) const override;
    std::vector<compute::AvailabilityZone> availabilityZoneList(const Context& ctx) const override;

    std::vector<compute::Server> serverList(const Context& ctx, const compute::ServerQuery& q) const override;
    compute::Server serverGet(const Context& ctx, const std::string& server_id) const override;
    compute::Server serverCreate(const Context& ctx, const compute::Server& server,
                                 const json& networks) const override;
    compute::Server serverUpdate(const Context& ctx, const compute::Server& server) const override;
    void serverDelete(const Context& ctx, const std::string& server_id) const override;

    void serverReboot(const Context& ctx, const std::string& server_id, bool hard) const override;
    void serverStop(const Context& ctx, const std::string& server_id) const override;
    void serverStart(const Context& ctx, const std::string& server_id) const override;
    void serverPause(const Context& ctx, const std::string& server_id) const override;
    void serverUnpause(const Context& ctx, const std::string& server_id) const override;
    compute::Server serverRebuild(const Context& ctx, const std::string& server_id,
                                  const compute::Rebuild& r) const override;
    std::string serverSnapshot(const Context& ctx, const std::string& server_id, const std::string& name,
                               const std::map<std::string, std::string>& metadata) const override;
    std::vector<compute::InstanceAction> instanceActionList(const Context& ctx,
                                                            const std::string& server_id) const override;
    std::vector<compute::ServerUsage> usageList(const Context& ctx, const std::optional<std::string>& project_id,
                                                std::int64_t start, std::int64_t end) const override;

    std::vector<compute::Keypair> keypairList(const Context& ctx, const std::string& user_id) const override;
    compute::Keypair keypairGet(const Context& ctx, const std::string& user_id, const std::string& name) const override;
    compute::Keypair keypairCreate(const Context& ctx, const compute::Keypair& keypair) const override;
    void keypairDelete(const Context& ctx, const std::string& user_id, const std::string& name) const override;

    compute::QuotaSet quotaGet(const Context& ctx, const std::string& project_id) const override;
    compute::QuotaSet quotaDefaults(const Context& ctx) const override;
    compute::QuotaSet quotaUsage(const Context& ctx, const std::string& project_id) const override;

  private:
    json guests(const Context& ctx, json filter) const;
    json guest(const Context& ctx, const std::string& server_id) const;
    compute::Server checked(const Context& ctx, const std::string& server_id, std::string_view action,
                            std::initializer_list<const char*> states) const;
    void act(const Context& ctx, const std::string& server_id, const char* method,
             json parameters = json::array()) const;
    std::optional<json> ssh_key(const Context& ctx, const std::string& name) const;

    std::shared_ptr<const Client> client_;
    ComputeSettings settings_;
};

} // namespace jumpgate::softlayer
