// SPDX-License-Identifier: Apache-2.0
// Request accessors over the CGI parameters, and the lazily parsed JSON body.
#include <jumpgate/request.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <pthread.h>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <jumpgate/fault.hpp>
#include <jumpgate/hex.hpp>

namespace jumpgate {

namespace {

char cgi_char(char c)
{
    if (c == '-')
        return '_';
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// Whether the CGI name `key` is the one of header `name` (HTTP_X_AUTH_TOKEN for X-Auth-Token).
bool is_header_key(std::string_view key, std::string_view name)
{
    std::string_view bare;
    if (key == "CONTENT_TYPE" || key == "CONTENT_LENGTH") {
        bare = key;
    } else if (key.substr(0, 5) == "HTTP_") {
        bare = key.substr(5);
        // Content-Type travels as CONTENT_TYPE; an HTTP_CONTENT_TYPE is not it.
        if (bare == "CONTENT_TYPE" || bare == "CONTENT_LENGTH")
            return false;
    } else {
        return false;
    }
    if (bare.size() != name.size())
        return false;
    for (std::size_t i = 0; i < bare.size(); ++i)
        if (bare[i] != cgi_char(name[i]))
            return false;
    return true;
}

std::string_view first_item(std::string_view list)
{
    auto comma = list.find(',');
    auto item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
        item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
        item.remove_suffix(1);
    return item;
}

bool is_json_type(std::string_view type)
{
    auto semi = type.find(';');
    auto media = type.substr(0, semi);
    while (!media.empty() && media.back() == ' ')
        media.remove_suffix(1);
    if (media.empty())
        return true;
    return media.find("json") != std::string_view::npos;
}

} // namespace

bool Context::has_role(std::string_view role) const
{
    return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Request::Request(Pairs env, Pairs query, std::unique_ptr<BodySource> body, std::size_t max_body, std::size_t max_json)
    : env_(std::move(env)), query_(std::move(query)), body_(std::move(body)), max_body_(max_body), max_json_(max_json)
{
    method_ = std::string(this->env("REQUEST_METHOD"));
    std::string_view uri = this->env("REQUEST_URI");
    if (uri.empty())
        uri = this->env("DOCUMENT_URI");
    path_ = std::string(uri.substr(0, uri.find('?')));
    if (path_.empty())
        path_ = "/";
    auto length = this->env("CONTENT_LENGTH");
    if (!length.empty()) {
        // Unparsable (-2) becomes a 400 in the dispatcher.
        auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), content_length_);
        if (ec != std::errc() || end != length.data() + length.size() || content_length_ < 0)
            content_length_ = -2;
    }
    id_ = new_request_id();
    context_.request_id = id_;
}

Request::~Request() = default;
Request::Request(Request&&) noexcept = default;

std::string_view Request::env(std::string_view name) const
{
    for (const auto& [k, v] : env_)
        if (k == name)
            return v;
    return {};
}

std::string_view Request::header(std::string_view name) const
{
    for (const auto& [k, v] : env_)
        if (is_header_key(k, name))
            return v;
    return {};
}

bool Request::has_header(std::string_view name) const
{
    for (const auto& [k, v] : env_)
        if (is_header_key(k, name))
            return true;
    return false;
}

Pairs Request::headers_with_prefix(std::string_view prefix) const
{
    std::string key = "HTTP_";
    for (char c : prefix)
        key.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    Pairs out;
    for (const auto& [k, v] : env_) {
        if (k.size() <= key.size() || k.compare(0, key.size(), key) != 0)
            continue;
        std::string rest = k.substr(key.size());
        for (char& c : rest)
            c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.emplace_back(std::move(rest), v);
    }
    return out;
}

std::string_view Request::query(std::string_view name) const
{
    for (const auto& [k, v] : query_)
        if (k == name)
            return v;
    return {};
}

bool Request::has_query(std::string_view name) const
{
    return std::any_of(query_.begin(), query_.end(), [&](const auto& p) { return p.first == name; });
}

std::vector<std::string> Request::query_all(std::string_view name) const
{
    std::vector<std::string> out;
    for (const auto& [k, v] : query_)
        if (k == name)
            out.push_back(v);
    return out;
}

const std::string& Request::param(std::string_view name) const
{
    for (const auto& [k, v] : params_)
        if (k == name)
            return v;
    throw std::out_of_range("no path variable '" + std::string(name) + "'");
}

bool Request::has_param(std::string_view name) const
{
    return std::any_of(params_.begin(), params_.end(), [&](const auto& p) { return p.first == name; });
}

std::string Request::read_body() const
{
    if (body_consumed_)
        throw std::logic_error("request body read twice");
    body_consumed_ = true;
    std::string data;
    if (content_length_ > 0 && static_cast<unsigned long long>(content_length_) > max_json_)
        throw PayloadTooLarge("Request body is larger than " + std::to_string(max_json_) + " bytes.");
    if (!body_)
        return data;
    char buffer[16384];
    while (std::size_t n = body_->read(buffer, sizeof buffer)) {
        data.append(buffer, n);
        if (data.size() > max_json_)
            throw PayloadTooLarge("Request body is larger than " + std::to_string(max_json_) + " bytes.");
    }
    return data;
}

const json& Request::json_body() const
{
    if (json_)
        return *json_;
    if (!is_json_type(content_type()))
        throw UnsupportedMediaType("Unsupported Content-Type: " + std::string(content_type()));
    std::string data = read_body();
    if (data.empty())
        throw BadRequest("Malformed request body: the body is empty.");
    auto parsed = json::parse(data, nullptr, false);
    if (parsed.is_discarded())
        throw BadRequest("Malformed request body: not valid JSON.");
    json_ = std::make_unique<json>(std::move(parsed));
    return *json_;
}

const std::string& Request::scheme() const
{
    if (!scheme_.empty())
        return scheme_;
    auto forwarded = first_item(header("X-Forwarded-Proto"));
    if (!forwarded.empty())
        scheme_ = forwarded;
    else if (env("HTTPS") == "on")
        scheme_ = "https";
    else
        scheme_ = env("REQUEST_SCHEME").empty() ? std::string_view("http") : env("REQUEST_SCHEME");
    return scheme_;
}

const std::string& Request::host() const
{
    if (host_.empty())
        host_ = find_host();
    return host_;
}

std::string Request::find_host() const
{
    auto forwarded = first_item(header("X-Forwarded-Host"));
    if (!forwarded.empty())
        return std::string(forwarded);
    std::string host(header("Host"));
    if (host.empty())
        host = env("SERVER_NAME").empty() ? "localhost" : std::string(env("SERVER_NAME"));
    // Debian's fastcgi_params pass $host, without the port: put the server's back.
    bool has_port = host.find(':', host.rfind(']') == std::string::npos ? 0 : host.rfind(']')) != std::string::npos;
    auto port = env("SERVER_PORT");
    if (!has_port && !port.empty() && header("X-Forwarded-Proto").empty()) {
        bool https = scheme() == "https";
        if (port != (https ? "443" : "80"))
            host += ":" + std::string(port);
    }
    return host;
}

namespace {

// Random bytes drawn from OpenSSL a page at a time: a RAND_bytes call for each request id
// cost more than the rest of a small read. A child of fork() starts with an empty pool, so
// that parent and child never hand out the same bytes.
struct RandomPool {
    unsigned char bytes[4096];
    std::size_t used = sizeof bytes;
};
thread_local RandomPool random_pool;
[[maybe_unused]] const int random_pool_forks =
    pthread_atfork(nullptr, nullptr, [] { random_pool.used = sizeof random_pool.bytes; });

void random_bytes(unsigned char* out, std::size_t n)
{
    RandomPool& pool = random_pool;
    if (pool.used + n > sizeof pool.bytes) {
        if (RAND_bytes(pool.bytes, sizeof pool.bytes) != 1)
            throw std::runtime_error("RAND_bytes failed");
        pool.used = 0;
    }
    std::memcpy(out, pool.bytes + pool.used, n);
    OPENSSL_cleanse(pool.bytes + pool.used, n);
    pool.used += n;
}

} // namespace

std::string new_uuid()
{
    unsigned char b[16];
    random_bytes(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    // 8-4-4-4-12: each group is short enough for hex() to answer without allocating.
    const std::span<const unsigned char> bytes(b);
    std::string text;
    text.reserve(36);
    for (auto [from, count] : {std::pair{0, 4}, {4, 2}, {6, 2}, {8, 2}, {10, 6}}) {
        if (from)
            text.push_back('-');
        text += hex(bytes.subspan(from, count));
    }
    return text;
}

bool uuid_like(std::string_view text)
{
    if (text.size() >= 2 && text.front() == '{' && text.back() == '}')
        text = text.substr(1, text.size() - 2);
    std::size_t digits = 0;
    for (unsigned char c : text) {
        if (std::isxdigit(c))
            ++digits;
        else if (c != '-')
            return false;
    }
    return digits == 32;
}

std::string new_request_id()
{
    return "req-" + new_uuid();
}

} // namespace jumpgate
