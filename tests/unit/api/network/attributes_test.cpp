// SPDX-License-Identifier: Apache-2.0
// Neutron's attribute maps in the core: create and update bodies checked and defaulted, and select()'s filters, order
// and pages.
#include <boost/test/unit_test.hpp>

#include <jumpgate/fault.hpp>

#include "api/network/neutron.hpp"

using namespace jumpgate;
using namespace jumpgate::api::neutron;

namespace {

Context caller(bool admin)
{
    Context ctx;
    ctx.project_id = "p1";
    ctx.roles = {admin ? "admin" : "member"};
    return ctx;
}

json net(const char* id, const char* name, long long mtu, std::vector<std::string> tags = {})
{
    return {
        {"id", id}, {"name", name}, {"mtu", mtu}, {"tags", tags}, {"subnets", json::array({"s-" + std::string(id)})}};
}

std::vector<std::string> ids(const std::vector<json>& items)
{
    std::vector<std::string> out;
    for (const auto& i : items)
        out.push_back(i["id"]);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(network_attributes)

BOOST_AUTO_TEST_CASE(create_fills_defaults_and_converts)
{
    json n =
        created(collection("networks"), caller(false), {{"name", "n"}, {"admin_state_up", "False"}, {"mtu", "1400"}});
    BOOST_TEST(n["admin_state_up"] == false);
    BOOST_TEST(n["mtu"] == 1400);
    BOOST_TEST(n["shared"] == false);
    BOOST_TEST(n["project_id"] == "p1");
    BOOST_TEST(n["id"].get<std::string>().size() == 36u);
    BOOST_TEST(!n.contains("status"));
    json s =
        created(collection("subnets"), caller(false),
                {{"network_id", "0b7d1c2e-8a4f-4c1e-9d3b-2f6a5e4d3c21"}, {"ip_version", 6}, {"cidr", "FD00::/64"}});
    BOOST_TEST(s["cidr"] == "fd00::/64");
    BOOST_TEST(!s.contains("gateway_ip")); // the driver's to choose
    BOOST_TEST(!s.contains("allocation_pools"));
}

BOOST_AUTO_TEST_CASE(create_refuses_what_the_map_does_not_allow)
{
    const auto& networks = collection("networks");
    BOOST_CHECK_THROW(created(networks, caller(false), {{"bogus", 1}}), BadRequest);
    BOOST_CHECK_THROW(created(networks, caller(false), {{"status", "DOWN"}}), BadRequest);
    BOOST_CHECK_THROW(created(networks, caller(false), {{"mtu", 20}}), BadRequest);
    BOOST_CHECK_THROW(created(networks, caller(false), {{"router:external", true}}), Forbidden);
    BOOST_CHECK_NO_THROW(created(networks, caller(false), {{"router:external", false}}));
    BOOST_CHECK_NO_THROW(created(networks, caller(true), {{"router:external", true}}));
    BOOST_CHECK_THROW(created(networks, caller(false), {{"tenant_id", "p2"}}), BadRequest);
    BOOST_CHECK(created(networks, caller(true), {{"tenant_id", "p2"}})["project_id"] == "p2");
    BOOST_CHECK_THROW(created(collection("subnets"), caller(false), {{"ip_version", 4}}), BadRequest);
    BOOST_CHECK_THROW(
        created(collection("subnets"), caller(false),
                {{"network_id", "0b7d1c2e-8a4f-4c1e-9d3b-2f6a5e4d3c21"}, {"ip_version", 4}, {"cidr", "10.0.0.1/24"}}),
        BadRequest);
    BOOST_CHECK_THROW(created(collection("routers"), caller(false),
                              {{"external_gateway_info",
                                {{"network_id", "0b7d1c2e-8a4f-4c1e-9d3b-2f6a5e4d3c21"}, {"enable_snat", false}}}}),
                      Forbidden);
}

BOOST_AUTO_TEST_CASE(rules_are_checked_as_a_whole)
{
    const auto& rules = collection("security-group-rules");
    json base = {{"security_group_id", "0b7d1c2e-8a4f-4c1e-9d3b-2f6a5e4d3c21"}, {"direction", "ingress"}};
    json r = base;
    r["protocol"] = "TCP";
    r["port_range_min"] = 80;
    json made = created(rules, caller(false), r);
    BOOST_TEST(made["protocol"] == "tcp");
    BOOST_TEST(made["port_range_max"] == 80); // a single port
    BOOST_TEST(made["ethertype"] == "IPv4");
    r = base;
    r["port_range_min"] = 80;
    BOOST_CHECK_THROW(created(rules, caller(false), r), BadRequest); // ports need a protocol
    r = base;
    r["remote_ip_prefix"] = "::/0";
    BOOST_CHECK_THROW(created(rules, caller(false), r), BadRequest); // IPv4 rule, IPv6 prefix
    r = base;
    r["protocol"] = 6;
    BOOST_TEST(created(rules, caller(false), r)["protocol"] == "6");
}

BOOST_AUTO_TEST_CASE(update_takes_only_writable_attributes)
{
    const auto& ports = collection("ports");
    BOOST_TEST(changes(ports, caller(false), {{"name", "x"}}) == json({{"name", "x"}}));
    BOOST_CHECK_THROW(changes(ports, caller(false), {{"network_id", "0b7d1c2e-8a4f-4c1e-9d3b-2f6a5e4d3c21"}}),
                      BadRequest);
    BOOST_CHECK_THROW(changes(ports, caller(false), {{"mac_address", "fa:16:3e:00:00:01"}}), Forbidden);
    BOOST_CHECK(changes(ports, caller(true), {{"mac_address", "FA:16:3E:00:00:01"}})["mac_address"] ==
                "fa:16:3e:00:00:01");
}

BOOST_AUTO_TEST_CASE(views_hide_admin_attributes_and_select_fields)
{
    json port = {{"id", "x"}, {"project_id", "p1"}, {"binding:host_id", "h"}, {"jumpgate:internal", true}};
    json member = view(collection("ports"), caller(false), port);
    BOOST_TEST(member == json({{"id", "x"}, {"project_id", "p1"}, {"tenant_id", "p1"}}));
    BOOST_TEST(view(collection("ports"), caller(true), port).contains("binding:host_id"));
    BOOST_TEST(view(collection("ports"), caller(true), port, {"tenant_id"}) == json({{"tenant_id", "p1"}}));
}

BOOST_AUTO_TEST_CASE(select_filters_sorts_and_pages)
{
    std::vector<json> items = {net("c", "b", 1500, {"red"}), net("a", "a", 1400, {"red", "blue"}), net("b", "a", 1300),
                               net("d", "z", 1500, {"blue"})};
    network::Query q;
    BOOST_TEST(ids(network::select(q, items)) == std::vector<std::string>({"a", "b", "c", "d"}));
    q.filters = {{"name", {"a", "z"}}};
    BOOST_TEST(ids(network::select(q, items)) == std::vector<std::string>({"a", "b", "d"}));
    q.filters = {{"subnets", {"s-c"}}};
    BOOST_TEST(ids(network::select(q, items)) == std::vector<std::string>({"c"}));
    q.filters.clear();
    q.tags = {"red"};
    q.not_tags_any = {"blue"};
    BOOST_TEST(ids(network::select(q, items)) == std::vector<std::string>({"c"}));
    q = {};
    q.sort = {{"mtu", false}, {"name", true}};
    BOOST_TEST(ids(network::select(q, items)) == std::vector<std::string>({"c", "d", "a", "b"}));
    q.limit = 2;
    q.marker = "d";
    BOOST_TEST(ids(network::select(q, items)) == std::vector<std::string>({"a", "b"}));
    q.page_reverse = true;
    BOOST_TEST(ids(network::select(q, items)) == std::vector<std::string>({"c"}));
    q.marker = "b";
    BOOST_TEST(ids(network::select(q, items)) == std::vector<std::string>({"d", "a"}));
    q.marker = "nope";
    BOOST_CHECK_THROW(network::select(q, items), NotFound);
}

BOOST_AUTO_TEST_SUITE_END()
