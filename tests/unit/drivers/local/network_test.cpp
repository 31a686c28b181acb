// SPDX-License-Identifier: Apache-2.0
// The local driver's Network service on a temporary database: what Compute calls for servers' ports, tenancy,
// allocation.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

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
    return {{"id", id},
            {"name", "n"},
            {"description", ""},
            {"project_id", project_id},
            {"admin_state_up", true},
            {"shared", false},
            {"router:external", false},
            {"mtu", 1500},
            {"port_security_enabled", true},
            {"availability_zone_hints", json::array()}};
}

json subnet_of(const std::string& network_id, const std::string& project_id, const std::string& cidr)
{
    return {{"id", new_uuid()},
            {"name", ""},
            {"description", ""},
            {"project_id", project_id},
            {"network_id", network_id},
            {"ip_version", 4},
            {"cidr", cidr},
            {"dns_nameservers", json::array()},
            {"host_routes", json::array()},
            {"enable_dhcp", true},
            {"ipv6_ra_mode", nullptr},
            {"ipv6_address_mode", nullptr},
            {"subnetpool_id", nullptr}};
}

json pool_of(const std::string& project_id, std::vector<std::string> prefixes)
{
    return {{"id", new_uuid()},         {"name", "pool"},       {"description", ""},
            {"project_id", project_id}, {"prefixes", prefixes}, {"default_quota", nullptr},
            {"is_default", false},      {"shared", false},      {"address_scope_id", nullptr}};
}

json port_of(const std::string& network_id, const std::string& project_id, const std::string& mac)
{
    return {{"id", new_uuid()},
            {"name", ""},
            {"description", ""},
            {"project_id", project_id},
            {"network_id", network_id},
            {"admin_state_up", true},
            {"device_id", ""},
            {"device_owner", ""},
            {"mac_address", mac},
            {"binding:host_id", ""},
            {"binding:vnic_type", "normal"},
            {"binding:profile", json::object()}};
}

} // namespace

BOOST_AUTO_TEST_SUITE(local_network)

BOOST_AUTO_TEST_CASE(subnet_pools_fill_bounds_and_allocate_prefixes)
{
    State s;
    Context a = project("pa"), b = project("pb");
    json pool = s.driver.create(a, "subnetpools", pool_of("pa", {"10.8.1.0/24", "10.8.0.0/24"}));
    BOOST_TEST(pool["prefixes"] == json::array({"10.8.0.0/23"}));
    BOOST_TEST(pool["ip_version"] == 4);
    BOOST_TEST(pool["min_prefixlen"] == "8");
    BOOST_TEST(pool["max_prefixlen"] == "32");
    BOOST_TEST(pool["default_prefixlen"] == "8");
    BOOST_CHECK_THROW(s.driver.get(b, "subnetpools", pool["id"]), NotFound);
    pool = s.driver.update(a, "subnetpools", pool["id"], {{"default_prefixlen", "26"}, {"min_prefixlen", "24"}});
    BOOST_TEST(pool["default_prefixlen"] == "26");
    BOOST_CHECK_THROW(s.driver.update(a, "subnetpools", pool["id"], {{"default_prefixlen", "20"}}), BadRequest);
    BOOST_CHECK_THROW(s.driver.update(a, "subnetpools", pool["id"], {{"prefixes", json::array({"10.8.0.0/24"})}}),
                      BadRequest);
    BOOST_CHECK_THROW(s.driver.create(a, "subnetpools", pool_of("pa", {"10.0.0.0/24", "fd00::/64"})), BadRequest);

    std::string net_id = new_uuid();
    s.driver.create(a, "networks", network_of(net_id, "pa"));
    auto from_pool = [&](json extra) {
        json sn = subnet_of(net_id, "pa", "");
        sn.erase("cidr");
        sn["subnetpool_id"] = pool["id"];
        for (const auto& [k, v] : extra.items())
            sn[k] = v;
        return s.driver.create(a, "subnets", sn);
    };
    json first = from_pool(json::object());
    BOOST_TEST(first["cidr"] == "10.8.0.0/26");
    BOOST_TEST(first["gateway_ip"] == "10.8.0.1");
    BOOST_TEST(first["subnetpool_id"] == pool["id"]);
    BOOST_TEST(!first.contains("prefixlen"));
    BOOST_TEST(from_pool({{"prefixlen", 26}})["cidr"] == "10.8.0.64/26");
    BOOST_TEST(from_pool({{"prefixlen", 24}})["cidr"] == "10.8.1.0/24");
    BOOST_CHECK_THROW(from_pool({{"prefixlen", 16}}), BadRequest);     // shorter than min_prefixlen
    BOOST_CHECK_THROW(from_pool({{"cidr", "10.8.0.0/27"}}), Conflict); // taken
    BOOST_CHECK_THROW(from_pool({{"cidr", "10.9.0.0/27"}}), Conflict); // not in the pool
    BOOST_TEST(from_pool({{"cidr", "10.8.0.128/27"}})["cidr"] == "10.8.0.128/27");
    BOOST_CHECK_THROW(from_pool({{"prefixlen", 24}}), Conflict); // no /24 left
    BOOST_CHECK_THROW(s.driver.remove(a, "subnetpools", pool["id"]), BadRequest);
    s.driver.remove(a, "subnets", first["id"]);
    BOOST_TEST(from_pool(json::object())["cidr"] == "10.8.0.0/26"); // freed and given again

    // A subnet with neither a cidr nor a pool is refused; another project cannot draw from a pool it does not see.
    json bare = subnet_of(net_id, "pa", "");
    bare.erase("cidr");
    BOOST_CHECK_THROW(s.driver.create(a, "subnets", bare), BadRequest);
}

BOOST_AUTO_TEST_CASE(slaac_ports_get_eui64_addresses)
{
    State s;
    Context a = project("pa");
    std::string net_id = new_uuid();
    s.driver.create(a, "networks", network_of(net_id, "pa"));
    json before = s.driver.create(a, "ports", port_of(net_id, "pa", "00:11:22:33:44:55"));
    BOOST_TEST(before["fixed_ips"].empty());
    json v6 = subnet_of(net_id, "pa", "fd00:1:2:3::/64");
    v6["ip_version"] = 6;
    v6["ipv6_ra_mode"] = "slaac";
    v6["ipv6_address_mode"] = "slaac";
    v6 = s.driver.create(a, "subnets", v6);
    // A port already on the network gets its address on the new automatic subnet.
    before = s.driver.get(a, "ports", before["id"]);
    BOOST_TEST(before["fixed_ips"].size() == 1u);
    BOOST_TEST(before["fixed_ips"][0]["ip_address"] == "fd00:1:2:3:211:22ff:fe33:4455");
    s.driver.create(a, "subnets", subnet_of(net_id, "pa", "10.1.0.0/24"));
    json port = s.driver.create(a, "ports", port_of(net_id, "pa", "fa:16:3e:12:34:56"));
    BOOST_TEST(port["fixed_ips"].size() == 2u);
    BOOST_TEST(port["fixed_ips"].dump().find("\"10.1.0.") != std::string::npos);
    BOOST_TEST(port["fixed_ips"].dump().find("fd00:1:2:3:f816:3eff:fe12:3456") != std::string::npos);
    // Another address on the automatic subnet cannot be asked for.
    json wrong = port_of(net_id, "pa", "fa:16:3e:00:00:01");
    wrong["fixed_ips"] = json::array({{{"subnet_id", v6["id"]}, {"ip_address", "fd00:1:2:3::5"}}});
    BOOST_CHECK_THROW(s.driver.create(a, "ports", wrong), BadRequest);
    // The address follows the MAC.
    port = s.driver.update(project("px", true), "ports", port["id"], {{"mac_address", "fa:16:3e:00:00:02"}});
    BOOST_TEST(port["fixed_ips"].dump().find("fd00:1:2:3:f816:3eff:fe00:2") != std::string::npos);
    // The automatic subnet goes though its ports are there, and takes their addresses with it.
    s.driver.remove(a, "subnets", v6["id"]);
    BOOST_TEST(s.driver.get(a, "ports", port["id"])["fixed_ips"].size() == 1u);
    // A SLAAC subnet must be a /64.
    json narrow = subnet_of(net_id, "pa", "fd00:9::/80");
    narrow["ip_version"] = 6;
    narrow["ipv6_address_mode"] = "slaac";
    BOOST_CHECK_THROW(s.driver.create(a, "subnets", narrow), BadRequest);
}

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
    BOOST_TEST(other.fixed_ips[0].second == "10.0.0.2"); // projects' networks are apart
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
    json own = {{"id", new_uuid()},
                {"name", "mine"},
                {"description", ""},
                {"project_id", "pa"},
                {"network_id", net_id},
                {"admin_state_up", true},
                {"device_id", ""},
                {"device_owner", ""},
                {"binding:host_id", ""},
                {"binding:vnic_type", "normal"},
                {"binding:profile", json::object()}};
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
    s.driver.create(a, "subnets", subnet_of(net_id, "pa", "10.9.0.0/30")); // one address: .2
    auto port = s.driver.serverPortCreate(a, "server-1", {net_id, "", ""});
    BOOST_CHECK_THROW(s.driver.serverPortCreate(a, "server-2", {net_id, "", ""}), Conflict);
    BOOST_CHECK_THROW(s.driver.remove(a, "networks", net_id), Conflict);
    s.driver.serverPortsDelete(a, "server-1");
    BOOST_CHECK_NO_THROW(s.driver.remove(a, "networks", net_id));
    (void)port;
}

BOOST_AUTO_TEST_SUITE_END()
