// SPDX-License-Identifier: Apache-2.0
// The openstack driver's URL work: a service's root from a catalog URL, and the upstream's URLs made Jumpgate's.
#include <boost/test/unit_test.hpp>

#include "upstream.hpp"

using namespace jumpgate::openstack;

BOOST_AUTO_TEST_SUITE(openstack_upstream)

BOOST_AUTO_TEST_CASE(a_service_root_ends_before_the_version)
{
    BOOST_TEST(service_root("http://h:8774/v2.1") == "http://h:8774");
    BOOST_TEST(service_root("http://h:8776/v3/0c1d2e") == "http://h:8776");
    BOOST_TEST(service_root("http://h/compute/v2.1/") == "http://h/compute");
    BOOST_TEST(service_root("https://h/identity/v3") == "https://h/identity");
    BOOST_TEST(service_root("http://h:9292") == "http://h:9292");
    BOOST_TEST(service_root("http://h:9292/") == "http://h:9292");
    BOOST_TEST(service_root("http://h:9696/networking/") == "http://h:9696/networking");
    // A segment that only starts like a version is part of the root.
    BOOST_TEST(service_root("http://h/vault/v2") == "http://h/vault");
    BOOST_TEST(service_root("http://h/v2x/v1") == "http://h/v2x");
}

BOOST_AUTO_TEST_CASE(urls_below_a_root_move_below_its_replacement)
{
    std::vector<std::pair<std::string, std::string>> roots = {
        {"http://up:5000/compute", "http://front:8080/compute"},
        {"http://up:5000/identity", "http://front:8080/identity"},
        {"http://up:5000", "http://front:8080/other"},
    };
    BOOST_TEST(rewrite_urls(R"({"href": "http://up:5000/compute/v2.1/servers/1"})", roots) ==
               R"({"href": "http://front:8080/compute/v2.1/servers/1"})");
    // The longest root wins; each URL is moved once.
    BOOST_TEST(rewrite_urls("http://up:5000/identity/v3 http://up:5000/v2", roots) ==
               "http://front:8080/identity/v3 http://front:8080/other/v2");
    // A root matches whole: not the start of a longer host or path segment.
    BOOST_TEST(rewrite_urls("http://up:50000/compute http://up:5000/computers", roots) ==
               "http://up:50000/compute http://front:8080/other/computers");
    BOOST_TEST(rewrite_urls(R"(["http://up:5000/compute"])", roots) == R"(["http://front:8080/compute"])");
    BOOST_TEST(rewrite_urls("http://up:5000/compute?x=1", roots) == "http://front:8080/compute?x=1");
    BOOST_TEST(rewrite_urls("Keystone uri=\"http://up:5000/identity\"", roots) ==
               "Keystone uri=\"http://front:8080/identity\"");
    // Text without URLs, or with others', is left as it was.
    BOOST_TEST(rewrite_urls("no url at all", roots) == "no url at all");
    BOOST_TEST(rewrite_urls("https://up:5000/compute", roots) == "https://up:5000/compute");
    BOOST_TEST(rewrite_urls("://", roots) == "://");
}

BOOST_AUTO_TEST_CASE(the_maximum_microversion_of_a_version_document)
{
    auto nova =
        json::parse(R"({"version": {"id": "v2.1", "status": "CURRENT", "version": "2.90", "min_version": "2.1"}})");
    BOOST_TEST(max_microversion(nova)->str() == "2.90");
    auto cinder = json::parse(R"({"versions": [{"id": "v3.0", "version": "3.70"}, {"id": "v2.0", "version": ""}]})");
    BOOST_TEST(max_microversion(cinder)->str() == "3.70");
    BOOST_TEST(!max_microversion(json::parse(R"({"version": {"id": "v2.0", "version": ""}})")));
    BOOST_TEST(!max_microversion(json::parse(R"({"versions": "none"})")));
    BOOST_TEST(!max_microversion(json()));
}

BOOST_AUTO_TEST_SUITE_END()
