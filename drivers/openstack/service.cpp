// SPDX-License-Identifier: Apache-2.0
// Calls to the upstream's services for a user: the token of their project, their request id, faults made the core's.
#include <algorithm>
#include <cctype>

#include <jumpgate/fault.hpp>
#include <jumpgate/log.hpp>

#include "service.hpp"

namespace jumpgate::openstack {

namespace {

bool unreserved(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '~';
}

std::string html_text(std::string_view html)
{
    std::string out;
    bool in_tag = false;
    for (char c : html) {
        if (c == '<')
            in_tag = true;
        else if (c == '>')
            in_tag = false;
        else if (!in_tag)
            out += c;
    }
    for (auto [entity, c] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
        for (auto at = out.find(entity); at != std::string::npos; at = out.find(entity, at + 1))
            out.replace(at, std::string_view(entity).size(), c);
    return out;
}

std::string squeezed(std::string_view text)
{
    std::string out;
    for (char c : text) {
        bool space = std::isspace(static_cast<unsigned char>(c));
        if (space && (out.empty() || out.back() == ' '))
            continue;
        out += space ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

} // namespace

std::optional<std::string> text_of(const json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_string())
        return std::nullopt;
    return it->get<std::string>();
}

std::optional<long long> count_of(const json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer())
        return std::nullopt;
    return it->get<long long>();
}

bool flag_of(const json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::string percent_encoded(std::string_view s)
{
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        if (unreserved(c)) {
            out += c;
        } else {
            auto b = static_cast<unsigned char>(c);
            out += '%';
            out += kDigits[b >> 4];
            out += kDigits[b & 15];
        }
    }
    return out;
}

bool dot_segment(std::string_view value)
{
    std::string v(value);
    for (char& c : v)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view dot : {".", "..", "%2e", "%2e%2e", ".%2e", "%2e."})
        if (v == dot)
            return true;
    return false;
}

std::string segment(std::string_view id)
{
    if (dot_segment(id))
        throw NotFound("The resource could not be found.");
    return percent_encoded(id);
}

json or_null(const std::optional<std::string>& text)
{
    return text ? json(*text) : json(nullptr);
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params)
{
    std::string out;
    for (const auto& [key, value] : params)
        out += (out.empty() ? "?" : "&") + percent_encoded(key) + "=" + percent_encoded(value);
    return out;
}

std::string fault_message(std::string_view body)
{
    json j = json::parse(body, nullptr, false);
    if (j.is_object()) {
        if (auto m = text_of(j, "message"))
            return squeezed(html_text(*m));
        for (const auto& [key, value] : j.items()) // {"error": {"message": ...}}, {"itemNotFound": {...}}
            if (value.is_object())
                if (auto m = text_of(value, "message"))
                    return squeezed(html_text(*m));
        return "";
    }
    std::string_view text = body;
    if (auto h1 = text.find("</h1>"); h1 != std::string_view::npos)
        text.remove_prefix(h1 + 5);
    if (auto end = text.find("</body>"); end != std::string_view::npos)
        text = text.substr(0, end);
    return squeezed(html_text(text));
}

json versions_with(json doc, const std::string& href, const std::vector<std::string>& ids)
{
    auto versions = doc.is_object() ? doc.find("versions") : doc.end();
    if (versions == doc.end() || !versions->is_array() || ids.empty())
        return doc;
    std::string major = ids.front().substr(0, ids.front().find('.'));
    for (const auto& v : *versions)
        if (v.is_object() && text_of(v, "id").value_or("").starts_with(major))
            return doc;
    for (const std::string& id : ids)
        versions->push_back({{"id", id}, {"status", "DEPRECATED"}, {"links", {{{"rel", "self"}, {"href", href}}}}});
    return doc;
}

ServiceCalls::ServiceCalls(std::shared_ptr<const Upstream> upstream, std::string service)
    : upstream_(std::move(upstream)), service_(std::move(service))
{
}

std::unique_ptr<Answer> ServiceCalls::open(const Context& ctx, Call call, std::initializer_list<int> ok) const
{
    std::string root = upstream_->root(service_);
    if (root.empty()) {
        log::error(ctx.request_id + " openstack: no upstream " + service_ +
                   " service is known yet: none of the upstream's catalogs seen listed it");
        throw ServiceUnavailable("The upstream's " + service_ +
                                 " service is not known yet: authenticate with a project first.");
    }
    std::string what = call.method + " " + call.url.substr(0, call.url.find('?'));
    call.url = root + call.url;
    call.headers.emplace_back("X-Auth-Token", upstream_->scoped(ctx.credentials, ctx.project_id, ctx.request_id).token);
    call.headers.emplace_back("X-OpenStack-Request-ID", ctx.request_id);
    auto answer = upstream_->http().open(call, ctx.request_id);
    const std::string* upstream_id = answer->header("X-Openstack-Request-Id");
    log::debug(ctx.request_id + " upstream " + service_ + " " + what + ": " + std::to_string(answer->status()) +
               (upstream_id ? " " + *upstream_id : ""));
    if (std::find(ok.begin(), ok.end(), answer->status()) != ok.end())
        return answer;
    std::string body;
    try {
        body = answer->text(kCallJsonMax);
    } catch (const Fault&) { // a fault without its words is still the fault
    }
    fail(ctx, what, answer->status(), fault_message(body));
}

json ServiceCalls::call(const Context& ctx, const std::string& method, const std::string& path, const json& body,
                        std::initializer_list<int> ok, const char* type) const
{
    Call c{.method = method, .url = path};
    c.headers.emplace_back("Accept", "application/json");
    if (!body.is_null()) {
        c.headers.emplace_back("Content-Type", type);
        c.body_text = body.dump();
    }
    std::string text = open(ctx, std::move(c), ok)->text(kCallJsonMax);
    if (text.empty())
        return nullptr;
    json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded()) {
        log::error(ctx.request_id + " upstream " + service_ + " " + method + " " + path.substr(0, path.find('?')) +
                   " answered what is not JSON");
        throw ServiceUnavailable("The upstream " + service_ + " service failed.");
    }
    return parsed;
}

void ServiceCalls::fail(const Context& ctx, const std::string& what, int status, std::string message) const
{
    if (message.empty())
        message = status_reason(status);
    switch (status) {
    case 400:
        throw BadRequest(message);
    case 401:
        throw Unauthorized(message);
    case 403:
        throw Forbidden(message);
    case 404:
        throw NotFound(message);
    case 409:
        throw Conflict(message);
    case 413:
        throw PayloadTooLarge(message);
    case 415:
        throw UnsupportedMediaType(message);
    }
    if (status >= 400 && status < 500)
        throw Fault(status, message);
    log::error(ctx.request_id + " upstream " + service_ + " " + what + " answered " + std::to_string(status) + ": " +
               message);
    throw ServiceUnavailable("The upstream " + service_ + " service failed.");
}

} // namespace jumpgate::openstack
