// SPDX-License-Identifier: Apache-2.0
// What the Keystone resource views share: the admin checks, a body's fields as Keystone's schemas take them, links.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <jumpgate/driver/identity.hpp>
#include <jumpgate/request.hpp>

namespace jumpgate::identity {

/* require_admin: 403 naming Keystone's policy `action` unless the caller is an admin. */
void require_admin(const Request& req, const char* action);
/* require_self_or_admin: as require_admin, unless the caller is `user_id`. */
void require_self_or_admin(const Request& req, const std::string& user_id, const char* action);

/* url: the URL of `endpoint` with its one variable `var` set to `id`. */
std::string url(const Request& req, const char* endpoint, const char* var, const std::string& id);
/* list_links: a collection's links (self; no pages). */
json list_links(const Request& req);
/* view: a user as Keystone shows one. */
json view(const Request& req, const User& u);
/* view: a project as Keystone shows one: a project at the top has its domain for parent. */
json view(const Request& req, const Project& p);

/* body: the object under `key` of a JSON body; 400 when it is missing. */
const json& body(const Request& req, const char* key);
/* text: the string `o[key]`; `fallback` when absent or null, 400 naming the field when not a string. */
std::string text(const json& o, const char* key, const std::string& fallback = "");
/*
 * name_text: the name `o[key]` as Keystone's schemas take it: a string of 1 to `max` characters
 * (64 for projects and domains, 255 for users, roles, groups and application credentials) that is
 * not all whitespace; `fallback` when absent (an update; on a create, absent is 400), 400 naming the
 * field otherwise.
 */
std::string name_text(const json& o, const char* key, std::size_t max,
                      const std::optional<std::string>& fallback = std::nullopt);
/* flag: the boolean `o[key]`; `fallback` when absent, 400 naming the field when not a boolean. */
bool flag(const json& o, const char* key, bool fallback);
/*
 * extra_of: Keystone's `extra` of a create or update body `o`: its keys outside `modelled` (the
 * resource's own attributes), set over `before` (the resource's extra so far, a JSON object's text).
 */
std::string extra_of(const json& o, std::span<const std::string_view> modelled, const std::string& before = "{}");
/* with_extra: `view` with the keys of `extra` that it has not got, as Keystone returns them. */
json with_extra(json view, const std::string& extra);
/* new_keystone_id: a new id as Keystone makes them (a UUID's 32 hex digits, no dashes). */
std::string new_keystone_id();

} // namespace jumpgate::identity
