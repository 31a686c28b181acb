// SPDX-License-Identifier: Apache-2.0
// Dispatcher: one per service; holds the named-endpoint catalogue and routes to handlers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <jumpgate/config.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/request.hpp>
#include <jumpgate/response.hpp>
#include <jumpgate/version.hpp>

namespace jumpgate {

/*
 * Endpoint: one catalogue entry; `methods` lists the verbs the real API defines ("GET POST"),
 * `gone` those of them that the real service removed and answers 410 to, whatever the driver.
 */
struct Endpoint {
    const char* name;
    const char* path;
    const char* methods;
    const char* gone = nullptr;
};

/* PathAlias: the catalogue's paths under `from` are also served under `to` ("/v2/{tenant_id}" -> "/v2.1"). */
struct PathAlias {
    const char* from;
    const char* to;
};

/* FaultStyle: the error envelope a service writes. */
enum class FaultStyle { nova, keystone, neutron, glance };

/* Microversions: how a service negotiates OpenStack-API-Version on paths under `prefix`. */
struct Microversions {
    const char* service_type;  // "compute", "volume": the token in OpenStack-API-Version
    const char* legacy_header; // "X-OpenStack-Nova-API-Version", or nullptr
    const char* prefix;        // "/v2.1": requests below it are versioned
    ApiVersion min;
    ApiVersion max;
};

class Dispatcher;

/* ServiceSpec: what the core knows about a service, as static data (src/api/<service>/routes.cpp). */
struct ServiceSpec {
    const char* name;          // "compute"
    const char* default_mount; // "/compute"
    FaultStyle faults;
    std::span<const Endpoint> endpoints;
    std::span<const PathAlias> aliases;
    const Microversions* microversions; // nullptr when the service has none
    const char* request_id_header;      // extra request-id header ("X-Compute-Request-Id") or nullptr
    /* versions: the service's version list for the root index; called per request. */
    json (*versions)(const Request& req, const Dispatcher& disp);
    /* exact_paths: a trailing slash finds nothing below a version root: 404 for "/v2/images/" or ".../volumes/", as
     * Glance and Cinder route. */
    bool exact_paths = false;
};

/* Handler: serves one verb of one endpoint. It reads the request, calls the driver, writes the view. */
using Handler = std::function<void(const Request&, Response&)>;
/* Hook: runs before or after handlers; a before hook may throw a Fault to answer early. */
using Hook = std::function<void(Request&, Response&)>;

/* Resource: the handlers of one endpoint, one slot per verb; an empty slot is not implemented. */
struct Resource {
    Handler get;
    Handler head;
    Handler post;
    Handler put;
    Handler patch;
    Handler del;
};

/*
 * origin_of: what the URLs a view makes depend on: the scheme, host and port the client used,
 * and whether it came to the service's own port.
 */
std::string origin_of(const Request& req);

/*
 * remembered: `handler` for answers that are a status and a JSON body and depend only on the
 * URL the client used (origin, path, query), the microversion and `key(req)`: a worker keeps
 * each answer and gives it again, while `generation()` stays where it was. A nullopt
 * generation has every answer made anew, and so has one that is not JSON; faults pass through.
 */
Handler remembered(Handler handler, std::function<std::string(const Request&)> key = {},
                   std::function<std::optional<std::int64_t>()> generation = {});
/* by_origin: remembered() for the document `view` makes (version documents, the index). */
Handler by_origin(std::function<nlohmann::json(const Request&)> view, int status = 200);

/* Support: how a verb of an endpoint is answered: served, 501, or 410 as the real service does. */
enum class Support {
    yes,
    no,
    gone,
    passed_through // sent on to another cloud as it came: answered as that cloud answers it, 501 included
};

/* CoverageRow: one verb of one endpoint (or one action of an action endpoint) and how it is answered. */
struct CoverageRow {
    std::string endpoint;
    std::string method;
    std::string path;   // with the mount prefix
    std::string action; // the body's key for an action ("reboot"), else empty
    Support support;
    std::vector<std::string> lacking; // for No: the driver operations it would need
    std::vector<std::string> aliases; // the other paths it answers under (the spec's PathAliases)
};

class Dispatcher {
  public:
    Dispatcher(const ServiceSpec& spec, std::string mount);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    const ServiceSpec& spec() const { return spec_; }
    const char* service() const { return spec_.name; }
    const std::string& mount() const { return mount_; }
    /* config: the configuration the App mounted this service with; nullptr for a bare dispatcher (tests). */
    const Config* config() const { return config_; }
    /* set_config: called by the App before the driver's setup_routes(); `config` outlives the dispatcher. */
    void set_config(const Config* config) { config_ = config; }

    /*
     * set_handler: attach `resource` to the endpoint called `name`, replacing any
     * earlier handlers of the verbs it fills. Throws std::invalid_argument for a
     * name the catalogue does not have.
     */
    void set_handler(std::string_view name, Resource resource);
    /* set_handler: attach `handler` to verb `verb` of endpoint `name`. */
    void set_handler(std::string_view name, std::string_view verb, Handler handler);
    /*
     * set_forwarded: attach `handler`, which sends the request on to another cloud as it came, to
     * verb `verb` of endpoint `name`: --coverage says "Passed through", not Yes, since what answers
     * is that cloud. A handler attached later by set_handler takes its place.
     */
    void set_forwarded(std::string_view name, std::string_view verb, Handler handler);
    /*
     * set_action: serve the POST to endpoint `name` whose body is {"<action>": ...}
     * with `handler`. An action endpoint answers 400 for a body with no action or
     * one it has never heard of, and 501 for one set_unserved() named.
     */
    void set_action(std::string_view name, std::string_view action, Handler handler);
    /*
     * set_unserved: record that verb `verb` of endpoint `name` (or its `action`,
     * when not empty) is served by the core for drivers that have the operations
     * `lacking`, which this one does not: --coverage shows them. A handler attached
     * later takes its place.
     */
    void set_unserved(std::string_view name, std::string_view verb, std::string_view action,
                      std::vector<std::string> lacking);
    /*
     * set_versions_unbounded: take any microversion at or above the service's minimum, past its
     * maximum too: for a driver that passes requests to another cloud, whose maximum is that cloud's
     * to say (and its own to bound the version it forwards).
     */
    void set_versions_unbounded() { versions_unbounded_ = true; }
    /* has_handler: whether `method` of endpoint `name` is served. */
    bool has_handler(std::string_view name, std::string_view method) const;
    /* wrap_handlers: replace every attached handler and action h by wrap(h) (the fuzzer's watch). */
    void wrap_handlers(const std::function<Handler(Handler)>& wrap);

    /*
     * endpoint_url: the absolute URL of endpoint `name` for the client of `req`,
     * with `{var}`s filled from `params` and `tenant_id` from the caller's project
     * when not given. Throws std::invalid_argument for an unknown name or a
     * missing variable.
     */
    std::string endpoint_url(const Request& req, std::string_view name,
                             const std::map<std::string, std::string>& params = {}) const;
    /* base_url: scheme, host and mount prefix of this service for `req`, without a slash at the end. */
    std::string base_url(const Request& req) const;

    /* unused_endpoints: catalogue names with no handler at all. */
    std::vector<std::string> unused_endpoints() const;
    /* coverage: every verb of every endpoint, in catalogue order. */
    std::vector<CoverageRow> coverage() const;

    void add_before_hook(Hook hook) { before_.push_back(std::move(hook)); }
    void add_after_hook(Hook hook) { after_.push_back(std::move(hook)); }

    /*
     * handle: serve `req` whose path below the mount is `path`. Runs `before`,
     * this service's before hooks, the handler, this service's after hooks and
     * `after`; every Fault or exception becomes this service's fault envelope.
     */
    void handle(Request& req, Response& resp, std::string_view path, std::span<const Hook> before,
                std::span<const Hook> after) const;

    /* write_fault: `fault` in this service's envelope. */
    void write_fault(const Request& req, Response& resp, const Fault& fault) const;

  private:
    struct Node;
    struct Entry;

    const Entry* match(std::string_view path, Request& req) const;
    /* index_of: where in entries_ the endpoint named `name` is; throws std::invalid_argument. */
    std::size_t index_of(std::string_view name) const;
    void negotiate_version(Request& req, Response& resp, std::string_view path) const;
    /* serve_action: the POST to an action endpoint, by the one key of its body. */
    void serve_action(const Entry& entry, const Request& req, Response& resp) const;
    void insert(const std::string& path, std::size_t entry, const PathAlias* alias);

    const ServiceSpec& spec_;
    std::string mount_;
    std::vector<Entry> entries_;
    std::unordered_map<std::string_view, std::size_t> by_name_; // endpoint name -> entries_
    std::unique_ptr<Node> root_;
    std::vector<Hook> before_;
    std::vector<Hook> after_;
    const Config* config_ = nullptr;
    bool versions_unbounded_ = false;
};

} // namespace jumpgate
