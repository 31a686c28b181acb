// SPDX-License-Identifier: Apache-2.0
// Per-project quota limits of one service of the local cloud: defaults, overridden per project in a table.
#pragma once

#include <map>
#include <string>

#include "db.hpp"

namespace jumpgate::local {

/*
 * QuotaTable: the limits of one service (-1 unlimited), kept in `table`
 * (project_id, resource, hard_limit) where a project differs from `defaults`.
 */
class QuotaTable {
  public:
    QuotaTable(Database& db, std::string table, std::map<std::string, long long> defaults)
        : db_(db), table_(std::move(table)), defaults_(std::move(defaults))
    {
    }

    const std::map<std::string, long long>& defaults() const { return defaults_; }
    /* get: a project's limits, the defaults (or `base`) where it has none of its own. */
    std::map<std::string, long long> get(const std::string& project_id) const { return get(project_id, defaults_); }
    std::map<std::string, long long> get(const std::string& project_id, std::map<std::string, long long> base) const;
    /* set: change some of a project's limits in one transaction; BadRequest for an unknown resource or a limit below
     * -1. */
    void set(const std::string& project_id, const std::map<std::string, long long>& changes) const;
    /* reset: the project's limits become the defaults again. */
    void reset(const std::string& project_id) const;

  private:
    Database& db_;
    std::string table_;
    std::map<std::string, long long> defaults_;
};

} // namespace jumpgate::local
