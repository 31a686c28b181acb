// SPDX-License-Identifier: Apache-2.0
// The extra specs and the projects of flavors and of volume types, kept the one way in two tables each.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <jumpgate/request.hpp>

#include "db.hpp"

namespace jumpgate::local {

/* SpecTables: where one kind's extra specs (`owner`, key, value) and projects (`owner`, project_id) are kept. */
struct SpecTables {
    const char* specs;
    const char* projects;
    const char* owner;
};

constexpr SpecTables kFlavorSpecs = {"flavor_extra_specs", "flavor_projects", "flavor_id"};
constexpr SpecTables kVolumeTypeSpecs = {"volume_type_extra_specs", "volume_type_projects", "type_id"};

/*
 * extra_specs_load: fill the extra_specs and projects (in order of project id) of `items`
 * (flavors or volume types, each with an id) from `tables`, in one query each.
 */
template <class Item> void extra_specs_load(Database& db, const SpecTables& tables, std::vector<Item>& items)
{
    if (items.empty())
        return;
    json ids = json::array();
    for (const auto& item : items)
        ids.push_back(item.id);
    auto find = [&](const std::string& id) -> Item* {
        for (auto& item : items)
            if (item.id == id)
                return &item;
        return nullptr;
    };
    const std::string owner = tables.owner;
    Statement specs(db, "SELECT " + owner + ", key, value FROM " + tables.specs + " WHERE " + owner +
                            " IN (SELECT value FROM json_each(?))");
    specs.bind(1, ids.dump());
    while (specs.step())
        if (auto* item = find(specs.text(0)))
            item->extra_specs[specs.text(1)] = specs.text(2);
    Statement projects(db, "SELECT " + owner + ", project_id FROM " + tables.projects + " WHERE " + owner +
                               " IN (SELECT value FROM json_each(?)) ORDER BY project_id");
    projects.bind(1, ids.dump());
    while (projects.step())
        if (auto* item = find(projects.text(0)))
            item->projects.push_back(projects.text(1));
}

/* extra_specs_store: `specs` and `projects` replace what `tables` keep of `owner_id` (in the caller's transaction). */
void extra_specs_store(Database& db, const SpecTables& tables, const std::string& owner_id,
                       const std::map<std::string, std::string>& specs, const std::vector<std::string>& projects);

} // namespace jumpgate::local
