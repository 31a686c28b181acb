// SPDX-License-Identifier: Apache-2.0
// Neutron served from its binding tables: a driver that can only list and get shows the kinds of resource it names
// (by default every kind) and changes none.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <jumpgate/app.hpp>
#include <jumpgate/driver/network.hpp>
#include <jumpgate/fault.hpp>

#include "api/network/network.hpp"

using namespace jumpgate;

namespace {

constexpr const char* kId = "0b7d1c2e-8a4f-4c1e-9d3b-2f6a5e4d3c21";

// A read-only network cloud: one network, and no resource of any other kind.
class ReadOnly : public network::Driver {
  public:
    std::vector<json> list(const Context&, const std::string& collection, const network::Query&) const override
    {
        if (collection == "networks")
            return {one()};
        return {};
    }
    json get(const Context&, const std::string& collection, const std::string& id) const override
    {
        if (collection != "networks" || id != kId)
            throw NotFound("Resource " + id + " could not be found.");
        return one();
    }

  private:
    static json one() { return {{"id", kId}, {"name", "public"}, {"project_id", "p1"}, {"tags", {"edge"}}}; }
};

// The same cloud, saying that networks are the only kind it stores.
class NetworksOnly : public ReadOnly {
  public:
    std::vector<std::string> collections() const override { return {"networks"}; }
};

template <class D = ReadOnly> struct Neutron {
    App app;
    Dispatcher disp{api::network::kSpec, "/network"};

    Neutron() { network::install(app, disp, std::make_shared<const D>()); }

    Response serve(std::string method, const std::string& path)
    {
        Request req({{"REQUEST_METHOD", std::move(method)},
                     {"REQUEST_URI", "/network" + path},
                     {"HTTP_HOST", "api.example.com"}},
                    {}, nullptr, 1024, 1024);
        Response resp;
        disp.handle(req, resp, path, {}, {});
        return resp;
    }
};

using Row = std::pair<std::string, std::string>;

} // namespace

BOOST_AUTO_TEST_SUITE(network_binding)

BOOST_AUTO_TEST_CASE(list_and_get_serve_every_kind_of_resource_read_only)
{
    Neutron<> n;
    std::set<Row> served = {{"v2_extensions", "GET"}, {"v2_extension", "GET"}};
    for (const char* kind : {"network", "subnet", "port", "router", "floatingip", "security_group", "subnetpool"}) {
        std::string plural = kind + std::string("s");
        served.insert({"v2_" + plural, "GET"});
        served.insert({"v2_" + std::string(kind), "GET"});
        served.insert({"v2_" + std::string(kind) + "_tags", "GET"});
        served.insert({"v2_" + std::string(kind) + "_tag", "GET"});
    }
    served.insert({"v2_security_group_rules", "GET"});
    served.insert({"v2_security_group_rule", "GET"});
    std::set<Row> yes;
    for (const auto& row : n.disp.coverage())
        if (row.support == Support::yes)
            yes.emplace(row.endpoint, row.method);
    BOOST_TEST(yes == served);
}

BOOST_AUTO_TEST_CASE(coverage_names_what_each_other_request_lacks)
{
    Neutron<> n;
    auto lacking = [&](std::string_view endpoint, std::string_view method) {
        for (const auto& row : n.disp.coverage())
            if (row.endpoint == endpoint && row.method == method) {
                BOOST_TEST((row.support == Support::no));
                return row.lacking;
            }
        BOOST_FAIL("no row " << endpoint << " " << method);
        return std::vector<std::string>{};
    };
    using Names = std::vector<std::string>;
    BOOST_TEST(lacking("v2_networks", "POST") == (Names{"create", "remove"}));
    BOOST_TEST(lacking("v2_port", "PUT") == Names{"update"});
    BOOST_TEST(lacking("v2_security_group_rule", "DELETE") == Names{"remove"});
    BOOST_TEST(lacking("v2_router_tag", "PUT") == Names{"update"});
    BOOST_TEST(lacking("v2_router_add_extraroutes", "PUT") == Names{"update"});
    BOOST_TEST(lacking("v2_router_add_interface", "PUT") == Names{"routerInterfaceAdd"});
    BOOST_TEST(lacking("v2_quota_details", "GET") == (Names{"quotaGet", "quotaUsage"}));
    BOOST_TEST(lacking("v2_availability_zones", "GET") == Names{"availabilityZoneList"});
}

BOOST_AUTO_TEST_CASE(served_requests_answer_and_the_others_are_501)
{
    Neutron<> n;
    const std::string network = std::string("/v2.0/networks/") + kId;
    BOOST_TEST(n.serve("GET", "/v2.0/networks").json_body()["networks"][0]["tenant_id"] == "p1");
    BOOST_TEST(n.serve("GET", network).json_body()["network"]["name"] == "public");
    BOOST_TEST(n.serve("GET", network + "/tags").json_body()["tags"] == json({"edge"}));
    BOOST_TEST(n.serve("GET", network + "/tags/edge").status == 204);
    BOOST_TEST(n.serve("GET", "/v2.0/routers").json_body()["routers"].empty());
    BOOST_TEST(n.serve("GET", "/v2.0/routers/" + std::string(kId)).status == 404);
    BOOST_TEST(n.serve("POST", "/v2.0/networks").status == 501);
    BOOST_TEST(n.serve("PUT", network).status == 501);
    BOOST_TEST(n.serve("DELETE", network).status == 501);
    BOOST_TEST(n.serve("PUT", network + "/tags/other").status == 501);
    BOOST_TEST(n.serve("GET", "/v2.0/quotas").status == 501);
    // A rule is never changed: that is no request of Neutron's, not one this cloud lacks.
    BOOST_TEST(n.serve("PUT", "/v2.0/security-group-rules/" + std::string(kId)).status == 405);
}

BOOST_AUTO_TEST_CASE(extensions_are_those_of_what_is_served)
{
    Neutron<> n;
    Response listed = n.serve("GET", "/v2.0/extensions");
    std::set<std::string> aliases;
    for (const auto& e : listed.json_body()["extensions"])
        aliases.insert(e["alias"].get<std::string>());
    BOOST_TEST(aliases.count("router"));
    BOOST_TEST(aliases.count("standard-attr-tag"));
    BOOST_TEST(!aliases.count("extraroute-atomic"));
    BOOST_TEST(!aliases.count("quotas"));
    BOOST_TEST(!aliases.count("availability_zone"));
}

BOOST_AUTO_TEST_CASE(the_app_knows_the_driver_and_what_it_does)
{
    Neutron<> n;
    BOOST_TEST(n.app.network().driver != nullptr);
    BOOST_TEST(n.app.network().operations.names() ==
               (std::vector<std::string>{"list", "get", "networks", "subnets", "ports", "subnetpools", "routers",
                                         "floatingips", "security-groups", "security-group-rules"}));
}

BOOST_AUTO_TEST_CASE(a_driver_serves_only_the_kinds_it_names)
{
    Neutron<NetworksOnly> n;
    BOOST_TEST(n.serve("GET", "/v2.0/networks").status == 200);
    BOOST_TEST(n.serve("GET", "/v2.0/networks/" + std::string(kId)).status == 200);
    Response routers = n.serve("GET", "/v2.0/routers");
    BOOST_TEST(routers.status == 501);
    BOOST_TEST(routers.json_body().contains("NeutronError"));
    BOOST_TEST(n.serve("GET", "/v2.0/subnets").status == 501);
    BOOST_TEST(n.serve("GET", "/v2.0/security-groups/" + std::string(kId)).status == 501);
    BOOST_TEST(n.app.network().operations.names() == (std::vector<std::string>{"list", "get", "networks"}));
    Response listed = n.serve("GET", "/v2.0/extensions");
    std::set<std::string> aliases;
    for (const auto& e : listed.json_body()["extensions"])
        aliases.insert(e["alias"].get<std::string>());
    BOOST_TEST(aliases.count("external-net"));
    BOOST_TEST(!aliases.count("router"));
}

BOOST_AUTO_TEST_CASE(a_kind_that_is_none_is_refused_at_install)
{
    BOOST_CHECK_THROW(network::kind("widgets"), std::invalid_argument);
    BOOST_TEST((network::kind("security-groups") == network::Kind::security_groups));
}

BOOST_AUTO_TEST_SUITE_END()
