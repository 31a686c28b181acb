// SPDX-License-Identifier: Apache-2.0
// Request: one HTTP request as handlers see it, independent of FastCGI.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <jumpgate/version.hpp>

namespace jumpgate {

using json = nlohmann::json;

class Dispatcher;

/* BodySource: the request body as a stream; the FastCGI layer reads FCGX_Stream. */
class BodySource {
  public:
    virtual ~BodySource() = default;
    /* read: up to `size` bytes into `buffer`; returns 0 at the end of the body. */
    virtual std::size_t read(char* buffer, std::size_t size) = 0;
};

/* Context: who is calling, filled by the authentication hook. */
struct Context {
    std::string user_id;
    std::string user_name;
    std::string user_domain_id;
    std::string project_id;
    std::string project_name;
    std::string project_domain_id;
    std::string domain_id; // set for domain-scoped tokens
    std::vector<std::string> roles;
    std::string auth_token;
    /*
     * credentials: what the identity driver sealed into the token for this user at
     * authentication (a backend cloud's API key, an upstream token), for the
     * drivers to act as the user; never logged, and gone with the token.
     */
    std::string credentials;
    std::string request_id; // the request's id, which drivers record and log
    bool authenticated = false;

    bool has_role(std::string_view role) const;
    bool is_admin() const { return has_role("admin"); }
};

using Pairs = std::vector<std::pair<std::string, std::string>>;

class Request {
  public:
    /*
     * Request: `env` holds the CGI/FastCGI parameters (REQUEST_METHOD, HTTP_*),
     * `query` the decoded query string and form fields, `body` the stream (may be
     * null when there is none), `max_body` the cap on any body and `max_json` the
     * cap on what json_body() and read_body() hold in memory.
     */
    Request(Pairs env, Pairs query, std::unique_ptr<BodySource> body, std::size_t max_body, std::size_t max_json);
    ~Request();
    Request(Request&&) noexcept;

    const std::string& method() const { return method_; }
    /* path: the path as received (still percent-encoded), without the query string. */
    const std::string& path() const { return path_; }
    /* env: a CGI parameter by name (REQUEST_URI, SERVER_PORT...), or "". */
    std::string_view env(std::string_view name) const;
    /* header: an HTTP header by its usual name ("X-Auth-Token"), or "". */
    std::string_view header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    /*
     * headers_with_prefix: every header whose name starts with `prefix`
     * ("X-Image-Meta-"), as (the rest of the name lower-cased with dashes, value);
     * a server's CGI names cannot tell "-" from "_", so neither can this.
     */
    Pairs headers_with_prefix(std::string_view prefix) const;

    /* query: the first value of a query parameter, or "" when absent. */
    std::string_view query(std::string_view name) const;
    bool has_query(std::string_view name) const;
    /* query_all: every value of a repeated parameter, in order. */
    std::vector<std::string> query_all(std::string_view name) const;
    const Pairs& query_pairs() const { return query_; }

    /* param: a path variable of the matched template ("server_id"); throws std::out_of_range. */
    const std::string& param(std::string_view name) const;
    bool has_param(std::string_view name) const;
    const Pairs& params() const { return params_; }

    /* content_length: the declared body length, or -1 when none was declared. */
    long long content_length() const { return content_length_; }
    std::string_view content_type() const { return header("Content-Type"); }

    /*
     * json: the body parsed as JSON, read once and cached. Throws BadRequest for a
     * missing or malformed body, UnsupportedMediaType when Content-Type names a
     * type that is not JSON, PayloadTooLarge past the cap.
     */
    const json& json_body() const;
    /* read_body: the whole body as bytes, capped by max_json; for small non-JSON bodies. */
    std::string read_body() const;
    /* body: the raw stream, for handlers that stream uploads; null when there is no body. */
    BodySource* body() const { return body_.get(); }
    std::size_t max_body() const { return max_body_; }

    /* scheme, host: what the client used, honouring X-Forwarded-Proto/-Host; worked out once. */
    const std::string& scheme() const;
    const std::string& host() const;

    const std::string& id() const { return id_; }
    Context& context() { return context_; }
    const Context& context() const { return context_; }
    const ApiVersion& version() const { return version_; }

    /* endpoint: the name of the matched catalogue entry ("v2_servers"). */
    const std::string& endpoint() const { return endpoint_; }
    /* mount: the prefix the request came in under ("/compute"); empty on a service's own port. */
    const std::string& mount() const { return mount_; }
    /* alias: the path prefix the service's path alias put in place of its catalogue's (empty: none). */
    const std::string& alias() const { return alias_to_; }
    /* dispatcher: the service that matched; null before routing. */
    const Dispatcher* dispatcher() const { return dispatcher_; }

  private:
    friend class Dispatcher;
    friend class App;

    std::string find_host() const;

    Pairs env_;
    Pairs query_;
    Pairs params_;
    std::unique_ptr<BodySource> body_;
    std::size_t max_body_;
    std::size_t max_json_;
    mutable bool body_consumed_ = false;
    std::string method_;
    std::string path_;
    long long content_length_ = -1;
    std::string id_;
    Context context_;
    ApiVersion version_;
    std::string endpoint_;
    std::string mount_;      // prefix the request came in under
    std::string alias_from_; // catalogue prefix rewritten by a path alias
    std::string alias_to_;
    const Dispatcher* dispatcher_ = nullptr;
    mutable std::unique_ptr<json> json_;
    // Every link of a view asks for them: the parameters are scanned once per request.
    mutable std::string scheme_;
    mutable std::string host_;
};

/* new_request_id: "req-" followed by a random UUID. */
std::string new_request_id();
/* new_uuid: a random (version 4) UUID in its canonical text form. */
std::string new_uuid();
/*
 * uuid_like: whether `text` reads as a UUID as OpenStack's is_uuid_like takes one: 32 hex
 * digits, dashes anywhere, braces around.
 */
bool uuid_like(std::string_view text);

} // namespace jumpgate
