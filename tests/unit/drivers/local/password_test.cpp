// SPDX-License-Identifier: Apache-2.0
// The local driver's password hashes: format, verification, salts.
#include <boost/test/unit_test.hpp>

#include "password.hpp"

using namespace jumpgate::local;

BOOST_AUTO_TEST_SUITE(local_password)

BOOST_AUTO_TEST_CASE(a_hash_verifies_its_password_only)
{
    std::string h = password_hash("correct horse");
    BOOST_TEST(h.rfind("$pbkdf2-sha512$210000$", 0) == 0);
    BOOST_TEST(h.find("correct horse") == std::string::npos);
    BOOST_TEST(password_verify("correct horse", h));
    BOOST_TEST(!password_verify("correct horse ", h));
    BOOST_TEST(!password_verify("", h));
}

BOOST_AUTO_TEST_CASE(salts_differ)
{
    BOOST_TEST(password_hash("same") != password_hash("same"));
}

BOOST_AUTO_TEST_CASE(malformed_hashes_never_verify)
{
    BOOST_TEST(!password_verify("x", ""));
    BOOST_TEST(!password_verify("x", "x"));
    BOOST_TEST(!password_verify("x", "$md5$1$salt$hash"));
    std::string h = password_hash("x");
    BOOST_TEST(!password_verify("x", h.substr(0, h.size() - 2)));
}

BOOST_AUTO_TEST_SUITE_END()
