// SPDX-License-Identifier: Apache-2.0
// Implied roles: the expansion of held roles through the inference rules, chains, fans and cycles.
#include <boost/test/unit_test.hpp>

#include <jumpgate/driver/identity.hpp>

#include "api/identity/identity.hpp"

using namespace jumpgate::api::identity;
using jumpgate::identity::RoleInference;

BOOST_AUTO_TEST_SUITE(implied_roles)

// Keystone's defaults, which bootstrap makes: admin implies member, member implies reader.
const std::vector<RoleInference> kDefaults = {{"member", "reader"}, {"admin", "member"}};

BOOST_AUTO_TEST_CASE(a_chain_is_followed_to_its_end_with_each_role_s_own_prior)
{
    std::vector<Implied> want = {{"member", "admin"}, {"reader", "member"}};
    BOOST_TEST((implied_by("admin", kDefaults) == want));
    BOOST_TEST((implied_by("member", kDefaults) == std::vector<Implied>{{"reader", "member"}}));
    BOOST_TEST(implied_by("reader", kDefaults).empty());
    BOOST_TEST(implied_by("unknown", kDefaults).empty());
}

BOOST_AUTO_TEST_CASE(held_roles_come_first_then_what_they_imply_each_once)
{
    std::vector<std::string> want = {"admin", "member", "reader"};
    BOOST_TEST(with_implied({"admin"}, kDefaults) == want);
    BOOST_TEST(with_implied({"admin", "member"}, kDefaults) == want);
    want = {"reader", "member"};
    BOOST_TEST(with_implied({"reader", "member"}, kDefaults) == want);
    BOOST_TEST(with_implied({}, kDefaults).empty());
    want = {"other"};
    BOOST_TEST(with_implied({"other"}, {}) == want);
}

BOOST_AUTO_TEST_CASE(a_role_reached_twice_is_listed_once_with_the_first_prior)
{
    // a implies b and c, both imply d: d is reached through b first (breadth first, in rule order).
    const std::vector<RoleInference> fan = {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}};
    std::vector<Implied> want = {{"b", "a"}, {"c", "a"}, {"d", "b"}};
    BOOST_TEST((implied_by("a", fan) == want));
}

BOOST_AUTO_TEST_CASE(a_cycle_ends_where_it_began)
{
    const std::vector<RoleInference> cycle = {{"a", "b"}, {"b", "c"}, {"c", "a"}};
    std::vector<Implied> want = {{"b", "a"}, {"c", "b"}};
    BOOST_TEST((implied_by("a", cycle) == want));
    std::vector<std::string> all = {"b", "c", "a"};
    BOOST_TEST(with_implied({"b"}, cycle) == all);
    const std::vector<RoleInference> self = {{"a", "a"}};
    BOOST_TEST(implied_by("a", self).empty());
}

BOOST_AUTO_TEST_SUITE_END()
