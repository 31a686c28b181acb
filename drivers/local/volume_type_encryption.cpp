// SPDX-License-Identifier: Apache-2.0
// The local cloud's volume type encryption: one row a type, changed only while no volume has the type.
#include "local.hpp"

#include <jumpgate/fault.hpp>

#include "volume_rows.hpp"

namespace jumpgate::local {

namespace {

using volume::Encryption;

/* The fault for `what` ("create", "update", "delete") while a volume has the type, as Cinder words it. */
void refuse_in_use(Database& db, const std::string& type_id, const char* what)
{
    Statement used(db, "SELECT 1 FROM volumes WHERE volume_type_id = ? LIMIT 1");
    used.bind(1, type_id);
    if (used.step())
        throw BadRequest(std::string("Cannot ") + what + " encryption specs. Volume type in use.");
}

NotFound no_encryption(const std::string& type_id)
{
    return NotFound("Volume type encryption for type " + type_id + " does not exist.");
}

} // namespace

std::optional<Encryption> Volume::encryptionGet(const Context&, const std::string& type_id) const
{
    Statement s(*db_, "SELECT type_id, encryption_id, provider, cipher, key_size, control_location, created_at, "
                      "updated_at FROM volume_type_encryption WHERE type_id = ?");
    s.bind(1, type_id);
    if (!s.step())
        return std::nullopt;
    Encryption e;
    e.volume_type_id = s.text(0);
    e.encryption_id = s.text(1);
    e.provider = s.text(2);
    e.cipher = opt_text(s, 3);
    if (!s.is_null(4))
        e.key_size = s.integer(4);
    e.control_location = s.text(5);
    e.created_at = s.integer(6);
    e.updated_at = s.integer(7);
    return e;
}

Encryption Volume::encryptionCreate(const Context& ctx, const Encryption& e) const
{
    if (e.encryption_id.empty())
        throw BadRequest("A new encryption needs an id.");
    {
        Transaction tx(*db_);
        if (!has_row(*db_, "volume_types", e.volume_type_id))
            throw NotFound("Volume type " + e.volume_type_id + " could not be found.");
        refuse_in_use(*db_, e.volume_type_id, "create");
        if (encryptionGet(ctx, e.volume_type_id))
            throw BadRequest("Volume type encryption for type " + e.volume_type_id + " already exists.");
        Statement s(*db_, "INSERT INTO volume_type_encryption (type_id, encryption_id, provider, cipher, key_size, "
                          "control_location, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, e.volume_type_id).bind(2, e.encryption_id).bind(3, e.provider);
        bind_opt(s, 4, e.cipher);
        if (e.key_size)
            s.bind(5, *e.key_size);
        else
            s.bind_null(5);
        s.bind(6, e.control_location).bind(7, static_cast<long long>(unix_now()));
        s.step();
        tx.commit();
    }
    return *encryptionGet(ctx, e.volume_type_id);
}

Encryption Volume::encryptionUpdate(const Context& ctx, const Encryption& e) const
{
    {
        Transaction tx(*db_);
        refuse_in_use(*db_, e.volume_type_id, "update");
        Statement s(*db_, "UPDATE volume_type_encryption SET provider = ?, cipher = ?, key_size = ?, "
                          "control_location = ?, updated_at = ? WHERE type_id = ?");
        s.bind(1, e.provider);
        bind_opt(s, 2, e.cipher);
        if (e.key_size)
            s.bind(3, *e.key_size);
        else
            s.bind_null(3);
        s.bind(4, e.control_location).bind(5, static_cast<long long>(unix_now())).bind(6, e.volume_type_id);
        s.step();
        if (sqlite3_changes(db_->handle()) == 0)
            throw no_encryption(e.volume_type_id);
        tx.commit();
    }
    return *encryptionGet(ctx, e.volume_type_id);
}

void Volume::encryptionDelete(const Context&, const std::string& type_id) const
{
    Transaction tx(*db_);
    refuse_in_use(*db_, type_id, "delete");
    Statement s(*db_, "DELETE FROM volume_type_encryption WHERE type_id = ?");
    s.bind(1, type_id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw no_encryption(type_id);
    tx.commit();
}

} // namespace jumpgate::local
