// SPDX-License-Identifier: Apache-2.0
// Glance v2's metadata definitions catalog: its schemas, the namespace a body describes, and its binding table.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <jumpgate/driver/image.hpp>

namespace jumpgate::image {

/*
 * metadef_schema: /v2/schemas/metadefs/<which> (namespace, namespaces, object,
 * objects, property, properties, tag, tags, resource_type, resource_types) as
 * JSON Schema, the bodies' checks included (metadef_schemas.cpp). Throws
 * std::invalid_argument for another name.
 */
json metadef_schema(std::string_view which);

/*
 * namespace_from_json: the namespace a body of POST /v2/metadefs/namespaces
 * describes (a file of Glance's seed catalog is one), with its associations,
 * objects, properties and tags, made at `now`; its owner is the body's, or
 * `owner`. Throws Forbidden for a read-only attribute and BadRequest, with
 * Glance's message, for a body its schema refuses.
 */
MdNamespace namespace_from_json(const json& body, const std::string& owner, std::int64_t now);

/* metadef_bindings: every metadefs request the core serves, with the operations it calls (metadefs.cpp). */
std::span<const Binding<Driver>> metadef_bindings();

} // namespace jumpgate::image
