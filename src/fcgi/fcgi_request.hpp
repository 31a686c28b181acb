// SPDX-License-Identifier: Apache-2.0
// The FastCGI edge: a Request from an FCGX_Request, a Response back onto it.
#pragma once

#include <fcgiapp.h>

#include <jumpgate/request.hpp>
#include <jumpgate/response.hpp>

namespace jumpgate::fcgi {

/*
 * make_request: the Request of `raw`: its own FastCGI parameters, the query
 * string (and small form bodies) decoded by cgicc, the body as a capped stream.
 */
Request make_request(FCGX_Request& raw, std::size_t max_body, std::size_t max_json);

/* send_response: write `resp` to `raw` (headers, then JSON, bytes or the streamed body); the body's bytes sent. */
long long send_response(FCGX_Request& raw, const Request& req, Response& resp);

} // namespace jumpgate::fcgi
