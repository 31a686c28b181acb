// SPDX-License-Identifier: Apache-2.0
// Neutron's resources through their attribute maps (list, create one or in bulk, show, update, delete, tags), routers'
// extra routes and interfaces, and install().
#include "api/network/neutron.hpp"

#include <algorithm>

#include <jumpgate/app.hpp>
#include <jumpgate/fault.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::network {

namespace {

using namespace api::neutron;

constexpr std::size_t kMaxTagLength = 255;

// Resources: one collection through the driver: what the handlers every kind of resource shares are given.
struct Resources {
    std::shared_ptr<const Driver> driver;
    const Collection& c;
};

std::string tag_of(const json& value)
{
    if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
        api::utf8_length(value.get_ref<const std::string&>()) > kMaxTagLength ||
        value.get_ref<const std::string&>().find(',') != std::string::npos)
        throw BadRequest("Invalid input for tags. Reason: " + value.dump() + " is not a string of 1 to " +
                         std::to_string(kMaxTagLength) + " characters without commas.");
    return value;
}

// Neutron's policy keeps some kinds (metering) to admins: a member lists none, finds none and may make none.
bool hidden(const Resources& r, const Request& req)
{
    return r.c.admin_only && !req.context().is_admin();
}

void check_visible(const Resources& r, const Request& req)
{
    if (hidden(r, req))
        throw NotFound(std::string(r.c.label) + " " + req.param(r.c.id_param) + " does not exist", r.c.not_found);
}

void list(const Resources& r, const Request& req, Response& resp)
{
    network::Query q = query_of(r.c, req);
    if (hidden(r, req)) {
        resp.json({{r.c.key, json::array()}});
        return;
    }
    auto fields = fields_of(req);
    auto items = r.driver->list(req.context(), r.c.plural, q);
    json views = json::array();
    for (const auto& item : items)
        views.push_back(view(r.c, req.context(), item, fields));
    json body = {{r.c.key, std::move(views)}};
    if (q.limit)
        body[std::string(r.c.key) + "_links"] = page_links(req, q, items);
    resp.json(std::move(body));
}

void create(const Resources& r, const Request& req, Response& resp)
{
    if (hidden(r, req))
        throw Forbidden(std::string("rule:create_") + r.c.singular + " is disallowed by policy", "PolicyNotAuthorized");
    const json& body = req.json_body();
    if (body.is_object() && body.contains(r.c.key) && body[r.c.key].is_array()) {
        // Bulk: every resource is checked before any is made, and those made go again if one fails.
        std::vector<json> wanted;
        for (const auto& one : body[r.c.key]) {
            if (!one.is_object())
                throw BadRequest(std::string("Failed to parse request. Each of ") + r.c.key + " must be a dictionary.");
            wanted.push_back(created(r.c, req.context(), one));
        }
        json views = json::array();
        std::vector<std::string> made;
        try {
            for (const auto& w : wanted) {
                json stored = r.driver->create(req.context(), r.c.plural, w);
                made.push_back(stored["id"]);
                views.push_back(view(r.c, req.context(), stored));
            }
        } catch (...) {
            for (const auto& id : made)
                try {
                    r.driver->remove(req.context(), r.c.plural, id);
                } catch (const std::exception&) {
                }
            throw;
        }
        resp.status = 201;
        resp.json({{r.c.key, std::move(views)}});
        return;
    }
    json wanted = created(r.c, req.context(), body_of(req, r.c.singular));
    resp.status = 201;
    resp.json({{r.c.singular, view(r.c, req.context(), r.driver->create(req.context(), r.c.plural, wanted))}});
}

void show(const Resources& r, const Request& req, Response& resp)
{
    check_visible(r, req);
    json item = r.driver->get(req.context(), r.c.plural, req.param(r.c.id_param));
    resp.json({{r.c.singular, view(r.c, req.context(), item, fields_of(req))}});
}

void update(const Resources& r, const Request& req, Response& resp)
{
    check_visible(r, req);
    json wanted = changes(r.c, req.context(), body_of(req, r.c.singular));
    json item = r.driver->update(req.context(), r.c.plural, req.param(r.c.id_param), wanted);
    resp.json({{r.c.singular, view(r.c, req.context(), item)}});
}

void remove(const Resources& r, const Request& req, Response& resp)
{
    check_visible(r, req);
    r.driver->remove(req.context(), r.c.plural, req.param(r.c.id_param));
    resp.status = 204;
    resp.clear_body();
}

std::vector<std::string> tags_now(const Resources& r, const Request& req)
{
    json item = r.driver->get(req.context(), r.c.plural, req.param(r.c.id_param));
    return item.value("tags", json::array()).get<std::vector<std::string>>();
}

json tags_set(const Resources& r, const Request& req, std::vector<std::string> tags)
{
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return r.driver->update(req.context(), r.c.plural, req.param(r.c.id_param), {{"tags", tags}})["tags"];
}

NotFound tag_missing(const Resources& r, const Request& req)
{
    return NotFound("Tag " + req.param("tag") + " could not be found for " + r.c.singular + " " +
                        req.param(r.c.id_param) + ".",
                    "TagNotFound");
}

void tags_show(const Resources& r, const Request& req, Response& resp)
{
    resp.json({{"tags", tags_now(r, req)}});
}

void tags_replace(const Resources& r, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("tags") || !body["tags"].is_array())
        throw BadRequest("Invalid input for tags. Reason: the body must be {\"tags\": [...]}.");
    std::vector<std::string> tags;
    for (const auto& t : body["tags"])
        tags.push_back(tag_of(t));
    resp.json({{"tags", tags_set(r, req, std::move(tags))}});
}

void tags_clear(const Resources& r, const Request& req, Response& resp)
{
    tags_set(r, req, {});
    resp.status = 204;
    resp.clear_body();
}

void tag_check(const Resources& r, const Request& req, Response& resp)
{
    auto tags = tags_now(r, req);
    if (std::find(tags.begin(), tags.end(), req.param("tag")) == tags.end())
        throw tag_missing(r, req);
    resp.status = 204;
    resp.clear_body();
}

void tag_add(const Resources& r, const Request& req, Response& resp)
{
    auto tags = tags_now(r, req);
    tags.push_back(tag_of(req.param("tag")));
    tags_set(r, req, std::move(tags));
    resp.status = 201;
    resp.clear_body();
}

void tag_remove(const Resources& r, const Request& req, Response& resp)
{
    auto tags = tags_now(r, req);
    auto it = std::find(tags.begin(), tags.end(), req.param("tag"));
    if (it == tags.end())
        throw tag_missing(r, req);
    tags.erase(it);
    tags_set(r, req, std::move(tags));
    resp.status = 204;
    resp.clear_body();
}

// Which of a collection's endpoints a row of kKindRows is served on.
enum class At { list, item, tags, tag };

// KindRow: a row of the table every collection is served from, before it names the collection's endpoints.
struct KindRow {
    At at;
    const char* verb;
    Operations needs;
    void (*serve)(const Resources& r, const Request& req, Response& resp);
};

const KindRow kKindRows[] = {
    {At::list, "GET", {Op::list}, list},
    // A bulk create deletes what it made when a later resource fails.
    {At::list, "POST", {Op::create, Op::remove}, create},
    {At::item, "GET", {Op::get}, show},
    {At::item, "PUT", {Op::update}, update},
    {At::item, "DELETE", {Op::remove}, remove},
    {At::tags, "GET", {Op::get}, tags_show},
    {At::tags, "PUT", {Op::update}, tags_replace},
    {At::tags, "DELETE", {Op::update}, tags_clear},
    {At::tag, "GET", {Op::get}, tag_check},
    {At::tag, "PUT", {Op::get, Op::update}, tag_add},
    {At::tag, "DELETE", {Op::get, Op::update}, tag_remove},
};

// bind_collection: kKindRows on collection `c`'s endpoints.
void bind_collection(Dispatcher& disp, std::shared_ptr<const Driver> driver, const Collection& c, const Operations& ops)
{
    std::vector<Binding<Resources>> rows;
    for (const auto& row : kKindRows) {
        const char* endpoint = row.at == At::list   ? c.list_endpoint
                               : row.at == At::item ? c.item_endpoint
                               : row.at == At::tags ? c.tags_endpoint
                                                    : c.tag_endpoint;
        // Not every kind has tags, and a kind without an attribute to change (a security group rule, a metering
        // label) is only made and deleted.
        if (!endpoint ||
            (row.at == At::item && std::string_view(row.verb) == "PUT" &&
             std::none_of(c.attributes.begin(), c.attributes.end(), [](const Attribute& a) { return a.flags & kPut; })))
            continue;
        rows.push_back({endpoint, row.verb, row.needs | Operations{kind(c.plural)}, row.serve});
    }
    jumpgate::bind_table<Resources>(disp, rows, std::make_shared<const Resources>(Resources{std::move(driver), c}),
                                    ops);
}

// add_extraroutes and remove_extraroutes: the router's routes with some added or taken away, in one update.
void change_routes(const Driver& driver, const Request& req, Response& resp, bool add)
{
    const Collection& routers = collection("routers");
    const json& body = body_of(req, "router");
    if (!body.contains("routes") || body.size() != 1)
        throw BadRequest("Bad router request: the body must be {\"router\": {\"routes\": [...]}}.");
    json given = checked(*attribute(routers, "routes"), body["routes"]);
    const std::string& id = req.param("router_id");
    json now = driver.get(req.context(), "routers", id)["routes"];
    json next = json::array();
    for (const auto& r : now)
        if (add || std::find(given.begin(), given.end(), r) == given.end())
            next.push_back(r);
    if (add)
        for (const auto& r : given)
            if (std::find(next.begin(), next.end(), r) == next.end())
                next.push_back(r);
    json r = driver.update(req.context(), "routers", id, {{"routes", next}});
    resp.json({{"router", view(routers, req.context(), r)}});
}

// add_router_interface and remove_router_interface: by subnet or by port.
void change_interface(const Driver& driver, const Request& req, Response& resp, bool add)
{
    const json& body = req.json_body();
    if (!body.is_object())
        throw BadRequest("Bad router request: the body must be a dictionary.");
    for (const auto& [k, v] : body.items())
        if (k != "subnet_id" && k != "port_id")
            throw BadRequest("Bad router request: unexpected attribute '" + k + "'.");
    Attribute uuid{"subnet_id", Check::uuid, 0, nullptr};
    std::string subnet_id, port_id;
    if (body.contains("subnet_id"))
        subnet_id = checked(uuid, body["subnet_id"]);
    if (body.contains("port_id")) {
        uuid.name = "port_id";
        port_id = checked(uuid, body["port_id"]);
    }
    if (subnet_id.empty() == port_id.empty() && (add || subnet_id.empty()))
        throw BadRequest(add ? "Bad router request: Cannot specify both subnet-id and port-id"
                             : "Bad router request: Either subnet_id or port_id must be specified");
    const std::string& id = req.param("router_id");
    resp.json(add ? driver.routerInterfaceAdd(req.context(), id, subnet_id, port_id)
                  : driver.routerInterfaceRemove(req.context(), id, subnet_id, port_id));
}

const Binding<Driver> kRouterRows[] = {
    {"v2_router_add_extraroutes",
     "PUT",
     {Op::get, Op::update, Kind::routers},
     [](const Driver& d, const Request& req, Response& resp) { change_routes(d, req, resp, true); }},
    {"v2_router_remove_extraroutes",
     "PUT",
     {Op::get, Op::update, Kind::routers},
     [](const Driver& d, const Request& req, Response& resp) { change_routes(d, req, resp, false); }},
    {"v2_router_add_interface",
     "PUT",
     {Op::routerInterfaceAdd, Kind::routers},
     [](const Driver& d, const Request& req, Response& resp) { change_interface(d, req, resp, true); }},
    {"v2_router_remove_interface",
     "PUT",
     {Op::routerInterfaceRemove, Kind::routers},
     [](const Driver& d, const Request& req, Response& resp) { change_interface(d, req, resp, false); }},
};

} // namespace

namespace detail {

void install(App& app, Dispatcher& disp, std::shared_ptr<const Driver> driver, const Operations& overridden)
{
    Operations ops = overridden;
    for (const auto& name : driver->collections())
        ops.add(static_cast<unsigned>(kind(name)));
    app.set_network({driver, ops});
    for (const auto& c : collections())
        bind_collection(disp, driver, c, ops);
    jumpgate::bind_table<Driver>(disp, kRouterRows, driver, ops);
    jumpgate::bind_table(disp, api::neutron::extension_bindings(), driver, ops);
    api::neutron::install_extensions(disp);
}

} // namespace detail

Kind kind(std::string_view collection)
{
    for (std::size_t i = 0; i < std::size(kKindNames); ++i)
        if (collection == kKindNames[i])
            return static_cast<Kind>(static_cast<unsigned>(Kind::base) + 1 + i);
    throw std::invalid_argument("no kind of network resource is called " + std::string(collection));
}

std::vector<std::string> Driver::collections() const
{
    return {std::begin(kKindNames), std::begin(kKindNames) + kCoreKinds};
}

// Every operation a driver leaves alone answers 501.
std::vector<json> Driver::list(const Context&, const std::string&, const Query&) const
{
    throw NotImplemented("list");
}
json Driver::get(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("get");
}
json Driver::create(const Context&, const std::string&, const json&) const
{
    throw NotImplemented("create");
}
json Driver::update(const Context&, const std::string&, const std::string&, const json&) const
{
    throw NotImplemented("update");
}
void Driver::remove(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("remove");
}
json Driver::routerInterfaceAdd(const Context&, const std::string&, const std::string&, const std::string&) const
{
    throw NotImplemented("routerInterfaceAdd");
}
json Driver::routerInterfaceRemove(const Context&, const std::string&, const std::string&, const std::string&) const
{
    throw NotImplemented("routerInterfaceRemove");
}
QuotaSet Driver::quotaGet(const Context&, const std::string&) const
{
    throw NotImplemented("quotaGet");
}
QuotaSet Driver::quotaDefaults(const Context&) const
{
    throw NotImplemented("quotaDefaults");
}
std::vector<std::pair<std::string, QuotaSet>> Driver::quotaList(const Context&) const
{
    throw NotImplemented("quotaList");
}
QuotaSet Driver::quotaSet(const Context&, const std::string&, const QuotaSet&) const
{
    throw NotImplemented("quotaSet");
}
void Driver::quotaReset(const Context&, const std::string&) const
{
    throw NotImplemented("quotaReset");
}
QuotaSet Driver::quotaUsage(const Context&, const std::string&) const
{
    throw NotImplemented("quotaUsage");
}
std::vector<AvailabilityZone> Driver::availabilityZoneList(const Context&) const
{
    throw NotImplemented("availabilityZoneList");
}
ServerPort Driver::serverPortCreate(const Context&, const std::string&, const PortRequest&) const
{
    throw NotImplemented("serverPortCreate");
}
void Driver::serverPortsDelete(const Context&, const std::string&) const
{
    throw NotImplemented("serverPortsDelete");
}
void Driver::serverPortDelete(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("serverPortDelete");
}

} // namespace jumpgate::network
