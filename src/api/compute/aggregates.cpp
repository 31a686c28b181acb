// SPDX-License-Identifier: Apache-2.0
// Nova's os-aggregates: named groups of compute hosts with metadata, each an availability zone when it names one.
#include <jumpgate/driver/compute.hpp>

#include <charconv>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::compute {

namespace {

json aggregate_view(const Request& req, const Aggregate& a, bool with_members)
{
    json view = {{"id", a.id},
                 {"name", a.name},
                 {"availability_zone", a.availability_zone ? json(*a.availability_zone) : json(nullptr)},
                 {"created_at", api::iso_time(a.created_at, false)},
                 {"updated_at", a.updated_at ? json(api::iso_time(*a.updated_at, false)) : json(nullptr)},
                 {"deleted", false},
                 {"deleted_at", nullptr}};
    if (with_members) {
        view["hosts"] = a.hosts;
        view["metadata"] = a.metadata;
    }
    if (req.version().at_least(2, 41))
        view["uuid"] = a.uuid;
    return view;
}

// The path's aggregate id: Nova's are integers, and any other text names none.
long long aggregate_id(const Request& req)
{
    const std::string& text = req.param("aggregate_id");
    long long id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
        throw NotFound("Aggregate " + text + " could not be found.");
    return id;
}

const json& section(const Request& req, const char* key)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains(key))
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: None. '" + key +
                         "' is a required property");
    if (!body[key].is_object())
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " +
                         api::python_repr(body[key]) + ". " + api::python_repr(body[key]) + " is not of type 'object'");
    return body[key];
}

// A name or zone: 1 to 255 printable characters without surrounding spaces, as Nova's schema.
std::string name_field(const json& value, const char* field)
{
    if (!value.is_string())
        throw BadRequest(std::string("Invalid input for field/attribute ") + field + ". Value: " +
                         api::python_repr(value) + ". " + api::python_repr(value) + " is not of type 'string'");
    std::string text = value;
    std::size_t length = api::utf8_length(text);
    if (length < 1 || length > 255 || !api::printable(text, true))
        throw BadRequest(std::string("Invalid input for field/attribute ") + field +
                         ". Value: " + api::python_repr(value) + ". " + api::python_repr(value) + " is too " +
                         (length < 1 ? "short" : "long"));
    return text;
}

// The zone of a create or update body: absent, null or a name.
std::optional<std::string> zone_field(const json& body)
{
    if (!body.contains("availability_zone") || body["availability_zone"].is_null())
        return std::nullopt;
    return name_field(body["availability_zone"], "availability_zone");
}

void list(const Driver& driver, const Request& req, Response& resp)
{
    json views = json::array();
    for (const auto& a : driver.aggregateList(req.context()))
        views.push_back(aggregate_view(req, a, true));
    resp.json({{"aggregates", std::move(views)}});
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    const json& a = section(req, "aggregate");
    api::only_properties(a, "aggregate", {"name", "availability_zone"});
    if (!a.contains("name"))
        throw BadRequest("Invalid input for field/attribute name. Value: None. 'name' is a required property");
    std::string name = name_field(a["name"], "name");
    resp.json({{"aggregate", aggregate_view(req, driver.aggregateCreate(req.context(), name, zone_field(a)), false)}});
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"aggregate", aggregate_view(req, driver.aggregateGet(req.context(), aggregate_id(req)), true)}});
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    long long id = aggregate_id(req);
    const json& a = section(req, "aggregate");
    api::only_properties(a, "aggregate", {"name", "availability_zone"});
    if (a.empty())
        throw BadRequest("Invalid input for field/attribute aggregate. Value: {}. {} does not have enough properties");
    std::optional<std::string> name;
    if (a.contains("name"))
        name = name_field(a["name"], "name");
    resp.json(
        {{"aggregate", aggregate_view(req, driver.aggregateUpdate(req.context(), id, name, zone_field(a)), true)}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    driver.aggregateDelete(req.context(), aggregate_id(req));
    resp.status = 200;
    resp.clear_body();
}

// The host of an add_host or remove_host action: {"host": name}, nothing else.
std::string host_of(const json& action, const char* name)
{
    if (!action.is_object() || !action.contains("host"))
        throw BadRequest(std::string("Invalid input for field/attribute ") + name +
                         ". Value: " + api::python_repr(action) + ". 'host' is a required property");
    api::only_properties(action, name, {"host"});
    return name_field(action["host"], "host");
}

void act(const Driver& driver, const Request& req, Response& resp)
{
    long long id = aggregate_id(req);
    const json& body = req.json_body();
    if (!body.is_object() || body.size() != 1)
        throw BadRequest("Invalid input for field/attribute body: one of add_host, remove_host or set_metadata.");
    const std::string action = body.begin().key();
    const json& value = body.begin().value();
    Aggregate a;
    if (action == "add_host") {
        a = driver.aggregateAddHost(req.context(), id, host_of(value, "add_host"));
    } else if (action == "remove_host") {
        a = driver.aggregateRemoveHost(req.context(), id, host_of(value, "remove_host"));
    } else if (action == "set_metadata") {
        if (!value.is_object() || !value.contains("metadata") || !value["metadata"].is_object())
            throw BadRequest("Invalid input for field/attribute set_metadata. Value: " + api::python_repr(value) +
                             ". 'metadata' is a required property");
        api::only_properties(value, "set_metadata", {"metadata"});
        std::map<std::string, std::optional<std::string>> changes;
        for (const auto& [key, v] : value["metadata"].items()) {
            if (key.empty() || api::utf8_length(key) > 255)
                throw BadRequest("Invalid input for field/attribute metadata. Value: " +
                                 api::python_repr(value["metadata"]) + ". The key is empty or over 255 characters");
            if (v.is_null())
                changes[key] = std::nullopt;
            else if (v.is_string() && api::utf8_length(v.get<std::string>()) <= 255)
                changes[key] = v.get<std::string>();
            else
                throw BadRequest("Invalid input for field/attribute " + key + ". Value: " + api::python_repr(v) +
                                 ". It must be a string of at most 255 characters or null");
        }
        if (changes.contains("availability_zone") && changes["availability_zone"] &&
            changes["availability_zone"]->empty())
            throw BadRequest("Invalid input for field/attribute availability_zone: it cannot be empty.");
        a = driver.aggregateSetMetadata(req.context(), id, changes);
    } else {
        throw BadRequest("Invalid input for field/attribute body: unknown action '" + action + "'.");
    }
    resp.json({{"aggregate", aggregate_view(req, a, true)}});
}

constexpr Operations kAction{Op::aggregateAddHost, Op::aggregateRemoveHost, Op::aggregateSetMetadata};

const Binding<Driver> kAggregateBindings[] = {
    {"v2_os_aggregates", "GET", {Op::aggregateList}, list},
    {"v2_os_aggregates", "POST", {Op::aggregateCreate}, create},
    {"v2_os_aggregate", "GET", {Op::aggregateGet}, show},
    {"v2_os_aggregate", "PUT", {Op::aggregateUpdate}, update},
    {"v2_os_aggregate", "DELETE", {Op::aggregateDelete}, remove},
    {"v2_os_aggregate_action", "POST", kAction, act},
};

} // namespace

std::span<const Binding<Driver>> aggregate_bindings()
{
    return kAggregateBindings;
}

std::vector<Aggregate> Driver::aggregateList(const Context&) const
{
    throw NotImplemented("aggregateList");
}

Aggregate Driver::aggregateGet(const Context&, long long) const
{
    throw NotImplemented("aggregateGet");
}

Aggregate Driver::aggregateCreate(const Context&, const std::string&, const std::optional<std::string>&) const
{
    throw NotImplemented("aggregateCreate");
}

Aggregate Driver::aggregateUpdate(const Context&, long long, const std::optional<std::string>&,
                                  const std::optional<std::string>&) const
{
    throw NotImplemented("aggregateUpdate");
}

void Driver::aggregateDelete(const Context&, long long) const
{
    throw NotImplemented("aggregateDelete");
}

Aggregate Driver::aggregateAddHost(const Context&, long long, const std::string&) const
{
    throw NotImplemented("aggregateAddHost");
}

Aggregate Driver::aggregateRemoveHost(const Context&, long long, const std::string&) const
{
    throw NotImplemented("aggregateRemoveHost");
}

Aggregate Driver::aggregateSetMetadata(const Context&, long long,
                                       const std::map<std::string, std::optional<std::string>>&) const
{
    throw NotImplemented("aggregateSetMetadata");
}

} // namespace jumpgate::compute
