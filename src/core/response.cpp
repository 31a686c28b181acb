// SPDX-License-Identifier: Apache-2.0
// Response headers and bodies.
#include <jumpgate/response.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <strings.h>

#include <jumpgate/log.hpp>

namespace jumpgate {

namespace {
bool same_name(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// A header that would not reach the client as it was set; a bug or stored data the writer let in.
bool refused(std::string_view name, std::string_view value)
{
    if (is_header_name(name) && is_header_value(value))
        return false;
    log::error("response header not sent: " +
               (is_header_name(name) ? std::string(name) : std::string("(a name that is no token)")) +
               " carries a character a header cannot carry");
    return true;
}
} // namespace

bool is_header_name(std::string_view name)
{
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || (c && std::strchr("!#$%&'*+-.^_`|~", c));
    });
}

bool is_header_value(std::string_view text)
{
    return std::none_of(text.begin(), text.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

void Response::set_header(std::string_view name, std::string value)
{
    remove_header(name);
    if (!refused(name, value))
        headers_.emplace_back(std::string(name), std::move(value));
}

void Response::add_header(std::string_view name, std::string value)
{
    if (!refused(name, value))
        headers_.emplace_back(std::string(name), std::move(value));
}

void Response::remove_header(std::string_view name)
{
    std::erase_if(headers_, [&](const auto& h) { return same_name(h.first, name); });
}

const std::string* Response::header(std::string_view name) const
{
    for (const auto& h : headers_)
        if (same_name(h.first, name))
            return &h.second;
    return nullptr;
}

void Response::json(nlohmann::json body)
{
    clear_body();
    json_ = std::move(body);
}

void Response::bytes(std::string body, std::string content_type)
{
    clear_body();
    bytes_ = std::move(body);
    bytes_type_ = std::move(content_type);
}

void Response::stream(std::unique_ptr<ByteSource> source, std::string content_type, long long length)
{
    clear_body();
    source_ = std::move(source);
    bytes_type_ = std::move(content_type);
    stream_length_ = length;
}

void Response::clear_body()
{
    json_.reset();
    bytes_.clear();
    bytes_type_.clear();
    source_.reset();
    stream_length_ = -1;
}

std::string Response::encode(const nlohmann::json& body)
{
    // Replace invalid UTF-8 rather than throw: a driver's bad byte must not become a 500.
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Response::encoded() const
{
    return json_ ? encode(*json_) : bytes_;
}

std::string Response::content_type() const
{
    if (json_)
        return "application/json";
    return bytes_type_;
}

} // namespace jumpgate
