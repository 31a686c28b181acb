// SPDX-License-Identifier: Apache-2.0
// Glance served from its binding tables: a driver that only lists and shows images gets exactly those requests.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <jumpgate/app.hpp>
#include <jumpgate/driver/image.hpp>
#include <jumpgate/fault.hpp>

#include "api/image/image.hpp"

using namespace jumpgate;

namespace {

constexpr const char* kId = "6d3b5a1e-2c4f-4e8a-9b7d-1f0e2d3c4b5a";

// A read-only image cloud: one active image, listed and shown, nothing else.
class ReadOnly : public image::Driver {
  public:
    std::vector<image::Image> imageList(const Context&, const image::ImageQuery&) const override { return {one()}; }
    image::Image imageGet(const Context&, const std::string& id) const override
    {
        if (id != kId)
            throw NotFound("No image with ID " + id + ".");
        return one();
    }

  private:
    static image::Image one()
    {
        image::Image img;
        img.id = kId;
        img.name = "cirros";
        img.status = "active";
        img.visibility = "public";
        img.disk_format = "qcow2";
        img.container_format = "bare";
        img.size = 3;
        return img;
    }
};

struct Glance {
    App app;
    Dispatcher disp{api::image::kSpec, "/image"};

    Glance() { image::install(app, disp, std::make_shared<const ReadOnly>()); }

    Response serve(std::string method, const std::string& path)
    {
        Request req(
            {{"REQUEST_METHOD", std::move(method)}, {"REQUEST_URI", "/image" + path}, {"HTTP_HOST", "api.example.com"}},
            {}, nullptr, 1024, 1024);
        Response resp;
        disp.handle(req, resp, path, {}, {});
        return resp;
    }
};

using Row = std::pair<std::string, std::string>;

} // namespace

BOOST_AUTO_TEST_SUITE(image_binding)

BOOST_AUTO_TEST_CASE(a_read_only_cloud_is_served_exactly_lists_shows_and_head)
{
    Glance g;
    std::set<Row> served = {
        {"v2_images", "GET"},         {"v2_images_detail", "GET"}, {"v2_image", "GET"},
        {"v1_images", "GET"},         {"v1_images_detail", "GET"}, {"v1_image", "HEAD"},
        {"v2_schema_image", "GET"},   {"v2_schema_images", "GET"}, {"v2_schema_member", "GET"},
        {"v2_schema_members", "GET"},
    };
    for (const char* kind : {"namespace", "namespaces", "object", "objects", "property", "properties", "tag", "tags",
                             "resource_type", "resource_types"})
        served.emplace(std::string("v2_schema_metadefs_") + kind, "GET");
    std::set<Row> yes;
    for (const auto& row : g.disp.coverage())
        if (row.support == Support::yes)
            yes.emplace(row.endpoint, row.method);
    BOOST_TEST(yes == served);
}

BOOST_AUTO_TEST_CASE(coverage_names_what_each_other_request_lacks)
{
    Glance g;
    auto lacking = [&](std::string_view endpoint, std::string_view method) {
        for (const auto& row : g.disp.coverage())
            if (row.endpoint == endpoint && row.method == method) {
                BOOST_TEST((row.support == Support::no));
                return row.lacking;
            }
        BOOST_FAIL("no row " << endpoint << " " << method);
        return std::vector<std::string>{};
    };
    using Names = std::vector<std::string>;
    BOOST_TEST(lacking("v2_image", "PATCH") == Names{"imageUpdate"});
    BOOST_TEST(lacking("v2_images", "POST") == Names{"imageCreate"});
    BOOST_TEST(lacking("v2_image_file", "GET") == Names{"imageDownload"});
    BOOST_TEST(lacking("v2_image_file", "PUT") == Names{"imageUpload"});
    BOOST_TEST(lacking("v2_image_members", "POST") == (Names{"memberList", "memberPut"}));
    BOOST_TEST(lacking("v1_image", "GET") == Names{"imageDownload"});
    BOOST_TEST(lacking("v1_images", "POST") == (Names{"imageCreate", "imageDelete", "imageUpload"}));
    BOOST_TEST(lacking("v1_shared_image_owner", "GET") == Names{"memberList"});
}

BOOST_AUTO_TEST_CASE(served_requests_answer_and_the_others_are_501)
{
    Glance g;
    const std::string image = std::string("/v2/images/") + kId;
    BOOST_TEST(g.serve("GET", "/v2/images").status == 200);
    BOOST_TEST(g.serve("GET", image).json_body()["name"] == "cirros");
    Response head = g.serve("HEAD", std::string("/v1/images/") + kId);
    BOOST_TEST(head.status == 200);
    BOOST_TEST(*head.header("x-image-meta-name") == "cirros");
    BOOST_TEST(g.serve("GET", "/v1/images/detail").json_body()["images"].size() == 1u);
    BOOST_TEST(g.serve("GET", "/v2/images/00000000-0000-0000-0000-000000000000").status == 404);
    BOOST_TEST(g.serve("PATCH", image).status == 501);
    BOOST_TEST(g.serve("DELETE", image).status == 501);
    BOOST_TEST(g.serve("GET", image + "/file").status == 501);
    BOOST_TEST(g.serve("GET", std::string("/v1/images/") + kId).status == 501);
}

BOOST_AUTO_TEST_CASE(the_app_knows_the_driver_and_what_it_does)
{
    Glance g;
    BOOST_TEST(g.app.image().driver != nullptr);
    BOOST_TEST(g.app.image().operations.names() == (std::vector<std::string>{"imageList", "imageGet"}));
}

BOOST_AUTO_TEST_SUITE_END()
