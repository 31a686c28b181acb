// SPDX-License-Identifier: Apache-2.0
// The SoftLayer REST client: URLs, error mapping, and libcurl calls with retries.
#include "client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <new>
#include <stdexcept>
#include <thread>

#include <jumpgate/fault.hpp>
#include <jumpgate/log.hpp>

namespace jumpgate::softlayer {

namespace {

// `text` percent-encoded for a query, by libcurl (whose encoder needs no handle).
std::string query_encoded(const std::string& text)
{
    std::unique_ptr<char, decltype(&curl_free)> encoded(
        curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), curl_free);
    if (!encoded)
        throw std::bad_alloc();
    return encoded.get();
}

} // namespace

std::string text_of(const json& j, const char* key)
{
    if (!j.is_object() || !j.contains(key) || j[key].is_null())
        return "";
    if (j[key].is_string())
        return j[key];
    if (j[key].is_number_integer())
        return std::to_string(j[key].get<long long>());
    return j[key].dump();
}

const json& member_of(const json& j, const char* key)
{
    static const json kNull;
    return j.is_object() && j.contains(key) ? j[key] : kNull;
}

long long whole(const json& v)
{
    if (v.is_number())
        return v.get<long long>();
    if (v.is_string()) {
        try {
            return std::stoll(v.get<std::string>());
        } catch (const std::exception&) {
        }
    }
    return 0;
}

bool object_id(const std::string& id)
{
    return !id.empty() && id.size() < 19 &&
           std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string call_url(const std::string& api_url, const Call& call)
{
    if (!call.id.empty() && !object_id(call.id))
        throw std::invalid_argument("a SoftLayer object id is a number, not '" + call.id + "'");
    std::string url = api_url;
    if (url.empty() || url.back() != '/')
        url += '/';
    url += call.service;
    if (!call.id.empty())
        url += "/" + call.id;
    url += "/" + call.method + ".json";
    char sep = '?';
    auto add = [&](const char* key, const std::string& value) {
        url += sep;
        url += key;
        url += '=';
        url += query_encoded(value);
        sep = '&';
    };
    if (!call.mask.empty())
        add("objectMask", call.mask.starts_with("mask") ? call.mask : "mask[" + call.mask + "]");
    if (!call.filter.is_null())
        add("objectFilter", call.filter.dump());
    if (call.limit)
        add("resultLimit", std::to_string(call.limit->first) + "," + std::to_string(call.limit->second));
    return url;
}

Error error_of(int status, const std::string& body)
{
    Error e{.status = status};
    json j = json::parse(body, nullptr, false);
    if (j.is_object()) {
        if (j.contains("code") && j["code"].is_string())
            e.code = j["code"];
        if (j.contains("error") && j["error"].is_string())
            e.message = j["error"];
    }
    // SoftLayer ends some messages with a space ("Access Denied. ").
    while (!e.message.empty() && e.message.back() == ' ')
        e.message.pop_back();
    return e;
}

void raise(const Error& e)
{
    const std::string& m = e.message;
    if (e.status == 404 || e.code == "SoftLayer_Exception_ObjectNotFound" || e.code == "SoftLayer_Exception_NotFound")
        throw NotFound(m.empty() ? "The resource could not be found." : m);
    if (e.status == 401)
        throw Unauthorized("The request you have made requires authentication.");
    if (e.status == 403 || e.code.find("Permission") != std::string::npos)
        throw Forbidden(m.empty() ? "You are not allowed to do this." : m);
    if (e.status == 409)
        throw Conflict(m.empty() ? "The resource is busy." : m, "conflictingRequest");
    if (e.status >= 400 && e.status < 500 && e.status != 429)
        throw BadRequest(m.empty() ? "The request was refused." : m);
    // A public exception is SoftLayer refusing what it was asked in the object's state ("has an
    // active transaction"): the caller's to resolve, as Nova's conflicts are.
    if (e.code == "SoftLayer_Exception_Public" && !m.empty())
        throw Conflict(m, "conflictingRequest");
    throw ServiceUnavailable("The cloud behind this service is unavailable; try again later.");
}

bool is_idempotent(const std::string& method)
{
    return method.starts_with("get") || method == "verifyOrder" || method == "generateOrderTemplate";
}

struct Client::Handle {
    CURL* curl = nullptr;
    ~Handle()
    {
        if (curl)
            curl_easy_cleanup(curl);
    }
};

Client::Client(Settings settings) : settings_(std::move(settings))
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

Client::~Client() = default;

namespace {

std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* out)
{
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

struct Headers {
    long long total_items = -1;
    double retry_after = 0;
};

std::size_t keep_header(char* data, std::size_t size, std::size_t count, void* out)
{
    auto* h = static_cast<Headers*>(out);
    std::string_view line(data, size * count);
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        std::string value(line.substr(colon + 1));
        try {
            if (name == "softlayer-total-items")
                h->total_items = std::stoll(value);
            else if (name == "retry-after")
                h->retry_after = std::stod(value);
        } catch (const std::exception&) {
        }
    }
    return size * count;
}

// Where a call goes, for the log: never its credentials, nor its query.
std::string what(const Call& call)
{
    return call.service + (call.id.empty() ? "" : "/" + call.id) + "/" + call.method;
}

} // namespace

Client::Answer Client::perform(const std::string& credentials, const Call& call, const std::string& url) const
{
    if (!handle_) {
        handle_ = std::make_unique<Handle>();
        handle_->curl = curl_easy_init();
        if (!handle_->curl) {
            handle_.reset();
            throw std::runtime_error("libcurl could not make a handle");
        }
    }
    CURL* curl = handle_->curl;
    curl_easy_reset(curl); // keeps the connection open, forgets the last call's options
    Answer a;
    Headers headers;
    auto colon = credentials.rfind(':');
    std::string username = credentials.substr(0, colon);
    std::string api_key = colon == std::string::npos ? "" : credentials.substr(colon + 1);
    std::string body = call.parameters.empty() ? "" : json{{"parameters", call.parameters}}.dump();
    struct curl_slist* request_headers = nullptr;
    request_headers = curl_slist_append(request_headers, "Accept: application/json");
    if (!body.empty())
        request_headers = curl_slist_append(request_headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, settings_.timeout);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(settings_.timeout, 10L));
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!settings_.ca_file.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERNAME, username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, api_key.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, request_headers);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "jumpgate-softlayer");
    if (!body.empty()) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, keep_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &headers);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(request_headers);
    if (rc != CURLE_OK) {
        a.curl_error = curl_easy_strerror(rc);
        // Refused or unresolved: nothing was sent. Anything later may have reached SoftLayer.
        a.sent = rc != CURLE_COULDNT_CONNECT && rc != CURLE_COULDNT_RESOLVE_HOST && rc != CURLE_COULDNT_RESOLVE_PROXY;
        return a;
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    a.status = static_cast<int>(status);
    a.sent = true;
    a.total_items = headers.total_items;
    a.retry_after = headers.retry_after;
    return a;
}

json Client::answered(const std::string& credentials, const Call& call, long long* total_items) const
{
    if (credentials.empty())
        throw Unauthorized("This service acts with the SoftLayer API key of the token's user; the token has none.");
    std::string url = call_url(settings_.api_url, call);
    std::lock_guard lock(mutex_);
    for (int attempt = 0;; ++attempt) {
        Answer a = perform(credentials, call, url);
        bool unavailable = a.status == 0 || a.status == 429 || a.status >= 500;
        if (!unavailable) {
            if (a.status >= 400)
                raise(error_of(a.status, a.body));
            json result = json::parse(a.body, nullptr, false);
            if (result.is_discarded()) {
                log::error("softlayer: " + what(call) + " answered " + std::to_string(a.status) + " without JSON");
                throw ServiceUnavailable("The cloud behind this service answered what it cannot read.");
            }
            if (total_items)
                *total_items = a.total_items;
            return result;
        }
        // Only what SoftLayer surely did not execute is tried again, unless doing it twice is harmless.
        bool again = a.status == 429 || !a.sent || is_idempotent(call.method);
        Error e = a.status ? error_of(a.status, a.body) : Error{};
        if (a.status >= 500 && e.code == "SoftLayer_Exception_Public" && !e.message.empty())
            raise(e); // an answer about the request, not an outage
        log::warning("softlayer: " + what(call) + ": " +
                     (a.status ? "HTTP " + std::to_string(a.status) + " " + e.code + " " + e.message : a.curl_error) +
                     (again && attempt < settings_.retries ? "; trying again" : ""));
        if (!again || attempt >= settings_.retries)
            raise(Error{.status = 503});
        double wait = std::min(8.0, 0.25 * (1 << attempt));
        if (a.retry_after > 0)
            wait = std::min(a.retry_after, 10.0);
        std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    }
}

json Client::call(const std::string& credentials, const Call& call) const
{
    return answered(credentials, call, nullptr);
}

json Client::list(const std::string& credentials, Call call, std::size_t page) const
{
    json all = json::array();
    for (std::size_t offset = 0;; offset += page) {
        call.limit = std::pair{offset, page};
        long long total = -1;
        json part = answered(credentials, call, &total);
        if (!part.is_array())
            throw ServiceUnavailable("The cloud behind this service answered a list with something else.");
        for (auto& item : part)
            all.push_back(std::move(item));
        if (part.size() < page || total < 0 || static_cast<long long>(all.size()) >= total)
            return all;
    }
}

} // namespace jumpgate::softlayer
