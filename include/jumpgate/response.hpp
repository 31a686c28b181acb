// SPDX-License-Identifier: Apache-2.0
// Response: status, headers and a body that is JSON, bytes or a stream.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace jumpgate {

/* ByteSource: a response body produced in pieces (image data, volume bytes). */
class ByteSource {
  public:
    virtual ~ByteSource() = default;
    /* read: up to `size` bytes into `buffer`; returns 0 at the end. Throws on I/O errors. */
    virtual std::size_t read(char* buffer, std::size_t size) = 0;
};

/* is_header_name: true when `name` is an HTTP token (RFC 9110 5.1), what a header's name must be. */
bool is_header_name(std::string_view name);
/*
 * is_header_value: true when `text` has no control character (C0, DEL), so a
 * header can carry it: a CR or LF would end the header and start another.
 */
bool is_header_value(std::string_view text);

class Response {
  public:
    int status = 200;

    /*
     * set_header: replaces any header of that name (case-insensitive). A name
     * or value a header cannot carry (is_header_name, is_header_value) is never
     * sent: the header is dropped, old value included, and an error is logged.
     */
    void set_header(std::string_view name, std::string value);
    /* add_header: appends, for headers that repeat; refuses what set_header refuses. */
    void add_header(std::string_view name, std::string value);
    void remove_header(std::string_view name);
    /* header: the first value of a header, or nullptr. */
    const std::string* header(std::string_view name) const;
    const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

    /* json: the body as JSON; encoded with Content-Type application/json when sent. */
    void json(nlohmann::json body);
    /* bytes: a small body given whole, with its content type. */
    void bytes(std::string body, std::string content_type);
    /* stream: a body read from `source` while it is sent; length -1 when unknown. */
    void stream(std::unique_ptr<ByteSource> source, std::string content_type, long long length);
    /* clear_body: no body at all (204, HEAD). */
    void clear_body();

    bool has_json() const { return json_.has_value(); }
    const nlohmann::json& json_body() const { return *json_; }
    nlohmann::json& json_body() { return *json_; }
    bool is_stream() const { return static_cast<bool>(source_); }
    ByteSource* source() { return source_.get(); }
    long long stream_length() const { return stream_length_; }

    /* encode: JSON as every response puts it on the wire. */
    static std::string encode(const nlohmann::json& body);
    /* encoded: the body as it goes on the wire (JSON dumped); not for streams. */
    std::string encoded() const;
    std::string content_type() const;

  private:
    std::vector<std::pair<std::string, std::string>> headers_;
    std::optional<nlohmann::json> json_;
    std::string bytes_;
    std::string bytes_type_;
    std::unique_ptr<ByteSource> source_;
    long long stream_length_ = -1;
};

} // namespace jumpgate
