// SPDX-License-Identifier: Apache-2.0
// Password hashes: PBKDF2-HMAC-SHA512 at OWASP's recommended work factor, with a random salt.
#pragma once

#include <string>

namespace jumpgate::local {

/* password_hash: "$pbkdf2-sha512$ITERATIONS$SALT$HASH" of `password`. */
std::string password_hash(const std::string& password);

/* password_verify: whether `password` matches `stored`; constant-time in the comparison. */
bool password_verify(const std::string& password, const std::string& stored);

/* password_burn: the cost of a verification, for a user who does not exist (no timing oracle). */
void password_burn(const std::string& password);

} // namespace jumpgate::local
