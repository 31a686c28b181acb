// SPDX-License-Identifier: Apache-2.0
// The typed Image driver interface: images, their data and members, metadata definitions; the core writes Glance's
// JSON.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <jumpgate/app.hpp>
#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/operations.hpp>
#include <jumpgate/request.hpp>
#include <jumpgate/response.hpp>

namespace jumpgate::image {

/* Image: one image's record. Times are Unix seconds; size is unknown until data is stored. */
struct Image {
    std::string id;
    std::optional<std::string> name;
    std::string status = "queued";     // queued, saving, active, deactivated, killed, deleted
    std::string visibility = "shared"; // public, private, shared, community
    bool is_protected = false;
    std::string owner; // project id
    std::optional<std::string> disk_format;
    std::optional<std::string> container_format;
    std::optional<long long> size;
    std::optional<long long> virtual_size;
    std::optional<std::string> checksum; // MD5, hex
    std::optional<std::string> os_hash_algo;
    std::optional<std::string> os_hash_value;
    long long min_disk = 0; // GiB
    long long min_ram = 0;  // MiB
    std::vector<std::string> tags;
    std::map<std::string, std::string> properties; // everything else the user set
    /*
     * location: where the data is when the cloud's store holds none (Glance v1's
     * x-image-meta-location, an http or https URL the core has checked); it may
     * carry credentials, so only admins are shown it. Nothing in the core fetches
     * it; a driver that would must refuse addresses that are not public.
     */
    std::optional<std::string> location;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::optional<std::int64_t> deleted_at; // with status "deleted": only a list with changes_since shows one
};

/* Member: a project an image is shared with, and what it said of the share. */
struct Member {
    std::string image_id;
    std::string member_id;
    std::string status = "pending"; // pending, accepted, rejected
    bool can_share = false;         // v1 only
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/*
 * ImageQuery: a list request, parsed and validated by the core. Exact-match
 * `filters` are on the Image field of the same name (name, status, visibility,
 * owner, disk_format, container_format, id, protected as "1"/"0") or, prefixed
 * "property:", on a property; "public" ("1"/"0") keeps images that are (not)
 * public and "member" those shared with that project; every tag in `tags` must be present; `sort` is (field, ascending)
 * with id as the last tie-breaker; `limit` 0 means no limit. With `changes_since`, only images updated after it are
 * listed, deleted ones too (status "deleted", their properties, tags and members gone), as Glance v1 listed them.
 */
struct ImageQuery {
    std::vector<std::pair<std::string, std::string>> filters;
    std::vector<std::string> tags;
    std::optional<long long> size_min;
    std::optional<long long> size_max;
    std::optional<std::int64_t> changes_since; // Unix seconds
    std::string member_status = "accepted";    // shared images of the caller: which to list ("all")
    std::vector<std::pair<std::string, bool>> sort;
    std::size_t limit = 0;
    std::string marker;
};

/*
 * select: the page of `items` that `q` asks for, as the local driver answers it
 * in SQL; for drivers that filter in memory. `items` are the images the list
 * may show the caller (Driver's visibility; no one else's community images
 * unless a "visibility" filter asks). It keeps those that pass every filter
 * ("member" keeps none: Image carries no members, so a cloud that shares images
 * filters on it itself), have every tag, a size within size_min/size_max and an
 * update after changes_since (`items` hold no deleted images: none is listed),
 * and, unless a "property:os_hidden" filter asks for them, are not hidden (have
 * no os_hidden property); sorts them by `q.sort`, a missing text first as "" and
 * a missing number as -1, then by id in the direction of the last key
 * (descending without one); and returns those after the marker, at most `q.limit`.
 * Throws BadRequest for a filter or sort key Glance does not have and for a
 * marker that is none of `items`.
 */
std::vector<Image> select(const ImageQuery& q, std::vector<Image> items);

/* ImageData: an active image's bytes to send; `file` names them on disk when they are a file. */
struct ImageData {
    std::unique_ptr<ByteSource> source;
    std::string file;
    long long size = 0;
};

/*
 * Expected: what an upload must match, or be refused with BadRequest and
 * nothing kept: a declared size and a declared MD5 checksum (hex).
 */
struct Expected {
    std::optional<long long> size;
    std::optional<std::string> checksum;
};

/* MdKind: what a metadata definitions namespace holds beside its resource type associations. */
enum class MdKind { object, property, tag };

/*
 * MdDefinition: one object, property or tag of a namespace. `body` holds what
 * the core has checked against Glance's schema, name and times aside: an
 * object's description, required and properties; a property's title, type and
 * the rest of its definition; nothing for a tag.
 */
struct MdDefinition {
    MdKind kind = MdKind::tag;
    std::string name;
    json body = json::object();
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/* MdAssociation: a namespace's tie to a resource type, with the prefix its properties take there. */
struct MdAssociation {
    std::string name; // the resource type, as OS::Glance::Image
    std::optional<std::string> prefix;
    std::optional<std::string> properties_target;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/* MdResourceType: a resource type some namespace was ever associated with. */
struct MdResourceType {
    std::string name;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/*
 * MdNamespace: a metadata definitions namespace. `definitions` is filled by
 * mdNamespaceGet and given to mdNamespaceCreate, empty in lists; an empty
 * owner is nobody's, seen by all.
 */
struct MdNamespace {
    std::string name;
    std::optional<std::string> display_name;
    std::optional<std::string> description;
    std::string visibility = "private"; // public, private
    bool is_protected = false;
    std::string owner;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::vector<MdAssociation> associations;
    std::vector<MdDefinition> definitions;
};

/* MdNamespaceQuery: a namespace list's filters; the core sorts and pages what the driver gives. */
struct MdNamespaceQuery {
    std::vector<std::string> resource_types; // associated with any of them
    std::optional<std::string> visibility;
};

/*
 * Driver: what a cloud implements for Image. Every operation throws
 * NotImplemented unless overridden; install() serves only the requests whose
 * operations a driver overrides. Visibility is the driver's to enforce, so a
 * list can be done where the data is: `ctx` sees public and community images,
 * its own project's, and shared ones it is a member of; admins see all. An
 * image `ctx` may not see is NotFound; one it sees but may not change is
 * Forbidden.
 */
class Driver {
  public:
    virtual ~Driver() = default;

    /* imageList: at most `q.limit` images `ctx` may see, filtered and sorted; BadRequest for a bad marker. */
    virtual std::vector<Image> imageList(const Context& ctx, const ImageQuery& q) const;
    /* imageGet: one image `ctx` may see; NotFound otherwise. */
    virtual Image imageGet(const Context& ctx, const std::string& image_id) const;
    /* imageCreate: record `image` (id set by the core, owner and times included); Conflict for a taken id. */
    virtual Image imageCreate(const Context& ctx, const Image& image) const;
    /* imageUpdate: store every mutable field of `image` (already read and changed by the core). */
    virtual Image imageUpdate(const Context& ctx, const Image& image) const;
    /* imageDelete: drop the image's members, properties, tags and data; a list with changes_since may show it deleted.
     */
    virtual void imageDelete(const Context& ctx, const std::string& image_id) const;
    /*
     * imageUpload: stream `data` into the image's store; the image becomes
     * active with size, checksum and hash only once every byte is kept.
     * Conflict when it already has data; BadRequest when `expected` is not met.
     */
    virtual Image imageUpload(const Context& ctx, const std::string& image_id, BodySource& data,
                              const Expected& expected) const;
    /* imageDownload: the bytes of an active image `ctx` may see; NotFound when the store has none (a location's). */
    virtual ImageData imageDownload(const Context& ctx, const std::string& image_id) const;

    /* memberList: the members of an image `ctx` may see. */
    virtual std::vector<Member> memberList(const Context& ctx, const std::string& image_id) const;
    /* memberPut: add or replace one member (its status when it exists; `member` carries it). */
    virtual Member memberPut(const Context& ctx, const Member& member) const;
    /* memberDelete: remove one member; NotFound when it is none. */
    virtual void memberDelete(const Context& ctx, const std::string& image_id, const std::string& member_id) const;

    /*
     * Metadata definitions. A namespace `ctx` may see is public, has no owner or
     * is its project's (admins see all); any other is NotFound. Who may change
     * them is the core's to check.
     */
    /* mdNamespaceList: the namespaces `ctx` may see that match `q`, with their associations. */
    virtual std::vector<MdNamespace> mdNamespaceList(const Context& ctx, const MdNamespaceQuery& q) const;
    /* mdNamespaceGet: one namespace with its associations and definitions. */
    virtual MdNamespace mdNamespaceGet(const Context& ctx, const std::string& name) const;
    /* mdNamespaceCreate: record `ns` with what it holds, all or nothing; Conflict for a taken name. */
    virtual MdNamespace mdNamespaceCreate(const Context& ctx, const MdNamespace& ns) const;
    /* mdNamespaceUpdate: store the fields of `ns` (a new name too) in namespace `name`; Conflict for a taken name. */
    virtual MdNamespace mdNamespaceUpdate(const Context& ctx, const std::string& name, const MdNamespace& ns) const;
    /* mdNamespaceDelete: drop a namespace and all it holds. */
    virtual void mdNamespaceDelete(const Context& ctx, const std::string& name) const;
    /* mdDefinitionCreate: add one definition to a namespace; Conflict when its kind has that name. */
    virtual MdDefinition mdDefinitionCreate(const Context& ctx, const std::string& ns, const MdDefinition& def) const;
    /* mdDefinitionUpdate: replace definition `name` (of def.kind) by `def`, renamed too; NotFound, Conflict. */
    virtual MdDefinition mdDefinitionUpdate(const Context& ctx, const std::string& ns, const std::string& name,
                                            const MdDefinition& def) const;
    /* mdDefinitionDelete: drop one definition; NotFound when the namespace has none of `kind` by that name. */
    virtual void mdDefinitionDelete(const Context& ctx, const std::string& ns, MdKind kind,
                                    const std::string& name) const;
    /* mdDefinitionsReplace: make `defs` (names distinct) all the definitions of `kind` in a namespace. */
    virtual void mdDefinitionsReplace(const Context& ctx, const std::string& ns, MdKind kind,
                                      const std::vector<MdDefinition>& defs) const;
    /* mdAssociationCreate: tie a namespace to a resource type (recorded when new); Conflict when tied already. */
    virtual MdAssociation mdAssociationCreate(const Context& ctx, const std::string& ns,
                                              const MdAssociation& assoc) const;
    /* mdAssociationDelete: untie a namespace from a resource type; NotFound when it is not tied. */
    virtual void mdAssociationDelete(const Context& ctx, const std::string& ns, const std::string& type) const;
    /* mdResourceTypeList: every resource type known. */
    virtual std::vector<MdResourceType> mdResourceTypeList(const Context& ctx) const;
};

/* JUMPGATE_IMAGE_OPERATIONS: every operation of Driver that an endpoint calls. */
// clang-format off
#define JUMPGATE_IMAGE_OPERATIONS(X) \
    X(imageList) X(imageGet) X(imageCreate) X(imageUpdate) X(imageDelete) X(imageUpload) X(imageDownload)        \
    X(memberList) X(memberPut) X(memberDelete) X(mdNamespaceList) X(mdNamespaceGet) X(mdNamespaceCreate)          \
    X(mdNamespaceUpdate) X(mdNamespaceDelete) X(mdDefinitionCreate) X(mdDefinitionUpdate) X(mdDefinitionDelete)   \
    X(mdDefinitionsReplace) X(mdAssociationCreate) X(mdAssociationDelete) X(mdResourceTypeList)
// clang-format on

/* Op: Image's operations, numbered after `base` in the space Operations shares with the other interfaces. */
enum class Op : unsigned { base = 200, JUMPGATE_IMAGE_OPERATIONS(JUMPGATE_OPERATION_ENUMERATOR) };
inline constexpr const char* kOperationNames[] = {JUMPGATE_IMAGE_OPERATIONS(JUMPGATE_OPERATION_NAME)};

/* operations_of: the operations D overrides. */
template <class D> Operations operations_of()
{
    static_assert(std::is_base_of_v<Driver, D>);
    Operations ops;
    JUMPGATE_IMAGE_OPERATIONS(JUMPGATE_OPERATION_IF_OVERRIDDEN)
    return ops;
}

namespace detail {
void install(App& app, Dispatcher& disp, std::shared_ptr<const Driver> driver, const Operations& ops);
} // namespace detail

/*
 * install: make `driver` the App's image driver (Compute's image calls reach it
 * through App::image()) and serve on `disp` (the image dispatcher) every v1 and
 * v2 request whose operations D overrides: a cloud that only lists and shows
 * images serves the lists, the show and v1's HEAD, and --coverage names what
 * the other requests lack.
 */
template <class D> void install(App& app, Dispatcher& disp, std::shared_ptr<const D> driver)
{
    detail::install(app, disp, driver, operations_of<D>());
}

} // namespace jumpgate::image
