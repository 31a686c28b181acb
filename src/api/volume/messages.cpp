// SPDX-License-Identifier: Apache-2.0
// Cinder's user messages (microversion 3.3): what a project is told of operations that failed after their answer.
#include "api/volume/cinder.hpp"

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

// Below 3.3 Cinder has no messages: its version check answers 404.
void require_messages(const Request& req)
{
    if (!req.version().at_least(3, 3))
        throw NotFound("The resource could not be found: messages need microversion 3.3 or later.");
}

json message_view(const Request& req, const Message& m)
{
    return {{"id", m.id},
            {"resource_type", m.resource_type},
            {"resource_uuid", m.resource_uuid ? json(*m.resource_uuid) : json(nullptr)},
            {"request_id", m.request_id},
            {"message_level", m.message_level},
            {"event_id", m.event_id},
            {"user_message", m.user_message},
            {"created_at", api::iso_time(m.created_at, false)},
            {"guaranteed_until", api::iso_time(m.expires_at, false)},
            {"links", links(req, "messages", m.id)}};
}

void index(const Driver& driver, const Request& req, Response& resp)
{
    require_messages(req);
    json list = json::array();
    for (const Message& m : driver.messageList(req.context())) {
        // Cinder's filters (3.5) on the fields a message shows.
        bool kept = true;
        for (const char* field : {"resource_type", "resource_uuid", "event_id", "message_level", "request_id"})
            if (req.version().at_least(3, 5) && req.has_query(field)) {
                json view = message_view(req, m);
                kept = kept && view[field].is_string() && view[field].get<std::string>() == req.query(field);
            }
        if (kept)
            list.push_back(message_view(req, m));
    }
    resp.json({{"messages", std::move(list)}});
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    require_messages(req);
    resp.json({{"message", message_view(req, driver.messageGet(req.context(), req.param("message_id")))}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    require_messages(req);
    driver.messageDelete(req.context(), req.param("message_id"));
    resp.status = 204;
    resp.clear_body();
}

constexpr Binding<Driver> kBindings[] = {
    {"v3_messages", "GET", {Op::messageList}, index},
    {"v3_message", "GET", {Op::messageGet}, show},
    {"v3_message", "DELETE", {Op::messageDelete}, remove},
};

} // namespace

std::span<const Binding<Driver>> message_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
