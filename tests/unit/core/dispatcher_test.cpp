// SPDX-License-Identifier: Apache-2.0
// Unit tests of Dispatcher on a small catalogue: routing, verbs, versions, hooks, faults and URLs.
#include <jumpgate/dispatcher.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

using namespace jumpgate;

namespace {

json no_versions(const Request&, const Dispatcher&)
{
    return json::array();
}

constexpr Endpoint kEndpoints[] = {
    {"index", "/", "GET"},
    {"v2_servers", "/v2/{tenant_id}/servers", "GET POST"},
    {"v2_servers_detail", "/v2/{tenant_id}/servers/detail", "GET"},
    {"v2_server", "/v2/{tenant_id}/servers/{server_id}", "GET PUT DELETE"},
    {"quota_user", "/v2/{tenant_id}/os-quota-sets/user={user_id}", "GET"},
    {"quota_target", "/v2/{tenant_id}/os-quota-sets/{target_id}", "GET"},
    {"flavors", "/v2/flavors", "GET"},
    {"tenant_flavors", "/v2/{tenant_id}/flavors", "GET"},
    {"token", "/v2.0/tokens/{token_id}", "GET HEAD DELETE"},
};

constexpr PathAlias kAliases[] = {{"/v2/{tenant_id}", "/v2.1"}, {"/v2/{tenant_id}", "/v2"}};

constexpr Microversions kMicroversions{"compute", "X-OpenStack-Nova-API-Version", "/v2.1", {2, 1}, {2, 90}};

const ServiceSpec kNova{"compute", "/compute",      FaultStyle::nova,       kEndpoints,
                        kAliases,  &kMicroversions, "X-Compute-Request-Id", &no_versions};
const ServiceSpec kKeystone{"identity", "/identity", FaultStyle::keystone, kEndpoints, {},
                            nullptr,    nullptr,     &no_versions};
const ServiceSpec kNeutron{"network", "/network", FaultStyle::neutron, kEndpoints, {}, nullptr, nullptr, &no_versions};
const ServiceSpec kGlance{"image", "/image", FaultStyle::glance, kEndpoints, {}, nullptr, nullptr, &no_versions};

constexpr std::size_t kMaxBody = 1024;

Handler echo(std::string verb = "GET")
{
    return [verb](const Request& req, Response& resp) {
        json params = json::object();
        for (const auto& [k, v] : req.params())
            params[k] = v;
        resp.set_header("X-Handled-By", verb);
        resp.json({{"endpoint", req.endpoint()}, {"params", params}, {"version", req.version().str()}});
    };
}

Request make_request(std::string method, std::string uri, Pairs extra = {})
{
    Pairs env{{"REQUEST_METHOD", std::move(method)}, {"REQUEST_URI", std::move(uri)}, {"HTTP_HOST", "api.example.com"}};
    for (auto& p : extra)
        env.push_back(std::move(p));
    return Request(std::move(env), {}, nullptr, kMaxBody, kMaxBody);
}

struct Served {
    Request req;
    Response resp;

    json body() const { return resp.has_json() ? resp.json_body() : json(); }
    std::string header(std::string_view name) const
    {
        const std::string* v = resp.header(name);
        return v ? *v : "<none>";
    }
    std::string endpoint() const { return body().value("endpoint", ""); }
    std::string param(const std::string& name) const
    {
        json b = body();
        if (!b.contains("params") || !b["params"].contains(name))
            return "<none>";
        return b["params"][name].get<std::string>();
    }
    bool has_param(const std::string& name) const { return param(name) != "<none>"; }
};

Served serve(const Dispatcher& disp, std::string method, std::string uri, Pairs extra = {},
             std::span<const Hook> before = {}, std::span<const Hook> after = {})
{
    std::string path = uri.substr(0, uri.find('?'));
    if (!disp.mount().empty() && path.rfind(disp.mount(), 0) == 0)
        path.erase(0, disp.mount().size());
    if (path.empty())
        path = "/";
    Served s{make_request(std::move(method), std::move(uri), std::move(extra)), Response{}};
    disp.handle(s.req, s.resp, path, before, after);
    return s;
}

struct Compute {
    Dispatcher disp{kNova, ""};

    Compute()
    {
        for (const auto& ep : kEndpoints)
            if (std::strcmp(ep.name, "tenant_flavors") != 0)
                disp.set_handler(ep.name, {.get = echo()});
        disp.set_handler("v2_servers", {.post = echo("POST")});
        disp.set_handler("v2_server", {.put = echo("PUT")});
    }
};

std::string fault_message(const json& body, const std::string& name)
{
    if (!body.contains(name) || !body[name].contains("message"))
        return "<none>";
    return body[name]["message"].get<std::string>();
}

} // namespace

BOOST_AUTO_TEST_SUITE(dispatcher)

BOOST_FIXTURE_TEST_SUITE(routing, Compute)

BOOST_AUTO_TEST_CASE(index_and_variables)
{
    auto root = serve(disp, "GET", "/");
    BOOST_TEST(root.resp.status == 200);
    BOOST_TEST(root.endpoint() == "index");
    BOOST_TEST(root.req.endpoint() == "index");
    BOOST_CHECK(root.req.dispatcher() == &disp);

    auto list = serve(disp, "GET", "/v2/t1/servers?limit=1");
    BOOST_TEST(list.endpoint() == "v2_servers");
    BOOST_TEST(list.param("tenant_id") == "t1");
    BOOST_TEST(list.req.param("tenant_id") == "t1");
}

BOOST_AUTO_TEST_CASE(literal_beats_variable)
{
    auto detail = serve(disp, "GET", "/v2/t1/servers/detail");
    BOOST_TEST(detail.endpoint() == "v2_servers_detail");
    BOOST_TEST(!detail.has_param("server_id"));

    auto one = serve(disp, "GET", "/v2/t1/servers/abc");
    BOOST_TEST(one.endpoint() == "v2_server");
    BOOST_TEST(one.param("server_id") == "abc");
    BOOST_TEST(one.param("tenant_id") == "t1");
}

BOOST_AUTO_TEST_CASE(prefix_pattern_before_bare_variable)
{
    auto user = serve(disp, "GET", "/v2/t1/os-quota-sets/user=abc");
    BOOST_TEST(user.endpoint() == "quota_user");
    BOOST_TEST(user.param("user_id") == "abc");
    BOOST_TEST(!user.has_param("target_id"));

    auto target = serve(disp, "GET", "/v2/t1/os-quota-sets/xyz");
    BOOST_TEST(target.endpoint() == "quota_target");
    BOOST_TEST(target.param("target_id") == "xyz");

    auto empty_user = serve(disp, "GET", "/v2/t1/os-quota-sets/user=");
    BOOST_TEST(empty_user.endpoint() == "quota_target");
    BOOST_TEST(empty_user.param("target_id") == "user=");
}

BOOST_AUTO_TEST_CASE(explicit_entry_beats_alias)
{
    auto flavors = serve(disp, "GET", "/v2/flavors");
    BOOST_TEST(flavors.resp.status == 200);
    BOOST_TEST(flavors.endpoint() == "flavors");
    BOOST_TEST(!flavors.has_param("tenant_id"));

    auto tenant = serve(disp, "GET", "/v2/t1/flavors");
    BOOST_TEST(tenant.req.endpoint() == "tenant_flavors");
    BOOST_TEST(tenant.resp.status == 501);
}

BOOST_AUTO_TEST_CASE(alias_routes_without_tenant)
{
    auto one = serve(disp, "GET", "/v2.1/servers/x");
    BOOST_TEST(one.endpoint() == "v2_server");
    BOOST_TEST(one.param("server_id") == "x");
    BOOST_TEST(!one.has_param("tenant_id"));
    BOOST_TEST(!one.req.has_param("tenant_id"));

    auto detail = serve(disp, "GET", "/v2.1/servers/detail");
    BOOST_TEST(detail.endpoint() == "v2_servers_detail");

    auto bare = serve(disp, "GET", "/v2/servers/y");
    BOOST_TEST(bare.endpoint() == "v2_server");
    BOOST_TEST(bare.param("server_id") == "y");
    BOOST_TEST(!bare.has_param("tenant_id"));

    auto quota = serve(disp, "GET", "/v2.1/os-quota-sets/user=u1");
    BOOST_TEST(quota.endpoint() == "quota_user");
    BOOST_TEST(quota.param("user_id") == "u1");
}

BOOST_AUTO_TEST_CASE(path_variables_are_percent_decoded)
{
    auto space = serve(disp, "GET", "/v2.1/servers/my%20server");
    BOOST_TEST(space.endpoint() == "v2_server");
    BOOST_TEST(space.param("server_id") == "my server");

    auto slash = serve(disp, "GET", "/v2.1/servers/a%2Fb");
    BOOST_TEST(slash.resp.status == 200);
    BOOST_TEST(slash.endpoint() == "v2_server");
    BOOST_TEST(slash.param("server_id") == "a/b");

    auto tenant = serve(disp, "GET", "/v2/my%2Dproject/servers");
    BOOST_TEST(tenant.param("tenant_id") == "my-project");
}

BOOST_AUTO_TEST_CASE(trailing_slash_and_json_suffix)
{
    auto slash = serve(disp, "GET", "/v2.1/servers/");
    BOOST_TEST(slash.endpoint() == "v2_servers");

    auto json_list = serve(disp, "GET", "/v2.1/servers.json");
    BOOST_TEST(json_list.endpoint() == "v2_servers");

    auto flavors = serve(disp, "GET", "/v2/flavors.json");
    BOOST_TEST(flavors.endpoint() == "flavors");

    auto json_slash = serve(disp, "GET", "/v2/t1/servers.json/");
    BOOST_TEST(json_slash.endpoint() == "v2_servers");
}

BOOST_AUTO_TEST_CASE(exact_paths_refuse_a_trailing_slash_below_a_version_root)
{
    constexpr Endpoint endpoints[] = {{"v2_index", "/v2", "GET"},
                                      {"v2_servers", "/v2/{tenant_id}/servers", "GET POST"},
                                      {"v2_server", "/v2/{tenant_id}/servers/{server_id}", "GET PUT DELETE"}};
    ServiceSpec spec = kNova;
    spec.endpoints = endpoints;
    spec.aliases = {};
    spec.microversions = nullptr;
    spec.exact_paths = true;
    Dispatcher exact(spec, "");
    for (const auto& ep : endpoints)
        exact.set_handler(ep.name, {.get = echo()});
    BOOST_TEST(serve(exact, "GET", "/v2/t1/servers").resp.status == 200);
    BOOST_TEST(serve(exact, "GET", "/v2/").resp.status == 200);
    // What a client means by an empty id: nothing, not the collection (and not 405 for the verb it lacks).
    BOOST_TEST(serve(exact, "GET", "/v2/t1/servers/").resp.status == 404);
    BOOST_TEST(serve(exact, "PUT", "/v2/t1/servers/").resp.status == 404);
    BOOST_TEST(serve(exact, "DELETE", "/v2/t1/servers/").resp.status == 404);
}

BOOST_AUTO_TEST_CASE(json_suffix_after_a_literal_that_a_variable_could_take)
{
    auto detail = serve(disp, "GET", "/v2.1/servers/detail.json");
    BOOST_TEST(detail.endpoint() == "v2_servers_detail");
}

BOOST_AUTO_TEST_CASE(unknown_path_is_item_not_found)
{
    for (const char* uri : {"/nope", "/v2.1/servers/a/b", "/v3/servers", "/v2.0/tokens"}) {
        BOOST_TEST_CONTEXT("GET " << uri)
        {
            auto s = serve(disp, "GET", uri);
            BOOST_TEST(s.resp.status == 404);
            BOOST_TEST(s.body()["itemNotFound"]["code"].get<int>() == 404);
            BOOST_TEST(fault_message(s.body(), "itemNotFound") != "<none>");
        }
    }
}

BOOST_AUTO_TEST_CASE(endpoint_without_handler_is_not_implemented)
{
    auto flavors = serve(disp, "GET", "/v2.1/flavors");
    BOOST_TEST(flavors.resp.status == 501);
    BOOST_TEST(flavors.body()["notImplemented"]["code"].get<int>() == 501);

    auto del = serve(disp, "DELETE", "/v2.1/servers/abc");
    BOOST_TEST(del.resp.status == 501);
    BOOST_TEST(del.body()["notImplemented"]["code"].get<int>() == 501);
    BOOST_TEST(del.header("Allow") == "<none>");
}

BOOST_AUTO_TEST_CASE(verb_outside_catalogue_is_method_not_allowed)
{
    auto patch = serve(disp, "PATCH", "/v2.1/servers/abc");
    BOOST_TEST(patch.resp.status == 405);
    BOOST_TEST(patch.body()["badMethod"]["code"].get<int>() == 405);
    BOOST_TEST(patch.header("Allow") == "GET, PUT, DELETE");

    auto post = serve(disp, "POST", "/v2.1/servers/detail");
    BOOST_TEST(post.resp.status == 405);
    BOOST_TEST(post.header("Allow") == "GET");

    auto head = serve(disp, "HEAD", "/v2.1/servers/abc");
    BOOST_TEST(head.resp.status == 405);
    BOOST_TEST(head.header("Allow") == "GET, PUT, DELETE");

    auto odd = serve(disp, "OPTIONS", "/v2.1/servers");
    BOOST_TEST(odd.resp.status == 405);
    BOOST_TEST(odd.header("Allow") == "GET, POST");
}

BOOST_AUTO_TEST_CASE(head_is_served_by_get_when_listed)
{
    auto head = serve(disp, "HEAD", "/v2.0/tokens/tok1");
    BOOST_TEST(head.resp.status == 200);
    BOOST_TEST(head.req.endpoint() == "token");
    BOOST_TEST(head.header("X-Handled-By") == "GET");
    BOOST_TEST(!head.resp.has_json());
    BOOST_TEST(head.resp.encoded().empty());

    auto get = serve(disp, "GET", "/v2.0/tokens/tok1");
    BOOST_TEST(get.param("token_id") == "tok1");
}

BOOST_AUTO_TEST_CASE(own_head_handler_wins_over_get)
{
    disp.set_handler("token", {.head = echo("HEAD")});
    auto head = serve(disp, "HEAD", "/v2.0/tokens/tok1");
    BOOST_TEST(head.header("X-Handled-By") == "HEAD");
    BOOST_TEST(!head.resp.has_json());
}

BOOST_AUTO_TEST_CASE(verbs_reach_their_own_handler)
{
    auto post = serve(disp, "POST", "/v2.1/servers");
    BOOST_TEST(post.header("X-Handled-By") == "POST");
    auto put = serve(disp, "PUT", "/v2.1/servers/abc");
    BOOST_TEST(put.header("X-Handled-By") == "PUT");
    auto get = serve(disp, "GET", "/v2.1/servers/abc");
    BOOST_TEST(get.header("X-Handled-By") == "GET");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(catalogue)

BOOST_AUTO_TEST_CASE(mount_is_normalised)
{
    BOOST_TEST(Dispatcher(kNova, "/compute/").mount() == "/compute");
    BOOST_TEST(Dispatcher(kNova, "/").mount() == "");
    BOOST_TEST(Dispatcher(kNova, "").mount() == "");
    Dispatcher d(kNova, "/compute");
    BOOST_TEST(std::string(d.service()) == "compute");
    BOOST_CHECK(&d.spec() == &kNova);
}

BOOST_AUTO_TEST_CASE(set_handler_with_unknown_name_throws)
{
    Dispatcher d(kNova, "");
    BOOST_CHECK_THROW(d.set_handler("v2_nosuch", {.get = echo()}), std::invalid_argument);
    BOOST_CHECK_THROW(d.set_handler("", {.get = echo()}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(set_handler_replaces_only_the_verbs_it_fills)
{
    Dispatcher d(kNova, "");
    d.set_handler("v2_servers", {.get = echo("first GET"), .post = echo("first POST")});
    d.set_handler("v2_servers", {.post = echo("second POST")});
    BOOST_TEST(serve(d, "GET", "/v2.1/servers").header("X-Handled-By") == "first GET");
    BOOST_TEST(serve(d, "POST", "/v2.1/servers").header("X-Handled-By") == "second POST");
}

BOOST_AUTO_TEST_CASE(has_handler_by_verb)
{
    Dispatcher d(kNova, "");
    d.set_handler("token", {.get = echo()});
    d.set_handler("v2_server", {.get = echo()});
    BOOST_TEST(d.has_handler("token", "GET"));
    BOOST_TEST(d.has_handler("token", "HEAD"));
    BOOST_TEST(!d.has_handler("token", "DELETE"));
    BOOST_TEST(!d.has_handler("v2_server", "HEAD"));
    BOOST_TEST(!d.has_handler("v2_servers", "GET"));
    BOOST_TEST(!d.has_handler("nosuch", "GET"));
}

BOOST_AUTO_TEST_CASE(unused_endpoints_in_catalogue_order)
{
    Dispatcher d(kNova, "");
    BOOST_TEST(d.unused_endpoints().size() == std::size(kEndpoints));
    for (const auto& ep : kEndpoints)
        if (std::strcmp(ep.name, "tenant_flavors") != 0 && std::strcmp(ep.name, "flavors") != 0)
            d.set_handler(ep.name, {.get = echo()});
    d.set_handler("flavors", {.post = echo("POST")});
    BOOST_TEST(d.unused_endpoints() == (std::vector<std::string>{"tenant_flavors"}));
}

BOOST_AUTO_TEST_CASE(coverage_rows)
{
    Dispatcher d(kNova, "/compute");
    d.set_handler("v2_server", {.get = echo(), .patch = echo("PATCH")});
    d.set_handler("token", {.get = echo()});
    auto rows = d.coverage();

    auto find = [&](std::string_view endpoint, std::string_view method) -> const CoverageRow* {
        for (const auto& r : rows)
            if (r.endpoint == endpoint && r.method == method)
                return &r;
        return nullptr;
    };
    BOOST_TEST(rows.size() == 15u);
    BOOST_TEST(rows.front().endpoint == "index");
    BOOST_TEST(rows.front().path == "/compute");
    BOOST_TEST(rows.back().endpoint == "token");

    const CoverageRow* get = find("v2_server", "GET");
    BOOST_REQUIRE(get);
    BOOST_TEST(get->path == "/compute/v2/{tenant_id}/servers/{server_id}");
    BOOST_TEST((get->support == Support::yes));
    const CoverageRow* del = find("v2_server", "DELETE");
    BOOST_REQUIRE(del);
    BOOST_TEST((del->support == Support::no));
    const CoverageRow* patch = find("v2_server", "PATCH");
    BOOST_REQUIRE(patch);
    BOOST_TEST((patch->support == Support::yes));
    const CoverageRow* head = find("token", "HEAD");
    BOOST_REQUIRE(head);
    BOOST_TEST((head->support == Support::yes));
    BOOST_TEST(head->path == "/compute/v2.0/tokens/{token_id}");
    const CoverageRow* post = find("v2_servers", "POST");
    BOOST_REQUIRE(post);
    BOOST_TEST((post->support == Support::no));
    BOOST_TEST(!find("v2_server", "HEAD"));

    Dispatcher root(kNova, "");
    BOOST_TEST(root.coverage().front().path == "/");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(urls)

BOOST_AUTO_TEST_CASE(absolute_url_from_host_and_project)
{
    Dispatcher d(kNova, "/compute");
    auto req = make_request("GET", "/compute/v2.1/servers");
    req.context().project_id = "p1";
    BOOST_TEST(d.endpoint_url(req, "v2_servers") == "http://api.example.com/compute/v2/p1/servers");
    BOOST_TEST(d.endpoint_url(req, "index") == "http://api.example.com/compute/");
    BOOST_TEST(d.endpoint_url(req, "flavors") == "http://api.example.com/compute/v2/flavors");
    BOOST_TEST(d.base_url(req) == "http://api.example.com/compute");
}

BOOST_AUTO_TEST_CASE(forwarded_scheme_and_host)
{
    Dispatcher d(kNova, "/compute");
    auto req = make_request("GET", "/compute/",
                            {{"HTTP_X_FORWARDED_PROTO", "https"}, {"HTTP_X_FORWARDED_HOST", "cloud.example.com"}});
    req.context().project_id = "p1";
    BOOST_TEST(d.endpoint_url(req, "v2_server", {{"server_id", "abc"}}) ==
               "https://cloud.example.com/compute/v2/p1/servers/abc");
}

BOOST_AUTO_TEST_CASE(a_value_ending_in_json_links_back_to_itself)
{
    // Found by tests/fuzz (router/crashes/link-of-a-json-name): the link of "v.json" led to "v".
    Dispatcher d(kNova, "/compute");
    std::string seen;
    d.set_handler("v2_server", {.get = [&](const Request& r, Response&) { seen = r.param("server_id"); }});
    auto req = make_request("GET", "/compute/v2.1/servers");
    req.context().project_id = "p1";
    std::string url = d.endpoint_url(req, "v2_server", {{"server_id", "v.json"}});
    BOOST_TEST(url == "http://api.example.com/compute/v2/p1/servers/v%2Ejson");
    auto again = make_request("GET", url.substr(std::strlen("http://api.example.com")));
    Response resp;
    d.handle(again, resp, url.substr(std::strlen("http://api.example.com/compute")), {}, {});
    BOOST_TEST(seen == "v.json");
}

BOOST_AUTO_TEST_CASE(own_port_has_no_mount)
{
    Dispatcher d(kNova, "/compute");
    auto req = make_request("GET", "/", {{"JUMPGATE_SERVICE", "compute"}});
    BOOST_TEST(d.base_url(req) == "http://api.example.com");
    BOOST_TEST(d.endpoint_url(req, "flavors") == "http://api.example.com/v2/flavors");
}

BOOST_AUTO_TEST_CASE(a_document_by_origin_is_made_once_per_origin)
{
    Dispatcher d(kNova, "/compute");
    int made = 0;
    d.set_handler("index", {.get = by_origin(
                                [&](const Request& req) {
                                    ++made;
                                    return json{{"self", d.endpoint_url(req, "index")}};
                                },
                                300)});
    auto body_of = [&](Pairs extra) {
        auto s = serve(d, "GET", "/compute/", std::move(extra));
        BOOST_TEST(s.resp.status == 300);
        BOOST_TEST(s.resp.content_type() == "application/json");
        return json::parse(s.resp.encoded())["self"].get<std::string>();
    };
    BOOST_TEST(body_of({}) == "http://api.example.com/compute/");
    BOOST_TEST(body_of({}) == "http://api.example.com/compute/");
    BOOST_TEST(made == 1);
    BOOST_TEST(body_of({{"HTTP_X_FORWARDED_PROTO", "https"}}) == "https://api.example.com/compute/");
    BOOST_TEST(body_of({{"HTTP_X_FORWARDED_HOST", "cloud.example.com"}}) == "http://cloud.example.com/compute/");
    BOOST_TEST(body_of({{"JUMPGATE_SERVICE", "compute"}}) == "http://api.example.com/");
    BOOST_TEST(made == 4);
    for (int i = 0; i < 100; ++i) // past the bound the cache starts again, and keeps the latest
        body_of({{"HTTP_X_FORWARDED_HOST", "h" + std::to_string(i)}});
    BOOST_TEST(made == 104);
    BOOST_TEST(body_of({{"HTTP_X_FORWARDED_HOST", "h99"}}) == "http://h99/compute/");
    BOOST_TEST(made == 104);
}

BOOST_AUTO_TEST_CASE(remembered_answers_follow_their_generation_key_and_query)
{
    Dispatcher d(kNova, "/compute");
    int made = 0;
    std::optional<std::int64_t> generation = 1;
    d.set_handler("flavors", {.get = remembered(
                                  [&](const Request& req, Response& resp) {
                                      ++made;
                                      resp.json({{"made", made}, {"who", req.header("X-Who")}});
                                  },
                                  [](const Request& req) { return std::string(req.header("X-Who")); },
                                  [&] { return generation; })});
    auto made_by = [&](std::string uri, std::string who = "a") {
        auto q = uri.find('?');
        std::string query = q == std::string::npos ? "" : uri.substr(q + 1);
        auto s = serve(d, "GET", std::move(uri), {{"HTTP_X_WHO", who}, {"QUERY_STRING", query}});
        BOOST_TEST(s.resp.status == 200);
        return json::parse(s.resp.encoded())["made"].get<int>();
    };
    BOOST_TEST(made_by("/compute/v2/flavors") == 1);
    BOOST_TEST(made_by("/compute/v2/flavors") == 1);
    BOOST_TEST(made_by("/compute/v2/flavors", "b") == 2);    // the key
    BOOST_TEST(made_by("/compute/v2/flavors?limit=1") == 3); // the query
    generation = 2;
    BOOST_TEST(made_by("/compute/v2/flavors") == 4); // a new generation
    BOOST_TEST(made_by("/compute/v2/flavors") == 4);
    generation.reset();
    BOOST_TEST(made_by("/compute/v2/flavors") == 5); // none: made every time
    BOOST_TEST(made_by("/compute/v2/flavors") == 6);
}

BOOST_AUTO_TEST_CASE(explicit_param_beats_project)
{
    Dispatcher d(kNova, "/compute");
    auto req = make_request("GET", "/compute/");
    req.context().project_id = "p1";
    BOOST_TEST(d.endpoint_url(req, "v2_servers", {{"tenant_id", "p2"}}) ==
               "http://api.example.com/compute/v2/p2/servers");
}

BOOST_AUTO_TEST_CASE(variables_from_the_request_path)
{
    Dispatcher d(kNova, "/compute");
    std::string url;
    d.set_handler("v2_server", {.get = [&](const Request& req, Response&) {
                      url = req.dispatcher()->endpoint_url(req, "v2_server");
                  }});
    serve(d, "GET", "/compute/v2/t9/servers/abc");
    BOOST_TEST(url == "http://api.example.com/compute/v2/t9/servers/abc");
}

BOOST_AUTO_TEST_CASE(alias_form_is_kept)
{
    Dispatcher d(kNova, "/compute");
    std::string server, servers, flavors;
    d.set_handler("v2_server", {.get = [&](const Request& req, Response&) {
                      server = req.dispatcher()->endpoint_url(req, "v2_server");
                      servers = req.dispatcher()->endpoint_url(req, "v2_servers");
                      flavors = req.dispatcher()->endpoint_url(req, "flavors");
                  }});
    serve(d, "GET", "/compute/v2.1/servers/abc");
    BOOST_TEST(server == "http://api.example.com/compute/v2.1/servers/abc");
    BOOST_TEST(servers == "http://api.example.com/compute/v2.1/servers");
    BOOST_TEST(flavors == "http://api.example.com/compute/v2/flavors");
}

BOOST_AUTO_TEST_CASE(values_are_percent_encoded)
{
    Dispatcher d(kNova, "/compute");
    auto req = make_request("GET", "/compute/");
    BOOST_TEST(d.endpoint_url(req, "v2_server", {{"tenant_id", "p 1"}, {"server_id", "a/b?c#d%"}}) ==
               "http://api.example.com/compute/v2/p%201/servers/a%2Fb%3Fc%23d%25");
    BOOST_TEST(d.endpoint_url(req, "quota_user", {{"tenant_id", "p1"}, {"user_id", "u-1_x.y~z"}}) ==
               "http://api.example.com/compute/v2/p1/os-quota-sets/user=u-1_x.y~z");
}

BOOST_AUTO_TEST_CASE(missing_variable_or_unknown_name_throws)
{
    Dispatcher d(kNova, "/compute");
    auto req = make_request("GET", "/compute/");
    BOOST_CHECK_THROW(d.endpoint_url(req, "v2_servers"), std::invalid_argument);
    req.context().project_id = "p1";
    BOOST_CHECK_THROW(d.endpoint_url(req, "v2_server"), std::invalid_argument);
    BOOST_CHECK_THROW(d.endpoint_url(req, "nosuch"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(other_dispatchers_variables_are_not_used)
{
    Dispatcher a(kNova, "/compute");
    Dispatcher b(kNova, "/other");
    bool threw = false;
    a.set_handler("v2_server", {.get = [&](const Request& req, Response&) {
                      try {
                          b.endpoint_url(req, "v2_server");
                      } catch (const std::invalid_argument&) {
                          threw = true;
                      }
                  }});
    serve(a, "GET", "/compute/v2/t1/servers/abc");
    BOOST_TEST(threw);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(hooks, Compute)

BOOST_AUTO_TEST_CASE(run_in_order_around_the_handler)
{
    std::vector<std::string> trace;
    disp.add_before_hook([&](Request&, Response&) { trace.push_back("service before 1"); });
    disp.add_before_hook([&](Request&, Response&) { trace.push_back("service before 2"); });
    disp.add_after_hook([&](Request&, Response&) { trace.push_back("service after"); });
    disp.set_handler("v2_servers", {.get = [&](const Request&, Response& resp) {
                         trace.push_back("handler");
                         resp.json(json::object());
                     }});
    std::vector<Hook> before{[&](Request&, Response&) { trace.push_back("global before"); }};
    std::vector<Hook> after{[&](Request&, Response&) { trace.push_back("global after"); }};
    auto s = serve(disp, "GET", "/v2.1/servers", {}, before, after);
    BOOST_TEST(s.resp.status == 200);
    BOOST_TEST(trace == (std::vector<std::string>{"global before", "service before 1", "service before 2", "handler",
                                                  "service after", "global after"}));
}

BOOST_AUTO_TEST_CASE(before_hook_fills_the_context)
{
    std::string url;
    disp.set_handler("v2_servers", {.get = [&](const Request& req, Response&) {
                         url = req.dispatcher()->endpoint_url(req, "v2_servers");
                     }});
    std::vector<Hook> before{[](Request& req, Response&) {
        req.context().project_id = "p7";
        req.context().authenticated = true;
    }};
    serve(disp, "GET", "/v2/p7/servers", {}, before);
    BOOST_TEST(url == "http://api.example.com/v2/p7/servers");
}

BOOST_AUTO_TEST_CASE(fault_in_before_hook_stops_the_handler)
{
    std::vector<std::string> trace;
    disp.add_before_hook([&](Request&, Response&) { trace.push_back("service before"); });
    disp.add_after_hook([&](Request&, Response&) { trace.push_back("service after"); });
    disp.set_handler("v2_servers", {.get = [&](const Request&, Response&) { trace.push_back("handler"); }});
    std::vector<Hook> before{[&](Request&, Response&) {
        trace.push_back("global before");
        throw Unauthorized("Authentication required");
    }};
    std::vector<Hook> after{[&](Request&, Response&) { trace.push_back("global after"); }};
    auto s = serve(disp, "GET", "/v2.1/servers", {}, before, after);
    BOOST_TEST(s.resp.status == 401);
    BOOST_TEST(s.body().dump() == R"({"unauthorized":{"code":401,"message":"Authentication required"}})");
    BOOST_TEST(trace == (std::vector<std::string>{"global before", "service after", "global after"}));
}

BOOST_AUTO_TEST_CASE(after_hooks_run_after_a_fault)
{
    int seen_status = 0;
    disp.set_handler("v2_servers", {.post = [](const Request&, Response&) { throw Conflict("Server is locked"); }});
    disp.add_after_hook([&](Request&, Response& resp) {
        seen_status = resp.status;
        resp.set_header("X-After", "ran");
    });
    auto s = serve(disp, "POST", "/v2.1/servers");
    BOOST_TEST(seen_status == 409);
    BOOST_TEST(s.resp.status == 409);
    BOOST_TEST(s.header("X-After") == "ran");
    BOOST_TEST(fault_message(s.body(), "conflictingRequest") == "Server is locked");
}

BOOST_AUTO_TEST_CASE(after_hooks_run_after_not_found)
{
    bool ran = false;
    std::vector<Hook> after{[&](Request&, Response&) { ran = true; }};
    auto s = serve(disp, "GET", "/nowhere", {}, {}, after);
    BOOST_TEST(s.resp.status == 404);
    BOOST_TEST(ran);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(errors, Compute)

BOOST_AUTO_TEST_CASE(exception_becomes_compute_fault_without_its_text)
{
    disp.set_handler("v2_servers",
                     {.get = [](const Request&, Response&) { throw std::runtime_error("db password is hunter2"); }});
    auto s = serve(disp, "GET", "/v2.1/servers");
    BOOST_TEST(s.resp.status == 500);
    BOOST_TEST(s.body()["computeFault"]["code"].get<int>() == 500);
    std::string message = fault_message(s.body(), "computeFault");
    BOOST_TEST(message != "<none>");
    BOOST_TEST(message.find("hunter2") == std::string::npos);
    BOOST_TEST(s.body().dump().find("hunter2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_path_variable_that_is_not_utf8_is_bad_request)
{
    bool called = false;
    disp.set_handler("v2_server", {.put = [&](const Request&, Response&) { called = true; }});
    for (const char* id : {"%FF", "%FF%FE", "a%C3", "%C0%AF", "%ED%A0%80"}) {
        auto s = serve(disp, "PUT", std::string("/v2.1/servers/") + id);
        BOOST_TEST(s.resp.status == 400, id);
        BOOST_TEST(fault_message(s.body(), "badRequest").find("server_id") != std::string::npos, id);
    }
    BOOST_TEST(!called);
    auto fine = serve(disp, "GET", "/v2.1/servers/caf%C3%A9");
    BOOST_TEST(fine.resp.status == 200);
    BOOST_TEST(fine.param("server_id") == "caf\xc3\xa9");
}

BOOST_AUTO_TEST_CASE(a_body_member_of_the_wrong_type_is_bad_request)
{
    struct Body : BodySource {
        std::string data = R"({"server": {"name": 5}})";
        std::size_t read(char* buffer, std::size_t size) override
        {
            std::size_t n = std::min(size, data.size());
            data.copy(buffer, n);
            data.erase(0, n);
            return n;
        }
    };
    disp.set_handler("v2_servers", {.post = [](const Request& req, Response& resp) {
                         std::string name = req.json_body()["server"]["name"];
                         resp.json({{"name", name}});
                     }});
    Served s{Request({{"REQUEST_METHOD", "POST"},
                      {"REQUEST_URI", "/v2.1/servers"},
                      {"HTTP_HOST", "h"},
                      {"CONTENT_TYPE", "application/json"},
                      {"CONTENT_LENGTH", "23"}},
                     {}, std::make_unique<Body>(), kMaxBody, kMaxBody),
             Response{}};
    disp.handle(s.req, s.resp, "/v2.1/servers", {}, {});
    BOOST_TEST(s.resp.status == 400);
    BOOST_TEST(fault_message(s.body(), "badRequest").find("type must be string") != std::string::npos);

    // Without a body to blame, a type error is the server's own.
    disp.set_handler("v2_servers", {.get = [](const Request&, Response&) {
                         json stored = 5;
                         (void)stored.get<std::string>();
                     }});
    BOOST_TEST(serve(disp, "GET", "/v2.1/servers").resp.status == 500);
}

BOOST_AUTO_TEST_CASE(non_standard_exception_becomes_compute_fault)
{
    disp.set_handler("v2_servers", {.get = [](const Request&, Response&) { throw 42; }});
    auto s = serve(disp, "GET", "/v2.1/servers");
    BOOST_TEST(s.resp.status == 500);
    BOOST_TEST(s.body().contains("computeFault"));
}

BOOST_AUTO_TEST_CASE(request_ids_on_every_response)
{
    disp.set_handler("v2_servers", {.post = [](const Request&, Response&) { throw std::runtime_error("boom"); }});
    for (auto [method, uri] : {std::pair{"GET", "/v2.1/servers"}, std::pair{"GET", "/nowhere"},
                               std::pair{"POST", "/v2.1/servers"}, std::pair{"PATCH", "/v2.1/servers"}}) {
        BOOST_TEST_CONTEXT(method << " " << uri)
        {
            auto s = serve(disp, method, uri);
            BOOST_TEST(s.req.id().substr(0, 4) == "req-");
            BOOST_TEST(s.header("X-Openstack-Request-Id") == s.req.id());
            BOOST_TEST(s.header("X-Compute-Request-Id") == s.req.id());
        }
    }

    Dispatcher keystone(kKeystone, "");
    auto s = serve(keystone, "GET", "/nowhere");
    BOOST_TEST(s.header("X-Openstack-Request-Id") == s.req.id());
    BOOST_TEST(s.header("X-Compute-Request-Id") == "<none>");
}

BOOST_AUTO_TEST_CASE(content_length_over_max_body_is_rejected_first)
{
    bool ran = false;
    disp.set_handler("v2_servers", {.post = [&](const Request&, Response&) { ran = true; }});
    auto big = serve(disp, "POST", "/v2.1/servers", {{"CONTENT_LENGTH", std::to_string(kMaxBody + 1)}});
    BOOST_TEST(big.resp.status == 413);
    BOOST_TEST(big.body()["overLimit"]["code"].get<int>() == 413);
    BOOST_TEST(!ran);

    auto fits = serve(disp, "POST", "/v2.1/servers", {{"CONTENT_LENGTH", std::to_string(kMaxBody)}});
    BOOST_TEST(ran);
    BOOST_TEST(fits.resp.status == 200);
}

BOOST_AUTO_TEST_CASE(unparsable_content_length_is_bad_request)
{
    bool ran = false;
    disp.set_handler("v2_servers", {.post = [&](const Request&, Response&) { ran = true; }});
    auto s = serve(disp, "POST", "/v2.1/servers", {{"CONTENT_LENGTH", "lots"}});
    BOOST_TEST(s.resp.status == 400);
    BOOST_TEST(s.body().contains("badRequest"));
    BOOST_TEST(!ran);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(microversions, Compute)

BOOST_AUTO_TEST_CASE(default_is_the_minimum)
{
    auto s = serve(disp, "GET", "/v2.1/servers");
    BOOST_TEST(s.req.version().str() == "2.1");
    BOOST_TEST(s.body()["version"].get<std::string>() == "2.1");
    BOOST_TEST(s.header("OpenStack-API-Version") == "compute 2.1");
    BOOST_TEST(s.header("X-OpenStack-Nova-API-Version") == "2.1");
    BOOST_TEST(s.header("Vary") == "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
}

BOOST_AUTO_TEST_CASE(requested_version_is_used_and_echoed)
{
    auto s = serve(disp, "GET", "/v2.1/servers", {{"HTTP_OPENSTACK_API_VERSION", "compute 2.47"}});
    BOOST_TEST(s.resp.status == 200);
    BOOST_TEST(s.req.version().str() == "2.47");
    BOOST_TEST(s.header("OpenStack-API-Version") == "compute 2.47");
    BOOST_TEST(s.header("X-OpenStack-Nova-API-Version") == "2.47");
    BOOST_TEST(s.header("Vary") == "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
}

BOOST_AUTO_TEST_CASE(other_services_in_the_header_are_ignored)
{
    auto s = serve(disp, "GET", "/v2.1/servers", {{"HTTP_OPENSTACK_API_VERSION", "volume 3.5, compute 2.60"}});
    BOOST_TEST(s.req.version().str() == "2.60");
    auto only_other = serve(disp, "GET", "/v2.1/servers", {{"HTTP_OPENSTACK_API_VERSION", "volume 3.5"}});
    BOOST_TEST(only_other.req.version().str() == "2.1");
    auto prefix = serve(disp, "GET", "/v2.1/servers", {{"HTTP_OPENSTACK_API_VERSION", "computer 2.5"}});
    BOOST_TEST(prefix.req.version().str() == "2.1");
}

BOOST_AUTO_TEST_CASE(latest_is_the_maximum)
{
    auto s = serve(disp, "GET", "/v2.1/servers", {{"HTTP_OPENSTACK_API_VERSION", "compute latest"}});
    BOOST_TEST(s.req.version().str() == "2.90");
    BOOST_TEST(s.header("OpenStack-API-Version") == "compute 2.90");
}

BOOST_AUTO_TEST_CASE(legacy_header)
{
    auto s = serve(disp, "GET", "/v2.1/servers", {{"HTTP_X_OPENSTACK_NOVA_API_VERSION", "2.10"}});
    BOOST_TEST(s.req.version().str() == "2.10");
    BOOST_TEST(s.header("X-OpenStack-Nova-API-Version") == "2.10");

    auto both = serve(disp, "GET", "/v2.1/servers",
                      {{"HTTP_X_OPENSTACK_NOVA_API_VERSION", "2.10"}, {"HTTP_OPENSTACK_API_VERSION", "compute 2.20"}});
    BOOST_TEST(both.req.version().str() == "2.20");

    auto latest = serve(disp, "GET", "/v2.1/servers", {{"HTTP_X_OPENSTACK_NOVA_API_VERSION", "latest"}});
    BOOST_TEST(latest.req.version().str() == "2.90");
}

BOOST_AUTO_TEST_CASE(out_of_range_is_not_acceptable)
{
    bool ran = false;
    disp.set_handler("v2_servers", {.get = [&](const Request&, Response&) { ran = true; }});
    for (const char* v : {"compute 2.91", "compute 3.0", "compute 2.0", "compute 1.99"}) {
        BOOST_TEST_CONTEXT(v)
        {
            auto s = serve(disp, "GET", "/v2.1/servers", {{"HTTP_OPENSTACK_API_VERSION", v}});
            BOOST_TEST(s.resp.status == 406);
            BOOST_TEST(s.body()["notAcceptable"]["code"].get<int>() == 406);
            BOOST_TEST(s.header("Vary") == "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
        }
    }
    BOOST_TEST(!ran);
    auto bounds = serve(disp, "GET", "/v2.1/servers", {{"HTTP_OPENSTACK_API_VERSION", "compute 2.90"}});
    BOOST_TEST(bounds.resp.status == 200);
}

BOOST_AUTO_TEST_CASE(malformed_is_bad_request)
{
    for (const char* v : {"compute 2", "compute 2.x", "compute two", "compute 2.1.1"}) {
        BOOST_TEST_CONTEXT(v)
        {
            auto s = serve(disp, "GET", "/v2.1/servers", {{"HTTP_OPENSTACK_API_VERSION", v}});
            BOOST_TEST(s.resp.status == 400);
            BOOST_TEST(s.body()["badRequest"]["code"].get<int>() == 400);
        }
    }
    auto legacy = serve(disp, "GET", "/v2.1/servers", {{"HTTP_X_OPENSTACK_NOVA_API_VERSION", "x"}});
    BOOST_TEST(legacy.resp.status == 400);
}

BOOST_AUTO_TEST_CASE(only_under_the_versioned_prefix)
{
    auto s = serve(disp, "GET", "/v2/t1/servers", {{"HTTP_OPENSTACK_API_VERSION", "compute 2.47"}});
    BOOST_TEST(s.resp.status == 200);
    BOOST_TEST(s.req.version().str() == "2.1");
    BOOST_TEST(s.header("Vary") == "<none>");
    BOOST_TEST(s.header("OpenStack-API-Version") == "<none>");

    auto bad = serve(disp, "GET", "/v2/t1/servers", {{"HTTP_OPENSTACK_API_VERSION", "compute 9.9"}});
    BOOST_TEST(bad.resp.status == 200);
}

BOOST_AUTO_TEST_CASE(unversioned_service_has_null_version)
{
    Dispatcher keystone(kKeystone, "");
    keystone.set_handler("v2_servers", {.get = echo()});
    auto s = serve(keystone, "GET", "/v2/t1/servers", {{"HTTP_OPENSTACK_API_VERSION", "compute 2.47"}});
    BOOST_TEST(s.resp.status == 200);
    BOOST_TEST(s.req.version().is_null());
    BOOST_TEST(s.header("Vary") == "<none>");
}

BOOST_AUTO_TEST_CASE(negotiated_below_a_mount)
{
    Dispatcher mounted(kNova, "/compute");
    mounted.set_handler("v2_servers", {.get = echo()});
    auto s = serve(mounted, "GET", "/compute/v2.1/servers", {{"HTTP_OPENSTACK_API_VERSION", "compute 2.47"}});
    BOOST_TEST(s.resp.status == 200);
    BOOST_TEST(s.req.version().str() == "2.47");
    BOOST_TEST(s.header("OpenStack-API-Version") == "compute 2.47");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fault_envelopes)

BOOST_AUTO_TEST_CASE(nova_names_by_status)
{
    Dispatcher d(kNova, "");
    auto req = make_request("GET", "/");
    const std::pair<int, const char*> names[] = {
        {400, "badRequest"},   {401, "unauthorized"},      {403, "forbidden"},          {404, "itemNotFound"},
        {405, "badMethod"},    {406, "notAcceptable"},     {409, "conflictingRequest"}, {413, "overLimit"},
        {415, "badMediaType"}, {429, "overLimit"},         {500, "computeFault"},       {501, "notImplemented"},
        {502, "computeFault"}, {503, "serviceUnavailable"}};
    for (auto [status, name] : names) {
        BOOST_TEST_CONTEXT("status " << status)
        {
            Response resp;
            d.write_fault(req, resp, Fault(status, "went wrong"));
            BOOST_TEST(resp.status == status);
            json expected = {{name, {{"code", status}, {"message", "went wrong"}}}};
            BOOST_TEST(resp.json_body().dump() == expected.dump());
            BOOST_TEST(resp.content_type() == "application/json");
        }
    }
}

BOOST_AUTO_TEST_CASE(nova_kind_overrides_the_name)
{
    Dispatcher d(kNova, "");
    auto req = make_request("GET", "/");
    Response resp;
    d.write_fault(req, resp, Conflict("Cannot 'pause' instance", "instanceInvalidState"));
    BOOST_TEST(resp.status == 409);
    BOOST_TEST(resp.json_body().dump() ==
               R"({"instanceInvalidState":{"code":409,"message":"Cannot 'pause' instance"}})");
}

BOOST_AUTO_TEST_CASE(keystone_error)
{
    Dispatcher d(kKeystone, "");
    auto s = serve(d, "GET", "/nowhere");
    BOOST_TEST(s.resp.status == 404);
    BOOST_TEST(s.body().dump() ==
               R"({"error":{"code":404,"message":"The resource could not be found.","title":"Not Found"}})");

    Response resp;
    d.write_fault(s.req, resp, Unauthorized("The request you have made requires authentication."));
    BOOST_TEST(resp.status == 401);
    BOOST_TEST(resp.json_body()["error"]["code"].get<int>() == 401);
    BOOST_TEST(resp.json_body()["error"]["title"].get<std::string>() == "Unauthorized");
    BOOST_TEST(resp.json_body()["error"]["message"].get<std::string>() ==
               "The request you have made requires authentication.");

    auto nyi = serve(d, "GET", "/v2/t1/servers");
    BOOST_TEST(nyi.resp.status == 501);
    BOOST_TEST(nyi.body()["error"]["title"].get<std::string>() == "Not Implemented");
}

BOOST_AUTO_TEST_CASE(neutron_error)
{
    Dispatcher d(kNeutron, "");
    auto s = serve(d, "GET", "/nowhere");
    BOOST_TEST(s.resp.status == 404);
    BOOST_TEST(s.body().dump() ==
               R"({"NeutronError":{"detail":"","message":"The resource could not be found.","type":"HTTPNotFound"}})");

    Response kind;
    d.write_fault(s.req, kind, NotFound("Network n1 could not be found.", "NetworkNotFound"));
    BOOST_TEST(kind.json_body()["NeutronError"]["type"].get<std::string>() == "NetworkNotFound");
    BOOST_TEST(kind.json_body()["NeutronError"]["message"].get<std::string>() == "Network n1 could not be found.");

    Response big;
    d.write_fault(s.req, big, PayloadTooLarge("too big"));
    BOOST_TEST(big.json_body()["NeutronError"]["type"].get<std::string>() == "HTTPRequestEntityTooLarge");
}

BOOST_AUTO_TEST_CASE(glance_html_with_escaped_message)
{
    Dispatcher d(kGlance, "");
    auto req = make_request("GET", "/");
    Response resp;
    d.write_fault(req, resp, NotFound("No image <b>\"x\"</b> & co"));
    BOOST_TEST(resp.status == 404);
    BOOST_TEST(!resp.has_json());
    BOOST_TEST(resp.content_type() == "text/html; charset=UTF-8");
    std::string html = resp.encoded();
    BOOST_TEST(html.find("<title>404 Not Found</title>") != std::string::npos);
    BOOST_TEST(html.find("<h1>404 Not Found</h1>") != std::string::npos);
    BOOST_TEST(html.find("No image &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; co") != std::string::npos);
    BOOST_TEST(html.find("<b>") == std::string::npos);
    BOOST_TEST(html.rfind("<html>", 0) == 0);

    auto s = serve(d, "GET", "/nowhere");
    BOOST_TEST(s.resp.status == 404);
    BOOST_TEST(s.resp.content_type() == "text/html; charset=UTF-8");
    BOOST_TEST(s.resp.encoded().find("The resource could not be found.") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
