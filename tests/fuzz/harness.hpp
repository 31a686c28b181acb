// SPDX-License-Identifier: Apache-2.0
// What the libFuzzer targets share: requests as text, the worker's path for them, and the 5xx check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <jumpgate/app.hpp>
#include <jumpgate/request.hpp>
#include <jumpgate/response.hpp>

namespace jumpgate::fuzz {

/*
 * HttpText: a request written as text, the form of every corpus file of the request targets:
 *
 *     METHOD TARGET            the path (and ?query) below the target's mount
 *     Name: value              headers, none or several
 *                              an empty line, then the body (JSON or bytes)
 *     {"server": {...}}
 *
 * `{name}` anywhere is replaced by the fixture of that name ({server_id}, {admin_token}...).
 */
struct HttpText {
    std::string method;
    std::string target;
    Pairs headers; // (name as sent, value)
    std::string body;
    bool has_body = false;
};

/* parse_http_text: `input` as an HttpText; false when its first line is not "METHOD TARGET". */
bool parse_http_text(std::string_view input, HttpText& out);

/*
 * cgi_env: the FastCGI parameters nginx's fastcgi_params give for `text` under `mount`:
 * REQUEST_METHOD, REQUEST_URI, QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH, HTTP_*.
 */
std::vector<std::string> cgi_env(const HttpText& text, std::string_view mount);

/* Served: what the worker did with one request. */
struct Served {
    int status = 0;    // 0: no answer could be written at all
    std::string head;  // status line and headers as written to the FastCGI stream
    std::string body;  // the body that followed (its start, for a large one)
    std::string error; // the exception behind a 5xx, when one was seen
};

/*
 * serve_fcgi: one request through the worker's own path, as serve_one does: fcgi::make_request
 * over FCGX streams holding `env` and `body` (capped at `max_body`, `max_json`), `handle`,
 * then fcgi::send_response.
 */
Served serve_fcgi(const std::vector<std::string>& env, std::string_view body, std::size_t max_body,
                  std::size_t max_json, const std::function<void(Request&, Response&)>& handle);

/*
 * watch_handlers: wrap every handler of every mounted service so that the message of an
 * exception that becomes a 5xx is kept for the Served of the request.
 */
void watch_handlers(App& app);

/*
 * check_answer: abort (for libFuzzer to report the input) when `served` is a 5xx other
 * than 501, unless its signature "SERVICE METHOD ENDPOINT: message" matches a pattern of the
 * known findings file named by $JUMPGATE_FUZZ_KNOWN (one fnmatch pattern a line, # comments).
 * `service` and `endpoint` say where the request went; `request` is printed with the abort.
 */
void check_answer(const Served& served, std::string_view service, std::string_view method, std::string_view endpoint,
                  std::string_view request);

/*
 * Stack: the App with the local driver for every service on a state directory made for this
 * process (and removed at its exit), an admin and a member with tokens, and the fixtures a
 * target asks for; made once per process, and made again when an input removed what the
 * inputs name (checked every few hundred inputs).
 */
class Stack {
  public:
    /* get: the process's stack with `fixtures` ("image", "server", "network", "volume"...). */
    static Stack& get(std::initializer_list<std::string_view> fixtures);

    /*
     * serve_text: `input` (an HttpText) sent to the service mounted at `mount` ("" for
     * absolute paths) with the admin's token unless it sends an X-Auth-Token, then checked
     * with check_answer.
     */
    void serve_text(std::string_view input, std::string_view mount);

    /* request: a request of the harness itself (fixtures); throws unless it answers 2xx. */
    Served request(std::string_view method, std::string_view path, std::string_view body, std::string_view token);
    /* fixture: the value of fixture `name`, or "". */
    const std::string& fixture(std::string_view name) const;

  private:
    Stack();
    void bootstrap();
    void make_fixtures();
    bool intact();
    std::string substitute(std::string_view text) const;

    App app_;
    std::string state_dir_;
    std::vector<std::string> wanted_;
    std::map<std::string, std::string, std::less<>> fixtures_;
    std::vector<std::string> checks_; // paths that answer 200 while the fixtures stand
    unsigned generation_ = 0;
    std::size_t inputs_ = 0;
};

} // namespace jumpgate::fuzz
