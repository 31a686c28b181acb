// SPDX-License-Identifier: Apache-2.0
// Unit tests of Regex: POSIX extended matching, and the patterns refused before libc sees them.
#include <jumpgate/regex.hpp>

#include <stdexcept>
#include <string>

#include <boost/test/unit_test.hpp>

using jumpgate::Regex;

BOOST_AUTO_TEST_SUITE(regex)

BOOST_AUTO_TEST_CASE(search_is_posix_extended_anywhere_in_the_text)
{
    Regex name("^web-[0-9]{2}$");
    BOOST_TEST(name.search("web-01"));
    BOOST_TEST(!name.search("web-1"));
    BOOST_TEST(!name.search("my-web-01"));
    Regex ip("10\\.0\\.0\\.[1-3]");
    BOOST_TEST(ip.search("10.0.0.2"));
    BOOST_TEST(!ip.search("10.0.0.4"));
    BOOST_TEST(Regex("").search("anything"));
    BOOST_TEST(Regex("(a|b)+c").search("xxababcx"));
}

BOOST_AUTO_TEST_CASE(a_pattern_that_backtracks_exponentially_elsewhere_answers)
{
    // std::regex and Python's re take longer than the age of the universe on this one.
    std::string name(255, 'a');
    BOOST_TEST(!Regex("(a|a)*b").search(name.c_str()));
    BOOST_TEST(!Regex("((a*)*)*b").search(name.c_str()));
    BOOST_TEST(Regex("((a*)*)*$").search(name.c_str()));
}

BOOST_AUTO_TEST_CASE(what_libc_does_not_bound_is_refused_with_a_reason)
{
    for (const char* pattern : {"(a+)+\\1b", "(a)\\1", "((a{100}){100}){100}", "a{1000}{1000}", "(a{32767}){32767}",
                                "x{99999999999999999999}"}) {
        BOOST_TEST_CONTEXT("pattern " << pattern)
        {
            BOOST_CHECK_THROW(Regex{pattern}, std::invalid_argument);
            BOOST_TEST(!Regex::invalid(pattern).empty());
        }
    }
    BOOST_TEST(!Regex::invalid(std::string("a\0b", 3)).empty());
    // An escaped backslash before a digit is a backslash and a digit, not a back-reference.
    BOOST_TEST(Regex("a\\\\1").search("a\\1"));
    // Counts that stay small together are fine.
    BOOST_TEST(Regex("[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}").search("192.168.0.1"));
}

BOOST_AUTO_TEST_CASE(what_libc_cannot_parse_is_refused)
{
    for (const char* pattern : {"[", "(", "a{2,1}", "*a", "[z-a]"}) {
        BOOST_TEST_CONTEXT("pattern " << pattern)
        BOOST_TEST(!Regex::invalid(pattern).empty());
    }
}

BOOST_AUTO_TEST_SUITE_END()
