// SPDX-License-Identifier: Apache-2.0
// The SoftLayer driver's images, block storage and networks: the services, and the mappings of SoftLayer's objects.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <jumpgate/driver/image.hpp>
#include <jumpgate/driver/network.hpp>
#include <jumpgate/driver/volume.hpp>

#include "client.hpp"

namespace jumpgate::softlayer {

/* kImageMask: what an image template is read with: everything image_of() looks at. */
extern const char* const kImageMask;

/*
 * image_of: the Glance image of a SoftLayer image template (a block device template
 * group): its global identifier is the id, public templates are public and the
 * account's private, a template still being captured is saving.
 */
image::Image image_of(const json& group);

/*
 * Images: the account's private image templates and SoftLayer's public ones. They are
 * listed, shown and deleted (the account's own); SoftLayer takes no image bytes, so
 * nothing is uploaded or downloaded.
 */
class Images : public image::Driver {
  public:
    explicit Images(std::shared_ptr<const Client> client);

    std::vector<image::Image> imageList(const Context& ctx, const image::ImageQuery& q) const override;
    image::Image imageGet(const Context& ctx, const std::string& image_id) const override;
    void imageDelete(const Context& ctx, const std::string& image_id) const override;

  private:
    std::optional<json> group(const Context& ctx, const std::string& image_id) const;
    std::shared_ptr<const Client> client_;
};

/* kDiskMask: what a portable storage volume is read with: everything volume_of() looks at. */
extern const char* const kDiskMask;
/* kVolumeType: the one volume type, SoftLayer's portable storage (SAN). */
volume::VolumeType portable_type();

/*
 * volume_of: the Cinder volume of a portable storage disk image (read with kDiskMask) of
 * project `project_id`: in-use with its attachment while a guest has it, else available.
 */
volume::Volume volume_of(const json& disk, const std::string& project_id);

/*
 * ordered_volume_of: the volume of a portable storage order that SoftLayer has not yet
 * made (its id "order-<order id>", creating), sized by `capacity` GiB.
 */
volume::Volume ordered_volume_of(const json& order, long long capacity, const std::string& project_id);

/* device_name: the Linux name of SoftLayer's device number `device` ("2": /dev/xvdc). */
std::string device_name(const std::string& device);

/*
 * storage_item: of the items of the Portable Storage package, the disk of the smallest
 * capacity of at least `size` GiB; nullopt when none is that large.
 */
std::optional<json> storage_item(const json& items, long long size);

/* storage_order: the order container of a portable storage disk of `price_id` named `name`, in datacenter `zone`. */
json storage_order(long long package_id, long long price_id, const std::string& zone, const std::string& name);

/*
 * Volumes: the account's portable storage as Cinder volumes: listed (with the orders
 * still being filled, as creating), shown, ordered, cancelled, attached to a guest and
 * detached. SoftLayer keeps no snapshots or backups of them, so there are none.
 */
class Volumes : public volume::Driver {
  public:
    Volumes(std::shared_ptr<const Client> client, std::string default_zone);

    std::vector<volume::Volume> volumeList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::Volume volumeGet(const Context& ctx, const std::string& volume_id) const override;
    volume::Volume volumeCreate(const Context& ctx, const volume::Volume& volume) const override;
    void volumeDelete(const Context& ctx, const std::string& volume_id) const override;
    volume::Attachment volumeAttach(const Context& ctx, const std::string& volume_id,
                                    const volume::Attachment& attachment) const override;
    void volumeDetach(const Context& ctx, const std::string& volume_id,
                      const std::string& attachment_id) const override;

    std::vector<volume::Snapshot> snapshotList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::Snapshot snapshotGet(const Context& ctx, const std::string& snapshot_id) const override;
    void snapshotDelete(const Context& ctx, const std::string& snapshot_id) const override;

    std::vector<volume::VolumeType> typeList(const Context& ctx) const override;
    volume::VolumeType typeGet(const Context& ctx, const std::string& id_or_name) const override;
    std::vector<std::pair<std::string, bool>> availabilityZoneList(const Context& ctx) const override;

    volume::QuotaSet quotaGet(const Context& ctx, const std::string& project_id) const override;
    volume::QuotaSet quotaUsage(const Context& ctx, const std::string& project_id) const override;

  private:
    std::vector<volume::Volume> volumes(const Context& ctx) const;
    std::shared_ptr<const Client> client_;
    std::string default_zone_;
};

/* network_of: the Neutron network of a VLAN (read with its subnets' ids and datacenter) of project `project_id`. */
json network_of(const json& vlan, const std::string& project_id);
/* subnet_of: the Neutron subnet of a SoftLayer subnet of project `project_id`. */
json subnet_of(const json& subnet, const std::string& project_id);
/* port_of: the Neutron port of `guest`'s network component `component` (with its VLAN and address record). */
json port_of(const json& component, const json& guest, const std::string& project_id);

/*
 * Networks: the account's VLANs as networks, their subnets as subnets and the guests'
 * network components as ports, read only. The other kinds of Neutron resource have no
 * SoftLayer equivalent here.
 */
class Networks : public network::Driver {
  public:
    explicit Networks(std::shared_ptr<const Client> client);

    std::vector<json> list(const Context& ctx, const std::string& collection, const network::Query& q) const override;
    json get(const Context& ctx, const std::string& collection, const std::string& id) const override;

    std::vector<std::string> collections() const override;

  private:
    std::vector<json> all(const Context& ctx, const std::string& collection) const;
    std::shared_ptr<const Client> client_;
};

} // namespace jumpgate::softlayer
