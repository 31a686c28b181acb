// SPDX-License-Identifier: Apache-2.0
// The access line a worker logs for each request it answers.
#pragma once

#include <string>
#include <string_view>

#include <jumpgate/request.hpp>
#include <jumpgate/response.hpp>

namespace jumpgate {

/*
 * logfmt_value: `value` as a logfmt value: bare when it has no space, quote, backslash or "=",
 * else in double quotes with '"' and '\' escaped; a control byte is written \xNN, so that a value
 * a client sent cannot start a line of its own or hide in the terminal. "-" for an empty value.
 */
std::string logfmt_value(std::string_view value);

/*
 * loggable_query: the query string with the value of every parameter whose name speaks of a
 * secret (password, token, secret, signature, credential, an access or API key) replaced by "***".
 */
std::string loggable_query(std::string_view query);

/*
 * access_line: "access request_id=... user_id=... project_id=... method=GET path=/... query=...
 * status=200 bytes=123 duration_ms=4.2" for `req` answered with `resp`, `bytes` of body sent, in
 * `seconds`: the worker's line of the request, whose request id the client got and nginx logs.
 * A path variable whose name speaks of a secret (token_id) is "***" in the path, as in loggable_query.
 */
std::string access_line(const Request& req, const Response& resp, long long bytes, double seconds);

} // namespace jumpgate
