// SPDX-License-Identifier: Apache-2.0
// Cinder's attachments API (3.27+): reserve, connect, complete (3.44), list, show and delete volume attachments.
#include "api/volume/cinder.hpp"

#include <algorithm>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

json summary_view(const Attachment& a)
{
    return {{"id", a.id},
            {"status", a.status},
            {"instance", a.server_id.empty() ? json(nullptr) : json(a.server_id)},
            {"volume_id", a.volume_id}};
}

json detail_view(const Attachment& a)
{
    json view = summary_view(a);
    // Cinder writes an empty string for a time that has not come yet.
    view["attached_at"] = a.attached_at ? json(api::iso_time(a.attached_at, false)) : json("");
    view["detached_at"] = "";
    view["attach_mode"] = a.mode.empty() ? "null" : a.mode;
    view["connection_info"] = a.connection_info.is_object() ? a.connection_info : json::object();
    return view;
}

// A uuid field of the request body, or nullopt when absent (null too, where `nullable`).
std::optional<std::string> uuid_field(const json& b, const char* key, bool nullable)
{
    if (!b.contains(key) || (nullable && b[key].is_null()))
        return std::nullopt;
    if (!b[key].is_string() || !uuid_like(b[key].get_ref<const std::string&>()))
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + b[key].dump() +
                         ". It is not a valid UUID.");
    return b[key].get<std::string>();
}

// Cinder's attachment filters: volume_id, status (the attach status; attach_status too) and instance_id.
ListQuery attachment_query(const Request& req)
{
    ListQuery q;
    api::Page page = api::Page::from(req);
    q.limit = page.limit;
    q.marker = page.marker;
    if (req.has_query("offset"))
        q.offset = static_cast<std::size_t>(api::parse_int("offset", req.query("offset")));
    if (req.has_query("all_tenants") && req.context().is_admin()) {
        std::string_view v = req.query("all_tenants");
        q.all_projects = v.empty() || api::parse_bool("all_tenants", v);
    }
    for (const char* f : {"volume_id", "status", "attach_status", "instance_id"})
        if (req.has_query(f))
            q.filters.emplace_back(std::string(f) == "attach_status" ? "status" : f, std::string(req.query(f)));
    if (req.has_query("sort") || req.has_query("sort_key")) {
        volume::ListQuery parsed = list_query(req, {});
        q.sort = parsed.sort;
    }
    return q;
}

void list(const Driver& driver, const Request& req, Response& resp, bool detail)
{
    require_version(req, 27);
    ListQuery q = attachment_query(req);
    resp.json(listed(
        req, q, "attachments", "attachments_links", [&] { return driver.attachmentList(req.context(), q); },
        [&](const Attachment& a) { return detail ? detail_view(a) : summary_view(a); }));
}

void index(const Driver& driver, const Request& req, Response& resp)
{
    list(driver, req, resp, false);
}

void index_detail(const Driver& driver, const Request& req, Response& resp)
{
    list(driver, req, resp, true);
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 27);
    const json& b = body_of(req, "attachment");
    if (req.version().at_least(3, 54))
        api::only_properties(b, "attachment", {"volume_uuid", "instance_uuid", "connector", "mode"});
    else
        api::only_properties(b, "attachment", {"volume_uuid", "instance_uuid", "connector"});
    auto volume_id = uuid_field(b, "volume_uuid", false);
    if (!volume_id)
        throw BadRequest("Invalid input for field/attribute attachment: 'volume_uuid' is a required property.");
    Attachment a;
    a.id = new_uuid();
    a.volume_id = *volume_id;
    a.server_id = uuid_field(b, "instance_uuid", false).value_or("");
    if (b.contains("connector") && !b["connector"].is_null()) {
        if (!b["connector"].is_object())
            throw BadRequest("Invalid input for field/attribute connector: it must be an object or null.");
        a.connector = b["connector"];
    }
    // Cinder's "null" mode: none asked for, the connector's (or rw) applies when it connects.
    a.mode = "null";
    if (b.contains("mode")) {
        if (!b["mode"].is_string() || (b["mode"] != "rw" && b["mode"] != "ro"))
            throw BadRequest("Invalid input for field/attribute mode: it must be one of 'rw', 'ro'.");
        a.mode = b["mode"];
    }
    resp.json({{"attachment", detail_view(driver.attachmentCreate(req.context(), a))}});
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 27);
    resp.json({{"attachment", detail_view(driver.attachmentGet(req.context(), req.param("attachment_id")))}});
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 27);
    const json& b = body_of(req, "attachment");
    api::only_properties(b, "attachment", {"connector"});
    if (!b.contains("connector") || !b["connector"].is_object() || b["connector"].empty())
        throw BadRequest("Invalid input for field/attribute attachment: 'connector' is a required property "
                         "and a non-empty object.");
    resp.json({{"attachment",
                detail_view(driver.attachmentUpdate(req.context(), req.param("attachment_id"), b["connector"]))}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 27);
    json views = json::array();
    for (const auto& a : driver.attachmentDelete(req.context(), req.param("attachment_id")))
        views.push_back(summary_view(a));
    resp.json({{"attachments", std::move(views)}});
}

void complete(const Driver& driver, const Request& req, Response& resp)
{
    require_version(req, 44);
    driver.attachmentComplete(req.context(), req.param("attachment_id"));
    resp.status = 204;
    resp.clear_body();
}

constexpr Binding<Driver> kBindings[] = {
    {"v3_attachments", "GET", {Op::attachmentList}, index},
    {"v3_attachments", "POST", {Op::attachmentCreate}, create},
    {"v3_attachments_detail", "GET", {Op::attachmentList}, index_detail},
    {"v3_attachment", "GET", {Op::attachmentGet}, show},
    {"v3_attachment", "PUT", {Op::attachmentUpdate}, update},
    {"v3_attachment", "DELETE", {Op::attachmentDelete}, remove},
    {"v3_attachment_action", "POST", {Op::attachmentComplete}, complete, "os-complete"},
};

} // namespace

std::span<const Binding<Driver>> attachment_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
