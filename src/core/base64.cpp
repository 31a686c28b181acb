// SPDX-License-Identifier: Apache-2.0
// Base 64 through OpenSSL's encoder, for the services and the drivers.
#include <jumpgate/base64.hpp>

#include <openssl/evp.h>

namespace jumpgate {

std::string base64(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<std::string> unbase64(std::string_view text)
{
    if (text.size() % 4)
        return std::nullopt;
    std::string out(text.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0)
        return std::nullopt;
    // EVP_DecodeBlock counts the padding as bytes decoded.
    std::size_t padding = text.empty() ? 0 : text.size() - text.find_last_not_of('=') - 1;
    if (padding > 2)
        return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

} // namespace jumpgate
