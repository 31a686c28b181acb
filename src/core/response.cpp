// SPDX-License-Identifier: Apache-2.0
// Response headers and bodies.
#include <jumpgate/response.hpp>

#include <algorithm>
#include <strings.h>

namespace jumpgate {

namespace {
bool same_name(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}
} // namespace

void Response::set_header(std::string_view name, std::string value)
{
    remove_header(name);
    headers_.emplace_back(std::string(name), std::move(value));
}

void Response::add_header(std::string_view name, std::string value)
{
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
