// SPDX-License-Identifier: Apache-2.0
// Cinder's volume transfers (os-volume-transfer, and volume-transfers from 3.55): offer a volume, accept it by key.
#include "api/volume/cinder.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include <jumpgate/fault.hpp>
#include <jumpgate/hex.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::volume::detail {

using namespace api::cinder;

namespace {

// Both paths' views link to os-volume-transfer, as Cinder's do.
constexpr const char* kCollection = "os-volume-transfer";

json summary_view(const Request& req, const Transfer& t)
{
    return {{"id", t.id},
            {"name", t.name ? json(*t.name) : json(nullptr)},
            {"volume_id", t.volume_id},
            {"links", links(req, kCollection, t.id)}};
}

json detail_view(const Request& req, const Transfer& t)
{
    json view = summary_view(req, t);
    view["created_at"] = api::iso_time(t.created_at, false);
    if (req.version().at_least(3, 55))
        view["no_snapshots"] = t.no_snapshots;
    if (req.version().at_least(3, 57)) {
        // An accepted transfer is gone from every list: those shown are still pending, so none has a destination.
        view["source_project_id"] = t.source_project_id;
        view["destination_project_id"] = nullptr;
        view["accepted"] = false;
    }
    return view;
}

// Cinder's sixteen hex digits: characters the recipient can type.
std::string new_auth_key()
{
    unsigned char bytes[8];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return hex(bytes);
}

void list(const Driver& driver, const Request& req, Response& resp, bool detail)
{
    ListQuery q = list_query(req, {"name", "volume_id", "id"});
    // Before 3.59 Cinder lists them oldest first; from it, newest first unless asked otherwise.
    if (q.sort.empty())
        q.sort = {{"created_at", !req.version().at_least(3, 59)}};
    resp.json(listed(
        req, q, "transfers", "transfers_links", [&] { return driver.transferList(req.context(), q); },
        [&](const Transfer& t) { return detail ? detail_view(req, t) : summary_view(req, t); }));
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
    const json& b = body_of(req, "transfer");
    // volume-transfers takes no_snapshots from 3.55; os-volume-transfer never does.
    const bool snapshots_optional = req.endpoint() == "v3_volume_transfers" && req.version().at_least(3, 55);
    if (snapshots_optional)
        api::only_properties(b, "transfer", {"volume_id", "name", "no_snapshots"});
    else
        api::only_properties(b, "transfer", {"volume_id", "name"});
    if (!b.contains("volume_id"))
        throw BadRequest("Invalid input for field/attribute transfer: 'volume_id' is a required property.");
    if (!b["volume_id"].is_string() || !uuid_like(b["volume_id"].get_ref<const std::string&>()))
        throw BadRequest("Invalid input for field/attribute volume_id: it must be a UUID.");
    Transfer t;
    t.id = new_uuid();
    t.volume_id = b["volume_id"];
    if (b.contains("name") && !b["name"].is_null())
        t.name = stripped_name(b["name"], "name");
    if (b.contains("no_snapshots")) {
        const json& v = b["no_snapshots"];
        if (v.is_boolean())
            t.no_snapshots = v.get<bool>();
        else if (v.is_string())
            t.no_snapshots = api::parse_bool("no_snapshots", v.get<std::string>());
        else
            throw BadRequest("Invalid input for field/attribute no_snapshots: it must be a boolean.");
    }
    std::string auth_key = new_auth_key();
    Transfer made = driver.transferCreate(req.context(), t, auth_key);
    json view = detail_view(req, made);
    view["auth_key"] = auth_key; // shown this once: the cloud keeps only its hash
    resp.status = 202;
    resp.json({{"transfer", std::move(view)}});
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    resp.json({{"transfer", detail_view(req, driver.transferGet(req.context(), req.param("transfer_id")))}});
}

void accept(const Driver& driver, const Request& req, Response& resp)
{
    const json& a = body_of(req, "accept");
    api::only_properties(a, "accept", {"auth_key"});
    if (!a.contains("auth_key"))
        throw BadRequest("Invalid input for field/attribute accept: 'auth_key' is a required property.");
    const json& key = a["auth_key"];
    if (!key.is_string() && !key.is_number_integer())
        throw BadRequest("Invalid input for field/attribute auth_key: it must be a string or an integer.");
    Transfer t = driver.transferAccept(req.context(), req.param("transfer_id"),
                                       key.is_string() ? key.get<std::string>() : key.dump());
    resp.status = 202;
    resp.json({{"transfer", summary_view(req, t)}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    driver.transferDelete(req.context(), req.param("transfer_id"));
    resp.status = 202;
    resp.clear_body();
}

constexpr Binding<Driver> kBindings[] = {
    {"v3_transfers", "GET", {Op::transferList}, index},
    {"v3_volume_transfers", "GET", {Op::transferList}, index},
    {"v3_transfers_detail", "GET", {Op::transferList}, index_detail},
    {"v3_volume_transfers_detail", "GET", {Op::transferList}, index_detail},
    {"v3_transfers", "POST", {Op::transferCreate}, create},
    {"v3_volume_transfers", "POST", {Op::transferCreate}, create},
    {"v3_transfer", "GET", {Op::transferGet}, show},
    {"v3_volume_transfer", "GET", {Op::transferGet}, show},
    {"v3_transfer", "DELETE", {Op::transferDelete}, remove},
    {"v3_volume_transfer", "DELETE", {Op::transferDelete}, remove},
    {"v3_transfer_accept", "POST", {Op::transferAccept}, accept},
    {"v3_volume_transfer_accept", "POST", {Op::transferAccept}, accept},
};

} // namespace

std::span<const Binding<Driver>> transfer_bindings()
{
    return kBindings;
}

} // namespace jumpgate::volume::detail
