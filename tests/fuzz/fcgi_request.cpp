// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the FastCGI request building (parameters, the query string and forms through cgicc, the body).
#include <jumpgate/fault.hpp>

#include "harness.hpp"

using namespace jumpgate;

namespace {

/*
 * The input: FastCGI parameters, one "NAME=value" a line (REQUEST_METHOD, QUERY_STRING,
 * CONTENT_TYPE, HTTP_*...), an empty line, then the body.
 */
void split(std::string_view input, std::vector<std::string>& env, std::string_view& body)
{
    while (!input.empty()) {
        auto end = input.find('\n');
        std::string_view line = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
        if (line.empty()) {
            body = input;
            return;
        }
        if (line.find('=') != std::string_view::npos)
            env.emplace_back(line);
    }
}

// What handlers ask of a request; a Fault is an answer, anything else escapes as the worker's 500.
void read_like_a_handler(Request& req, Response& resp)
{
    std::size_t seen = req.method().size() + req.path().size() + req.scheme().size() + req.host().size();
    for (const char* name :
         {"X-Auth-Token", "Content-Type", "OpenStack-API-Version", "X-Forwarded-Host", "X-Image-Meta-Name", "Accept"})
        seen += req.header(name).size() + req.has_header(name);
    seen += req.headers_with_prefix("X-Image-Meta-Property-").size();
    for (const auto& [name, value] : req.query_pairs())
        seen += req.query_all(name).size() + req.query(name).size() + req.has_query(value);
    if (req.path().find('?') != std::string::npos)
        std::abort();
    if (req.content_length() < -2)
        std::abort();
    try {
        if (req.body() && req.content_type().find("json") != std::string_view::npos)
            seen += req.json_body().size();
        else if (req.body())
            seen += req.read_body().size();
    } catch (const Fault& f) {
        if (f.status() >= 500)
            throw;
        resp.status = f.status();
    }
    resp.set_header("X-Seen", std::to_string(seen));
    resp.json({{"query", req.query_pairs().size()}});
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> env;
    std::string_view body;
    split(input, env, body);
    fuzz::Served served = fuzz::serve_fcgi(env, body, 1 << 20, 64 << 10, read_like_a_handler);
    fuzz::check_answer(served, "fcgi", "-", "make_request", input);
    return 0;
}
