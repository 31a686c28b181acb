// SPDX-License-Identifier: Apache-2.0
// Nova's flavor views: list, detail, show and extra specs, shaped by the microversion.
#include <jumpgate/driver/compute.hpp>

#include <jumpgate/fault.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"
#include "api/compute/servers.hpp"

namespace jumpgate::compute {

namespace {

bool usable(const Context& ctx, const Flavor& f)
{
    return f.is_public || std::find(f.projects.begin(), f.projects.end(), ctx.project_id) != f.projects.end();
}

// The form the client used: /v2/flavors/... or the project form /v2[.1]/[{tenant_id}/]flavors/...
std::string flavor_url(const Request& req, const std::string& id)
{
    bool projectless = req.endpoint().rfind("v2_flavor", 0) == 0;
    return req.dispatcher()->endpoint_url(req, projectless ? "v2_flavor" : "v2_tenant_flavor", {{"flavor_id", id}});
}

json links(const Request& req, const Flavor& f)
{
    return {{{"rel", "self"}, {"href", flavor_url(req, f.id)}},
            {{"rel", "bookmark"}, {"href", req.dispatcher()->base_url(req) + "/flavors/" + f.id}}};
}

json brief(const Request& req, const Flavor& f)
{
    json view = {{"id", f.id}, {"name", f.name}, {"links", links(req, f)}};
    if (req.version().at_least(2, 55))
        view["description"] = f.description ? json(*f.description) : json(nullptr);
    return view;
}

json full(const Request& req, const Flavor& f)
{
    json view = brief(req, f);
    view["ram"] = f.ram;
    view["vcpus"] = f.vcpus;
    view["disk"] = f.disk;
    view["OS-FLV-EXT-DATA:ephemeral"] = f.ephemeral;
    view["OS-FLV-DISABLED:disabled"] = f.disabled;
    view["os-flavor-access:is_public"] = f.is_public;
    view["rxtx_factor"] = f.rxtx_factor;
    // Before 2.75 Nova shows no swap as "".
    view["swap"] = f.swap || req.version().at_least(2, 75) ? json(f.swap) : json("");
    if (req.version().at_least(2, 61))
        view["extra_specs"] = f.extra_specs;
    return view;
}

std::vector<Flavor> selected(const Driver& driver, const Request& req)
{
    auto flavors = driver.flavorList(req.context());
    // As Nova: members see the public flavors and the private ones shared with their project, never
    // disabled ones; admins see those too by default, only private ones with is_public=false, all with none.
    const Context& ctx = req.context();
    std::string is_public(req.query("is_public"));
    std::transform(is_public.begin(), is_public.end(), is_public.begin(), ::tolower);
    if (!ctx.is_admin()) {
        std::erase_if(flavors, [&](const Flavor& f) { return f.disabled || !usable(ctx, f); });
    } else if (is_public != "none") {
        bool want = is_public.empty() || api::parse_bool("is_public", is_public);
        std::erase_if(flavors, [&](const Flavor& f) { return want ? !usable(ctx, f) : f.is_public; });
    }
    if (req.has_query("minRam")) {
        long long min = api::parse_int("minRam", req.query("minRam"));
        std::erase_if(flavors, [&](const Flavor& f) { return f.ram < min; });
    }
    if (req.has_query("minDisk")) {
        long long min = api::parse_int("minDisk", req.query("minDisk"));
        std::erase_if(flavors, [&](const Flavor& f) { return f.disk < min; });
    }
    std::string key = req.has_query("sort_key") ? std::string(req.query("sort_key")) : "flavorid";
    std::string dir = req.has_query("sort_dir") ? std::string(req.query("sort_dir")) : "asc";
    if (dir != "asc" && dir != "desc")
        throw BadRequest("Invalid sort_dir '" + dir + "': asc or desc.");
    auto less = [&](const Flavor& a, const Flavor& b) {
        if (key == "flavorid" || key == "id")
            return a.id < b.id;
        if (key == "name")
            return a.name < b.name;
        if (key == "memory_mb" || key == "ram")
            return a.ram < b.ram;
        if (key == "vcpus")
            return a.vcpus < b.vcpus;
        if (key == "root_gb" || key == "disk")
            return a.disk < b.disk;
        throw BadRequest("Invalid sort_key '" + key + "'.");
    };
    std::stable_sort(flavors.begin(), flavors.end(),
                     [&](const Flavor& a, const Flavor& b) { return dir == "asc" ? less(a, b) : less(b, a); });
    return flavors;
}

void list(const Driver& driver, const Request& req, Response& resp, bool with_detail)
{
    auto page = api::Page::from(req);
    bool more = false;
    auto flavors = api::paginate(
        selected(driver, req), page, [](const Flavor& f) { return f.id; }, more);
    json items = json::array();
    for (const auto& f : flavors)
        items.push_back(with_detail ? full(req, f) : brief(req, f));
    json body = {{"flavors", std::move(items)}};
    if (more && !flavors.empty())
        body["flavors_links"] = api::next_links(req, flavors.back().id);
    resp.json(std::move(body));
}

std::optional<std::string> description_of(const json& value)
{
    if (value.is_null())
        return std::nullopt;
    if (!value.is_string() || value.get_ref<const std::string&>().size() > 65535)
        throw BadRequest("Invalid input for field/attribute description.");
    return value.get<std::string>();
}

// Extra specs: keys of 1-255 characters of letters, digits and "-_:. "; values strings (numbers become strings, as Nova
// does).
std::map<std::string, std::string> extra_specs_of(const json& j)
{
    if (!j.is_object())
        throw BadRequest("Invalid input for field/attribute extra_specs. Value must be an object.");
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : j.items()) {
        bool ok = !k.empty() && k.size() <= 255;
        for (char c : k)
            ok = ok && (std::isalnum(static_cast<unsigned char>(c)) ||
                        std::string_view("-_:. ").find(c) != std::string_view::npos);
        if (!ok)
            throw BadRequest("Invalid input for field/attribute extra_specs: invalid key '" + k + "'.");
        if (v.is_string() && v.get_ref<const std::string&>().size() <= 255)
            out[k] = v;
        else if (v.is_number() || v.is_boolean())
            out[k] = v.is_boolean() ? (v.get<bool>() ? "True" : "False") : v.dump();
        else
            throw BadRequest("Invalid input for field/attribute extra_specs: the value of '" + k +
                             "' must be a string.");
    }
    return out;
}

// A number field of a flavor create: an integer (or a string of one) at least `min`.
long long flavor_number(const json& f, const char* key, long long min, long long fallback)
{
    if (!f.contains(key))
        return fallback;
    const json& v = f[key];
    long long n = 0;
    if (v.is_number_integer())
        n = v.get<long long>();
    else if (v.is_string() && !v.get_ref<const std::string&>().empty() &&
             v.get_ref<const std::string&>().find_first_not_of("0123456789") == std::string::npos &&
             v.get_ref<const std::string&>().size() < 12)
        n = std::stoll(v.get<std::string>());
    else
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ".");
    if (n < min || n > 2147483647)
        throw BadRequest(std::string("Invalid input for field/attribute ") + key + ": out of range.");
    return n;
}

Flavor flavor_of_request(const Request& req, const json& f)
{
    Flavor out;
    if (!f.contains("name"))
        throw BadRequest("Invalid input for field/attribute flavor: 'name' is a required property.");
    out.name = api::nova_name(f["name"], "name");
    for (const char* key : {"ram", "vcpus", "disk"})
        if (!f.contains(key))
            throw BadRequest(std::string("Invalid input for field/attribute flavor: '") + key +
                             "' is a required property.");
    out.ram = flavor_number(f, "ram", 1, 0);
    out.vcpus = static_cast<int>(flavor_number(f, "vcpus", 1, 0));
    out.disk = flavor_number(f, "disk", 0, 0);
    out.ephemeral = flavor_number(f, "OS-FLV-EXT-DATA:ephemeral", 0, 0);
    if (f.contains("swap") && !(f["swap"].is_string() && f["swap"].get_ref<const std::string&>().empty()))
        out.swap = flavor_number(f, "swap", 0, 0);
    if (f.contains("rxtx_factor")) {
        if (!f["rxtx_factor"].is_number() || f["rxtx_factor"].get<double>() <= 0)
            throw BadRequest("Invalid input for field/attribute rxtx_factor.");
        out.rxtx_factor = f["rxtx_factor"].get<double>();
    }
    if (f.contains("os-flavor-access:is_public")) {
        const json& p = f["os-flavor-access:is_public"];
        if (p.is_boolean())
            out.is_public = p.get<bool>();
        else if (p.is_string())
            out.is_public = api::parse_bool("os-flavor-access:is_public", p.get<std::string>());
        else
            throw BadRequest("Invalid input for field/attribute os-flavor-access:is_public.");
    }
    if (f.contains("description")) {
        if (!req.version().at_least(2, 55))
            throw BadRequest(
                "Invalid input for field/attribute flavor: additional properties are not allowed ('description').");
        out.description = description_of(f["description"]);
    }
    if (f.contains("id") && !f["id"].is_null()) {
        std::string id = f["id"].is_string()           ? f["id"].get<std::string>()
                         : f["id"].is_number_integer() ? std::to_string(f["id"].get<long long>())
                                                       : "";
        bool ok = !id.empty() && id.size() <= 255 && id.front() != ' ' && id.back() != ' ';
        for (char c : id)
            ok = ok && (std::isalnum(static_cast<unsigned char>(c)) ||
                        std::string_view("-_. ").find(c) != std::string_view::npos);
        if (!ok)
            throw BadRequest("Invalid input for field/attribute id.");
        out.id = id;
    } else {
        out.id = new_uuid();
    }
    return out;
}

json access_view(const Flavor& f)
{
    json list = json::array();
    for (const auto& p : f.projects)
        list.push_back({{"flavor_id", f.id}, {"tenant_id", p}});
    return list;
}

/*
 * remembered_list: list(), kept while the driver's flavorGeneration stays where it was; a list
 * also depends on who asks (the project, and whether an admin).
 */
Handler remembered_list(std::shared_ptr<const Driver> driver, bool with_detail)
{
    auto make = [driver, with_detail](const Request& req, Response& resp) { list(*driver, req, resp, with_detail); };
    return remembered(
        make,
        [](const Request& req) {
            const Context& ctx = req.context();
            return ctx.project_id + (ctx.is_admin() ? " admin" : "");
        },
        [driver] { return driver->flavorGeneration(); });
}

} // namespace

Flavor flavor_visible(const Driver& driver, const Request& req, const std::string& flavor_id)
{
    Flavor f = driver.flavorGet(req.context(), flavor_id);
    if (!req.context().is_admin() && !usable(req.context(), f))
        throw NotFound("Flavor " + flavor_id + " could not be found.");
    return f;
}

namespace {

Handler brief_list(std::shared_ptr<const Driver> driver)
{
    return remembered_list(std::move(driver), false);
}
Handler detail_list(std::shared_ptr<const Driver> driver)
{
    return remembered_list(std::move(driver), true);
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"flavor", full(req, flavor_visible(driver, req, req.param("flavor_id")))}});
}

void show_extra_specs(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"extra_specs", flavor_visible(driver, req, req.param("flavor_id")).extra_specs}});
}

void show_extra_spec(const Driver& driver, const Request& req, Response& resp)
{
    auto specs = flavor_visible(driver, req, req.param("flavor_id")).extra_specs;
    auto it = specs.find(req.param("key_id"));
    if (it == specs.end())
        throw NotFound("Flavor " + req.param("flavor_id") + " has no extra specs with key " + req.param("key_id") +
                       ".");
    resp.json({{it->first, it->second}});
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("flavor") || !body["flavor"].is_object())
        throw BadRequest("Invalid input: the body must be {\"flavor\": {...}}.");
    resp.json({{"flavor", full(req, driver.flavorCreate(req.context(), flavor_of_request(req, body["flavor"])))}});
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    if (!req.version().at_least(2, 55))
        throw NotFound("The resource could not be found.");
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("flavor") || !body["flavor"].is_object() || body["flavor"].size() != 1 ||
        !body["flavor"].contains("description"))
        throw BadRequest("Invalid input: the body must be {\"flavor\": {\"description\": ...}}.");
    Flavor f = driver.flavorGet(req.context(), req.param("flavor_id"));
    f.description = description_of(body["flavor"]["description"]);
    resp.json({{"flavor", full(req, driver.flavorUpdate(req.context(), f))}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    driver.flavorDelete(req.context(), req.param("flavor_id"));
    resp.status = 202;
    resp.clear_body();
}

void add_extra_specs(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("extra_specs"))
        throw BadRequest("Invalid input: the body must be {\"extra_specs\": {...}}.");
    auto given = extra_specs_of(body["extra_specs"]);
    Flavor f = driver.flavorGet(req.context(), req.param("flavor_id"));
    for (const auto& [k, v] : given)
        f.extra_specs[k] = v;
    driver.flavorUpdate(req.context(), f);
    resp.json({{"extra_specs", given}});
}

void set_extra_spec(const Driver& driver, const Request& req, Response& resp)
{
    auto given = extra_specs_of(req.json_body());
    if (given.size() != 1)
        throw BadRequest("Request body contains too many items");
    if (given.begin()->first != req.param("key_id"))
        throw BadRequest("Request body and URI mismatch");
    Flavor f = driver.flavorGet(req.context(), req.param("flavor_id"));
    f.extra_specs[given.begin()->first] = given.begin()->second;
    driver.flavorUpdate(req.context(), f);
    resp.json(given);
}

void delete_extra_spec(const Driver& driver, const Request& req, Response& resp)
{
    Flavor f = driver.flavorGet(req.context(), req.param("flavor_id"));
    if (!f.extra_specs.erase(req.param("key_id")))
        throw NotFound("Flavor " + f.id + " has no extra specs with key " + req.param("key_id") + ".");
    driver.flavorUpdate(req.context(), f);
    resp.clear_body();
}

void show_access(const Driver& driver, const Request& req, Response& resp)
{
    Flavor f = driver.flavorGet(req.context(), req.param("flavor_id"));
    if (f.is_public)
        throw NotFound("Access list not available for public flavors.");
    resp.json({{"flavor_access", access_view(f)}});
}

// addTenantAccess and removeTenantAccess: the project of the body gains or loses the private flavor.
void change_access(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    const std::string& action = body.begin().key();
    const json& args = body.begin().value();
    if (!args.is_object() || !args.contains("tenant") || !args["tenant"].is_string() ||
        args["tenant"].get_ref<const std::string&>().empty())
        throw BadRequest("Invalid input for field/attribute " + action + ": 'tenant' is a required property.");
    const std::string& project = args["tenant"].get_ref<const std::string&>();
    Flavor f = driver.flavorGet(req.context(), req.param("flavor_id"));
    auto it = std::find(f.projects.begin(), f.projects.end(), project);
    if (action == "addTenantAccess") {
        if (f.is_public)
            throw Conflict("Can not add access to a public flavor.");
        if (it != f.projects.end())
            throw Conflict("Flavor access already exists for flavor " + f.id + " and project " + project +
                           " combination.");
        f.projects.push_back(project);
    } else {
        if (it == f.projects.end())
            throw NotFound("Flavor access not found for " + f.id + " / " + project + " combination.");
        f.projects.erase(it);
    }
    resp.json({{"flavor_access", access_view(driver.flavorUpdate(req.context(), f))}});
}

constexpr Operations kChange{Op::flavorGet, Op::flavorUpdate};

// Nova serves flavors both with and without the project in the path.
const Binding<Driver> kFlavorBindings[] = {
    {.endpoint = "v2_flavors", .verb = "GET", .needs = {Op::flavorList}, .make = brief_list},
    {.endpoint = "v2_tenant_flavors", .verb = "GET", .needs = {Op::flavorList}, .make = brief_list},
    {.endpoint = "v2_flavors_detail", .verb = "GET", .needs = {Op::flavorList}, .make = detail_list},
    {.endpoint = "v2_tenant_flavors_detail", .verb = "GET", .needs = {Op::flavorList}, .make = detail_list},
    {"v2_flavors", "POST", {Op::flavorCreate}, create},
    {"v2_tenant_flavors", "POST", {Op::flavorCreate}, create},
    {"v2_flavor", "GET", {Op::flavorGet}, show},
    {"v2_tenant_flavor", "GET", {Op::flavorGet}, show},
    {"v2_flavor", "PUT", kChange, update},
    {"v2_tenant_flavor", "PUT", kChange, update},
    {"v2_flavor", "DELETE", {Op::flavorDelete}, remove},
    {"v2_tenant_flavor", "DELETE", {Op::flavorDelete}, remove},
    {"v2_os_extra_specs_flavor", "GET", {Op::flavorGet}, show_extra_specs},
    {"v2_os_extra_specs_flavor", "POST", kChange, add_extra_specs},
    {"v2_os_extra_specs_flavor_key", "GET", {Op::flavorGet}, show_extra_spec},
    {"v2_os_extra_specs_flavor_key", "PUT", kChange, set_extra_spec},
    {"v2_os_extra_specs_flavor_key", "DELETE", kChange, delete_extra_spec},
    {"v2_flavor_access", "GET", {Op::flavorGet}, show_access},
    {"v2_flavor_action", "POST", kChange, change_access, "addTenantAccess"},
    {"v2_flavor_action", "POST", kChange, change_access, "removeTenantAccess"},
};

} // namespace

std::span<const Binding<Driver>> flavor_bindings()
{
    return kFlavorBindings;
}

std::vector<Flavor> Driver::flavorList(const Context&) const
{
    throw NotImplemented("flavorList is not implemented by this driver.");
}

Flavor Driver::flavorGet(const Context&, const std::string&) const
{
    throw NotImplemented("flavorGet is not implemented by this driver.");
}

Flavor Driver::flavorCreate(const Context&, const Flavor&) const
{
    throw NotImplemented("flavorCreate");
}
std::optional<std::int64_t> Driver::flavorGeneration() const
{
    return std::nullopt;
}
Flavor Driver::flavorUpdate(const Context&, const Flavor&) const
{
    throw NotImplemented("flavorUpdate");
}
void Driver::flavorDelete(const Context&, const std::string&) const
{
    throw NotImplemented("flavorDelete");
}

} // namespace jumpgate::compute
