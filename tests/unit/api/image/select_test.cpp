// SPDX-License-Identifier: Apache-2.0
// image::select: Glance's filters, order, marker and limit applied in memory, for drivers whose cloud cannot filter.
#include <boost/test/unit_test.hpp>

#include <jumpgate/driver/image.hpp>
#include <jumpgate/fault.hpp>

#include "fault_message.hpp"

using namespace jumpgate;

namespace {

image::Image make(const char* id, std::optional<std::string> name, const char* visibility, std::int64_t created_at,
                  std::optional<long long> size = std::nullopt)
{
    image::Image i;
    i.id = id;
    i.name = std::move(name);
    i.status = "active";
    i.visibility = visibility;
    i.owner = "p1";
    i.size = size;
    i.created_at = i.updated_at = created_at;
    return i;
}

// Five images: "b" unnamed and of no size, "e" hidden, two made in the same second.
std::vector<image::Image> catalogue()
{
    std::vector<image::Image> all = {make("a", "cirros", "public", 100, 10), make("b", std::nullopt, "private", 200),
                                     make("c", "debian", "private", 300, 30), make("d", "alpine", "public", 300, 20),
                                     make("e", "hidden", "public", 400, 40)};
    all[0].tags = {"small", "test"};
    all[2].tags = {"test"};
    all[2].properties = {{"os_distro", "debian"}};
    all[3].is_protected = true;
    all[4].properties = {{"os_hidden", "true"}};
    return all;
}

std::vector<std::string> ids(const std::vector<image::Image>& images)
{
    std::vector<std::string> out;
    for (const auto& i : images)
        out.push_back(i.id);
    return out;
}

std::vector<std::string> selected(const image::ImageQuery& q)
{
    return ids(image::select(q, catalogue()));
}

using Ids = std::vector<std::string>;

} // namespace

BOOST_AUTO_TEST_SUITE(image_select)

BOOST_AUTO_TEST_CASE(newest_first_by_default_with_the_id_breaking_ties_and_hidden_images_left_out)
{
    image::ImageQuery q;
    q.sort = {{"created_at", false}};
    BOOST_TEST(selected(q) == Ids({"d", "c", "b", "a"}), boost::test_tools::per_element());
    q.sort = {{"created_at", true}};
    BOOST_TEST(selected(q) == Ids({"a", "b", "c", "d"}), boost::test_tools::per_element());
    q.sort = {};
    BOOST_TEST(selected(q) == Ids({"d", "c", "b", "a"}), boost::test_tools::per_element());
    q.filters = {{"property:os_hidden", "true"}};
    BOOST_TEST(selected(q) == Ids({"e"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_missing_name_sorts_first_and_a_missing_size_below_every_size)
{
    image::ImageQuery q;
    q.sort = {{"name", true}};
    BOOST_TEST(selected(q) == Ids({"b", "d", "a", "c"}), boost::test_tools::per_element());
    q.sort = {{"size", false}};
    BOOST_TEST(selected(q) == Ids({"c", "d", "a", "b"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(filters_are_exact_and_a_missing_field_matches_nothing)
{
    image::ImageQuery q;
    q.filters = {{"name", ""}};
    BOOST_TEST(selected(q).empty());
    q.filters = {{"visibility", "private"}};
    BOOST_TEST(selected(q) == Ids({"c", "b"}), boost::test_tools::per_element());
    q.filters = {{"public", "0"}};
    BOOST_TEST(selected(q) == Ids({"c", "b"}), boost::test_tools::per_element());
    q.filters = {{"public", "1"}, {"protected", "1"}};
    BOOST_TEST(selected(q) == Ids({"d"}), boost::test_tools::per_element());
    q.filters = {{"property:os_distro", "debian"}};
    BOOST_TEST(selected(q) == Ids({"c"}), boost::test_tools::per_element());
    q.filters = {{"member", "p2"}};
    BOOST_TEST(selected(q).empty());
    q.filters = {};
    q.tags = {"test"};
    BOOST_TEST(selected(q) == Ids({"c", "a"}), boost::test_tools::per_element());
    q.tags = {"test", "small"};
    BOOST_TEST(selected(q) == Ids({"a"}), boost::test_tools::per_element());
    q.tags = {};
    q.size_min = 15;
    BOOST_TEST(selected(q) == Ids({"d", "c"}), boost::test_tools::per_element());
    q.size_min = std::nullopt;
    q.size_max = 25;
    BOOST_TEST(selected(q) == Ids({"d", "a"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_page_starts_after_its_marker_even_one_the_filters_leave_out)
{
    image::ImageQuery q;
    q.sort = {{"name", true}};
    q.limit = 2;
    BOOST_TEST(selected(q) == Ids({"b", "d"}), boost::test_tools::per_element());
    q.marker = "d";
    BOOST_TEST(selected(q) == Ids({"a", "c"}), boost::test_tools::per_element());
    q.marker = "b";
    q.filters = {{"visibility", "public"}};
    BOOST_TEST(selected(q) == Ids({"d", "a"}), boost::test_tools::per_element());
    q.marker = "e"; // hidden, yet a place in the order
    q.filters = {};
    q.limit = 0;
    BOOST_TEST(selected(q).empty());
    q.sort = {{"name", false}};
    BOOST_TEST(selected(q) == Ids({"c", "a", "d", "b"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unknown_keys_and_markers_are_bad_requests_even_of_an_empty_list)
{
    image::ImageQuery q;
    q.marker = "z";
    BOOST_TEST(fault_message<BadRequest>([&] { image::select(q, catalogue()); }) == "marker [z] not found");
    q = {};
    q.filters = {{"os_distro", "debian"}};
    BOOST_TEST(fault_message<BadRequest>([&] { image::select(q, {}); }) == "Unknown filter os_distro.");
    q = {};
    q.sort = {{"colour", true}};
    BOOST_TEST(fault_message<BadRequest>([&] { image::select(q, {}); }) == "Invalid sort key: colour.");
}

BOOST_AUTO_TEST_SUITE_END()
