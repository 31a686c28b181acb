// SPDX-License-Identifier: Apache-2.0
// Per-project quota limits of one service of the local cloud, in SQLite.
#include "quota.hpp"

#include <jumpgate/fault.hpp>

namespace jumpgate::local {

std::map<std::string, long long> QuotaTable::get(const std::string& project_id,
                                                 std::map<std::string, long long> base) const
{
    auto out = std::move(base);
    Statement s(db_, "SELECT resource, hard_limit FROM " + table_ + " WHERE project_id = ?");
    s.bind(1, project_id);
    while (s.step())
        out[s.text(0)] = s.integer(1);
    return out;
}

void QuotaTable::set(const std::string& project_id, const std::map<std::string, long long>& changes) const
{
    for (const auto& [resource, limit] : changes) {
        if (!defaults_.contains(resource))
            throw BadRequest("Bad key(s) in quota set: " + resource);
        if (limit < -1)
            throw BadRequest("Quota limit " + std::to_string(limit) + " for " + resource +
                             " must be -1 (unlimited) or more.");
    }
    Transaction tx(db_);
    for (const auto& [resource, limit] : changes) {
        Statement s(db_, "INSERT INTO " + table_ +
                             " (project_id, resource, hard_limit) VALUES (?, ?, ?) "
                             "ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = excluded.hard_limit");
        s.bind(1, project_id).bind(2, resource).bind(3, limit);
        s.step();
    }
    tx.commit();
}

void QuotaTable::reset(const std::string& project_id) const
{
    Statement s(db_, "DELETE FROM " + table_ + " WHERE project_id = ?");
    s.bind(1, project_id);
    s.step();
}

} // namespace jumpgate::local
