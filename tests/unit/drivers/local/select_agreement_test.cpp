// SPDX-License-Identifier: Apache-2.0
// The core's in-memory list helpers (image::select, volume::select) answer every query as the local driver's SQL does.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include <jumpgate/fault.hpp>

#include "db.hpp"
#include "local.hpp"

using namespace jumpgate;

namespace {

struct State {
    std::string dir;
    std::shared_ptr<local::Database> db;
    State()
    {
        char tmpl[] = "/tmp/jumpgate-select-XXXXXX";
        dir = mkdtemp(tmpl);
        db = std::make_shared<local::Database>(dir + "/jumpgate.sqlite", local::migrations());
    }
    ~State() { std::filesystem::remove_all(dir); }
};

Context caller(const std::string& project, bool admin = false)
{
    Context c;
    c.user_id = "user-of-" + project;
    c.project_id = project;
    c.roles = admin ? std::vector<std::string>{"admin", "member"} : std::vector<std::string>{"member"};
    c.authenticated = true;
    return c;
}

// What a list answers: its ids in order, or the fault's message.
template <class List> std::string answer(List list)
{
    try {
        std::string out;
        for (const auto& row : list())
            out += row.id + " ";
        return out;
    } catch (const BadRequest& e) {
        return std::string("BadRequest: ") + e.what();
    } catch (const NotFound& e) {
        return std::string("NotFound: ") + e.what();
    }
}

std::string described(const std::vector<std::pair<std::string, std::string>>& filters,
                      const std::vector<std::pair<std::string, bool>>& sort, const std::string& marker,
                      std::size_t limit)
{
    std::ostringstream out;
    for (const auto& [k, v] : filters)
        out << k << "=" << v << " ";
    for (const auto& [k, up] : sort)
        out << "sort " << k << (up ? ":asc " : ":desc ");
    out << "marker " << marker << " limit " << limit;
    return out.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(select_agreement)

BOOST_AUTO_TEST_CASE(volume_select_answers_every_query_as_the_local_driver)
{
    State state;
    local::Volume driver(state.db, state.dir + "/volumes", state.dir + "/images", 0);
    driver.storesMake();
    const Context alice = caller("alice"), bob = caller("bob"), admin = caller("admin-project", true);
    std::vector<std::string> volumes, snapshots;
    struct Made {
        const Context* owner;
        std::optional<std::string> name;
        long long size;
        bool bootable;
        const char* tier;
    };
    for (const Made& m : {Made{&alice, "data", 2, true, "gold"}, Made{&alice, std::nullopt, 1, false, nullptr},
                          Made{&bob, "data", 2, false, "gold"}, Made{&alice, "logs", 3, false, "silver"},
                          Made{&alice, "data", 1, true, nullptr}, Made{&bob, "scratch", 1, false, nullptr}}) {
        volume::Volume v;
        v.id = new_uuid();
        v.name = m.name;
        v.project_id = m.owner->project_id;
        v.user_id = m.owner->user_id;
        v.size = m.size;
        if (m.tier)
            v.metadata = {{"tier", m.tier}};
        volume::Volume made = driver.volumeCreate(*m.owner, v);
        made.bootable = m.bootable;
        driver.volumeUpdate(*m.owner, made);
        volumes.push_back(made.id);
        volume::Snapshot s;
        s.id = new_uuid();
        s.name = m.name;
        s.volume_id = made.id;
        s.project_id = made.project_id;
        s.user_id = made.user_id;
        snapshots.push_back(driver.snapshotCreate(*m.owner, s).id);
    }
    // Every record, in the order made: what an in-memory cloud would hold.
    volume::ListQuery every;
    every.all_projects = true;
    every.sort = {{"created_at", true}};
    const auto all_volumes = driver.volumeList(admin, every);
    const auto all_snapshots = driver.snapshotList(admin, every);
    BOOST_REQUIRE(all_volumes.size() == 6u);
    BOOST_REQUIRE(all_snapshots.size() == 6u);

    std::vector<volume::ListQuery> queries;
    using Filters = std::vector<std::pair<std::string, std::string>>;
    using Sort = std::vector<std::pair<std::string, bool>>;
    for (const Filters& filters :
         {Filters{}, Filters{{"name", "data"}}, Filters{{"bootable", "true"}}, Filters{{"size", "2"}},
          Filters{{"metadata:tier", "gold"}}, Filters{{"status", "available"}},
          Filters{{"name", "data"}, {"size", "1"}}, Filters{{"colour", "blue"}}, Filters{{"size", "two"}}})
        for (const Sort& sort :
             {Sort{}, Sort{{"name", true}}, Sort{{"name", false}}, Sort{{"size", false}, {"name", true}},
              Sort{{"id", true}}, Sort{{"display_name", true}, {"created_at", true}}, Sort{{"updated_at", false}},
              Sort{{"colour", true}}})
            for (std::size_t limit : {0, 2})
                for (const std::string& marker :
                     {std::string(), volumes[0], volumes[1], volumes[2], volumes[4], std::string("no-such-volume")}) {
                    volume::ListQuery q;
                    q.filters = filters;
                    q.sort = sort;
                    q.limit = limit;
                    q.marker = marker;
                    queries.push_back(q);
                }
    std::size_t compared = 0;
    for (volume::ListQuery q : queries)
        for (bool all_projects : {false, true})
            for (const Context* ctx : {&alice, &bob, &admin}) {
                q.all_projects = all_projects;
                q.offset = q.limit ? 1 : 0;
                BOOST_TEST_CONTEXT(ctx->project_id << (all_projects ? " all_projects " : " ")
                                                   << described(q.filters, q.sort, q.marker, q.limit))
                {
                    BOOST_TEST(answer([&] { return volume::select(*ctx, q, all_volumes); }) ==
                               answer([&] { return driver.volumeList(*ctx, q); }));
                    if (q.filters.empty() || q.filters[0].first != "metadata:tier")
                        BOOST_TEST(answer([&] { return volume::select(*ctx, q, all_snapshots); }) ==
                                   answer([&] { return driver.snapshotList(*ctx, q); }));
                }
                ++compared;
            }
    volume::ListQuery narrowed;
    narrowed.all_projects = true;
    narrowed.project_id = "bob";
    BOOST_TEST(answer([&] { return volume::select(admin, narrowed, all_volumes); }) ==
               answer([&] { return driver.volumeList(admin, narrowed); }));
    BOOST_TEST(compared > 2000u);
}

BOOST_AUTO_TEST_CASE(image_select_answers_every_query_as_the_local_driver)
{
    State state;
    local::Image driver(state.db, state.dir + "/images");
    driver.storeMake();
    const Context alice = caller("alice"), bob = caller("bob"), admin = caller("admin-project", true);
    struct Made {
        const Context* owner;
        std::optional<std::string> name;
        const char* visibility;
        std::int64_t created_at;
        std::optional<long long> size;
        bool hidden;
    };
    std::vector<image::Image> all;
    for (const Made& m : {Made{&alice, "cirros", "public", 100, 10, false}, Made{&alice, std::nullopt, "private", 200},
                          Made{&bob, "debian", "private", 300, 30, false}, Made{&bob, "alpine", "public", 300, 20},
                          Made{&alice, "hidden", "public", 400, 40, true}, Made{&alice, "cirros", "private", 300}}) {
        image::Image img;
        img.id = new_uuid();
        img.name = m.name;
        img.status = m.size ? "active" : "queued";
        img.visibility = m.visibility;
        img.owner = m.owner->project_id;
        img.size = m.size;
        img.is_protected = m.size && *m.size == 20;
        if (m.size) {
            img.disk_format = "qcow2";
            img.container_format = "bare";
        }
        img.min_disk = m.size.value_or(0) / 10;
        img.created_at = img.updated_at = m.created_at;
        img.tags = m.created_at == 300 ? std::vector<std::string>{"test"} : std::vector<std::string>{};
        if (m.hidden)
            img.properties["os_hidden"] = "true";
        if (m.visibility == std::string("private"))
            img.properties["os_distro"] = "linux";
        all.push_back(driver.imageCreate(*m.owner, img));
    }
    auto seen_by = [&all](const Context& ctx) {
        std::vector<image::Image> out;
        for (const auto& img : all)
            if (ctx.is_admin() || img.visibility == "public" || img.owner == ctx.project_id)
                out.push_back(img);
        return out;
    };

    using Filters = std::vector<std::pair<std::string, std::string>>;
    using Sort = std::vector<std::pair<std::string, bool>>;
    std::size_t compared = 0;
    for (const Filters& filters :
         {Filters{}, Filters{{"name", "cirros"}}, Filters{{"visibility", "private"}}, Filters{{"public", "1"}},
          Filters{{"public", "0"}}, Filters{{"protected", "1"}}, Filters{{"property:os_distro", "linux"}},
          Filters{{"property:os_hidden", "true"}}, Filters{{"owner", "bob"}}, Filters{{"status", "queued"}},
          Filters{{"disk_format", "qcow2"}}, Filters{{"member", "bob"}}, Filters{{"os_distro", "linux"}}})
        for (const Sort& sort : {Sort{}, Sort{{"created_at", false}}, Sort{{"created_at", true}}, Sort{{"name", true}},
                                 Sort{{"size", false}, {"name", true}}, Sort{{"min_disk", true}},
                                 Sort{{"visibility", false}, {"owner", true}}, Sort{{"disk_format", true}}})
            for (std::size_t limit : {0, 2})
                for (const std::string& marker :
                     {std::string(), all[1].id, all[3].id, all[4].id, all[5].id, std::string("no-such-image")})
                    for (int narrowing = 0; narrowing < 4; ++narrowing)
                        for (const Context* ctx : {&alice, &bob, &admin}) {
                            image::ImageQuery q;
                            q.filters = filters;
                            q.sort = sort;
                            q.limit = limit;
                            q.marker = marker;
                            if (narrowing == 1)
                                q.tags = {"test"};
                            if (narrowing == 2) {
                                q.size_min = 15;
                                q.size_max = 35;
                            }
                            if (narrowing == 3)
                                q.changes_since = 250;
                            BOOST_TEST_CONTEXT(ctx->project_id << " " << described(filters, sort, marker, limit)
                                                               << " narrowing " << narrowing)
                            {
                                BOOST_TEST(answer([&] { return image::select(q, seen_by(*ctx)); }) ==
                                           answer([&] { return driver.imageList(*ctx, q); }));
                            }
                            ++compared;
                        }
    BOOST_TEST(compared > 10000u);
}

BOOST_AUTO_TEST_SUITE_END()
