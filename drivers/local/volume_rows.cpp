// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage in SQL: statuses by the clock, owned rows, and the one way its lists are queried.
#include "volume_rows.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace jumpgate::local {

namespace {

/* A sort key of a list: its SQL expression, its direction and, with a marker, the marker's value of it. */
struct SortKey {
    std::string expr;
    bool ascending;
    SqlValue marker = 0LL;
};

std::string filter_condition(const ListTable& table, const std::string& key, const std::string& value,
                             std::vector<SqlValue>& values)
{
    for (const auto& [prefix, column] : table.json_filters)
        if (key.rfind(prefix, 0) == 0) {
            values.emplace_back(key.substr(prefix.size()));
            values.emplace_back(value);
            return " AND EXISTS (SELECT 1 FROM json_each(" + column + ") m WHERE m.key = ? AND m.value = ?)";
        }
    for (const auto& filter : table.filters)
        if (key == filter.key) {
            if (filter.kind == ListFilter::boolean)
                values.emplace_back(volume::filter_bool(key, value) ? 1LL : 0LL);
            else if (filter.kind == ListFilter::integer)
                values.emplace_back(volume::filter_integer(key, value));
            else
                values.emplace_back(value);
            return " AND " + filter.condition;
        }
    throw BadRequest("Invalid filter keys: " + key);
}

std::string sort_expr(const ListTable& table, const std::string& key)
{
    for (const auto& [name, expr] : table.sort_keys)
        if (key == name)
            return expr;
    throw BadRequest("Invalid sort key: " + key);
}

/* marker_values: the values of `keys` in the row `marker` names, as the caller sees it. */
void marker_values(Database& db, const Context& ctx, const ListTable& table, const std::string& marker,
                   std::vector<SortKey>& keys)
{
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < keys.size(); ++i)
        sql += (i ? ", " : "") + keys[i].expr;
    Statement m(db, sql + " FROM " + table.from + table.by_id());
    bind_by_id(m, ctx, marker);
    if (!m.step())
        throw NotFound("Marker " + marker + " could not be found.");
    for (std::size_t i = 0; i < keys.size(); ++i)
        keys[i].marker = m.value(static_cast<int>(i));
}

/*
 * The condition for the rows after the marker in the order of `keys`
 * (keyset pagination: a page costs a page however deep it is), appending
 * the values it binds.
 */
std::string after_marker(const std::vector<SortKey>& keys, std::vector<SqlValue>& values)
{
    std::string sql = " AND (";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        sql += i ? " OR (" : "(";
        for (std::size_t j = 0; j < i; ++j) {
            sql += keys[j].expr + " = ? AND ";
            values.push_back(keys[j].marker);
        }
        sql += keys[i].expr + (keys[i].ascending ? " > ?" : " < ?") + ")";
        values.push_back(keys[i].marker);
    }
    return sql + ")";
}

std::string order_by(const std::vector<SortKey>& keys)
{
    std::string sql = " ORDER BY ";
    for (std::size_t i = 0; i < keys.size(); ++i)
        sql += (i ? ", " : "") + keys[i].expr + (keys[i].ascending ? " ASC" : " DESC");
    return sql;
}

} // namespace

std::string current_status(const char* alias)
{
    std::string a(alias);
    return "(CASE WHEN " + a + ".next_status IS NOT NULL AND " + a + ".status_until <= ?1 THEN " + a +
           ".next_status ELSE " + a + ".status END)";
}

std::string current_updated(const char* alias)
{
    std::string a(alias);
    return "(CASE WHEN " + a + ".next_status IS NOT NULL AND " + a + ".status_until <= ?1 THEN MAX(" + a +
           ".updated_at, " + a + ".status_until) ELSE " + a + ".updated_at END)";
}

std::vector<std::pair<std::string, std::string>>
clocked_sort_keys(const char* alias, std::initializer_list<const char*> plain,
                  std::initializer_list<std::pair<std::string, std::string>> others)
{
    const std::string a(alias);
    std::vector<std::pair<std::string, std::string>> keys;
    for (const char* column : plain)
        keys.emplace_back(column, a + "." + column);
    keys.emplace_back("name", "COALESCE(" + a + ".name, '')");
    keys.emplace_back("display_name", "COALESCE(" + a + ".name, '')");
    keys.emplace_back("status", current_status(alias));
    keys.emplace_back("updated_at", current_updated(alias));
    keys.insert(keys.end(), others.begin(), others.end());
    return keys;
}

std::map<std::string, std::string> string_map(const std::string& text)
{
    return json::parse(text).get<std::map<std::string, std::string>>();
}

void bind_by_id(Statement& s, const Context& ctx, const std::string& id)
{
    // Numbered parameters: the time is ?1 whether or not the query reads it.
    s.bind(1, static_cast<long long>(unix_now())).bind(2, id).bind(3, ctx.project_id);
    s.bind(4, ctx.is_admin() ? 1LL : 0LL);
}

bool has_row(Database& db, const char* table, const std::string& id)
{
    Statement s(db, std::string("SELECT 1 FROM ") + table + " WHERE id = ?");
    s.bind(1, id);
    return s.step();
}

void bind_creating(Statement& s, int index, int build_seconds)
{
    bool at_once = build_seconds <= 0;
    s.bind(index, at_once ? "available" : "creating");
    s.bind(index + 1, static_cast<long long>(at_once ? 0 : ready_at(build_seconds)));
    if (at_once)
        s.bind_null(index + 2);
    else
        s.bind(index + 2, "available");
}

void delete_owned(Database& db, const char* table, const char* kind, const std::string& id, const Context& ctx,
                  const std::string& path)
{
    Statement s(db, std::string("DELETE FROM ") + table + " WHERE id = ? AND (project_id = ? OR ?)");
    s.bind(1, id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
    s.step();
    if (sqlite3_changes(db.handle()) == 0)
        throw NotFound(std::string(kind) + " " + id + " could not be found.");
    unlink(path.c_str());
}

void list_rows(Database& db, const Context& ctx, const volume::ListQuery& q, const ListTable& table,
               const std::function<void(const Statement&)>& read)
{
    std::vector<SqlValue> values;
    if (table.clocked)
        values.emplace_back(static_cast<long long>(unix_now()));
    std::string where = " WHERE 1";
    if (!q.all_projects || !ctx.is_admin()) {
        where += " AND " + table.project + " = ?";
        values.emplace_back(ctx.project_id);
    } else if (q.project_id) {
        where += " AND " + table.project + " = ?";
        values.emplace_back(*q.project_id);
    }
    for (const auto& [key, value] : q.filters)
        where += filter_condition(table, key, value, values);
    std::vector<SortKey> keys;
    for (const auto& [key, ascending] : q.sort.empty() ? table.default_sort : q.sort)
        keys.push_back({sort_expr(table, key), ascending});
    // Rows made in the same second keep the order they were made in: the sequence grows with each.
    keys.push_back({table.sequence, keys.empty() ? false : keys.back().ascending});
    if (!q.marker.empty()) {
        marker_values(db, ctx, table, q.marker, keys);
        where += after_marker(keys, values);
    }
    values.emplace_back(q.limit ? static_cast<long long>(q.limit) : -1LL);
    values.emplace_back(static_cast<long long>(q.offset));
    Statement s(db, table.select() + where + order_by(keys) + " LIMIT ? OFFSET ?");
    bind_all(s, values);
    while (s.step())
        read(s);
}

} // namespace jumpgate::local
