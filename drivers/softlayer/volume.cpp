// SPDX-License-Identifier: Apache-2.0
// SoftLayer block storage: portable storage volumes as Cinder volumes, ordered, cancelled, attached to guests.
#include <algorithm>

#include <jumpgate/fault.hpp>

#include "guests.hpp"
#include "resources.hpp"

namespace jumpgate::softlayer {

const char* const kDiskMask = "mask[id,name,description,capacity,createDate,modifyDate,storageRepository[datacenter["
                              "name]],blockDevices[id,device,guestId,createDate],billingItem[id]]";

namespace {

const char* const kOrderPrefix = "order-";
const char* const kOrderMask =
    "mask[id,createDate,status,items[id,categoryCode,description,billingItem[id,resourceTableId]]]";
const char* const kOrderItemMask = "mask[id,categoryCode,description,billingItem[id,resourceTableId]]";

NotFound no_volume(const std::string& volume_id)
{
    return NotFound("Volume " + volume_id + " could not be found.");
}

// Whether an order's top level item is a portable storage disk (its category in the API, or the disk's own).
bool storage_item_of_order(const json& item)
{
    std::string category = text_of(item, "categoryCode");
    return category == "portable_storage" || category.rfind("guest_disk", 0) == 0;
}

// The GiB of an order item described as SoftLayer's catalogue names its disks ("50 GB (SAN)").
long long described_capacity(const json& item)
{
    std::string description = text_of(item, "description");
    std::size_t digits = description.find_first_not_of("0123456789");
    return digits == 0 ? 0 : whole(json(description.substr(0, digits)));
}

} // namespace

std::string device_name(const std::string& device)
{
    long long n = whole(json(device));
    if (device.empty() || n < 0 || n >= 26)
        return device;
    return std::string("/dev/xvd") + static_cast<char>('a' + n);
}

volume::VolumeType portable_type()
{
    // A fixed id, as Cinder's are UUIDs: SoftLayer has this one kind of portable disk.
    return {.id = "4c0f3a52-9d6e-4b1a-8f27-5e3d2c1b0a91",
            .name = "SAN",
            .description = "SoftLayer portable storage (SAN)",
            .is_public = true,
            .is_default = true};
}

volume::Volume volume_of(const json& disk, const std::string& project_id)
{
    volume::Volume v;
    v.id = text_of(disk, "id");
    if (disk.contains("name") && disk["name"].is_string())
        v.name = disk["name"].get<std::string>();
    if (disk.contains("description") && disk["description"].is_string())
        v.description = disk["description"].get<std::string>();
    v.project_id = project_id;
    v.size = whole(member_of(disk, "capacity"));
    volume::VolumeType type = portable_type();
    v.volume_type = type.name;
    v.volume_type_id = type.id;
    v.availability_zone = text_of(member_of(member_of(disk, "storageRepository"), "datacenter"), "name");
    for (const auto& d : member_of(disk, "blockDevices")) {
        volume::Attachment a;
        a.id = text_of(d, "id");
        a.volume_id = v.id;
        a.server_id = text_of(d, "guestId");
        a.device = device_name(text_of(d, "device"));
        a.attached_at = time_of(text_of(d, "createDate")).value_or(0);
        v.attachments.push_back(std::move(a));
    }
    v.status = v.attachments.empty() ? "available" : "in-use";
    v.created_at = time_of(text_of(disk, "createDate")).value_or(0);
    v.updated_at = time_of(text_of(disk, "modifyDate")).value_or(v.created_at);
    return v;
}

volume::Volume ordered_volume_of(const json& order, long long capacity, const std::string& project_id)
{
    volume::Volume v;
    v.id = kOrderPrefix + text_of(order, "id");
    v.project_id = project_id;
    v.size = capacity;
    volume::VolumeType type = portable_type();
    v.volume_type = type.name;
    v.volume_type_id = type.id;
    v.availability_zone = "";
    v.status = "creating";
    v.created_at = time_of(text_of(order, "createDate")).value_or(0);
    v.updated_at = v.created_at;
    return v;
}

std::optional<json> storage_item(const json& items, long long size)
{
    std::optional<json> best;
    for (const auto& item : items) {
        long long capacity = whole(member_of(item, "capacity"));
        if (capacity < size || !member_of(item, "prices").is_array() || member_of(item, "prices").empty())
            continue;
        if (!best || capacity < whole((*best)["capacity"]))
            best = item;
    }
    return best;
}

json storage_order(long long package_id, long long price_id, const std::string& zone, const std::string& name)
{
    return {{"complexType", "SoftLayer_Container_Product_Order_Virtual_Disk_Image"},
            {"packageId", package_id},
            {"location", zone},
            {"quantity", 1},
            {"prices", json::array({{{"id", price_id}}})},
            {"diskDescription", name}};
}

Volumes::Volumes(std::shared_ptr<const Client> client, std::string default_zone)
    : client_(std::move(client)), default_zone_(std::move(default_zone))
{
}

std::vector<volume::Volume> Volumes::volumes(const Context& ctx) const
{
    std::vector<volume::Volume> all;
    for (const auto& d :
         client_->list(ctx.credentials,
                       {.service = "SoftLayer_Account", .method = "getPortableStorageVolumes", .mask = kDiskMask}))
        all.push_back(volume_of(d, ctx.project_id));
    // Orders SoftLayer is still filling are the volumes being created.
    for (const auto& o :
         client_->call(ctx.credentials, {.service = "SoftLayer_Account",
                                        .method = "getOrders",
                                        .mask = kOrderMask,
                                        .filter = {{"orders", {{"status", {{"operation", "PENDING"}}}}}}}))
        for (const auto& item : member_of(o, "items"))
            if (storage_item_of_order(item) && text_of(member_of(item, "billingItem"), "resourceTableId").empty()) {
                all.push_back(ordered_volume_of(o, described_capacity(item), ctx.project_id));
                break;
            }
    return all;
}

std::vector<volume::Volume> Volumes::volumeList(const Context& ctx, const volume::ListQuery& q) const
{
    return volume::select(ctx, q, volumes(ctx));
}

volume::Volume Volumes::volumeGet(const Context& ctx, const std::string& volume_id) const
{
    if (volume_id.rfind(kOrderPrefix, 0) == 0) {
        std::string order_id = volume_id.substr(std::string_view(kOrderPrefix).size());
        if (!object_id(order_id))
            throw no_volume(volume_id);
        json order, items;
        try {
            order = client_->call(ctx.credentials, {.service = "SoftLayer_Billing_Order",
                                                    .method = "getObject",
                                                    .id = order_id,
                                                    .mask = "mask[id,createDate,status]"});
            items = client_->call(ctx.credentials, {.service = "SoftLayer_Billing_Order",
                                                    .method = "getOrderTopLevelItems",
                                                    .id = order_id,
                                                    .mask = kOrderItemMask});
        } catch (const NotFound&) {
            throw no_volume(volume_id);
        } catch (const Forbidden&) {
            throw no_volume(volume_id);
        }
        for (const auto& item : items) {
            if (!storage_item_of_order(item))
                continue;
            // Once made, the order's volume is the disk it made.
            std::string made = text_of(member_of(item, "billingItem"), "resourceTableId");
            if (!made.empty())
                return volumeGet(ctx, made);
            return ordered_volume_of(order, described_capacity(item), ctx.project_id);
        }
        throw no_volume(volume_id);
    }
    if (!object_id(volume_id))
        throw no_volume(volume_id);
    json found = client_->call(
        ctx.credentials, {.service = "SoftLayer_Account",
                          .method = "getPortableStorageVolumes",
                          .mask = kDiskMask,
                          .filter = {{"portableStorageVolumes", {{"id", {{"operation", std::stoll(volume_id)}}}}}}});
    for (const auto& d : found)
        if (text_of(d, "id") == volume_id)
            return volume_of(d, ctx.project_id);
    throw no_volume(volume_id);
}

volume::Volume Volumes::volumeCreate(const Context& ctx, const volume::Volume& v) const
{
    if (v.snapshot_id || v.source_volid || v.image_id)
        throw BadRequest("Invalid input received: SoftLayer portable storage starts empty; it cannot be made from a "
                         "snapshot, another volume or an image.");
    if (v.multiattach)
        throw BadRequest("Invalid input received: SoftLayer portable storage attaches to one guest at a time.");
    if (!v.metadata.empty())
        throw BadRequest("Invalid input received: SoftLayer portable storage keeps no metadata.");
    std::string zone = v.availability_zone == "nova" ? default_zone_ : v.availability_zone;
    if (zone.empty())
        throw BadRequest("Invalid input received: SoftLayer needs a datacenter for the volume; name one of the "
                         "availability zones.");
    json packages = client_->call(ctx.credentials, {.service = "SoftLayer_Product_Package",
                                                    .method = "getAllObjects",
                                                    .mask = "mask[id,name,isActive]",
                                                    .filter = {{"name", {{"operation", "Portable Storage"}}}}});
    const json* package = nullptr;
    for (const auto& p : packages)
        if (text_of(p, "name") == "Portable Storage" && whole(member_of(p, "isActive")))
            package = &p;
    if (!package)
        throw ServiceUnavailable("The cloud behind this service offers no portable storage now.");
    std::string package_id = text_of(*package, "id");
    json items = client_->call(ctx.credentials, {.service = "SoftLayer_Product_Package",
                                                 .method = "getItems",
                                                 .id = package_id,
                                                 .mask = "mask[id,capacity,description,prices[id]]"});
    auto item = storage_item(items, v.size);
    if (!item)
        throw BadRequest("Invalid input received: SoftLayer has no portable storage of " + std::to_string(v.size) +
                         " GB or more.");
    json order =
        storage_order(std::stoll(package_id), (*item)["prices"][0]["id"].get<long long>(), zone, v.name.value_or(""));
    client_->call(ctx.credentials,
                  {.service = "SoftLayer_Product_Order", .method = "verifyOrder", .parameters = json::array({order})});
    json placed = client_->call(
        ctx.credentials,
        {.service = "SoftLayer_Product_Order", .method = "placeOrder", .parameters = json::array({order})});
    if (!placed.is_object() || text_of(placed, "orderId").empty())
        throw ServiceUnavailable("The cloud behind this service answered an order without its number.");
    volume::Volume made = volumeGet(ctx, kOrderPrefix + text_of(placed, "orderId"));
    if (made.status == "creating") {
        // SoftLayer forgets the name until the disk exists; the caller sees the one it gave.
        made.name = v.name;
        made.availability_zone = zone;
    }
    return made;
}

void Volumes::volumeDelete(const Context& ctx, const std::string& volume_id) const
{
    if (!object_id(volume_id))
        throw no_volume(volume_id);
    json found = client_->call(
        ctx.credentials, {.service = "SoftLayer_Account",
                          .method = "getPortableStorageVolumes",
                          .mask = "mask[id,billingItem[id]]",
                          .filter = {{"portableStorageVolumes", {{"id", {{"operation", std::stoll(volume_id)}}}}}}});
    for (const auto& d : found) {
        if (text_of(d, "id") != volume_id)
            continue;
        std::string billing_item = text_of(member_of(d, "billingItem"), "id");
        if (billing_item.empty())
            throw Conflict("Volume " + volume_id + " has no SoftLayer billing item to cancel; it cannot be deleted.",
                           "conflictingRequest");
        client_->call(ctx.credentials, {.service = "SoftLayer_Billing_Item",
                                        .method = "cancelItem",
                                        .id = billing_item,
                                        .parameters = json::array({true, true, "Deleted through OpenStack", ""})});
        return;
    }
    throw no_volume(volume_id);
}

volume::Attachment Volumes::volumeAttach(const Context& ctx, const std::string& volume_id,
                                         const volume::Attachment& attachment) const
{
    volume::Volume v = volumeGet(ctx, volume_id);
    if (v.status != "available")
        throw Conflict("Invalid volume: volume " + volume_id + " status must be 'available'. Currently in '" +
                           v.status + "'",
                       "conflictingRequest");
    if (!object_id(attachment.server_id))
        throw NotFound("Instance " + attachment.server_id + " could not be found.");
    try {
        client_->call(ctx.credentials, {.service = "SoftLayer_Virtual_Guest",
                                        .method = "attachDiskImage",
                                        .id = attachment.server_id,
                                        .parameters = json::array({std::stoll(v.id)})});
    } catch (const Forbidden&) {
        throw NotFound("Instance " + attachment.server_id + " could not be found.");
    }
    for (const auto& a : volumeGet(ctx, v.id).attachments)
        if (a.server_id == attachment.server_id)
            return a;
    // SoftLayer attaches in a transaction of its own: until it ends, the attachment is what was asked.
    volume::Attachment asked = attachment;
    asked.volume_id = v.id;
    asked.status = "attaching";
    return asked;
}

void Volumes::volumeDetach(const Context& ctx, const std::string& volume_id, const std::string& attachment_id) const
{
    volume::Volume v = volumeGet(ctx, volume_id);
    for (const auto& a : v.attachments)
        if (a.id == attachment_id) {
            client_->call(ctx.credentials, {.service = "SoftLayer_Virtual_Guest",
                                            .method = "detachDiskImage",
                                            .id = a.server_id,
                                            .parameters = json::array({std::stoll(v.id)})});
            return;
        }
    throw NotFound("Attachment " + attachment_id + " could not be found.");
}

std::vector<volume::Snapshot> Volumes::snapshotList(const Context&, const volume::ListQuery&) const
{
    return {}; // SoftLayer keeps no snapshots of portable storage
}

volume::Snapshot Volumes::snapshotGet(const Context&, const std::string& snapshot_id) const
{
    throw NotFound("Snapshot " + snapshot_id + " could not be found.");
}

void Volumes::snapshotDelete(const Context&, const std::string& snapshot_id) const
{
    throw NotFound("Snapshot " + snapshot_id + " could not be found.");
}

std::vector<volume::VolumeType> Volumes::typeList(const Context&) const
{
    return {portable_type()};
}

volume::VolumeType Volumes::typeGet(const Context&, const std::string& id_or_name) const
{
    volume::VolumeType t = portable_type();
    if (id_or_name != t.id && id_or_name != t.name)
        throw NotFound("Volume type with name or id " + id_or_name + " could not be found.");
    return t;
}

volume::QuotaSet Volumes::quotaGet(const Context&, const std::string&) const
{
    // SoftLayer shows no limit on an account's portable storage: an order over what the account may have is
    // refused when it is placed, with SoftLayer's reason.
    return {{"volumes", -1}, {"gigabytes", -1},        {"snapshots", -1},
            {"backups", -1}, {"backup_gigabytes", -1}, {"per_volume_gigabytes", -1},
            {"groups", -1}};
}

volume::QuotaSet Volumes::quotaUsage(const Context& ctx, const std::string&) const
{
    long long gigabytes = 0;
    auto all = volumes(ctx);
    for (const auto& v : all)
        gigabytes += v.size;
    return {{"volumes", static_cast<long long>(all.size())}, {"gigabytes", gigabytes}};
}

std::vector<std::pair<std::string, bool>> Volumes::availabilityZoneList(const Context& ctx) const
{
    std::vector<std::pair<std::string, bool>> zones;
    for (const auto& dc : client_->call(
             ctx.credentials,
             {.service = "SoftLayer_Location_Datacenter", .method = "getDatacenters", .mask = "mask[id,name]"}))
        if (!text_of(dc, "name").empty())
            zones.emplace_back(text_of(dc, "name"), true);
    std::sort(zones.begin(), zones.end());
    return zones;
}

} // namespace jumpgate::softlayer
