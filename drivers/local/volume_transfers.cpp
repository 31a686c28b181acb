// SPDX-License-Identifier: Apache-2.0
// The local cloud's volume transfers: a volume offered under a hashed key, moved with its snapshots when accepted.
#include "local.hpp"

#include <jumpgate/fault.hpp>

#include "password.hpp"
#include "volume_rows.hpp"

namespace jumpgate::local {

namespace {

using volume::Transfer;

const ListTable kTransfers = {
    "x.id, x.name, x.volume_id, x.project_id, x.no_snapshots, x.created_at",
    "volume_transfers x",
    "x.id",
    "x.project_id",
    "x.rowid",
    false,
    {{"name", "x.name = ?"}, {"volume_id", "x.volume_id = ?"}, {"id", "x.id = ?"}},
    {},
    {{"id", "x.id"},
     {"name", "COALESCE(x.name, '')"},
     {"display_name", "COALESCE(x.name, '')"},
     {"volume_id", "x.volume_id"},
     {"created_at", "x.created_at"}},
    {{"created_at", true}},
};

Transfer transfer_of(const Statement& s)
{
    Transfer t;
    t.id = s.text(0);
    t.name = opt_text(s, 1);
    t.volume_id = s.text(2);
    t.source_project_id = s.text(3);
    t.no_snapshots = s.integer(4) != 0;
    t.created_at = s.integer(5);
    return t;
}

NotFound no_transfer(const std::string& transfer_id)
{
    return NotFound("Transfer " + transfer_id + " could not be found.");
}

} // namespace

std::vector<Transfer> Volume::transferList(const Context& ctx, const volume::ListQuery& q) const
{
    std::vector<Transfer> out;
    list_rows(*db_, ctx, q, kTransfers, [&](const Statement& s) { out.push_back(transfer_of(s)); });
    return out;
}

Transfer Volume::transferGet(const Context& ctx, const std::string& transfer_id) const
{
    auto found = row_find(*db_, ctx, kTransfers, transfer_id, transfer_of);
    if (!found)
        throw no_transfer(transfer_id);
    return *found;
}

Transfer Volume::transferCreate(const Context& ctx, const Transfer& in, const std::string& auth_key) const
{
    if (in.id.empty())
        throw BadRequest("A new transfer needs an id.");
    // Hashed before the write lock is taken: the hash is slow by design.
    std::string key_hash = password_hash(auth_key);
    {
        Transaction tx(*db_);
        volume::Volume v = volumeGet(ctx, in.volume_id);
        if (v.status != "available")
            throw BadRequest("Invalid volume: status must be available");
        if (!in.no_snapshots) {
            Statement snaps(*db_, "SELECT s.id FROM volume_snapshots s WHERE s.volume_id = ?2 AND " +
                                      current_status("s") + " <> 'available' LIMIT 1");
            snaps.bind(1, static_cast<long long>(unix_now())).bind(2, v.id);
            if (snaps.step())
                throw BadRequest("Invalid snapshot: snapshot: " + snaps.text(0) + " status must be available");
        }
        Statement s(*db_, "INSERT INTO volume_transfers (id, name, volume_id, project_id, key_hash, no_snapshots, "
                          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, in.id);
        bind_opt(s, 2, in.name);
        s.bind(3, v.id).bind(4, v.project_id).bind(5, key_hash).bind(6, in.no_snapshots ? 1LL : 0LL);
        s.bind(7, static_cast<long long>(unix_now()));
        s.step();
        status_set("volumes", v.id, "awaiting-transfer", std::nullopt);
        tx.commit();
    }
    return transferGet(ctx, in.id);
}

Transfer Volume::transferAccept(const Context& ctx, const std::string& transfer_id, const std::string& auth_key) const
{
    // Any project may accept with the key, so the transfer is looked up whoever owns it; the key is checked
    // before the write lock is taken (the hash is slow by design), and the row must still have that hash under it.
    std::string key_hash;
    {
        Statement h(*db_, "SELECT key_hash FROM volume_transfers WHERE id = ?");
        h.bind(1, transfer_id);
        if (!h.step())
            throw no_transfer(transfer_id);
        key_hash = h.text(0);
    }
    if (!password_verify(auth_key, key_hash))
        throw BadRequest("Invalid auth key: Attempt to transfer " + transfer_id + " with invalid auth key.");
    Transaction tx(*db_);
    Statement found(*db_, kTransfers.select() + " WHERE x.id = ? AND x.key_hash = ?");
    found.bind(1, transfer_id).bind(2, key_hash);
    if (!found.step())
        throw no_transfer(transfer_id);
    Transfer t = transfer_of(found);
    const long long now = unix_now();

    Statement volume(*db_, "SELECT v.size, v.project_id, " + current_status("v") + " FROM volumes v WHERE v.id = ?2");
    volume.bind(1, now).bind(2, t.volume_id);
    if (!volume.step() || volume.text(2) != "awaiting-transfer")
        throw BadRequest("Invalid volume: Transfer " + t.id + ": Volume id " + t.volume_id +
                         " expected in awaiting-transfer state.");
    const long long size = volume.integer(0);
    const std::string donor = volume.text(1);
    long long snapshots = 0, snapshot_gigabytes = 0;
    if (!t.no_snapshots) {
        Statement snaps(*db_, "SELECT s.id, s.size, " + current_status("s") +
                                  " FROM volume_snapshots s WHERE s.volume_id = ?2");
        snaps.bind(1, now).bind(2, t.volume_id);
        while (snaps.step()) {
            if (snaps.text(2) != "available")
                throw BadRequest("Invalid snapshot: Transfer " + t.id + ": Snapshot " + snaps.text(0) +
                                 " is not in the expected available state.");
            ++snapshots;
            snapshot_gigabytes += snaps.integer(1);
        }
    }
    // What moves leaves the donor's usage (usage is counted from the rows) and must fit the recipient's quotas.
    if (donor != ctx.project_id)
        quota_check(ctx, ctx.project_id, 1, snapshots, size + snapshot_gigabytes, size);

    Statement move(*db_, "UPDATE volumes SET project_id = ?, user_id = ?, status = 'available', status_until = 0, "
                         "next_status = NULL, updated_at = ? WHERE id = ?");
    move.bind(1, ctx.project_id).bind(2, ctx.user_id).bind(3, now).bind(4, t.volume_id);
    move.step();
    if (!t.no_snapshots) {
        Statement snaps(*db_, "UPDATE volume_snapshots SET project_id = ?, user_id = ?, updated_at = ? "
                              "WHERE volume_id = ?");
        snaps.bind(1, ctx.project_id).bind(2, ctx.user_id).bind(3, now).bind(4, t.volume_id);
        snaps.step();
    }
    Statement gone(*db_, "DELETE FROM volume_transfers WHERE id = ?");
    gone.bind(1, t.id);
    gone.step();
    tx.commit();
    return t;
}

void Volume::transferDelete(const Context& ctx, const std::string& transfer_id) const
{
    Transaction tx(*db_);
    Transfer t = transferGet(ctx, transfer_id);
    Statement gone(*db_, "DELETE FROM volume_transfers WHERE id = ?");
    gone.bind(1, t.id);
    gone.step();
    // As Cinder: a volume some admin has since set to another status keeps it.
    Statement back(*db_, "UPDATE volumes SET status = 'available', updated_at = ? "
                         "WHERE id = ? AND status = 'awaiting-transfer' AND next_status IS NULL");
    back.bind(1, static_cast<long long>(unix_now())).bind(2, t.volume_id);
    back.step();
    tx.commit();
}

} // namespace jumpgate::local
