// SPDX-License-Identifier: Apache-2.0
// The read-only example driver: servers, flavors and images listed and shown from a JSON file.
#include <algorithm>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <jumpgate/driver.hpp>
#include <jumpgate/driver/compute.hpp>
#include <jumpgate/driver/image.hpp>
#include <jumpgate/regex.hpp>

using namespace jumpgate;

namespace {

/*
 * The file (the option readonly_file of [compute] and of [image]; they may name the same one) is
 * one JSON object:
 *   {"flavors": [{"id", "name", "vcpus", "ram", "disk", ...}],
 *    "servers": [{"id", "name", "project_id", "user_id", "flavor_id", "image_id", "vm_state",
 *                 "power_state", "addresses": [{"network", "addr", "mac"}], "metadata", "tags",
 *                 "created_at", "updated_at", ...}],
 *    "images": [{"id", "name", "visibility", "owner", "disk_format", "container_format", "size",
 *                "tags", "properties", "created_at", "updated_at", ...}]}
 * with times in Unix seconds. It is read once, when the worker starts.
 */
compute::Flavor flavor_of(const json& f)
{
    compute::Flavor flavor;
    flavor.id = f.at("id").get<std::string>();
    flavor.name = f.at("name").get<std::string>();
    flavor.vcpus = f.value("vcpus", flavor.vcpus);
    flavor.ram = f.value("ram", flavor.ram);
    flavor.disk = f.value("disk", flavor.disk);
    flavor.ephemeral = f.value("ephemeral", flavor.ephemeral);
    flavor.swap = f.value("swap", flavor.swap);
    flavor.is_public = f.value("is_public", flavor.is_public);
    if (f.contains("description"))
        flavor.description = f.at("description").get<std::string>();
    flavor.extra_specs = f.value("extra_specs", flavor.extra_specs);
    flavor.projects = f.value("projects", flavor.projects);
    return flavor;
}

compute::Server server_of(const json& s, const std::vector<compute::Flavor>& flavors)
{
    compute::Server server;
    server.id = s.at("id").get<std::string>();
    server.name = s.at("name").get<std::string>();
    server.project_id = s.at("project_id").get<std::string>();
    server.user_id = s.value("user_id", "");
    server.vm_state = s.value("vm_state", "active");
    server.power_state = s.value("power_state", server.vm_state == "active" ? 1 : 4);
    server.image_id = s.value("image_id", "");
    std::string flavor_id = s.at("flavor_id").get<std::string>();
    auto flavor = std::find_if(flavors.begin(), flavors.end(), [&](const auto& f) { return f.id == flavor_id; });
    if (flavor == flavors.end())
        throw std::runtime_error("server " + server.id + " names flavor " + flavor_id + ", which the file lacks");
    server.flavor = *flavor;
    if (s.contains("key_name"))
        server.key_name = s.at("key_name").get<std::string>();
    server.availability_zone = s.value("availability_zone", server.availability_zone);
    server.metadata = s.value("metadata", server.metadata);
    server.tags = s.value("tags", server.tags);
    for (const auto& a : s.value("addresses", json::array())) {
        std::string addr = a.at("addr").get<std::string>();
        server.addresses.push_back({.network = a.at("network").get<std::string>(),
                                    .addr = addr,
                                    .version = addr.find(':') == std::string::npos ? 4 : 6,
                                    .mac = a.value("mac", "")});
    }
    server.host = s.value("host", "");
    server.created_at = s.value("created_at", std::int64_t{0});
    server.updated_at = s.value("updated_at", server.created_at);
    server.launched_at = server.created_at;
    return server;
}

/* Compute: the flavors and servers of the file; servers newest first, as Nova lists them. */
class Compute : public compute::Driver {
  public:
    explicit Compute(const json& data)
    {
        for (const auto& f : data.value("flavors", json::array()))
            flavors_.push_back(flavor_of(f));
        for (const auto& s : data.value("servers", json::array()))
            servers_.push_back(server_of(s, flavors_));
        std::stable_sort(servers_.begin(), servers_.end(),
                         [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
    }

    std::vector<compute::Flavor> flavorList(const Context&) const override { return flavors_; }

    compute::Flavor flavorGet(const Context&, const std::string& flavor_id) const override
    {
        for (const auto& f : flavors_)
            if (f.id == flavor_id)
                return f;
        throw NotFound("Flavor " + flavor_id + " could not be found.");
    }

    std::vector<compute::Server> serverList(const Context& ctx, const compute::ServerQuery& q) const override
    {
        auto it = servers_.begin();
        if (!q.marker.empty()) {
            try {
                serverGet(ctx, q.marker);
            } catch (const NotFound&) {
                throw BadRequest("marker [" + q.marker + "] not found");
            }
            it = std::next(
                std::find_if(servers_.begin(), servers_.end(), [&](const auto& s) { return s.id == q.marker; }));
        }
        std::optional<Regex> name, zone, ip;
        if (q.name_regex)
            name.emplace(*q.name_regex);
        if (q.availability_zone)
            zone.emplace(*q.availability_zone);
        if (q.ip)
            ip.emplace(*q.ip);
        std::vector<compute::Server> out;
        for (; it != servers_.end() && (!q.limit || out.size() < q.limit); ++it) {
            const compute::Server& s = *it;
            bool listed = (q.all_projects && ctx.is_admin()) ? !q.project_id || s.project_id == *q.project_id
                                                             : s.project_id == ctx.project_id;
            bool matches = listed && (!q.vm_state || s.vm_state == *q.vm_state) &&
                           (!q.image_id || s.image_id == *q.image_id) &&
                           (!q.flavor_id || s.flavor.id == *q.flavor_id) && (!name || name->search(s.name.c_str())) &&
                           (!zone || zone->search(s.availability_zone.c_str())) &&
                           (!ip || std::any_of(s.addresses.begin(), s.addresses.end(),
                                               [&](const auto& a) { return ip->search(a.addr.c_str()); })) &&
                           (!q.changes_since || s.updated_at >= *q.changes_since);
            if (matches)
                out.push_back(s);
        }
        return out;
    }

    compute::Server serverGet(const Context& ctx, const std::string& server_id) const override
    {
        for (const auto& s : servers_)
            if (s.id == server_id && (s.project_id == ctx.project_id || ctx.is_admin()))
                return s;
        throw NotFound("Instance " + server_id + " could not be found.");
    }

  private:
    std::vector<compute::Flavor> flavors_;
    std::vector<compute::Server> servers_;
};

image::Image image_of(const json& i)
{
    image::Image img;
    img.id = i.at("id").get<std::string>();
    if (i.contains("name"))
        img.name = i.at("name").get<std::string>();
    img.status = i.value("status", "active");
    img.visibility = i.value("visibility", img.visibility);
    img.is_protected = i.value("protected", false);
    img.owner = i.at("owner").get<std::string>();
    for (auto [key, field] :
         {std::pair{"disk_format", &img.disk_format}, std::pair{"container_format", &img.container_format},
          std::pair{"checksum", &img.checksum}})
        if (i.contains(key))
            *field = i.at(key).get<std::string>();
    if (i.contains("size"))
        img.size = i.at("size").get<long long>();
    if (i.contains("virtual_size"))
        img.virtual_size = i.at("virtual_size").get<long long>();
    img.min_disk = i.value("min_disk", img.min_disk);
    img.min_ram = i.value("min_ram", img.min_ram);
    img.tags = i.value("tags", img.tags);
    img.properties = i.value("properties", img.properties);
    img.created_at = i.value("created_at", std::int64_t{0});
    img.updated_at = i.value("updated_at", img.created_at);
    return img;
}

/*
 * Image: the images of the file. `ctx` sees public and community images and its
 * project's (this cloud shares none with members); an admin sees all.
 */
class Image : public image::Driver {
  public:
    explicit Image(const json& data)
    {
        for (const auto& i : data.value("images", json::array()))
            images_.push_back(image_of(i));
    }

    std::vector<image::Image> imageList(const Context& ctx, const image::ImageQuery& q) const override
    {
        bool visibility_asked =
            std::any_of(q.filters.begin(), q.filters.end(), [](const auto& f) { return f.first == "visibility"; });
        std::vector<image::Image> listed;
        for (const auto& img : images_)
            // Unless asked for by visibility, a list leaves out the community images of others; a marker the
            // caller sees still places the page.
            if (visible(ctx, img) && (visibility_asked || ctx.is_admin() || img.visibility != "community" ||
                                      img.owner == ctx.project_id || img.id == q.marker))
                listed.push_back(img);
        return image::select(q, std::move(listed));
    }

    image::Image imageGet(const Context& ctx, const std::string& image_id) const override
    {
        for (const auto& img : images_)
            if (img.id == image_id && visible(ctx, img))
                return img;
        throw NotFound("No image found with ID " + image_id);
    }

  private:
    static bool visible(const Context& ctx, const image::Image& img)
    {
        return ctx.is_admin() || img.visibility == "public" || img.visibility == "community" ||
               img.owner == ctx.project_id;
    }

    std::vector<image::Image> images_;
};

// The driver D of `service`, made from the file its section's readonly_file names.
template <class D> std::shared_ptr<const D> load(App& app, const std::string& service, const std::string& what)
{
    app.config().declare(service, "readonly_file", "", "readonly driver: the JSON file of the cloud's " + what);
    const std::string& path = app.config().get(service, "readonly_file");
    if (path.empty())
        throw std::runtime_error("[" + service + "] readonly_file is not set: name the JSON file of the cloud's " +
                                 what);
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("[" + service + "] readonly_file " + path + ": cannot be read");
    try {
        return std::make_shared<const D>(json::parse(in));
    } catch (const json::exception& e) {
        throw std::runtime_error("[" + service + "] readonly_file " + path + ": " + e.what());
    }
}

} // namespace

JUMPGATE_DRIVER(app, disp)
{
    std::string service = disp.service();
    if (service == "compute")
        compute::install(app, disp, load<Compute>(app, service, "flavors and servers"));
    else if (service == "image")
        image::install(app, disp, load<Image>(app, service, "images"));
}
