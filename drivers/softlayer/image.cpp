// SPDX-License-Identifier: Apache-2.0
// SoftLayer images: the account's private image templates and the public ones, as Glance images.
#include <jumpgate/fault.hpp>

#include "guests.hpp"
#include "resources.hpp"

namespace jumpgate::softlayer {

const char* const kImageMask = "mask[id,accountId,name,globalIdentifier,createDate,publicFlag,status[keyName],"
                               "transaction[id],blockDevicesDiskSpaceTotal]";

namespace {

const char* const kTemplateService = "SoftLayer_Virtual_Guest_Block_Device_Template_Group";

NotFound no_image(const std::string& image_id)
{
    return NotFound("No image found with ID " + image_id);
}

} // namespace

image::Image image_of(const json& group)
{
    image::Image img;
    img.id = text_of(group, "globalIdentifier");
    if (group.contains("name") && group["name"].is_string())
        img.name = group["name"].get<std::string>();
    std::string status = text_of(member_of(group, "status"), "keyName");
    bool capturing = member_of(group, "transaction").is_object() || status == "CREATE_PENDING";
    img.status = capturing ? "saving" : status.empty() || status == "ACTIVE" ? "active" : "deactivated";
    img.visibility = whole(member_of(group, "publicFlag")) ? "public" : "private";
    img.owner = text_of(group, "accountId");
    // SoftLayer's templates are Xen disk images, started as they are.
    img.disk_format = "vhd";
    img.container_format = "bare";
    // The template's disks, in bytes, are what a server made from it needs at least.
    if (long long bytes = whole(member_of(group, "blockDevicesDiskSpaceTotal")); bytes > 0) {
        img.min_disk = (bytes + (1LL << 30) - 1) >> 30;
        if (!capturing)
            img.size = bytes;
    }
    img.created_at = time_of(text_of(group, "createDate")).value_or(0);
    img.updated_at = img.created_at;
    return img;
}

Images::Images(std::shared_ptr<const Client> client) : client_(std::move(client)) {}

std::vector<image::Image> Images::imageList(const Context& ctx, const image::ImageQuery& q) const
{
    // A visibility filter spares a call, unless the marker may be an image of the other kind.
    std::string visibility;
    for (const auto& [key, value] : q.filters)
        if (key == "visibility" && q.marker.empty())
            visibility = value;
    std::vector<image::Image> all;
    if (visibility.empty() || visibility == "private")
        for (const auto& g : client_->list(
                 ctx.credentials,
                 {.service = "SoftLayer_Account", .method = "getPrivateBlockDeviceTemplateGroups", .mask = kImageMask}))
            all.push_back(image_of(g));
    if (visibility.empty() || visibility == "public")
        for (const auto& g : client_->list(
                 ctx.credentials, {.service = kTemplateService, .method = "getPublicImages", .mask = kImageMask}))
            all.push_back(image_of(g));
    return image::select(q, std::move(all));
}

std::optional<json> Images::group(const Context& ctx, const std::string& image_id) const
{
    if (!uuid_like(image_id))
        return std::nullopt;
    json filter = {{"globalIdentifier", {{"operation", image_id}}}};
    // The account's own first: most images a user names are theirs.
    for (const Call& call :
         {Call{.service = "SoftLayer_Account",
         .method = "getPrivateBlockDeviceTemplateGroups",
         .mask = kImageMask,
         .filter = {{"privateBlockDeviceTemplateGroups", filter}}},
          Call{.service = kTemplateService, .method = "getPublicImages", .mask = kImageMask, .filter = filter}})
        for (const auto& g : client_->call(ctx.credentials, call))
            if (text_of(g, "globalIdentifier") == image_id)
                return g;
    return std::nullopt;
}

image::Image Images::imageGet(const Context& ctx, const std::string& image_id) const
{
    auto g = group(ctx, image_id);
    if (!g)
        throw no_image(image_id);
    return image_of(*g);
}

void Images::imageDelete(const Context& ctx, const std::string& image_id) const
{
    auto g = group(ctx, image_id);
    if (!g)
        throw no_image(image_id);
    if (whole(member_of(*g, "publicFlag")))
        throw Forbidden("You are not permitted to delete the public image " + image_id + ".");
    try {
        client_->call(ctx.credentials,
                      {.service = kTemplateService, .method = "deleteObject", .id = text_of(*g, "id")});
    } catch (const NotFound&) {
        throw no_image(image_id);
    }
}

} // namespace jumpgate::softlayer
