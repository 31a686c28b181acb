// SPDX-License-Identifier: Apache-2.0
// IPv4 and IPv6 addresses, networks (CIDRs) and MAC addresses: parsing, canonical text and arithmetic for Neutron.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jumpgate::network {

/*
 * Address: an IPv4 or IPv6 address as a 128-bit number split in two halves
 * (IPv4 in the low 32 bits of `low`), so that addresses order and count as
 * numbers; an IPv4 address is never equal to an IPv6 one.
 */
struct Address {
    int version = 4;        // 4 or 6
    std::uint64_t high = 0; // IPv6's first 64 bits; 0 for IPv4
    std::uint64_t low = 0;
    auto operator<=>(const Address&) const = default;
};

/* Cidr: a network, `prefix` leading bits of `network` (whose other bits are zero). */
struct Cidr {
    Address network;
    int prefix = 0;
    auto operator<=>(const Cidr&) const = default;
};

/* parse_address: "10.0.0.1" or "fd00::1" (inet_pton's forms); nullopt when it is neither. */
std::optional<Address> parse_address(std::string_view text);

/*
 * parse_cidr: "10.0.0.0/24" or "fd00::/64"; a bare address is its host route
 * (/32, /128). With `strict` an address with bits set past the prefix is
 * refused (a subnet's cidr), without it they are cleared (a rule's remote
 * prefix). nullopt when malformed.
 */
std::optional<Cidr> parse_cidr(std::string_view text, bool strict);

/*
 * prefix_text: a prefix as Neutron keeps a security group rule's remote prefix: the address in canonical text with
 * its host bits as given, then the length ("10.2.3.124/24"; a bare address is /32 or /128). nullopt when malformed.
 */
std::optional<std::string> prefix_text(std::string_view text);

/* to_string: canonical text (inet_ntop's: lower case, IPv6 compressed); a Cidr as "network/prefix". */
std::string to_string(const Address& address);
std::string to_string(const Cidr& cidr);

/* offset: `address` plus `delta` (which may be negative), wrapping within its version's range. */
Address offset(const Address& address, long long delta);

/* first_address, last_address: the lowest and highest addresses of `cidr`. */
Address first_address(const Cidr& cidr);
Address last_address(const Cidr& cidr);

/* contains: whether `address` is of `cidr`'s version and within it. */
bool contains(const Cidr& cidr, const Address& address);

/* overlaps: whether two networks of the same version share any address. */
bool overlaps(const Cidr& a, const Cidr& b);

/* range_cidrs: the fewest networks that hold exactly the addresses `first` to `last` (one version, first <= last). */
std::vector<Cidr> range_cidrs(const Address& first, const Address& last);

/* cidr_merge: the fewest networks that hold exactly the addresses of `cidrs` (one version), in address order. */
std::vector<Cidr> cidr_merge(const std::vector<Cidr>& cidrs);

/* cidr_exclude: the addresses of `from` less those of `taken`, as the fewest networks in address order. */
std::vector<Cidr> cidr_exclude(const std::vector<Cidr>& from, const std::vector<Cidr>& taken);

/*
 * eui64: the address SLAAC gives the interface with MAC `mac` (any form
 * parse_mac reads) on IPv6 network `prefix`: its first 64 bits, then the
 * modified EUI-64 identifier (RFC 4291: ff:fe in the middle, the
 * universal/local bit flipped); nullopt for a bad MAC or an IPv4 network.
 */
std::optional<Address> eui64(const Cidr& prefix, std::string_view mac);

/* parse_mac: "fa:16:3e:00:11:22" (or with dashes, any case) in lower-case colon form; nullopt when malformed. */
std::optional<std::string> parse_mac(std::string_view text);

} // namespace jumpgate::network
