// SPDX-License-Identifier: Apache-2.0
// Block Storage's binding tables: a driver with some operations serves exactly the verbs and
// actions they cover.
#include <boost/test/unit_test.hpp>

#include "string_body.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <jumpgate/app.hpp>
#include <jumpgate/driver/volume.hpp>

#include "api/volume/volume.hpp"

using namespace jumpgate;

namespace {

// A cloud that can only list and show its volumes.
class Listing : public volume::Driver {
  public:
    std::vector<volume::Volume> volumeList(const Context& ctx, const volume::ListQuery&) const override
    {
        return {volumeGet(ctx, "v1")};
    }
    volume::Volume volumeGet(const Context& ctx, const std::string& volume_id) const override
    {
        volume::Volume v;
        v.id = volume_id;
        v.project_id = ctx.project_id;
        v.status = "available";
        return v;
    }
};

// ...that can also grow one, but not reset its status.
class Extending : public Listing {
  public:
    volume::Volume volumeExtend(const Context& ctx, const std::string& volume_id, long long new_size) const override
    {
        volume::Volume v = volumeGet(ctx, volume_id);
        v.size = new_size;
        return v;
    }
};

template <class D> struct Cloud {
    App app;
    Dispatcher disp{api::volume::kSpec, "/volume"};

    Cloud() { volume::install(app, disp, std::make_shared<const D>()); }

    const CoverageRow& row(const std::string& endpoint, const std::string& method, const std::string& action = "")
    {
        rows = disp.coverage();
        auto it = std::find_if(rows.begin(), rows.end(), [&](const CoverageRow& r) {
            return r.endpoint == endpoint && r.method == method && r.action == action;
        });
        BOOST_REQUIRE_MESSAGE(it != rows.end(), endpoint + " " + method + " " + action + " has no row");
        return *it;
    }

    // The status `method` on `path` (under the mount) answers, with `body` as JSON.
    int status(const std::string& method, const std::string& path, const std::string& body = "")
    {
        Pairs env{{"REQUEST_METHOD", method}, {"REQUEST_URI", "/volume" + path}, {"HTTP_HOST", "api.example.com"}};
        if (!body.empty()) {
            env.emplace_back("CONTENT_TYPE", "application/json");
            env.emplace_back("CONTENT_LENGTH", std::to_string(body.size()));
        }
        Request req(std::move(env), {}, body.empty() ? nullptr : std::make_unique<test::StringBody>(body), 1 << 20,
                    1 << 20);
        req.context().project_id = "p1";
        req.context().roles = {"admin"};
        Response resp;
        disp.handle(req, resp, path, {}, {});
        last = resp.has_json() ? resp.json_body() : json();
        return resp.status;
    }

    std::vector<CoverageRow> rows;
    json last;
};

std::vector<std::string> names(std::initializer_list<const char*> list)
{
    return {list.begin(), list.end()};
}

} // namespace

BOOST_AUTO_TEST_SUITE(volume_bindings)

BOOST_AUTO_TEST_CASE(a_driver_that_lists_and_shows_serves_those_and_says_what_the_rest_lack)
{
    Cloud<Listing> cloud;
    BOOST_TEST(cloud.app.volume().driver != nullptr);
    BOOST_TEST(cloud.app.volume().operations.has(static_cast<unsigned>(volume::Op::volumeGet)));
    BOOST_TEST(!cloud.app.volume().operations.has(static_cast<unsigned>(volume::Op::volumeCreate)));

    for (const char* endpoint : {"v1_volumes", "v2_volumes", "v3_volumes", "v3_volumes_detail"})
        BOOST_TEST((cloud.row(endpoint, "GET").support == Support::yes), endpoint);
    BOOST_TEST((cloud.row("v3_volume", "GET").support == Support::yes));
    BOOST_TEST((cloud.row("v3_volume_metadata", "GET").support == Support::yes));

    const CoverageRow& update = cloud.row("v3_volume", "PUT");
    BOOST_TEST((update.support == Support::no));
    BOOST_TEST(update.lacking == names({"volumeUpdate"}), boost::test_tools::per_element());
    const CoverageRow& create = cloud.row("v2_volumes", "POST");
    BOOST_TEST((create.support == Support::no));
    BOOST_TEST(create.lacking == names({"volumeCreate", "snapshotGet", "typeList", "typeGet", "availabilityZoneList"}),
               boost::test_tools::per_element());
    const CoverageRow& backups = cloud.row("v3_backups", "GET");
    BOOST_TEST(backups.lacking == names({"backupList"}), boost::test_tools::per_element());

    // An action endpoint has a row per action, each saying what it lacks.
    for (const char* endpoint : {"v2_volume_action", "v3_volume_action"}) {
        const CoverageRow& extend = cloud.row(endpoint, "POST", "os-extend");
        BOOST_TEST((extend.support == Support::no));
        BOOST_TEST(extend.lacking == names({"volumeExtend"}), boost::test_tools::per_element());
        const CoverageRow& force = cloud.row(endpoint, "POST", "os-force_delete");
        BOOST_TEST(force.lacking == names({"volumeDelete", "volumeResetStatus"}), boost::test_tools::per_element());
    }
    BOOST_TEST(cloud.row("v3_snapshot_action", "POST", "os-reset_status").lacking ==
                   names({"snapshotGet", "snapshotResetStatus"}),
               boost::test_tools::per_element());
    BOOST_TEST(cloud.row("v3_type_action", "POST", "addProjectAccess").lacking == names({"typeGet", "typeUpdate"}),
               boost::test_tools::per_element());

    BOOST_TEST(cloud.status("GET", "/v3/p1/volumes") == 200);
    BOOST_TEST(cloud.last["volumes"][0]["id"] == "v1");
    BOOST_TEST(cloud.status("GET", "/v2/p1/volumes/v7") == 200);
    BOOST_TEST(cloud.last["volume"]["id"] == "v7");
    BOOST_TEST(cloud.status("PUT", "/v3/p1/volumes/v7", R"({"volume": {"name": "x"}})") == 501);
    BOOST_TEST(cloud.status("POST", "/v3/p1/volumes", R"({"volume": {"size": 1}})") == 501);
    BOOST_TEST(cloud.status("POST", "/v3/p1/volumes/v7/action", R"({"os-extend": {"new_size": 2}})") == 501);
    BOOST_TEST(cloud.status("GET", "/v3/p1/types") == 501);
}

BOOST_AUTO_TEST_CASE(an_action_endpoint_serves_the_actions_the_driver_has)
{
    Cloud<Extending> cloud;
    for (const char* endpoint : {"v2_volume_action", "v3_volume_action"}) {
        BOOST_TEST((cloud.row(endpoint, "POST", "os-extend").support == Support::yes), endpoint);
        BOOST_TEST(cloud.row(endpoint, "POST", "os-extend").lacking.empty());
        const CoverageRow& reset = cloud.row(endpoint, "POST", "os-reset_status");
        BOOST_TEST((reset.support == Support::no));
        BOOST_TEST(reset.lacking == names({"volumeResetStatus"}), boost::test_tools::per_element());
    }
    for (const char* base : {"/v2/p1", "/v3/p1"}) {
        std::string action = std::string(base) + "/volumes/v7/action";
        BOOST_TEST(cloud.status("POST", action, R"({"os-extend": {"new_size": 2}})") == 202, base);
        // The core's checks still run in a served action: a smaller size is the caller's error.
        BOOST_TEST(cloud.status("POST", action, R"({"os-extend": {"new_size": 1}})") == 400, base);
        BOOST_TEST(cloud.status("POST", action, R"({"os-reset_status": {"status": "error"}})") == 501, base);
        BOOST_TEST(cloud.last["notImplemented"]["message"].get<std::string>().find("os-reset_status") !=
                   std::string::npos);
        BOOST_TEST(cloud.status("POST", action, R"({"os-frobnicate": {}})") == 400, base);
        BOOST_TEST(cloud.last["badRequest"]["message"] == "There is no such action: os-frobnicate");
        BOOST_TEST(cloud.status("POST", action, R"({"os-extend": {"new_size": 2}, "os-detach": {}})") == 400, base);
    }
}

BOOST_AUTO_TEST_SUITE_END()
