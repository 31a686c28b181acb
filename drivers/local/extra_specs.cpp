// SPDX-License-Identifier: Apache-2.0
// The extra specs and the projects of flavors and of volume types, kept the one way in two tables each.
#include "extra_specs.hpp"

namespace jumpgate::local {

void extra_specs_store(Database& db, const SpecTables& tables, const std::string& owner_id,
                       const std::map<std::string, std::string>& specs, const std::vector<std::string>& projects)
{
    const std::string owner = tables.owner;
    Statement clear(db, std::string("DELETE FROM ") + tables.specs + " WHERE " + owner + " = ?");
    clear.bind(1, owner_id);
    clear.step();
    for (const auto& [key, value] : specs) {
        Statement s(db, std::string("INSERT INTO ") + tables.specs + " (" + owner + ", key, value) VALUES (?, ?, ?)");
        s.bind(1, owner_id).bind(2, key).bind(3, value);
        s.step();
    }
    Statement unshare(db, std::string("DELETE FROM ") + tables.projects + " WHERE " + owner + " = ?");
    unshare.bind(1, owner_id);
    unshare.step();
    for (const auto& project : projects) {
        Statement s(db, std::string("INSERT OR IGNORE INTO ") + tables.projects + " (" + owner +
                            ", project_id) VALUES (?, ?)");
        s.bind(1, owner_id).bind(2, project);
        s.step();
    }
}

} // namespace jumpgate::local
