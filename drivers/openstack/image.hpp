// SPDX-License-Identifier: Apache-2.0
// Glance v2 as the openstack driver's Image service writes and reads it: records, JSON patches, list queries, faults.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <jumpgate/driver/image.hpp>

#include "service.hpp"

namespace jumpgate::openstack {

/*
 * image_of: an image of Glance v2 (its JSON record) as image::Image: times in Unix seconds,
 * os_hidden a property ("true") when set, every key that is not Glance's own a property (a value
 * that is not a string as its JSON text). Throws ServiceUnavailable when `v2` is no image record.
 */
image::Image image_of(const json& v2);

/* member_of: a member of Glance v2 (its JSON record) as image::Member; Glance v2 has no can_share. */
image::Member member_of(const json& v2);

/*
 * create_body: the body of POST /v2/images that records `img` with its id, as project
 * `project_id` (the owner goes only when it is another project: an admin's choice).
 * Throws BadRequest for a property named as one of Glance v2's own attributes.
 */
json create_body(const image::Image& img, const std::string& project_id);

/*
 * json_patch: the changes (application/openstack-images-v2.1-json-patch) that make the
 * upstream's `current` record into `wanted`: a replace for each attribute that differs (tags
 * whole), an add, replace or remove for each property. What Glance alone sets (status, size,
 * checksums, times) is not the patch's. Throws BadRequest as create_body does.
 */
json json_patch(const image::Image& current, const image::Image& wanted);

/*
 * ListPlan: how imageList asks Glance v2 for `q`. `params` is the query of GET /v2/images:
 * what Glance filters on exactly (a value it would read as an operator, "in:a,b", is left out),
 * the sort when Glance sorts on every key, and the page when `paged`. Then `local` (the whole
 * query but "member", whose sort ends with created_at and id as Glance's does) is applied to
 * what comes back with image::select: it keeps what Glance could not filter, and its order is
 * Glance's. Paged, the upstream's pages answer the query (its marker and limit); otherwise every
 * page is read and `local` pages too. `member`: keep only images that project is a member of.
 */
struct ListPlan {
    std::vector<std::pair<std::string, std::string>> params;
    bool paged = false;
    image::ImageQuery local;
    std::optional<std::string> member;
};
ListPlan list_plan(const image::ImageQuery& q);

} // namespace jumpgate::openstack
