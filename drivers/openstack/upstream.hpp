// SPDX-License-Identifier: Apache-2.0
// The upstream OpenStack as a worker knows it: where its services are, and the tokens it gave each user.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <jumpgate/driver/revocations.hpp>
#include <jumpgate/version.hpp>

#include "http.hpp"

namespace jumpgate::openstack {

using json = nlohmann::json;

/* Settings: the upstream and how it is called ([openstack] in jumpgate.conf). */
struct Settings {
    std::string auth_url;             // the upstream's identity endpoint ("http://host:5000/v3")
    std::string region;               // the catalog's region to use; empty: any
    std::string interface = "public"; // the catalog's interface to use
    Limits limits;
    std::int64_t recheck_seconds = 30; // how long a worker trusts what it learnt of an upstream token
};

/*
 * service_root: the URL below which a service's versions live, from an endpoint URL of
 * the catalog: everything before its first path segment that names a version ("v2.1",
 * "v3"), without a trailing slash. "http://h:8776/v3/abc" -> "http://h:8776",
 * "http://h/compute/v2.1" -> "http://h/compute", "http://h:9292" -> "http://h:9292".
 */
std::string service_root(std::string_view url);

/*
 * rewrite_urls: `text` with every URL below one of the `roots` (upstream root -> the root
 * a client of Jumpgate uses) moved below its replacement. A root matches whole: followed by
 * the end, "/", "?", "#", a quote or a backslash, never by more of a host name or path.
 */
std::string rewrite_urls(std::string text, const std::vector<std::pair<std::string, std::string>>& roots);

/*
 * max_microversion: the highest microversion a service's version document names: Nova's
 * {"version": {"version": "2.90"}} below its version root, Cinder's {"versions": [{"version":
 * "3.70"}]}; nullopt when it names none.
 */
std::optional<ApiVersion> max_microversion(const json& doc);

/* Scoped: an upstream token scoped to a project and the token's view (user, project, roles, catalog). */
struct Scoped {
    std::string token;
    json body; // the "token" object
};

/*
 * Upstream: one per worker, shared by the services configured with the driver. It
 * authenticates users against the upstream's Keystone v3, keeps the project-scoped
 * tokens it got for them (the calls made for a user use the token of the request's
 * project) and what it learnt of their validity, until the generation moves: every
 * recheck_seconds, on a revocation, and on any change of the upstream's identity
 * made through Jumpgate.
 */
class Upstream {
  public:
    Upstream(Settings settings, std::string state_dir);

    const Settings& settings() const { return settings_; }
    const Http& http() const { return http_; }

    /*
     * call: a JSON call to the upstream's identity (`path` below its root, "/v3/auth/tokens")
     * with `token` (may be empty), `body` (null: none) and X-Subject-Token `subject` (empty:
     * none). Returns the answer with its body read; throws ServiceUnavailable for a 5xx.
     */
    struct Reply {
        int status = 0;
        json body;
        std::string subject_token; // X-Subject-Token, for a token issued
    };
    Reply identity_call(const std::string& method, const std::string& path, const std::string& token, const json& body,
                        const std::string& request_id, const std::string& subject = {}) const;

    /* identity_root: the upstream identity's root (auth_url without its version). */
    const std::string& identity_root() const { return identity_root_; }

    /*
     * scoped: the upstream token of `credentials` (the user's token) scoped to the project
     * of `ref` (an object of a Keystone scope: {"id": ...} or {"name": ..., "domain": ...}),
     * from the cache or got by rescoping. Throws NotFound when the upstream refuses the scope.
     */
    Scoped scoped(const std::string& credentials, const json& project_ref, const std::string& request_id) const;
    /* scoped: the same, by project id. */
    Scoped scoped(const std::string& credentials, const std::string& project_id, const std::string& request_id) const;

    /*
     * token_view: the upstream's view of token `credentials` (its "token" object), or nullopt
     * when it is no longer valid there (expired, revoked); remembered until the generation moves.
     */
    std::optional<json> token_view(const std::string& credentials, const std::string& request_id) const;

    /* forget: drop what the worker knows of `credentials` (its token was revoked). */
    void forget(const std::string& credentials) const;

    /*
     * root: the upstream's root URL of Jumpgate's service `service` ("compute", "volume"),
     * from the catalogs of the tokens seen by any worker (kept in the state directory, so
     * that a client's version discovery before it authenticated finds it too); empty when
     * none has listed it yet.
     */
    std::string root(std::string_view service) const;

    /*
     * max_version: the highest microversion the upstream's `service` serves below `prefix`
     * ("/v2.1"), from its version document, asked again after ten minutes; nullopt when it
     * names none or cannot be asked (the request forwarded then meets what the upstream says).
     */
    std::optional<ApiVersion> max_version(std::string_view service, std::string_view prefix,
                                          const std::string& request_id) const;

    /* revocations: the revocations of Jumpgate's tokens, shared by the workers. */
    identity::Revocations& revocations() const { return *revocations_; }
    /* identity_changed: record that a change of the upstream's identity went through Jumpgate. */
    void identity_changed() const;
    /* generation: moves every recheck_seconds, with every revocation and identity change. */
    std::int64_t generation() const;

  private:
    void learn_catalog(const json& token) const;
    /* load_roots: the roots another worker learnt (or this one before a restart). */
    void load_roots() const;
    void prune() const;

    Settings settings_;
    Http http_;
    std::string identity_root_;
    std::string changes_path_;
    std::string roots_path_;
    std::shared_ptr<identity::Revocations> revocations_;

    mutable std::mutex mutex_;
    struct Entry {
        std::int64_t generation = 0;
        std::optional<json> view; // token_view's answer
    };
    mutable std::map<std::string, Entry, std::less<>> views_; // credentials -> its view
    struct ScopedEntry {
        std::int64_t generation = 0;
        Scoped scoped;
    };
    mutable std::map<std::string, ScopedEntry, std::less<>> scoped_; // credentials + " " + project id
    mutable std::map<std::string, std::string, std::less<>> roots_;  // Jumpgate's service -> upstream root
    struct Known {
        std::int64_t at = 0;
        std::optional<ApiVersion> version;
    };
    mutable std::map<std::string, Known, std::less<>> max_versions_; // upstream version root -> its maximum
};

} // namespace jumpgate::openstack
