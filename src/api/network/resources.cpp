// SPDX-License-Identifier: Apache-2.0
// Neutron's resources through their attribute maps: list, create (one or in bulk), show, update, delete, tags, extra routes.
#include "api/network/neutron.hpp"

#include <algorithm>

#include <jumpgate/fault.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::network {

namespace detail {

using namespace api::neutron;

namespace {

constexpr std::size_t kMaxTagLength = 255;

std::string tag_of(const json& value)
{
    if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
        api::utf8_length(value.get_ref<const std::string&>()) > kMaxTagLength ||
        value.get_ref<const std::string&>().find(',') != std::string::npos)
        throw BadRequest("Invalid input for tags. Reason: " + value.dump() + " is not a string of 1 to " +
                         std::to_string(kMaxTagLength) + " characters without commas.");
    return value;
}

void bind_collection(Dispatcher& disp, const std::shared_ptr<const Driver>& driver, const Collection& c)
{
    const Collection* cp = &c;
    disp.set_handler(c.list_endpoint, {
        .get = [driver, cp](const Request& req, Response& resp) {
            network::Query q = query_of(*cp, req);
            auto fields = fields_of(req);
            auto items = driver->list(req.context(), cp->plural, q);
            json views = json::array();
            for (const auto& item : items)
                views.push_back(view(*cp, req.context(), item, fields));
            json body = {{cp->key, std::move(views)}};
            if (q.limit)
                body[std::string(cp->key) + "_links"] = page_links(req, q, items);
            resp.json(std::move(body));
        },
        .post = [driver, cp](const Request& req, Response& resp) {
            const json& body = req.json_body();
            if (body.is_object() && body.contains(cp->key) && body[cp->key].is_array()) {
                // Bulk: every resource is checked before any is made, and those made go again if one fails.
                std::vector<json> wanted;
                for (const auto& one : body[cp->key]) {
                    if (!one.is_object())
                        throw BadRequest(std::string("Failed to parse request. Each of ") + cp->key + " must be a dictionary.");
                    wanted.push_back(created(*cp, req.context(), one));
                }
                json views = json::array();
                std::vector<std::string> made;
                try {
                    for (const auto& w : wanted) {
                        json stored = driver->create(req.context(), cp->plural, w);
                        made.push_back(stored["id"]);
                        views.push_back(view(*cp, req.context(), stored));
                    }
                } catch (...) {
                    for (const auto& id : made)
                        try {
                            driver->remove(req.context(), cp->plural, id);
                        } catch (const std::exception&) {
                        }
                    throw;
                }
                resp.status = 201;
                resp.json({{cp->key, std::move(views)}});
                return;
            }
            json wanted = created(*cp, req.context(), body_of(req, cp->singular));
            resp.status = 201;
            resp.json({{cp->singular, view(*cp, req.context(), driver->create(req.context(), cp->plural, wanted))}});
        },
    });
    Resource item{
        .get = [driver, cp](const Request& req, Response& resp) {
            json r = driver->get(req.context(), cp->plural, req.param(cp->id_param));
            resp.json({{cp->singular, view(*cp, req.context(), r, fields_of(req))}});
        },
        .del = [driver, cp](const Request& req, Response& resp) {
            driver->remove(req.context(), cp->plural, req.param(cp->id_param));
            resp.status = 204;
            resp.clear_body();
        },
    };
    if (std::string_view(c.plural) != "security-group-rules")
        item.put = [driver, cp](const Request& req, Response& resp) {
            json wanted = changes(*cp, req.context(), body_of(req, cp->singular));
            json r = driver->update(req.context(), cp->plural, req.param(cp->id_param), wanted);
            resp.json({{cp->singular, view(*cp, req.context(), r)}});
        };
    disp.set_handler(c.item_endpoint, item);

    if (!c.tags_endpoint)
        return;
    auto tags_now = [driver, cp](const Request& req) {
        json r = driver->get(req.context(), cp->plural, req.param(cp->id_param));
        return r.value("tags", json::array()).get<std::vector<std::string>>();
    };
    auto tags_set = [driver, cp](const Request& req, std::vector<std::string> tags) {
        std::sort(tags.begin(), tags.end());
        tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
        return driver->update(req.context(), cp->plural, req.param(cp->id_param), {{"tags", tags}})["tags"];
    };
    disp.set_handler(c.tags_endpoint, {
        .get = [tags_now](const Request& req, Response& resp) { resp.json({{"tags", tags_now(req)}}); },
        .put = [tags_set](const Request& req, Response& resp) {
            const json& body = req.json_body();
            if (!body.is_object() || !body.contains("tags") || !body["tags"].is_array())
                throw BadRequest("Invalid input for tags. Reason: the body must be {\"tags\": [...]}.");
            std::vector<std::string> tags;
            for (const auto& t : body["tags"])
                tags.push_back(tag_of(t));
            resp.json({{"tags", tags_set(req, std::move(tags))}});
        },
        .del = [tags_set](const Request& req, Response& resp) {
            tags_set(req, {});
            resp.status = 204;
            resp.clear_body();
        },
    });
    auto missing = [cp](const Request& req) {
        return NotFound("Tag " + req.param("tag") + " could not be found for " + cp->singular + " " +
                            req.param(cp->id_param) + ".",
                        "TagNotFound");
    };
    disp.set_handler(c.tag_endpoint, {
        .get = [tags_now, missing](const Request& req, Response& resp) {
            auto tags = tags_now(req);
            if (std::find(tags.begin(), tags.end(), req.param("tag")) == tags.end())
                throw missing(req);
            resp.status = 204;
            resp.clear_body();
        },
        .put = [tags_now, tags_set](const Request& req, Response& resp) {
            auto tags = tags_now(req);
            tags.push_back(tag_of(req.param("tag")));
            tags_set(req, std::move(tags));
            resp.status = 201;
            resp.clear_body();
        },
        .del = [tags_now, tags_set, missing](const Request& req, Response& resp) {
            auto tags = tags_now(req);
            auto it = std::find(tags.begin(), tags.end(), req.param("tag"));
            if (it == tags.end())
                throw missing(req);
            tags.erase(it);
            tags_set(req, std::move(tags));
            resp.status = 204;
            resp.clear_body();
        },
    });
}

// add_extraroutes and remove_extraroutes: the router's routes with some added or taken away, in one update.
void bind_extraroutes(Dispatcher& disp, const std::shared_ptr<const Driver>& driver)
{
    const Collection& routers = collection("routers");
    const Attribute& routes = *attribute(routers, "routes");
    auto change = [driver, &routers, &routes](bool add) {
        return [driver, &routers, &routes, add](const Request& req, Response& resp) {
            const json& body = body_of(req, "router");
            if (!body.contains("routes") || body.size() != 1)
                throw BadRequest("Bad router request: the body must be {\"router\": {\"routes\": [...]}}.");
            json given = checked(routes, body["routes"]);
            const std::string& id = req.param("router_id");
            json now = driver->get(req.context(), "routers", id)["routes"];
            json next = json::array();
            for (const auto& r : now)
                if (add || std::find(given.begin(), given.end(), r) == given.end())
                    next.push_back(r);
            if (add)
                for (const auto& r : given)
                    if (std::find(next.begin(), next.end(), r) == next.end())
                        next.push_back(r);
            json r = driver->update(req.context(), "routers", id, {{"routes", next}});
            resp.json({{"router", view(routers, req.context(), r)}});
        };
    };
    disp.set_handler("v2_router_add_extraroutes", {.put = change(true)});
    disp.set_handler("v2_router_remove_extraroutes", {.put = change(false)});
}

} // namespace

void bind_resources(Dispatcher& disp, std::shared_ptr<const Driver> driver)
{
    for (const auto& c : collections())
        bind_collection(disp, driver, c);
    bind_extraroutes(disp, driver);
}

void bind_router_interfaces(Dispatcher& disp, std::shared_ptr<const Driver> driver)
{
    auto interface = [driver](bool add) {
        return [driver, add](const Request& req, Response& resp) {
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
            resp.json(add ? driver->routerInterfaceAdd(req.context(), id, subnet_id, port_id)
                          : driver->routerInterfaceRemove(req.context(), id, subnet_id, port_id));
        };
    };
    disp.set_handler("v2_router_add_interface", {.put = interface(true)});
    disp.set_handler("v2_router_remove_interface", {.put = interface(false)});
}

} // namespace detail

// Every operation a driver leaves alone answers 501.
std::vector<json> Driver::list(const Context&, const std::string&, const Query&) const { throw NotImplemented("list"); }
json Driver::get(const Context&, const std::string&, const std::string&) const { throw NotImplemented("get"); }
json Driver::create(const Context&, const std::string&, const json&) const { throw NotImplemented("create"); }
json Driver::update(const Context&, const std::string&, const std::string&, const json&) const
{
    throw NotImplemented("update");
}
void Driver::remove(const Context&, const std::string&, const std::string&) const { throw NotImplemented("remove"); }
json Driver::routerInterfaceAdd(const Context&, const std::string&, const std::string&, const std::string&) const
{
    throw NotImplemented("routerInterfaceAdd");
}
json Driver::routerInterfaceRemove(const Context&, const std::string&, const std::string&, const std::string&) const
{
    throw NotImplemented("routerInterfaceRemove");
}
QuotaSet Driver::quotaGet(const Context&, const std::string&) const { throw NotImplemented("quotaGet"); }
QuotaSet Driver::quotaDefaults(const Context&) const { throw NotImplemented("quotaDefaults"); }
std::vector<std::pair<std::string, QuotaSet>> Driver::quotaList(const Context&) const
{
    throw NotImplemented("quotaList");
}
QuotaSet Driver::quotaSet(const Context&, const std::string&, const QuotaSet&) const { throw NotImplemented("quotaSet"); }
void Driver::quotaReset(const Context&, const std::string&) const { throw NotImplemented("quotaReset"); }
QuotaSet Driver::quotaUsage(const Context&, const std::string&) const { throw NotImplemented("quotaUsage"); }
std::vector<AvailabilityZone> Driver::availabilityZoneList(const Context&) const
{
    throw NotImplemented("availabilityZoneList");
}
ServerPort Driver::serverPortCreate(const Context&, const std::string&, const PortRequest&) const
{
    throw NotImplemented("serverPortCreate");
}
void Driver::serverPortsDelete(const Context&, const std::string&) const { throw NotImplemented("serverPortsDelete"); }
void Driver::serverPortDelete(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("serverPortDelete");
}

} // namespace jumpgate::network
