// SPDX-License-Identifier: Apache-2.0
// The IP helper: what parses, its canonical text, prefixes, containment, overlap, arithmetic and MACs.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include <jumpgate/driver/ipnet.hpp>

using namespace jumpgate::network;

BOOST_AUTO_TEST_SUITE(ipnet)

BOOST_AUTO_TEST_CASE(addresses_parse_to_canonical_text)
{
    BOOST_TEST(to_string(*parse_address("10.0.0.1")) == "10.0.0.1");
    BOOST_TEST(to_string(*parse_address("255.255.255.255")) == "255.255.255.255");
    BOOST_TEST(to_string(*parse_address("FD00:0:0::0001")) == "fd00::1");
    BOOST_TEST(to_string(*parse_address("::")) == "::");
    BOOST_TEST(parse_address("10.0.0.1")->version == 4);
    BOOST_TEST(parse_address("::ffff:10.0.0.1")->version == 6);
    for (const char* bad : {"", "10.0.0", "10.0.0.256", "10.0.0.1/24", "010.0.0.1", "fd00:::1", "fe80::1%eth0", "x",
                            " 10.0.0.1", "1.2.3.4.5"})
        BOOST_TEST(!parse_address(bad), bad);
}

BOOST_AUTO_TEST_CASE(ipv4_and_ipv6_never_compare_equal)
{
    BOOST_TEST((*parse_address("0.0.0.1") != *parse_address("::1")));
}

BOOST_AUTO_TEST_CASE(a_rule_prefix_keeps_its_host_bits)
{
    BOOST_TEST(*prefix_text("10.2.3.124/24") == "10.2.3.124/24");
    BOOST_TEST(*prefix_text("10.1.2.3") == "10.1.2.3/32");
    BOOST_TEST(*prefix_text("FD00::1/64") == "fd00::1/64");
    BOOST_TEST(!prefix_text("10.2.3.300/24"));
    BOOST_TEST(!prefix_text("10.2.3.4/33"));
}

BOOST_AUTO_TEST_CASE(cidrs_parse_strictly_or_masked)
{
    BOOST_TEST(to_string(*parse_cidr("10.0.0.0/24", true)) == "10.0.0.0/24");
    BOOST_TEST(!parse_cidr("10.0.0.1/24", true));
    BOOST_TEST(to_string(*parse_cidr("10.0.0.1/24", false)) == "10.0.0.0/24");
    BOOST_TEST(to_string(*parse_cidr("10.1.2.3", true)) == "10.1.2.3/32");
    BOOST_TEST(to_string(*parse_cidr("0.0.0.0/0", true)) == "0.0.0.0/0");
    BOOST_TEST(to_string(*parse_cidr("::/0", true)) == "::/0");
    BOOST_TEST(to_string(*parse_cidr("FD00:1::/64", true)) == "fd00:1::/64");
    BOOST_TEST(to_string(*parse_cidr("fd00::1/64", false)) == "fd00::/64");
    BOOST_TEST(parse_cidr("fd00::/128", true)->prefix == 128);
    for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/24/1", "fd00::/129",
                            "10.0.0.0/2a", "/24", "10.0.0.0/0024"})
        BOOST_TEST(!parse_cidr(bad, false), bad);
}

BOOST_AUTO_TEST_CASE(first_last_and_containment)
{
    Cidr v4 = *parse_cidr("192.168.1.0/24", true);
    BOOST_TEST(to_string(first_address(v4)) == "192.168.1.0");
    BOOST_TEST(to_string(last_address(v4)) == "192.168.1.255");
    BOOST_TEST(contains(v4, *parse_address("192.168.1.77")));
    BOOST_TEST(!contains(v4, *parse_address("192.168.2.0")));
    BOOST_TEST(!contains(v4, *parse_address("::ffff:192.168.1.1")));
    Cidr all4 = *parse_cidr("0.0.0.0/0", true);
    BOOST_TEST(to_string(last_address(all4)) == "255.255.255.255");
    Cidr v6 = *parse_cidr("fd00:abcd::/64", true);
    BOOST_TEST(to_string(last_address(v6)) == "fd00:abcd::ffff:ffff:ffff:ffff");
    BOOST_TEST(contains(v6, *parse_address("fd00:abcd::1234")));
    Cidr all6 = *parse_cidr("::/0", true);
    BOOST_TEST(to_string(last_address(all6)) == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    BOOST_TEST(contains(all6, *parse_address("2001:db8::1")));
}

BOOST_AUTO_TEST_CASE(overlap_needs_the_same_version)
{
    BOOST_TEST(overlaps(*parse_cidr("10.0.0.0/8", true), *parse_cidr("10.20.0.0/16", true)));
    BOOST_TEST(overlaps(*parse_cidr("10.0.0.0/24", true), *parse_cidr("10.0.0.255/32", true)));
    BOOST_TEST(!overlaps(*parse_cidr("10.0.0.0/24", true), *parse_cidr("10.0.1.0/24", true)));
    BOOST_TEST(!overlaps(*parse_cidr("0.0.0.0/0", true), *parse_cidr("::/0", true)));
    BOOST_TEST(overlaps(*parse_cidr("fd00::/48", true), *parse_cidr("fd00:0:0:1::/64", true)));
}

BOOST_AUTO_TEST_CASE(offsets_carry_across_halves_and_wrap)
{
    BOOST_TEST(to_string(offset(*parse_address("10.0.0.255"), 1)) == "10.0.1.0");
    BOOST_TEST(to_string(offset(*parse_address("10.0.1.0"), -1)) == "10.0.0.255");
    BOOST_TEST(to_string(offset(*parse_address("255.255.255.255"), 1)) == "0.0.0.0");
    BOOST_TEST(to_string(offset(*parse_address("fd00::ffff:ffff:ffff:ffff"), 1)) == "fd00:0:0:1::");
    BOOST_TEST(to_string(offset(*parse_address("fd00:0:0:1::"), -1)) == "fd00::ffff:ffff:ffff:ffff");
    BOOST_TEST(to_string(offset(*parse_address("::"), -1)) == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    BOOST_TEST((*parse_address("10.0.0.2") < *parse_address("10.0.0.10")));
}

BOOST_AUTO_TEST_CASE(macs_normalise_to_lower_case_colons)
{
    BOOST_TEST(*parse_mac("FA:16:3E:00:11:AB") == "fa:16:3e:00:11:ab");
    BOOST_TEST(*parse_mac("fa-16-3e-00-11-ab") == "fa:16:3e:00:11:ab");
    for (const char* bad :
         {"", "fa:16:3e:00:11", "fa:16:3e:00:11:zz", "fa:16-3e:00:11:ab", "fa16.3e00.11ab", "fa:16:3e:00:11:ab:"})
        BOOST_TEST(!parse_mac(bad), bad);
}

namespace {

std::string texts(const std::vector<Cidr>& cidrs)
{
    std::string out;
    for (const auto& c : cidrs)
        out += (out.empty() ? "" : " ") + to_string(c);
    return out;
}

Cidr net(const char* text)
{
    return *parse_cidr(text, true);
}

} // namespace

BOOST_AUTO_TEST_CASE(ranges_split_into_the_fewest_aligned_networks)
{
    BOOST_TEST(texts(range_cidrs(*parse_address("10.0.0.0"), *parse_address("10.0.0.255"))) == "10.0.0.0/24");
    BOOST_TEST(texts(range_cidrs(*parse_address("10.0.0.1"), *parse_address("10.0.0.6"))) ==
               "10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32");
    BOOST_TEST(texts(range_cidrs(*parse_address("0.0.0.0"), *parse_address("255.255.255.255"))) == "0.0.0.0/0");
    BOOST_TEST(texts(range_cidrs(*parse_address("::"), *parse_address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))) ==
               "::/0");
    BOOST_TEST(texts(range_cidrs(*parse_address("255.255.255.254"), *parse_address("255.255.255.255"))) ==
               "255.255.255.254/31");
}

BOOST_AUTO_TEST_CASE(merge_joins_overlapping_and_adjacent_networks)
{
    BOOST_TEST(texts(cidr_merge({net("10.0.1.0/24"), net("10.0.0.0/24")})) == "10.0.0.0/23");
    BOOST_TEST(texts(cidr_merge({net("10.0.0.0/16"), net("10.0.5.0/24")})) == "10.0.0.0/16");
    BOOST_TEST(texts(cidr_merge({net("10.0.1.0/24"), net("10.0.2.0/24")})) == "10.0.1.0/24 10.0.2.0/24");
    BOOST_TEST(texts(cidr_merge({net("2.0.0.0/16"), net("1.0.0.0/16")})) == "1.0.0.0/16 2.0.0.0/16");
    BOOST_TEST(texts(cidr_merge({net("::/1"), net("8000::/1")})) == "::/0");
    BOOST_TEST(cidr_merge({}).empty());
}

BOOST_AUTO_TEST_CASE(exclude_leaves_what_is_free)
{
    BOOST_TEST(texts(cidr_exclude({net("10.0.0.0/24")}, {net("10.0.0.0/26")})) == "10.0.0.64/26 10.0.0.128/25");
    BOOST_TEST(texts(cidr_exclude({net("10.0.0.0/24")}, {net("10.0.0.0/24")})).empty());
    BOOST_TEST(texts(cidr_exclude({net("10.0.0.0/24")}, {net("192.168.0.0/16"), net("fd00::/64")})) == "10.0.0.0/24");
    BOOST_TEST(texts(cidr_exclude({net("10.0.0.0/8")}, {net("0.0.0.0/0")})).empty());
    BOOST_TEST(texts(cidr_exclude({net("fd00::/63")}, {net("fd00::/64")})) == "fd00:0:0:1::/64");
}

BOOST_AUTO_TEST_CASE(eui64_addresses_come_from_the_mac)
{
    // The universal/local bit of the first byte flips and ff:fe goes in the middle (RFC 4291, appendix A).
    BOOST_TEST(to_string(*eui64(net("2001:db8::/64"), "fa:16:3e:12:34:56")) == "2001:db8::f816:3eff:fe12:3456");
    BOOST_TEST(to_string(*eui64(net("fd00:1:2:3::/64"), "00:11:22:33:44:55")) == "fd00:1:2:3:211:22ff:fe33:4455");
    BOOST_TEST(to_string(*eui64(net("fd00::/64"), "02-00-00-00-00-01")) == "fd00::ff:fe00:1");
    BOOST_TEST(!eui64(net("10.0.0.0/24"), "fa:16:3e:12:34:56"));
    BOOST_TEST(!eui64(net("fd00::/64"), "not-a-mac"));
}

BOOST_AUTO_TEST_SUITE_END()
