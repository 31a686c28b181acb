// SPDX-License-Identifier: Apache-2.0
// Unit tests of the access line: logfmt values a client cannot break out of, and queries without their secrets.
#include <boost/test/unit_test.hpp>

#include "core/access_log.hpp"

using namespace jumpgate;

BOOST_AUTO_TEST_SUITE(access_log)

BOOST_AUTO_TEST_CASE(a_value_a_client_sent_stays_one_value_on_one_line)
{
    BOOST_TEST(logfmt_value("/compute/v2.1/servers") == "/compute/v2.1/servers");
    BOOST_TEST(logfmt_value("") == "-");
    BOOST_TEST(logfmt_value("a b") == "\"a b\"");
    BOOST_TEST(logfmt_value("x=1") == "\"x=1\"");
    BOOST_TEST(logfmt_value("say \"hi\"\\") == R"("say \"hi\"\\")");
    // A newline would start a forged line; an escape sequence would rewrite the operator's terminal.
    BOOST_TEST(logfmt_value("/a\nstatus=200 user_id=admin") == R"("/a\x0astatus=200 user_id=admin")");
    BOOST_TEST(logfmt_value("\x1b[2J") == R"("\x1b[2J")");
    BOOST_TEST(logfmt_value("caf\xc3\xa9") == "caf\xc3\xa9"); // UTF-8 is text, left as it is
}

BOOST_AUTO_TEST_CASE(a_query_keeps_its_names_but_not_its_secrets)
{
    BOOST_TEST(loggable_query("") == "");
    BOOST_TEST(loggable_query("limit=10&marker=abc&sort_key=name") == "limit=10&marker=abc&sort_key=name");
    BOOST_TEST(loggable_query("password=hunter2&name=x") == "password=***&name=x");
    BOOST_TEST(loggable_query("X-Auth-Token=t&temp_url_sig=s&Signature=z&AWSAccessKeyId=k&flag") ==
               "X-Auth-Token=***&temp_url_sig=***&Signature=***&AWSAccessKeyId=***&flag");
    BOOST_TEST(loggable_query("client_secret=1&api_key=2&credential=3") ==
               "client_secret=***&api_key=***&credential=***");
}

BOOST_AUTO_TEST_CASE(the_line_names_the_request_the_caller_and_the_answer)
{
    Request req({{"REQUEST_METHOD", "GET"},
                 {"REQUEST_URI", "/image/v2/images?limit=2&password=p"},
                 {"QUERY_STRING", "limit=2&password=p"}},
                {}, nullptr, 1 << 20, 1 << 20);
    req.context().user_id = "u1";
    req.context().project_id = "p1";
    Response resp;
    resp.status = 404;
    std::string line = access_line(req, resp, 123, 0.0042);
    BOOST_TEST(line == "access request_id=" + req.id() +
                           " user_id=u1 project_id=p1 method=GET path=/image/v2/images query=\"limit=2&password=***\" "
                           "status=404 bytes=123 duration_ms=4.2");
}

BOOST_AUTO_TEST_SUITE_END()
