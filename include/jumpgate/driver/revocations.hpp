// SPDX-License-Identifier: Apache-2.0
// Revocations: the token revocations an identity driver without a database of its own shares between workers.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>

namespace jumpgate::identity {

/*
 * Revocations: the revoked tokens' audit ids, in a file of the state directory that
 * every worker appends to and reads again when it changed, so that a revocation on
 * one worker holds on all of them. For drivers whose cloud cannot revoke a token of
 * Jumpgate's itself (a cloud's API keys, an upstream's tokens behind Jumpgate's).
 */
class Revocations {
  public:
    explicit Revocations(std::string path);
    /* add: record that tokens with `audit_id` are revoked until `expires_at`; throws std::runtime_error. */
    void add(const std::string& audit_id, std::int64_t expires_at);
    /* has: whether tokens with `audit_id` are revoked. */
    bool has(const std::string& audit_id) const;
    /* generation: a number that moves with every revocation. */
    std::int64_t generation() const;

  private:
    void reload() const;
    std::string path_;
    mutable std::mutex mutex_;
    mutable std::set<std::string> revoked_;
    mutable std::int64_t loaded_ = -1; // the generation read
};

} // namespace jumpgate::identity
