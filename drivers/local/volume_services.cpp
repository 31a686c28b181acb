// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage services and scheduling: their state, the one pool, and the messages left when no
// backend takes a volume.
#include "local.hpp"

#include <sys/statvfs.h>

#include <jumpgate/fault.hpp>

#include "volume_rows.hpp"

namespace jumpgate::local {

namespace {

// What the backend reports of itself: its volumes are files on this host, reached as local block devices (the
// attachments' driver_volume_type), so its protocol is os-brick's local one.
constexpr const char* kVendorName = "Jumpgate";
constexpr const char* kStorageProtocol = "local";
constexpr const char* kDriverVersion = "1.0.0";

// Cinder keeps a message for message_ttl, 30 days by default.
constexpr std::int64_t kMessageSeconds = 30 * 24 * 3600;

constexpr double kGiBytes = 1024.0 * 1024.0 * 1024.0;

// Cinder's extra_specs_ops for the values a volume type may ask of a text capability: "<in> x", "<or> a <or> b",
// "s== x", "== x", or the value itself.
bool spec_matches(const std::string& wanted, const std::string& have)
{
    auto words = [](const std::string& text) {
        std::vector<std::string> out;
        std::size_t i = 0;
        while (i < text.size()) {
            while (i < text.size() && text[i] == ' ')
                ++i;
            std::size_t j = i;
            while (j < text.size() && text[j] != ' ')
                ++j;
            if (j > i)
                out.push_back(text.substr(i, j - i));
            i = j;
        }
        return out;
    };
    auto w = words(wanted);
    if (w.empty())
        return have.empty();
    if (w[0] == "<in>" && w.size() == 2)
        return have.find(w[1]) != std::string::npos;
    if (w[0] == "<or>" || (w.size() > 1 && w[1] == "<or>")) {
        for (const auto& word : w)
            if (word != "<or>" && word == have)
                return true;
        return false;
    }
    if ((w[0] == "s==" || w[0] == "==") && w.size() == 2)
        return w[1] == have;
    return wanted == have;
}

volume::Message message_of(const Statement& s)
{
    volume::Message m;
    m.id = s.text(0);
    m.project_id = s.text(1);
    m.request_id = s.text(2);
    m.resource_type = s.text(3);
    m.resource_uuid = opt_text(s, 4);
    m.event_id = s.text(5);
    m.user_message = s.text(6);
    m.message_level = s.text(7);
    m.created_at = s.integer(8);
    m.expires_at = s.integer(9);
    return m;
}

constexpr const char* kMessageColumns = "SELECT id, project_id, request_id, resource_type, resource_uuid, event_id, "
                                        "user_message, message_level, created_at, expires_at FROM volume_messages";

} // namespace

std::vector<volume::Service> Volume::serviceList(const Context&) const
{
    // All three run inside every worker: they are up whenever this answers; an admin may have disabled or frozen one.
    std::int64_t t = unix_now();
    std::string node = host_.substr(0, host_.find('@'));
    std::string backend = host_.substr(0, host_.find('#'));
    std::vector<volume::Service> out = {{"cinder-scheduler", node, "nova", true, true, t},
                                        {"cinder-volume", backend, "nova", true, true, t},
                                        {"cinder-backup", node, "nova", true, true, t}};
    Statement s(*db_, "SELECT binary, enabled, disabled_reason, frozen FROM volume_services");
    while (s.step())
        for (auto& service : out)
            if (service.binary == s.text(0)) {
                service.enabled = s.integer(1) != 0;
                service.disabled_reason = opt_text(s, 2);
                service.frozen = s.integer(3) != 0;
            }
    return out;
}

volume::Service Volume::serviceEnable(const Context& ctx, const std::string& host, const std::string& binary,
                                      bool enabled, const std::optional<std::string>& reason) const
{
    bool known_host = false;
    for (const auto& s : serviceList(ctx)) {
        known_host = known_host || s.host == host;
        if (s.host != host || s.binary != binary)
            continue;
        Statement put(*db_, "INSERT INTO volume_services (binary, enabled, disabled_reason, updated_at) "
                            "VALUES (?, ?, ?, ?) ON CONFLICT (binary) DO UPDATE SET enabled = excluded.enabled, "
                            "disabled_reason = excluded.disabled_reason, updated_at = excluded.updated_at");
        put.bind(1, binary).bind(2, enabled ? 1LL : 0LL);
        bind_opt(put, 3, enabled ? std::nullopt : reason);
        put.bind(4, static_cast<long long>(unix_now()));
        put.step();
        for (const auto& now : serviceList(ctx))
            if (now.binary == binary)
                return now;
    }
    if (!known_host)
        throw NotFound("Host " + host + " could not be found.");
    throw NotFound("Service " + binary + " could not be found on host " + host + ".");
}

void Volume::serviceFreeze(const Context& ctx, const std::string& host, bool frozen) const
{
    // Cinder's host filter: the backend, its pool, or the node it runs on.
    for (const auto& s : serviceList(ctx)) {
        if (s.binary != "cinder-volume")
            continue;
        std::string node = s.host.substr(0, s.host.find('@'));
        if (host != s.host && host != node && host != host_)
            continue;
        Statement put(*db_, "INSERT INTO volume_services (binary, frozen, updated_at) VALUES ('cinder-volume', ?, ?) "
                            "ON CONFLICT (binary) DO UPDATE SET frozen = excluded.frozen, "
                            "updated_at = excluded.updated_at");
        put.bind(1, frozen ? 1LL : 0LL).bind(2, static_cast<long long>(unix_now()));
        put.step();
        return;
    }
    throw BadRequest("Invalid input received: No service found with host=" + host + ".");
}

volume::Pool Volume::pool() const
{
    volume::Pool p;
    p.name = host_;
    std::string backend = host_.substr(0, host_.find('#'));
    p.volume_backend_name = backend.substr(backend.find('@') + 1);
    p.vendor_name = kVendorName;
    p.storage_protocol = kStorageProtocol;
    p.driver_version = kDriverVersion;
    // The volumes' files are sparse: the pool holds what the file system under them has room for.
    struct statvfs fs {};
    if (statvfs(volume_store_.c_str(), &fs) == 0) {
        p.total_capacity_gb = static_cast<double>(fs.f_blocks) * fs.f_frsize / kGiBytes;
        p.free_capacity_gb = static_cast<double>(fs.f_bavail) * fs.f_frsize / kGiBytes;
    }
    Statement used(*db_, "SELECT COALESCE(SUM(size), 0) FROM volumes WHERE host = ?");
    used.bind(1, host_);
    if (used.step())
        p.allocated_capacity_gb = static_cast<double>(used.integer(0));
    p.thin_provisioning_support = true;
    p.multiattach = true;
    p.updated_at = unix_now();
    return p;
}

std::vector<volume::Pool> Volume::poolList(const Context&) const
{
    return {pool()};
}

bool Volume::schedulable(const std::string& type_id) const
{
    for (const auto& s : serviceList(Context{}))
        if (s.binary == "cinder-volume" && !s.enabled)
            return false;
    volume::Pool p = pool();
    // Cinder's CapabilitiesFilter, for the capabilities this backend reports ("capabilities:" scoped or not).
    const std::map<std::string, std::string> capabilities = {{"vendor_name", p.vendor_name},
                                                             {"storage_protocol", p.storage_protocol},
                                                             {"volume_backend_name", p.volume_backend_name},
                                                             {"driver_version", p.driver_version}};
    Statement specs(*db_, "SELECT key, value FROM volume_type_extra_specs WHERE type_id = ?");
    specs.bind(1, type_id);
    while (specs.step()) {
        std::string key = specs.text(0);
        if (key.rfind("capabilities:", 0) == 0)
            key = key.substr(13);
        auto have = capabilities.find(key);
        if (have != capabilities.end() && !spec_matches(specs.text(1), have->second))
            return false;
    }
    return true;
}

void Volume::message_add(const Context& ctx, const std::string& project_id, const std::string& resource_uuid,
                         const std::string& event_id, const std::string& user_message) const
{
    std::int64_t t = unix_now();
    Statement expired(*db_, "DELETE FROM volume_messages WHERE expires_at <= ?");
    expired.bind(1, static_cast<long long>(t));
    expired.step();
    Statement s(*db_, "INSERT INTO volume_messages (id, project_id, request_id, resource_type, resource_uuid, "
                      "event_id, user_message, message_level, created_at, expires_at) "
                      "VALUES (?, ?, ?, 'VOLUME', ?, ?, ?, 'ERROR', ?, ?)");
    s.bind(1, new_uuid()).bind(2, project_id);
    s.bind(3, ctx.request_id.empty() ? "req-" + new_uuid() : ctx.request_id);
    s.bind(4, resource_uuid).bind(5, event_id).bind(6, user_message);
    s.bind(7, static_cast<long long>(t)).bind(8, static_cast<long long>(t + kMessageSeconds));
    s.step();
}

std::vector<volume::Message> Volume::messageList(const Context& ctx) const
{
    Statement s(*db_, std::string(kMessageColumns) +
                          " WHERE (project_id = ? OR ?) AND expires_at > ? ORDER BY created_at, rowid");
    s.bind(1, ctx.project_id).bind(2, ctx.is_admin() ? 1LL : 0LL).bind(3, static_cast<long long>(unix_now()));
    std::vector<volume::Message> out;
    while (s.step())
        out.push_back(message_of(s));
    return out;
}

volume::Message Volume::messageGet(const Context& ctx, const std::string& message_id) const
{
    Statement s(*db_, std::string(kMessageColumns) + " WHERE id = ? AND (project_id = ? OR ?) AND expires_at > ?");
    s.bind(1, message_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
    s.bind(4, static_cast<long long>(unix_now()));
    if (!s.step())
        throw NotFound("Message " + message_id + " could not be found.");
    return message_of(s);
}

void Volume::messageDelete(const Context& ctx, const std::string& message_id) const
{
    Statement s(*db_, "DELETE FROM volume_messages WHERE id = ? AND (project_id = ? OR ?)");
    s.bind(1, message_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Message " + message_id + " could not be found.");
}

} // namespace jumpgate::local
