// SPDX-License-Identifier: Apache-2.0
// The local cloud's server groups: their records, and where a new member may go on the cloud's one host.
#include "local.hpp"

#include <jumpgate/fault.hpp>

namespace jumpgate::local {

namespace {

compute::ServerGroup group_of(Database& db, const Statement& s)
{
    compute::ServerGroup g;
    g.id = s.text(0);
    g.name = s.text(1);
    g.project_id = s.text(2);
    g.user_id = s.text(3);
    g.policy = s.text(4);
    if (!s.is_null(5))
        g.max_server_per_host = s.integer(5);
    Statement members(db, "SELECT server_id FROM server_group_members WHERE group_id = ? ORDER BY rowid");
    members.bind(1, g.id);
    while (members.step())
        g.members.push_back(members.text(0));
    return g;
}

constexpr const char* kGroupColumns =
    "SELECT id, name, project_id, user_id, policy, max_server_per_host FROM server_groups";

} // namespace

std::vector<compute::ServerGroup> Compute::serverGroupList(const Context& ctx, bool all_projects) const
{
    ReadTransaction read(*db_);
    Statement s(*db_, std::string(kGroupColumns) + " WHERE project_id = ? OR ? ORDER BY created_at, id");
    s.bind(1, ctx.project_id).bind(2, all_projects ? 1LL : 0LL);
    std::vector<compute::ServerGroup> groups;
    while (s.step())
        groups.push_back(group_of(*db_, s));
    return groups;
}

compute::ServerGroup Compute::serverGroupGet(const Context& ctx, const std::string& group_id) const
{
    ReadTransaction read(*db_);
    Statement s(*db_, std::string(kGroupColumns) + " WHERE id = ? AND (project_id = ? OR ?)");
    s.bind(1, group_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
    if (!s.step())
        throw NotFound("Instance group " + group_id + " could not be found.");
    return group_of(*db_, s);
}

compute::ServerGroup Compute::serverGroupCreate(const Context& ctx, const compute::ServerGroup& group) const
{
    {
        Transaction tx(*db_);
        long long limit = quotaGet(ctx, group.project_id).at("server_groups");
        {
            Statement used(*db_, "SELECT COUNT(*) FROM server_groups WHERE project_id = ?");
            used.bind(1, group.project_id);
            used.step();
            if (limit >= 0 && used.integer(0) + 1 > limit)
                throw Forbidden("Quota exceeded, too many server groups.");
        }
        Statement s(*db_, "INSERT INTO server_groups (id, name, project_id, user_id, policy, max_server_per_host, "
                          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, group.id).bind(2, group.name).bind(3, group.project_id).bind(4, group.user_id);
        s.bind(5, group.policy);
        if (group.max_server_per_host)
            s.bind(6, *group.max_server_per_host);
        else
            s.bind_null(6);
        s.bind(7, static_cast<long long>(unix_now()));
        s.step();
        tx.commit();
    }
    return serverGroupGet(ctx, group.id);
}

void Compute::serverGroupDelete(const Context& ctx, const std::string& group_id) const
{
    Transaction tx(*db_);
    Statement s(*db_, "DELETE FROM server_groups WHERE id = ? AND (project_id = ? OR ?)");
    s.bind(1, group_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Instance group " + group_id + " could not be found.");
    tx.commit();
}

std::optional<compute::ServerFault> Compute::place_in_group(const Context& ctx, const std::string& group_id,
                                                            const compute::QuotaSet& limits, std::int64_t now) const
{
    std::string policy;
    long long per_host = 1;
    {
        Statement g(*db_,
                    "SELECT policy, max_server_per_host FROM server_groups WHERE id = ? AND (project_id = ? OR ?)");
        g.bind(1, group_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
        if (!g.step())
            throw BadRequest("Invalid input for field/attribute group. Value: " + group_id +
                             ". Instance group could not be found.");
        policy = g.text(0);
        if (!g.is_null(1))
            per_host = g.integer(1);
    }
    Statement m(*db_, "SELECT COUNT(*), COALESCE(SUM(s.host = ?), 0) FROM server_group_members gm "
                      "JOIN servers s ON s.id = gm.server_id WHERE gm.group_id = ?");
    m.bind(1, host_).bind(2, group_id);
    m.step();
    long long members = m.integer(0), here = m.integer(1);
    if (auto limit = limits.find("server_group_members");
        limit != limits.end() && limit->second >= 0 && members + 1 > limit->second)
        throw Forbidden("Quota exceeded, too many servers in group");
    // This cloud has one host: a hard anti-affinity group full on it leaves no host; the soft
    // policies and affinity are always met or waived, as Nova's weighers do.
    if (policy == "anti-affinity" && here >= per_host)
        return compute::ServerFault{500, "No valid host was found. There are not enough hosts available.", now};
    return std::nullopt;
}

} // namespace jumpgate::local
