// SPDX-License-Identifier: Apache-2.0
// IPv4 and IPv6 addresses, networks and MAC addresses: parsing through inet_pton, arithmetic on 128-bit numbers.
#include <jumpgate/driver/ipnet.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace jumpgate::network {

namespace {

__extension__ typedef unsigned __int128 u128;

u128 value_of(const Address& a)
{
    return (static_cast<u128>(a.high) << 64) | a.low;
}

Address address_of(int version, u128 v)
{
    if (version == 4)
        v &= 0xffffffffULL;
    return {version, static_cast<std::uint64_t>(v >> 64), static_cast<std::uint64_t>(v)};
}

int bits_of(int version)
{
    return version == 4 ? 32 : 128;
}

// The host part of a /prefix network of `version`: its low (bits - prefix) bits set.
u128 host_mask(int version, int prefix)
{
    int host_bits = bits_of(version) - prefix;
    return host_bits >= 128 ? ~static_cast<u128>(0) : (static_cast<u128>(1) << host_bits) - 1;
}

} // namespace

std::optional<Address> parse_address(std::string_view text)
{
    // inet_pton reads a NUL-terminated string; a zone index ("%eth0") or anything after is not an address.
    std::string s(text);
    if (s.empty() || s.size() > INET6_ADDRSTRLEN)
        return std::nullopt;
    unsigned char bytes[16] = {};
    if (inet_pton(AF_INET, s.c_str(), bytes) == 1)
        return Address{4, 0, (std::uint64_t(bytes[0]) << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]};
    if (inet_pton(AF_INET6, s.c_str(), bytes) == 1) {
        u128 v = 0;
        for (unsigned char b : bytes)
            v = (v << 8) | b;
        return address_of(6, v);
    }
    return std::nullopt;
}

std::optional<Cidr> parse_cidr(std::string_view text, bool strict)
{
    auto slash = text.find('/');
    auto address = parse_address(text.substr(0, slash));
    if (!address)
        return std::nullopt;
    int prefix = bits_of(address->version);
    if (slash != std::string_view::npos) {
        std::string_view digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3 || !std::isdigit(static_cast<unsigned char>(digits[0])))
            return std::nullopt;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (ec != std::errc() || end != digits.data() + digits.size() || prefix > bits_of(address->version))
            return std::nullopt;
    }
    u128 v = value_of(*address);
    u128 host = host_mask(address->version, prefix);
    if (strict && (v & host))
        return std::nullopt;
    return Cidr{address_of(address->version, v & ~host), prefix};
}

std::string to_string(const Address& address)
{
    char buffer[INET6_ADDRSTRLEN] = {};
    unsigned char bytes[16];
    if (address.version == 4) {
        for (int i = 0; i < 4; ++i)
            bytes[i] = static_cast<unsigned char>(address.low >> (24 - 8 * i));
        inet_ntop(AF_INET, bytes, buffer, sizeof buffer);
    } else {
        u128 v = value_of(address);
        for (int i = 15; i >= 0; --i, v >>= 8)
            bytes[i] = static_cast<unsigned char>(v);
        inet_ntop(AF_INET6, bytes, buffer, sizeof buffer);
    }
    return buffer;
}

std::optional<std::string> prefix_text(std::string_view text)
{
    auto cidr = parse_cidr(text, false);
    if (!cidr)
        return std::nullopt;
    return to_string(*parse_address(text.substr(0, text.find('/')))) + "/" + std::to_string(cidr->prefix);
}

std::string to_string(const Cidr& cidr)
{
    return to_string(cidr.network) + "/" + std::to_string(cidr.prefix);
}

Address offset(const Address& address, long long delta)
{
    u128 v = value_of(address);
    v = delta >= 0 ? v + static_cast<u128>(delta) : v - static_cast<u128>(-(delta + 1)) - 1;
    return address_of(address.version, v);
}

Address first_address(const Cidr& cidr)
{
    return cidr.network;
}

Address last_address(const Cidr& cidr)
{
    return address_of(cidr.network.version, value_of(cidr.network) | host_mask(cidr.network.version, cidr.prefix));
}

bool contains(const Cidr& cidr, const Address& address)
{
    return address.version == cidr.network.version && first_address(cidr) <= address && address <= last_address(cidr);
}

bool overlaps(const Cidr& a, const Cidr& b)
{
    return a.network.version == b.network.version && first_address(a) <= last_address(b) &&
           first_address(b) <= last_address(a);
}

namespace {

// An interval of addresses of one version, both ends included.
using Span = std::pair<u128, u128>;

// The intervals of `cidrs`, sorted, overlapping and adjacent ones joined.
std::vector<Span> joined(const std::vector<Cidr>& cidrs)
{
    std::vector<Span> spans;
    for (const auto& c : cidrs)
        spans.emplace_back(value_of(first_address(c)), value_of(last_address(c)));
    std::sort(spans.begin(), spans.end());
    std::vector<Span> out;
    for (const auto& s : spans) {
        // Adjacent when the last one ends just before this one starts (and it does not end at the very top).
        if (!out.empty() && (s.first <= out.back().second || (out.back().second + 1 == s.first && s.first != 0)))
            out.back().second = std::max(out.back().second, s.second);
        else
            out.push_back(s);
    }
    return out;
}

std::vector<Cidr> cidrs_of(int version, const std::vector<Span>& spans)
{
    std::vector<Cidr> out;
    for (const auto& [first, last] : spans)
        for (const auto& c : range_cidrs(address_of(version, first), address_of(version, last)))
            out.push_back(c);
    return out;
}

} // namespace

std::vector<Cidr> range_cidrs(const Address& first, const Address& last)
{
    const int version = first.version;
    const int bits = bits_of(version);
    std::vector<Cidr> out;
    u128 at = value_of(first), end = value_of(last);
    while (at <= end) {
        // The largest block that starts at `at` (aligned) and ends by `end`.
        int host = 0;
        while (host < bits && !(at & (static_cast<u128>(1) << host)))
            ++host;
        while (host > 0 && at + host_mask(version, bits - host) > end)
            --host;
        out.push_back({address_of(version, at), bits - host});
        u128 block_end = at + host_mask(version, bits - host);
        if (block_end >= end)
            break;
        at = block_end + 1;
    }
    return out;
}

std::vector<Cidr> cidr_merge(const std::vector<Cidr>& cidrs)
{
    if (cidrs.empty())
        return {};
    return cidrs_of(cidrs.front().network.version, joined(cidrs));
}

std::vector<Cidr> cidr_exclude(const std::vector<Cidr>& from, const std::vector<Cidr>& taken)
{
    if (from.empty())
        return {};
    const int version = from.front().network.version;
    std::vector<Span> left = joined(from);
    std::vector<Cidr> same;
    for (const auto& t : taken)
        if (t.network.version == version)
            same.push_back(t);
    for (const auto& [cut_first, cut_last] : joined(same)) {
        std::vector<Span> next;
        for (const auto& [first, last] : left) {
            if (cut_last < first || last < cut_first) {
                next.emplace_back(first, last);
                continue;
            }
            if (first < cut_first)
                next.emplace_back(first, cut_first - 1);
            if (cut_last < last)
                next.emplace_back(cut_last + 1, last);
        }
        left = std::move(next);
    }
    return cidrs_of(version, left);
}

std::optional<Address> eui64(const Cidr& prefix, std::string_view mac)
{
    auto text = parse_mac(mac);
    if (!text || prefix.network.version != 6)
        return std::nullopt;
    unsigned bytes[6];
    for (int i = 0; i < 6; ++i)
        bytes[i] = static_cast<unsigned>(std::stoul(text->substr(static_cast<std::size_t>(i) * 3, 2), nullptr, 16));
    std::uint64_t id = 0;
    for (unsigned b : {bytes[0] ^ 0x02u, bytes[1], bytes[2], 0xffu, 0xfeu, bytes[3], bytes[4], bytes[5]})
        id = (id << 8) | b;
    return Address{6, prefix.network.high, id};
}

std::optional<std::string> parse_mac(std::string_view text)
{
    if (text.size() != 17)
        return std::nullopt;
    std::string out;
    char separator = text[2];
    if (separator != ':' && separator != '-')
        return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (i % 3 == 2) {
            if (c != separator)
                return std::nullopt;
            out.push_back(':');
        } else if (std::isxdigit(static_cast<unsigned char>(c))) {
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        } else {
            return std::nullopt;
        }
    }
    return out;
}

} // namespace jumpgate::network
