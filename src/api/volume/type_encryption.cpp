// SPDX-License-Identifier: Apache-2.0
// Cinder's volume type encryption: how a type's volumes are encrypted, kept by admins while no volume has the type.
#include "api/volume/cinder.hpp"

#include <limits>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/validation.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

// Cinder shows the whole record, soft-deletion columns included.
json record_view(const Encryption& e)
{
    return {{"volume_type_id", e.volume_type_id},
            {"encryption_id", e.encryption_id},
            {"provider", e.provider},
            {"cipher", e.cipher ? json(*e.cipher) : json(nullptr)},
            {"key_size", e.key_size ? json(*e.key_size) : json(nullptr)},
            {"control_location", e.control_location},
            {"created_at", api::iso_time(e.created_at, false)},
            {"updated_at", e.updated_at ? json(api::iso_time(e.updated_at, false)) : json(nullptr)},
            {"deleted", false},
            {"deleted_at", nullptr}};
}

/*
 * The fields a create or update body gives, checked as Cinder's schema does and applied to `e`; returns them as
 * Cinder answers them (key_size a number). Keys Cinder's schema lets through but that name no field are ignored.
 */
json apply_body(const Request& req, Encryption& e, bool creating)
{
    const json& b = body_of(req, "encryption");
    for (const char* required : {"provider", "control_location"})
        if (creating && !b.contains(required))
            throw BadRequest(std::string("Invalid input for field/attribute encryption: '") + required +
                             "' is a required property.");
    json given = json::object();
    if (b.contains("provider")) {
        if (!b["provider"].is_string() || api::utf8_length(b["provider"].get_ref<const std::string&>()) > 255)
            throw BadRequest("Invalid input for field/attribute provider: it must be a string of at most 255 "
                             "characters.");
        given["provider"] = e.provider = b["provider"];
    }
    if (b.contains("control_location")) {
        const json& v = b["control_location"];
        if (v != "front-end" && v != "back-end")
            throw BadRequest("Invalid input for field/attribute control_location: it must be one of 'front-end', "
                             "'back-end'.");
        given["control_location"] = e.control_location = v;
    }
    if (b.contains("cipher")) {
        const json& v = b["cipher"];
        if (!v.is_null() && (!v.is_string() || api::utf8_length(v.get_ref<const std::string&>()) > 255))
            throw BadRequest("Invalid input for field/attribute cipher: it must be null or a string of at most 255 "
                             "characters.");
        e.cipher = v.is_null() ? std::nullopt : std::optional<std::string>(v.get<std::string>());
        given["cipher"] = v;
    }
    if (b.contains("key_size")) {
        const json& v = b["key_size"];
        std::optional<long long> size;
        if (v.is_number_integer())
            size = v.get<long long>();
        else if (v.is_string() && !v.get_ref<const std::string&>().empty() &&
                 v.get_ref<const std::string&>().find_first_not_of("0123456789") == std::string::npos &&
                 v.get_ref<const std::string&>().size() <= 10)
            size = std::stoll(v.get<std::string>());
        else if (!v.is_null())
            throw BadRequest("Invalid input for field/attribute key_size: it must be an integer.");
        if (size && (*size < 0 || *size > std::numeric_limits<std::int32_t>::max()))
            throw BadRequest("Invalid input for field/attribute key_size: it must be between 0 and 2147483647.");
        e.key_size = size;
        given["key_size"] = size ? json(*size) : json(nullptr);
    }
    return given;
}

// The type the path names: Cinder's NotFound for no such type.
std::string type_id_of(const Driver& driver, const Request& req)
{
    return driver.typeGet(req.context(), req.param("type_id")).id;
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:volume_type_encryption:get");
    auto e = driver.encryptionGet(req.context(), type_id_of(driver, req));
    // A type without encryption answers an empty object, which clients read as "not encrypted".
    resp.json(e ? record_view(*e) : json::object());
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:volume_type_encryption:create");
    Encryption e;
    json given = apply_body(req, e, true);
    e.volume_type_id = type_id_of(driver, req);
    e.encryption_id = new_uuid();
    Encryption made = driver.encryptionCreate(req.context(), e);
    given["volume_type_id"] = made.volume_type_id;
    given["encryption_id"] = made.encryption_id;
    resp.json({{"encryption", std::move(given)}});
}

void show_key(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:volume_type_encryption:get");
    std::string type_id = type_id_of(driver, req);
    auto e = driver.encryptionGet(req.context(), type_id);
    json record = e ? record_view(*e) : json::object();
    const std::string& key = req.param("key");
    if (!record.contains(key))
        throw NotFound("Volume type encryption for type " + type_id + " does not exist.");
    resp.json({{key, record[key]}});
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:volume_type_encryption:update");
    std::string type_id = type_id_of(driver, req);
    auto e = driver.encryptionGet(req.context(), type_id);
    if (!e)
        throw NotFound("Volume type encryption for type " + type_id + " does not exist.");
    json given = apply_body(req, *e, false);
    driver.encryptionUpdate(req.context(), *e);
    resp.json({{"encryption", std::move(given)}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    require_admin(req, "volume_extension:volume_type_encryption:delete");
    driver.encryptionDelete(req.context(), req.param("type_id"));
    resp.status = 202;
    resp.clear_body();
}

constexpr Operations kRead{Op::typeGet, Op::encryptionGet};

constexpr Binding<Driver> kBindings[] = {
    {"v3_type_encryption", "GET", kRead, show},
    {"v3_type_encryption", "POST", {Op::typeGet, Op::encryptionCreate}, create},
    {"v3_type_encryption_key", "GET", kRead, show_key},
    {"v3_type_encryption_key", "PUT", {Op::typeGet, Op::encryptionGet, Op::encryptionUpdate}, update},
    {"v3_type_encryption_key", "DELETE", {Op::encryptionDelete}, remove},
};

} // namespace

std::span<const Binding<Driver>> type_encryption_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
