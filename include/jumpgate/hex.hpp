// SPDX-License-Identifier: Apache-2.0
// Bytes as lower-case hex: how OpenStack writes ids, digests, checksums and fingerprints.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace jumpgate {

/* hex: `bytes` as lower-case hex, two digits a byte, with `separator` between bytes when it is not '\0'. */
inline std::string hex(std::span<const unsigned char> bytes, char separator = '\0')
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * (separator ? 3 : 2));
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (separator && i)
            out.push_back(separator);
        out.push_back(kDigits[bytes[i] >> 4]);
        out.push_back(kDigits[bytes[i] & 15]);
    }
    return out;
}

} // namespace jumpgate
