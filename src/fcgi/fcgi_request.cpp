// SPDX-License-Identifier: Apache-2.0
// The FastCGI edge: a Request from an FCGX_Request, a Response back onto it.
#include "fcgi/fcgi_request.hpp"

#include <algorithm>
#include <cstring>
#include <strings.h>

#include <cgicc/CgiInput.h>
#include <cgicc/CgiUtils.h>
#include <cgicc/Cgicc.h>

#include <jumpgate/fault.hpp>

namespace jumpgate::fcgi {

namespace {

/* The body as the request's own FCGX stream, refusing to read past `max` bytes. */
class FcgxBody : public BodySource {
  public:
    FcgxBody(FCGX_Stream* in, std::size_t max) : in_(in), max_(max) {}

    std::size_t read(char* buffer, std::size_t size) override
    {
        int n = FCGX_GetStr(buffer, static_cast<int>(size), in_);
        if (n <= 0)
            return 0;
        total_ += static_cast<std::size_t>(n);
        if (total_ > max_)
            throw PayloadTooLarge("Request body is larger than " + std::to_string(max_) + " bytes.");
        return static_cast<std::size_t>(n);
    }

  private:
    FCGX_Stream* in_;
    std::size_t max_;
    std::size_t total_ = 0;
};

/* A body already read (a form cgicc could not parse), given to the handler as it came. */
class ReadBody : public BodySource {
  public:
    explicit ReadBody(std::string data) : data_(std::move(data)) {}

    std::size_t read(char* buffer, std::size_t size) override
    {
        std::size_t n = std::min(size, data_.size() - given_);
        std::memcpy(buffer, data_.data() + given_, n);
        given_ += n;
        return n;
    }

  private:
    std::string data_;
    std::size_t given_ = 0;
};

bool is_form(const char* type)
{
    return type && (strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0 ||
                    strncasecmp(type, "multipart/form-data", 19) == 0);
}

/*
 * cgicc's input bound to one FCGX request, as CgiInput's header advises for
 * FastCGI. A form's body is given as read beforehand (`form`); without one,
 * JSON and image bodies stay in the stream for the handler.
 */
class FcgxCgiInput : public cgicc::CgiInput {
  public:
    FcgxCgiInput(FCGX_Request& raw, const std::string* form) : raw_(raw), form_(form) {}

    size_t read(char* data, size_t length) override
    {
        if (!form_)
            return 0;
        size_t n = std::min(length, form_->size() - given_);
        std::memcpy(data, form_->data() + given_, n);
        given_ += n;
        return n;
    }

    std::string getenv(const char* name) override
    {
        if (!form_) {
            // Make cgicc parse the query string and never wait for a body.
            if (std::strcmp(name, "REQUEST_METHOD") == 0)
                return "GET";
            if (std::strcmp(name, "CONTENT_LENGTH") == 0)
                return "0";
        } else if (std::strcmp(name, "CONTENT_LENGTH") == 0) {
            return std::to_string(form_->size());
        }
        const char* value = FCGX_GetParam(name, raw_.envp);
        return value ? value : "";
    }

  private:
    FCGX_Request& raw_;
    const std::string* form_;
    size_t given_ = 0;
};

/*
 * The form body as far as it came, at most `length` bytes: cgicc throws (a 500) on a body
 * shorter than CONTENT_LENGTH, where a JSON body cut short is read as what arrived.
 */
std::string read_form(FCGX_Stream* in, std::size_t length)
{
    std::string data(length, '\0');
    std::size_t got = 0;
    while (got < length) {
        int n = FCGX_GetStr(data.data() + got, static_cast<int>(length - got), in);
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    data.resize(got);
    return data;
}

void add_elements(cgicc::Cgicc& cgi, Pairs& out)
{
    for (const auto& e : *cgi)
        out.emplace_back(e.getName(), e.getValue());
}

/*
 * add_bare_names: the parameters of `qs` without a value that cgicc left out (it drops one that
 * ends the query string: Keystone's "?nocatalog"), as present with an empty one.
 */
void add_bare_names(std::string_view qs, Pairs& out)
{
    while (!qs.empty()) {
        std::string_view part = qs.substr(0, qs.find('&'));
        qs.remove_prefix(std::min(qs.size(), part.size() + 1));
        if (part.empty() || part.find('=') != std::string_view::npos)
            continue;
        std::string name = cgicc::form_urldecode(std::string(part));
        if (std::none_of(out.begin(), out.end(), [&](const auto& p) { return p.first == name; }))
            out.emplace_back(std::move(name), "");
    }
}

} // namespace

Request make_request(FCGX_Request& raw, std::size_t max_body, std::size_t max_json)
{
    Pairs env;
    for (char** p = raw.envp; p && *p; ++p) {
        const char* eq = std::strchr(*p, '=');
        if (eq)
            env.emplace_back(std::string(static_cast<const char*>(*p), eq), std::string(eq + 1));
    }

    Pairs query;
    const char* qs = FCGX_GetParam("QUERY_STRING", raw.envp);
    if (qs && *qs) {
        FcgxCgiInput input(raw, nullptr);
        cgicc::Cgicc cgi(&input);
        add_elements(cgi, query);
        add_bare_names(qs, query);
    }
    const char* method = FCGX_GetParam("REQUEST_METHOD", raw.envp);
    const char* length = FCGX_GetParam("CONTENT_LENGTH", raw.envp);
    bool form = method && std::strcmp(method, "POST") == 0 && is_form(FCGX_GetParam("CONTENT_TYPE", raw.envp)) &&
                length && std::strtoull(length, nullptr, 10) <= max_json;
    std::unique_ptr<BodySource> body;
    if (form) {
        std::string data = read_form(raw.in, std::strtoull(length, nullptr, 10));
        Pairs fields;
        try {
            FcgxCgiInput input(raw, &data);
            cgicc::Cgicc cgi(&input);
            add_elements(cgi, fields);
        } catch (const std::exception&) {
            // Malformed multipart: the body stays as it came, for the handler to refuse.
            fields.clear();
            body = std::make_unique<ReadBody>(std::move(data));
        }
        // cgicc returns the form's fields; the query string was taken above.
        for (auto& f : fields)
            if (std::find(query.begin(), query.end(), f) == query.end())
                query.push_back(std::move(f));
    }

    if (!form)
        body = std::make_unique<FcgxBody>(raw.in, max_body);
    return Request(std::move(env), std::move(query), std::move(body), max_body, max_json);
}

long long send_response(FCGX_Request& raw, const Request& req, Response& resp)
{
    std::string head = "Status: " + std::to_string(resp.status) + " " + status_reason(resp.status) + "\r\n";
    for (const auto& [name, value] : resp.headers())
        head += name + ": " + value + "\r\n";
    bool head_only = req.method() == "HEAD" || resp.status == 204 || resp.status == 304;
    std::string body;
    std::string type = resp.content_type();
    // Headers were checked as they were set (Response::set_header); the type is the one left.
    if (!type.empty() && is_header_value(type) && !resp.header("Content-Type"))
        head += "Content-Type: " + type + "\r\n";
    if (resp.is_stream()) {
        if (resp.stream_length() >= 0 && !resp.header("Content-Length"))
            head += "Content-Length: " + std::to_string(resp.stream_length()) + "\r\n";
    } else {
        body = resp.encoded();
        if (!resp.header("Content-Length") && !(head_only && body.empty()))
            head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    head += "\r\n";
    FCGX_PutStr(head.data(), static_cast<int>(head.size()), raw.out);
    if (head_only)
        return 0;
    if (!resp.is_stream()) {
        FCGX_PutStr(body.data(), static_cast<int>(body.size()), raw.out);
        return static_cast<long long>(body.size());
    }
    char buffer[65536];
    long long sent = 0;
    while (std::size_t n = resp.source()->read(buffer, sizeof buffer)) {
        if (FCGX_PutStr(buffer, static_cast<int>(n), raw.out) < 0)
            break; // the client went away
        sent += static_cast<long long>(n);
    }
    return sent;
}

} // namespace jumpgate::fcgi
