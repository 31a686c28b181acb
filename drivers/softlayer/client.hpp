// SPDX-License-Identifier: Apache-2.0
// The SoftLayer REST client: calls as the user whose API key a token carries, with masks, filters, paging and retries.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace jumpgate::softlayer {

using json = nlohmann::json;

/* Settings: where the API is and how patiently it is called ([softlayer] in jumpgate.conf). */
struct Settings {
    std::string api_url = "https://api.softlayer.com/rest/v3.1/";
    long timeout = 60;   // seconds a call may take in all
    int retries = 3;     // more tries of a call that SoftLayer refused for load (429) or failed (5xx)
    std::string ca_file; // empty: the system's certificate authorities
};

/*
 * Call: one SoftLayer API method: `service` ("SoftLayer_Virtual_Guest"), `method`
 * ("getObject"), the object `id` (empty: the service's own method), the method's
 * `parameters` (sent as {"parameters": [...]} in a POST; none: a GET), an object
 * mask ("id,hostname" or "mask[...]"), an object filter, and a result limit.
 */
struct Call {
    std::string service;
    std::string method;
    std::string id;
    json parameters = json::array();
    std::string mask;
    json filter;
    std::optional<std::pair<std::size_t, std::size_t>> limit; // offset, count
};

/* text_of: `j[key]` as text ("" when absent or null; numbers written out). */
std::string text_of(const json& j, const char* key);
/* member_of: `j[key]`, or null when `j` is no object or has none. */
const json& member_of(const json& j, const char* key);
/* whole: `v` as a whole number (SoftLayer writes some as text: "25"); 0 when it is none. */
long long whole(const json& v);

/* object_id: whether `id` can name a SoftLayer object: a number (decimal digits, fits a long long). */
bool object_id(const std::string& id);

/*
 * call_url: the URL of `call` under `api_url` (with or without its final slash):
 * <api_url><service>[/<id>]/<method>.json with objectMask, objectFilter and
 * resultLimit percent-encoded in the query. Throws std::invalid_argument for an
 * id that is not a number (it is put in the path).
 */
std::string call_url(const std::string& api_url, const Call& call);

/* Error: what SoftLayer answered to a call that failed: the HTTP status, its `code` and `error`. */
struct Error {
    int status = 0;
    std::string code;    // "SoftLayer_Exception_ObjectNotFound"; empty when the body had none
    std::string message; // the `error` text
};

/* error_of: the Error of an answer with HTTP status `status` and body `body` (JSON or not). */
Error error_of(int status, const std::string& body);

/*
 * raise: throw the Jumpgate fault a client of the OpenStack API expects for `e`
 * (NotFound, Unauthorized, Forbidden, BadRequest, Conflict; ServiceUnavailable
 * for SoftLayer's own failures, whose details go to the log only).
 */
[[noreturn]] void raise(const Error& e);

/* is_idempotent: whether calling `method` twice does no more than calling it once (a getter). */
bool is_idempotent(const std::string& method);

/*
 * Client: calls SoftLayer over one connection a worker keeps open (libcurl, made
 * on first use), with TLS verification and timeouts. Thread-safe; calls queue.
 */
class Client {
  public:
    explicit Client(Settings settings);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /*
     * call: the result of `call` made as the user of `credentials` ("username:apiKey").
     * Retries, with back-off, what SoftLayer refused unexecuted (429, no connection) and
     * a getter that failed (5xx, a timeout); throws the fault raise() makes of an error,
     * ServiceUnavailable when SoftLayer cannot be reached or answers no JSON, and
     * Unauthorized when there are no credentials.
     */
    json call(const std::string& credentials, const Call& call) const;

    /*
     * list: every item of a list method, fetched `page` at a time while the pages fill
     * and SoftLayer-Total-Items says there are more.
     */
    json list(const std::string& credentials, Call call, std::size_t page = 100) const;

    const Settings& settings() const { return settings_; }

  private:
    struct Answer {
        int status = 0; // 0: no answer (curl_error says why)
        std::string body;
        long long total_items = -1;
        double retry_after = 0;
        std::string curl_error;
        bool sent = false; // whether the request may have reached SoftLayer
    };
    Answer perform(const std::string& credentials, const Call& call, const std::string& url) const;
    json answered(const std::string& credentials, const Call& call, long long* total_items) const;

    Settings settings_;
    mutable std::mutex mutex_;
    struct Handle;
    mutable std::unique_ptr<Handle> handle_;
};

} // namespace jumpgate::softlayer
