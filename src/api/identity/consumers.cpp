// SPDX-License-Identifier: Apache-2.0
// Keystone's OAuth1 consumers (OS-OAUTH1): the applications registered to ask users for delegated access.
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/fault.hpp>
#include <jumpgate/hex.hpp>

#include <openssl/rand.h>

#include "api/identity/fields.hpp"
#include "api/identity/identity.hpp"

namespace jumpgate::identity {

namespace {

// What Keystone models of a consumer; a body's other keys are its `extra`, kept and returned.
constexpr std::string_view kConsumerAttributes[] = {"id", "description", "secret", "links"};

json view(const Request& req, const OAuthConsumer& c)
{
    return with_extra({{"id", c.id},
                       {"description", c.description},
                       {"links", {{"self", url(req, "v3_oauth_consumer", "consumer_id", c.id)}}}},
                      c.extra);
}

OAuthConsumer consumer_by_id(const Driver& d, const std::string& id)
{
    for (const auto& c : d.consumerList())
        if (c.id == id)
            return c;
    throw NotFound("Could not find consumer: " + id + ".");
}

// Keystone's default policies (identity:*_consumer) keep consumers to the admin.
void consumer_list(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "list_consumers");
    json out = json::array();
    for (const auto& c : d.consumerList())
        out.push_back(view(req, c));
    resp.json({{"consumers", std::move(out)}, {"links", list_links(req)}});
}

// The secret is in the create's answer only, as Keystone: no later read shows it.
void consumer_create(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "create_consumer");
    const json& b = body(req, "consumer");
    if (b.contains("secret"))
        throw BadRequest("Invalid input for field 'secret': it is made by Keystone, not given.");
    unsigned char bytes[24];
    RAND_bytes(bytes, sizeof bytes);
    std::string secret = hex(std::span(bytes, sizeof bytes));
    OAuthConsumer c = d.consumerCreate(
        {.id = new_keystone_id(), .description = text(b, "description"), .extra = extra_of(b, kConsumerAttributes)},
        secret);
    json v = view(req, c);
    v["secret"] = secret;
    resp.status = 201;
    resp.json({{"consumer", std::move(v)}});
}

void consumer_show(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "get_consumer");
    resp.json({{"consumer", view(req, consumer_by_id(d, req.param("consumer_id")))}});
}

void consumer_update(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "update_consumer");
    OAuthConsumer c = consumer_by_id(d, req.param("consumer_id"));
    const json& b = body(req, "consumer");
    if (b.contains("secret"))
        throw BadRequest("Invalid input for field 'secret': a consumer's secret cannot change.");
    if (b.contains("id") && b["id"] != c.id)
        throw BadRequest("Invalid input for field 'id': a consumer's id cannot change.");
    c.description = text(b, "description", c.description);
    c.extra = extra_of(b, kConsumerAttributes, c.extra);
    resp.json({{"consumer", view(req, d.consumerUpdate(c))}});
}

void consumer_delete(const Driver& d, const Request& req, Response& resp)
{
    require_admin(req, "delete_consumer");
    d.consumerDelete(req.param("consumer_id"));
    resp.status = 204;
}

const Binding<Driver> kConsumerBindings[] = {
    {"v3_oauth_consumers", "GET", {Op::consumerList}, consumer_list},
    {"v3_oauth_consumers", "POST", {Op::consumerCreate}, consumer_create},
    {"v3_oauth_consumer", "GET", {Op::consumerList}, consumer_show},
    {"v3_oauth_consumer", "PATCH", {Op::consumerList, Op::consumerUpdate}, consumer_update},
    {"v3_oauth_consumer", "DELETE", {Op::consumerDelete}, consumer_delete},
};

} // namespace

#define NOT_IMPLEMENTED(what) throw NotImplemented(what " is not implemented by this driver.")
std::vector<OAuthConsumer> Driver::consumerList() const
{
    NOT_IMPLEMENTED("consumerList");
}
OAuthConsumer Driver::consumerCreate(const OAuthConsumer&, const std::string&) const
{
    NOT_IMPLEMENTED("consumerCreate");
}
OAuthConsumer Driver::consumerUpdate(const OAuthConsumer&) const
{
    NOT_IMPLEMENTED("consumerUpdate");
}
void Driver::consumerDelete(const std::string&) const
{
    NOT_IMPLEMENTED("consumerDelete");
}
#undef NOT_IMPLEMENTED

} // namespace jumpgate::identity

namespace jumpgate::api::identity {

std::span<const Binding<jumpgate::identity::Driver>> consumer_bindings()
{
    return jumpgate::identity::kConsumerBindings;
}

} // namespace jumpgate::api::identity
