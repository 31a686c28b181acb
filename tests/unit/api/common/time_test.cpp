// SPDX-License-Identifier: Apache-2.0
// ISO 8601 times as clients send them (changes-since): the forms taken, their offsets, and what is refused.
#include <boost/test/unit_test.hpp>

#include <jumpgate/time.hpp>

using namespace jumpgate::api;

BOOST_AUTO_TEST_SUITE(iso_time_parsing)

BOOST_AUTO_TEST_CASE(forms_and_offsets_name_the_same_instant)
{
    const std::int64_t t = 1295888880; // 2011-01-24T17:08:00Z, the api-ref's example
    for (const char* text : {"2011-01-24T17:08Z", "2011-01-24T17:08:00Z", "2011-01-24T17:08:00", "2011-01-24 17:08:00",
                             "2011-01-24T17:08:00.123456Z", "2011-01-24T17:08:00+00:00", "2011-01-24T18:08:00+01:00",
                             "2011-01-24T12:38:00-0430", "2011-01-24T19:08+02", "2011-01-24T17:08:00.5z"}) {
        BOOST_TEST_CONTEXT(text)
        {
            BOOST_TEST(parse_iso_time(text).value_or(-1) == t);
        }
    }
    BOOST_TEST(*parse_iso_time(iso_time(t, true)) == t);
    BOOST_TEST(*parse_iso_time(iso_time_z(t)) == t);
}

BOOST_AUTO_TEST_CASE(malformed_times_are_refused)
{
    for (const char* text : {"", "yesterday", "2011-01-24", "2011-01-24T17", "2011-01-24T17:08:00Zjunk",
                             "2011-01-24T17:08:00+25:00", "2011-01-24T17:08:00+01:60", "2011-01-24T17:08:00.",
                             "2011-01-24T17:08:00+1", "2011-01-24T17:08:00 +01:00", "2011-13-24T17:08:00Z"}) {
        BOOST_TEST_CONTEXT(text)
        {
            BOOST_TEST(!parse_iso_time(text).has_value());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
