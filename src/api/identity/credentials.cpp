// SPDX-License-Identifier: Apache-2.0
// Keystone v3 credentials, and the EC2 access keys that are credentials of type ec2 (OS-EC2).
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/hex.hpp>

#include <algorithm>
#include <cctype>

#include <openssl/evp.h>

#include "api/identity/fields.hpp"
#include "api/identity/identity.hpp"

namespace jumpgate::identity {

namespace {

bool is_ec2(const std::string& type)
{
    std::string lower = type;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower == "ec2";
}

// Keystone's id for an EC2 credential: the SHA-256 of its access key, so the key finds it.
std::string access_key_id(const std::string& access)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(access.data(), access.size(), md, &n, EVP_sha256(), nullptr);
    return hex(std::span(md, n));
}

/* ec2_blob: an ec2 credential's blob as an object with an access key; 400 as Keystone words it otherwise. */
json ec2_blob(const std::string& blob)
{
    json b = json::parse(blob, nullptr, false);
    if (b.is_discarded())
        throw BadRequest("Invalid blob in credential");
    if (!b.is_object() || b.empty())
        throw BadRequest("Invalid input for field 'blob': an object is expected.");
    if (!b.contains("access") || b["access"].is_null())
        throw BadRequest("Invalid input for field 'access': it is required.");
    if (!b["access"].is_string())
        throw BadRequest("Invalid input for field 'access': a string is expected.");
    return b;
}

// What Keystone models of a credential; a body's other keys are its `extra`, kept and returned.
constexpr std::string_view kCredentialAttributes[] = {"id", "user_id", "project_id", "type", "blob", "links"};

json view(const Request& req, const Credential& c)
{
    return with_extra({{"id", c.id},
                       {"user_id", c.user_id},
                       {"project_id", c.project_id.empty() ? json(nullptr) : json(c.project_id)},
                       {"type", c.type},
                       {"blob", c.blob},
                       {"links", {{"self", url(req, "v3_credentail", "credential_id", c.id)}}}},
                      c.extra);
}

/* owned: the credential of the path, which only its user and the admin see (403 for anyone else). */
Credential owned(const Driver& d, const Request& req, const char* action)
{
    if (!req.context().is_admin()) {
        Credential c;
        try {
            c = d.credentialGet(req.param("credential_id"));
        } catch (const NotFound&) { // as Keystone: who may not see it learns nothing of whether it exists
            require_admin(req, action);
        }
        require_self_or_admin(req, c.user_id, action);
        return c;
    }
    return d.credentialGet(req.param("credential_id"));
}

void credential_list(const Driver& d, const Request& req, Response& resp)
{
    json out = json::array();
    for (const auto& c : d.credentialList())
        if ((req.context().is_admin() || c.user_id == req.context().user_id) &&
            (!req.has_query("user_id") || c.user_id == req.query("user_id")) &&
            (!req.has_query("type") || c.type == req.query("type")))
            out.push_back(view(req, c));
    resp.json({{"credentials", std::move(out)}, {"links", list_links(req)}});
}

void credential_create(const Driver& d, const Request& req, Response& resp)
{
    const json& b = body(req, "credential");
    Credential c{.user_id = text(b, "user_id"),
                 .project_id = text(b, "project_id"),
                 .type = text(b, "type"),
                 .blob = text(b, "blob"),
                 .extra = extra_of(b, kCredentialAttributes)};
    for (const char* key : {"user_id", "type", "blob"})
        if (!b.contains(key))
            throw BadRequest(std::string("Invalid input for field '") + key + "': it is required.");
    require_self_or_admin(req, c.user_id, "create_credential");
    if (is_ec2(c.type)) {
        if (c.project_id.empty())
            throw BadRequest("Invalid input for field 'project_id': an ec2 credential requires one.");
        c.id = access_key_id(ec2_blob(c.blob)["access"].get<std::string>());
    } else {
        c.id = new_keystone_id();
    }
    try {
        d.userGet(c.user_id);
    } catch (const NotFound& e) {
        throw BadRequest(e.what());
    }
    resp.status = 201;
    resp.json({{"credential", view(req, d.credentialCreate(c))}});
}

void credential_show(const Driver& d, const Request& req, Response& resp)
{
    resp.json({{"credential", view(req, owned(d, req, "get_credential"))}});
}

/*
 * As Keystone's schema: any of the attributes changes (one at least), other keys join its extra; an ec2
 * credential keeps its type, a project and the delegation its keys were made under; a new owner must be a user.
 */
void credential_update(const Driver& d, const Request& req, Response& resp)
{
    Credential c = owned(d, req, "update_credential");
    const json& b = body(req, "credential");
    if (b.empty())
        throw BadRequest("Invalid input for field 'credential': at least one property is required.");
    Credential now = c;
    now.user_id = text(b, "user_id", c.user_id);
    now.project_id = b.contains("project_id") ? text(b, "project_id") : c.project_id;
    now.type = text(b, "type", c.type);
    now.blob = text(b, "blob", c.blob);
    now.extra = extra_of(b, kCredentialAttributes, c.extra);
    if (now.user_id != c.user_id) {
        require_admin(req, "update_credential");
        try {
            d.userGet(now.user_id);
        } catch (const NotFound& e) {
            throw BadRequest(e.what());
        }
    }
    // An ec2 credential's id is its access key's hash: it stays ec2, and another credential does not become one.
    if (is_ec2(now.type) != is_ec2(c.type))
        throw BadRequest("Invalid input for field 'type': an ec2 credential's type does not change.");
    if (is_ec2(now.type)) {
        if (now.project_id.empty())
            throw BadRequest("Invalid input for field 'project_id': an ec2 credential requires one.");
        json blob = ec2_blob(now.blob);
        json before = json::parse(c.blob, nullptr, false);
        if (before.is_object())
            for (const char* key : {"trust_id", "app_cred_id", "access_token_id", "access_id"})
                if (before.value(key, json()) != blob.value(key, json()))
                    throw BadRequest(std::string(key) + " can not be updated for credential");
    }
    resp.json({{"credential", view(req, d.credentialUpdate(now))}});
}

void credential_delete(const Driver& d, const Request& req, Response& resp)
{
    d.credentialDelete(owned(d, req, "delete_credential").id);
    resp.status = 204;
}

json ec2_view(const Request& req, const Credential& c)
{
    json blob = json::parse(c.blob, nullptr, false);
    if (!blob.is_object())
        blob = json::object();
    json access = blob.value("access", json());
    return {{"user_id", c.user_id},
            {"tenant_id", c.project_id},
            {"access", access},
            {"secret", blob.value("secret", json())},
            {"trust_id", blob.value("trust_id", json())},
            {"links",
             {{"self", req.dispatcher()->endpoint_url(
                           req, "v3_user_ec2_credential",
                           {{"user_id", c.user_id},
                            {"credential_id", access.is_string() ? access.get<std::string>() : std::string()}})}}}};
}

void ec2_list(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "ec2_list_credentials");
    d.userGet(req.param("user_id"));
    json out = json::array();
    for (const auto& c : d.credentialList())
        if (c.user_id == req.param("user_id") && is_ec2(c.type))
            out.push_back(ec2_view(req, c));
    resp.json({{"credentials", std::move(out)}, {"links", list_links(req)}});
}

void ec2_create(const Driver& d, const Request& req, Response& resp)
{
    require_self_or_admin(req, req.param("user_id"), "ec2_create_credential");
    d.userGet(req.param("user_id"));
    const json& b = req.json_body();
    if (!b.is_object())
        throw BadRequest("Expecting to find tenant_id in the request body.");
    std::string tenant_id = text(b, "tenant_id");
    d.projectFind({.id = tenant_id});
    std::string access = new_keystone_id();
    Credential c{.id = access_key_id(access),
                 .user_id = req.param("user_id"),
                 .project_id = tenant_id,
                 .type = "ec2",
                 .blob = json{{"access", access}, {"secret", new_keystone_id()}, {"trust_id", nullptr}}.dump()};
    resp.status = req.endpoint().starts_with("v2_") ? 200 : 201;
    resp.json({{"credential", ec2_view(req, d.credentialCreate(c))}});
}

/* ec2_owned: the EC2 credential whose access key the path names, which only its user and the admin see. */
Credential ec2_owned(const Driver& d, const Request& req, const char* action)
{
    require_self_or_admin(req, req.param("user_id"), action);
    d.userGet(req.param("user_id"));
    Credential c = d.credentialGet(access_key_id(req.param("credential_id")));
    if (!is_ec2(c.type))
        throw Unauthorized("EC2 access key not found.");
    require_self_or_admin(req, c.user_id, action);
    return c;
}

void ec2_show(const Driver& d, const Request& req, Response& resp)
{
    resp.json({{"credential", ec2_view(req, ec2_owned(d, req, "ec2_get_credential"))}});
}

void ec2_delete(const Driver& d, const Request& req, Response& resp)
{
    d.credentialDelete(ec2_owned(d, req, "ec2_delete_credential").id);
    resp.status = 204;
}

const Binding<Driver> kCredentials[] = {
    {"v3_credentails", "GET", {Op::credentialList}, credential_list},
    {"v3_credentails", "POST", {Op::userGet, Op::credentialCreate}, credential_create},
    {"v3_credentail", "GET", {Op::credentialGet}, credential_show},
    {"v3_credentail", "PATCH", {Op::credentialGet, Op::credentialUpdate}, credential_update},
    {"v3_credentail", "DELETE", {Op::credentialGet, Op::credentialDelete}, credential_delete},
    {"v3_user_ec2_credentials", "GET", {Op::userGet, Op::credentialList}, ec2_list},
    {"v3_user_ec2_credentials", "POST", {Op::userGet, Op::projectFind, Op::credentialCreate}, ec2_create},
    {"v3_user_ec2_credential", "GET", {Op::userGet, Op::credentialGet}, ec2_show},
    {"v3_user_ec2_credential", "DELETE", {Op::userGet, Op::credentialGet, Op::credentialDelete}, ec2_delete},
    // Keystone v2.0's: the same credentials, created with 200.
    {"v2_user_ec2_credentials", "GET", {Op::userGet, Op::credentialList}, ec2_list},
    {"v2_user_ec2_credentials", "POST", {Op::userGet, Op::projectFind, Op::credentialCreate}, ec2_create},
    {"v2_user_ec2_credential", "GET", {Op::userGet, Op::credentialGet}, ec2_show},
    {"v2_user_ec2_credential", "DELETE", {Op::userGet, Op::credentialGet, Op::credentialDelete}, ec2_delete},
};

} // namespace

#define NOT_IMPLEMENTED(what) throw NotImplemented(what " is not implemented by this driver.")
std::vector<Credential> Driver::credentialList() const
{
    NOT_IMPLEMENTED("credentialList");
}
Credential Driver::credentialGet(const std::string&) const
{
    NOT_IMPLEMENTED("credentialGet");
}
Credential Driver::credentialCreate(const Credential&) const
{
    NOT_IMPLEMENTED("credentialCreate");
}
Credential Driver::credentialUpdate(const Credential&) const
{
    NOT_IMPLEMENTED("credentialUpdate");
}
void Driver::credentialDelete(const std::string&) const
{
    NOT_IMPLEMENTED("credentialDelete");
}
#undef NOT_IMPLEMENTED

} // namespace jumpgate::identity

std::span<const jumpgate::Binding<jumpgate::identity::Driver>> jumpgate::api::identity::credential_bindings()
{
    return jumpgate::identity::kCredentials;
}
