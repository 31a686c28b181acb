// SPDX-License-Identifier: Apache-2.0
// Unit tests of Request: CGI parameters, headers, query, scheme and host, the JSON body, ids.
#include <jumpgate/fault.hpp>
#include <jumpgate/hex.hpp>
#include <jumpgate/request.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

using namespace jumpgate;

namespace {

class StringBody : public BodySource {
  public:
    StringBody(std::string data, int* reads, std::size_t chunk = 5)
        : data_(std::move(data)), reads_(reads), chunk_(chunk)
    {
    }

    std::size_t read(char* buffer, std::size_t size) override
    {
        if (reads_)
            ++*reads_;
        std::size_t n = std::min({size, chunk_, data_.size() - pos_});
        std::memcpy(buffer, data_.data() + pos_, n);
        pos_ += n;
        return n;
    }

  private:
    std::string data_;
    std::size_t pos_ = 0;
    int* reads_;
    std::size_t chunk_;
};

Request make(Pairs env, Pairs query = {}, std::unique_ptr<BodySource> body = nullptr, std::size_t max_body = 1 << 20,
             std::size_t max_json = 1 << 16)
{
    return Request(std::move(env), std::move(query), std::move(body), max_body, max_json);
}

Request with_body(std::string content_type, std::string body, int* reads = nullptr, std::size_t max_json = 1 << 16,
                  std::string content_length = {})
{
    Pairs env{{"REQUEST_METHOD", "POST"}, {"REQUEST_URI", "/v2.1/servers"}};
    if (!content_type.empty())
        env.emplace_back("CONTENT_TYPE", std::move(content_type));
    if (!content_length.empty())
        env.emplace_back("CONTENT_LENGTH", std::move(content_length));
    return make(std::move(env), {}, std::make_unique<StringBody>(std::move(body), reads), 1 << 20, max_json);
}

std::string str(std::string_view v)
{
    return std::string(v);
}

bool is_uuid4(const std::string& s)
{
    if (s.size() != 36)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!std::strchr("0123456789abcdef", s[i]) || s[i] == '\0') {
            return false;
        }
    }
    return s[14] == '4' && std::strchr("89ab", s[19]) != nullptr;
}

} // namespace

BOOST_AUTO_TEST_SUITE(request)

BOOST_AUTO_TEST_SUITE(cgi_parameters)

BOOST_AUTO_TEST_CASE(method_and_path_without_query)
{
    auto req = make({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/compute/v2.1/servers/my%20vm?limit=10&marker=abc"}});
    BOOST_TEST(req.method() == "GET");
    BOOST_TEST(req.path() == "/compute/v2.1/servers/my%20vm");
    BOOST_TEST(str(req.env("REQUEST_URI")) == "/compute/v2.1/servers/my%20vm?limit=10&marker=abc");
}

BOOST_AUTO_TEST_CASE(path_falls_back_to_document_uri_then_root)
{
    auto doc = make({{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/image/v2/images"}});
    BOOST_TEST(doc.path() == "/image/v2/images");
    auto none = make({{"REQUEST_METHOD", "GET"}});
    BOOST_TEST(none.path() == "/");
    auto query_only = make({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "?a=1"}});
    BOOST_TEST(query_only.path() == "/");
}

BOOST_AUTO_TEST_CASE(env_is_exact_and_empty_when_absent)
{
    auto req = make({{"SERVER_NAME", "api.local"}, {"HTTP_X_AUTH_TOKEN", "tok"}});
    BOOST_TEST(str(req.env("SERVER_NAME")) == "api.local");
    BOOST_TEST(str(req.env("server_name")) == "");
    BOOST_TEST(str(req.env("SERVER_PORT")) == "");
}

BOOST_AUTO_TEST_CASE(headers_with_a_prefix_lose_it_and_read_lower_case_with_dashes)
{
    auto req = make({{"HTTP_X_IMAGE_META_NAME", "Ubuntu"},
                     {"HTTP_X_IMAGE_META_PROPERTY_DISTRO_NAME", "10.04"},
                     {"HTTP_X_IMAGE_META", "no rest"},
                     {"HTTP_X_AUTH_TOKEN", "tok"},
                     {"X_IMAGE_META_ID", "not a header"}});
    Pairs got = req.headers_with_prefix("X-Image-Meta-");
    Pairs want{{"name", "Ubuntu"}, {"property-distro-name", "10.04"}};
    BOOST_TEST(got == want);
    BOOST_TEST(req.headers_with_prefix("X-Nothing-").empty());
}

BOOST_AUTO_TEST_CASE(defaults_before_routing)
{
    auto req = make({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/"}});
    BOOST_TEST(req.version().is_null());
    BOOST_TEST(req.endpoint().empty());
    BOOST_CHECK(req.dispatcher() == nullptr);
    BOOST_TEST(req.params().empty());
    BOOST_TEST(!req.has_param("server_id"));
    BOOST_CHECK_THROW(req.param("server_id"), std::out_of_range);
    BOOST_CHECK(req.body() == nullptr);
    BOOST_TEST(!req.context().authenticated);
}

BOOST_AUTO_TEST_CASE(context_roles)
{
    Context c;
    BOOST_TEST(!c.has_role("member"));
    BOOST_TEST(!c.is_admin());
    c.roles = {"reader", "member"};
    BOOST_TEST(c.has_role("member"));
    BOOST_TEST(!c.has_role("Member"));
    BOOST_TEST(!c.is_admin());
    c.roles.push_back("admin");
    BOOST_TEST(c.is_admin());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(headers)

BOOST_AUTO_TEST_CASE(lookup_is_case_insensitive)
{
    auto req = make({{"HTTP_X_AUTH_TOKEN", "gAAAAB"}, {"HTTP_HOST", "api.example.com"}});
    BOOST_TEST(str(req.header("X-Auth-Token")) == "gAAAAB");
    BOOST_TEST(str(req.header("x-auth-token")) == "gAAAAB");
    BOOST_TEST(str(req.header("X-AUTH-TOKEN")) == "gAAAAB");
    BOOST_TEST(req.has_header("x-Auth-token"));
    BOOST_TEST(str(req.header("Host")) == "api.example.com");
}

BOOST_AUTO_TEST_CASE(absent_header_is_empty)
{
    auto req = make({{"HTTP_X_AUTH_TOKEN", "tok"}, {"SERVER_NAME", "srv"}});
    BOOST_TEST(str(req.header("X-Subject-Token")) == "");
    BOOST_TEST(!req.has_header("X-Subject-Token"));
    BOOST_TEST(str(req.header("Auth-Token")) == "");
    BOOST_TEST(str(req.header("X-Auth-Token-Extra")) == "");
    BOOST_TEST(!req.has_header("Server-Name"));
}

BOOST_AUTO_TEST_CASE(content_type_and_length_come_from_cgi_names)
{
    auto req = make({{"CONTENT_TYPE", "application/json"}, {"CONTENT_LENGTH", "17"}});
    BOOST_TEST(str(req.header("Content-Type")) == "application/json");
    BOOST_TEST(str(req.header("content-type")) == "application/json");
    BOOST_TEST(str(req.content_type()) == "application/json");
    BOOST_TEST(str(req.header("Content-Length")) == "17");
    BOOST_TEST(req.has_header("Content-Length"));
    BOOST_TEST(req.content_length() == 17);
}

BOOST_AUTO_TEST_CASE(http_content_type_is_not_content_type)
{
    auto only = make({{"HTTP_CONTENT_TYPE", "text/plain"}, {"HTTP_CONTENT_LENGTH", "5"}});
    BOOST_TEST(str(only.header("Content-Type")) == "");
    BOOST_TEST(!only.has_header("Content-Type"));
    BOOST_TEST(str(only.header("Content-Length")) == "");
    BOOST_TEST(only.content_length() == -1);

    auto both = make({{"HTTP_CONTENT_TYPE", "text/plain"}, {"CONTENT_TYPE", "application/json"}});
    BOOST_TEST(str(both.header("Content-Type")) == "application/json");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(query)

BOOST_AUTO_TEST_CASE(first_value_all_values_and_presence)
{
    auto req = make({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/v2/images?tag=a&tag=b"}},
                    {{"limit", "10"}, {"tag", "a"}, {"tag", "b"}, {"marker", ""}});
    BOOST_TEST(str(req.query("limit")) == "10");
    BOOST_TEST(str(req.query("tag")) == "a");
    BOOST_TEST(req.query_all("tag") == (std::vector<std::string>{"a", "b"}));
    BOOST_TEST(req.query_all("limit") == (std::vector<std::string>{"10"}));
    BOOST_TEST(req.query_all("sort").empty());
    BOOST_TEST(req.has_query("marker"));
    BOOST_TEST(str(req.query("marker")) == "");
    BOOST_TEST(!req.has_query("sort"));
    BOOST_TEST(str(req.query("sort")) == "");
    BOOST_TEST(!req.has_query("Limit"));
    BOOST_TEST(req.query_pairs().size() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scheme_and_host)

BOOST_AUTO_TEST_CASE(scheme_prefers_forwarded_proto_first_item)
{
    auto req = make({{"HTTP_X_FORWARDED_PROTO", "https, http"}, {"HTTPS", ""}, {"REQUEST_SCHEME", "http"}});
    BOOST_TEST(req.scheme() == "https");
    auto spaced = make({{"HTTP_X_FORWARDED_PROTO", " https ,http"}, {"REQUEST_SCHEME", "http"}});
    BOOST_TEST(spaced.scheme() == "https");
    auto over_https = make({{"HTTP_X_FORWARDED_PROTO", "http"}, {"HTTPS", "on"}});
    BOOST_TEST(over_https.scheme() == "http");
}

BOOST_AUTO_TEST_CASE(scheme_then_https_then_request_scheme)
{
    BOOST_TEST(make({{"HTTPS", "on"}, {"REQUEST_SCHEME", "http"}}).scheme() == "https");
    BOOST_TEST(make({{"REQUEST_SCHEME", "https"}}).scheme() == "https");
    BOOST_TEST(make({{"HTTPS", "off"}, {"REQUEST_SCHEME", "http"}}).scheme() == "http");
    BOOST_TEST(make({{"HTTP_X_FORWARDED_PROTO", ""}, {"HTTPS", "on"}}).scheme() == "https");
    BOOST_TEST(make({}).scheme() == "http");
}

BOOST_AUTO_TEST_CASE(host_prefers_forwarded_host_first_item)
{
    auto req = make({{"HTTP_X_FORWARDED_HOST", "cloud.example.com, proxy.internal"},
                     {"HTTP_HOST", "backend:8080"},
                     {"SERVER_NAME", "srv"},
                     {"SERVER_PORT", "8774"}});
    BOOST_TEST(req.host() == "cloud.example.com");
}

BOOST_AUTO_TEST_CASE(host_then_host_header_then_server_name)
{
    BOOST_TEST(make({{"HTTP_HOST", "backend:8080"}, {"SERVER_NAME", "srv"}, {"SERVER_PORT", "8774"}}).host() ==
               "backend:8080");
    BOOST_TEST(make({{"HTTP_HOST", "backend"}, {"SERVER_NAME", "srv"}}).host() == "backend");
    BOOST_TEST(make({{"SERVER_NAME", "srv"}, {"SERVER_PORT", "8774"}}).host() == "srv:8774");
    BOOST_TEST(make({{"SERVER_NAME", "srv"}}).host() == "srv");
    BOOST_TEST(make({}).host() == "localhost");
}

BOOST_AUTO_TEST_CASE(server_port_only_when_not_the_schemes_own)
{
    BOOST_TEST(make({{"HTTP_HOST", "api.example.com"}, {"SERVER_PORT", "8080"}}).host() == "api.example.com:8080");
    BOOST_TEST(make({{"SERVER_NAME", "srv"}, {"SERVER_PORT", "80"}}).host() == "srv");
    BOOST_TEST(make({{"SERVER_NAME", "srv"}, {"SERVER_PORT", "443"}, {"HTTPS", "on"}}).host() == "srv");
    BOOST_TEST(make({{"SERVER_NAME", "srv"}, {"SERVER_PORT", "443"}}).host() == "srv:443");
    BOOST_TEST(make({{"SERVER_NAME", "srv"}, {"SERVER_PORT", "80"}, {"HTTPS", "on"}}).host() == "srv:80");
    BOOST_TEST(make({{"HTTP_HOST", "[::1]"}, {"SERVER_PORT", "8080"}}).host() == "[::1]:8080");
    BOOST_TEST(make({{"HTTP_HOST", "[::1]:9000"}, {"SERVER_PORT", "8080"}}).host() == "[::1]:9000");
    BOOST_TEST(
        make({{"HTTP_HOST", "api.example.com"}, {"SERVER_PORT", "8080"}, {"HTTP_X_FORWARDED_PROTO", "https"}}).host() ==
        "api.example.com");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(json_body)

BOOST_AUTO_TEST_CASE(parses_once_and_caches)
{
    int reads = 0;
    auto req = with_body("application/json", R"({"server": {"name": "vm-1", "flavorRef": "1"}})", &reads);
    const json& first = req.json_body();
    BOOST_TEST(first["server"]["name"].get<std::string>() == "vm-1");
    int after_first = reads;
    BOOST_TEST(after_first > 1);
    const json& second = req.json_body();
    BOOST_CHECK(&first == &second);
    BOOST_TEST(reads == after_first);
}

BOOST_AUTO_TEST_CASE(json_media_types_are_accepted)
{
    for (const char* type :
         {"application/json", "application/json; charset=UTF-8", "application/openstack-images-v2.1-json-patch",
          "application/vnd.openstack.compute+json"}) {
        BOOST_TEST_CONTEXT("Content-Type " << type)
        {
            auto req = with_body(type, R"([{"op": "replace", "path": "/name", "value": "x"}])");
            BOOST_TEST(req.json_body().is_array());
            BOOST_TEST(req.json_body()[0]["op"].get<std::string>() == "replace");
        }
    }
}

BOOST_AUTO_TEST_CASE(missing_content_type_is_taken_as_json)
{
    auto req = with_body("", R"({"a": 1})");
    BOOST_TEST(req.json_body()["a"].get<int>() == 1);
}

BOOST_AUTO_TEST_CASE(empty_body_is_bad_request)
{
    auto req = with_body("application/json", "");
    BOOST_CHECK_THROW(req.json_body(), BadRequest);
    auto none = make({{"REQUEST_METHOD", "POST"}, {"CONTENT_TYPE", "application/json"}});
    BOOST_CHECK_THROW(none.json_body(), BadRequest);
}

BOOST_AUTO_TEST_CASE(malformed_body_is_bad_request)
{
    for (const char* text : {"{", "{\"a\": }", "not json", "{\"a\": 1} trailing"}) {
        BOOST_TEST_CONTEXT("body " << text)
        {
            auto req = with_body("application/json", text);
            BOOST_CHECK_THROW(req.json_body(), BadRequest);
        }
    }
}

BOOST_AUTO_TEST_CASE(other_media_type_is_unsupported)
{
    int reads = 0;
    auto req = with_body("application/xml", "<server/>", &reads);
    BOOST_CHECK_THROW(req.json_body(), UnsupportedMediaType);
    BOOST_TEST(reads == 0);
    auto text = with_body("text/plain; charset=utf-8", "{}");
    BOOST_CHECK_THROW(text.json_body(), UnsupportedMediaType);
}

BOOST_AUTO_TEST_CASE(fault_status_codes)
{
    auto req = with_body("application/xml", "<x/>");
    try {
        req.json_body();
        BOOST_FAIL("json_body() accepted application/xml");
    } catch (const Fault& f) {
        BOOST_TEST(f.status() == 415);
    }
    auto empty = with_body("application/json", "");
    try {
        empty.json_body();
        BOOST_FAIL("json_body() accepted an empty body");
    } catch (const Fault& f) {
        BOOST_TEST(f.status() == 400);
    }
}

BOOST_AUTO_TEST_CASE(declared_length_over_max_json_is_too_large)
{
    int reads = 0;
    auto req = with_body("application/json", R"({"a": 1})", &reads, 64, "65");
    BOOST_CHECK_THROW(req.json_body(), PayloadTooLarge);
    BOOST_TEST(reads == 0);
}

BOOST_AUTO_TEST_CASE(bytes_read_over_max_json_are_too_large)
{
    std::string big = R"({"name": ")" + std::string(100, 'x') + R"("})";
    auto undeclared = with_body("application/json", big, nullptr, 64);
    BOOST_CHECK_THROW(undeclared.json_body(), PayloadTooLarge);
    auto understated = with_body("application/json", big, nullptr, 64, "10");
    BOOST_CHECK_THROW(understated.json_body(), PayloadTooLarge);
}

BOOST_AUTO_TEST_CASE(body_of_exactly_max_json_is_accepted)
{
    std::string body = R"({"name": "exactly"})";
    auto req = with_body("application/json", body, nullptr, body.size(), std::to_string(body.size()));
    BOOST_TEST(req.json_body()["name"].get<std::string>() == "exactly");
}

BOOST_AUTO_TEST_CASE(read_body_returns_bytes_once)
{
    auto req = with_body("application/octet-stream", "raw bytes here");
    BOOST_TEST(req.read_body() == "raw bytes here");
    BOOST_CHECK_THROW(req.read_body(), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(content_length)

BOOST_AUTO_TEST_CASE(declared_absent_and_unparsable)
{
    BOOST_TEST(make({{"CONTENT_LENGTH", "42"}}).content_length() == 42);
    BOOST_TEST(make({{"CONTENT_LENGTH", "0"}}).content_length() == 0);
    BOOST_TEST(make({}).content_length() == -1);
    BOOST_TEST(make({{"CONTENT_LENGTH", "abc"}}).content_length() == -2);
    BOOST_TEST(make({{"CONTENT_LENGTH", "99999999999999999999999"}}).content_length() == -2);
}

BOOST_AUTO_TEST_CASE(partial_or_negative_numbers_are_unparsable)
{
    BOOST_TEST(make({{"CONTENT_LENGTH", "12abc"}}).content_length() == -2);
    BOOST_TEST(make({{"CONTENT_LENGTH", "-5"}}).content_length() == -2);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ids)

BOOST_AUTO_TEST_CASE(uuid_is_canonical_version_4)
{
    for (int i = 0; i < 100; ++i) {
        std::string id = new_uuid();
        BOOST_TEST_CONTEXT("uuid " << id)
        BOOST_TEST(is_uuid4(id));
    }
}

BOOST_AUTO_TEST_CASE(uuid_like_takes_what_openstack_takes_for_one)
{
    BOOST_TEST(uuid_like("0b7d1c2e-8a4f-4c1e-9d3b-2f6a5e4d3c21"));
    BOOST_TEST(uuid_like("0B7D1C2E8A4F4C1E9D3B2F6A5E4D3C21"));
    BOOST_TEST(uuid_like("{0b7d1c2e-8a4f-4c1e-9d3b-2f6a5e4d3c21}"));
    BOOST_TEST(!uuid_like("0b7d1c2e-8a4f-4c1e-9d3b-2f6a5e4d3c2"));
    BOOST_TEST(!uuid_like("not-a-uuid"));
    BOOST_TEST(!uuid_like(""));
    BOOST_TEST(uuid_like(new_uuid()));
}

BOOST_AUTO_TEST_CASE(uuids_are_unique)
{
    std::set<std::string> seen;
    for (int i = 0; i < 5000; ++i)
        seen.insert(new_uuid());
    BOOST_TEST(seen.size() == 5000u);
}

BOOST_AUTO_TEST_CASE(request_id_is_req_and_a_uuid)
{
    std::string id = new_request_id();
    BOOST_TEST(id.substr(0, 4) == "req-");
    BOOST_TEST(is_uuid4(id.substr(4)));

    auto a = make({});
    auto b = make({});
    BOOST_TEST(a.id().substr(0, 4) == "req-");
    BOOST_TEST(is_uuid4(a.id().substr(4)));
    BOOST_TEST(a.id() != b.id());
}

BOOST_AUTO_TEST_CASE(hex_is_lower_case_two_digits_a_byte)
{
    const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
    BOOST_TEST(hex(bytes) == "000fa5ff");
    BOOST_TEST(hex(bytes, ':') == "00:0f:a5:ff");
    BOOST_TEST(hex(std::span(bytes, 1), ':') == "00");
    BOOST_TEST(hex(std::span(bytes, 0)).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
