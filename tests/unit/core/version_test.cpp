// SPDX-License-Identifier: Apache-2.0
// Unit tests of ApiVersion: parsing, printing, ordering and at_least.
#include <jumpgate/version.hpp>

#include <string>

#include <boost/test/unit_test.hpp>

using jumpgate::ApiVersion;

BOOST_AUTO_TEST_SUITE(version)

BOOST_AUTO_TEST_CASE(parse_accepts_major_dot_minor)
{
    auto v = ApiVersion::parse("2.47");
    BOOST_TEST_REQUIRE(v.has_value());
    BOOST_TEST(v->major == 2);
    BOOST_TEST(v->minor == 47);

    auto w = ApiVersion::parse("3.0");
    BOOST_TEST_REQUIRE(w.has_value());
    BOOST_TEST(w->major == 3);
    BOOST_TEST(w->minor == 0);

    auto big = ApiVersion::parse("10.100");
    BOOST_TEST_REQUIRE(big.has_value());
    BOOST_TEST(big->major == 10);
    BOOST_TEST(big->minor == 100);
}

BOOST_AUTO_TEST_CASE(parse_rejects_what_is_not_major_dot_minor)
{
    for (const char* text : {"2", "2.", ".1", "a.b", "2.1.3", "-1.2", "", ".", "2.-1", "+2.1", " 2.1", "2.1 ", "2.x",
                             "x.1", "2,1", "99999999999.1"}) {
        BOOST_TEST_CONTEXT("text \"" << text << "\"")
        BOOST_TEST(!ApiVersion::parse(text).has_value());
    }
}

BOOST_AUTO_TEST_CASE(str_prints_major_dot_minor)
{
    BOOST_TEST((ApiVersion{2, 47}).str() == "2.47");
    BOOST_TEST((ApiVersion{2, 1}).str() == "2.1");
    BOOST_TEST((ApiVersion{3, 0}).str() == "3.0");
    BOOST_TEST(ApiVersion{}.str() == "0.0");
    for (const char* text : {"2.1", "2.90", "3.70", "1.0"}) {
        auto v = ApiVersion::parse(text);
        BOOST_TEST_REQUIRE(v.has_value());
        BOOST_TEST(v->str() == text);
    }
}

BOOST_AUTO_TEST_CASE(default_is_null)
{
    BOOST_TEST(ApiVersion{}.is_null());
    BOOST_TEST(!(ApiVersion{2, 1}).is_null());
    BOOST_TEST(!(ApiVersion{0, 1}).is_null());
}

BOOST_AUTO_TEST_CASE(ordering_is_numeric_not_textual)
{
    BOOST_TEST((ApiVersion{2, 9} < ApiVersion{2, 10}));
    BOOST_TEST(!(ApiVersion{2, 10} < ApiVersion{2, 9}));
    BOOST_TEST((ApiVersion{2, 90} < ApiVersion{3, 0}));
    BOOST_TEST((ApiVersion{1, 99} < ApiVersion{2, 1}));
    BOOST_TEST(!(ApiVersion{2, 1} < ApiVersion{2, 1}));
    BOOST_TEST((ApiVersion{2, 1} == ApiVersion{2, 1}));
    BOOST_TEST(!(ApiVersion{2, 1} == ApiVersion{2, 10}));
    BOOST_TEST((ApiVersion{2, 1} <= ApiVersion{2, 1}));
    BOOST_TEST((ApiVersion{2, 1} <= ApiVersion{2, 2}));
    BOOST_TEST(!(ApiVersion{2, 2} <= ApiVersion{2, 1}));
}

BOOST_AUTO_TEST_CASE(at_least_compares_with_major_minor)
{
    ApiVersion v{2, 47};
    BOOST_TEST(v.at_least(2, 47));
    BOOST_TEST(v.at_least(2, 1));
    BOOST_TEST(v.at_least(1, 99));
    BOOST_TEST(!v.at_least(2, 48));
    BOOST_TEST(!v.at_least(3, 0));
    BOOST_TEST(!ApiVersion{}.at_least(2, 1));
}

BOOST_AUTO_TEST_SUITE_END()
