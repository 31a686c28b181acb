// SPDX-License-Identifier: Apache-2.0
// The OpenStack driver's services: identity over the upstream's Keystone v3, images over its Glance v2, the rest
// passed through.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include <jumpgate/app.hpp>
#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/driver/image.hpp>
#include <jumpgate/driver/volume.hpp>

#include "service.hpp"

namespace jumpgate::openstack {

/*
 * Identity: users authenticate against the upstream's Keystone; the upstream's token is
 * the credentials sealed in Jumpgate's, and every question about the user (their projects,
 * their roles there, whether the token still holds) is asked of the upstream with it.
 * Made once for the worker, and once per request for the user the core acts for.
 */
class Identity : public identity::Driver {
  public:
    explicit Identity(std::shared_ptr<const Upstream> upstream, std::string credentials = {});

    identity::User userAuthenticate(const identity::Ref& ref, const std::string& password) const override;
    identity::User userGet(const std::string& user_id) const override;
    identity::Domain domainGet(const std::string& domain_id) const override;
    identity::Project projectFind(const identity::Ref& ref) const override;
    std::vector<identity::Project> projectListForUser(const std::string& user_id) const override;
    std::vector<identity::Role> roleList() const override;
    std::vector<identity::Role> roleListForProject(const std::string& user_id,
                                                   const std::string& project_id) const override;
    void tokenRevoke(const std::string& audit_id, std::int64_t expires_at) const override;
    bool tokenIsRevoked(const std::string& audit_id, const std::string& user_id, const std::string& project_id,
                        std::int64_t issued_at) const override;
    identity::ApplicationCredential applicationCredentialAuthenticate(const std::string& id,
                                                                      const std::string& secret) const override;
    std::optional<std::int64_t> generation() const override;
    std::shared_ptr<const identity::Driver> actingFor(const std::string& credentials) const override;

  private:
    /* learn: the domains and roles a token's view names, for domainGet and roleList. */
    void learn(const json& token) const;

    std::shared_ptr<const Upstream> upstream_;
    std::string credentials_;
    mutable std::map<std::string, std::string> domains_; // id -> name
    mutable std::map<std::string, std::string> roles_;   // id -> name
};

/*
 * Images: the Image service over the upstream's Glance v2, so that the core's Glance v1 works in
 * front of a Glance that has none. Every call carries the caller's upstream token for their
 * project and their request id; the upstream's faults come back as the core's (5xx, or no
 * answer: ServiceUnavailable). Made once for the worker.
 */
class Images : public image::Driver {
  public:
    explicit Images(std::shared_ptr<const Upstream> upstream);

    std::vector<image::Image> imageList(const Context& ctx, const image::ImageQuery& q) const override;
    image::Image imageGet(const Context& ctx, const std::string& image_id) const override;
    image::Image imageCreate(const Context& ctx, const image::Image& image) const override;
    image::Image imageUpdate(const Context& ctx, const image::Image& image) const override;
    void imageDelete(const Context& ctx, const std::string& image_id) const override;
    image::Image imageUpload(const Context& ctx, const std::string& image_id, BodySource& data,
                             const image::Expected& expected) const override;
    image::ImageData imageDownload(const Context& ctx, const std::string& image_id) const override;
    std::vector<image::Member> memberList(const Context& ctx, const std::string& image_id) const override;
    image::Member memberPut(const Context& ctx, const image::Member& member) const override;
    void memberDelete(const Context& ctx, const std::string& image_id, const std::string& member_id) const override;

  private:
    /* is_member: whether project `member_id` is a member of `img`. */
    bool is_member(const Context& ctx, const image::Image& img, const std::string& member_id) const;

    ServiceCalls calls_;
};

/*
 * Volumes: Block Storage over the upstream's Cinder v3, so that the core's Cinder v1 and v2
 * work in front of a Cinder that has dropped them. Calls carry what Images' do. Lists read
 * every page and are filtered, sorted and paged here (Cinder's filters differ by release and
 * configuration). Made once for the worker.
 */
class Volumes : public volume::Driver {
  public:
    explicit Volumes(std::shared_ptr<const Upstream> upstream);

    std::vector<volume::Volume> volumeList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::Volume volumeGet(const Context& ctx, const std::string& volume_id) const override;
    volume::Volume volumeCreate(const Context& ctx, const volume::Volume& volume) const override;
    volume::Volume volumeUpdate(const Context& ctx, const volume::Volume& volume) const override;
    void volumeDelete(const Context& ctx, const std::string& volume_id) const override;
    volume::Volume volumeExtend(const Context& ctx, const std::string& volume_id, long long new_size) const override;
    void volumeReserve(const Context& ctx, const std::string& volume_id) const override;
    void volumeUnreserve(const Context& ctx, const std::string& volume_id) const override;
    volume::Volume volumeResetStatus(const Context& ctx, const std::string& volume_id, const std::string& status,
                                     bool detach) const override;
    std::string volumeUploadImage(const Context& ctx, const std::string& volume_id, const std::string& name,
                                  const std::string& disk_format, const std::string& container_format,
                                  const std::string& visibility, bool is_protected) const override;
    std::vector<volume::Snapshot> snapshotList(const Context& ctx, const volume::ListQuery& q) const override;
    volume::Snapshot snapshotGet(const Context& ctx, const std::string& snapshot_id) const override;
    volume::Snapshot snapshotCreate(const Context& ctx, const volume::Snapshot& snapshot) const override;
    volume::Snapshot snapshotUpdate(const Context& ctx, const volume::Snapshot& snapshot) const override;
    void snapshotDelete(const Context& ctx, const std::string& snapshot_id) const override;
    volume::Snapshot snapshotResetStatus(const Context& ctx, const std::string& snapshot_id,
                                         const std::string& status) const override;
    std::vector<volume::VolumeType> typeList(const Context& ctx) const override;
    volume::VolumeType typeGet(const Context& ctx, const std::string& id_or_name) const override;
    volume::QuotaSet quotaGet(const Context& ctx, const std::string& project_id) const override;
    volume::QuotaSet quotaDefaults(const Context& ctx) const override;
    volume::QuotaSet quotaSet(const Context& ctx, const std::string& project_id,
                              const volume::QuotaSet& changes) const override;
    void quotaReset(const Context& ctx, const std::string& project_id) const override;
    volume::QuotaSet quotaUsage(const Context& ctx, const std::string& project_id) const override;
    std::vector<std::pair<std::string, bool>> availabilityZoneList(const Context& ctx) const override;

  private:
    /* path: `rest` below the caller's project's Cinder v3 ("/v3/<project>" + rest). */
    std::string path(const Context& ctx, const std::string& rest) const;
    /* action: POST a volume's action. */
    json action(const Context& ctx, const std::string& volume_id, const json& body) const;

    ServiceCalls calls_;
};

/*
 * forward: send `req` on to the upstream's `service` as it came, with the upstream token of the
 * caller's project, and its answer back into `resp` with the upstream's URLs made Jumpgate's.
 */
void forward(const App& app, const Upstream& up, std::string_view service, const Request& req, Response& resp);

/*
 * pass_through: serve every verb of every endpoint of `disp` for which `keep(endpoint)`
 * is false by sending the request on to the upstream as it came, with the upstream token
 * of the caller's project, and the answer back with the upstream's URLs made Jumpgate's.
 */
void pass_through(App& app, Dispatcher& disp, std::shared_ptr<const Upstream> upstream,
                  const std::function<bool(std::string_view endpoint)>& keep);

} // namespace jumpgate::openstack
