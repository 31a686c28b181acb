// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: every service's router (path matching, aliases, verbs, microversion headers) and its links.
#include <cstdio>
#include <map>
#include <memory>

#include <jumpgate/dispatcher.hpp>

#include "harness.hpp"

using namespace jumpgate;

namespace {

/* What the handler of the matched endpoint saw. */
struct Match {
    std::string endpoint;
    Pairs params;
    std::string url; // the endpoint's link made from those params
};

Match last;

struct Router {
    std::vector<std::unique_ptr<Dispatcher>> services;

    Router()
    {
        for (auto name : kServices) {
            const ServiceSpec* spec = App::spec(name);
            auto disp = std::make_unique<Dispatcher>(*spec, spec->default_mount);
            for (const auto& endpoint : spec->endpoints) {
                Handler record = [d = disp.get()](const Request& req, Response& resp) {
                    const Microversions* mv = d->spec().microversions;
                    if (mv && (req.version() < mv->min || mv->max < req.version())) {
                        std::fprintf(stderr, "fuzz: version %s outside %s..%s\n", req.version().str().c_str(),
                                     mv->min.str().c_str(), mv->max.str().c_str());
                        std::abort();
                    }
                    std::map<std::string, std::string> params(req.params().begin(), req.params().end());
                    last = {req.endpoint(), req.params(), d->endpoint_url(req, req.endpoint(), params)};
                    resp.status = 204;
                };
                // Every verb of the catalogue, so that no request stops at 501 before its handler.
                disp->set_handler(
                    endpoint.name,
                    {.get = record, .head = record, .post = record, .put = record, .patch = record, .del = record});
            }
            services.push_back(std::move(disp));
        }
    }

    /* route: the service whose mount prefixes `path` (the longest), or nullptr; as App::handle. */
    const Dispatcher* route(std::string_view path) const
    {
        const Dispatcher* best = nullptr;
        for (const auto& d : services) {
            const std::string& m = d->mount();
            if (path.substr(0, m.size()) == m && (path.size() == m.size() || path[m.size()] == '/') &&
                (!best || m.size() > best->mount().size()))
                best = d.get();
        }
        return best;
    }
};

Pairs env_pairs(const std::vector<std::string>& env)
{
    Pairs out;
    for (const auto& e : env) {
        auto eq = e.find('=');
        out.emplace_back(e.substr(0, eq), e.substr(eq + 1));
    }
    return out;
}

int dispatch(const Dispatcher& disp, Pairs env, Match& seen)
{
    Request req(std::move(env), {}, nullptr, 1 << 20, 1 << 16);
    Response resp;
    last = {};
    std::string_view path = req.path();
    path.remove_prefix(disp.mount().size());
    disp.handle(req, resp, path.empty() ? "/" : path, {}, {});
    seen = std::move(last);
    return resp.status;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const Router router;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    fuzz::HttpText text;
    if (!fuzz::parse_http_text(input, text) || text.target.empty() || text.target[0] != '/')
        return 0;
    std::vector<std::string> env = fuzz::cgi_env(text, "");
    std::string path = text.target.substr(0, text.target.find('?'));
    const Dispatcher* disp = router.route(path);
    if (!disp)
        return 0;
    Match first;
    fuzz::Served served;
    served.status = dispatch(*disp, env_pairs(env), first);
    served.error = "the dispatcher's log line above";
    fuzz::check_answer(served, disp->service(), text.method, first.endpoint, input);
    if (first.endpoint.empty())
        return 0;

    // The link the endpoint makes for what it matched leads back to it, with the same values.
    std::string base = "http://localhost" + disp->mount();
    if (first.url.compare(0, base.size(), base) != 0) {
        std::fprintf(stderr, "fuzz: %s links outside its service: %s\n", first.endpoint.c_str(), first.url.c_str());
        std::abort();
    }
    Pairs again = {{"REQUEST_METHOD", text.method},
                   {"REQUEST_URI", disp->mount() + first.url.substr(base.size())},
                   {"SERVER_NAME", "localhost"},
                   {"SERVER_PORT", "80"}};
    Match second;
    dispatch(*disp, std::move(again), second);
    if (second.endpoint != first.endpoint || second.params != first.params) {
        std::fprintf(stderr, "fuzz: %s %s matched %s; its link %s matched %s\n", text.method.c_str(), path.c_str(),
                     first.endpoint.c_str(), first.url.c_str(),
                     second.endpoint.empty() ? "nothing" : second.endpoint.c_str());
        for (const auto& [k, v] : first.params)
            std::fprintf(stderr, "  first  %s=%s\n", k.c_str(), v.c_str());
        for (const auto& [k, v] : second.params)
            std::fprintf(stderr, "  second %s=%s\n", k.c_str(), v.c_str());
        std::abort();
    }
    return 0;
}
