// SPDX-License-Identifier: Apache-2.0
// Cinder's QoS specs: named limits, and their association with volume types; an admin's only, as Cinder's policy has
// it.
#include "api/volume/cinder.hpp"

#include <algorithm>

#include <jumpgate/fault.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

json qos_view(const QosSpec& q)
{
    return {{"id", q.id}, {"name", q.name}, {"consumer", q.consumer}, {"specs", q.specs}};
}

json shown(const Request& req, const QosSpec& q)
{
    return {{"qos_specs", qos_view(q)}, {"links", links(req, "qos-specs", q.id)}};
}

std::string consumer_of(const json& value)
{
    if (value != "front-end" && value != "back-end" && value != "both")
        throw BadRequest("Invalid qos specs: Valid consumer of QoS specs are: ['back-end', 'front-end', 'both']");
    return value;
}

// A spec's key and value as Cinder's extra specs take them: a key of 1 to 255 of [a-zA-Z0-9-_:. /], a string value
// of at most 255 characters.
std::pair<std::string, std::string> spec_of(const std::string& key, const json& value)
{
    if (key.empty() || key.size() > 255 ||
        key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "0123456789-_:. /") != std::string::npos)
        throw BadRequest("Invalid input for field/attribute qos_specs: '" + key + "' is not a valid spec key.");
    if (!value.is_string() || api::utf8_length(value.get_ref<const std::string&>()) > 255)
        throw BadRequest("Invalid input for field/attribute " + key +
                         ": the value must be a string of at most 255 "
                         "characters.");
    return {key, value.get<std::string>()};
}

// The QoS spec the path names.
QosSpec named(const Driver& driver, const Request& req)
{
    return driver.qosGet(req.context(), req.param("qos_id"));
}

// The types associated with `qos_id`.
std::vector<VolumeType> associated(const Driver& driver, const Request& req, const std::string& qos_id)
{
    std::vector<VolumeType> out;
    for (auto& t : driver.typeList(req.context()))
        if (t.qos_specs_id == qos_id)
            out.push_back(std::move(t));
    return out;
}

// The vol_type_id of an association's query, which Cinder requires.
std::string type_in_query(const Request& req)
{
    if (req.query("vol_type_id").empty())
        throw BadRequest("Volume Type id must not be None.");
    return std::string(req.query("vol_type_id"));
}

bool sort_before(const QosSpec& a, const QosSpec& b, const std::string& key)
{
    if (key == "name")
        return a.name < b.name;
    if (key == "consumer")
        return a.consumer < b.consumer;
    if (key == "id")
        return a.id < b.id;
    return a.created_at < b.created_at;
}

void index(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:qos_specs_manage:get_all");
    ListQuery q = list_query(req, {"id", "name", "consumer"});
    for (const auto& [key, ascending] : q.sort)
        if (key != "id" && key != "name" && key != "consumer" && key != "created_at")
            throw BadRequest("Invalid sort key: " + key);
    std::vector<QosSpec> all = driver.qosList(req.context());
    std::erase_if(all, [&](const QosSpec& s) {
        for (const auto& [key, value] : q.filters)
            if ((key == "id" && s.id != value) || (key == "name" && s.name != value) ||
                (key == "consumer" && s.consumer != value))
                return true;
        return false;
    });
    // Newest first unless asked otherwise; the order they were listed in breaks ties.
    auto sort = q.sort.empty() ? std::vector<std::pair<std::string, bool>>{{"created_at", false}} : q.sort;
    std::stable_sort(all.begin(), all.end(), [&](const QosSpec& a, const QosSpec& b) {
        for (const auto& [key, ascending] : sort) {
            if (sort_before(a, b, key))
                return ascending;
            if (sort_before(b, a, key))
                return !ascending;
        }
        return false;
    });
    bool more = false;
    auto page = api::paginate(
        std::move(all), api::Page{0, q.marker}, [](const QosSpec& s) { return s.id; }, more);
    page.erase(page.begin(), page.begin() + static_cast<std::ptrdiff_t>(std::min(q.offset, page.size())));
    if (req.has_query("limit") && page.size() > q.limit)
        page.resize(q.limit);
    json views = json::array();
    for (const auto& s : page)
        views.push_back(qos_view(s));
    json body = {{"qos_specs", std::move(views)}};
    if (q.limit && page.size() == q.limit)
        body["qos_specs_links"] = api::next_links(req, page.back().id);
    resp.json(std::move(body));
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:qos_specs_manage:create");
    const json& body = req.json_body();
    const json& b = body_of(req, "qos_specs");
    if (body.size() != 1)
        throw BadRequest("Invalid input for field/attribute: only 'qos_specs' is allowed in the body.");
    if (!b.contains("name"))
        throw BadRequest("Invalid input for field/attribute qos_specs: 'name' is a required property.");
    QosSpec q;
    q.id = new_uuid();
    q.name = stripped_name(b["name"], "name");
    for (const auto& [key, value] : b.items()) {
        if (key == "name")
            continue;
        if (key == "consumer")
            q.consumer = consumer_of(value);
        else
            q.specs.insert(spec_of(key, value));
    }
    resp.json(shown(req, driver.qosCreate(req.context(), q)));
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:qos_specs_manage:get");
    resp.json(shown(req, named(driver, req)));
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:qos_specs_manage:update");
    const json& body = req.json_body();
    const json& b = body_of(req, "qos_specs");
    if (body.size() != 1)
        throw BadRequest("Invalid input for field/attribute: only 'qos_specs' is allowed in the body.");
    QosSpec q = named(driver, req);
    for (const auto& [key, value] : b.items()) {
        if (key == "consumer")
            q.consumer = consumer_of(value);
        else
            q.specs.insert_or_assign(key, spec_of(key, value).second);
    }
    driver.qosUpdate(req.context(), q);
    resp.json({{"qos_specs", b}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:qos_specs_manage:delete");
    bool force = req.has_query("force") && api::parse_bool("force", req.query("force"));
    QosSpec q = named(driver, req);
    driver.qosDelete(req.context(), q.id, force);
    resp.status = 202;
    resp.clear_body();
}

void delete_keys(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:qos_specs_manage:delete");
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("keys") || body.size() != 1)
        throw BadRequest("Invalid input for field/attribute: the body must be {\"keys\": [...]}.");
    const json& keys = body["keys"];
    if (!keys.is_array())
        throw api::not_of_type("keys", keys, "'array'");
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!keys[i].is_string() || keys[i].get_ref<const std::string&>().empty() ||
            api::utf8_length(keys[i].get_ref<const std::string&>()) > 255)
            throw BadRequest("Invalid input for field/attribute keys: each key is a string of 1 to 255 characters.");
        for (std::size_t j = 0; j < i; ++j)
            if (keys[j] == keys[i])
                throw BadRequest("Invalid input for field/attribute keys: " + keys.dump() +
                                 " has non-unique elements.");
    }
    QosSpec q = named(driver, req);
    // As Cinder: the keys before the first that is not there go; that one answers 404.
    std::optional<std::string> missing;
    for (const auto& key : keys)
        if (!q.specs.erase(key.get<std::string>())) {
            missing = key.get<std::string>();
            break;
        }
    driver.qosUpdate(req.context(), q);
    if (missing)
        throw NotFound("QoS spec " + q.id + " has no spec with key " + *missing + ".");
    resp.status = 202;
    resp.clear_body();
}

void associations(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:qos_specs_manage:get_all");
    QosSpec q = named(driver, req);
    json list = json::array();
    for (const auto& t : associated(driver, req, q.id))
        list.push_back({{"association_type", "volume_type"}, {"name", t.name}, {"id", t.id}});
    resp.json({{"qos_associations", std::move(list)}});
}

void associate(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:qos_specs_manage:update");
    std::string type_id = type_in_query(req);
    QosSpec q = named(driver, req);
    VolumeType t = driver.typeGet(req.context(), type_id);
    if (t.qos_specs_id && *t.qos_specs_id != q.id)
        throw BadRequest("Invalid volume type: Type " + t.id +
                         " is already associated with another qos specs: " + *t.qos_specs_id);
    if (!t.qos_specs_id) {
        t.qos_specs_id = q.id;
        driver.typeUpdate(req.context(), t);
    }
    resp.status = 202;
    resp.clear_body();
}

void disassociate(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:qos_specs_manage:update");
    std::string type_id = type_in_query(req);
    QosSpec q = named(driver, req);
    VolumeType t = driver.typeGet(req.context(), type_id);
    if (t.qos_specs_id == q.id) {
        t.qos_specs_id.reset();
        driver.typeUpdate(req.context(), t);
    }
    resp.status = 202;
    resp.clear_body();
}

void disassociate_all(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:qos_specs_manage:update");
    QosSpec q = named(driver, req);
    for (auto& t : associated(driver, req, q.id)) {
        t.qos_specs_id.reset();
        driver.typeUpdate(req.context(), t);
    }
    resp.status = 202;
    resp.clear_body();
}

constexpr Operations kAssociate{Op::qosGet, Op::typeGet, Op::typeUpdate};
constexpr Operations kAssociations{Op::qosGet, Op::typeList};

constexpr Binding<Driver> kBindings[] = {
    {"v3_qos_specs", "GET", {Op::qosList}, index},
    {"v3_qos_specs", "POST", {Op::qosCreate}, create},
    {"v3_qos_spec", "GET", {Op::qosGet}, show},
    {"v3_qos_spec", "PUT", {Op::qosGet, Op::qosUpdate}, update},
    {"v3_qos_spec", "DELETE", {Op::qosGet, Op::qosDelete}, remove},
    {"v3_qos_spec_delete_keys", "PUT", {Op::qosGet, Op::qosUpdate}, delete_keys},
    {"v3_qos_spec_associations", "GET", kAssociations, associations},
    {"v3_qos_spec_associate", "GET", kAssociate, associate},
    {"v3_qos_spec_disassociate", "GET", kAssociate, disassociate},
    {"v3_qos_spec_disassociate_all", "GET", {Op::qosGet, Op::typeList, Op::typeUpdate}, disassociate_all},
};

} // namespace

std::span<const Binding<Driver>> qos_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
