// SPDX-License-Identifier: Apache-2.0
// Unit tests of base64 and unbase64: RFC 4648's vectors, and the texts that are not padded base 64.
#include <jumpgate/base64.hpp>

#include <string>

#include <boost/test/unit_test.hpp>

using jumpgate::base64;
using jumpgate::unbase64;

BOOST_AUTO_TEST_SUITE(base64_coding)

BOOST_AUTO_TEST_CASE(rfc4648_vectors_both_ways)
{
    const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [bytes, text] : vectors) {
        BOOST_TEST(base64(bytes) == text);
        BOOST_TEST(unbase64(text).value_or("(refused)") == bytes);
    }
    const std::string binary("\0\xff\x10", 3);
    BOOST_TEST(unbase64(base64(binary)).value_or("(refused)") == binary);
}

BOOST_AUTO_TEST_CASE(what_is_not_padded_base64_is_refused)
{
    BOOST_TEST(!unbase64("Zm9vY"));    // not a multiple of four
    BOOST_TEST(!unbase64("Zm9v!A==")); // outside the alphabet
    BOOST_TEST(!unbase64("Z==="));     // three padding characters
    BOOST_TEST(!unbase64("Zm9vYg-_")); // the URL-safe alphabet is another encoding
}

BOOST_AUTO_TEST_SUITE_END()
