// SPDX-License-Identifier: Apache-2.0
// volume::select: Cinder's tenancy, filters, order, marker, offset and limit applied in memory.
#include <boost/test/unit_test.hpp>

#include <jumpgate/driver/volume.hpp>
#include <jumpgate/fault.hpp>

#include "fault_message.hpp"

using namespace jumpgate;

namespace {

Context caller(const std::string& project, bool admin = false)
{
    Context ctx;
    ctx.project_id = project;
    ctx.roles = {admin ? "admin" : "member"};
    return ctx;
}

volume::Volume make(const char* id, std::optional<std::string> name, const char* project, std::int64_t created_at,
                    long long size = 1)
{
    volume::Volume v;
    v.id = id;
    v.name = std::move(name);
    v.project_id = project;
    v.size = size;
    v.status = "available";
    v.created_at = v.updated_at = created_at;
    return v;
}

// In the order made: "w" of project p2; "x" and "y" made in the same second; "z" unnamed.
std::vector<volume::Volume> volumes()
{
    std::vector<volume::Volume> all = {make("y", "data", "p1", 100, 5), make("x", "logs", "p1", 100, 2),
                                       make("w", "data", "p2", 150, 5), make("z", std::nullopt, "p1", 200, 1)};
    all[0].bootable = true;
    all[0].metadata = {{"tier", "gold"}};
    all[1].volume_type = "SAN";
    all[1].volume_type_id = "t-1";
    all[1].status = "in-use";
    return all;
}

template <class T> std::vector<std::string> ids(const std::vector<T>& rows)
{
    std::vector<std::string> out;
    for (const auto& r : rows)
        out.push_back(r.id);
    return out;
}

std::vector<std::string> selected(const Context& ctx, const volume::ListQuery& q)
{
    return ids(volume::select(ctx, q, volumes()));
}

using Ids = std::vector<std::string>;

} // namespace

BOOST_AUTO_TEST_SUITE(volume_select)

BOOST_AUTO_TEST_CASE(a_project_lists_its_own_newest_first_and_ties_in_the_order_made)
{
    volume::ListQuery q;
    BOOST_TEST(selected(caller("p1"), q) == Ids({"z", "x", "y"}), boost::test_tools::per_element());
    q.sort = {{"created_at", true}};
    BOOST_TEST(selected(caller("p1"), q) == Ids({"y", "x", "z"}), boost::test_tools::per_element());
    BOOST_TEST(selected(caller("p3"), {}).empty());
}

BOOST_AUTO_TEST_CASE(all_projects_is_an_admins_and_project_id_narrows_it)
{
    volume::ListQuery q;
    q.all_projects = true;
    BOOST_TEST(selected(caller("p1"), q) == Ids({"z", "x", "y"}), boost::test_tools::per_element());
    BOOST_TEST(selected(caller("p9", true), q) == Ids({"z", "w", "x", "y"}), boost::test_tools::per_element());
    q.project_id = "p2";
    BOOST_TEST(selected(caller("p9", true), q) == Ids({"w"}), boost::test_tools::per_element());
    q.all_projects = false;
    BOOST_TEST(selected(caller("p9", true), q).empty());
}

BOOST_AUTO_TEST_CASE(filters_read_their_values_as_the_fields_types)
{
    volume::ListQuery q;
    q.filters = {{"bootable", "True"}};
    BOOST_TEST(selected(caller("p1"), q) == Ids({"y"}), boost::test_tools::per_element());
    q.filters = {{"size", "2"}};
    BOOST_TEST(selected(caller("p1"), q) == Ids({"x"}), boost::test_tools::per_element());
    q.filters = {{"volume_type", "t-1"}};
    BOOST_TEST(selected(caller("p1"), q) == Ids({"x"}), boost::test_tools::per_element());
    q.filters = {{"volume_type", "SAN"}, {"status", "in-use"}};
    BOOST_TEST(selected(caller("p1"), q) == Ids({"x"}), boost::test_tools::per_element());
    q.filters = {{"metadata:tier", "gold"}};
    BOOST_TEST(selected(caller("p1"), q) == Ids({"y"}), boost::test_tools::per_element());
    q.filters = {{"name", ""}};
    BOOST_TEST(selected(caller("p1"), q).empty());
    BOOST_TEST(fault_message<BadRequest>([] {
                   volume::ListQuery bad;
                   bad.filters = {{"size", "2GB"}};
                   volume::select(caller("p1"), bad, std::vector<volume::Volume>{});
               }) == "Invalid value '2GB' for filter size: it must be an integer.");
    BOOST_TEST(fault_message<BadRequest>([] {
                   volume::ListQuery bad;
                   bad.filters = {{"bootable", "maybe"}};
                   volume::select(caller("p1"), bad, std::vector<volume::Volume>{});
               }) == "Invalid value 'maybe' for filter bootable: it must be true or false.");
    BOOST_TEST(fault_message<BadRequest>([] {
                   volume::ListQuery bad;
                   bad.filters = {{"colour", "blue"}};
                   volume::select(caller("p1"), bad, std::vector<volume::Volume>{});
               }) == "Invalid filter keys: colour");
}

BOOST_AUTO_TEST_CASE(a_missing_name_sorts_as_empty_and_keys_follow_each_other)
{
    volume::ListQuery q;
    q.sort = {{"name", true}};
    BOOST_TEST(selected(caller("p1"), q) == Ids({"z", "y", "x"}), boost::test_tools::per_element());
    q.sort = {{"size", false}, {"name", true}};
    BOOST_TEST(selected(caller("p1"), q) == Ids({"y", "x", "z"}), boost::test_tools::per_element());
    q.sort = {{"volume_type", true}};
    BOOST_TEST(selected(caller("p1"), q) == Ids({"y", "z", "x"}), boost::test_tools::per_element());
    BOOST_TEST(fault_message<BadRequest>([] {
                   volume::ListQuery bad;
                   bad.sort = {{"colour", true}};
                   volume::select(caller("p1"), bad, std::vector<volume::Volume>{});
               }) == "Invalid sort key: colour");
}

BOOST_AUTO_TEST_CASE(a_page_starts_after_any_marker_the_caller_sees_then_skips_the_offset)
{
    volume::ListQuery q;
    q.marker = "z";
    q.limit = 1;
    BOOST_TEST(selected(caller("p1"), q) == Ids({"x"}), boost::test_tools::per_element());
    q.offset = 1;
    BOOST_TEST(selected(caller("p1"), q) == Ids({"y"}), boost::test_tools::per_element());
    q = {};
    q.marker = "z";
    q.filters = {{"name", "data"}}; // the marker itself is no "data"
    BOOST_TEST(selected(caller("p1"), q) == Ids({"y"}), boost::test_tools::per_element());
    q = {};
    q.marker = "w"; // another project's: an admin sees it, though the list is of the admin's own
    BOOST_TEST(selected(caller("p1", true), q) == Ids({"x", "y"}), boost::test_tools::per_element());
    BOOST_TEST(fault_message<NotFound>([] {
                   volume::ListQuery other;
                   other.marker = "w";
                   volume::select(caller("p1"), other, volumes());
               }) == "Marker w could not be found.");
}

BOOST_AUTO_TEST_CASE(snapshots_and_backups_take_their_own_keys)
{
    volume::Snapshot s{.id = "s1", .name = "nightly", .volume_id = "y", .project_id = "p1", .size = 5};
    volume::Backup b{.id = "b1", .name = "weekly", .volume_id = "x", .project_id = "p1", .size = 2};
    volume::ListQuery q;
    q.filters = {{"volume_id", "y"}, {"size", "5"}};
    BOOST_TEST(ids(volume::select(caller("p1"), q, std::vector<volume::Snapshot>{s})) == Ids({"s1"}),
               boost::test_tools::per_element());
    q.filters = {{"volume_id", "x"}};
    q.sort = {{"volume_id", true}};
    BOOST_TEST(ids(volume::select(caller("p1"), q, std::vector<volume::Backup>{b})) == Ids({"b1"}),
               boost::test_tools::per_element());
    q = {};
    q.filters = {{"size", "2"}}; // backups are not filtered by size
    BOOST_TEST(fault_message<BadRequest>([&] { volume::select(caller("p1"), q, std::vector<volume::Backup>{b}); }) ==
               "Invalid filter keys: size");
    q = {};
    q.sort = {{"bootable", true}}; // a volume's key only
    BOOST_TEST(fault_message<BadRequest>([&] { volume::select(caller("p1"), q, std::vector<volume::Snapshot>{s}); }) ==
               "Invalid sort key: bootable");
}

BOOST_AUTO_TEST_SUITE_END()
