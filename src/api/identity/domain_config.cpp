// SPDX-License-Identifier: Apache-2.0
// Keystone's domain configuration: a domain's own identity and ldap options, stored and shown, and the defaults.
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/fault.hpp>

#include <algorithm>
#include <string_view>

#include "api/identity/fields.hpp"
#include "api/identity/identity.hpp"

namespace jumpgate::identity {

namespace {

/*
 * Option: one option Keystone lets a domain set for itself, with the value Keystone's own configuration
 * gives it by default (as JSON text). A sensitive one (ldap's password) is stored but never shown.
 */
struct Option {
    std::string_view group;
    std::string_view name;
    std::string_view default_value;
    bool sensitive = false;
};

// Keystone's whitelisted and sensitive options (its DomainConfigManager), with the defaults of its options.
constexpr Option kOptions[] = {
    {"identity", "driver", R"("sql")"},
    {"identity", "list_limit", "null"},
    {"ldap", "url", R"("ldap://localhost")"},
    {"ldap", "user", "null"},
    {"ldap", "password", "null", true},
    {"ldap", "suffix", R"("cn=example,cn=com")"},
    {"ldap", "query_scope", R"("one")"},
    {"ldap", "page_size", "0"},
    {"ldap", "alias_dereferencing", R"("default")"},
    {"ldap", "debug_level", "null"},
    {"ldap", "chase_referrals", "null"},
    {"ldap", "user_tree_dn", "null"},
    {"ldap", "user_filter", "null"},
    {"ldap", "user_objectclass", R"("inetOrgPerson")"},
    {"ldap", "user_id_attribute", R"("cn")"},
    {"ldap", "user_name_attribute", R"("sn")"},
    {"ldap", "user_mail_attribute", R"("mail")"},
    {"ldap", "user_description_attribute", R"("description")"},
    {"ldap", "user_pass_attribute", R"("userPassword")"},
    {"ldap", "user_enabled_attribute", R"("enabled")"},
    {"ldap", "user_enabled_invert", "false"},
    {"ldap", "user_enabled_mask", "0"},
    {"ldap", "user_enabled_default", R"("True")"},
    {"ldap", "user_attribute_ignore", R"(["default_project_id"])"},
    {"ldap", "user_default_project_id_attribute", "null"},
    {"ldap", "user_enabled_emulation", "false"},
    {"ldap", "user_enabled_emulation_dn", "null"},
    {"ldap", "user_enabled_emulation_use_group_config", "false"},
    {"ldap", "user_additional_attribute_mapping", "[]"},
    {"ldap", "group_tree_dn", "null"},
    {"ldap", "group_filter", "null"},
    {"ldap", "group_objectclass", R"("groupOfNames")"},
    {"ldap", "group_id_attribute", R"("cn")"},
    {"ldap", "group_name_attribute", R"("ou")"},
    {"ldap", "group_members_are_ids", "false"},
    {"ldap", "group_member_attribute", R"("member")"},
    {"ldap", "group_desc_attribute", R"("description")"},
    {"ldap", "group_attribute_ignore", "[]"},
    {"ldap", "group_additional_attribute_mapping", "[]"},
    {"ldap", "tls_cacertfile", "null"},
    {"ldap", "tls_cacertdir", "null"},
    {"ldap", "use_tls", "false"},
    {"ldap", "tls_req_cert", R"("demand")"},
    {"ldap", "use_pool", "true"},
    {"ldap", "pool_size", "10"},
    {"ldap", "pool_retry_max", "3"},
    {"ldap", "pool_retry_delay", "0.1"},
    {"ldap", "pool_connection_timeout", "-1"},
    {"ldap", "pool_connection_lifetime", "600"},
    {"ldap", "use_auth_pool", "true"},
    {"ldap", "auth_pool_size", "100"},
    {"ldap", "auth_pool_connection_lifetime", "60"},
};

// As Keystone: an option or group it does not let a domain set is 403 (InvalidDomainConfig).
[[noreturn]] void invalid(const std::string& reason)
{
    throw Forbidden("Invalid domain specific configuration: " + reason + ".");
}

void check_group(const std::string& group)
{
    if (std::none_of(std::begin(kOptions), std::end(kOptions), [&](const Option& o) { return o.group == group; }))
        invalid("group " + group + " is not supported for domain specific configurations");
}

const Option& option_of(const std::string& group, const std::string& name)
{
    check_group(group);
    for (const auto& o : kOptions)
        if (o.group == group && o.name == name)
            return o;
    invalid("option " + name + " in group " + group + " is not supported for domain specific configurations");
}

/* checked: a body's config: groups Keystone supports, each a non-empty object of its options. */
const json& checked(const json& config)
{
    if (!config.is_object() || config.empty())
        invalid("no options specified");
    for (const auto& [group, options] : config.items()) {
        check_group(group);
        if (!options.is_object() || options.empty())
            invalid("the value of group " + group + " specified in the config should be a dictionary of options");
        for (const auto& [name, value] : options.items())
            option_of(group, name);
    }
    return config;
}

const json& config_body(const Request& req)
{
    const json& b = req.json_body();
    if (!b.is_object() || !b.contains("config"))
        throw BadRequest("Expecting to find config in the request body.");
    return b["config"];
}

[[noreturn]] void not_found(const std::string& domain_id, const std::string& what)
{
    throw NotFound("Could not find " + what + " in the configuration of domain " + domain_id + ".");
}

/* stored: the domain's configuration (404 when it has none, or when the domain is not there). */
json stored(const Driver& d, const std::string& domain_id)
{
    d.domainGet(domain_id);
    json config = json::parse(d.domainConfigGet(domain_id), nullptr, false);
    return config.is_object() ? config : json::object();
}

/* shown: `config` without its sensitive options, as every answer gives it. */
json shown(json config)
{
    for (const auto& o : kOptions)
        if (o.sensitive && config.contains(o.group)) {
            config[o.group].erase(std::string(o.name));
            if (config[o.group].empty())
                config.erase(std::string(o.group));
        }
    return config;
}

// Keystone's default policies (identity:*_domain_config) keep a domain's configuration to the admin.
void config_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_domain_config");
    const json& config = checked(config_body(req));
    std::string domain_id = req.param("domain_id");
    d.domainGet(domain_id);
    bool existed = true;
    try {
        d.domainConfigGet(domain_id);
    } catch (const NotFound&) {
        existed = false;
    }
    d.domainConfigSet(domain_id, config.dump());
    resp.status = existed ? 200 : 201;
    resp.json({{"config", shown(config)}});
}

void config_show(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "get_domain_config");
    std::string domain_id = req.param("domain_id");
    json config = shown(stored(d, domain_id));
    if (req.has_param("group")) {
        std::string group = req.param("group");
        check_group(group);
        if (!config.contains(group))
            not_found(domain_id, "group " + group);
        if (req.has_param("option")) {
            std::string option = req.param("option");
            option_of(group, option);
            if (!config[group].contains(option))
                not_found(domain_id, "option " + option + " in group " + group);
            resp.json({{"config", {{option, config[group][option]}}}});
            return;
        }
        resp.json({{"config", {{group, config[group]}}}});
        return;
    }
    if (config.empty())
        not_found(domain_id, "any options");
    resp.json({{"config", config}});
}

/*
 * As Keystone: an update merges the options given into those stored; at a group's or an option's
 * path it names that group (or option) alone, which must be there already.
 */
void config_update(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_domain_config");
    std::string domain_id = req.param("domain_id");
    json config = stored(d, domain_id);
    json change = config_body(req);
    if (req.has_param("option")) {
        if (!change.is_object() || change.size() != 1 || !change.contains(req.param("option")))
            invalid("an update of option " + req.param("option") + " must give that option alone");
        change = json{{req.param("group"), change}};
    }
    checked(change);
    if (req.has_param("group")) {
        std::string group = req.param("group");
        if (change.size() != 1 || !change.contains(group))
            invalid("an update of group " + group + " must give that group alone");
        if (!config.contains(group))
            not_found(domain_id, "group " + group);
        if (req.has_param("option") && !config[group].contains(req.param("option")))
            not_found(domain_id, "option " + req.param("option") + " in group " + group);
    }
    for (const auto& [group, options] : change.items())
        for (const auto& [name, value] : options.items())
            config[group][name] = value;
    d.domainConfigSet(domain_id, config.dump());
    resp.json({{"config", shown(config)}});
}

void config_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_domain_config");
    std::string domain_id = req.param("domain_id");
    if (!req.has_param("group")) {
        d.domainGet(domain_id);
        d.domainConfigDelete(domain_id);
        resp.status = 204;
        return;
    }
    json config = stored(d, domain_id);
    std::string group = req.param("group");
    check_group(group);
    if (!config.contains(group))
        not_found(domain_id, "group " + group);
    if (req.has_param("option")) {
        std::string option = req.param("option");
        option_of(group, option);
        if (!config[group].contains(option))
            not_found(domain_id, "option " + option + " in group " + group);
        config[group].erase(option);
        if (config[group].empty())
            config.erase(group);
    } else
        config.erase(group);
    if (config.empty())
        d.domainConfigDelete(domain_id);
    else
        d.domainConfigSet(domain_id, config.dump());
    resp.status = 204;
}

// The defaults any domain without its own options has: Keystone's, for the options a domain may set.
void config_default(const Driver&, const Request& req, Response& resp)
{
    require_admin(req, "get_domain_config_default");
    std::string group = req.has_param("group") ? req.param("group") : "";
    std::string option = req.has_param("option") ? req.param("option") : "";
    if (!option.empty()) {
        const Option& o = option_of(group, option);
        if (o.sensitive)
            invalid("option " + option + " in group " + group + " is sensitive and has no default to show");
        resp.json({{"config", {{option, json::parse(o.default_value)}}}});
        return;
    }
    if (!group.empty())
        check_group(group);
    json config = json::object();
    for (const auto& o : kOptions)
        if (!o.sensitive && (group.empty() || o.group == group))
            config[std::string(o.group)][std::string(o.name)] = json::parse(o.default_value);
    resp.json({{"config", std::move(config)}});
}

const Operations kConfig{Op::domainGet, Op::domainConfigGet, Op::domainConfigSet, Op::domainConfigDelete};

const Binding<Driver> kDomainConfigBindings[] = {
    {"v3_domain_config", "PUT", kConfig, config_create},
    {"v3_domain_config", "GET", kConfig, config_show},
    {"v3_domain_config", "PATCH", kConfig, config_update},
    {"v3_domain_config", "DELETE", kConfig, config_delete},
    {"v3_domain_config_group", "GET", kConfig, config_show},
    {"v3_domain_config_group", "PATCH", kConfig, config_update},
    {"v3_domain_config_group", "DELETE", kConfig, config_delete},
    {"v3_domain_config_option", "GET", kConfig, config_show},
    {"v3_domain_config_option", "PATCH", kConfig, config_update},
    {"v3_domain_config_option", "DELETE", kConfig, config_delete},
    {"v3_domain_config_default", "GET", {Op::domainConfigGet}, config_default},
    {"v3_domain_config_group_default", "GET", {Op::domainConfigGet}, config_default},
    {"v3_domain_config_option_default", "GET", {Op::domainConfigGet}, config_default},
};

} // namespace

#define NOT_IMPLEMENTED(what) throw NotImplemented(what " is not implemented by this driver.")
std::string Driver::domainConfigGet(const std::string&) const
{
    NOT_IMPLEMENTED("domainConfigGet");
}
void Driver::domainConfigSet(const std::string&, const std::string&) const
{
    NOT_IMPLEMENTED("domainConfigSet");
}
void Driver::domainConfigDelete(const std::string&) const
{
    NOT_IMPLEMENTED("domainConfigDelete");
}
#undef NOT_IMPLEMENTED

} // namespace jumpgate::identity

namespace jumpgate::api::identity {

std::span<const Binding<jumpgate::identity::Driver>> domain_config_bindings()
{
    return jumpgate::identity::kDomainConfigBindings;
}

} // namespace jumpgate::api::identity
