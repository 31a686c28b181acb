// SPDX-License-Identifier: Apache-2.0
// Tokens: stateless, authenticated and encrypted (AES-256-GCM), sealed with a rotating key repository.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jumpgate::api::identity {

/* TokenPayload: everything a token carries, so that validating it needs no shared state. */
struct TokenPayload {
    std::string user_id;
    std::string project_id;         // empty unless project-scoped
    std::string domain_id;          // empty unless domain-scoped
    bool system = false;            // scoped to the whole system (Keystone's system scope "all")
    std::vector<std::string> roles; // role names in the scope
    std::vector<std::string> methods;
    std::int64_t issued_at = 0; // seconds since the epoch
    std::int64_t expires_at = 0;
    std::string audit_id;
    // A rescoped token's: the audit ids of the tokens it was rescoped from, the nearest first.
    std::vector<std::string> parent_audit_ids;
    std::string application_credential_id;
    std::string trust_id;    // a trust's token (OS-TRUST): its roles are the trust's
    std::string credentials; // the user's backend credentials (identity::User::credentials)

    bool operator==(const TokenPayload&) const = default;
};

/* TextHash: a hash of token texts that looks a std::string_view up without copying it. */
struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

/*
 * KeyRepository: a directory of key files named 0, 1, 2...: the highest is the
 * primary key (tokens are sealed with it), 0 is staged (the next primary), the
 * others still open tokens sealed before a rotation. Any host with the same
 * files opens the same tokens.
 */
class KeyRepository {
  public:
    /* kTokenMax: the longest token text open() reads; seal() may make a longer one, which no one opens. */
    static constexpr std::size_t kTokenMax = 4096;

    /* KeyRepository: read the keys of `dir`; throws std::runtime_error when it has none. */
    explicit KeyRepository(std::string dir);

    /* setup: create `dir` with a staged and a primary key when it has no keys. */
    static void setup(const std::string& dir);
    /* rotate: stage a new key, promote the staged one, keep at most `max_active` keys. */
    static void rotate(const std::string& dir, int max_active);

    /* seal: the token text of `payload`, encrypted and authenticated with the primary key. */
    std::string seal(const TokenPayload& payload) const;
    /* open: the payload of `token`, or nullopt when no key authenticates it (expiry is not checked). */
    std::optional<TokenPayload> open(std::string_view token) const;

    /*
     * reload_if_changed: re-read the keys when the directory changed (after a
     * rotation elsewhere), looking at most once a second: a rotation promotes
     * the staged key every worker already holds, so a late look loses nothing.
     */
    void reload_if_changed();

  private:
    void load();

    std::string dir_;
    std::vector<std::string> keys_; // raw 32-byte keys, primary first
    std::int64_t loaded_mtime_ = 0;
    std::int64_t next_check_ = 0; // CLOCK_MONOTONIC_COARSE seconds
    // Tokens this worker has opened, by text: a payload is a function of the text and the keys,
    // so a hit skips the decryption; emptied when the keys change, and when it fills.
    mutable std::unordered_map<std::string, TokenPayload, TextHash, std::equal_to<>> opened_;
};

/* new_audit_id: 16 random bytes, URL-safe base64, as Keystone's audit ids. */
std::string new_audit_id();

} // namespace jumpgate::api::identity
