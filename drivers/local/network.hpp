// SPDX-License-Identifier: Apache-2.0
// The local cloud's Network service: Neutron's resources as JSON documents in SQLite, addresses allocated under the
// write lock.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <jumpgate/driver/network.hpp>

#include "db.hpp"

namespace jumpgate::local {

/*
 * Network: every resource a row of network_resources holding its document;
 * addresses in network_ip_allocations, whose UNIQUE (subnet, address) is the
 * backstop behind allocating inside BEGIN IMMEDIATE. Compute shares the object
 * for its servers' ports (serverPortCreate, serverPortsDelete). Its operations
 * are in network_<resource>.cpp, on the Store of network_store.hpp.
 */
class Network : public network::Driver {
  public:
    explicit Network(std::shared_ptr<Database> db) : db_(std::move(db)) {}

    /* collections: every kind, metering's too. */
    std::vector<std::string> collections() const override;
    std::vector<json> list(const Context& ctx, const std::string& collection, const network::Query& q) const override;
    json get(const Context& ctx, const std::string& collection, const std::string& id) const override;
    json create(const Context& ctx, const std::string& collection, const json& resource) const override;
    json update(const Context& ctx, const std::string& collection, const std::string& id,
                const json& changes) const override;
    void remove(const Context& ctx, const std::string& collection, const std::string& id) const override;
    json routerInterfaceAdd(const Context& ctx, const std::string& router_id, const std::string& subnet_id,
                            const std::string& port_id) const override;
    json routerInterfaceRemove(const Context& ctx, const std::string& router_id, const std::string& subnet_id,
                               const std::string& port_id) const override;

    network::QuotaSet quotaGet(const Context& ctx, const std::string& project_id) const override;
    network::QuotaSet quotaDefaults(const Context& ctx) const override;
    std::vector<std::pair<std::string, network::QuotaSet>> quotaList(const Context& ctx) const override;
    network::QuotaSet quotaSet(const Context& ctx, const std::string& project_id,
                               const network::QuotaSet& changes) const override;
    void quotaReset(const Context& ctx, const std::string& project_id) const override;
    network::QuotaSet quotaUsage(const Context& ctx, const std::string& project_id) const override;

    std::vector<network::AvailabilityZone> availabilityZoneList(const Context& ctx) const override;

    network::ServerPort serverPortCreate(const Context& ctx, const std::string& server_id,
                                         const network::PortRequest& request) const override;
    void serverPortsDelete(const Context& ctx, const std::string& server_id) const override;
    void serverPortDelete(const Context& ctx, const std::string& server_id, const std::string& port_id) const override;

  private:
    std::shared_ptr<Database> db_;
};

} // namespace jumpgate::local
