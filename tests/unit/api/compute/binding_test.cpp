// SPDX-License-Identifier: Apache-2.0
// Unit tests of Compute's binding tables: a driver that has some operations gets exactly their endpoints and actions.
#include <jumpgate/driver/compute.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "string_body.hpp"

#include "api/compute/compute.hpp"

using namespace jumpgate;

namespace {

compute::Server a_server()
{
    compute::Server s;
    s.id = "0b5a0b04-1c24-4a5e-9b0f-3b1a4ad2b0a1";
    s.name = "one";
    s.project_id = "p1";
    s.vm_state = "active";
    s.power_state = 1;
    return s;
}

// A cloud that can only look: its servers and flavors.
class Looking : public compute::Driver {
  public:
    std::vector<compute::Server> serverList(const Context&, const compute::ServerQuery&) const override
    {
        return {a_server()};
    }
    compute::Server serverGet(const Context&, const std::string& id) const override
    {
        if (id != a_server().id)
            throw NotFound("Instance " + id + " could not be found.");
        return a_server();
    }
    std::vector<compute::Flavor> flavorList(const Context&) const override { return {}; }
    compute::Flavor flavorGet(const Context&, const std::string& id) const override
    {
        throw NotFound("Flavor " + id + " could not be found.");
    }
};

// The same cloud, and it can reboot.
class Rebooting : public Looking {
  public:
    void serverReboot(const Context&, const std::string& id, bool hard) const override
    {
        rebooted.emplace_back(id, hard);
    }
    mutable std::vector<std::pair<std::string, bool>> rebooted;
};

struct Mounted {
    App app;
    Dispatcher disp{api::compute::kSpec, "/compute"};

    template <class D> explicit Mounted(std::shared_ptr<const D> driver) { compute::install(app, disp, driver); }

    const CoverageRow* row(std::string_view endpoint, std::string_view method, std::string_view action = {})
    {
        rows = disp.coverage();
        for (const auto& r : rows)
            if (r.endpoint == endpoint && r.method == method && r.action == action)
                return &r;
        return nullptr;
    }

    std::pair<int, json> call(std::string method, std::string path, std::string body = {})
    {
        Pairs env{{"REQUEST_METHOD", method}, {"REQUEST_URI", "/compute" + path}, {"HTTP_HOST", "h"}};
        std::unique_ptr<BodySource> source;
        if (!body.empty()) {
            env.emplace_back("CONTENT_TYPE", "application/json");
            env.emplace_back("CONTENT_LENGTH", std::to_string(body.size()));
            source = std::make_unique<test::StringBody>(body);
        }
        Request req(std::move(env), {}, std::move(source), 1 << 16, 1 << 16);
        req.context().project_id = "p1";
        Response resp;
        disp.handle(req, resp, path, {}, {});
        return {resp.status, resp.has_json() ? resp.json_body() : json()};
    }

    std::vector<CoverageRow> rows;
};

const std::string kAction = "/v2.1/servers/0b5a0b04-1c24-4a5e-9b0f-3b1a4ad2b0a1/action";

} // namespace

BOOST_AUTO_TEST_SUITE(compute_binding)

BOOST_AUTO_TEST_CASE(a_cloud_that_only_looks_gets_its_reads_and_no_writes)
{
    Mounted c(std::make_shared<const Looking>());
    const CoverageRow* list = c.row("v2_servers", "GET");
    BOOST_REQUIRE(list);
    BOOST_TEST((list->support == Support::yes));
    const CoverageRow* create = c.row("v2_servers", "POST");
    BOOST_REQUIRE(create);
    BOOST_TEST((create->support == Support::no));
    BOOST_TEST((std::find(create->lacking.begin(), create->lacking.end(), "serverCreate") != create->lacking.end()));
    const CoverageRow* flavors = c.row("v2_tenant_flavors_detail", "GET");
    BOOST_REQUIRE(flavors);
    BOOST_TEST((flavors->support == Support::yes));
    const CoverageRow* keypairs = c.row("v2_os_keypairs", "GET");
    BOOST_REQUIRE(keypairs);
    BOOST_TEST((keypairs->lacking == std::vector<std::string>{"keypairList"}));

    BOOST_TEST(c.call("GET", "/v2.1/servers").first == 200);
    BOOST_TEST(c.call("GET", "/v2.1/servers/0b5a0b04-1c24-4a5e-9b0f-3b1a4ad2b0a1").first == 200);
    BOOST_TEST(c.call("POST", "/v2.1/servers", R"({"server": {"name": "x"}})").first == 501);
    BOOST_TEST(c.call("DELETE", "/v2.1/servers/0b5a0b04-1c24-4a5e-9b0f-3b1a4ad2b0a1").first == 501);
}

BOOST_AUTO_TEST_CASE(each_action_is_bound_on_its_own)
{
    auto driver = std::make_shared<const Rebooting>();
    Mounted c(driver);
    const CoverageRow* reboot = c.row("v2_server_action", "POST", "reboot");
    BOOST_REQUIRE(reboot);
    BOOST_TEST((reboot->support == Support::yes));
    const CoverageRow* pause = c.row("v2_server_action", "POST", "pause");
    BOOST_REQUIRE(pause);
    BOOST_TEST((pause->support == Support::no));
    BOOST_TEST((pause->lacking == std::vector<std::string>{"serverPause"}));

    BOOST_TEST(c.call("POST", kAction, R"({"reboot": {"type": "HARD"}})").first == 202);
    BOOST_REQUIRE(driver->rebooted.size() == 1u);
    BOOST_TEST(driver->rebooted[0].second);
    BOOST_TEST(c.call("POST", kAction, R"({"reboot": {"type": "SOFT"}})").first == 202);
    BOOST_TEST(!driver->rebooted.at(1).second);
    BOOST_TEST(c.call("POST", kAction, R"({"reboot": {"type": "SIDEWAYS"}})").first == 400);

    auto [status, body] = c.call("POST", kAction, R"({"pause": null})");
    BOOST_TEST(status == 501);
    BOOST_TEST(body["notImplemented"]["message"].get<std::string>().find("pause") != std::string::npos);
    BOOST_TEST(c.call("POST", kAction, R"({"dance": {}})").first == 400);
    BOOST_TEST(c.call("POST", kAction, R"({})").first == 400);
    BOOST_TEST(c.call("POST", kAction, R"({"reboot": {"type": "HARD"}, "pause": null})").first == 400);
}

BOOST_AUTO_TEST_CASE(a_cloud_without_actions_answers_every_action_501)
{
    Mounted c(std::make_shared<const Looking>());
    BOOST_TEST(c.call("POST", kAction, R"({"reboot": {"type": "HARD"}})").first == 501);
    const CoverageRow* reboot = c.row("v2_server_action", "POST", "reboot");
    BOOST_REQUIRE(reboot);
    BOOST_TEST((reboot->support == Support::no));
}

BOOST_AUTO_TEST_CASE(removed_apis_are_gone_whatever_the_driver)
{
    Mounted c(std::make_shared<const Looking>());
    BOOST_TEST(c.call("GET", "/v2.1/os-floating-ip-dns").first == 410);
    BOOST_TEST(c.call("POST", "/v2.1/os-networks", R"({"network": {"label": "x"}})").first == 410);
    const CoverageRow* dns = c.row("v2_os_floating_ip_dns", "GET");
    BOOST_REQUIRE(dns);
    BOOST_TEST((dns->support == Support::gone));
    // GET of os-networks is Neutron's networks through the network service: not a removed call.
    const CoverageRow* networks = c.row("v2_os_networks", "GET");
    BOOST_REQUIRE(networks);
    BOOST_TEST((networks->support == Support::no));
}

BOOST_AUTO_TEST_SUITE_END()
