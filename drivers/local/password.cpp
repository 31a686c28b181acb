// SPDX-License-Identifier: Apache-2.0
// Password hashes: PBKDF2-HMAC-SHA512 at OWASP's recommended work factor, with a random salt.
#include "password.hpp"

#include <sstream>
#include <stdexcept>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <jumpgate/hex.hpp>

namespace jumpgate::local {

namespace {

constexpr int kIterations = 210000;
constexpr int kHashSize = 64;

std::vector<unsigned char> derive(const std::string& password, const std::string& salt, int iterations)
{
    std::vector<unsigned char> out(kHashSize);
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                          iterations, EVP_sha512(), kHashSize, out.data()) != 1)
        throw std::runtime_error("PBKDF2 failed");
    return out;
}

} // namespace

std::string password_hash(const std::string& password)
{
    unsigned char salt[16];
    if (RAND_bytes(salt, sizeof salt) != 1)
        throw std::runtime_error("RAND_bytes failed");
    std::string salt_hex = hex(salt);
    auto h = derive(password, salt_hex, kIterations);
    return "$pbkdf2-sha512$" + std::to_string(kIterations) + "$" + salt_hex + "$" + hex(h);
}

bool password_verify(const std::string& password, const std::string& stored)
{
    std::istringstream in(stored);
    std::string empty, scheme, iterations, salt, hash;
    std::getline(in, empty, '$');
    std::getline(in, scheme, '$');
    std::getline(in, iterations, '$');
    std::getline(in, salt, '$');
    std::getline(in, hash, '$');
    if (scheme != "pbkdf2-sha512" || iterations.empty() || hash.size() != 2 * kHashSize)
        return false;
    auto h = derive(password, salt, std::stoi(iterations));
    std::string computed = hex(h);
    return CRYPTO_memcmp(computed.data(), hash.data(), hash.size()) == 0;
}

void password_burn(const std::string& password)
{
    derive(password, "00000000000000000000000000000000", kIterations);
}

} // namespace jumpgate::local
