// SPDX-License-Identifier: Apache-2.0
// Dispatcher: the catalogue as a segment trie, method and version checks, hooks and faults.
#include <jumpgate/dispatcher.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>
#include <sstream>
#include <strings.h>
#include <unordered_map>

#include <jumpgate/log.hpp>

#include "api/common/validation.hpp"

namespace jumpgate {

namespace {

constexpr std::size_t kNoEntry = static_cast<std::size_t>(-1);
constexpr std::string_view kVerbs[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};

std::vector<std::string_view> split_path(std::string_view path)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i <= path.size()) {
        auto slash = path.find('/', i);
        if (slash == std::string_view::npos)
            slash = path.size();
        if (slash > i)
            out.push_back(path.substr(i, slash - i));
        i = slash + 1;
    }
    return out;
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < s.size() && (hi = hex_value(s[i + 1])) >= 0 && (lo = hex_value(s[i + 2])) >= 0) {
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::string percent_encode(std::string_view s)
{
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '@' || c == '=' ||
            c == '+' || c == ',') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

std::vector<std::string> split_verbs(const char* methods)
{
    std::vector<std::string> out;
    std::istringstream in(methods ? methods : "");
    for (std::string verb; in >> verb;)
        out.push_back(verb);
    return out;
}

const Handler& slot(const Resource& r, std::string_view method)
{
    static const Handler none;
    if (method == "GET")
        return r.get;
    if (method == "HEAD")
        return r.head;
    if (method == "POST")
        return r.post;
    if (method == "PUT")
        return r.put;
    if (method == "PATCH")
        return r.patch;
    if (method == "DELETE")
        return r.del;
    return none;
}

Handler& mutable_slot(Resource& r, std::string_view method)
{
    return const_cast<Handler&>(slot(r, method));
}

bool starts_with_segments(std::string_view path, std::string_view prefix)
{
    return path.substr(0, prefix.size()) == prefix && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

// `path` as `alias` serves it too, or nullopt when the alias does not cover it.
std::optional<std::string> aliased(std::string_view path, const PathAlias& alias)
{
    if (!starts_with_segments(path, alias.from))
        return std::nullopt;
    return std::string(alias.to) + std::string(path.substr(std::strlen(alias.from)));
}

const char* nova_fault_name(int status)
{
    switch (status) {
    case 400:
        return "badRequest";
    case 401:
        return "unauthorized";
    case 403:
        return "forbidden";
    case 404:
        return "itemNotFound";
    case 405:
        return "badMethod";
    case 406:
        return "notAcceptable";
    case 409:
        return "conflictingRequest";
    case 413:
        return "overLimit";
    case 415:
        return "badMediaType";
    case 429:
        return "overLimit";
    case 501:
        return "notImplemented";
    case 503:
        return "serviceUnavailable";
    default:
        return "computeFault";
    }
}

std::string neutron_fault_type(int status)
{
    std::string reason = status_reason(status);
    std::erase(reason, ' ');
    return "HTTP" + reason;
}

std::string html_escape(std::string_view s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out.push_back(c);
        }
    }
    return out;
}

} // namespace

struct Dispatcher::Node {
    struct Pattern {
        std::string prefix;
        std::string suffix;
        std::unique_ptr<Node> node;
    };
    std::unordered_map<std::string, std::unique_ptr<Node>> literal;
    std::vector<Pattern> patterns;
    std::size_t entry = kNoEntry;
    const PathAlias* alias = nullptr;
    // Names of the variables on the way here: templates of one shape may name them differently.
    std::vector<std::string> vars;
};

struct Dispatcher::Entry {
    const Endpoint* endpoint;
    std::vector<std::string> verbs;
    Resource resource;
    // The POST of an action endpoint, by the body's key.
    std::map<std::string, Handler, std::less<>> actions;
    // What set_unserved() recorded, by verb or by action, until a handler takes its place.
    std::map<std::string, std::vector<std::string>, std::less<>> unserved_verbs;
    std::map<std::string, std::vector<std::string>, std::less<>> unserved_actions;
    // The verbs set_forwarded() attached.
    std::set<std::string, std::less<>> forwarded;

    bool implements(std::string_view method) const
    {
        if (slot(resource, method))
            return true;
        if (method == "POST" && !actions.empty())
            return true;
        return method == "HEAD" && resource.get && std::find(verbs.begin(), verbs.end(), "HEAD") != verbs.end();
    }
    bool forwards(std::string_view method) const
    {
        return forwarded.count(method) ||
               (method == "HEAD" && !slot(resource, method) && forwarded.count(std::string_view("GET")));
    }
    bool has_any() const
    {
        return resource.get || resource.head || resource.post || resource.put || resource.patch || resource.del ||
               !actions.empty();
    }
    bool has_actions() const { return !actions.empty() || !unserved_actions.empty(); }
};

Dispatcher::Dispatcher(const ServiceSpec& spec, std::string mount)
    : spec_(spec), mount_(std::move(mount)), root_(std::make_unique<Node>())
{
    if (mount_ == "/")
        mount_.clear();
    while (!mount_.empty() && mount_.back() == '/')
        mount_.pop_back();
    entries_.reserve(spec_.endpoints.size());
    for (const auto& ep : spec_.endpoints) {
        by_name_.emplace(ep.name, entries_.size());
        entries_.push_back(Entry{&ep, split_verbs(ep.methods), {}, {}, {}, {}});
        for (const auto& verb : split_verbs(ep.gone))
            mutable_slot(entries_.back().resource, verb) = [service = spec_.name](const Request&, Response&) {
                throw Gone(std::string("This API is gone: the ") + service + " service removed it.");
            };
    }
    for (std::size_t i = 0; i < entries_.size(); ++i)
        insert(entries_[i].endpoint->path, i, nullptr);
    for (const auto& alias : spec_.aliases)
        for (std::size_t i = 0; i < entries_.size(); ++i)
            if (auto path = aliased(entries_[i].endpoint->path, alias))
                insert(*path, i, &alias);
}

Dispatcher::~Dispatcher() = default;

void Dispatcher::insert(const std::string& path, std::size_t entry, const PathAlias* alias)
{
    Node* node = root_.get();
    std::vector<std::string> vars;
    for (auto segment : split_path(path)) {
        auto open = segment.find('{');
        auto close = segment.rfind('}');
        if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
            auto& child = node->literal[std::string(segment)];
            if (!child)
                child = std::make_unique<Node>();
            node = child.get();
            continue;
        }
        std::string prefix(segment.substr(0, open));
        vars.emplace_back(segment.substr(open + 1, close - open - 1));
        std::string suffix(segment.substr(close + 1));
        auto it = std::find_if(node->patterns.begin(), node->patterns.end(),
                               [&](const auto& p) { return p.prefix == prefix && p.suffix == suffix; });
        if (it == node->patterns.end()) {
            node->patterns.push_back({prefix, suffix, std::make_unique<Node>()});
            // Longer fixed parts first, so "user={user_id}" is tried before "{target_id}".
            std::stable_sort(node->patterns.begin(), node->patterns.end(), [](const auto& a, const auto& b) {
                return a.prefix.size() + a.suffix.size() > b.prefix.size() + b.suffix.size();
            });
            it = std::find_if(node->patterns.begin(), node->patterns.end(),
                              [&](const auto& p) { return p.prefix == prefix && p.suffix == suffix; });
        }
        node = it->node.get();
    }
    if (node->entry != kNoEntry) {
        // An explicit entry wins over an alias; of two explicit entries of one shape
        // (the original's os-quota-sets/{target_id} and /{account_id}) the first is served.
        if (!alias)
            log::debug(std::string(spec_.name) + ": " + path + " is shadowed by an earlier entry");
        return;
    }
    node->entry = entry;
    node->alias = alias;
    node->vars = std::move(vars);
}

const Dispatcher::Entry* Dispatcher::match(std::string_view path, Request& req) const
{
    auto segments = split_path(path);
    std::vector<std::string> decoded;
    decoded.reserve(segments.size());
    for (auto s : segments)
        decoded.push_back(percent_decode(s));

    std::vector<std::string> values;
    const Node* found = nullptr;
    // Depth-first, literal segments before variables, backtracking on dead ends.
    auto walk = [&](auto& self, const Node* node, std::size_t i) -> bool {
        if (i == decoded.size()) {
            if (node->entry == kNoEntry)
                return false;
            found = node;
            return true;
        }
        const std::string& seg = decoded[i];
        if (auto it = node->literal.find(seg); it != node->literal.end())
            if (self(self, it->second.get(), i + 1))
                return true;
        for (const auto& p : node->patterns) {
            if (seg.size() <= p.prefix.size() + p.suffix.size() || seg.compare(0, p.prefix.size(), p.prefix) != 0 ||
                seg.compare(seg.size() - p.suffix.size(), p.suffix.size(), p.suffix) != 0)
                continue;
            values.push_back(seg.substr(p.prefix.size(), seg.size() - p.prefix.size() - p.suffix.size()));
            if (self(self, p.node.get(), i + 1))
                return true;
            values.pop_back();
        }
        return false;
    };
    if (!walk(walk, root_.get(), 0))
        return nullptr;
    req.params_.clear();
    for (std::size_t i = 0; i < values.size(); ++i)
        req.params_.emplace_back(found->vars[i], std::move(values[i]));
    if (found->alias) {
        req.alias_from_ = found->alias->from;
        req.alias_to_ = found->alias->to;
    } else {
        req.alias_from_.clear();
        req.alias_to_.clear();
    }
    return &entries_[found->entry];
}

std::string origin_of(const Request& req)
{
    return req.scheme() + "://" + req.host() + " " + std::string(req.env("JUMPGATE_SERVICE"));
}

Handler remembered(Handler handler, std::function<std::string(const Request&)> key,
                   std::function<std::optional<std::int64_t>()> generation)
{
    struct Kept {
        std::optional<std::int64_t> generation;
        std::unordered_map<std::string, std::pair<int, std::string>> answers; // status, body
    };
    // A client may send any Host or query: past this many the answers are made again.
    constexpr std::size_t kAnswersMax = 256;
    auto kept = std::make_shared<Kept>();
    return [handler = std::move(handler), key = std::move(key), generation = std::move(generation),
            kept](const Request& req, Response& resp) {
        if (generation) {
            auto now = generation();
            if (!now) {
                handler(req, resp);
                return;
            }
            if (now != kept->generation) {
                kept->answers.clear();
                kept->generation = now;
            }
        }
        std::string k = origin_of(req) + " " + req.path() + "?" + std::string(req.env("QUERY_STRING")) + " " +
                        req.version().str() + (key ? " " + key(req) : "");
        auto hit = kept->answers.find(k);
        if (hit == kept->answers.end()) {
            handler(req, resp);
            if (!resp.has_json())
                return;
            if (kept->answers.size() >= kAnswersMax)
                kept->answers.clear();
            hit = kept->answers.emplace(std::move(k), std::pair{resp.status, resp.encoded()}).first;
        }
        resp.status = hit->second.first;
        resp.bytes(hit->second.second, "application/json");
    };
}

Handler by_origin(std::function<nlohmann::json(const Request&)> view, int status)
{
    return remembered([view = std::move(view), status](const Request& req, Response& resp) {
        resp.status = status;
        resp.json(view(req));
    });
}

std::size_t Dispatcher::index_of(std::string_view name) const
{
    auto it = by_name_.find(name);
    if (it == by_name_.end())
        throw std::invalid_argument(std::string(spec_.name) + ": no endpoint named '" + std::string(name) + "'");
    return it->second;
}

void Dispatcher::set_handler(std::string_view name, Resource resource)
{
    Entry& e = entries_[index_of(name)];
    for (auto [from, to] : {std::pair{&resource.get, &e.resource.get}, std::pair{&resource.head, &e.resource.head},
                            std::pair{&resource.post, &e.resource.post}, std::pair{&resource.put, &e.resource.put},
                            std::pair{&resource.patch, &e.resource.patch}, std::pair{&resource.del, &e.resource.del}})
        if (*from)
            *to = std::move(*from);
    for (auto v : kVerbs)
        if (slot(resource, v) || (v == "HEAD" && resource.get))
            e.forwarded.erase(std::string(v));
}

bool Dispatcher::has_handler(std::string_view name, std::string_view method) const
{
    auto it = by_name_.find(name);
    return it != by_name_.end() && entries_[it->second].implements(method);
}

void Dispatcher::set_handler(std::string_view name, std::string_view verb, Handler handler)
{
    Entry& e = entries_[index_of(name)];
    if (std::find(std::begin(kVerbs), std::end(kVerbs), verb) == std::end(kVerbs))
        throw std::invalid_argument(std::string(spec_.name) + ": no verb " + std::string(verb));
    mutable_slot(e.resource, verb) = std::move(handler);
    if (auto it = e.unserved_verbs.find(verb); it != e.unserved_verbs.end())
        e.unserved_verbs.erase(it);
    if (auto it = e.forwarded.find(verb); it != e.forwarded.end())
        e.forwarded.erase(it);
}

void Dispatcher::set_forwarded(std::string_view name, std::string_view verb, Handler handler)
{
    set_handler(name, verb, std::move(handler));
    entries_[index_of(name)].forwarded.emplace(verb);
}

void Dispatcher::set_action(std::string_view name, std::string_view action, Handler handler)
{
    Entry& e = entries_[index_of(name)];
    e.actions.insert_or_assign(std::string(action), std::move(handler));
    if (auto it = e.unserved_actions.find(action); it != e.unserved_actions.end())
        e.unserved_actions.erase(it);
}

void Dispatcher::set_unserved(std::string_view name, std::string_view verb, std::string_view action,
                              std::vector<std::string> lacking)
{
    Entry& e = entries_[index_of(name)];
    if (!action.empty()) {
        if (!e.actions.count(action))
            e.unserved_actions.insert_or_assign(std::string(action), std::move(lacking));
    } else if (!e.implements(verb)) {
        e.unserved_verbs.insert_or_assign(std::string(verb), std::move(lacking));
    }
}

void Dispatcher::wrap_handlers(const std::function<Handler(Handler)>& wrap)
{
    for (auto& e : entries_) {
        for (auto v : kVerbs)
            if (Handler& h = mutable_slot(e.resource, v))
                h = wrap(std::move(h));
        for (auto& [action, h] : e.actions)
            h = wrap(std::move(h));
    }
}

std::string Dispatcher::base_url(const Request& req) const
{
    bool own_port = req.env("JUMPGATE_SERVICE") == spec_.name;
    return req.scheme() + "://" + req.host() + (own_port ? std::string() : mount_);
}

std::string Dispatcher::endpoint_url(const Request& req, std::string_view name,
                                     const std::map<std::string, std::string>& params) const
{
    std::string form = entries_[index_of(name)].endpoint->path;
    // Answer in the form the client used: /v2.1/... stays /v2.1/..., not the catalogue's /v2/{tenant_id}/...
    if (req.dispatcher_ == this && !req.alias_from_.empty() && starts_with_segments(form, req.alias_from_))
        form = req.alias_to_ + form.substr(req.alias_from_.size());
    std::string_view tmpl = form;
    std::string path;
    for (std::size_t i = 0; i < tmpl.size();) {
        auto open = tmpl.find('{', i);
        if (open == std::string_view::npos) {
            path.append(tmpl.substr(i));
            break;
        }
        auto close = tmpl.find('}', open);
        path.append(tmpl.substr(i, open - i));
        std::string var(tmpl.substr(open + 1, close - open - 1));
        std::string value;
        if (auto p = params.find(var); p != params.end())
            value = p->second;
        else if (req.dispatcher_ == this && req.has_param(var))
            value = req.param(var);
        else if (var == "tenant_id" && !req.context().project_id.empty())
            value = req.context().project_id;
        else
            throw std::invalid_argument(std::string(spec_.name) + ": endpoint '" + std::string(name) + "' needs '" +
                                        var + "'");
        path.append(percent_encode(value));
        i = close + 1;
    }
    if (path == "/")
        path.clear();
    // The router reads a trailing ".json" as the format, not the value: "v.json" goes as "v%2Ejson".
    if (path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0)
        path.replace(path.size() - 5, 1, "%2E");
    return base_url(req) + (path.empty() ? "/" : path);
}

std::vector<std::string> Dispatcher::unused_endpoints() const
{
    std::vector<std::string> out;
    for (const auto& e : entries_)
        if (!e.has_any())
            out.emplace_back(e.endpoint->name);
    return out;
}

std::vector<CoverageRow> Dispatcher::coverage() const
{
    std::vector<CoverageRow> rows;
    std::string mount = mount_;
    for (const auto& e : entries_) {
        std::vector<std::string> verbs = e.verbs;
        for (auto v : kVerbs)
            if (slot(e.resource, v) && std::find(verbs.begin(), verbs.end(), v) == verbs.end())
                verbs.emplace_back(v);
        std::string path = mount + e.endpoint->path;
        if (path.size() > 1 && path.back() == '/')
            path.pop_back();
        std::vector<std::string> aliases;
        for (const auto& alias : spec_.aliases)
            if (auto other = aliased(e.endpoint->path, alias))
                aliases.push_back(mount + *other);
        for (const auto& v : verbs) {
            if (v == "POST" && e.has_actions() && !slot(e.resource, v)) {
                // An action endpoint: a row per action, served or not, in name order.
                std::map<std::string, const std::vector<std::string>*> actions;
                for (const auto& [action, handler] : e.actions)
                    actions.emplace(action, nullptr);
                for (const auto& [action, lacking] : e.unserved_actions)
                    actions.emplace(action, &lacking);
                for (const auto& [action, lacking] : actions)
                    rows.push_back({e.endpoint->name, v, path, action, lacking ? Support::no : Support::yes,
                                    lacking ? *lacking : std::vector<std::string>{}, aliases});
                continue;
            }
            auto gone = split_verbs(e.endpoint->gone);
            Support support = std::find(gone.begin(), gone.end(), v) != gone.end() ? Support::gone
                              : !e.implements(v)                                   ? Support::no
                              : e.forwards(v)                                      ? Support::passed_through
                                                                                   : Support::yes;
            std::vector<std::string> lacking;
            if (auto it = e.unserved_verbs.find(v); support == Support::no && it != e.unserved_verbs.end())
                lacking = it->second;
            rows.push_back({e.endpoint->name, v, path, "", support, std::move(lacking), aliases});
        }
    }
    return rows;
}

void Dispatcher::serve_action(const Entry& entry, const Request& req, Response& resp) const
{
    const json& body = req.json_body();
    if (!body.is_object() || body.size() != 1)
        throw BadRequest("The action body is an object with exactly one action.");
    const std::string& action = body.begin().key();
    if (auto it = entry.actions.find(action); it != entry.actions.end())
        return it->second(req, resp);
    if (entry.unserved_actions.count(action))
        throw NotImplemented("The cloud behind this service cannot do the " + action + " action.",
                             spec_.faults == FaultStyle::nova ? "notImplemented" : "");
    throw BadRequest("There is no such action: " + action);
}

void Dispatcher::negotiate_version(Request& req, Response& resp, std::string_view path) const
{
    const Microversions* mv = spec_.microversions;
    if (!mv)
        return;
    req.version_ = mv->min;
    if (!starts_with_segments(path, mv->prefix))
        return;

    std::string_view requested;
    std::string_view header = req.header("OpenStack-API-Version");
    std::string_view type = mv->service_type;
    for (std::size_t i = 0; i < header.size();) {
        auto comma = header.find(',', i);
        auto item = header.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        if (item.size() > type.size() && strncasecmp(item.data(), type.data(), type.size()) == 0 &&
            item[type.size()] == ' ') {
            requested = item.substr(type.size() + 1);
            while (!requested.empty() && requested.back() == ' ')
                requested.remove_suffix(1);
        }
        if (comma == std::string_view::npos)
            break;
        i = comma + 1;
    }
    if (requested.empty() && mv->legacy_header)
        requested = req.header(mv->legacy_header);

    std::string vary = "OpenStack-API-Version";
    if (mv->legacy_header)
        vary += std::string(", ") + mv->legacy_header;
    resp.set_header("Vary", vary);

    if (!requested.empty()) {
        if (requested == "latest") {
            req.version_ = mv->max;
        } else {
            auto v = ApiVersion::parse(requested);
            if (!v)
                throw BadRequest("API Version String " + std::string(requested) +
                                 " is of invalid format. Must be of format MajorNum.MinorNum.");
            if (*v < mv->min || (mv->max < *v && !versions_unbounded_))
                throw NotAcceptable("Version " + v->str() + " is not supported by the API. Minimum is " +
                                    mv->min.str() + " and maximum is " + mv->max.str() + ".");
            req.version_ = *v;
        }
    }
    resp.set_header("OpenStack-API-Version", std::string(type) + " " + req.version_.str());
    if (mv->legacy_header)
        resp.set_header(mv->legacy_header, req.version_.str());
}

void Dispatcher::write_fault(const Request& req, Response& resp, const Fault& fault) const
{
    int status = fault.status();
    resp.status = status;
    switch (spec_.faults) {
    case FaultStyle::nova: {
        std::string name = fault.kind().empty() ? nova_fault_name(status) : fault.kind();
        resp.json({{name, {{"code", status}, {"message", fault.what()}}}});
        break;
    }
    case FaultStyle::keystone:
        resp.json({{"error", {{"code", status}, {"title", status_reason(status)}, {"message", fault.what()}}}});
        break;
    case FaultStyle::neutron:
        resp.json({{"NeutronError",
                    {{"type", fault.kind().empty() ? neutron_fault_type(status) : fault.kind()},
                     {"message", fault.what()},
                     {"detail", ""}}}});
        break;
    case FaultStyle::glance: {
        std::string title = std::to_string(status) + " " + status_reason(status);
        resp.bytes("<html>\n <head>\n  <title>" + title + "</title>\n </head>\n <body>\n  <h1>" + title + "</h1>\n  " +
                       html_escape(fault.what()) + "<br /><br />\n\n\n\n </body>\n</html>",
                   "text/html; charset=UTF-8");
        break;
    }
    }
    (void)req;
}

void Dispatcher::handle(Request& req, Response& resp, std::string_view path, std::span<const Hook> before,
                        std::span<const Hook> after) const
{
    req.dispatcher_ = this;
    resp.set_header("X-Openstack-Request-Id", req.id());
    if (spec_.request_id_header)
        resp.set_header(spec_.request_id_header, req.id());

    auto server_fault = [&](std::string_view what) {
        log::error(req.id() + " " + req.method() + " " + req.path() + ": " + std::string(what));
        write_fault(req, resp,
                    Fault(500, "The server has either erred or is incapable of performing the "
                               "requested operation."));
    };
    auto guarded = [&](auto&& body) {
        try {
            body();
        } catch (const Fault& f) {
            // 501 is a normal state (an unimplemented endpoint), not a server error.
            if (f.status() >= 500 && f.status() != 501)
                log::error(req.id() + " " + req.method() + " " + req.path() + ": " + f.what());
            write_fault(req, resp, f);
        } catch (const nlohmann::json::type_error& e) {
            // A member of the body read as a type it is not, or text that is not UTF-8 on its way to
            // the database: the request's fault, though the handler should have named the field.
            constexpr int kInvalidUtf8 = 316;
            if (!req.json_ && e.id != kInvalidUtf8) {
                server_fault(std::string("unhandled exception: ") + e.what());
                return;
            }
            log::warning(req.id() + " " + req.method() + " " + req.path() + ": unchecked input: " + e.what());
            std::string why = e.what();
            if (auto bracket = why.find("] "); why.starts_with("[json.exception") && bracket != std::string::npos)
                why.erase(0, bracket + 2);
            write_fault(req, resp, BadRequest("Invalid input: " + why + "."));
        } catch (const std::exception& e) {
            server_fault(std::string("unhandled exception: ") + e.what());
        } catch (...) {
            server_fault("unknown exception");
        }
    };

    guarded([&] {
        std::string_view p = path;
        if (p.size() > 1 && p.back() == '/')
            p.remove_suffix(1);
        // The original accepted a .json suffix on any resource; a path that only
        // matches with it (a name ending in .json) still does.
        const Entry* entry = nullptr;
        if (p.size() > 5 && p.substr(p.size() - 5) == ".json")
            entry = match(p.substr(0, p.size() - 5), req);
        if (!entry)
            entry = match(p, req);
        if (!entry)
            throw NotFound("The resource could not be found.");
        // Only a version root ("/v3/") keeps its trailing slash in a service with exact paths.
        if (spec_.exact_paths && p.size() != path.size() &&
            std::string_view(entry->endpoint->path).find('/', 1) != std::string_view::npos)
            throw NotFound("The resource could not be found.");
        req.endpoint_ = entry->endpoint->name;

        const std::string& method = req.method();
        if (!entry->implements(method)) {
            bool defined = std::find(entry->verbs.begin(), entry->verbs.end(), method) != entry->verbs.end();
            if (defined)
                throw NotImplemented("The requested operation " + method + " " + entry->endpoint->name +
                                         " is not implemented.",
                                     spec_.faults == FaultStyle::nova ? "notImplemented" : "");
            // "DELETE /servers/": the id the client meant to send is empty, and names nothing.
            if (path.size() > 1 && path.back() == '/')
                throw NotFound("The resource could not be found.");
            std::string allow;
            for (auto v : kVerbs)
                if (entry->implements(v) ||
                    std::find(entry->verbs.begin(), entry->verbs.end(), v) != entry->verbs.end())
                    allow += (allow.empty() ? "" : ", ") + std::string(v);
            resp.set_header("Allow", allow);
            throw MethodNotAllowed("The method " + method + " is not allowed for this resource.");
        }
        if (req.content_length() == -2)
            throw BadRequest("Content-Length is not a number.");
        if (req.content_length() > 0 && static_cast<unsigned long long>(req.content_length()) > req.max_body())
            throw PayloadTooLarge("Request body is larger than " + std::to_string(req.max_body()) + " bytes.");

        negotiate_version(req, resp, p);
        for (const auto& hook : before)
            hook(req, resp);
        for (const auto& hook : before_)
            hook(req, resp);

        // Every view and the database keep text as UTF-8: a path variable that is not is refused here, once.
        for (const auto& [name, value] : req.params())
            if (!api::utf8_valid(value))
                throw BadRequest("Invalid input for the path parameter " + name + ": it is not valid UTF-8.");

        const Handler& handler = slot(entry->resource, method);
        if (handler)
            handler(req, resp);
        else if (method == "POST")
            serve_action(*entry, req, resp);
        else
            entry->resource.get(req, resp); // HEAD served by GET
    });
    for (const auto& hook : after_)
        guarded([&] { hook(req, resp); });
    for (const auto& hook : after)
        guarded([&] { hook(req, resp); });
    if (req.method() == "HEAD" && !resp.is_stream())
        resp.clear_body();
}

} // namespace jumpgate
