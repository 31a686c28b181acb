// SPDX-License-Identifier: Apache-2.0
// Images over the upstream's Glance v2: records mapped both ways, lists filtered where Glance can, data streamed.
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <set>

#include <jumpgate/fault.hpp>
#include <jumpgate/hex.hpp>
#include <jumpgate/log.hpp>
#include <jumpgate/time.hpp>

#include "image.hpp"
#include "openstack.hpp"

namespace jumpgate::openstack {

namespace {

using image::Image;
using image::Member;

const char* const kPatchType = "application/openstack-images-v2.1-json-patch";

// The most images Glance gives in one page (its api_limit_max): what a list that reads every page asks.
constexpr std::size_t kPage = 1000;

// Glance v2's keys of an image that are not properties: image::Image's fields (os_hidden a property
// there), and what Glance alone writes (links, locations, stores).
const std::set<std::string, std::less<>> kAttributes = {
    "id",       "name",       "status",     "visibility",       "protected",     "os_hidden",    "owner",
    "checksum", "size",       "min_disk",   "container_format", "disk_format",   "virtual_size", "min_ram",
    "tags",     "created_at", "updated_at", "os_hash_algo",     "os_hash_value", "self",         "file",
    "schema",   "direct_url", "locations",  "stores",           "deleted",       "deleted_at"};

// The words of GET /v2/images that are not filters on a property; with the attributes, a property named
// one of them is filtered here only.
const std::set<std::string, std::less<>> kListWords = {"limit",      "marker",        "sort", "sort_key",
                                                       "sort_dir",   "member_status", "tag",  "changes-since",
                                                       "properties", "members"};

// Filters Glance reads "in:a,b" (or "eq:x") in as an operator: a value with a colon is filtered here only.
const std::set<std::string, std::less<>> kOperatorFilters = {"name", "id", "status", "container_format", "disk_format"};

// What Glance sorts on.
const std::set<std::string, std::less<>> kSortable = {"name", "status", "container_format", "disk_format",
                                                      "size", "id",     "created_at",       "updated_at"};

void check_property(const std::string& key)
{
    if (key != "os_hidden" && kAttributes.count(key))
        throw BadRequest("'" + key + "' is an attribute of Glance v2's images: a property cannot have its name.");
}

// A property as a JSON Pointer (RFC 6901): "~" and "/" escaped.
std::string pointer(std::string_view key)
{
    std::string out = "/";
    for (char c : key)
        out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    return out;
}

bool glance_filters_property(std::string_view key)
{
    return !key.empty() && !kAttributes.count(key) && !kListWords.count(key) && !key.ends_with("_min") &&
           !key.ends_with("_max");
}

std::string percent_decoded(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

/* next_marker: the marker of the page after this one, from the `next` link of a Glance list page; "" for none. */
std::string next_marker(const json& page)
{
    std::optional<std::string> next = text_of(page, "next");
    std::string_view query = next ? std::string_view(*next) : std::string_view();
    auto start = query.find('?');
    if (start == std::string_view::npos)
        return "";
    query.remove_prefix(start + 1);
    while (!query.empty()) {
        auto end = query.find('&');
        std::string_view pair = query.substr(0, end);
        if (pair.starts_with("marker="))
            return percent_decoded(pair.substr(7));
        query.remove_prefix(end == std::string_view::npos ? query.size() : end + 1);
    }
    return "";
}

/* image_path: the URL path of an image below Glance's root; an id is one segment, whatever it holds. */
std::string image_path(const std::string& image_id)
{
    return "/v2/images/" + segment(image_id);
}

using Digest = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

/*
 * Checked: the client's image data on its way to the upstream, counted and hashed (MD5) as it
 * goes. The last piece read is held back until the client's body has ended and the whole met
 * what the upload declared: when it does not, the transfer is cut short of its last bytes and
 * the upstream, which never had the whole body, keeps nothing. What failed is kept for the caller.
 */
class Checked : public BodySource {
  public:
    Checked(BodySource& in, const image::Expected& expected)
        : in_(in), expected_(expected), md5_(EVP_MD_CTX_new(), EVP_MD_CTX_free)
    {
        if (!md5_ || EVP_DigestInit_ex(md5_.get(), EVP_md5(), nullptr) != 1)
            throw std::runtime_error("cannot start an MD5 digest");
    }

    std::size_t read(char* buffer, std::size_t size) override
    {
        try {
            while (given_ == held_.size()) {
                if (ended_)
                    return 0;
                held_.swap(ahead_);
                given_ = 0;
                pull();
                if (ended_)
                    check(); // held_ is the last piece: nothing of it goes before the whole is known good
            }
            std::size_t n = std::min(size, held_.size() - given_);
            std::copy_n(held_.data() + given_, n, buffer);
            given_ += n;
            return n;
        } catch (...) {
            failure_ = std::current_exception();
            throw;
        }
    }

    /* rethrow: what stopped the data (the client's body, or a refusal), if anything did. */
    void rethrow() const
    {
        if (failure_)
            std::rethrow_exception(failure_);
    }

  private:
    void pull()
    {
        ahead_.resize(kPiece);
        std::size_t n = in_.read(ahead_.data(), ahead_.size());
        ahead_.resize(n);
        ended_ = n == 0;
        count_ += static_cast<long long>(n);
        EVP_DigestUpdate(md5_.get(), ahead_.data(), n);
        if (expected_.size && count_ > *expected_.size)
            throw BadRequest("Size of the uploaded data (more than " + std::to_string(*expected_.size) +
                             " bytes) does not match the expected size (" + std::to_string(*expected_.size) + ").");
    }

    void check()
    {
        if (expected_.size && count_ != *expected_.size)
            throw BadRequest("Size of the uploaded data (" + std::to_string(count_) +
                             ") does not match the expected size (" + std::to_string(*expected_.size) + ").");
        if (!expected_.checksum)
            return;
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        EVP_DigestFinal_ex(md5_.get(), md, &n);
        std::string md5 = hex(std::span(md, n));
        if (md5 != *expected_.checksum)
            throw BadRequest("Checksum of the uploaded data (" + md5 + ") does not match the expected checksum (" +
                             *expected_.checksum + ").");
    }

    static constexpr std::size_t kPiece = 1 << 16;
    BodySource& in_;
    image::Expected expected_;
    Digest md5_;
    std::vector<char> held_;  // read, being given
    std::vector<char> ahead_; // read, given after held_
    std::size_t given_ = 0;
    bool ended_ = false;
    long long count_ = 0;
    std::exception_ptr failure_;
};

} // namespace

Image image_of(const json& v2)
{
    if (!v2.is_object() || !text_of(v2, "id"))
        throw ServiceUnavailable("The upstream image service answered with what is not an image.");
    Image img;
    img.id = *text_of(v2, "id");
    img.name = text_of(v2, "name");
    img.status = text_of(v2, "status").value_or("queued");
    img.visibility = text_of(v2, "visibility").value_or("shared");
    img.is_protected = flag_of(v2, "protected");
    img.owner = text_of(v2, "owner").value_or("");
    img.disk_format = text_of(v2, "disk_format");
    img.container_format = text_of(v2, "container_format");
    img.size = count_of(v2, "size");
    img.virtual_size = count_of(v2, "virtual_size");
    img.checksum = text_of(v2, "checksum");
    img.os_hash_algo = text_of(v2, "os_hash_algo");
    img.os_hash_value = text_of(v2, "os_hash_value");
    img.min_disk = count_of(v2, "min_disk").value_or(0);
    img.min_ram = count_of(v2, "min_ram").value_or(0);
    if (auto tags = v2.find("tags"); tags != v2.end() && tags->is_array())
        for (const auto& t : *tags)
            if (t.is_string())
                img.tags.push_back(t.get<std::string>());
    img.created_at = api::parse_iso_time(text_of(v2, "created_at").value_or("")).value_or(0);
    img.updated_at = api::parse_iso_time(text_of(v2, "updated_at").value_or("")).value_or(0);
    if (flag_of(v2, "os_hidden"))
        img.properties["os_hidden"] = "true";
    for (const auto& [key, value] : v2.items())
        if (!kAttributes.count(key) && !value.is_null())
            img.properties[key] = value.is_string() ? value.get<std::string>() : value.dump();
    return img;
}

Member member_of(const json& v2)
{
    if (!v2.is_object() || !text_of(v2, "member_id"))
        throw ServiceUnavailable("The upstream image service answered with what is not an image member.");
    return {.image_id = text_of(v2, "image_id").value_or(""),
            .member_id = *text_of(v2, "member_id"),
            .status = text_of(v2, "status").value_or("pending"),
            .can_share = false,
            .created_at = api::parse_iso_time(text_of(v2, "created_at").value_or("")).value_or(0),
            .updated_at = api::parse_iso_time(text_of(v2, "updated_at").value_or("")).value_or(0)};
}

json create_body(const Image& img, const std::string& project_id)
{
    json body = {{"id", img.id},
                 {"visibility", img.visibility},
                 {"protected", img.is_protected},
                 {"min_disk", img.min_disk},
                 {"min_ram", img.min_ram}};
    if (img.name)
        body["name"] = *img.name;
    if (img.disk_format)
        body["disk_format"] = *img.disk_format;
    if (img.container_format)
        body["container_format"] = *img.container_format;
    if (!img.tags.empty())
        body["tags"] = img.tags;
    if (!img.owner.empty() && img.owner != project_id)
        body["owner"] = img.owner;
    for (const auto& [key, value] : img.properties) {
        check_property(key);
        if (key == "os_hidden")
            body["os_hidden"] = true; // a property there at all hides the image, as image::select reads it
        else
            body[key] = value;
    }
    return body;
}

json json_patch(const Image& current, const Image& wanted)
{
    json ops = json::array();
    auto replace = [&ops](const char* key, json value) {
        ops.push_back({{"op", "replace"}, {"path", std::string("/") + key}, {"value", std::move(value)}});
    };
    if (wanted.name != current.name)
        replace("name", or_null(wanted.name));
    if (wanted.visibility != current.visibility)
        replace("visibility", wanted.visibility);
    if (wanted.is_protected != current.is_protected)
        replace("protected", wanted.is_protected);
    if (wanted.disk_format != current.disk_format)
        replace("disk_format", or_null(wanted.disk_format));
    if (wanted.container_format != current.container_format)
        replace("container_format", or_null(wanted.container_format));
    if (wanted.min_disk != current.min_disk)
        replace("min_disk", wanted.min_disk);
    if (wanted.min_ram != current.min_ram)
        replace("min_ram", wanted.min_ram);
    if (wanted.owner != current.owner)
        replace("owner", wanted.owner.empty() ? json(nullptr) : json(wanted.owner));
    // Glance keeps tags as a set: another order is no change.
    std::set<std::string> tags_now(current.tags.begin(), current.tags.end());
    if (std::set<std::string>(wanted.tags.begin(), wanted.tags.end()) != tags_now)
        replace("tags", wanted.tags);
    bool hidden = wanted.properties.count("os_hidden") > 0;
    if (hidden != (current.properties.count("os_hidden") > 0))
        replace("os_hidden", hidden);
    for (const auto& [key, value] : wanted.properties) {
        if (key == "os_hidden")
            continue;
        check_property(key);
        auto it = current.properties.find(key);
        if (it == current.properties.end())
            ops.push_back({{"op", "add"}, {"path", pointer(key)}, {"value", value}});
        else if (it->second != value)
            ops.push_back({{"op", "replace"}, {"path", pointer(key)}, {"value", value}});
    }
    for (const auto& [key, value] : current.properties)
        if (key != "os_hidden" && !wanted.properties.count(key))
            ops.push_back({{"op", "remove"}, {"path", pointer(key)}});
    return ops;
}

ListPlan list_plan(const image::ImageQuery& q)
{
    ListPlan plan;
    plan.local = q;
    plan.local.filters.clear();
    bool exact = true;
    bool visibility = false;
    auto send = [&plan](std::string key, std::string value) {
        plan.params.emplace_back(std::move(key), std::move(value));
    };
    for (const auto& [key, value] : q.filters) {
        if (key == "member") {
            plan.member = value;
            exact = false;
            continue;
        }
        // Applied again in memory: exact whatever an upstream made of it.
        plan.local.filters.emplace_back(key, value);
        std::string_view property = std::string_view(key).substr(key.starts_with("property:") ? 9 : key.size());
        if (kOperatorFilters.count(key) && value.find(':') == std::string::npos) {
            send(key, value);
        } else if (key == "owner" || key == "visibility") {
            send(key, value);
            visibility = visibility || key == "visibility";
        } else if (key == "public" && value == "1") {
            send("visibility", "public");
            visibility = true;
        } else if (key == "protected") {
            send("protected", value == "1" ? "true" : "false");
        } else if (key == "property:os_hidden" && value == "true") {
            send("os_hidden", "true");
        } else if (key != "property:os_hidden" && glance_filters_property(property)) {
            send(std::string(property), value);
        } else {
            exact = false;
        }
    }
    // Glance v2 has no changes-since (and shows no deleted image): select() applies it over every page.
    if (q.changes_since)
        exact = false;
    for (const auto& tag : q.tags) {
        // Glance strips a tag of its spaces: such a tag is looked for here only.
        if (!tag.empty() && !std::isspace(static_cast<unsigned char>(tag.front())) &&
            !std::isspace(static_cast<unsigned char>(tag.back())))
            send("tag", tag);
    }
    if (q.size_min)
        send("size_min", std::to_string(*q.size_min));
    if (q.size_max)
        send("size_max", std::to_string(*q.size_max));
    if (plan.member && !visibility)
        send("visibility", "shared"); // only shared images have members
    if (q.member_status != "accepted")
        send("member_status", q.member_status);

    // Glance ends every sort with created_at and id; so does the order select() puts the images in.
    auto& sort = plan.local.sort;
    bool ascending = sort.empty() ? false : sort.back().second;
    auto has = [&sort](const char* key) {
        return std::any_of(sort.begin(), sort.end(), [key](const auto& k) { return k.first == key; });
    };
    if (!has("id")) {
        if (!has("created_at"))
            sort.emplace_back("created_at", ascending);
        sort.emplace_back("id", ascending);
    }
    if (std::all_of(sort.begin(), sort.end(), [](const auto& k) { return kSortable.count(k.first) > 0; })) {
        for (const auto& [key, up] : sort) {
            send("sort_key", key);
            send("sort_dir", up ? "asc" : "desc");
        }
    } else {
        exact = false;
    }

    plan.paged = exact && q.limit > 0;
    if (plan.paged) {
        send("limit", std::to_string(q.limit));
        if (!q.marker.empty())
            send("marker", q.marker);
        plan.local.marker.clear();
    } else {
        send("limit", std::to_string(kPage));
    }
    return plan;
}

Images::Images(std::shared_ptr<const Upstream> upstream) : calls_(std::move(upstream), "image") {}

bool Images::is_member(const Context& ctx, const Image& img, const std::string& member_id) const
{
    // Glance lists another project's shared image to a user only when their project is one of its members.
    if (!ctx.is_admin() && member_id == ctx.project_id && img.owner != ctx.project_id && img.visibility == "shared")
        return true;
    try {
        calls_.call(ctx, "GET", image_path(img.id) + "/members/" + segment(member_id), nullptr, {200});
        return true;
    } catch (const NotFound&) {
        return false;
    } catch (const Forbidden&) { // an image that is not shared has no members
        return false;
    }
}

std::vector<Image> Images::imageList(const Context& ctx, const image::ImageQuery& q) const
{
    ListPlan plan = list_plan(q);
    std::vector<Image> items;
    std::set<std::string> seen;
    auto params = plan.params;
    for (;;) {
        json page = calls_.call(ctx, "GET", "/v2/images" + query_string(params), nullptr, {200});
        std::size_t before = items.size();
        if (auto images = page.find("images"); page.is_object() && images != page.end() && images->is_array())
            for (const auto& v2 : *images)
                if (Image img = image_of(v2); seen.insert(img.id).second)
                    items.push_back(std::move(img));
        // Glance writes its next link from a dict of the query, which keeps one sort_key and one tag: the
        // next page is asked with this query and the marker the link names.
        std::string marker = page.is_object() ? next_marker(page) : "";
        if (marker.empty() || items.size() == before || (plan.paged && items.size() >= q.limit))
            break;
        std::erase_if(params, [](const auto& p) { return p.first == "marker"; });
        params.emplace_back("marker", marker);
    }
    if (plan.member)
        std::erase_if(items, [&](const Image& img) { return !is_member(ctx, img, *plan.member); });
    return image::select(plan.local, std::move(items));
}

Image Images::imageGet(const Context& ctx, const std::string& image_id) const
{
    return image_of(calls_.call(ctx, "GET", image_path(image_id), nullptr, {200}));
}

namespace {

// refuse_location: v1's external locations are a store the upstream Glance is not asked to read.
void refuse_location(const Image& image)
{
    if (image.location)
        throw BadRequest("External sources are not supported: the upstream's images keep their data in its store.");
}

} // namespace

Image Images::imageCreate(const Context& ctx, const Image& image) const
{
    refuse_location(image);
    return image_of(calls_.call(ctx, "POST", "/v2/images", create_body(image, ctx.project_id), {201}));
}

Image Images::imageUpdate(const Context& ctx, const Image& image) const
{
    refuse_location(image);
    Image current = imageGet(ctx, image.id);
    json patch = json_patch(current, image);
    Image stored =
        patch.empty() ? current : image_of(calls_.call(ctx, "PATCH", image_path(image.id), patch, {200}, kPatchType));
    // Glance changes an image's status only by its actions, and of them only these two.
    auto switchable = [](const std::string& s) { return s == "active" || s == "deactivated"; };
    if (image.status != stored.status && switchable(image.status) && switchable(stored.status)) {
        calls_.call(ctx, "POST",
                    image_path(image.id) + (image.status == "active" ? "/actions/reactivate" : "/actions/deactivate"),
                    nullptr, {204});
        stored = imageGet(ctx, image.id);
    }
    return stored;
}

void Images::imageDelete(const Context& ctx, const std::string& image_id) const
{
    calls_.call(ctx, "DELETE", image_path(image_id), nullptr, {204});
}

Image Images::imageUpload(const Context& ctx, const std::string& image_id, BodySource& data,
                          const image::Expected& expected) const
{
    Checked checked(data, expected);
    Call c{.method = "PUT", .url = image_path(image_id) + "/file"};
    c.headers.emplace_back("Content-Type", "application/octet-stream");
    c.body = &checked;
    c.body_length = expected.size.value_or(-1);
    try {
        calls_.open(ctx, std::move(c), {204})->text(kCallJsonMax);
    } catch (const Fault&) {
        checked.rethrow(); // the client's data stopped the upload: that is the answer, not what the cut did
        throw;
    }
    return imageGet(ctx, image_id);
}

image::ImageData Images::imageDownload(const Context& ctx, const std::string& image_id) const
{
    auto answer = calls_.open(ctx, Call{.method = "GET", .url = image_path(image_id) + "/file"}, {200, 204});
    if (answer->status() == 204)
        throw NotFound("Image " + image_id + " has no data.");
    long long size = answer->content_length();
    return {.source = std::move(answer), .file = {}, .size = size};
}

std::vector<Member> Images::memberList(const Context& ctx, const std::string& image_id) const
{
    json body = calls_.call(ctx, "GET", image_path(image_id) + "/members", nullptr, {200});
    std::vector<Member> out;
    if (auto members = body.find("members"); body.is_object() && members != body.end() && members->is_array())
        for (const auto& m : *members)
            out.push_back(member_of(m));
    return out;
}

Member Images::memberPut(const Context& ctx, const Member& member) const
{
    if (member.can_share)
        throw BadRequest("The upstream's Glance v2 has no can_share: a member cannot be let share the image.");
    std::string members = image_path(member.image_id) + "/members";
    std::string path = members + "/" + segment(member.member_id);
    Member stored;
    try {
        stored = member_of(calls_.call(ctx, "GET", path, nullptr, {200}));
    } catch (const NotFound&) {
        stored = member_of(calls_.call(ctx, "POST", members, json{{"member", member.member_id}}, {200}));
    }
    if (stored.status != member.status)
        stored = member_of(calls_.call(ctx, "PUT", path, json{{"status", member.status}}, {200}));
    return stored;
}

void Images::memberDelete(const Context& ctx, const std::string& image_id, const std::string& member_id) const
{
    calls_.call(ctx, "DELETE", image_path(image_id) + "/members/" + segment(member_id), nullptr, {204});
}

} // namespace jumpgate::openstack
