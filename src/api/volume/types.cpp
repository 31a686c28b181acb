// SPDX-License-Identifier: Apache-2.0
// Cinder's volume types: list and show for everyone; create, update, delete, extra specs and access for admins.
#include "api/volume/cinder.hpp"

#include <algorithm>
#include <cctype>

#include <jumpgate/fault.hpp>

#include "api/common/listing.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

// The extra specs Cinder shows to users who are not admins.
bool user_visible(const std::string& key)
{
    return key == "multiattach" || key == "RESKEY:availability_zones" || key == "replication_enabled";
}

/* View: Cinder's three views of a type: show and list; create (types_manage's, with the access extension's flag);
   update (types_manage's alone). */
enum class View { shown, created, updated };

json type_view(const Request& req, const VolumeType& t, View form = View::shown)
{
    json specs = json::object();
    for (const auto& [k, v] : t.extra_specs)
        if (req.context().is_admin() || user_visible(k))
            specs[k] = v;
    json view = {{"id", t.id},
                 {"name", t.name},
                 {"description", t.description ? json(*t.description) : json(nullptr)},
                 {"is_public", t.is_public},
                 {"extra_specs", std::move(specs)}};
    if (form != View::updated)
        view["os-volume-type-access:is_public"] = t.is_public;
    // Cinder's policy shows the QoS association to admins only, in show and list.
    if (form == View::shown && req.context().is_admin())
        view["qos_specs_id"] = t.qos_specs_id ? json(*t.qos_specs_id) : json(nullptr);
    return view;
}

VolumeType visible_type(const Driver& driver, const Request& req)
{
    const std::string& id = req.param("type_id");
    VolumeType t;
    if (id == "default") {
        bool found = false;
        for (auto& each : driver.typeList(req.context()))
            if (each.is_default)
                t = each, found = true;
        if (!found)
            throw NotFound("The default volume type could not be found.");
    } else {
        t = driver.typeGet(req.context(), id);
    }
    if (!type_usable(req.context(), t))
        throw NotFound("Volume type " + id + " could not be found.");
    return t;
}

std::map<std::string, std::string> specs_of(const json& j)
{
    if (!j.is_object())
        throw BadRequest("Malformed request body: extra_specs must be an object.");
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : j.items()) {
        if (k.empty() || k.size() > 255)
            throw BadRequest("Invalid input: extra spec keys are 1 to 255 characters.");
        if (v.is_string() && v.get_ref<const std::string&>().size() <= 255)
            out[k] = v;
        else if (v.is_boolean() || v.is_number())
            out[k] = v.is_boolean() ? (v.get<bool>() ? "True" : "False") : v.dump();
        else
            throw BadRequest("Invalid input: the value of extra spec " + k + " must be a string.");
    }
    return out;
}

void apply_fields(VolumeType& t, const json& b, bool creating)
{
    if (b.contains("name")) {
        if (!b["name"].is_string() || b["name"].get_ref<const std::string&>().empty() ||
            b["name"].get_ref<const std::string&>().size() > 255)
            throw BadRequest("Invalid input for field/attribute name.");
        t.name = b["name"];
    } else if (creating) {
        throw BadRequest("Invalid input: 'name' is a required property.");
    }
    if (b.contains("description"))
        t.description = optional_text(b["description"], "description", 255);
    for (const char* key : {"os-volume-type-access:is_public", "is_public"})
        if (b.contains(key) && !b[key].is_null()) {
            if (b[key].is_boolean())
                t.is_public = b[key].get<bool>();
            else if (b[key].is_string())
                t.is_public = api::parse_bool(key, b[key].get<std::string>());
            else
                throw BadRequest(std::string("Invalid input for field/attribute ") + key + ".");
        }
    if (creating && b.contains("extra_specs") && !b["extra_specs"].is_null())
        t.extra_specs = specs_of(b["extra_specs"]);
}

json access_view(const VolumeType& t)
{
    json list = json::array();
    for (const auto& p : t.projects)
        list.push_back({{"volume_type_id", t.id}, {"project_id", p}});
    return list;
}

void index(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    // Members see what they may use; admins choose with is_public: by default the public types and those shared
    // with their project, with false the private ones, with "none" (in any case: cinderclient sends "None" when it
    // wants no filter) all.
    bool filtered = ctx.is_admin(), wanted = true;
    if (filtered && !req.query("is_public").empty()) {
        std::string want(req.query("is_public"));
        std::transform(want.begin(), want.end(), want.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        filtered = want != "none";
        wanted = !filtered || api::parse_bool("is_public", want);
    }
    json views = json::array();
    for (const auto& t : driver.typeList(ctx)) {
        bool shared = std::find(t.projects.begin(), t.projects.end(), ctx.project_id) != t.projects.end();
        if (!ctx.is_admin() && !type_usable(ctx, t))
            continue;
        if (filtered && (wanted ? !(t.is_public || shared) : t.is_public))
            continue;
        views.push_back(type_view(req, t));
    }
    resp.json({{"volume_types", std::move(views)}});
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:types_manage");
    VolumeType t;
    t.id = new_uuid();
    apply_fields(t, body_of(req, "volume_type"), true);
    resp.json({{"volume_type", type_view(req, driver.typeCreate(req.context(), t), View::created)}});
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"volume_type", type_view(req, visible_type(driver, req))}});
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:types_manage");
    const json& b = body_of(req, "volume_type");
    if (!b.contains("name") && !b.contains("description") && !b.contains("is_public"))
        throw BadRequest("Invalid input: name, description or is_public must be given.");
    VolumeType t = driver.typeGet(req.context(), req.param("type_id"));
    apply_fields(t, b, false);
    resp.json({{"volume_type", type_view(req, driver.typeUpdate(req.context(), t), View::updated)}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:types_manage");
    driver.typeDelete(req.context(), driver.typeGet(req.context(), req.param("type_id")).id);
    resp.status = 202;
    resp.clear_body();
}

void extra_specs_index(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"extra_specs", type_view(req, visible_type(driver, req))["extra_specs"]}});
}

void extra_specs_merge(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:types_extra_specs:create");
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("extra_specs"))
        throw BadRequest("Malformed request body: the body must be {\"extra_specs\": {...}}.");
    auto given = specs_of(body["extra_specs"]);
    VolumeType t = driver.typeGet(req.context(), req.param("type_id"));
    for (const auto& [k, v] : given)
        t.extra_specs[k] = v;
    driver.typeUpdate(req.context(), t);
    resp.json({{"extra_specs", given}});
}

void extra_spec_show(const Driver& driver, const Request& req, Response& resp)
{
    json specs = type_view(req, visible_type(driver, req))["extra_specs"];
    if (!specs.contains(req.param("key")))
        throw NotFound("Volume Type " + req.param("type_id") + " has no extra specs with key " + req.param("key") +
                       ".");
    resp.json({{req.param("key"), specs[req.param("key")]}});
}

void extra_spec_set(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:types_extra_specs:update");
    auto given = specs_of(req.json_body());
    if (given.size() != 1)
        throw BadRequest("Request body contains too many items.");
    if (given.begin()->first != req.param("key"))
        throw BadRequest("Request body and URI mismatch");
    VolumeType t = driver.typeGet(req.context(), req.param("type_id"));
    t.extra_specs[given.begin()->first] = given.begin()->second;
    driver.typeUpdate(req.context(), t);
    resp.json(given);
}

void extra_spec_delete(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:types_extra_specs:delete");
    VolumeType t = driver.typeGet(req.context(), req.param("type_id"));
    if (!t.extra_specs.erase(req.param("key")))
        throw NotFound("Volume Type " + t.id + " has no extra specs with key " + req.param("key") + ".");
    driver.typeUpdate(req.context(), t);
    resp.status = 202;
    resp.clear_body();
}

void access_index(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:volume_type_access");
    VolumeType t = driver.typeGet(req.context(), req.param("type_id"));
    if (t.is_public)
        throw NotFound("Access list not available for public volume types.");
    resp.json({{"volume_type_access", access_view(t)}});
}

// The project an access action names, and the type it is of; an admin's only.
std::pair<std::string, VolumeType> access_change(const Driver& driver, const Request& req)
{
    require_admin(req, "volume_extension:volume_type_access:addProjectAccess");
    const json& args = action_args(req);
    if (!args.is_object() || !args.contains("project") || !args["project"].is_string())
        throw BadRequest("Invalid input: 'project' is a required property.");
    return {args["project"].get<std::string>(), driver.typeGet(req.context(), req.param("type_id"))};
}

void add_project_access(const Driver& driver, const Request& req, Response& resp)
{
    auto [project, t] = access_change(driver, req);
    if (t.is_public)
        throw BadRequest("Invalid volume type: Type access modification is not applicable to public volume type.");
    if (std::find(t.projects.begin(), t.projects.end(), project) != t.projects.end())
        throw Conflict("Volume type access for " + t.id + " / " + project + " combination already exists.");
    t.projects.push_back(project);
    driver.typeUpdate(req.context(), t);
    resp.status = 202;
    resp.clear_body();
}

void remove_project_access(const Driver& driver, const Request& req, Response& resp)
{
    auto [project, t] = access_change(driver, req);
    auto it = std::find(t.projects.begin(), t.projects.end(), project);
    if (it == t.projects.end())
        throw NotFound("Volume type access not found for " + t.id + " / " + project + " combination.");
    t.projects.erase(it);
    driver.typeUpdate(req.context(), t);
    resp.status = 202;
    resp.clear_body();
}

// visible_type reads the default type from the list, any other by its id.
constexpr Operations kVisible{Op::typeList, Op::typeGet};
constexpr Operations kWrite{Op::typeGet, Op::typeUpdate};

constexpr Binding<Driver> kBindings[] = {
    {"v1_volume_types", "GET", {Op::typeList}, index},
    {"v2_volume_types", "GET", {Op::typeList}, index},
    {"v3_types", "GET", {Op::typeList}, index},
    {"v1_volume_types", "POST", {Op::typeCreate}, create},
    {"v2_volume_types", "POST", {Op::typeCreate}, create},
    {"v3_types", "POST", {Op::typeCreate}, create},
    {"v2_volume_type", "GET", kVisible, show},
    {"v3_type", "GET", kVisible, show},
    {"v2_volume_type", "PUT", kWrite, update},
    {"v3_type", "PUT", kWrite, update},
    {"v2_volume_type", "DELETE", {Op::typeGet, Op::typeDelete}, remove},
    {"v3_type", "DELETE", {Op::typeGet, Op::typeDelete}, remove},
    {"v3_type_extra_specs", "GET", kVisible, extra_specs_index},
    {"v3_type_extra_specs", "POST", kWrite, extra_specs_merge},
    {"v3_type_extra_spec", "GET", kVisible, extra_spec_show},
    {"v3_type_extra_spec", "PUT", kWrite, extra_spec_set},
    {"v3_type_extra_spec", "DELETE", kWrite, extra_spec_delete},
    {"v3_type_access", "GET", {Op::typeGet}, access_index},
    {"v3_type_action", "POST", kWrite, add_project_access, "addProjectAccess"},
    {"v3_type_action", "POST", kWrite, remove_project_access, "removeProjectAccess"},
};

} // namespace

std::span<const Binding<Driver>> type_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
