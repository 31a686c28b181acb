// SPDX-License-Identifier: Apache-2.0
// The local driver's Network service on a temporary database: what Compute calls for servers' ports, tenancy, allocation.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include <jumpgate/fault.hpp>

#include "db.hpp"
#include "local.hpp"
#include "network.hpp"

using namespace jumpgate;
using namespace jumpgate::local;

namespace {

struct State {
    std::string dir;
    std::shared_ptr<Database> db;
    Network driver{nullptr};
    State()
    {
        char tmpl[] = "/tmp/jumpgate-network-XXXXXX";
        dir = mkdtemp(tmpl);
        db = std::make_shared<Database>(dir + "/jumpgate.sqlite", migrations());
        driver = Network(db);
    }
    ~State() { std::filesystem::remove_all(dir); }
};

Context project(const std::string& id, bool admin = false)
{
    Context ctx;
    ctx.project_id = id;
    ctx.roles = {admin ? "admin" : "member"};
    return ctx;
}

json network_of(const std::string& id, const std::string& project_id)
{
    return {{"id", id}, {"name", "n"}, {"description", ""}, {"project_id", project_id}, {"admin_state_up", true},
            {"shared", false}, {"router:external", false}, {"mtu", 1500}, {"port_security_enabled", true},
            {"availability_zone_hints", json::array()}};
}

json subnet_of(const std::string& network_id, const std::string& project_id, const std::string& cidr)
{
    return {{"id", new_uuid()}, {"name", ""}, {"description", ""}, {"project_id", project_id},
            {"network_id", network_id}, {"ip_version", 4}, {"cidr", cidr}, {"dns_nameservers", json::array()},
            {"host_routes", json::array()}, {"enable_dhcp", true}, {"ipv6_ra_mode", nullptr},
            {"ipv6_address_mode", nullptr}, {"subnetpool_id", nullptr}};
}

} // namespace

BOOST_AUTO_TEST_SUITE(local_network)

BOOST_AUTO_TEST_CASE(auto_network_is_made_once_per_project)
{
    State s;
    Context a = project("pa");
    auto first = s.driver.serverPortCreate(a, "server-1", {"auto", "", ""});
    auto second = s.driver.serverPortCreate(a, "server-2", {"auto", "", ""});
    BOOST_TEST(first.network_id == second.network_id);
    BOOST_TEST(first.network_name == "auto_allocated_network");
    BOOST_TEST(first.fixed_ips.size() == 1u);
    BOOST_TEST(first.fixed_ips[0].second == "10.0.0.2");
    BOOST_TEST(second.fixed_ips[0].second == "10.0.0.3");
    BOOST_TEST(first.mac_address.rfind("fa:16:3e:", 0) == 0u);
    auto other = s.driver.serverPortCreate(project("pb"), "server-3", {"auto", "", ""});
    BOOST_TEST(other.network_id != first.network_id);
    BOOST_TEST(other.fixed_ips[0].second == "10.0.0.2");   // projects' networks are apart
    json port = s.driver.get(a, "ports", first.port_id);
    BOOST_TEST(port["device_id"] == "server-1");
    BOOST_TEST(port["device_owner"] == "compute:nova");
    BOOST_TEST(port["status"] == "ACTIVE");
    BOOST_TEST(port["security_groups"].size() == 1u);
}

BOOST_AUTO_TEST_CASE(server_ports_on_a_network_with_an_address_or_existing)
{
    State s;
    Context a = project("pa");
    std::string net_id = new_uuid();
    s.driver.create(a, "networks", network_of(net_id, "pa"));
    s.driver.create(a, "subnets", subnet_of(net_id, "pa", "192.168.5.0/24"));
    auto fixed = s.driver.serverPortCreate(a, "server-1", {net_id, "", "192.168.5.50"});
    BOOST_TEST(fixed.fixed_ips[0].second == "192.168.5.50");
    BOOST_CHECK_THROW(s.driver.serverPortCreate(a, "server-2", {net_id, "", "192.168.5.50"}), Conflict);
    BOOST_CHECK_THROW(s.driver.serverPortCreate(project("pb"), "server-2", {net_id, "", ""}), NotFound);
    // A port the user made is bound, and only unbound when the server goes.
    json own = {{"id", new_uuid()}, {"name", "mine"}, {"description", ""}, {"project_id", "pa"},
                {"network_id", net_id}, {"admin_state_up", true}, {"device_id", ""}, {"device_owner", ""},
                {"binding:host_id", ""}, {"binding:vnic_type", "normal"}, {"binding:profile", json::object()}};
    own = s.driver.create(a, "ports", own);
    auto bound = s.driver.serverPortCreate(a, "server-1", {"", own["id"], ""});
    BOOST_TEST(bound.port_id == own["id"].get<std::string>());
    BOOST_CHECK_THROW(s.driver.serverPortCreate(a, "server-9", {"", own["id"], ""}), Conflict);
    s.driver.serverPortsDelete(project("admin-project", true), "server-1");
    BOOST_CHECK_THROW(s.driver.get(a, "ports", fixed.port_id), NotFound);
    json kept = s.driver.get(a, "ports", own["id"]);
    BOOST_TEST(kept["device_id"] == "");
    BOOST_TEST(kept["status"] == "DOWN");
    // The address of the deleted port is free again.
    BOOST_TEST(s.driver.serverPortCreate(a, "server-2", {net_id, "", "192.168.5.50"}).fixed_ips[0].second ==
               "192.168.5.50");
}

BOOST_AUTO_TEST_CASE(tenancy_and_in_use)
{
    State s;
    Context a = project("pa"), b = project("pb"), admin = project("px", true);
    std::string net_id = new_uuid();
    s.driver.create(a, "networks", network_of(net_id, "pa"));
    BOOST_CHECK_THROW(s.driver.get(b, "networks", net_id), NotFound);
    BOOST_CHECK_NO_THROW(s.driver.get(admin, "networks", net_id));
    BOOST_CHECK_THROW(s.driver.remove(b, "networks", net_id), NotFound);
    s.driver.create(a, "subnets", subnet_of(net_id, "pa", "10.9.0.0/30"));   // one address: .2
    auto port = s.driver.serverPortCreate(a, "server-1", {net_id, "", ""});
    BOOST_CHECK_THROW(s.driver.serverPortCreate(a, "server-2", {net_id, "", ""}), Conflict);
    BOOST_CHECK_THROW(s.driver.remove(a, "networks", net_id), Conflict);
    s.driver.serverPortsDelete(a, "server-1");
    BOOST_CHECK_NO_THROW(s.driver.remove(a, "networks", net_id));
    (void)port;
}

BOOST_AUTO_TEST_SUITE_END()
