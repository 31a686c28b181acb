// SPDX-License-Identifier: Apache-2.0
// Glance v2: images, their data, tags, members and schemas, over the typed Image driver.
#include "api/image/glance.hpp"

#include <algorithm>
#include <set>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"

namespace jumpgate::image {

namespace {

using api::glance::is_uuid;

// Attributes Glance owns: a user may not set them (403), and they are never properties.
const std::set<std::string, std::less<>> kReadOnly = {
    "checksum",     "created_at",    "direct_url", "file",       "id",     "locations",
    "os_hash_algo", "os_hash_value", "schema",     "self",       "size",   "status",
    "updated_at",   "virtual_size",  "deleted",    "deleted_at", "stores", "owner"};
// Attributes that are columns, not free-form properties.
const std::set<std::string, std::less<>> kCore = {
    "name", "visibility", "protected", "os_hidden", "container_format", "disk_format", "min_disk", "min_ram", "tags"};

const char* const kPatchType = "application/openstack-images-v2.1-json-patch";

json member_view(const Member& m)
{
    return {{"image_id", m.image_id},
            {"member_id", m.member_id},
            {"status", m.status},
            {"created_at", api::iso_time_z(m.created_at)},
            {"updated_at", api::iso_time_z(m.updated_at)},
            {"schema", "/v2/schemas/member"}};
}

template <class T> json or_null(const std::optional<T>& v)
{
    return v ? json(*v) : json(nullptr);
}

// Sets one core attribute or property of `img` from a JSON value, validating it as Glance's schema does.
void assign(Image& img, const std::string& key, const json& value)
{
    auto want_string = [&](bool nullable) {
        if (value.is_null() && nullable)
            return std::optional<std::string>();
        if (!value.is_string())
            throw BadRequest("Invalid type for " + key + ": expected a string.");
        api::glance::check_text(key, value.get_ref<const std::string&>());
        return std::optional<std::string>(value.get<std::string>());
    };
    auto want_count = [&] {
        if (!value.is_number_integer() || value.get<long long>() < 0)
            throw BadRequest("Invalid value for " + key + ": expected a non-negative integer.");
        return value.get<long long>();
    };
    if (key == "name") {
        img.name = want_string(true);
    } else if (key == "visibility") {
        auto v = want_string(false);
        if (!api::glance::valid_visibility(*v))
            throw BadRequest("Invalid visibility value: " + *v);
        img.visibility = *v;
    } else if (key == "protected") {
        if (!value.is_boolean())
            throw BadRequest("Invalid value for protected: expected a boolean.");
        img.is_protected = value.get<bool>();
    } else if (key == "os_hidden") {
        if (!value.is_boolean())
            throw BadRequest("Invalid value for os_hidden: expected a boolean.");
        if (value.get<bool>())
            img.properties["os_hidden"] = "true";
        else
            img.properties.erase("os_hidden");
    } else if (key == "container_format") {
        img.container_format = want_string(true);
        if (img.container_format && !api::glance::valid_container_format(*img.container_format))
            throw BadRequest("Invalid container_format: " + *img.container_format);
    } else if (key == "disk_format") {
        img.disk_format = want_string(true);
        if (img.disk_format && !api::glance::valid_disk_format(*img.disk_format))
            throw BadRequest("Invalid disk_format: " + *img.disk_format);
    } else if (key == "min_disk") {
        img.min_disk = want_count();
    } else if (key == "min_ram") {
        img.min_ram = want_count();
    } else if (key == "tags") {
        if (!value.is_array())
            throw BadRequest("Invalid value for tags: expected an array of strings.");
        std::vector<std::string> tags;
        for (const auto& t : value) {
            if (!t.is_string() || api::utf8_length(t.get_ref<const std::string&>()) > 255)
                throw BadRequest("Invalid tag: expected a string of at most 255 characters.");
            if (std::find(tags.begin(), tags.end(), t.get<std::string>()) == tags.end())
                tags.push_back(t.get<std::string>());
        }
        img.tags = std::move(tags);
    } else {
        // v1 shows a property as a header named after it: its name must be text a header can carry too.
        api::glance::check_text("property name", key);
        img.properties[key] = *want_string(false);
    }
}

// The owner an admin gives: a project id, shown by v1 as x-image-meta-owner.
std::string owner_of(const json& value)
{
    if (!value.is_string())
        throw BadRequest("Invalid value for owner.");
    api::glance::check_text("owner", value.get_ref<const std::string&>());
    return value.get<std::string>();
}

void check_writable(const Context& ctx, const std::string& key)
{
    // Glance keeps the os_glance_ namespace for what it sets itself (an import's progress, say), to admins too.
    if (key.starts_with("os_glance"))
        throw Forbidden("Attribute '" + key + "' is reserved.");
    if (key == "owner" && ctx.is_admin())
        return;
    if (kReadOnly.count(key))
        throw Forbidden("Attribute '" + key + "' is read-only.");
}

void check_visibility_change(const Context& ctx, const Image& img)
{
    if (img.visibility == "public" && !ctx.is_admin())
        throw Forbidden("You are not authorized to complete publicize_image action.");
}

// The JSON Patch path "/a~1b" as the attribute name "a/b".
std::string patch_attribute(const json& op)
{
    if (!op.contains("path") || !op["path"].is_string())
        throw BadRequest("Unable to find 'path' in JSON Schema change");
    std::string path = op["path"];
    if (path.size() < 2 || path[0] != '/' || path.find('/', 1) != std::string::npos)
        throw BadRequest("Invalid JSON pointer for this resource: '" + path + "'");
    std::string out;
    for (std::size_t i = 1; i < path.size(); ++i) {
        if (path[i] == '~' && i + 1 < path.size() && (path[i + 1] == '0' || path[i + 1] == '1')) {
            out.push_back(path[i + 1] == '0' ? '~' : '/');
            ++i;
        } else {
            out.push_back(path[i]);
        }
    }
    return out;
}

ImageQuery parse_v2_query(const Request& req)
{
    ImageQuery q;
    api::Page page = api::Page::from(req);
    q.limit = page.limit ? std::min<std::size_t>(page.limit, 1000) : 25;
    q.marker = page.marker;
    for (const auto& [key, value] : req.query_pairs()) {
        if (key == "limit" || key == "marker" || key == "sort_key" || key == "sort_dir" || key == "sort")
            continue;
        if (key == "tag") {
            q.tags.push_back(value);
        } else if (key == "size_min" || key == "size_max") {
            (key == "size_min" ? q.size_min : q.size_max) = api::parse_int(key, value);
        } else if (key == "size") {
            q.size_min = q.size_max = api::parse_int(key, value);
        } else if (key == "member_status") {
            if (value != "pending" && value != "accepted" && value != "rejected" && value != "all")
                throw BadRequest("Invalid member_status: " + value);
            q.member_status = value;
        } else if (key == "visibility") {
            if (value != "all" && !api::glance::valid_visibility(value))
                throw BadRequest("Invalid visibility value: " + value);
            if (value != "all")
                q.filters.emplace_back(key, value);
        } else if (key == "os_hidden") {
            // Hidden images are listed only when asked for; nothing else is hidden here.
            if (api::parse_bool(key, value))
                q.filters.emplace_back("property:os_hidden", "true");
        } else if (key == "name" || key == "status" || key == "owner" || key == "disk_format" ||
                   key == "container_format" || key == "id" || key == "protected") {
            q.filters.emplace_back(key, key == "protected" ? (api::parse_bool(key, value) ? "1" : "0") : value);
        } else if (key == "created_at" || key == "updated_at" || key == "checksum" || key == "os_hash_value") {
            throw BadRequest("Filtering on " + key + " is not supported.");
        } else {
            q.filters.emplace_back("property:" + key, value);
        }
    }
    auto add_sort = [&](const std::string& key, const std::string& dir) {
        if (!api::glance::valid_sort_key(key))
            throw BadRequest("Invalid sort key: " + key + ".");
        if (dir != "asc" && dir != "desc")
            throw BadRequest("Invalid sort direction: " + dir + ".");
        q.sort.emplace_back(key, dir == "asc");
    };
    if (req.has_query("sort")) {
        if (req.has_query("sort_key") || req.has_query("sort_dir"))
            throw BadRequest("The sort param cannot be used with sort_key or sort_dir.");
        std::string spec(req.query("sort"));
        std::size_t start = 0;
        while (start <= spec.size()) {
            std::size_t comma = spec.find(',', start);
            std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            std::string dir = "desc";
            if (auto colon = item.find(':'); colon != std::string::npos) {
                dir = item.substr(colon + 1);
                item.resize(colon);
            }
            add_sort(item, dir);
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
    } else {
        auto keys = req.query_all("sort_key");
        auto dirs = req.query_all("sort_dir");
        if (dirs.size() > 1 && dirs.size() != keys.size())
            throw BadRequest("Number of sort dirs does not match the number of sort keys.");
        for (std::size_t i = 0; i < keys.size(); ++i)
            add_sort(keys[i], dirs.empty() ? "desc" : dirs[dirs.size() == 1 ? 0 : i]);
        if (keys.empty() && !dirs.empty())
            add_sort("created_at", dirs[0]);
    }
    if (q.sort.empty())
        q.sort.emplace_back("created_at", false);
    return q;
}

std::string query_without(const Request& req, const std::string& marker)
{
    std::string out;
    for (const auto& [key, value] : req.query_pairs()) {
        if (key == "marker")
            continue;
        out += (out.empty() ? "?" : "&") + api::url_encode(key) + "=" + api::url_encode(value);
    }
    out += (out.empty() ? "?" : "&") + std::string("marker=") + marker;
    return out;
}

// Only the owner (or an admin) shares; members only of a shared image.
void check_can_share(const Context& ctx, const Image& img)
{
    check_owner(ctx, img);
    if (img.visibility != "shared")
        throw Forbidden("Only shared images have members.");
}

} // namespace

json view_v2(const Image& img)
{
    json view = {{"id", img.id},
                 {"name", or_null(img.name)},
                 {"status", img.status},
                 {"visibility", img.visibility},
                 {"protected", img.is_protected},
                 {"os_hidden", img.properties.count("os_hidden") > 0},
                 {"owner", img.owner.empty() ? json(nullptr) : json(img.owner)},
                 {"container_format", or_null(img.container_format)},
                 {"disk_format", or_null(img.disk_format)},
                 {"size", or_null(img.size)},
                 {"virtual_size", or_null(img.virtual_size)},
                 {"checksum", or_null(img.checksum)},
                 {"os_hash_algo", or_null(img.os_hash_algo)},
                 {"os_hash_value", or_null(img.os_hash_value)},
                 {"min_disk", img.min_disk},
                 {"min_ram", img.min_ram},
                 {"tags", img.tags},
                 {"created_at", api::iso_time_z(img.created_at)},
                 {"updated_at", api::iso_time_z(img.updated_at)},
                 {"self", "/v2/images/" + img.id},
                 {"file", "/v2/images/" + img.id + "/file"},
                 {"schema", "/v2/schemas/image"}};
    for (const auto& [key, value] : img.properties)
        if (key != "os_hidden")
            view[key] = value;
    return view;
}

void check_owner(const Context& ctx, const Image& img)
{
    if (!ctx.is_admin() && img.owner != ctx.project_id)
        throw Forbidden("You are not permitted to modify image " + img.id + ".");
}

bool accel_redirect(const Request& req, Response& resp, const Image& img, const ImageData& data)
{
    const Config* config = req.dispatcher() ? req.dispatcher()->config() : nullptr;
    if (!config || data.file.empty() || !is_uuid(img.id))
        return false;
    const std::string& prefix = config->get("image", "accel_redirect");
    std::string_view file = data.file;
    // The location is an alias of the store: the file must be there under the image's id.
    if (prefix.empty() || file.substr(file.rfind('/') + 1) != img.id)
        return false;
    resp.set_header("X-Accel-Redirect", prefix + (prefix.back() == '/' ? "" : "/") + img.id);
    resp.bytes("", "application/octet-stream");
    return true;
}

namespace {

void list(const Driver& driver, const Request& req, Response& resp)
{
    ImageQuery q = parse_v2_query(req);
    auto images = driver.imageList(req.context(), q);
    json views = json::array();
    for (const auto& img : images)
        views.push_back(view_v2(img));
    json body = {{"images", std::move(views)}, {"first", "/v2/images"}, {"schema", "/v2/schemas/images"}};
    if (images.size() == q.limit && !images.empty())
        body["next"] = "/v2/images" + query_without(req, images.back().id);
    resp.json(std::move(body));
}

void create(const Driver& driver, const Request& req, Response& resp)
{
    const json& body = req.json_body();
    if (!body.is_object())
        throw BadRequest("Image body must be a JSON object.");
    const Context& ctx = req.context();
    Image img;
    img.owner = ctx.project_id;
    img.visibility = "shared";
    for (const auto& [key, value] : body.items()) {
        if (key == "id") {
            if (!value.is_string() || !is_uuid(value.get<std::string>()))
                throw BadRequest("Invalid id: it must be a UUID.");
            img.id = value.get<std::string>();
            continue;
        }
        check_writable(ctx, key);
        if (key == "owner") {
            img.owner = owner_of(value);
            continue;
        }
        assign(img, key, value);
    }
    check_visibility_change(ctx, img);
    if (img.id.empty())
        img.id = new_uuid();
    img.created_at = img.updated_at = api::unix_now();
    Image made = driver.imageCreate(ctx, img);
    resp.status = 201;
    resp.set_header("Location", req.dispatcher()->base_url(req) + "/v2/images/" + made.id);
    resp.json(view_v2(made));
}

void show(const Driver& driver, const Request& req, Response& resp)
{
    resp.json(view_v2(driver.imageGet(req.context(), req.param("image_guid"))));
}

void update(const Driver& driver, const Request& req, Response& resp)
{
    std::string type(req.content_type().substr(0, req.content_type().find(';')));
    if (type != kPatchType && type != "application/openstack-images-v2.0-json-patch")
        throw UnsupportedMediaType("Unsupported Content-Type; use " + std::string(kPatchType) + ".");
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    check_owner(ctx, img);
    const json& ops = req.json_body();
    if (!ops.is_array())
        throw BadRequest("A JSON Patch is a list of changes.");
    Image changed = img;
    const bool draft10 = type != kPatchType;
    for (json op : ops) {
        // The v2.0 media type writes a change as {"replace": "/name", "value": ...}.
        if (draft10 && op.is_object())
            for (const char* verb : {"add", "replace", "remove"})
                if (op.contains(verb) && !op.contains("op")) {
                    op["op"] = verb;
                    op["path"] = op[verb];
                    op.erase(verb);
                    break;
                }
        if (!op.is_object() || !op.contains("op") || !op["op"].is_string())
            throw BadRequest("Unable to find 'op' in JSON Schema change");
        std::string verb = op["op"];
        std::string key = patch_attribute(op);
        check_writable(ctx, key);
        if (verb == "add" || verb == "replace") {
            if (!op.contains("value"))
                throw BadRequest("Operation \"" + verb + "\" requires a member named \"value\".");
            if (verb == "replace" && !kCore.count(key) && key != "owner" && !changed.properties.count(key))
                throw Conflict("Property " + key + " does not exist.");
            if (key == "owner") {
                changed.owner = owner_of(op["value"]);
            } else {
                assign(changed, key, op["value"]);
            }
        } else if (verb == "remove") {
            if (kCore.count(key))
                throw Forbidden("Attribute '" + key + "' cannot be removed.");
            if (!changed.properties.erase(key))
                throw Conflict("Property " + key + " does not exist.");
        } else {
            throw BadRequest("Invalid operation: `" + verb + "`: it must be one of add, remove, replace.");
        }
    }
    if (changed.visibility != img.visibility)
        check_visibility_change(ctx, changed);
    changed.updated_at = api::unix_now();
    resp.json(view_v2(driver.imageUpdate(ctx, changed)));
}

void remove(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    check_owner(ctx, img);
    if (img.is_protected)
        throw Forbidden("Image " + img.id + " is protected and cannot be deleted.");
    driver.imageDelete(ctx, img.id);
    resp.status = 204;
    resp.clear_body();
}

void tag_add(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    check_owner(ctx, img);
    const std::string& tag = req.param("tag");
    if (api::utf8_length(tag) > 255)
        throw BadRequest("Tags are at most 255 characters.");
    if (std::find(img.tags.begin(), img.tags.end(), tag) == img.tags.end()) {
        img.tags.push_back(tag);
        img.updated_at = api::unix_now();
        driver.imageUpdate(ctx, img);
    }
    resp.status = 204;
    resp.clear_body();
}

void tag_remove(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    check_owner(ctx, img);
    auto it = std::find(img.tags.begin(), img.tags.end(), req.param("tag"));
    if (it == img.tags.end())
        throw NotFound("Tag " + req.param("tag") + " not found.");
    img.tags.erase(it);
    img.updated_at = api::unix_now();
    driver.imageUpdate(ctx, img);
    resp.status = 204;
    resp.clear_body();
}

// deactivate and reactivate: the image's project (or an admin) takes its data out of use and back, as Glance's
// default policy lets a member of the owner do; either is idempotent.
void set_active(const Driver& driver, const Request& req, Response& resp, bool active)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    if (!ctx.is_admin() && img.owner != ctx.project_id)
        throw Forbidden("You are not authorized to complete " + std::string(active ? "reactivate" : "deactivate") +
                        " action.");
    if (img.status != "active" && img.status != "deactivated")
        throw Forbidden("Not allowed to " + std::string(active ? "reactivate" : "deactivate") +
                        " an image in status '" + img.status + "'.");
    img.status = active ? "active" : "deactivated";
    img.updated_at = api::unix_now();
    driver.imageUpdate(ctx, img);
    resp.status = 204;
    resp.clear_body();
}

void download(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    if (img.status == "deactivated" && !ctx.is_admin())
        throw Forbidden("The requested image has been deactivated. Image data download is forbidden.");
    if (img.status != "active" && img.status != "deactivated") {
        resp.status = 204; // Glance: an image without data answers with no content
        resp.clear_body();
        return;
    }
    ImageData data = driver.imageDownload(ctx, img.id);
    if (img.checksum)
        resp.set_header("Content-MD5", *img.checksum);
    if (accel_redirect(req, resp, img, data))
        return;
    resp.stream(std::move(data.source), "application/octet-stream", data.size);
}

void upload(const Driver& driver, const Request& req, Response& resp)
{
    std::string type(req.content_type().substr(0, req.content_type().find(';')));
    if (type != "application/octet-stream")
        throw UnsupportedMediaType("Image data is uploaded as application/octet-stream.");
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    check_owner(ctx, img);
    if (img.status != "queued")
        throw Conflict("Image " + img.id + " already has data (status " + img.status + ").");
    if (!img.disk_format || !img.container_format)
        throw BadRequest("Properties disk_format and container_format must be set prior to uploading data.");
    struct Empty : BodySource {
        std::size_t read(char*, std::size_t) override { return 0; }
    } empty;
    Expected expected;
    if (req.content_length() >= 0)
        expected.size = req.content_length();
    driver.imageUpload(ctx, img.id, req.body() ? *req.body() : static_cast<BodySource&>(empty), expected);
    resp.status = 204;
    resp.clear_body();
}

void members_list(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    if (img.visibility != "shared")
        throw Forbidden("Only shared images have members.");
    json list = json::array();
    for (const auto& m : driver.memberList(ctx, img.id))
        if (ctx.is_admin() || img.owner == ctx.project_id || m.member_id == ctx.project_id)
            list.push_back(member_view(m));
    resp.json({{"members", std::move(list)}, {"schema", "/v2/schemas/members"}});
}

void member_add(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    check_can_share(ctx, img);
    const json& body = req.json_body();
    if (!body.is_object() || !body.contains("member") || !body["member"].is_string() ||
        body["member"].get_ref<const std::string&>().empty())
        throw BadRequest("Body must be {\"member\": \"<project id>\"}.");
    for (const auto& m : driver.memberList(ctx, img.id))
        if (m.member_id == body["member"])
            throw Conflict("Member " + m.member_id + " already exists on image " + img.id + ".");
    Member m;
    m.image_id = img.id;
    m.member_id = body["member"];
    m.created_at = m.updated_at = api::unix_now();
    resp.json(member_view(driver.memberPut(ctx, m)));
}

void member_show(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    const std::string& id = req.param("member_id");
    if (!ctx.is_admin() && img.owner != ctx.project_id && id != ctx.project_id)
        throw NotFound("Member " + id + " not found.");
    for (const auto& m : driver.memberList(ctx, img.id))
        if (m.member_id == id)
            return resp.json(member_view(m));
    throw NotFound("Member " + id + " not found.");
}

void member_update(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    const std::string& id = req.param("member_id");
    if (id != ctx.project_id)
        throw Forbidden("Only the member itself may change its status.");
    const json& body = req.json_body();
    std::string status = body.is_object() && body.contains("status") && body["status"].is_string()
                             ? body["status"].get<std::string>()
                             : "";
    if (status != "pending" && status != "accepted" && status != "rejected")
        throw BadRequest("Status must be one of pending, accepted, rejected.");
    for (auto m : driver.memberList(ctx, img.id))
        if (m.member_id == id) {
            m.status = status;
            m.updated_at = api::unix_now();
            return resp.json(member_view(driver.memberPut(ctx, m)));
        }
    throw NotFound("Member " + id + " not found.");
}

void member_remove(const Driver& driver, const Request& req, Response& resp)
{
    const Context& ctx = req.context();
    Image img = driver.imageGet(ctx, req.param("image_guid"));
    check_can_share(ctx, img);
    driver.memberDelete(ctx, img.id, req.param("member_id"));
    resp.status = 204;
    resp.clear_body();
}

json members_schema()
{
    return {
        {"name", "members"},
        {"properties",
         {{"members", {{"type", "array"}, {"items", api::glance::member_schema()}}}, {"schema", {{"type", "string"}}}}},
        {"links", {{{"rel", "describedby"}, {"href", "{schema}"}}}}};
}

const Binding<Driver> kV2[] = {
    {"v2_images", "GET", {Op::imageList}, list},
    // The original Jumpgate's /v2/images/detail lists as /v2/images does.
    {"v2_images_detail", "GET", {Op::imageList}, list},
    {"v2_images", "POST", {Op::imageCreate}, create},
    {"v2_image", "GET", {Op::imageGet}, show},
    {"v2_image", "PATCH", {Op::imageGet, Op::imageUpdate}, update},
    {"v2_image", "DELETE", {Op::imageGet, Op::imageDelete}, remove},
    {"v2_image_tag", "PUT", {Op::imageGet, Op::imageUpdate}, tag_add},
    {"v2_image_tag", "DELETE", {Op::imageGet, Op::imageUpdate}, tag_remove},
    {"v2_image_deactivate",
     "POST",
     {Op::imageGet, Op::imageUpdate},
     [](const Driver& d, const Request& req, Response& resp) { set_active(d, req, resp, false); }},
    {"v2_image_reactivate",
     "POST",
     {Op::imageGet, Op::imageUpdate},
     [](const Driver& d, const Request& req, Response& resp) { set_active(d, req, resp, true); }},
    {"v2_image_file", "GET", {Op::imageGet, Op::imageDownload}, download},
    {"v2_image_file", "PUT", {Op::imageGet, Op::imageUpload}, upload},
    {"v2_image_members", "GET", {Op::imageGet, Op::memberList}, members_list},
    {"v2_image_members", "POST", {Op::imageGet, Op::memberList, Op::memberPut}, member_add},
    {"v2_image_member", "GET", {Op::imageGet, Op::memberList}, member_show},
    {"v2_image_member", "PUT", {Op::imageGet, Op::memberList, Op::memberPut}, member_update},
    {"v2_image_member", "DELETE", {Op::imageGet, Op::memberDelete}, member_remove},
    // The schemas describe the API, whatever the cloud behind it does.
    {"v2_schema_image",
     "GET",
     {},
     [](const Driver&, const Request&, Response& resp) { resp.json(api::glance::image_schema()); }},
    {"v2_schema_images",
     "GET",
     {},
     [](const Driver&, const Request&, Response& resp) { resp.json(api::glance::images_schema()); }},
    {"v2_schema_member",
     "GET",
     {},
     [](const Driver&, const Request&, Response& resp) { resp.json(api::glance::member_schema()); }},
    {"v2_schema_members",
     "GET",
     {},
     [](const Driver&, const Request&, Response& resp) { resp.json(members_schema()); }},
};

} // namespace

std::span<const Binding<Driver>> v2_bindings()
{
    return kV2;
}

// Every operation a driver leaves alone answers 501.
std::vector<Image> Driver::imageList(const Context&, const ImageQuery&) const
{
    throw NotImplemented("imageList");
}
Image Driver::imageGet(const Context&, const std::string&) const
{
    throw NotImplemented("imageGet");
}
Image Driver::imageCreate(const Context&, const Image&) const
{
    throw NotImplemented("imageCreate");
}
Image Driver::imageUpdate(const Context&, const Image&) const
{
    throw NotImplemented("imageUpdate");
}
void Driver::imageDelete(const Context&, const std::string&) const
{
    throw NotImplemented("imageDelete");
}
Image Driver::imageUpload(const Context&, const std::string&, BodySource&, const Expected&) const
{
    throw NotImplemented("imageUpload");
}
ImageData Driver::imageDownload(const Context&, const std::string&) const
{
    throw NotImplemented("imageDownload");
}
std::vector<Member> Driver::memberList(const Context&, const std::string&) const
{
    throw NotImplemented("memberList");
}
Member Driver::memberPut(const Context&, const Member&) const
{
    throw NotImplemented("memberPut");
}
void Driver::memberDelete(const Context&, const std::string&, const std::string&) const
{
    throw NotImplemented("memberDelete");
}

} // namespace jumpgate::image
