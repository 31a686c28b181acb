// SPDX-License-Identifier: Apache-2.0
// Nova's image proxy (/images, gone from 2.36): the image service's images in Compute's shapes.
#include <jumpgate/driver/compute.hpp>

#include <jumpgate/fault.hpp>
#include <jumpgate/time.hpp>

#include "api/common/listing.hpp"
#include "api/common/validation.hpp"
#include "api/compute/servers.hpp"
#include "api/image/glance.hpp"

namespace jumpgate::compute {

namespace {

using image::Image;

// Nova's names for Glance's statuses, and the progress it shows with them.
std::string status_of(const Image& img)
{
    if (img.status == "active")
        return "ACTIVE";
    if (img.status == "queued" || img.status == "saving" || img.status == "uploading" || img.status == "importing")
        return "SAVING";
    if (img.status == "killed" || img.status == "deactivated")
        return "ERROR";
    if (img.status == "deleted" || img.status == "pending_delete")
        return "DELETED";
    return "UNKNOWN";
}

int progress_of(const Image& img)
{
    if (img.status == "active")
        return 100;
    return img.status == "saving" ? 50 : img.status == "queued" ? 25 : 0;
}

// Status filter values of the proxy, back to Glance's.
std::string glance_status(std::string_view nova)
{
    if (nova == "ACTIVE")
        return "active";
    if (nova == "SAVING")
        return "saving";
    if (nova == "ERROR")
        return "killed";
    if (nova == "DELETED")
        return "deleted";
    return "-no-such-status-";
}

void check_proxy_version(const Request& req)
{
    if (req.version().at_least(2, 36))
        throw NotFound("The resource could not be found.");
}

json links_of(const Request& req, const Image& img)
{
    const Dispatcher& d = *req.dispatcher();
    std::string glance = req.scheme() + "://" + req.host() + "/image/images/" + img.id;
    return {{{"rel", "self"}, {"href", d.endpoint_url(req, "v2_image", {{"image_guid", img.id}})}},
            {{"rel", "bookmark"}, {"href", d.base_url(req) + "/images/" + img.id}},
            {{"rel", "alternate"}, {"type", "application/vnd.openstack.image"}, {"href", glance}}};
}

json detail_view(const Request& req, const Image& img)
{
    json view = {{"id", img.id},
                 {"name", img.name.value_or("")},
                 {"status", status_of(img)},
                 {"progress", progress_of(img)},
                 {"minDisk", img.min_disk},
                 {"minRam", img.min_ram},
                 {"metadata", img.properties},
                 {"created", api::iso_time_z(img.created_at)},
                 {"updated", api::iso_time_z(img.updated_at)},
                 {"links", links_of(req, img)},
                 {"OS-DCF:diskConfig", "MANUAL"}};
    if (img.size)
        view["OS-EXT-IMG-SIZE:size"] = *img.size;
    if (auto it = img.properties.find("instance_uuid"); it != img.properties.end())
        view["server"] = {
            {"id", it->second},
            {"links",
             {{{"rel", "self"},
               {"href", req.dispatcher()->endpoint_url(req, "v2_server", {{"server_id", it->second}})}},
              {{"rel", "bookmark"}, {"href", req.dispatcher()->base_url(req) + "/servers/" + it->second}}}}};
    return view;
}

image::ImageQuery query_of(const Request& req)
{
    image::ImageQuery q;
    api::Page page = api::Page::from(req);
    q.limit = page.limit;
    q.marker = page.marker;
    q.member_status = "all";
    if (req.has_query("name"))
        q.filters.emplace_back("name", std::string(req.query("name")));
    if (req.has_query("status"))
        q.filters.emplace_back("status", glance_status(req.query("status")));
    // The server is its id or any of its links, whose last segment is the id, as Nova reads it.
    if (req.has_query("server")) {
        std::string server(req.query("server"));
        if (auto slash = server.rfind('/'); slash != std::string::npos)
            server = server.substr(slash + 1);
        q.filters.emplace_back("property:instance_uuid", server);
    }
    if (req.has_query("type")) {
        std::string type(req.query("type"));
        if (type == "snapshot")
            q.filters.emplace_back("property:image_type", "snapshot");
    }
    q.sort.emplace_back("created_at", false);
    return q;
}

// What the proxy's metadata calls take: {"<key>": {...}} of Nova's metadata, within the project's metadata_items quota.
std::map<std::string, std::string> metadata_of(const json& body, const char* key)
{
    if (!body.is_object() || !body.contains(key))
        throw BadRequest(std::string("Invalid input: the body must be {\"") + key + "\": {...}}.");
    return api::nova_metadata(body[key], key);
}

} // namespace

namespace {

using Proxy = Proxied<image::Driver>;

void list_images(const Proxy& drivers, const Request& req, Response& resp, bool detail)
{
    check_proxy_version(req);
    image::ImageQuery q = query_of(req);
    auto found = drivers.other->imageList(req.context(), q);
    long long min_ram = req.has_query("minRam") ? api::parse_int("minRam", req.query("minRam")) : 0;
    long long min_disk = req.has_query("minDisk") ? api::parse_int("minDisk", req.query("minDisk")) : 0;
    std::optional<std::int64_t> since;
    if (req.has_query("changes-since") && !(since = api::parse_iso_time(req.query("changes-since"))))
        throw BadRequest("Invalid filter field: changes-since.");
    json views = json::array();
    for (const auto& img : found) {
        if (img.min_ram < min_ram || img.min_disk < min_disk || (since && img.updated_at < *since))
            continue;
        views.push_back(detail
                            ? detail_view(req, img)
                            : json({{"id", img.id}, {"name", img.name.value_or("")}, {"links", links_of(req, img)}}));
    }
    json body = {{"images", std::move(views)}};
    if (q.limit && found.size() == q.limit)
        body["images_links"] = api::next_links(req, found.back().id);
    resp.json(std::move(body));
}

Image image_of(const Proxy& drivers, const Request& req)
{
    check_proxy_version(req);
    return drivers.other->imageGet(req.context(), req.param("image_guid"));
}

void show_image(const Proxy& drivers, const Request& req, Response& resp)
{
    resp.json({{"image", detail_view(req, image_of(drivers, req))}});
}

void delete_image(const Proxy& drivers, const Request& req, Response& resp)
{
    Image img = image_of(drivers, req);
    image::check_owner(req.context(), img);
    if (img.is_protected)
        throw Forbidden("Image " + img.id + " is protected and cannot be deleted.");
    drivers.other->imageDelete(req.context(), img.id);
    resp.status = 204;
    resp.clear_body();
}

// Metadata: an image's properties, as seed 000 lists them; what is stored, within the metadata quota.
std::map<std::string, std::string> store_metadata(const Proxy& drivers, const Request& req, Image img,
                                                  std::map<std::string, std::string> md)
{
    check_metadata_quota(*drivers.compute, req, md);
    image::check_owner(req.context(), img);
    img.properties = std::move(md);
    img.updated_at = api::unix_now();
    return drivers.other->imageUpdate(req.context(), img).properties;
}

void show_metadata(const Proxy& drivers, const Request& req, Response& resp)
{
    resp.json({{"metadata", image_of(drivers, req).properties}});
}

void add_metadata(const Proxy& drivers, const Request& req, Response& resp)
{
    Image img = image_of(drivers, req);
    auto md = img.properties;
    for (auto& [k, v] : metadata_of(req.json_body(), "metadata"))
        md[k] = v;
    resp.json({{"metadata", store_metadata(drivers, req, img, md)}});
}

void replace_metadata(const Proxy& drivers, const Request& req, Response& resp)
{
    Image img = image_of(drivers, req);
    resp.json({{"metadata", store_metadata(drivers, req, img, metadata_of(req.json_body(), "metadata"))}});
}

void show_metadata_item(const Proxy& drivers, const Request& req, Response& resp)
{
    Image img = image_of(drivers, req);
    auto it = img.properties.find(req.param("key"));
    if (it == img.properties.end())
        throw NotFound("Image " + img.id + " has no metadata item " + req.param("key") + ".");
    resp.json({{"meta", {{it->first, it->second}}}});
}

void set_metadata_item(const Proxy& drivers, const Request& req, Response& resp)
{
    Image img = image_of(drivers, req);
    auto item = metadata_of(req.json_body(), "meta");
    if (item.size() != 1)
        throw BadRequest("Request body contains too many items");
    if (item.begin()->first != req.param("key"))
        throw BadRequest("Request body and URI mismatch");
    auto md = img.properties;
    md[item.begin()->first] = item.begin()->second;
    store_metadata(drivers, req, img, md);
    resp.json({{"meta", item}});
}

void delete_metadata_item(const Proxy& drivers, const Request& req, Response& resp)
{
    Image img = image_of(drivers, req);
    auto md = img.properties;
    if (!md.erase(req.param("key")))
        throw NotFound("Image " + img.id + " has no metadata item " + req.param("key") + ".");
    store_metadata(drivers, req, img, md);
    resp.status = 204;
    resp.clear_body();
}

using image::Op;
constexpr Operations kChange{Op::imageGet, Op::imageUpdate};

const Binding<Proxy> kImageProxyBindings[] = {
    {"v2_images",
     "GET",
     {Op::imageList},
     [](const Proxy& drivers, const Request& req, Response& resp) { list_images(drivers, req, resp, false); }},
    {"v2_images_detail",
     "GET",
     {Op::imageList},
     [](const Proxy& drivers, const Request& req, Response& resp) { list_images(drivers, req, resp, true); }},
    {"v2_image", "GET", {Op::imageGet}, show_image},
    {"v2_image", "DELETE", {Op::imageGet, Op::imageDelete}, delete_image},
    {"v2_image_metadata", "GET", {Op::imageGet}, show_metadata},
    {"v2_image_metadata", "POST", kChange, add_metadata},
    {"v2_image_metadata", "PUT", kChange, replace_metadata},
    {"v2_image_metadata_key", "GET", {Op::imageGet}, show_metadata_item},
    {"v2_image_metadata_key", "PUT", kChange, set_metadata_item},
    {"v2_image_metadata_key", "DELETE", kChange, delete_metadata_item},
};

} // namespace

void install_image_proxy(Dispatcher& disp, const App& app)
{
    auto proxy = std::make_shared<const Proxy>(Proxy{app.compute().driver, app.image().driver});
    bind_table(disp, std::span<const Binding<Proxy>>(kImageProxyBindings), proxy,
               app.compute().operations | app.image().operations);
}

} // namespace jumpgate::compute
