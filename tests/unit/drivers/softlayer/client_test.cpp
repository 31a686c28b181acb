// SPDX-License-Identifier: Apache-2.0
// The SoftLayer client's pure parts: call URLs with masks, filters and limits, and SoftLayer's errors as faults.
#include <boost/test/unit_test.hpp>

#include <jumpgate/fault.hpp>

#include "client.hpp"

using namespace jumpgate;
using namespace jumpgate::softlayer;

namespace {

// The status of the fault raise() throws for `e`, and whether it has the type a caller catches.
template <class F> int raised(const Error& e)
{
    try {
        raise(e);
    } catch (const F& f) {
        return f.status();
    } catch (const Fault& f) {
        return -f.status();
    }
    return 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(softlayer_client)

BOOST_AUTO_TEST_CASE(a_url_names_service_object_and_method)
{
    BOOST_TEST(
        call_url("http://127.0.0.1:8/rest/v3.1/", {.service = "SoftLayer_Account", .method = "getCurrentUser"}) ==
        "http://127.0.0.1:8/rest/v3.1/SoftLayer_Account/getCurrentUser.json");
    BOOST_TEST(call_url("https://api.softlayer.com/rest/v3.1",
                        {.service = "SoftLayer_Virtual_Guest", .method = "powerOff", .id = "1234"}) ==
               "https://api.softlayer.com/rest/v3.1/SoftLayer_Virtual_Guest/1234/powerOff.json");
}

BOOST_AUTO_TEST_CASE(an_id_that_is_not_a_number_never_reaches_the_path)
{
    BOOST_CHECK_THROW(
        call_url("http://x/", {.service = "SoftLayer_Virtual_Guest", .method = "getObject", .id = "../1"}),
        std::invalid_argument);
    BOOST_CHECK_THROW(call_url("http://x/", {.service = "SoftLayer_Virtual_Guest", .method = "getObject", .id = "1?a"}),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(mask_filter_and_limit_are_encoded_in_the_query)
{
    Call c{.service = "SoftLayer_Account",
           .method = "getVirtualGuests",
           .mask = "id,hostname",
           .filter = {{"virtualGuests", {{"hostname", {{"operation", "a b&c"}}}}}},
           .limit = std::pair<std::size_t, std::size_t>{100, 50}};
    BOOST_TEST(
        call_url("http://x/", c) ==
        "http://x/SoftLayer_Account/getVirtualGuests.json?objectMask=mask%5Bid%2Chostname%5D"
        "&objectFilter=%7B%22virtualGuests%22%3A%7B%22hostname%22%3A%7B%22operation%22%3A%22a%20b%26c%22%7D%7D%7D"
        "&resultLimit=100%2C50");
    c.mask = "mask[id,powerState[keyName]]"; // a mask written whole is kept as it is
    c.filter = nullptr;
    c.limit.reset();
    BOOST_TEST(call_url("http://x/", c) ==
               "http://x/SoftLayer_Account/getVirtualGuests.json?objectMask=mask%5Bid%2CpowerState%5BkeyName%5D%5D");
}

BOOST_AUTO_TEST_CASE(errors_are_read_from_their_body)
{
    Error e = error_of(
        404, R"({"error":"Unable to find object with id of '7'.","code":"SoftLayer_Exception_ObjectNotFound"})");
    BOOST_TEST(e.status == 404);
    BOOST_TEST(e.code == "SoftLayer_Exception_ObjectNotFound");
    BOOST_TEST(e.message == "Unable to find object with id of '7'.");
    BOOST_TEST(error_of(401, R"({"error":"Access Denied. ","code":"SoftLayer_Exception_Public"})").message ==
               "Access Denied.");
    Error html = error_of(502, "<html>Bad Gateway</html>");
    BOOST_TEST(html.status == 502);
    BOOST_TEST(html.code.empty());
}

BOOST_AUTO_TEST_CASE(errors_become_the_faults_openstack_clients_expect)
{
    BOOST_TEST(raised<NotFound>({404, "SoftLayer_Exception_ObjectNotFound", "Unable to find object"}) == 404);
    BOOST_TEST(raised<Unauthorized>({401, "SoftLayer_Exception_Public", "Access Denied."}) == 401);
    BOOST_TEST(raised<Forbidden>({403, "SoftLayer_Exception_Public", "no"}) == 403);
    BOOST_TEST(raised<Forbidden>({500, "SoftLayer_Exception_User_Permissions", "lacks VIRTUAL_GUEST_MANAGE"}) == 403);
    BOOST_TEST(raised<BadRequest>({400, "SoftLayer_Exception_WebService_BadRequest", "bad hostname"}) == 400);
    BOOST_TEST(raised<Conflict>({500, "SoftLayer_Exception_Public", "The guest has an active transaction."}) == 409);
    BOOST_TEST(raised<ServiceUnavailable>({500, "SoftLayer_Exception_Internal", "boom"}) == 503);
    BOOST_TEST(raised<ServiceUnavailable>({429, "", ""}) == 503);
    BOOST_TEST(raised<ServiceUnavailable>({0, "", ""}) == 503);
}

BOOST_AUTO_TEST_CASE(only_getters_are_tried_twice_after_a_failure)
{
    BOOST_TEST(is_idempotent("getObject"));
    BOOST_TEST(is_idempotent("getVirtualGuests"));
    BOOST_TEST(is_idempotent("verifyOrder"));
    BOOST_TEST(!is_idempotent("createObject"));
    BOOST_TEST(!is_idempotent("rebootHard"));
}

BOOST_AUTO_TEST_SUITE_END()
