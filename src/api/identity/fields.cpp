// SPDX-License-Identifier: Apache-2.0
// What the Keystone resource views share (fields.hpp): admin checks, a body's fields, links, the user view.
#include "api/identity/fields.hpp"

#include <jumpgate/fault.hpp>
#include <jumpgate/request.hpp>

#include <algorithm>

#include "api/common/validation.hpp"

namespace jumpgate::identity {

void require_admin(const Request& req, const char* action)
{
    if (!req.context().is_admin())
        throw Forbidden(std::string("You are not authorized to perform the requested action: identity:") + action +
                        ".");
}

void require_self_or_admin(const Request& req, const std::string& user_id, const char* action)
{
    if (req.context().user_id != user_id)
        require_admin(req, action);
}

std::string url(const Request& req, const char* endpoint, const char* var, const std::string& id)
{
    return req.dispatcher()->endpoint_url(req, endpoint, {{var, id}});
}

json list_links(const Request& req)
{
    return {{"self", req.dispatcher()->endpoint_url(req, req.endpoint())}, {"previous", nullptr}, {"next", nullptr}};
}

json view(const Request& req, const User& u)
{
    json v = {{"id", u.id},
              {"name", u.name},
              {"domain_id", u.domain_id},
              {"enabled", u.enabled},
              {"password_expires_at", nullptr},
              {"options", json::object()},
              {"links", {{"self", url(req, "v3_user", "user_id", u.id)}}}};
    if (!u.description.empty())
        v["description"] = u.description;
    if (!u.email.empty())
        v["email"] = u.email;
    if (!u.default_project_id.empty())
        v["default_project_id"] = u.default_project_id;
    return with_extra(std::move(v), u.extra);
}

json view(const Request& req, const Project& p)
{
    return {{"id", p.id},
            {"name", p.name},
            {"domain_id", p.domain_id},
            {"description", p.description},
            {"enabled", p.enabled},
            {"parent_id", p.parent_id.empty() ? p.domain_id : p.parent_id},
            {"is_domain", false},
            {"tags", p.tags},
            {"options", json::object()},
            {"links", {{"self", url(req, "v3_projects_with_id", "project_id", p.id)}}}};
}

const json& body(const Request& req, const char* key)
{
    const json& b = req.json_body();
    if (!b.is_object() || !b.contains(key) || !b[key].is_object())
        throw BadRequest(std::string("Expecting to find ") + key + " in the request body.");
    return b[key];
}

std::string text(const json& o, const char* key, const std::string& fallback)
{
    if (!o.contains(key) || o[key].is_null())
        return fallback;
    if (!o[key].is_string())
        throw BadRequest(std::string("Invalid input for field '") + key + "': a string is expected.");
    return o[key].get<std::string>();
}

std::string name_text(const json& o, const char* key, std::size_t max, const std::optional<std::string>& fallback)
{
    if (!o.contains(key)) {
        if (!fallback)
            throw BadRequest(std::string("Invalid input for field '") + key + "': it is required.");
        return *fallback;
    }
    std::string name = text(o, key);
    std::size_t characters = api::utf8_length(name);
    if (characters == 0 || characters > max)
        throw BadRequest(std::string("Invalid input for field '") + key + "': a name of 1 to " + std::to_string(max) +
                         " characters is expected.");
    if (name.find_first_not_of(" \t\n\r\f\v") == std::string::npos)
        throw BadRequest(std::string("Invalid input for field '") + key + "': a name must not be only whitespace.");
    return name;
}

bool flag(const json& o, const char* key, bool fallback)
{
    if (!o.contains(key))
        return fallback;
    if (!o[key].is_boolean())
        throw BadRequest(std::string("Invalid input for field '") + key + "': a boolean is expected.");
    return o[key].get<bool>();
}

std::string extra_of(const json& o, std::span<const std::string_view> modelled, const std::string& before)
{
    json extra = json::parse(before, nullptr, false);
    if (!extra.is_object())
        extra = json::object();
    for (const auto& [key, value] : o.items())
        if (std::find(modelled.begin(), modelled.end(), key) == modelled.end())
            extra[key] = value;
    return extra.dump();
}

json with_extra(json view, const std::string& extra)
{
    json e = json::parse(extra, nullptr, false);
    if (e.is_object())
        for (const auto& [key, value] : e.items())
            if (!view.contains(key))
                view[key] = value;
    return view;
}

std::string new_keystone_id()
{
    std::string id = new_uuid();
    std::erase(id, '-');
    return id;
}

} // namespace jumpgate::identity
