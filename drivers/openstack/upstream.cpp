// SPDX-License-Identifier: Apache-2.0
// The upstream OpenStack: its identity calls, the scoped tokens and catalogs learnt from them, the generation.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include <jumpgate/fault.hpp>
#include <jumpgate/log.hpp>

#include "upstream.hpp"

namespace jumpgate::openstack {

namespace {

// What Jumpgate's services are called in an OpenStack catalog, the usual name first.
const std::map<std::string, std::vector<std::string>, std::less<>> kCatalogTypes = {
    {"identity", {"identity"}}, {"compute", {"compute"}},
    {"image", {"image"}},       {"volume", {"block-storage", "volumev3", "volume"}},
    {"network", {"network"}},   {"baremetal", {"baremetal"}},
};

// A worker keeps at most this many users' tokens; past it, it starts again.
constexpr std::size_t kRemembered = 1024;

bool version_segment(std::string_view s)
{
    if (s.size() < 2 || s[0] != 'v' || !std::isdigit(static_cast<unsigned char>(s[1])))
        return false;
    return std::all_of(s.begin() + 1, s.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

bool ends_root(char c)
{
    return c == '/' || c == '?' || c == '#' || c == '"' || c == '\\';
}

std::string text(const json& j, const char* key)
{
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

} // namespace

std::string service_root(std::string_view url)
{
    auto scheme = url.find("://");
    std::size_t path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
    if (path == std::string_view::npos)
        return std::string(url);
    std::size_t at = path;
    while (at < url.size()) {
        std::size_t next = url.find('/', at + 1);
        std::string_view segment = url.substr(at + 1, (next == std::string_view::npos ? url.size() : next) - at - 1);
        if (version_segment(segment))
            return std::string(url.substr(0, at));
        if (next == std::string_view::npos)
            break;
        at = next;
    }
    std::string root(url);
    while (root.size() > path && root.back() == '/')
        root.pop_back();
    return root;
}

std::string rewrite_urls(std::string text, const std::vector<std::pair<std::string, std::string>>& roots)
{
    std::vector<const std::pair<std::string, std::string>*> longest_first;
    for (const auto& r : roots)
        if (!r.first.empty() && r.first != r.second)
            longest_first.push_back(&r);
    std::sort(longest_first.begin(), longest_first.end(),
              [](auto* a, auto* b) { return a->first.size() > b->first.size(); });
    if (longest_first.empty())
        return text;
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t found = text.find("://", i);
        if (found == std::string::npos)
            break;
        // The URL starts at its scheme: letters before "://".
        std::size_t start = found;
        while (start > i && std::isalpha(static_cast<unsigned char>(text[start - 1])))
            --start;
        bool replaced = false;
        for (const auto* r : longest_first) {
            const std::string& from = r->first;
            if (text.compare(start, from.size(), from) == 0 &&
                (start + from.size() == text.size() || ends_root(text[start + from.size()]))) {
                out.append(text, i, start - i);
                out += r->second;
                i = start + from.size();
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            out.append(text, i, found + 3 - i);
            i = found + 3;
        }
    }
    out.append(text, i, std::string::npos);
    return out;
}

Upstream::Upstream(Settings settings, std::string state_dir)
    : settings_(std::move(settings)), http_(settings_.limits), identity_root_(service_root(settings_.auth_url)),
      changes_path_(state_dir + "/openstack-identity-changes"), roots_path_(state_dir + "/openstack-catalog.json"),
      revocations_(std::make_shared<identity::Revocations>(state_dir + "/openstack-revoked-tokens"))
{
    roots_["identity"] = identity_root_;
}

Upstream::Reply Upstream::identity_call(const std::string& method, const std::string& path, const std::string& token,
                                        const json& body, const std::string& request_id,
                                        const std::string& subject) const
{
    Call call{.method = method, .url = identity_root_ + path};
    call.headers.emplace_back("Accept", "application/json");
    if (!token.empty())
        call.headers.emplace_back("X-Auth-Token", token);
    if (!body.is_null()) {
        call.headers.emplace_back("Content-Type", "application/json");
        call.body_text = body.dump();
    }
    if (!request_id.empty())
        call.headers.emplace_back("X-OpenStack-Request-ID", request_id);
    if (!subject.empty())
        call.headers.emplace_back("X-Subject-Token", subject);
    auto answer = http_.open(call, request_id);
    Reply reply;
    reply.status = answer->status();
    std::string text = answer->text();
    if (const std::string* issued = answer->header("X-Subject-Token"))
        reply.subject_token = *issued;
    if (const std::string* upstream_id = answer->header("X-Openstack-Request-Id"))
        log::debug(request_id + " upstream identity " + method + " " + path + ": " + std::to_string(reply.status) +
                   " " + *upstream_id);
    if (!text.empty())
        reply.body = json::parse(text, nullptr, false);
    if (reply.status >= 500) {
        log::error(request_id + " upstream identity " + method + " " + path + " answered " +
                   std::to_string(reply.status));
        throw ServiceUnavailable("The upstream identity service failed.");
    }
    return reply;
}

void Upstream::learn_catalog(const json& token) const
{
    if (!token.contains("catalog") || !token["catalog"].is_array())
        return;
    auto before = roots_;
    for (const auto& [service, types] : kCatalogTypes) {
        if (service == "identity")
            continue; // the configured auth_url, not what the catalog says
        bool found = false;
        for (const auto& type : types) {
            for (const auto& entry : token["catalog"]) {
                if (text(entry, "type") != type || !entry.contains("endpoints") || !entry["endpoints"].is_array())
                    continue;
                for (const auto& e : entry["endpoints"]) {
                    if (text(e, "interface") != settings_.interface)
                        continue;
                    if (!settings_.region.empty() && text(e, "region_id") != settings_.region &&
                        text(e, "region") != settings_.region)
                        continue;
                    roots_[service] = service_root(text(e, "url"));
                    found = true;
                    break;
                }
                if (found)
                    break;
            }
            if (found)
                break;
        }
    }
    if (roots_ == before)
        return;
    // Written whole and renamed into place: a worker reading it sees the old or the new.
    std::string temporary = roots_path_ + ".tmp." + std::to_string(getpid());
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << json(roots_).dump() << "\n";
        if (!out)
            log::error("cannot write " + temporary);
    }
    if (std::rename(temporary.c_str(), roots_path_.c_str()) != 0)
        log::error("cannot write " + roots_path_);
}

void Upstream::load_roots() const
{
    std::ifstream in(roots_path_);
    json saved = json::parse(in, nullptr, false);
    if (!saved.is_object())
        return;
    for (const auto& [service, root] : saved.items())
        if (service != "identity" && root.is_string() && kCatalogTypes.count(service))
            roots_[service] = root.get<std::string>();
}

void Upstream::prune() const
{
    if (views_.size() > kRemembered)
        views_.clear();
    if (scoped_.size() > kRemembered)
        scoped_.clear();
}

Scoped Upstream::scoped(const std::string& credentials, const json& project_ref, const std::string& request_id) const
{
    if (credentials.empty())
        throw Unauthorized("The request you have made requires authentication.");
    json auth = {{"auth",
                  {{"identity", {{"methods", {"token"}}, {"token", {{"id", credentials}}}}},
                   {"scope", {{"project", project_ref}}}}}};
    Reply r = identity_call("POST", "/v3/auth/tokens", "", auth, request_id);
    if (r.status != 201 || r.subject_token.empty() || !r.body.is_object() || !r.body.contains("token"))
        throw NotFound("Could not find project.");
    Scoped s{.token = r.subject_token, .body = r.body["token"]};
    std::string project_id = text(s.body.value("project", json::object()), "id");
    std::lock_guard lock(mutex_);
    learn_catalog(s.body);
    prune();
    scoped_[credentials + " " + project_id] = ScopedEntry{.generation = generation(), .scoped = s};
    return s;
}

Scoped Upstream::scoped(const std::string& credentials, const std::string& project_id,
                        const std::string& request_id) const
{
    {
        std::lock_guard lock(mutex_);
        auto it = scoped_.find(credentials + " " + project_id);
        if (it != scoped_.end() && it->second.generation == generation())
            return it->second.scoped;
    }
    // A token that is that project's already (an application credential's, which Keystone never rescopes).
    if (auto view = token_view(credentials, request_id);
        view && view->contains("project") && text((*view)["project"], "id") == project_id) {
        Scoped s{.token = credentials, .body = *view};
        std::lock_guard lock(mutex_);
        scoped_[credentials + " " + project_id] = ScopedEntry{.generation = generation(), .scoped = s};
        return s;
    }
    return scoped(credentials, json{{"id", project_id}}, request_id);
}

std::optional<json> Upstream::token_view(const std::string& credentials, const std::string& request_id) const
{
    if (credentials.empty())
        return std::nullopt;
    {
        std::lock_guard lock(mutex_);
        auto it = views_.find(credentials);
        if (it != views_.end() && it->second.generation == generation())
            return it->second.view;
    }
    Reply r = identity_call("GET", "/v3/auth/tokens?nocatalog", credentials, nullptr, request_id, credentials);
    std::optional<json> view;
    if (r.status == 200 && r.body.is_object() && r.body.contains("token"))
        view = r.body["token"];
    else if (r.status != 401 && r.status != 404)
        throw ServiceUnavailable("The upstream identity service could not validate a token.");
    std::lock_guard lock(mutex_);
    prune();
    views_[credentials] = Entry{.generation = generation(), .view = view};
    return view;
}

void Upstream::forget(const std::string& credentials) const
{
    std::lock_guard lock(mutex_);
    views_.erase(credentials);
    for (auto it = scoped_.lower_bound(credentials + " ");
         it != scoped_.end() && it->first.starts_with(credentials + " ");)
        it = scoped_.erase(it);
}

std::string Upstream::root(std::string_view service) const
{
    std::lock_guard lock(mutex_);
    auto it = roots_.find(service);
    if (it == roots_.end()) {
        load_roots();
        it = roots_.find(service);
    }
    return it == roots_.end() ? "" : it->second;
}

std::optional<ApiVersion> max_microversion(const json& doc)
{
    std::optional<ApiVersion> best;
    auto consider = [&best](const json& v) {
        auto it = v.is_object() ? v.find("version") : v.end();
        if (it == v.end() || !it->is_string())
            return;
        if (auto parsed = ApiVersion::parse(it->get<std::string>()); parsed && (!best || *best < *parsed))
            best = parsed;
    };
    if (!doc.is_object())
        return best;
    if (auto version = doc.find("version"); version != doc.end())
        consider(*version);
    if (auto versions = doc.find("versions"); versions != doc.end() && versions->is_array())
        for (const auto& v : *versions)
            consider(v);
    return best;
}

std::optional<ApiVersion> Upstream::max_version(std::string_view service, std::string_view prefix,
                                                const std::string& request_id) const
{
    // An upstream upgraded (or rolled back) is seen within this long.
    constexpr std::int64_t kVersionSeconds = 600;
    std::string root = this->root(service);
    if (root.empty())
        return std::nullopt;
    std::string url = root + std::string(prefix) + "/";
    std::int64_t now = std::time(nullptr);
    {
        std::lock_guard lock(mutex_);
        if (auto it = max_versions_.find(url); it != max_versions_.end() && now - it->second.at < kVersionSeconds)
            return it->second.version;
    }
    std::optional<ApiVersion> found;
    try {
        Call call{.method = "GET", .url = url};
        call.headers.emplace_back("Accept", "application/json");
        call.headers.emplace_back("X-OpenStack-Request-ID", request_id);
        auto answer = http_.open(call, request_id);
        if (answer->status() == 200)
            found = max_microversion(json::parse(answer->text(1 << 20), nullptr, false));
    } catch (const Fault& e) { // the request forwarded meets the same upstream, and says what is wrong
        log::debug(request_id + " upstream " + url + " gave no version document: " + e.what());
    }
    std::lock_guard lock(mutex_);
    max_versions_[url] = {now, found};
    return found;
}

void Upstream::identity_changed() const
{
    // The file only grows: its size is a counter every worker reads with one stat().
    int fd = open(changes_path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        log::error("cannot record an identity change in " + changes_path_);
        return;
    }
    if (write(fd, ".", 1) != 1)
        log::error("cannot record an identity change in " + changes_path_);
    close(fd);
}

std::int64_t Upstream::generation() const
{
    struct stat st {};
    std::uint64_t changes = stat(changes_path_.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
    std::uint64_t period =
        static_cast<std::uint64_t>(std::time(nullptr) / std::max<std::int64_t>(1, settings_.recheck_seconds));
    // Mixed as unsigned numbers, which wrap: only whether the result moved matters.
    std::uint64_t mixed = static_cast<std::uint64_t>(revocations_->generation());
    mixed = (mixed * 1000003u + changes) * 1000033u + period;
    return static_cast<std::int64_t>(mixed);
}

} // namespace jumpgate::openstack
