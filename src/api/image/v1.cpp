// SPDX-License-Identifier: Apache-2.0
// Glance v1 (the seed's chapter): metadata as x-image-meta-* headers, data in the body, v1 memberships.
#include "api/image/glance.hpp"

#include <algorithm>
#include <cstring>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"

namespace jumpgate::api::glance {

namespace {

using image::Driver;
using image::Image;
using image::Member;
using image::Op;

std::string v1_time(std::int64_t t)
{
    return iso_time(t, false);
}

json v1_brief(const Image& img)
{
    return {{"id", img.id},
            {"name", img.name ? json(*img.name) : json(nullptr)},
            {"disk_format", img.disk_format ? json(*img.disk_format) : json(nullptr)},
            {"container_format", img.container_format ? json(*img.container_format) : json(nullptr)},
            {"size", img.size ? json(*img.size) : json(nullptr)},
            {"checksum", img.checksum ? json(*img.checksum) : json(nullptr)}};
}

json v1_detail(const Image& img)
{
    json view = v1_brief(img);
    view["created_at"] = v1_time(img.created_at);
    view["updated_at"] = v1_time(img.updated_at);
    view["deleted_at"] = img.deleted_at ? json(v1_time(*img.deleted_at)) : json(nullptr);
    view["deleted"] = img.status == "deleted";
    view["status"] = img.status;
    view["is_public"] = img.visibility == "public";
    view["min_ram"] = img.min_ram;
    view["min_disk"] = img.min_disk;
    view["owner"] = img.owner.empty() ? json(nullptr) : json(img.owner);
    view["protected"] = img.is_protected;
    view["properties"] = img.properties;
    return view;
}

// The seed's HEAD headers: multi-word fields dashed, timestamps underscored.
void meta_headers(Response& resp, const Image& img, const Context& ctx)
{
    auto opt = [](const auto& v) { return v ? std::string(*v) : std::string(); };
    resp.set_header("x-image-meta-id", img.id);
    resp.set_header("x-image-meta-name", opt(img.name));
    resp.set_header("x-image-meta-disk-format", opt(img.disk_format));
    resp.set_header("x-image-meta-container-format", opt(img.container_format));
    resp.set_header("x-image-meta-size", img.size ? std::to_string(*img.size) : "0");
    resp.set_header("x-image-meta-checksum", opt(img.checksum));
    resp.set_header("x-image-meta-created_at", v1_time(img.created_at));
    resp.set_header("x-image-meta-updated_at", v1_time(img.updated_at));
    resp.set_header("x-image-meta-deleted_at", "");
    resp.set_header("x-image-meta-deleted", "False");
    resp.set_header("x-image-meta-status", img.status);
    resp.set_header("x-image-meta-is-public", img.visibility == "public" ? "True" : "False");
    resp.set_header("x-image-meta-owner", img.owner.empty() ? "null" : img.owner);
    resp.set_header("x-image-meta-protected", img.is_protected ? "True" : "False");
    resp.set_header("x-image-meta-min-ram", std::to_string(img.min_ram));
    resp.set_header("x-image-meta-min-disk", std::to_string(img.min_disk));
    // The seed shows it; Glance came to hide it from everyone, as it may carry credentials: admins see it here.
    if (img.location && ctx.is_admin())
        resp.set_header("x-image-meta-location", *img.location);
    // v2 names properties freely; one whose name is no header name is shown by v2 only.
    for (const auto& [key, value] : img.properties)
        if (is_header_name(key))
            resp.set_header("x-image-meta-property-" + key, value);
}

bool truthy(std::string_view v)
{
    std::string s(v);
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    return s == "true" || s == "1" || s == "yes" || s == "on";
}

long long header_count(std::string_view name, std::string_view value)
{
    return parse_int(name, value);
}

/*
 * external_location: `value` as an image's location when it is an http or https
 * URL with a host, Glance's external sources; BadRequest otherwise, a file:// URL
 * above all. The cloud never fetches it (Image::location), so it reaches nothing.
 */
std::string external_location(std::string_view value)
{
    std::string scheme(value.substr(0, value.find(':')));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
    if (scheme != "http" && scheme != "https")
        throw BadRequest("External sources are not supported: a location is an http or https URL.");
    std::string_view rest = value.substr(scheme.size() + 1);
    std::string_view authority = rest.starts_with("//") ? rest.substr(2, rest.find_first_of("/?#", 2) - 2) : "";
    authority = authority.substr(authority.rfind('@') == std::string_view::npos ? 0 : authority.rfind('@') + 1);
    if (authority.empty() || authority.front() == ':')
        throw BadRequest("Invalid location: it names no host.");
    if (value.size() > 2048 || !is_header_value(value) || value.find(' ') != std::string_view::npos)
        throw BadRequest("Invalid location: it is no URL of at most 2048 characters.");
    return std::string(value);
}

// Given: what a v1 create or update says of the data besides the image's fields.
struct Given {
    image::Expected expected;            // what an upload must match, or what a location's data is
    std::optional<std::string> location; // x-image-meta-location
};

/*
 * apply_meta: the x-image-meta-* headers of `req` onto `img`; returns what they
 * say of the data. Keys follow the seed: a property's name is the rest of the
 * header lower-cased with dashes and punctuation as underscores.
 */
Given apply_meta(const Request& req, Image& img, bool creating)
{
    const Context& ctx = req.context();
    Given given;
    image::Expected& expected = given.expected;
    for (const auto& [name, value] : req.headers_with_prefix("X-Image-Meta-")) {
        if (name.rfind("property-", 0) == 0) {
            std::string key = name.substr(9);
            for (char& c : key)
                if (!std::isalnum(static_cast<unsigned char>(c)))
                    c = '_';
            check_text("x-image-meta-property-" + key, value);
            img.properties[key] = value;
        } else if (name == "name") {
            check_text("x-image-meta-name", value);
            img.name = value;
        } else if (name == "id") {
            if (!creating)
                throw Forbidden("Attribute 'id' is read-only.");
            if (!is_uuid(value))
                throw BadRequest("Invalid image id: it must be a UUID.");
            img.id = value;
        } else if (name == "store") {
            if (value != "file")
                throw BadRequest("Store for scheme " + value + " not found");
        } else if (name == "disk-format") {
            if (!valid_disk_format(value))
                throw BadRequest("Invalid disk format '" + value + "' for image.");
            img.disk_format = value;
        } else if (name == "container-format") {
            if (!valid_container_format(value))
                throw BadRequest("Invalid container format '" + value + "' for image.");
            img.container_format = value;
        } else if (name == "size") {
            expected.size = header_count("x-image-meta-size", value);
        } else if (name == "checksum") {
            expected.checksum = value;
        } else if (name == "is-public") {
            img.visibility = truthy(value) ? "public" : (img.visibility == "public" ? "shared" : img.visibility);
            if (img.visibility == "public" && !ctx.is_admin())
                throw Forbidden("You are not authorized to complete publicize_image action.");
        } else if (name == "owner") {
            check_text("x-image-meta-owner", value);
            if (ctx.is_admin()) // the seed: only meaningful for admins
                img.owner = value == "null" ? "" : value;
        } else if (name == "protected") {
            img.is_protected = truthy(value);
        } else if (name == "min-ram") {
            img.min_ram = header_count("x-image-meta-min-ram", value);
        } else if (name == "min-disk") {
            img.min_disk = header_count("x-image-meta-min-disk", value);
        } else if (name == "location") {
            given.location = external_location(value);
        } else if (name == "status" || name == "created-at" || name == "updated-at" || name == "deleted-at" ||
                   name == "deleted") {
            throw Forbidden("Attribute '" + name + "' is read-only.");
        }
    }
    return given;
}

/*
 * Data: a v1 request's image data, sent with the metadata when there is any. A
 * body without a length (chunked) is told from no body by its first bytes, read
 * here and given back first.
 */
class Data : public BodySource {
  public:
    explicit Data(const Request& req) : body_(req.body())
    {
        if (req.content_length() > 0) {
            present_ = true;
        } else if (req.content_length() < 0 && body_) {
            head_.resize(1 << 16);
            head_.resize(body_->read(head_.data(), head_.size()));
            present_ = !head_.empty();
        }
    }
    bool present() const { return present_; }
    std::size_t read(char* buffer, std::size_t size) override
    {
        if (given_ < head_.size()) {
            std::size_t n = std::min(size, head_.size() - given_);
            std::memcpy(buffer, head_.data() + given_, n);
            given_ += n;
            return n;
        }
        return body_ ? body_->read(buffer, size) : 0;
    }

  private:
    BodySource* body_;
    std::string head_;
    std::size_t given_ = 0;
    bool present_ = false;
};

/*
 * check_sources: BadRequest, before anything is stored, for data Glance v1 would
 * not take: a body that is not application/octet-stream (a form's fields would
 * otherwise be dropped as no data), both a body and a location, a copy from
 * elsewhere (this cloud fetches nothing), and data without its formats.
 */
void check_sources(const Request& req, const Image& img, const Given& given, const Data& data)
{
    if (req.has_header("X-Glance-Api-Copy-From"))
        throw BadRequest("External sources are not supported: this cloud does not copy image data from elsewhere.");
    if (data.present()) {
        std::string type(req.content_type().substr(0, req.content_type().find(';')));
        std::transform(type.begin(), type.end(), type.begin(), ::tolower);
        if (!type.empty() && type != "application/octet-stream")
            throw BadRequest("Content-Type must be application/octet-stream");
        if (given.location)
            throw BadRequest("It's invalid to provide multiple image sources.");
    }
    if ((data.present() || given.location) && (!img.disk_format || !img.container_format))
        throw BadRequest("Disk format and container format are required with image data.");
}

// locate: `img` as active with its data at `given`'s location, of the size (0: none) and checksum the headers declare.
void locate(Image& img, const Given& given)
{
    const auto& sum = given.expected.checksum;
    if (sum &&
        (sum->size() != 32 || !std::all_of(sum->begin(), sum->end(), [](unsigned char c) { return std::isxdigit(c); })))
        throw BadRequest("Invalid x-image-meta-checksum: it is an MD5 digest of 32 hexadecimal digits.");
    img.location = given.location;
    img.status = "active";
    // Glance asked the store for a size it was not given, and took 0 when the location did not answer; this
    // cloud never asks, so an undeclared size is that 0, never a null an active image's readers do not expect.
    img.size = given.expected.size.value_or(0);
    img.checksum = sum;
}

// upload: the body as `img`'s data; returns the image as stored with it.
Image upload(const Driver& driver, const Request& req, const Image& img, const image::Expected& expected, Data& data)
{
    if (expected.size && req.content_length() >= 0 && *expected.size != req.content_length())
        throw BadRequest("x-image-meta-size (" + std::to_string(*expected.size) +
                         ") does not match the length of the body (" + std::to_string(req.content_length()) + ").");
    // As in v2, the data must be as long as the body said: a driver that sends it on can declare its length.
    image::Expected declared = expected;
    if (!declared.size && req.content_length() >= 0)
        declared.size = req.content_length();
    return driver.imageUpload(req.context(), img.id, data, declared);
}

image::ImageQuery parse_v1_query(const Request& req)
{
    image::ImageQuery q;
    Page page = Page::from(req);
    q.limit = page.limit ? std::min<std::size_t>(page.limit, 1000) : 25;
    q.marker = page.marker;
    // Without is_public, every image the caller may see: its own, those shared with it and the public ones.
    std::string is_public = req.has_query("is_public") ? std::string(req.query("is_public")) : "none";
    std::transform(is_public.begin(), is_public.end(), is_public.begin(), ::tolower);
    if (is_public != "none")
        q.filters.emplace_back("public", parse_bool("is_public", is_public) ? "1" : "0");
    q.member_status = "all";
    for (const char* key : {"name", "container_format", "disk_format", "status"})
        if (req.has_query(key))
            q.filters.emplace_back(key, std::string(req.query(key)));
    // Glance v1 filtered on a property as property-NAME=VALUE.
    for (const auto& [key, value] : req.query_pairs())
        if (key.starts_with("property-") && key.size() > 9)
            q.filters.emplace_back("property:" + key.substr(9), value);
    if (req.has_query("size_min"))
        q.size_min = parse_int("size_min", req.query("size_min"));
    if (req.has_query("size_max"))
        q.size_max = parse_int("size_max", req.query("size_max"));
    if (req.has_query("changes-since")) {
        auto since = parse_iso_time(req.query("changes-since"));
        if (!since)
            throw BadRequest("Unrecognized changes-since value: it is an ISO 8601 time.");
        q.changes_since = *since;
    }
    std::string key = req.has_query("sort_key") ? std::string(req.query("sort_key")) : "created_at";
    static const char* const kV1Keys[] = {"id",   "name",       "status",    "disk_format", "container_format",
                                          "size", "created_at", "updated_at"};
    if (std::none_of(std::begin(kV1Keys), std::end(kV1Keys), [&](const char* k) { return key == k; }))
        throw BadRequest("Unsupported sort_key. Acceptable values: id, name, status, disk_format, "
                         "container_format, size, created_at, updated_at");
    std::string dir = req.has_query("sort_dir") ? std::string(req.query("sort_dir")) : "desc";
    if (dir != "asc" && dir != "desc")
        throw BadRequest("Unsupported sort_dir. Acceptable values: asc, desc");
    q.sort.emplace_back(key, dir == "asc");
    return q;
}

void list(const Driver& driver, const Request& req, Response& resp, bool detail)
{
    json list = json::array();
    for (const auto& img : driver.imageList(req.context(), parse_v1_query(req)))
        list.push_back(detail ? v1_detail(img) : v1_brief(img));
    resp.json({{"images", std::move(list)}});
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    Image img;
    img.owner = req.context().project_id;
    img.visibility = "shared";
    Given given = apply_meta(req, img, true);
    Data data(req);
    check_sources(req, img, given, data);
    if (given.location)
        locate(img, given);
    if (img.id.empty())
        img.id = new_uuid();
    img.created_at = img.updated_at = unix_now();
    Image made = driver.imageCreate(req.context(), img);
    if (data.present()) {
        try {
            made = upload(driver, req, made, given.expected, data);
        } catch (...) {
            driver.imageDelete(req.context(), made.id); // the seed: nothing is kept
            throw;
        }
    }
    resp.status = 201;
    resp.set_header("Location", req.dispatcher()->base_url(req) + "/v1/images/" + made.id);
    resp.json({{"image", v1_detail(made)}});
}

void download(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    meta_headers(resp, img, ctx);
    if (img.status != "active") {
        resp.bytes("", "application/octet-stream");
        return;
    }
    image::ImageData data = driver.imageDownload(ctx, img.id);
    if (img.checksum)
        resp.set_header("ETag", *img.checksum);
    // nginx keeps only the headers its location adds back; x-image-meta-property-*
    // cannot be listed there, so an image with properties is sent by the worker.
    if (img.properties.empty() && image::accel_redirect(req, resp, img, data))
        return;
    resp.stream(std::move(data.source), "application/octet-stream", data.size);
}

void head(const Driver& driver, const Request& req, Response& resp)
{
    Image img = driver.imageGet(req.context(), req.param("image_guid"));
    meta_headers(resp, img, req.context());
    if (img.checksum)
        resp.set_header("ETag", *img.checksum);
    resp.clear_body();
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    check_owner(ctx, img);
    bool queued = img.status == "queued";
    Given given = apply_meta(req, img, false);
    Data data(req);
    if (data.present() && !queued)
        throw Conflict("Image " + img.id + " already has data; its data cannot be replaced.");
    if (given.location && !queued)
        throw BadRequest("Attempted to update Location field for an image not in queued status.");
    check_sources(req, img, given, data);
    if (given.location)
        locate(img, given);
    img.updated_at = unix_now();
    Image stored = driver.imageUpdate(ctx, img);
    if (data.present())
        stored = upload(driver, req, img, given.expected, data);
    // The seed answers with the metadata as headers; Glance v1 and its clients read the JSON body too.
    meta_headers(resp, stored, ctx);
    if (stored.checksum)
        resp.set_header("ETag", *stored.checksum);
    resp.json({{"image", v1_detail(stored)}});
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    check_owner(ctx, img);
    if (img.is_protected)
        throw Forbidden("Image is protected");
    driver.imageDelete(ctx, img.id);
    resp.clear_body();
}

/*
 * sharable: the image of the request's path, whose members its owner, an admin
 * and a member it is shared with can_share may change (the seed's memberships,
 * Glance v1's rule); Forbidden for anyone else who sees it.
 */
Image sharable(const Driver& driver, const Request& req)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    if (ctx.is_admin() || img.owner == ctx.project_id)
        return img;
    for (const auto& m : driver.memberList(ctx, img.id))
        if (m.member_id == ctx.project_id && m.can_share)
            return img;
    throw Forbidden("User lacks permission to share image " + img.id + ".");
}

// put_member: add `member_id` to the image or keep it, with `can_share` when given.
void put_member(const Driver& driver, const Request& req, const std::string& image_id, const std::string& member_id,
                std::optional<bool> can_share)
{
    Member m;
    m.image_id = image_id;
    m.member_id = member_id;
    m.created_at = m.updated_at = unix_now();
    for (const auto& old : driver.memberList(req.context(), image_id))
        if (old.member_id == member_id)
            m = old;
    if (can_share)
        m.can_share = *can_share;
    m.updated_at = unix_now();
    driver.memberPut(req.context(), m);
}

void members_list(const Driver& driver, const Request& req, Response& resp)
{
    Image img = driver.imageGet(req.context(), req.param("image_guid"));
    json list = json::array();
    for (const auto& m : driver.memberList(req.context(), img.id))
        list.push_back({{"member_id", m.member_id}, {"can_share", m.can_share}});
    resp.json({{"members", std::move(list)}});
}

void members_replace(const Driver& driver, const Request& req, Response& resp)
{
    Image img = sharable(driver, req);
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("memberships") || !body["memberships"].is_array())
        throw BadRequest("Body must be {\"memberships\": [{\"member_id\": ..., \"can_share\": ...}]}.");
    std::vector<std::pair<std::string, std::optional<bool>>> wanted;
    for (const auto& m : body["memberships"]) {
        if (!m.is_object() || !m.contains("member_id") || !m["member_id"].is_string())
            throw BadRequest("Each membership needs a member_id.");
        std::optional<bool> share;
        if (m.contains("can_share")) {
            if (!m["can_share"].is_boolean())
                throw BadRequest("can_share must be a boolean.");
            share = m["can_share"].get<bool>();
        }
        wanted.emplace_back(m["member_id"], share);
    }
    for (const auto& old : driver.memberList(req.context(), img.id))
        if (std::none_of(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first == old.member_id; }))
            driver.memberDelete(req.context(), img.id, old.member_id);
    for (const auto& [id, share] : wanted)
        put_member(driver, req, img.id, id, share);
    resp.status = 204;
    resp.clear_body();
}

void member_add(const Driver& driver, const Request& req, Response& resp)
{
    Image img = sharable(driver, req);
    std::optional<bool> share;
    if (req.content_length() > 0) {
        const json& body = req.json_body();
        if (!body.is_object() || !body.contains("member") || !body["member"].is_object())
            throw BadRequest("Body must be {\"member\": {\"can_share\": true|false}}.");
        if (body["member"].contains("can_share")) {
            if (!body["member"]["can_share"].is_boolean())
                throw BadRequest("can_share must be a boolean.");
            share = body["member"]["can_share"].get<bool>();
        }
    }
    put_member(driver, req, img.id, req.param("owner"), share);
    resp.status = 204;
    resp.clear_body();
}

void member_remove(const Driver& driver, const Request& req, Response& resp)
{
    Image img = sharable(driver, req);
    driver.memberDelete(req.context(), img.id, req.param("owner"));
    resp.status = 204;
    resp.clear_body();
}

void shared_with(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    const std::string& tenant = req.param("owner");
    // As Glance v1: another tenant's list shows a caller only the shares of its own images.
    bool all = ctx.is_admin() || tenant == ctx.project_id;
    image::ImageQuery q;
    q.filters.emplace_back("member", tenant);
    q.member_status = "all";
    q.sort.emplace_back("created_at", false);
    json list = json::array();
    for (const auto& img : driver.imageList(ctx, q))
        for (const auto& m :
             all || img.owner == ctx.project_id ? driver.memberList(ctx, img.id) : std::vector<Member>())
            if (m.member_id == tenant)
                list.push_back({{"image_id", img.id}, {"can_share", m.can_share}});
    resp.json({{"shared_images", std::move(list)}});
}

// v1 carries an image's data with its record: creating or updating one with a body stores it.
const Binding<Driver> kV1[] = {
    {"v1_images",
     "GET",
     {Op::imageList},
     [](const Driver& d, const Request& req, Response& resp) { list(d, req, resp, false); }},
    {"v1_images_detail",
     "GET",
     {Op::imageList},
     [](const Driver& d, const Request& req, Response& resp) { list(d, req, resp, true); }},
    {"v1_images", "POST", {Op::imageCreate, Op::imageUpload, Op::imageDelete}, create},
    {"v1_image", "GET", {Op::imageGet, Op::imageDownload}, download},
    {"v1_image", "HEAD", {Op::imageGet}, head},
    {"v1_image", "PUT", {Op::imageGet, Op::imageUpdate, Op::imageUpload}, update},
    {"v1_image", "DELETE", {Op::imageGet, Op::imageDelete}, remove},
    {"v1_image_members", "GET", {Op::imageGet, Op::memberList}, members_list},
    {"v1_image_members", "PUT", {Op::imageGet, Op::memberList, Op::memberDelete, Op::memberPut}, members_replace},
    {"v1_image_owner", "PUT", {Op::imageGet, Op::memberList, Op::memberPut}, member_add},
    {"v1_image_owner", "DELETE", {Op::imageGet, Op::memberList, Op::memberDelete}, member_remove},
    {"v1_shared_image_owner", "GET", {Op::imageList, Op::memberList}, shared_with},
};

} // namespace

std::span<const Binding<Driver>> v1_bindings()
{
    return kV1;
}

} // namespace jumpgate::api::glance
