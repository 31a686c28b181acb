// SPDX-License-Identifier: Apache-2.0
// The openstack driver's Glance v2 mapping: records both ways, JSON patches, list plans, faults, version documents.
#include <boost/test/unit_test.hpp>

#include <jumpgate/fault.hpp>

#include "fault_message.hpp"
#include "image.hpp"

using namespace jumpgate;
using namespace jumpgate::openstack;

namespace {

json glance_image()
{
    return json::parse(R"({
        "id": "8a3f0c1e-5b2d-4c6e-9f70-1a2b3c4d5e6f", "name": "debian", "status": "active",
        "visibility": "public", "protected": true, "os_hidden": false, "owner": "p1",
        "container_format": "bare", "disk_format": "qcow2", "size": 1024, "virtual_size": null,
        "checksum": "0cc175b9c0f1b6a831c399e269772661", "os_hash_algo": "sha512", "os_hash_value": "ab",
        "min_disk": 2, "min_ram": 512, "tags": ["x86", "lts"],
        "created_at": "2024-05-01T10:00:00Z", "updated_at": "2024-05-01T10:00:07Z",
        "self": "/v2/images/8a3f0c1e-5b2d-4c6e-9f70-1a2b3c4d5e6f", "file": "/v2/images/8a3f/file",
        "schema": "/v2/schemas/image", "locations": [], "direct_url": "file:///x",
        "os_distro": "debian", "hw_cpu_cores": "4", "os_glance_importing_to_stores": "", "gone": null})");
}

image::Image plain()
{
    image::Image img;
    img.id = "id-1";
    img.name = "one";
    img.visibility = "shared";
    img.owner = "p1";
    img.disk_format = "raw";
    img.container_format = "bare";
    img.tags = {"a", "b"};
    img.properties = {{"os", "linux"}};
    return img;
}

std::string param(const ListPlan& plan, const std::string& key)
{
    std::string found;
    for (const auto& [k, v] : plan.params)
        if (k == key)
            found += (found.empty() ? "" : ",") + v;
    return found;
}

} // namespace

BOOST_AUTO_TEST_SUITE(openstack_image)

BOOST_AUTO_TEST_CASE(a_glance_image_maps_onto_the_core_image)
{
    image::Image img = image_of(glance_image());
    BOOST_TEST(img.id == "8a3f0c1e-5b2d-4c6e-9f70-1a2b3c4d5e6f");
    BOOST_TEST(*img.name == "debian");
    BOOST_TEST(img.status == "active");
    BOOST_TEST(img.visibility == "public");
    BOOST_TEST(img.is_protected);
    BOOST_TEST(img.owner == "p1");
    BOOST_TEST(*img.disk_format == "qcow2");
    BOOST_TEST(*img.container_format == "bare");
    BOOST_TEST(*img.size == 1024);
    BOOST_TEST(!img.virtual_size.has_value());
    BOOST_TEST(*img.checksum == "0cc175b9c0f1b6a831c399e269772661");
    BOOST_TEST(*img.os_hash_algo == "sha512");
    BOOST_TEST(img.min_disk == 2);
    BOOST_TEST(img.min_ram == 512);
    BOOST_TEST(img.tags == (std::vector<std::string>{"x86", "lts"}));
    BOOST_TEST(img.created_at == 1714557600);
    BOOST_TEST(img.updated_at == 1714557607);
    // Every key that is not Glance's own is a property; links, locations and nulls are none.
    std::map<std::string, std::string> properties = {
        {"os_distro", "debian"}, {"hw_cpu_cores", "4"}, {"os_glance_importing_to_stores", ""}};
    BOOST_TEST(img.properties == properties);

    json hidden = glance_image();
    hidden["os_hidden"] = true;
    hidden["name"] = nullptr;
    hidden["owner"] = nullptr;
    hidden["numbers"] = json::array({1, 2});
    img = image_of(hidden);
    BOOST_TEST(img.properties.at("os_hidden") == "true");
    BOOST_TEST(img.properties.at("numbers") == "[1,2]");
    BOOST_TEST(!img.name.has_value());
    BOOST_TEST(img.owner == "");

    BOOST_CHECK_THROW(image_of(json::array()), ServiceUnavailable);
    BOOST_CHECK_THROW(image_of(json{{"name", "no id"}}), ServiceUnavailable);
}

BOOST_AUTO_TEST_CASE(a_glance_member_maps_onto_the_core_member)
{
    image::Member m = member_of(json{{"image_id", "i"},
                                     {"member_id", "p2"},
                                     {"status", "accepted"},
                                     {"created_at", "2024-05-01T10:00:00Z"},
                                     {"updated_at", "2024-05-01T10:00:01Z"},
                                     {"schema", "/v2/schemas/member"}});
    BOOST_TEST(m.image_id == "i");
    BOOST_TEST(m.member_id == "p2");
    BOOST_TEST(m.status == "accepted");
    BOOST_TEST(!m.can_share);
    BOOST_TEST(m.updated_at == 1714557601);
    BOOST_CHECK_THROW(member_of(json{{"image_id", "i"}}), ServiceUnavailable);
}

BOOST_AUTO_TEST_CASE(a_create_body_carries_what_the_core_chose)
{
    image::Image img = plain();
    img.min_ram = 256;
    img.properties["os_hidden"] = "true";
    json body = create_body(img, "p1");
    json expected = {{"id", "id-1"},       {"name", "one"},  {"visibility", "shared"}, {"protected", false},
                     {"min_disk", 0},      {"min_ram", 256}, {"disk_format", "raw"},   {"container_format", "bare"},
                     {"tags", {"a", "b"}}, {"os", "linux"},  {"os_hidden", true}};
    BOOST_TEST(body == expected, body.dump());
    // An admin's image for another project names its owner; an image without a name has none.
    img.owner = "p2";
    img.name.reset();
    body = create_body(img, "p1");
    BOOST_TEST(body["owner"] == "p2");
    BOOST_TEST(!body.contains("name"));
    // A property cannot take the name of one of Glance's attributes.
    img.properties["size"] = "5";
    BOOST_TEST(::fault_message<BadRequest>([&] { create_body(img, "p1"); }).find("'size'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_json_patch_holds_the_differences_only)
{
    image::Image now = plain();
    BOOST_TEST(json_patch(now, now) == json::array());
    // What Glance alone sets is not the patch's, nor is the order of the tags.
    image::Image wanted = now;
    wanted.status = "active";
    wanted.size = 5;
    wanted.updated_at = 99;
    wanted.tags = {"b", "a"};
    BOOST_TEST(json_patch(now, wanted) == json::array());

    wanted = now;
    wanted.name.reset();
    wanted.visibility = "public";
    wanted.is_protected = true;
    wanted.min_disk = 3;
    wanted.tags = {"a"};
    wanted.properties = {{"os", "bsd"}, {"a/b~c", "1"}, {"os_hidden", "true"}};
    json expected = json::parse(R"([
        {"op": "replace", "path": "/name", "value": null},
        {"op": "replace", "path": "/visibility", "value": "public"},
        {"op": "replace", "path": "/protected", "value": true},
        {"op": "replace", "path": "/min_disk", "value": 3},
        {"op": "replace", "path": "/tags", "value": ["a"]},
        {"op": "replace", "path": "/os_hidden", "value": true},
        {"op": "add", "path": "/a~1b~0c", "value": "1"},
        {"op": "replace", "path": "/os", "value": "bsd"}])");
    BOOST_TEST(json_patch(now, wanted) == expected, json_patch(now, wanted).dump());

    wanted = now;
    wanted.properties.clear();
    wanted.owner = "p2";
    expected = json::parse(R"([{"op": "replace", "path": "/owner", "value": "p2"},
                               {"op": "remove", "path": "/os"}])");
    BOOST_TEST(json_patch(now, wanted) == expected, json_patch(now, wanted).dump());

    wanted = now;
    wanted.properties["checksum"] = "x";
    BOOST_CHECK_THROW(json_patch(now, wanted), BadRequest);
}

BOOST_AUTO_TEST_CASE(a_v1_list_goes_to_glance_whole)
{
    // What the core's v1 list asks by default: public images, newest first, 25 of them.
    image::ImageQuery q;
    q.filters = {{"public", "1"}, {"name", "debian"}, {"property:os", "linux"}};
    q.member_status = "all";
    q.sort = {{"created_at", false}};
    q.size_min = 10;
    q.limit = 25;
    q.marker = "m1";
    ListPlan plan = list_plan(q);
    BOOST_TEST(plan.paged);
    BOOST_TEST(param(plan, "visibility") == "public");
    BOOST_TEST(param(plan, "name") == "debian");
    BOOST_TEST(param(plan, "os") == "linux");
    BOOST_TEST(param(plan, "size_min") == "10");
    BOOST_TEST(param(plan, "member_status") == "all");
    BOOST_TEST(param(plan, "sort_key") == "created_at,id");
    BOOST_TEST(param(plan, "sort_dir") == "desc,desc");
    BOOST_TEST(param(plan, "limit") == "25");
    BOOST_TEST(param(plan, "marker") == "m1");
    // The same query in memory, the page the upstream's: select() orders as Glance does and pages no more.
    BOOST_TEST(plan.local.filters == q.filters);
    BOOST_TEST(plan.local.marker == "");
    BOOST_TEST(plan.local.limit == 25u);
    BOOST_TEST((plan.local.sort == std::vector<std::pair<std::string, bool>>{{"created_at", false}, {"id", false}}));
    BOOST_TEST(!plan.member.has_value());

    q.sort = {{"name", true}};
    plan = list_plan(q);
    BOOST_TEST(param(plan, "sort_key") == "name,created_at,id");
    BOOST_TEST(param(plan, "sort_dir") == "asc,asc,asc");
}

BOOST_AUTO_TEST_CASE(what_glance_cannot_filter_is_filtered_in_memory)
{
    image::ImageQuery q;
    q.limit = 25;
    q.marker = "m1";
    q.sort = {{"size", true}};
    for (auto filter : std::vector<std::pair<std::string, std::string>>{
             {"public", "0"},              // Glance has no "not public"
             {"name", "in:a,b"},           // Glance would read an operator
             {"property:size_min", "1"},   // Glance would read a range
             {"property:name", "x"},       // Glance would read its attribute
             {"property:os_hidden", "no"}, // Glance's os_hidden is a boolean
         }) {
        q.filters = {filter};
        ListPlan plan = list_plan(q);
        BOOST_TEST(!plan.paged, filter.first);
        BOOST_TEST(param(plan, "limit") == "1000");
        BOOST_TEST(param(plan, "marker") == "");
        BOOST_TEST(param(plan, "name") == "");
        BOOST_TEST(param(plan, "size_min") == "");
        BOOST_TEST(param(plan, "visibility") == "");
        BOOST_TEST(plan.local.filters == q.filters);
        BOOST_TEST(plan.local.marker == "m1");
        BOOST_TEST(plan.local.limit == 25u);
    }
    // A sort Glance does not have is done in memory over every page.
    q.filters.clear();
    q.sort = {{"min_ram", true}};
    ListPlan plan = list_plan(q);
    BOOST_TEST(!plan.paged);
    BOOST_TEST(param(plan, "sort_key") == "");
    // No limit: every page.
    q.sort = {{"name", true}};
    q.limit = 0;
    BOOST_TEST(!list_plan(q).paged);
    // Hidden images, when asked for, are Glance's os_hidden.
    q.filters = {{"property:os_hidden", "true"}};
    q.limit = 5;
    plan = list_plan(q);
    BOOST_TEST(plan.paged);
    BOOST_TEST(param(plan, "os_hidden") == "true");
    // Tags Glance would strip are looked for in memory.
    q.filters.clear();
    q.tags = {"x86", " padded"};
    plan = list_plan(q);
    BOOST_TEST(param(plan, "tag") == "x86");
    BOOST_TEST(plan.local.tags == q.tags);
}

BOOST_AUTO_TEST_CASE(members_are_looked_for_among_the_shared_images)
{
    image::ImageQuery q;
    q.filters = {{"member", "p2"}};
    q.member_status = "all";
    ListPlan plan = list_plan(q);
    BOOST_TEST(*plan.member == "p2");
    BOOST_TEST(!plan.paged);
    BOOST_TEST(param(plan, "visibility") == "shared");
    BOOST_TEST(param(plan, "member_status") == "all");
    // select() keeps no image for "member": the driver checks memberships itself.
    BOOST_TEST(plan.local.filters.empty());
}

BOOST_AUTO_TEST_CASE(a_query_string_is_percent_encoded)
{
    BOOST_TEST(query_string({}) == "");
    BOOST_TEST(query_string({{"name", "a b&c=d"}, {"tag", "é"}, {"sort_key", "name"}}) ==
               "?name=a%20b%26c%3Dd&tag=%C3%A9&sort_key=name");
}

BOOST_AUTO_TEST_CASE(an_upstream_fault_says_what_it_says)
{
    // Glance's JSON fault (webob's), Glance's and a Jumpgate's HTML, and nothing.
    BOOST_TEST(
        openstack::fault_message(R"({"message": "No image found with ID x<br /><br />\n\n\n", "code": "404 Not Found",
                                 "title": "Not Found"})") == "No image found with ID x");
    BOOST_TEST(openstack::fault_message(R"({"error": {"code": 409, "message": "Image id taken"}})") ==
               "Image id taken");
    BOOST_TEST(openstack::fault_message("<html>\n <head>\n  <title>403 Forbidden</title>\n </head>\n <body>\n  <h1>403 "
                                        "Forbidden</h1>\n  Image &#39;x&#39; is &lt;protected&gt;<br /><br />\n\n\n\n "
                                        "</body>\n</html>") == "Image 'x' is <protected>");
    BOOST_TEST(openstack::fault_message("") == "");
    BOOST_TEST(openstack::fault_message("{}") == "");
    BOOST_TEST(openstack::fault_message("plain words\n") == "plain words");
}

BOOST_AUTO_TEST_CASE(glance_v1_is_listed_where_the_upstream_lists_none)
{
    json v2_only = json::parse(R"({"versions": [
        {"id": "v2.9", "status": "CURRENT", "links": [{"rel": "self", "href": "http://front/image/v2/"}]}]})");
    json doc = versions_with(v2_only, "http://front/image/v1/", {"v1.1", "v1.0"});
    BOOST_TEST(doc["versions"].size() == 3u);
    BOOST_TEST(doc["versions"][0] == v2_only["versions"][0]);
    BOOST_TEST(doc["versions"][1]["id"] == "v1.1");
    BOOST_TEST(doc["versions"][2]["id"] == "v1.0");
    BOOST_TEST(doc["versions"][2]["status"] == "DEPRECATED");
    BOOST_TEST(doc["versions"][2]["links"][0]["href"] == "http://front/image/v1/");
    // An upstream that lists v1 (a Jumpgate), or a document that is none, is left as it came.
    BOOST_TEST(versions_with(doc, "http://elsewhere/v1/", {"v1.1", "v1.0"}) == doc);
    BOOST_TEST(versions_with(json{{"error", "x"}}, "b", {"v1.0"}) == (json{{"error", "x"}}));
    BOOST_TEST(versions_with(json::array(), "b", {"v1.0"}) == json::array());
}

BOOST_AUTO_TEST_SUITE_END()
