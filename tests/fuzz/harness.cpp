// SPDX-License-Identifier: Apache-2.0
// What the libFuzzer targets share: requests as text, the worker's path for them, and the 5xx check.
#include "harness.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fnmatch.h>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <unistd.h>

#include <fcgiapp.h>

#include <jumpgate/driver/identity.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/log.hpp>

#include "api/identity/token.hpp"
#include "fcgi/fcgi_request.hpp"
#include "memory_fcgx.hpp"

#ifndef JUMPGATE_FUZZ_MODULE_DIR
#define JUMPGATE_FUZZ_MODULE_DIR "drivers/.libs"
#endif

namespace jumpgate::fuzz {

namespace {

// The exception behind the 5xx of the request being served, kept by the watched handlers.
std::string handler_error;

std::string cgi_name(std::string_view header)
{
    std::string name;
    for (char c : header)
        name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (name == "CONTENT_TYPE" || name == "CONTENT_LENGTH")
        return name;
    return "HTTP_" + name;
}

bool same_name(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// The numbers of a message (an index, a size, a byte) say nothing of which bug it is.
std::string normalised(std::string_view message)
{
    std::string out;
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (message.substr(i, 2) == "0x" && i + 2 < message.size() &&
            std::isxdigit(static_cast<unsigned char>(message[i + 2]))) {
            i += 2;
            while (i + 1 < message.size() && std::isxdigit(static_cast<unsigned char>(message[i + 1])))
                ++i;
            out += "0xN";
        } else if (std::isdigit(static_cast<unsigned char>(message[i]))) {
            while (i + 1 < message.size() && std::isdigit(static_cast<unsigned char>(message[i + 1])))
                ++i;
            out.push_back('N');
        } else if (message[i] == '\n') {
            out.push_back(' ');
        } else {
            out.push_back(message[i]);
        }
    }
    return out;
}

const std::vector<std::string>& known_findings()
{
    static const std::vector<std::string> patterns = [] {
        std::vector<std::string> out;
        const char* file = std::getenv("JUMPGATE_FUZZ_KNOWN");
        if (!file || !*file)
            return out;
        std::ifstream in(file);
        if (!in) {
            std::fprintf(stderr, "fuzz: cannot read the known findings %s\n", file);
            std::abort();
        }
        for (std::string line; std::getline(in, line);)
            if (!line.empty() && line[0] != '#')
                out.push_back(line);
        return out;
    }();
    return patterns;
}

Handler watched(Handler handler)
{
    return [handler = std::move(handler)](const Request& req, Response& resp) {
        try {
            handler(req, resp);
        } catch (const Fault& f) {
            if (f.status() >= 500 && f.status() != 501)
                handler_error = f.what();
            throw;
        } catch (const std::exception& e) {
            handler_error = e.what();
            throw;
        } catch (...) {
            handler_error = "an exception that is not a std::exception";
            throw;
        }
    };
}

} // namespace

bool parse_http_text(std::string_view input, HttpText& out)
{
    auto line_end = input.find('\n');
    std::string_view first = input.substr(0, line_end);
    if (!first.empty() && first.back() == '\r')
        first.remove_suffix(1);
    auto space = first.find(' ');
    if (space == std::string_view::npos || space == 0)
        return false;
    out.method.assign(first.substr(0, space));
    out.target.assign(first.substr(space + 1));
    out.headers.clear();
    out.body.clear();
    out.has_body = false;
    if (line_end == std::string_view::npos)
        return true;
    std::string_view rest = input.substr(line_end + 1);
    while (!rest.empty()) {
        auto end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty()) {
            out.has_body = true;
            out.body.assign(rest);
            return true;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        out.headers.emplace_back(line.substr(0, colon), value);
    }
    return true;
}

std::vector<std::string> cgi_env(const HttpText& text, std::string_view mount)
{
    std::string uri = std::string(mount) + text.target;
    auto question = text.target.find('?');
    std::vector<std::string> env = {
        "REQUEST_METHOD=" + text.method,
        "REQUEST_URI=" + uri,
        "QUERY_STRING=" + (question == std::string::npos ? std::string() : text.target.substr(question + 1)),
        "SERVER_NAME=localhost",
        "SERVER_PORT=80",
        "REQUEST_SCHEME=http",
        "GATEWAY_INTERFACE=CGI/1.1",
    };
    bool typed = false, sized = false;
    for (const auto& [name, value] : text.headers) {
        std::string cgi = cgi_name(name);
        typed |= cgi == "CONTENT_TYPE";
        sized |= cgi == "CONTENT_LENGTH";
        env.push_back(cgi + "=" + value);
    }
    if (text.has_body && !sized)
        env.push_back("CONTENT_LENGTH=" + std::to_string(text.body.size()));
    if (text.has_body && !typed && !text.body.empty())
        env.emplace_back("CONTENT_TYPE=application/json");
    return env;
}

Served serve_fcgi(const std::vector<std::string>& env, std::string_view body, std::size_t max_body,
                  std::size_t max_json, const std::function<void(Request&, Response&)>& handle)
{
    // Only the head is looked at: the rest of a large body is dropped as it comes.
    testing::MemoryFcgx fcgx(env, body, 0, 65536);
    Served served;
    handler_error.clear();
    bool sent = false;
    try {
        Request req = fcgi::make_request(fcgx.raw(), max_body, max_json);
        Response resp;
        handle(req, resp);
        served.status = resp.status;
        sent = true;
        fcgi::send_response(fcgx.raw(), req, resp);
    } catch (const std::exception& e) {
        // What serve_one does: before the head it answers 500, after it the answer is cut short.
        served.status = sent ? 0 : 500;
        served.error = std::string(sent ? "while sending: " : "while reading: ") + e.what();
        return served;
    }
    const std::string& written = fcgx.written();
    auto end = written.find("\r\n\r\n");
    served.head = written.substr(0, end);
    if (end != std::string::npos)
        served.body = written.substr(end + 4);
    if (served.status >= 500)
        served.error = handler_error.empty() ? "(outside a handler)" : handler_error;
    return served;
}

void watch_handlers(App& app)
{
    for (auto name : kServices)
        if (Dispatcher* disp = app.dispatcher(name))
            disp->wrap_handlers([](Handler h) { return watched(std::move(h)); });
}

void check_answer(const Served& served, std::string_view service, std::string_view method, std::string_view endpoint,
                  std::string_view request)
{
    if (served.status != 0 && (served.status < 500 || served.status == 501))
        return;
    std::string signature = std::string(service) + " " + std::string(method) + " " +
                            std::string(endpoint.empty() ? "-" : endpoint) + ": " + normalised(served.error);
    for (const auto& pattern : known_findings()) {
        if (fnmatch(pattern.c_str(), signature.c_str(), 0) == 0) {
            static std::set<std::string> seen;
            if (seen.insert(pattern).second)
                std::fprintf(stderr, "fuzz: known finding: %s\n", signature.c_str());
            return;
        }
    }
    std::fprintf(stderr, "fuzz: answered %d: %s\nfuzz: the request:\n%.*s\n", served.status, signature.c_str(),
                 static_cast<int>(std::min<std::size_t>(request.size(), 4096)), request.data());
    std::abort();
}

Stack& Stack::get(std::initializer_list<std::string_view> fixtures)
{
    static Stack* stack = [&] {
        auto* s = new Stack();
        for (auto f : fixtures)
            s->wanted_.emplace_back(f);
        s->bootstrap();
        s->make_fixtures();
        return s;
    }();
    return *stack;
}

Stack::Stack()
{
    char dir[] = "/tmp/jumpgate-fuzz-XXXXXX";
    if (!mkdtemp(dir))
        throw std::runtime_error("mkdtemp failed");
    state_dir_ = dir;
    static std::string removed;
    removed = state_dir_;
    std::atexit([] {
        std::string cmd = "rm -rf '" + removed + "'";
        if (std::system(cmd.c_str()) != 0)
            std::fprintf(stderr, "fuzz: could not remove %s\n", removed.c_str());
    });
    const char* modules = std::getenv("JUMPGATE_FUZZ_MODULE_DIR");
    std::vector<std::string> overrides = {
        "general.state_dir=" + state_dir_,
        std::string("general.module_dir=") + (modules && *modules ? modules : JUMPGATE_FUZZ_MODULE_DIR),
        "general.log_level=error",
        "general.max_json_size=64K",
        "baremetal.driver=",
        "identity.token_expiration=31536000",
        // Fixtures are ready at once, and the inputs that act on them need not wait.
        "compute.build_seconds=0",
        "volume.build_seconds=0",
    };
    auto errors = app_.config().load("", overrides);
    if (errors.empty())
        errors = app_.start();
    if (!errors.empty()) {
        for (const auto& e : errors)
            std::fprintf(stderr, "fuzz: %s\n", e.str().c_str());
        std::abort();
    }
    watch_handlers(app_);
    // The handlers' own 5xx lines say nothing check_answer does not; a worker logs them.
    log::set_level(log::Level::error);
}

const std::string& Stack::fixture(std::string_view name) const
{
    static const std::string none;
    auto it = fixtures_.find(name);
    return it == fixtures_.end() ? none : it->second;
}

Served Stack::request(std::string_view method, std::string_view path, std::string_view body, std::string_view token)
{
    HttpText text{std::string(method), std::string(path), {}, std::string(body), !body.empty()};
    if (!token.empty())
        text.headers.emplace_back("X-Auth-Token", token);
    if (path.find("/file") != std::string_view::npos)
        text.headers.emplace_back("Content-Type", "application/octet-stream");
    Served s = serve_fcgi(cgi_env(text, ""), text.body, app_.max_body(), app_.max_json(),
                          [this](Request& req, Response& resp) { app_.handle(req, resp); });
    if (s.status < 200 || s.status >= 300)
        throw std::runtime_error("fixture: " + std::string(method) + " " + std::string(path) + " answered " +
                                 std::to_string(s.status) + " " + s.error);
    return s;
}

void Stack::bootstrap()
{
    const identity::Driver* id = app_.identity();
    if (!id)
        throw std::runtime_error("fuzz: the identity service has no driver");
    api::identity::KeyRepository::setup(state_dir_ + "/token-keys");
    auto role = [&](const std::string& name) {
        for (const auto& r : id->roleList())
            if (r.name == name)
                return r;
        return id->roleCreate({.name = name});
    };
    role("reader");
    auto admin = role("admin");
    auto member = role("member");
    // Each generation in a domain of its own: an input may have disabled the one before.
    std::string g = std::to_string(++generation_);
    auto domain = id->domainCreate({.name = "fuzz-domain-" + g});
    auto project = id->projectCreate({.name = "fuzz-admin-" + g, .domain_id = domain.id});
    auto user = id->userCreate({.name = "fuzz-admin-" + g, .domain_id = domain.id}, "fuzz-secret");
    id->roleAssign({.role_id = admin.id, .user_id = user.id, .project_id = project.id});
    id->roleAssign({.role_id = admin.id, .user_id = user.id, .domain_id = domain.id});
    auto member_project = id->projectCreate({.name = "fuzz-member-" + g, .domain_id = domain.id});
    auto member_user = id->userCreate({.name = "fuzz-member-" + g, .domain_id = domain.id}, "fuzz-secret");
    id->roleAssign({.role_id = member.id, .user_id = member_user.id, .project_id = member_project.id});
    fixtures_ = {
        {"domain_id", domain.id},          {"project_id", project.id},    {"user_id", user.id},
        {"admin_role_id", admin.id},       {"member_role_id", member.id}, {"member_project_id", member_project.id},
        {"member_user_id", member_user.id}};
    auto token = [&](const std::string& user_id, const std::string& project_id) {
        json auth = {
            {"auth",
             {{"identity",
               {{"methods", {"password"}}, {"password", {{"user", {{"id", user_id}, {"password", "fuzz-secret"}}}}}}},
              {"scope", {{"project", {{"id", project_id}}}}}}}};
        Served s = request("POST", "/identity/v3/auth/tokens", auth.dump(), "");
        std::string_view head = s.head;
        auto at = head.find("X-Subject-Token: ");
        if (at == std::string_view::npos)
            throw std::runtime_error("fuzz: no X-Subject-Token in " + s.head);
        head.remove_prefix(at + 17);
        return std::string(head.substr(0, head.find('\r')));
    };
    fixtures_["admin_token"] = token(user.id, project.id);
    fixtures_["member_token"] = token(member_user.id, member_project.id);
    checks_ = {"/identity/v3/projects/" + project.id};
}

void Stack::make_fixtures()
{
    const std::string& token = fixtures_["admin_token"];
    std::string g = std::to_string(generation_);
    auto wanted = [&](std::string_view name) {
        return std::find(wanted_.begin(), wanted_.end(), name) != wanted_.end();
    };
    // The id of what a POST made; its show path is checked while the fixtures stand.
    auto made = [&](const std::string& path, const json& body, const std::string& key, const std::string& show) {
        Served s = request("POST", path, body.dump(), token);
        json j = json::parse(s.body);
        std::string id = (key.empty() ? j : j.at(key)).at("id").get<std::string>();
        checks_.push_back(show + id);
        return id;
    };
    if (wanted("project")) {
        fixtures_["other_project_id"] =
            made("/identity/v3/projects",
                 {{"project", {{"name", "fuzz-project-" + g}, {"domain_id", fixtures_["domain_id"]}}}}, "project",
                 "/identity/v3/projects/");
        fixtures_["other_user_id"] =
            made("/identity/v3/users",
                 {{"user",
                   {{"name", "fuzz-user-" + g}, {"domain_id", fixtures_["domain_id"]}, {"password", "fuzz-secret"}}}},
                 "user", "/identity/v3/users/");
    }
    if (wanted("image") || wanted("server")) {
        fixtures_["image_id"] = made("/image/v2/images",
                                     {{"name", "fuzz-image-" + g},
                                      {"disk_format", "raw"},
                                      {"container_format", "bare"},
                                      {"visibility", "public"}},
                                     "", "/image/v2/images/");
        request("PUT", "/image/v2/images/" + fixtures_["image_id"] + "/file", std::string(512, 'j'), token);
        fixtures_["queued_image_id"] =
            made("/image/v2/images", {{"name", "fuzz-queued-" + g}}, "", "/image/v2/images/");
    }
    if (wanted("network") || wanted("server")) {
        fixtures_["network_id"] = made("/network/v2.0/networks", {{"network", {{"name", "fuzz-net-" + g}}}}, "network",
                                       "/network/v2.0/networks/");
        fixtures_["subnet_id"] = made("/network/v2.0/subnets",
                                      {{"subnet",
                                        {{"network_id", fixtures_["network_id"]},
                                         {"cidr", "10.9." + std::to_string(generation_ % 250) + ".0/24"},
                                         {"ip_version", 4}}}},
                                      "subnet", "/network/v2.0/subnets/");
        fixtures_["port_id"] = made("/network/v2.0/ports", {{"port", {{"network_id", fixtures_["network_id"]}}}},
                                    "port", "/network/v2.0/ports/");
        fixtures_["security_group_id"] =
            made("/network/v2.0/security-groups", {{"security_group", {{"name", "fuzz-sg-" + g}}}}, "security_group",
                 "/network/v2.0/security-groups/");
    }
    if (wanted("volume") || wanted("server")) {
        fixtures_["volume_id"] = made("/volume/v3/volumes", {{"volume", {{"size", 1}, {"name", "fuzz-volume-" + g}}}},
                                      "volume", "/volume/v3/volumes/");
        fixtures_["snapshot_id"] = made(
            "/volume/v3/snapshots", {{"snapshot", {{"volume_id", fixtures_["volume_id"]}, {"name", "fuzz-snap-" + g}}}},
            "snapshot", "/volume/v3/snapshots/");
    }
    if (wanted("server")) {
        fixtures_["server_id"] = made("/compute/v2.1/servers",
                                      {{"server",
                                        {{"name", "fuzz-server-" + g},
                                         {"imageRef", fixtures_["image_id"]},
                                         {"flavorRef", "1"},
                                         {"networks", {{{"uuid", fixtures_["network_id"]}}}}}}},
                                      "server", "/compute/v2.1/servers/");
    }
}

bool Stack::intact()
{
    try {
        for (const auto& path : checks_)
            request("GET", path, "", fixtures_["admin_token"]);
        request("GET", "/compute/v2.1/flavors/1", "", fixtures_["admin_token"]);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

std::string Stack::substitute(std::string_view text) const
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '{') {
            auto close = text.find('}', i);
            if (close != std::string_view::npos && close - i < 40) {
                auto it = fixtures_.find(text.substr(i + 1, close - i - 1));
                if (it != fixtures_.end()) {
                    out += it->second;
                    i = close + 1;
                    continue;
                }
            }
        }
        out.push_back(text[i++]);
    }
    return out;
}

void Stack::serve_text(std::string_view input, std::string_view mount)
{
    if (++inputs_ % 256 == 0 && !intact()) {
        bootstrap();
        make_fixtures();
    }
    HttpText text;
    if (!parse_http_text(substitute(input), text))
        return;
    bool authenticated = false;
    for (const auto& [name, value] : text.headers)
        authenticated |= same_name(name, "X-Auth-Token");
    if (!authenticated)
        text.headers.emplace_back("X-Auth-Token", fixtures_.at("admin_token"));
    std::vector<std::string> env = cgi_env(text, mount);
    Served served = serve_fcgi(env, text.body, app_.max_body(), app_.max_json(),
                               [this](Request& req, Response& resp) { app_.handle(req, resp); });
    if (served.status != 0 && (served.status < 500 || served.status == 501))
        return;
    // Which service and endpoint: the router's answer again, for the signature.
    std::string path = std::string(mount) + text.target.substr(0, text.target.find('?'));
    std::string service = "index";
    for (auto name : kServices)
        if (const Dispatcher* d = app_.dispatcher(name))
            if (!d->mount().empty() && path.compare(0, d->mount().size(), d->mount()) == 0 &&
                (path.size() == d->mount().size() || path[d->mount().size()] == '/'))
                service = name;
    Response resp;
    std::string endpoint;
    const Dispatcher* d = app_.dispatcher(service);
    if (d) {
        // A request that only names the endpoint: it stops at the method check or the token.
        Request probe(Pairs{{"REQUEST_METHOD", "TRACE"}, {"REQUEST_URI", path}}, Pairs{}, nullptr, 0, 0);
        app_.handle(probe, resp);
        endpoint = probe.endpoint();
    }
    check_answer(served, service, text.method, endpoint, input);
}

} // namespace jumpgate::fuzz
