// SPDX-License-Identifier: Apache-2.0
// HTTP calls to the upstream OpenStack: libcurl, connections kept per worker, bodies streamed both ways.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <jumpgate/request.hpp>
#include <jumpgate/response.hpp>

namespace jumpgate::openstack {

/* Limits: how patiently the upstream is called ([openstack] in jumpgate.conf). */
struct Limits {
    long connect_timeout = 10; // seconds to open a connection
    long timeout = 60;         // seconds until the answer's headers, and the most a body may stall
    std::string ca_file;       // empty: the system's certificate authorities
};

/*
 * Call: one request to the upstream. Its body is `body_text`, or read from `body`
 * while it is sent (`body_length` bytes; -1: unknown, sent chunked).
 */
struct Call {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body_text;
    BodySource* body = nullptr;
    long long body_length = -1;
};

/*
 * Answer: the upstream's answer to a Call, given as soon as its status and headers
 * arrived; its body is read after, in pieces, as the upstream sends it.
 */
class Answer : public ByteSource {
  public:
    ~Answer() override;
    int status() const;
    /* headers: every header of the final answer (no 1xx), names as the upstream wrote them. */
    const std::vector<std::pair<std::string, std::string>>& headers() const;
    /* header: the first value of header `name` (case-insensitive), or nullptr. */
    const std::string* header(std::string_view name) const;
    /* content_length: the Content-Length the upstream declared, or -1. */
    long long content_length() const;
    /* read: the next bytes of the body, 0 at its end. Throws ServiceUnavailable when the upstream stops short. */
    std::size_t read(char* buffer, std::size_t size) override;
    /* text: the whole body; throws PayloadTooLarge past `cap` bytes. */
    std::string text(std::size_t cap = 16 << 20);

  private:
    friend class Http;
    struct State;
    explicit Answer(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

/*
 * Http: the worker's calls to the upstream, over connections it keeps open between
 * requests (libcurl's shared connection cache), TLS always verified, redirects not
 * followed (the client sees them).
 */
class Http {
  public:
    explicit Http(Limits limits);
    ~Http();
    Http(const Http&) = delete;
    Http& operator=(const Http&) = delete;

    /*
     * open: send `call` and wait for the answer's status and headers. Throws
     * ServiceUnavailable, naming the upstream in the log, when it cannot be reached or
     * does not answer within the timeout; `request_id` prefixes that log line.
     */
    std::unique_ptr<Answer> open(const Call& call, const std::string& request_id) const;

    const Limits& limits() const { return limits_; }

  private:
    Limits limits_;
    struct Shared;
    std::unique_ptr<Shared> shared_;
};

} // namespace jumpgate::openstack
