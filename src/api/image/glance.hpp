// SPDX-License-Identifier: Apache-2.0
// What Glance's v1 and v2 views share: the value sets, the schemas, the v2 image view, and each version's binding
// table.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <jumpgate/driver/image.hpp>

namespace jumpgate::image {

/* view_v2: an image as Glance v2 shows it, properties at the top level (images.cpp). */
json view_v2(const Image& img);
/* check_owner: Forbidden unless `ctx` owns `img` or is an admin: what changing an image takes (images.cpp). */
void check_owner(const Context& ctx, const Image& img);
/*
 * accel_redirect: hand the download of `img` to the web server when [image]
 * accel_redirect names an internal location and `data` is the store's file
 * named after the image: an X-Accel-Redirect header to that location plus the
 * id, and an empty body (Content-Length 0: the web server sends the file with
 * its own length and ranges). Returns false, changing nothing, otherwise; the
 * caller then streams `data` itself (images.cpp).
 */
bool accel_redirect(const Request& req, Response& resp, const Image& img, const ImageData& data);
/* v2_bindings: every v2 request the core serves, with the operations it calls (images.cpp). */
std::span<const Binding<Driver>> v2_bindings();

} // namespace jumpgate::image

namespace jumpgate::api::glance {

bool is_uuid(std::string_view text);
bool valid_visibility(std::string_view v);
bool valid_disk_format(std::string_view v);
bool valid_container_format(std::string_view v);
/* valid_sort_key: a field both API versions sort on. */
bool valid_sort_key(std::string_view key);
/*
 * check_text: BadRequest naming `field` unless `value` is at most 255 bytes
 * with no control character: names, owners and properties, which v1 shows as
 * x-image-meta-* headers, where a CR or LF would start a header of its own.
 */
void check_text(std::string_view field, std::string_view value);

/* image_schema, images_schema, member_schema: /v2/schemas/... as JSON Schema (draft 4). */
json image_schema();
json images_schema();
json member_schema();

/* v1_bindings: every v1 request the core serves, with the operations it calls (v1.cpp). */
std::span<const Binding<image::Driver>> v1_bindings();

} // namespace jumpgate::api::glance
