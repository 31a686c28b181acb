// SPDX-License-Identifier: Apache-2.0
// Requests the typed interfaces do not serve go to the upstream as they came, and its answers come back.
#include <algorithm>
#include <set>

#include <jumpgate/fault.hpp>
#include <jumpgate/log.hpp>

#include "openstack.hpp"

namespace jumpgate::openstack {

namespace {

// A JSON answer is read whole to have its URLs rewritten; one larger than this is refused.
constexpr std::size_t kJsonMax = 64 << 20;

// The client's headers that are not the upstream's business: the connection's own, those Jumpgate
// answers itself, X-Forwarded-*, with which the upstream would write URLs for the client's host, and
// Accept-Encoding: a compressed JSON answer could not have its URLs rewritten.
const std::set<std::string, std::less<>> kRequestHeadersKept = {"host",
                                                                "connection",
                                                                "keep-alive",
                                                                "transfer-encoding",
                                                                "te",
                                                                "upgrade",
                                                                "proxy-connection",
                                                                "expect",
                                                                "content-length",
                                                                "x-auth-token",
                                                                "x-subject-token",
                                                                "x-forwarded-for",
                                                                "x-forwarded-host",
                                                                "x-forwarded-proto",
                                                                "x-forwarded-port",
                                                                "forwarded",
                                                                "x-openstack-request-id",
                                                                "accept-encoding"};

// The upstream's headers Jumpgate writes itself: the connection's, the body's, and the request ids.
const std::set<std::string, std::less<>> kResponseHeadersKept = {
    "connection",           "keep-alive",   "transfer-encoding",
    "content-length",       "content-type", "x-openstack-request-id",
    "x-compute-request-id", "date",         "server"};

// Headers whose value is a URL, or holds one.
const std::set<std::string, std::less<>> kUrlHeaders = {"location", "content-location", "www-authenticate", "link"};

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/* roots: each mounted service's upstream root and the root the client of `req` uses for it. */
std::vector<std::pair<std::string, std::string>> roots(const App& app, const Upstream& up, const Request& req)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (std::string_view service : kServices)
        if (const Dispatcher* d = app.dispatcher(service))
            if (std::string root = up.root(service); !root.empty())
                out.emplace_back(std::move(root), d->base_url(req));
    return out;
}

/* token_for: the upstream token to send for the caller of `req`: their project's, or their own unscoped one. */
std::string token_for(const Upstream& up, const Request& req)
{
    const Context& ctx = req.context();
    if (!ctx.authenticated || ctx.credentials.empty())
        return "";
    if (ctx.project_id.empty())
        return ctx.credentials;
    return up.scoped(ctx.credentials, ctx.project_id, req.id()).token;
}

bool is_version_header(const Microversions& mv, std::string_view name)
{
    std::string key = lower(name);
    return key == "openstack-api-version" || (mv.legacy_header && key == lower(mv.legacy_header));
}

/*
 * asked_version: the microversion to send the upstream for `req` (whose path below the mount is
 * `path`): none when the client named none (the upstream's default is its minimum, as the front's),
 * nor when it asked for "latest" and the upstream's maximum is not known (the header goes as it
 * came); else the one the client asked for, at most the upstream's maximum ("latest": that maximum).
 */
std::optional<ApiVersion> asked_version(const Upstream& up, const Microversions& mv, const Request& req,
                                        std::string_view path)
{
    if (!path.starts_with(mv.prefix) || req.version().is_null())
        return std::nullopt;
    // The header names each service's version ("compute 2.60, volume latest"); a legacy header, ours only.
    std::string named = mv.legacy_header ? lower(req.header(mv.legacy_header)) : "";
    std::string header = lower(req.header("OpenStack-API-Version"));
    std::string type = lower(mv.service_type) + " ";
    for (std::size_t at = header.find(type); at != std::string::npos; at = header.find(type, at + 1))
        if (at == 0 || header[at - 1] == ' ' || header[at - 1] == ',') {
            auto end = header.find(',', at);
            named = header.substr(at + type.size(), end == std::string::npos ? end : end - at - type.size());
        }
    if (named.empty() && header.empty())
        return std::nullopt;
    auto most = up.max_version(req.dispatcher()->service(), mv.prefix, req.id());
    if (named.find("latest") != std::string::npos)
        return most;
    return most && *most < req.version() ? most : std::optional<ApiVersion>(req.version());
}

} // namespace

void forward(const App& app, const Upstream& up, std::string_view service, const Request& req, Response& resp)
{
    for (const auto& [name, value] : req.params())
        if (dot_segment(value))
            throw NotFound("The resource could not be found.");
    std::string token = token_for(up, req);
    std::string root = up.root(service);
    if (root.empty()) {
        log::error(req.id() + " openstack: no upstream " + std::string(service) +
                   " is known yet: none of the upstream's catalogs seen listed it");
        throw ServiceUnavailable("The upstream's " + std::string(service) +
                                 " service is not known yet: authenticate with a project first.");
    }
    std::string_view path = req.path();
    path.remove_prefix(std::min(path.size(), req.mount().size()));
    Call call{.method = req.method(), .url = root + std::string(path.empty() ? "/" : path)};
    if (std::string_view query = req.env("QUERY_STRING"); !query.empty())
        call.url += "?" + std::string(query);
    const Microversions* mv = req.dispatcher()->spec().microversions;
    std::optional<ApiVersion> version = mv ? asked_version(up, *mv, req, path) : std::nullopt;
    for (auto& [name, value] : req.headers_with_prefix(""))
        if (!kRequestHeadersKept.count(name) && !(version && is_version_header(*mv, name)))
            call.headers.emplace_back(name, value);
    if (version) {
        call.headers.emplace_back("OpenStack-API-Version", std::string(mv->service_type) + " " + version->str());
        if (mv->legacy_header)
            call.headers.emplace_back(mv->legacy_header, version->str());
    }
    if (!req.content_type().empty())
        call.headers.emplace_back("Content-Type", std::string(req.content_type()));
    if (!token.empty())
        call.headers.emplace_back("X-Auth-Token", token);
    call.headers.emplace_back("X-OpenStack-Request-ID", req.id());
    if (req.body()) {
        call.body = req.body();
        call.body_length = req.content_length();
    }

    auto answer = up.http().open(call, req.id());
    auto url_roots = roots(app, up, req);
    resp.status = answer->status();
    // The upstream's headers replace those the dispatcher wrote (the microversion it negotiated, Vary).
    for (const auto& [name, value] : answer->headers())
        if (!kResponseHeadersKept.count(lower(name)))
            resp.remove_header(name);
    for (const auto& [name, value] : answer->headers()) {
        std::string key = lower(name);
        if (kResponseHeadersKept.count(key))
            continue;
        resp.add_header(name, kUrlHeaders.count(key) ? rewrite_urls(value, url_roots) : value);
    }
    // The answer is the upstream's, and so is what it recorded under its request id (Nova's instance actions,
    // every line of its logs): the client gets that id, and Jumpgate's log ties it to Jumpgate's own.
    if (const std::string* upstream_id = answer->header("X-Openstack-Request-Id")) {
        resp.set_header("X-Openstack-Request-Id", *upstream_id);
        if (resp.header("X-Compute-Request-Id"))
            resp.set_header("X-Compute-Request-Id", *upstream_id);
        log::info(req.id() + " " + req.method() + " " + std::string(service) + ": upstream " + *upstream_id + " " +
                  std::to_string(resp.status));
    }
    if (service == "identity" && req.method() != "GET" && req.method() != "HEAD" && resp.status < 400)
        up.identity_changed();

    std::string type = answer->header("Content-Type") ? *answer->header("Content-Type") : "";
    if (req.method() == "HEAD" || resp.status == 204 || resp.status == 304) {
        if (const std::string* length = answer->header("Content-Length"); length && req.method() == "HEAD")
            resp.set_header("Content-Length", *length);
        if (!type.empty())
            resp.set_header("Content-Type", type);
        resp.clear_body();
    } else if (lower(type).find("json") != std::string::npos) {
        resp.bytes(rewrite_urls(answer->text(kJsonMax), url_roots), type);
    } else {
        long long length = answer->content_length();
        resp.stream(std::move(answer), type, length);
    }
}

void pass_through(App& app, Dispatcher& disp, std::shared_ptr<const Upstream> upstream,
                  const std::function<bool(std::string_view endpoint)>& keep)
{
    std::string service = disp.service();
    // A version past the front's own maximum is the upstream's to serve or refuse: forward() caps it at the
    // upstream's.
    disp.set_versions_unbounded();
    for (const Endpoint& e : disp.spec().endpoints) {
        if (keep(e.name))
            continue;
        std::string_view methods = e.methods;
        std::string_view gone = e.gone ? e.gone : "";
        while (!methods.empty()) {
            auto space = methods.find(' ');
            std::string_view verb = methods.substr(0, space);
            methods.remove_prefix(space == std::string_view::npos ? methods.size() : space + 1);
            if (verb.empty() || gone.find(verb) != std::string_view::npos)
                continue;
            disp.set_forwarded(e.name, verb, [&app, upstream, service](const Request& req, Response& resp) {
                forward(app, *upstream, service, req, resp);
            });
        }
    }
}

} // namespace jumpgate::openstack
