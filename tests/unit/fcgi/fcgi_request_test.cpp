// SPDX-License-Identifier: Apache-2.0
// Unit tests of the FastCGI edge: make_request and send_response on hand-built FCGX streams.
#include "fcgi/fcgi_request.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <jumpgate/fault.hpp>

#include "memory_fcgx.hpp"

using namespace jumpgate;

namespace {

// Bodies come 7 bytes at a time unless a test says otherwise, so that reads cross chunk edges.
struct FakeFcgi : testing::MemoryFcgx {
    FakeFcgi(std::vector<std::string> env, std::string body = {}, std::size_t chunk = 7)
        : MemoryFcgx(std::move(env), body, chunk)
    {
    }
};

class Pattern : public ByteSource {
  public:
    explicit Pattern(std::size_t size) : left_(size) {}
    std::size_t read(char* buffer, std::size_t size) override
    {
        std::size_t n = std::min({left_, size, std::size_t{5000}});
        for (std::size_t i = 0; i < n; ++i)
            buffer[i] = text(sent_ + i);
        sent_ += n;
        left_ -= n;
        return n;
    }
    static char text(std::size_t i) { return static_cast<char>('a' + i % 26); }

  private:
    std::size_t left_;
    std::size_t sent_ = 0;
};

std::string str(std::string_view v)
{
    return std::string(v);
}

std::size_t count(const std::string& text, const std::string& part)
{
    std::size_t n = 0;
    for (auto i = text.find(part); i != std::string::npos; i = text.find(part, i + 1))
        ++n;
    return n;
}

constexpr std::size_t kMaxBody = 1 << 20;
constexpr std::size_t kMaxJson = 1 << 16;

} // namespace

BOOST_AUTO_TEST_SUITE(fcgi_request)

BOOST_AUTO_TEST_SUITE(requests)

BOOST_AUTO_TEST_CASE(parameters_become_the_env)
{
    FakeFcgi f({"REQUEST_METHOD=GET", "REQUEST_URI=/compute/v2.1/servers?limit=1", "QUERY_STRING=limit=1",
                "HTTP_X_AUTH_TOKEN=tok", "HTTP_X_ODD=a=b=c", "EMPTY="});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    BOOST_TEST(req.method() == "GET");
    BOOST_TEST(req.path() == "/compute/v2.1/servers");
    BOOST_TEST(str(req.header("X-Auth-Token")) == "tok");
    BOOST_TEST(str(req.header("X-Odd")) == "a=b=c");
    BOOST_TEST(str(req.env("QUERY_STRING")) == "limit=1");
    BOOST_TEST(str(req.env("EMPTY")) == "");
    BOOST_TEST(req.max_body() == kMaxBody);
}

BOOST_AUTO_TEST_CASE(query_string_is_decoded)
{
    FakeFcgi f({"REQUEST_METHOD=GET", "REQUEST_URI=/v2/images",
                "QUERY_STRING=tag=a&tag=b&name=my%20vm&q=a+b&plus=1%2B1&limit=10"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    BOOST_TEST(req.query_all("tag") == (std::vector<std::string>{"a", "b"}));
    BOOST_TEST(str(req.query("name")) == "my vm");
    BOOST_TEST(str(req.query("q")) == "a b");
    BOOST_TEST(str(req.query("plus")) == "1+1");
    BOOST_TEST(str(req.query("limit")) == "10");
    BOOST_TEST(req.query_pairs().size() == 6u);
}

BOOST_AUTO_TEST_CASE(a_parameter_without_a_value_is_present_and_empty)
{
    FakeFcgi f({"REQUEST_METHOD=GET", "REQUEST_URI=/v3/role_assignments",
                "QUERY_STRING=include_names&&empty=&scope%2Esystem"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    BOOST_TEST(req.has_query("include_names"));
    BOOST_TEST(str(req.query("include_names")) == "");
    BOOST_TEST(req.has_query("empty"));
    // Last, where cgicc drops it.
    BOOST_TEST(req.has_query("scope.system"));
    BOOST_TEST(req.query_all("scope.system").size() == 1u);
    BOOST_TEST(!req.has_query("nocatalog"));
    BOOST_TEST(req.query_pairs().size() == 3u);
    FakeFcgi alone({"REQUEST_METHOD=GET", "REQUEST_URI=/v3/auth/tokens", "QUERY_STRING=nocatalog"});
    BOOST_TEST(fcgi::make_request(alone.raw(), kMaxBody, kMaxJson).has_query("nocatalog"));
}

BOOST_AUTO_TEST_CASE(no_query_string_no_pairs)
{
    FakeFcgi f({"REQUEST_METHOD=GET", "REQUEST_URI=/v2/images"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    BOOST_TEST(req.query_pairs().empty());
}

BOOST_AUTO_TEST_CASE(query_string_of_a_body_request_leaves_the_body)
{
    std::string body = R"({"server": {"name": "vm-1", "flavorRef": "1"}})";
    FakeFcgi f({"REQUEST_METHOD=POST", "REQUEST_URI=/v2.1/servers?dry_run=1", "QUERY_STRING=dry_run=1&x=a%20b",
                "CONTENT_TYPE=application/json", "CONTENT_LENGTH=" + std::to_string(body.size())},
               body, 5);
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    BOOST_TEST(str(req.query("dry_run")) == "1");
    BOOST_TEST(str(req.query("x")) == "a b");
    BOOST_CHECK(req.body() != nullptr);
    BOOST_TEST(req.content_length() == static_cast<long long>(body.size()));
    BOOST_TEST(req.json_body()["server"]["name"].get<std::string>() == "vm-1");
}

BOOST_AUTO_TEST_CASE(form_body_joins_the_query_pairs)
{
    std::string body = "name=a%20b&size=3&note=x+y";
    FakeFcgi f({"REQUEST_METHOD=POST", "REQUEST_URI=/form?x=1", "QUERY_STRING=x=1",
                "CONTENT_TYPE=application/x-www-form-urlencoded", "CONTENT_LENGTH=" + std::to_string(body.size())},
               body, 4);
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    BOOST_TEST(str(req.query("name")) == "a b");
    BOOST_TEST(str(req.query("size")) == "3");
    BOOST_TEST(str(req.query("note")) == "x y");
    BOOST_TEST(str(req.query("x")) == "1");
    BOOST_TEST(req.query_all("x").size() == 1u);
    BOOST_TEST(req.query_pairs().size() == 4u);
    BOOST_CHECK(req.body() == nullptr);
}

BOOST_AUTO_TEST_CASE(form_body_shorter_than_its_length_is_read_as_it_came)
{
    // Found by tests/fuzz (fcgi-request/crashes/form-shorter-than-length): cgicc threw, a 500.
    std::string body = "name=v&x=%41";
    FakeFcgi f({"REQUEST_METHOD=POST", "REQUEST_URI=/form", "CONTENT_TYPE=application/x-www-form-urlencoded",
                "CONTENT_LENGTH=" + std::to_string(body.size() + 11)},
               body, 5);
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    BOOST_TEST(str(req.query("name")) == "v");
    BOOST_TEST(str(req.query("x")) == "A");
}

BOOST_AUTO_TEST_CASE(malformed_multipart_stays_the_body)
{
    // Found by tests/fuzz (fcgi-request/crashes/multipart-malformed): cgicc threw, a 500.
    std::string body = "--XX\xff\xff: form-da\n--XX--\r\n";
    FakeFcgi f({"REQUEST_METHOD=POST", "REQUEST_URI=/form", "CONTENT_TYPE=multipart/form-data; boundary=XX",
                "CONTENT_LENGTH=" + std::to_string(body.size())},
               body);
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    BOOST_TEST(req.query_pairs().empty());
    BOOST_TEST(req.read_body() == body);
}

BOOST_AUTO_TEST_CASE(large_form_body_stays_a_stream)
{
    std::string body = "name=" + std::string(200, 'x');
    FakeFcgi f({"REQUEST_METHOD=POST", "REQUEST_URI=/form", "CONTENT_TYPE=application/x-www-form-urlencoded",
                "CONTENT_LENGTH=" + std::to_string(body.size())},
               body);
    auto req = fcgi::make_request(f.raw(), kMaxBody, 100);
    BOOST_TEST(!req.has_query("name"));
    BOOST_REQUIRE(req.body() != nullptr);
    std::string read;
    char buffer[64];
    while (std::size_t n = req.body()->read(buffer, sizeof buffer))
        read.append(buffer, n);
    BOOST_TEST(read == body);
}

BOOST_AUTO_TEST_CASE(body_stream_is_capped)
{
    std::string body(100, 'z');
    FakeFcgi f({"REQUEST_METHOD=PUT", "REQUEST_URI=/v2/images/i1/file", "CONTENT_TYPE=application/octet-stream"}, body,
               16);
    auto req = fcgi::make_request(f.raw(), 40, kMaxJson);
    BOOST_REQUIRE(req.body() != nullptr);
    char buffer[10];
    std::size_t total = 0;
    auto drain = [&] {
        while (std::size_t n = req.body()->read(buffer, sizeof buffer))
            total += n;
    };
    BOOST_CHECK_THROW(drain(), PayloadTooLarge);
    BOOST_TEST(total == 40u);
}

BOOST_AUTO_TEST_CASE(body_up_to_the_cap_reads_whole)
{
    std::string body(40, 'z');
    FakeFcgi f({"REQUEST_METHOD=PUT", "REQUEST_URI=/v2/images/i1/file"}, body, 16);
    auto req = fcgi::make_request(f.raw(), 40, kMaxJson);
    BOOST_REQUIRE(req.body() != nullptr);
    std::string read;
    char buffer[7];
    while (std::size_t n = req.body()->read(buffer, sizeof buffer))
        read.append(buffer, n);
    BOOST_TEST(read == body);
}

BOOST_AUTO_TEST_CASE(json_body_past_max_body_is_too_large)
{
    std::string body = R"({"name": ")" + std::string(100, 'x') + R"("})";
    FakeFcgi f({"REQUEST_METHOD=POST", "REQUEST_URI=/v2/images", "CONTENT_TYPE=application/json"}, body);
    auto req = fcgi::make_request(f.raw(), 50, kMaxJson);
    BOOST_CHECK_THROW(req.json_body(), PayloadTooLarge);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(responses)

BOOST_AUTO_TEST_CASE(json_with_status_and_headers)
{
    FakeFcgi f({"REQUEST_METHOD=POST", "REQUEST_URI=/v2.1/servers"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    Response resp;
    resp.status = 201;
    resp.set_header("Location", "http://api.example.com/compute/v2.1/servers/abc");
    resp.set_header("X-Openstack-Request-Id", "req-1");
    resp.json({{"server", {{"id", "abc"}}}});
    fcgi::send_response(f.raw(), req, resp);

    std::string head = f.head();
    std::string json_text = R"({"server":{"id":"abc"}})";
    BOOST_TEST(head.rfind("Status: 201 Created\r\n", 0) == 0);
    BOOST_TEST(count(head, "Location: http://api.example.com/compute/v2.1/servers/abc\r\n") == 1u);
    BOOST_TEST(count(head, "X-Openstack-Request-Id: req-1\r\n") == 1u);
    BOOST_TEST(count(head, "Content-Type: application/json\r\n") == 1u);
    BOOST_TEST(count(head, "Content-Length: " + std::to_string(json_text.size()) + "\r\n") == 1u);
    BOOST_TEST(f.body() == json_text);
}

BOOST_AUTO_TEST_CASE(explicit_content_type_is_not_repeated)
{
    FakeFcgi f({"REQUEST_METHOD=GET", "REQUEST_URI=/"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    Response resp;
    resp.json({{"a", 1}});
    resp.set_header("Content-Type", "application/vnd.openstack.compute+json");
    fcgi::send_response(f.raw(), req, resp);
    BOOST_TEST(count(f.head(), "Content-Type: ") == 1u);
    BOOST_TEST(count(f.head(), "Content-Type: application/vnd.openstack.compute+json\r\n") == 1u);
    BOOST_TEST(f.body() == R"({"a":1})");
}

BOOST_AUTO_TEST_CASE(a_header_never_carries_a_control_character)
{
    FakeFcgi f({"REQUEST_METHOD=GET", "REQUEST_URI=/v1/images/abc"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    Response resp;
    resp.set_header("x-image-meta-property-note", "old");
    resp.set_header("x-image-meta-property-note", "x\r\nX-Accel-Redirect: /_jumpgate_image_store/other");
    resp.add_header("x-image-meta-name", std::string("nul\0inside", 10));
    resp.add_header("x-image-meta-name", "tab\there");
    resp.add_header("x-image-meta-name", "del\x7f");
    resp.set_header("X-Evil\r\nX-Accel-Redirect", "/_jumpgate_image_store/other");
    resp.set_header("Has Space", "v");
    resp.set_header("x-image-meta-property-ok", "caf\xc3\xa9 & \"quotes\"");
    resp.bytes("data", "text/plain\r\nX-Accel-Redirect: /x");
    fcgi::send_response(f.raw(), req, resp);

    std::string head = f.head();
    BOOST_TEST(count(head, "X-Accel-Redirect") == 0u);
    BOOST_TEST(count(head, "x-image-meta-property-note") == 0u); // the old value goes too
    BOOST_TEST(count(head, "x-image-meta-name") == 0u);
    BOOST_TEST(count(head, "Space") == 0u);
    BOOST_TEST(count(head, "Content-Type") == 0u);
    BOOST_TEST(count(head, "x-image-meta-property-ok: caf\xc3\xa9 & \"quotes\"\r\n") == 1u);
    // Status, the one good header, Content-Length and the blank line: nothing smuggled in between.
    BOOST_TEST(count(head, "\r\n") == 4u);
    BOOST_TEST(f.body() == "data");
    BOOST_TEST(is_header_name("x-image-meta-property-hw_disk_bus"));
    BOOST_TEST(!is_header_name(""));
    BOOST_TEST(!is_header_name("a:b"));
    BOOST_TEST(is_header_value(""));
    BOOST_TEST(!is_header_value("a\nb"));
}

BOOST_AUTO_TEST_CASE(bytes_with_their_type)
{
    FakeFcgi f({"REQUEST_METHOD=GET", "REQUEST_URI=/"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    Response resp;
    resp.status = 404;
    resp.bytes("<html>nope</html>", "text/html; charset=UTF-8");
    fcgi::send_response(f.raw(), req, resp);
    BOOST_TEST(f.head().rfind("Status: 404 Not Found\r\n", 0) == 0);
    BOOST_TEST(count(f.head(), "Content-Type: text/html; charset=UTF-8\r\n") == 1u);
    BOOST_TEST(count(f.head(), "Content-Length: 17\r\n") == 1u);
    BOOST_TEST(f.body() == "<html>nope</html>");
}

BOOST_AUTO_TEST_CASE(head_has_nothing_after_the_headers)
{
    FakeFcgi f({"REQUEST_METHOD=HEAD", "REQUEST_URI=/v2/images/i1"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    Response resp;
    resp.json({{"image", {{"id", "i1"}}}});
    fcgi::send_response(f.raw(), req, resp);
    BOOST_TEST(f.head().rfind("Status: 200 OK\r\n", 0) == 0);
    BOOST_TEST(f.written().size() == f.head().size());
    BOOST_TEST(f.body().empty());

    FakeFcgi g({"REQUEST_METHOD=HEAD", "REQUEST_URI=/v2/images/i1/file"});
    auto req2 = fcgi::make_request(g.raw(), kMaxBody, kMaxJson);
    Response stream;
    stream.stream(std::make_unique<Pattern>(1000), "application/octet-stream", 1000);
    fcgi::send_response(g.raw(), req2, stream);
    BOOST_TEST(count(g.head(), "Content-Length: 1000\r\n") == 1u);
    BOOST_TEST(g.body().empty());
}

BOOST_AUTO_TEST_CASE(no_content_has_nothing_after_the_headers)
{
    FakeFcgi f({"REQUEST_METHOD=DELETE", "REQUEST_URI=/v2.1/servers/abc"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    Response resp;
    resp.status = 204;
    resp.set_header("X-Openstack-Request-Id", "req-2");
    fcgi::send_response(f.raw(), req, resp);
    BOOST_TEST(f.head().rfind("Status: 204 No Content\r\n", 0) == 0);
    BOOST_TEST(count(f.head(), "X-Openstack-Request-Id: req-2\r\n") == 1u);
    BOOST_TEST(count(f.head(), "Content-Length") == 0u);
    BOOST_TEST(count(f.head(), "Content-Type") == 0u);
    BOOST_TEST(f.written().size() == f.head().size());
}

BOOST_AUTO_TEST_CASE(stream_in_full_with_its_length)
{
    constexpr std::size_t size = 200000;
    FakeFcgi f({"REQUEST_METHOD=GET", "REQUEST_URI=/v2/images/i1/file"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    Response resp;
    resp.stream(std::make_unique<Pattern>(size), "application/octet-stream", size);
    fcgi::send_response(f.raw(), req, resp);
    BOOST_TEST(count(f.head(), "Content-Type: application/octet-stream\r\n") == 1u);
    BOOST_TEST(count(f.head(), "Content-Length: " + std::to_string(size) + "\r\n") == 1u);
    std::string body = f.body();
    BOOST_TEST_REQUIRE(body.size() == size);
    bool same = true;
    for (std::size_t i = 0; i < size && same; ++i)
        same = body[i] == Pattern::text(i);
    BOOST_TEST(same);
}

BOOST_AUTO_TEST_CASE(stream_of_unknown_length)
{
    FakeFcgi f({"REQUEST_METHOD=GET", "REQUEST_URI=/v2/images/i1/file"});
    auto req = fcgi::make_request(f.raw(), kMaxBody, kMaxJson);
    Response resp;
    resp.stream(std::make_unique<Pattern>(12345), "application/octet-stream", -1);
    fcgi::send_response(f.raw(), req, resp);
    BOOST_TEST(count(f.head(), "Content-Length") == 0u);
    BOOST_TEST(f.body().size() == 12345u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
