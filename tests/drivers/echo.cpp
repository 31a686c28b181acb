// SPDX-License-Identifier: Apache-2.0
// The echo driver: a test-only module that shows the core's parsing, streaming and faults end to end.
#include <stdexcept>
#include <unistd.h>

#include <jumpgate/driver.hpp>

using namespace jumpgate;

namespace {

json pairs_json(const Pairs& pairs)
{
    json out = json::array();
    for (const auto& [k, v] : pairs)
        out.push_back({k, v});
    return out;
}

/* A body of `size` bytes of a repeating pattern, produced while it is sent. */
class Pattern : public ByteSource {
  public:
    explicit Pattern(long long size) : left_(size) {}
    std::size_t read(char* buffer, std::size_t size) override
    {
        std::size_t n = static_cast<std::size_t>(std::min<long long>(left_, static_cast<long long>(size)));
        for (std::size_t i = 0; i < n; ++i)
            buffer[i] = static_cast<char>('a' + (sent_ + i) % 26);
        sent_ += n;
        left_ -= static_cast<long long>(n);
        return n;
    }

  private:
    long long left_;
    long long sent_ = 0;
};

void echo_get(const Request& req, Response& resp)
{
    const Dispatcher& disp = *req.dispatcher();
    resp.json({{"pid", getpid()},
               {"endpoint", req.endpoint()},
               {"query", pairs_json(req.query_pairs())},
               {"params", pairs_json(req.params())},
               {"version", req.version().str()},
               {"server_url", disp.endpoint_url(req, "v2_server", {{"server_id", "abc"}, {"tenant_id", "p1"}})}});
}

void echo_post(const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (body.contains("explode"))
        throw std::runtime_error("the echo driver was asked to explode");
    if (body.contains("conflict"))
        throw Conflict("asked for a conflict");
    resp.status = 201;
    resp.json({{"pid", getpid()}, {"echo", body}, {"query", pairs_json(req.query_pairs())}});
}

void upload(const Request& req, Response& resp)
{
    long long total = 0;
    char buffer[65536];
    if (BodySource* body = req.body())
        while (std::size_t n = body->read(buffer, sizeof buffer))
            total += static_cast<long long>(n);
    resp.json({{"received", total}});
}

void download(const Request& req, Response& resp)
{
    // A worker that names whatever file it is told: what the web server must not simply trust.
    if (req.has_query("accel")) {
        resp.set_header("X-Accel-Redirect", std::string(req.query("accel")));
        resp.bytes("", "application/octet-stream");
        return;
    }
    long long size = std::stoll(std::string(req.query("size").empty() ? "1024" : req.query("size")));
    resp.stream(std::make_unique<Pattern>(size), "application/octet-stream", size);
}

} // namespace

JUMPGATE_DRIVER(app, disp)
{
    (void)app;
    std::string service = disp.service();
    if (service == "compute") {
        disp.set_handler("v2_servers", {.get = echo_get, .post = echo_post});
        disp.set_handler("v2_server", {.get = echo_get});
    } else if (service == "image") {
        disp.set_handler("v2_image_file", {.get = download, .put = upload});
    }
}
