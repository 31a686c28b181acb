// SPDX-License-Identifier: Apache-2.0
// The local cloud's metadata definitions catalog: namespaces and what they hold, in SQLite.
#include "local.hpp"

#include <jumpgate/fault.hpp>

namespace jumpgate::local {

namespace {

using image::MdAssociation;
using image::MdDefinition;
using image::MdKind;
using image::MdNamespace;

const char* kind_text(MdKind kind)
{
    return kind == MdKind::object ? "object" : kind == MdKind::property ? "property" : "tag";
}

MdKind kind_of(const std::string& text)
{
    return text == "object" ? MdKind::object : text == "property" ? MdKind::property : MdKind::tag;
}

// What `ctx` may see: public namespaces, those of no one and those of its project; admins all.
constexpr const char* kVisible = "(? = 1 OR n.visibility = 'public' OR n.owner = '' OR n.owner = ?)";

void bind_visible(Statement& s, int first, const Context& ctx)
{
    s.bind(first, ctx.is_admin() ? 1LL : 0LL).bind(first + 1, ctx.project_id);
}

constexpr const char* kNamespaceColumns = "SELECT n.id, n.namespace, n.display_name, n.description, n.visibility, "
                                          "n.protected, n.owner, n.created_at, n.updated_at FROM metadef_namespaces n";

MdNamespace namespace_of(const Statement& s)
{
    MdNamespace ns;
    ns.name = s.text(1);
    ns.display_name = opt_text(s, 2);
    ns.description = opt_text(s, 3);
    ns.visibility = s.text(4);
    ns.is_protected = s.integer(5) != 0;
    ns.owner = s.text(6);
    ns.created_at = s.integer(7);
    ns.updated_at = s.integer(8);
    return ns;
}

std::vector<MdAssociation> associations_of(Database& db, long long id)
{
    Statement s(db, "SELECT resource_type, prefix, properties_target, created_at, updated_at "
                    "FROM metadef_associations WHERE namespace_id = ? ORDER BY created_at, resource_type");
    s.bind(1, id);
    std::vector<MdAssociation> out;
    while (s.step())
        out.push_back({s.text(0), opt_text(s, 1), opt_text(s, 2), s.integer(3), s.integer(4)});
    return out;
}

Conflict duplicate(const std::string& ns, const MdDefinition& def)
{
    if (def.kind == MdKind::tag)
        return Conflict("A metadata tag with name=" + def.name + " already exists in namespace=" + ns +
                        ". (Please note that metadata tag names are case insensitive).");
    return Conflict("A metadata definition " + std::string(kind_text(def.kind)) + " with name=" + def.name +
                    " already exists in namespace=" + ns + ".");
}

NotFound missing(const std::string& ns, MdKind kind, const std::string& name)
{
    if (kind == MdKind::tag)
        return NotFound("The metadata definition tag with name=" + name + " was not found in namespace=" + ns + ".");
    return NotFound("The metadata definition " + std::string(kind_text(kind)) + " with name=" + name +
                    " was not found in namespace=" + ns + ".");
}

} // namespace

long long Image::namespace_id(const Context& ctx, const std::string& name) const
{
    Statement s(*db_, std::string("SELECT n.id FROM metadef_namespaces n WHERE n.namespace = ? AND ") + kVisible);
    s.bind(1, name);
    bind_visible(s, 2, ctx);
    if (!s.step())
        throw NotFound("Metadata definition namespace=" + name + " was not found.");
    return s.integer(0);
}

std::vector<MdNamespace> Image::mdNamespaceList(const Context& ctx, const image::MdNamespaceQuery& q) const
{
    std::string sql = std::string(kNamespaceColumns) + " WHERE " + kVisible;
    std::vector<SqlValue> values = {ctx.is_admin() ? 1LL : 0LL, ctx.project_id};
    if (q.visibility) {
        sql += " AND n.visibility = ?";
        values.emplace_back(*q.visibility);
    }
    if (!q.resource_types.empty()) {
        json types = q.resource_types;
        sql += " AND EXISTS (SELECT 1 FROM metadef_associations a WHERE a.namespace_id = n.id AND a.resource_type IN "
               "(SELECT value FROM json_each(?)))";
        values.emplace_back(types.dump());
    }
    ReadTransaction read(*db_);
    std::vector<std::pair<long long, MdNamespace>> rows;
    {
        Statement s(*db_, sql + " ORDER BY n.created_at, n.id");
        bind_all(s, values);
        while (s.step())
            rows.emplace_back(s.integer(0), namespace_of(s));
    }
    std::vector<MdNamespace> out;
    for (auto& [id, ns] : rows) {
        ns.associations = associations_of(*db_, id);
        out.push_back(std::move(ns));
    }
    return out;
}

MdNamespace Image::mdNamespaceGet(const Context& ctx, const std::string& name) const
{
    ReadTransaction read(*db_);
    long long id = 0;
    MdNamespace ns;
    {
        Statement s(*db_, std::string(kNamespaceColumns) + " WHERE n.namespace = ? AND " + kVisible);
        s.bind(1, name);
        bind_visible(s, 2, ctx);
        if (!s.step())
            throw NotFound("Metadata definition namespace=" + name + " was not found.");
        id = s.integer(0);
        ns = namespace_of(s);
    }
    ns.associations = associations_of(*db_, id);
    Statement defs(*db_, "SELECT kind, name, body, created_at, updated_at FROM metadef_definitions "
                         "WHERE namespace_id = ? ORDER BY created_at, rowid");
    defs.bind(1, id);
    while (defs.step())
        ns.definitions.push_back(
            {kind_of(defs.text(0)), defs.text(1), json::parse(defs.text(2)), defs.integer(3), defs.integer(4)});
    return ns;
}

void Image::definition_insert(long long id, const std::string& ns, const MdDefinition& def) const
{
    Statement taken(*db_, "SELECT 1 FROM metadef_definitions WHERE namespace_id = ? AND kind = ? AND name = ?");
    taken.bind(1, id).bind(2, kind_text(def.kind)).bind(3, def.name);
    if (taken.step())
        throw duplicate(ns, def);
    Statement s(*db_, "INSERT INTO metadef_definitions (namespace_id, kind, name, body, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)");
    s.bind(1, id).bind(2, kind_text(def.kind)).bind(3, def.name).bind(4, def.body.dump());
    s.bind(5, static_cast<long long>(def.created_at)).bind(6, static_cast<long long>(def.updated_at));
    s.step();
}

void Image::association_insert(long long id, const std::string& ns, const MdAssociation& a) const
{
    Statement taken(*db_, "SELECT 1 FROM metadef_associations WHERE namespace_id = ? AND resource_type = ?");
    taken.bind(1, id).bind(2, a.name);
    if (taken.step())
        throw Conflict("The metadata definition resource-type association of resource-type=" + a.name +
                       " to namespace=" + ns + " already exists.");
    // As Glance, a resource type is recorded the first time a namespace names it.
    Statement type(*db_, "INSERT INTO metadef_resource_types (name, created_at, updated_at) VALUES (?, ?, ?) "
                         "ON CONFLICT (name) DO NOTHING");
    type.bind(1, a.name).bind(2, static_cast<long long>(a.created_at)).bind(3, static_cast<long long>(a.created_at));
    type.step();
    Statement s(*db_, "INSERT INTO metadef_associations (namespace_id, resource_type, prefix, properties_target, "
                      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
    s.bind(1, id).bind(2, a.name);
    bind_opt(s, 3, a.prefix);
    bind_opt(s, 4, a.properties_target);
    s.bind(5, static_cast<long long>(a.created_at)).bind(6, static_cast<long long>(a.updated_at));
    s.step();
}

MdNamespace Image::mdNamespaceCreate(const Context& ctx, const MdNamespace& ns) const
{
    {
        Transaction tx(*db_);
        Statement taken(*db_, "SELECT 1 FROM metadef_namespaces WHERE namespace = ?");
        taken.bind(1, ns.name);
        if (taken.step())
            throw Conflict("The metadata definition namespace=" + ns.name + " already exists.");
        Statement s(*db_, "INSERT INTO metadef_namespaces (namespace, display_name, description, visibility, "
                          "protected, owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, ns.name);
        bind_opt(s, 2, ns.display_name);
        bind_opt(s, 3, ns.description);
        s.bind(4, ns.visibility).bind(5, ns.is_protected ? 1LL : 0LL).bind(6, ns.owner);
        s.bind(7, static_cast<long long>(ns.created_at)).bind(8, static_cast<long long>(ns.updated_at));
        s.step();
        long long id = sqlite3_last_insert_rowid(db_->handle());
        for (const auto& a : ns.associations)
            association_insert(id, ns.name, a);
        for (const auto& d : ns.definitions)
            definition_insert(id, ns.name, d);
        tx.commit();
    }
    Context admin = ctx;
    admin.roles.push_back("admin"); // the namespace was made for an owner that may not be ctx's project
    return mdNamespaceGet(admin, ns.name);
}

MdNamespace Image::mdNamespaceUpdate(const Context& ctx, const std::string& name, const MdNamespace& ns) const
{
    {
        Transaction tx(*db_);
        long long id = namespace_id(ctx, name);
        if (ns.name != name) {
            Statement taken(*db_, "SELECT 1 FROM metadef_namespaces WHERE namespace = ?");
            taken.bind(1, ns.name);
            if (taken.step())
                throw Conflict("The metadata definition namespace=" + ns.name + " already exists.");
        }
        Statement s(*db_, "UPDATE metadef_namespaces SET namespace = ?, display_name = ?, description = ?, "
                          "visibility = ?, protected = ?, owner = ?, updated_at = ? WHERE id = ?");
        s.bind(1, ns.name);
        bind_opt(s, 2, ns.display_name);
        bind_opt(s, 3, ns.description);
        s.bind(4, ns.visibility).bind(5, ns.is_protected ? 1LL : 0LL).bind(6, ns.owner);
        s.bind(7, static_cast<long long>(ns.updated_at)).bind(8, id);
        s.step();
        tx.commit();
    }
    Context admin = ctx;
    admin.roles.push_back("admin"); // a new owner or visibility may hide it from ctx's project
    return mdNamespaceGet(admin, ns.name);
}

void Image::mdNamespaceDelete(const Context& ctx, const std::string& name) const
{
    Transaction tx(*db_);
    Statement s(*db_, "DELETE FROM metadef_namespaces WHERE id = ?");
    s.bind(1, namespace_id(ctx, name));
    s.step();
    tx.commit();
}

MdDefinition Image::mdDefinitionCreate(const Context& ctx, const std::string& ns, const MdDefinition& def) const
{
    Transaction tx(*db_);
    definition_insert(namespace_id(ctx, ns), ns, def);
    tx.commit();
    return def;
}

MdDefinition Image::mdDefinitionUpdate(const Context& ctx, const std::string& ns, const std::string& name,
                                       const MdDefinition& def) const
{
    Transaction tx(*db_);
    long long id = namespace_id(ctx, ns);
    Statement old(*db_, "SELECT created_at FROM metadef_definitions WHERE namespace_id = ? AND kind = ? AND name = ?");
    old.bind(1, id).bind(2, kind_text(def.kind)).bind(3, name);
    if (!old.step())
        throw missing(ns, def.kind, name);
    MdDefinition kept = def;
    kept.created_at = old.integer(0);
    // A rename may only change the case of the name, which is still its own.
    if (def.name != name) {
        Statement taken(*db_, "SELECT 1 FROM metadef_definitions WHERE namespace_id = ? AND kind = ? AND name = ? "
                              "AND name <> ?");
        taken.bind(1, id).bind(2, kind_text(def.kind)).bind(3, def.name).bind(4, name);
        if (taken.step())
            throw duplicate(ns, def);
    }
    Statement s(*db_, "UPDATE metadef_definitions SET name = ?, body = ?, updated_at = ? "
                      "WHERE namespace_id = ? AND kind = ? AND name = ?");
    s.bind(1, def.name).bind(2, def.body.dump()).bind(3, static_cast<long long>(def.updated_at));
    s.bind(4, id).bind(5, kind_text(def.kind)).bind(6, name);
    s.step();
    tx.commit();
    return kept;
}

void Image::mdDefinitionDelete(const Context& ctx, const std::string& ns, MdKind kind, const std::string& name) const
{
    Transaction tx(*db_);
    Statement s(*db_, "DELETE FROM metadef_definitions WHERE namespace_id = ? AND kind = ? AND name = ?");
    s.bind(1, namespace_id(ctx, ns)).bind(2, kind_text(kind)).bind(3, name);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw missing(ns, kind, name);
    tx.commit();
}

void Image::mdDefinitionsReplace(const Context& ctx, const std::string& ns, MdKind kind,
                                 const std::vector<MdDefinition>& defs) const
{
    Transaction tx(*db_);
    long long id = namespace_id(ctx, ns);
    Statement clear(*db_, "DELETE FROM metadef_definitions WHERE namespace_id = ? AND kind = ?");
    clear.bind(1, id).bind(2, kind_text(kind));
    clear.step();
    for (const auto& d : defs)
        definition_insert(id, ns, d);
    tx.commit();
}

MdAssociation Image::mdAssociationCreate(const Context& ctx, const std::string& ns, const MdAssociation& assoc) const
{
    Transaction tx(*db_);
    association_insert(namespace_id(ctx, ns), ns, assoc);
    tx.commit();
    return assoc;
}

void Image::mdAssociationDelete(const Context& ctx, const std::string& ns, const std::string& type) const
{
    Transaction tx(*db_);
    Statement s(*db_, "DELETE FROM metadef_associations WHERE namespace_id = ? AND resource_type = ?");
    s.bind(1, namespace_id(ctx, ns)).bind(2, type);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Failed to find resource type " + type + " to delete");
    tx.commit();
}

std::vector<image::MdResourceType> Image::mdResourceTypeList(const Context&) const
{
    Statement s(*db_, "SELECT name, created_at, updated_at FROM metadef_resource_types ORDER BY name");
    std::vector<image::MdResourceType> out;
    while (s.step())
        out.push_back({s.text(0), s.integer(1), s.integer(2)});
    return out;
}

} // namespace jumpgate::local
