// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage in SQL: statuses by the clock, owned rows, and the one way its lists are queried.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <jumpgate/driver/volume.hpp>
#include <jumpgate/fault.hpp>

#include "db.hpp"

namespace jumpgate::local {

/*
 * current_status, current_updated: the status a row of `alias` has now, and
 * when it last changed: a change whose time is up has happened. Every query
 * that reads rows puts the current time first as ?1, so these can appear
 * anywhere after it.
 */
std::string current_status(const char* alias);
std::string current_updated(const char* alias);

/*
 * clocked_sort_keys: the sort keys of a named row of `alias` whose status goes by the clock: its `plain`
 * columns, name (display_name too; NULL as '' so that a marker's value compares), status and
 * updated_at as they are now, and `others` (key -> expression).
 */
std::vector<std::pair<std::string, std::string>>
clocked_sort_keys(const char* alias, std::initializer_list<const char*> plain,
                  std::initializer_list<std::pair<std::string, std::string>> others = {});

/* string_map: a JSON object of strings, as the metadata columns keep them. */
std::map<std::string, std::string> string_map(const std::string& text);

/*
 * describe_owned: set the name, description and metadata of row `id` of `table` (snapshots and backups) when
 * the caller's project owns it or the caller is an admin; NotFound ("<kind> <id> could not be found.") else.
 */
template <class Row>
void describe_owned(Database& db, const char* table, const char* kind, const Row& row, const Context& ctx)
{
    Statement s(db, std::string("UPDATE ") + table +
                        " SET name = ?, description = ?, metadata_json = ?, "
                        "updated_at = ? WHERE id = ? AND (project_id = ? OR ?)");
    bind_opt(s, 1, row.name);
    bind_opt(s, 2, row.description);
    s.bind(3, json(row.metadata).dump()).bind(4, static_cast<long long>(unix_now())).bind(5, row.id);
    s.bind(6, ctx.project_id).bind(7, ctx.is_admin() ? 1LL : 0LL);
    s.step();
    if (sqlite3_changes(db.handle()) == 0)
        throw NotFound(std::string(kind) + " " + row.id + " could not be found.");
}

/*
 * new_row_defaults: a new volume's, snapshot's or backup's project and user are the
 * caller's where the core left them empty; BadRequest ("A new <kind> needs an id.") without an id.
 */
template <class Row> void new_row_defaults(Row& row, const Context& ctx, const char* kind)
{
    if (row.id.empty())
        throw BadRequest(std::string("A new ") + kind + " needs an id.");
    if (row.project_id.empty())
        row.project_id = ctx.project_id;
    if (row.user_id.empty())
        row.user_id = ctx.user_id;
}

/* has_row: whether `table` has a row of id `id`, whoever owns it. */
bool has_row(Database& db, const char* table, const std::string& id);

/*
 * bind_creating: binds a new row's status, status_until and next_status, from `index` on: creating
 * until `build_seconds` have passed, then available (available at once when they are 0).
 */
void bind_creating(Statement& s, int index, int build_seconds);

/* delete_owned: delete row `id` of `table` and its bytes at `path`, as describe_owned finds it. */
void delete_owned(Database& db, const char* table, const char* kind, const std::string& id, const Context& ctx,
                  const std::string& path);

/* ListFilter: a filter a list takes: its key, how its value reads, and the condition, with one ? for the value. */
struct ListFilter {
    enum Kind { text, integer, boolean };
    const char* key;
    std::string condition;
    Kind kind = text;
};

/*
 * ListTable: how the rows of one kind of Block Storage record are queried:
 * `columns` FROM `from`, owned through `project`, named by `id`, made in the
 * order of `sequence`; `clocked` when its expressions read the time as ?1
 * (current_status: the columns then read it first). Lists filter on `filters`
 * and on a key of a JSON object column (`json_filters`: "metadata:" -> the
 * column), and sort by `sort_keys` (key -> expression) or else `default_sort`.
 */
struct ListTable {
    std::string columns;
    std::string from;
    std::string id;
    std::string project;
    std::string sequence;
    bool clocked;
    std::vector<ListFilter> filters;
    std::vector<std::pair<std::string, std::string>> json_filters;
    std::vector<std::pair<std::string, std::string>> sort_keys;
    std::vector<std::pair<std::string, bool>> default_sort;

    /* select: the query of the table's rows, to which a WHERE clause may be added. */
    std::string select() const { return "SELECT " + columns + " FROM " + from; }
    /* by_id: the WHERE clause of the row a caller names, if the caller sees it; bound by bind_by_id. */
    std::string by_id() const { return " WHERE " + id + " = ?2 AND (" + project + " = ?3 OR ?4)"; }
};

/* bind_by_id: binds the time (?1), `id` and what `ctx` sees to a query that ends in ListTable::by_id(). */
void bind_by_id(Statement& s, const Context& ctx, const std::string& id);

/*
 * row_find: `read` of the row of `table` named `id` as `ctx` sees it (its
 * project's; any for an admin), nullopt when there is none.
 */
template <class Read>
auto row_find(Database& db, const Context& ctx, const ListTable& table, const std::string& id, Read read)
    -> std::optional<decltype(read(std::declval<const Statement&>()))>
{
    Statement s(db, table.select() + table.by_id());
    bind_by_id(s, ctx, id);
    if (!s.step())
        return std::nullopt;
    return read(s);
}

/*
 * list_rows: the rows of `table` that `q` asks for, in order, each given to `read`:
 * the caller's project's (an admin's all_projects: every project's, or q.project_id's),
 * narrowed by q.filters, sorted by q.sort (else the table's default) and then by the
 * order they were made in, from the one after q.marker's row (keyset pagination: a page
 * costs a page however deep it is), q.offset skipped, at most q.limit (0: all).
 * Throws BadRequest for a filter or sort key the table has not ("Invalid filter keys:",
 * "Invalid sort key:") or a filter value that is not of its kind, NotFound for a marker
 * that names no row the caller sees.
 */
void list_rows(Database& db, const Context& ctx, const volume::ListQuery& q, const ListTable& table,
               const std::function<void(const Statement&)>& read);

} // namespace jumpgate::local
