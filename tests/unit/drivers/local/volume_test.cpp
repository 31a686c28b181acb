// SPDX-License-Identifier: Apache-2.0
// The local driver's Block Storage on a temporary state directory: statuses by the clock, tenancy, quotas, files.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <jumpgate/fault.hpp>

#include "fault_message.hpp"

#include "db.hpp"
#include "local.hpp"

using namespace jumpgate;
using namespace jumpgate::local;

namespace {

constexpr long long kGiB = 1LL << 30;

struct State {
    std::string dir;
    std::shared_ptr<Database> db;
    State()
    {
        char tmpl[] = "/tmp/jumpgate-volume-XXXXXX";
        dir = mkdtemp(tmpl);
        db = std::make_shared<Database>(dir + "/jumpgate.sqlite", migrations());
        driver(0).storesMake();
    }
    ~State() { std::filesystem::remove_all(dir); }
    Volume driver(int build_seconds) const { return Volume(db, dir + "/volumes", dir + "/images", build_seconds); }
};

Context member(const std::string& project)
{
    Context c;
    c.user_id = "user-of-" + project;
    c.project_id = project;
    c.roles = {"member"};
    c.authenticated = true;
    return c;
}

Context admin()
{
    Context c = member("admin-project");
    c.roles = {"admin", "member"};
    return c;
}

volume::Volume request(const Context& ctx, long long size, const std::string& name = "v")
{
    volume::Volume v;
    v.id = new_uuid();
    v.name = name;
    v.project_id = ctx.project_id;
    v.user_id = ctx.user_id;
    v.size = size;
    return v;
}

volume::Snapshot snapshot_request(const Context& ctx, const std::string& volume_id)
{
    volume::Snapshot s;
    s.id = new_uuid();
    s.name = "snap";
    s.volume_id = volume_id;
    s.project_id = ctx.project_id;
    s.user_id = ctx.user_id;
    return s;
}

void write_at(const std::string& path, off_t at, const std::string& bytes)
{
    int fd = open(path.c_str(), O_WRONLY);
    BOOST_REQUIRE(fd >= 0);
    BOOST_REQUIRE(pwrite(fd, bytes.data(), bytes.size(), at) == static_cast<ssize_t>(bytes.size()));
    close(fd);
}

std::string read_at(const std::string& path, off_t at, std::size_t n)
{
    std::string out(n, '\0');
    int fd = open(path.c_str(), O_RDONLY);
    BOOST_REQUIRE(fd >= 0);
    ssize_t got = pread(fd, out.data(), n, at);
    close(fd);
    out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    return out;
}

struct stat stat_of(const std::string& path)
{
    struct stat st {};
    BOOST_REQUIRE(stat(path.c_str(), &st) == 0);
    return st;
}

bool exists(const std::string& path)
{
    return access(path.c_str(), F_OK) == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(local_volume)

BOOST_AUTO_TEST_CASE(a_new_volume_is_available_at_once_without_build_time)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    BOOST_TEST(v.status == "available");
    BOOST_TEST(v.volume_type == "__DEFAULT__");
    BOOST_TEST(v.availability_zone == "nova");
    BOOST_TEST(stat_of(driver.volumePath(v.id)).st_size == kGiB);
}

BOOST_AUTO_TEST_CASE(a_new_volume_is_creating_until_its_build_time_is_up)
{
    State state;
    auto driver = state.driver(1);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    BOOST_TEST(v.status == "creating");
    BOOST_TEST(exists(driver.volumePath(v.id))); // "creating" is only a state: the bytes are there
    {
        Statement s(*state.db, "SELECT status, status_until, next_status, created_at FROM volumes WHERE id = ?");
        s.bind(1, v.id);
        BOOST_REQUIRE(s.step());
        BOOST_TEST(s.text(0) == "creating");
        BOOST_TEST(s.integer(1) >= s.integer(3) + 1);
        BOOST_TEST(s.text(2) == "available");
    }
    // Time passes: the change has happened on the next read, with no one to make it.
    Statement past(*state.db, "UPDATE volumes SET status_until = status_until - 5 WHERE id = ?");
    past.bind(1, v.id);
    past.step();
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "available");
    volume::ListQuery q;
    q.filters = {{"status", "available"}};
    BOOST_TEST(driver.volumeList(alice, q).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_project_sees_only_its_own_volumes_and_an_admin_any)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice"), bob = member("bob");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    BOOST_CHECK_THROW(driver.volumeGet(bob, v.id), NotFound);
    BOOST_CHECK_THROW(driver.volumeDelete(bob, v.id), NotFound);
    BOOST_CHECK_THROW(driver.volumeUpdate(bob, v), NotFound);
    BOOST_CHECK_THROW(driver.volumeExtend(bob, v.id, 2), NotFound);
    BOOST_CHECK_THROW(driver.snapshotCreate(bob, snapshot_request(bob, v.id)), NotFound);
    volume::ListQuery all;
    all.all_projects = true; // not honoured for a member
    BOOST_TEST(driver.volumeList(bob, all).empty());
    BOOST_TEST(driver.volumeGet(admin(), v.id).id == v.id);
    BOOST_TEST(driver.volumeList(admin(), all).size() == 1u);
    BOOST_TEST(driver.volumeList(admin(), {}).empty()); // without all_tenants, an admin's own project
    all.project_id = "bob";
    BOOST_TEST(driver.volumeList(admin(), all).empty());
    volume::Snapshot s = driver.snapshotCreate(alice, snapshot_request(alice, v.id));
    BOOST_CHECK_THROW(driver.snapshotGet(bob, s.id), NotFound);
    BOOST_CHECK_THROW(driver.snapshotDelete(bob, s.id), NotFound);
}

BOOST_AUTO_TEST_CASE(the_eleventh_volume_exceeds_the_quota)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    for (int i = 0; i < 10; ++i)
        driver.volumeCreate(alice, request(alice, 1));
    std::string message = fault_message([&] { driver.volumeCreate(alice, request(alice, 1)); });
    BOOST_TEST(message == "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'.");
    BOOST_CHECK_THROW(driver.volumeCreate(alice, request(alice, 1)), PayloadTooLarge);
    BOOST_TEST(driver.volumeList(alice, {}).size() == 10u);
    // Nothing of the refused volume is left behind.
    BOOST_TEST(std::distance(std::filesystem::directory_iterator(state.dir + "/volumes"),
                             std::filesystem::directory_iterator()) == 10);
    auto used = driver.quotaUsage(alice, "alice");
    BOOST_TEST(used["volumes"] == 10);
    BOOST_TEST(used["gigabytes"] == 10);
}

BOOST_AUTO_TEST_CASE(gigabytes_count_volumes_and_snapshots)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    driver.quotaSet(admin(), "alice", {{"gigabytes", 10}});
    BOOST_TEST(driver.quotaGet(alice, "alice")["gigabytes"] == 10);
    BOOST_TEST(driver.quotaGet(alice, "alice")["volumes"] == 10);
    volume::Volume v = driver.volumeCreate(alice, request(alice, 4));
    driver.snapshotCreate(alice, snapshot_request(alice, v.id));
    BOOST_TEST(driver.quotaUsage(alice, "alice")["gigabytes"] == 8);
    BOOST_TEST(driver.quotaUsage(alice, "alice")["snapshots"] == 1);
    BOOST_TEST(fault_message([&] { driver.volumeCreate(alice, request(alice, 5)); }) ==
               "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. "
               "Requested 5G, quota is 10G and 8G has been consumed.");
    BOOST_CHECK_THROW(driver.volumeExtend(alice, v.id, 7), PayloadTooLarge);
    BOOST_CHECK_THROW(driver.snapshotCreate(alice, snapshot_request(alice, v.id)), PayloadTooLarge);
    driver.quotaSet(admin(), "alice", {{"per_volume_gigabytes", 1}});
    BOOST_TEST(fault_message([&] { driver.volumeCreate(alice, request(alice, 2)); }) ==
               "VolumeSizeExceedsLimit: Requested volume size 2G is larger than maximum allowed limit 1G.");
    BOOST_CHECK_THROW(driver.quotaSet(admin(), "alice", {{"bogus", 1}}), BadRequest);
    driver.quotaReset(admin(), "alice");
    BOOST_TEST(driver.quotaGet(alice, "alice") == driver.quotaDefaults(alice));
    BOOST_TEST(driver.quotaDefaults(alice).at("per_volume_gigabytes") == -1);
}

BOOST_AUTO_TEST_CASE(attach_and_detach_change_the_status)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    volume::Attachment a = driver.volumeAttach(alice, v.id, {.server_id = "server-1", .device = "/dev/vdb"});
    BOOST_TEST(!a.id.empty());
    v = driver.volumeGet(alice, v.id);
    BOOST_TEST(v.status == "in-use");
    BOOST_REQUIRE(v.attachments.size() == 1u);
    BOOST_TEST(v.attachments[0].server_id == "server-1");
    BOOST_TEST(v.attachments[0].device == "/dev/vdb");
    BOOST_CHECK_THROW(driver.volumeAttach(alice, v.id, {.server_id = "server-2"}), Conflict);
    BOOST_CHECK_THROW(driver.volumeExtend(alice, v.id, 2), Conflict);
    BOOST_CHECK_THROW(driver.volumeDelete(alice, v.id), Conflict);
    BOOST_CHECK_THROW(driver.volumeDetach(alice, v.id, "no-such-attachment"), NotFound);
    driver.volumeDetach(alice, v.id, a.id);
    v = driver.volumeGet(alice, v.id);
    BOOST_TEST(v.status == "available");
    BOOST_TEST(v.attachments.empty());
}

BOOST_AUTO_TEST_CASE(attaching_and_detaching_take_the_build_time)
{
    State state;
    auto driver = state.driver(1);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    auto pass_time = [&] {
        Statement s(*state.db, "UPDATE volumes SET status_until = status_until - 5 WHERE id = ?");
        s.bind(1, v.id);
        s.step();
    };
    BOOST_CHECK_THROW(driver.volumeAttach(alice, v.id, {.server_id = "server-1"}), Conflict); // still creating
    pass_time();
    volume::Attachment a = driver.volumeAttach(alice, v.id, {.server_id = "server-1"});
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "attaching");
    pass_time();
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "in-use");
    driver.volumeDetach(alice, v.id, a.id);
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "detaching");
    pass_time();
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "available");
}

BOOST_AUTO_TEST_CASE(a_multiattach_volume_stays_in_use_while_attached)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume r = request(alice, 1);
    r.multiattach = true;
    volume::Volume v = driver.volumeCreate(alice, r);
    volume::Attachment a1 = driver.volumeAttach(alice, v.id, {.server_id = "server-1"});
    volume::Attachment a2 = driver.volumeAttach(alice, v.id, {.server_id = "server-2"});
    BOOST_CHECK_THROW(driver.volumeAttach(alice, v.id, {.server_id = "server-2"}), Conflict);
    BOOST_TEST(driver.volumeGet(alice, v.id).attachments.size() == 2u);
    driver.volumeDetach(alice, v.id, a1.id);
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "in-use");
    driver.volumeDetach(alice, v.id, a2.id);
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "available");
}

BOOST_AUTO_TEST_CASE(a_volume_with_a_snapshot_cannot_be_deleted)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    volume::Snapshot s = driver.snapshotCreate(alice, snapshot_request(alice, v.id));
    BOOST_TEST(s.status == "available");
    BOOST_TEST(s.size == 1);
    BOOST_TEST(exists(driver.snapshotPath(s.id)));
    BOOST_CHECK_THROW(driver.volumeDelete(alice, v.id), Conflict);
    BOOST_TEST(exists(driver.volumePath(v.id)));
    driver.snapshotDelete(alice, s.id);
    BOOST_TEST(!exists(driver.snapshotPath(s.id)));
    driver.volumeDelete(alice, v.id);
    BOOST_TEST(!exists(driver.volumePath(v.id)));
    BOOST_CHECK_THROW(driver.volumeGet(alice, v.id), NotFound);
}

BOOST_AUTO_TEST_CASE(a_volume_from_a_snapshot_has_the_bytes_of_that_moment)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    write_at(driver.volumePath(v.id), 0, "boot sector");
    write_at(driver.volumePath(v.id), 5 << 20, "five mebibytes in");
    volume::Snapshot s = driver.snapshotCreate(alice, snapshot_request(alice, v.id));
    write_at(driver.volumePath(v.id), 0, "overwritten"); // after the snapshot: not in it

    volume::Volume r = request(alice, 2);
    r.snapshot_id = s.id;
    volume::Volume copy = driver.volumeCreate(alice, r);
    BOOST_TEST(copy.snapshot_id.value_or("") == s.id);
    std::string path = driver.volumePath(copy.id);
    BOOST_TEST(stat_of(path).st_size == 2 * kGiB);
    BOOST_TEST(read_at(path, 0, 11) == "boot sector");
    BOOST_TEST(read_at(path, 5 << 20, 17) == "five mebibytes in");
    BOOST_TEST(read_at(path, 4 << 20, 4) == std::string(4, '\0'));

    volume::Volume smaller = request(alice, 1);
    smaller.snapshot_id = s.id;
    smaller.size = 0; // no size: the snapshot's
    BOOST_TEST(driver.volumeCreate(alice, smaller).size == 1);

    volume::Volume clone = request(alice, 1);
    clone.source_volid = copy.id; // 2 GiB into 1: refused
    BOOST_CHECK_THROW(driver.volumeCreate(alice, clone), BadRequest);
    clone.size = 3;
    volume::Volume cloned = driver.volumeCreate(alice, clone);
    BOOST_TEST(read_at(driver.volumePath(cloned.id), 0, 11) == "boot sector");
    BOOST_TEST(stat_of(driver.volumePath(cloned.id)).st_size == 3 * kGiB);
}

BOOST_AUTO_TEST_CASE(extend_grows_the_file)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    BOOST_CHECK_THROW(driver.volumeExtend(alice, v.id, 1), BadRequest);
    v = driver.volumeExtend(alice, v.id, 3);
    BOOST_TEST(v.size == 3);
    BOOST_TEST(v.status == "available");
    BOOST_TEST(stat_of(driver.volumePath(v.id)).st_size == 3 * kGiB);
    BOOST_TEST(driver.quotaUsage(alice, "alice")["gigabytes"] == 3);

    auto slow = state.driver(1);
    Statement past(*state.db, "UPDATE volumes SET status_until = 0");
    past.step();
    BOOST_TEST(slow.volumeExtend(alice, v.id, 4).status == "extending");
    BOOST_CHECK_THROW(slow.volumeExtend(alice, v.id, 5), Conflict);
}

BOOST_AUTO_TEST_CASE(volumes_and_their_copies_stay_sparse)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    BOOST_TEST(stat_of(driver.volumePath(v.id)).st_blocks * 512 < (1 << 20));
    write_at(driver.volumePath(v.id), 700 << 20, "data far in");
    volume::Snapshot s = driver.snapshotCreate(alice, snapshot_request(alice, v.id));
    BOOST_TEST(stat_of(driver.snapshotPath(s.id)).st_blocks * 512 < (1 << 20));
    volume::Volume r = request(alice, 1);
    r.snapshot_id = s.id;
    volume::Volume copy = driver.volumeCreate(alice, r);
    BOOST_TEST(stat_of(driver.volumePath(copy.id)).st_blocks * 512 < (1 << 20));
    BOOST_TEST(read_at(driver.volumePath(copy.id), 700 << 20, 11) == "data far in");
}

BOOST_AUTO_TEST_CASE(a_volume_from_an_image_starts_with_its_bytes)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice"), bob = member("bob");
    auto image = [&](const std::string& visibility, const std::string& owner) {
        std::string id = new_uuid();
        Statement s(*state.db, "INSERT INTO images (id, name, status, visibility, owner, disk_format, "
                               "container_format, size, checksum, min_disk, min_ram, created_at, updated_at) "
                               "VALUES (?, 'cirros', 'active', ?, ?, 'raw', 'bare', 12, 'abc', 0, 64, 0, 0)");
        s.bind(1, id).bind(2, visibility).bind(3, owner);
        s.step();
        int fd = open((state.dir + "/images/" + id).c_str(), O_WRONLY | O_CREAT, 0640);
        BOOST_REQUIRE(write(fd, "image bytes!", 12) == 12);
        close(fd);
        return id;
    };
    std::filesystem::create_directories(state.dir + "/images");
    std::string id = image("private", "alice");
    volume::Volume r = request(alice, 1);
    r.image_id = id;
    volume::Volume v = driver.volumeCreate(alice, r);
    BOOST_TEST(v.bootable);
    BOOST_TEST(v.image_metadata["image_id"] == id);
    BOOST_TEST(v.image_metadata["image_name"] == "cirros");
    BOOST_TEST(v.image_metadata["checksum"] == "abc");
    BOOST_TEST(v.image_metadata["size"] == "12");
    BOOST_TEST(v.image_metadata["min_ram"] == "64");
    BOOST_TEST(read_at(driver.volumePath(v.id), 0, 12) == "image bytes!");
    BOOST_TEST(stat_of(driver.volumePath(v.id)).st_size == kGiB);
    volume::Volume theirs = request(bob, 1);
    theirs.image_id = id; // alice's private image
    BOOST_CHECK_THROW(driver.volumeCreate(bob, theirs), BadRequest);
}

BOOST_AUTO_TEST_CASE(upload_to_image_makes_an_active_image_of_the_bytes)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    write_at(driver.volumePath(v.id), 0, "bytes to keep");
    std::string id = driver.volumeUploadImage(alice, v.id, "from-volume", "raw", "bare", "private", false);
    Image images(state.db, state.dir + "/images");
    image::Image img = images.imageGet(alice, id);
    BOOST_TEST(img.status == "active");
    BOOST_TEST(img.owner == "alice");
    BOOST_TEST(img.name.value_or("") == "from-volume");
    BOOST_TEST(img.size.value_or(0) == kGiB);
    BOOST_TEST(img.checksum.has_value());
    BOOST_TEST(img.os_hash_algo.value_or("") == "sha512");
    BOOST_TEST(read_at(images.dataPath(id), 0, 13) == "bytes to keep");
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "available");
}

BOOST_AUTO_TEST_CASE(lists_filter_sort_and_page_in_sql)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    std::vector<std::string> ids;
    for (const char* name : {"a", "b", "c"}) {
        volume::Volume r = request(alice, 1, name);
        if (std::string(name) == "b")
            r.metadata = {{"tier", "gold"}};
        ids.push_back(driver.volumeCreate(alice, r).id);
    }
    volume::ListQuery q;
    auto page = driver.volumeList(alice, q);
    BOOST_REQUIRE(page.size() == 3u);
    BOOST_TEST(page[0].id == ids[2]); // newest first, in the order made within a second
    BOOST_TEST(page[2].id == ids[0]);
    q.limit = 2;
    page = driver.volumeList(alice, q);
    BOOST_REQUIRE(page.size() == 2u);
    q.marker = page[1].id;
    page = driver.volumeList(alice, q);
    BOOST_REQUIRE(page.size() == 1u);
    BOOST_TEST(page[0].id == ids[0]);
    q = {};
    q.sort = {{"name", true}};
    page = driver.volumeList(alice, q);
    BOOST_TEST(*page[0].name == "a");
    BOOST_TEST(*page[2].name == "c");
    q.limit = 1;
    q.marker = page[0].id;
    page = driver.volumeList(alice, q);
    BOOST_REQUIRE(page.size() == 1u);
    BOOST_TEST(*page[0].name == "b");
    q = {};
    q.filters = {{"metadata:tier", "gold"}};
    page = driver.volumeList(alice, q);
    BOOST_REQUIRE(page.size() == 1u);
    BOOST_TEST(page[0].id == ids[1]);
    q.filters = {{"name", "c"}, {"bootable", "false"}};
    BOOST_TEST(driver.volumeList(alice, q).size() == 1u);
    q = {};
    q.marker = "no-such-volume";
    BOOST_CHECK_THROW(driver.volumeList(alice, q), NotFound);
    q = {};
    q.marker = ids[0];
    BOOST_CHECK_THROW(driver.volumeList(member("bob"), q), NotFound);
}

BOOST_AUTO_TEST_CASE(snapshots_backups_and_attachments_page_after_their_marker_as_volumes_do)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    std::vector<std::string> volumes, snapshots, backups, attachments;
    for (const char* name : {"a", "b", "c"}) {
        volumes.push_back(driver.volumeCreate(alice, request(alice, 1, name)).id);
        volume::Snapshot snap = snapshot_request(alice, volumes.back());
        snap.name = name;
        snapshots.push_back(driver.snapshotCreate(alice, snap).id);
        volume::Backup backup;
        backup.id = new_uuid();
        backup.name = name;
        backup.volume_id = volumes.back();
        backups.push_back(driver.backupCreate(alice, backup).id);
        attachments.push_back(driver.attachmentCreate(alice, {.volume_id = volumes.back(), .server_id = name}).id);
    }
    auto ids = [](const auto& rows) {
        std::vector<std::string> out;
        for (const auto& row : rows)
            out.push_back(row.id);
        return out;
    };
    auto newest_first = [](std::vector<std::string> made) {
        return std::vector<std::string>(made.rbegin(), made.rend());
    };
    volume::ListQuery q;
    BOOST_TEST(ids(driver.snapshotList(alice, q)) == newest_first(snapshots));
    BOOST_TEST(ids(driver.backupList(alice, q)) == newest_first(backups));
    BOOST_TEST(ids(driver.attachmentList(alice, q)) == newest_first(attachments));
    q.marker = snapshots[2];
    q.limit = 1;
    BOOST_TEST(ids(driver.snapshotList(alice, q)) == std::vector<std::string>{snapshots[1]});
    q.marker = backups[1];
    BOOST_TEST(ids(driver.backupList(alice, q)) == std::vector<std::string>{backups[0]});
    q.marker = attachments[2];
    q.offset = 1;
    BOOST_TEST(ids(driver.attachmentList(alice, q)) == std::vector<std::string>{attachments[0]});

    // A marker need not pass the filters: the page is what comes after it in the order asked for.
    q = {};
    q.sort = {{"name", true}};
    q.filters = {{"name", "c"}};
    q.marker = backups[0];
    BOOST_TEST(ids(driver.backupList(alice, q)) == std::vector<std::string>{backups[2]});
    q = {};
    q.sort = {{"volume_id", true}, {"id", false}};
    auto sorted = driver.attachmentList(alice, q);
    BOOST_REQUIRE(sorted.size() == 3u);
    q.marker = sorted[0].id;
    BOOST_TEST(ids(driver.attachmentList(alice, q)) == std::vector<std::string>({sorted[1].id, sorted[2].id}));

    q = {};
    q.filters = {{"colour", "blue"}};
    BOOST_TEST(fault_message([&] { driver.snapshotList(alice, q); }) == "Invalid filter keys: colour");
    BOOST_TEST(fault_message([&] { driver.attachmentList(alice, q); }) == "Invalid filter keys: colour");
    q = {};
    q.filters = {{"size", "big"}};
    BOOST_TEST(fault_message([&] { driver.snapshotList(alice, q); }) ==
               "Invalid value 'big' for filter size: it must be an integer.");
    q = {};
    q.sort = {{"colour", true}};
    BOOST_TEST(fault_message([&] { driver.backupList(alice, q); }) == "Invalid sort key: colour");
    q = {};
    q.marker = attachments[0];
    BOOST_TEST(fault_message([&] { driver.attachmentList(member("bob"), q); }) ==
               "Marker " + attachments[0] + " could not be found.");
    q = {};
    q.all_projects = true;
    BOOST_TEST(driver.attachmentList(member("bob"), q).empty());
    BOOST_TEST(driver.attachmentList(admin(), q).size() == 3u);
    q.project_id = "bob";
    BOOST_TEST(driver.snapshotList(admin(), q).empty());
    q.project_id = "alice";
    BOOST_TEST(driver.snapshotList(admin(), q).size() == 3u);
}

BOOST_AUTO_TEST_CASE(types_default_in_use_and_taken_names)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    auto types = driver.typeList(admin());
    BOOST_REQUIRE(types.size() == 2u);
    volume::VolumeType def = driver.typeGet(admin(), "__DEFAULT__");
    BOOST_TEST(def.is_default);
    BOOST_TEST(def.description.value_or("") == "Default Volume Type");
    BOOST_TEST(driver.typeGet(admin(), "lvmdriver-1").is_public);
    BOOST_CHECK_THROW(driver.typeDelete(admin(), def.id), Conflict);
    BOOST_CHECK_THROW(driver.typeGet(admin(), "nothing"), NotFound);

    volume::VolumeType t;
    t.id = new_uuid();
    t.name = "fast";
    t.is_public = false;
    t.extra_specs = {{"speed", "high"}};
    t.projects = {"alice"};
    t = driver.typeCreate(admin(), t);
    BOOST_TEST(t.extra_specs["speed"] == "high");
    BOOST_TEST(t.projects == std::vector<std::string>{"alice"});
    volume::VolumeType same = t;
    same.id = new_uuid();
    BOOST_CHECK_THROW(driver.typeCreate(admin(), same), Conflict);
    t.description = "faster";
    t.extra_specs = {};
    t = driver.typeUpdate(admin(), t);
    BOOST_TEST(t.description.value_or("") == "faster");
    BOOST_TEST(t.extra_specs.empty());

    volume::Volume r = request(alice, 1);
    r.volume_type_id = t.id;
    volume::Volume v = driver.volumeCreate(alice, r);
    BOOST_TEST(v.volume_type == "fast");
    BOOST_CHECK_THROW(driver.typeDelete(admin(), t.id), Conflict);
    driver.volumeDelete(alice, v.id);
    driver.typeDelete(admin(), t.id);
    BOOST_CHECK_THROW(driver.typeGet(admin(), t.id), NotFound);
}

BOOST_AUTO_TEST_CASE(reset_status_sets_it_and_may_drop_attachments)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    driver.volumeAttach(alice, v.id, {.server_id = "server-1"});
    v = driver.volumeResetStatus(admin(), v.id, "error", false);
    BOOST_TEST(v.status == "error");
    BOOST_TEST(v.attachments.size() == 1u);
    v = driver.volumeResetStatus(admin(), v.id, "available", true);
    BOOST_TEST(v.status == "available");
    BOOST_TEST(v.attachments.empty());
    volume::Snapshot s = driver.snapshotCreate(alice, snapshot_request(alice, v.id));
    BOOST_TEST(driver.snapshotResetStatus(admin(), s.id, "error").status == "error");
    BOOST_TEST(driver.availabilityZoneList(alice) == (std::vector<std::pair<std::string, bool>>{{"nova", true}}));
}

BOOST_AUTO_TEST_CASE(a_reserved_volume_is_refused_to_a_second_reserve_from_another_worker)
{
    State state;
    auto driver = state.driver(0);
    // Another worker: its own connection to the same database.
    Volume other(std::make_shared<Database>(state.dir + "/jumpgate.sqlite", migrations()), state.dir + "/volumes",
                 state.dir + "/images", 0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    driver.volumeReserve(alice, v.id);
    BOOST_TEST(other.volumeGet(alice, v.id).status == "attaching");
    BOOST_CHECK_THROW(other.volumeReserve(alice, v.id), BadRequest);
    other.volumeUnreserve(alice, v.id);
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "available");
    driver.volumeUnreserve(alice, v.id); // not attaching: nothing changes
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "available");
    driver.volumeAttach(alice, v.id, {.server_id = "server-1"});
    BOOST_CHECK_THROW(driver.volumeReserve(alice, v.id), BadRequest); // in use, not multiattach
}

BOOST_AUTO_TEST_CASE(attachments_go_reserved_attaching_attached_then_free_the_volume)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    Context bob = member("bob");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    volume::Attachment asked;
    asked.volume_id = v.id;
    asked.server_id = "server-1";
    asked.mode = "null";
    asked.connector = nullptr;
    volume::Attachment a = driver.attachmentCreate(alice, asked);
    BOOST_TEST(a.status == "reserved");
    BOOST_TEST(a.attached_at == 0);
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "reserved");
    BOOST_CHECK_THROW(driver.attachmentCreate(alice, {.volume_id = v.id, .server_id = "server-2"}), BadRequest);
    BOOST_CHECK_THROW(driver.attachmentGet(bob, a.id), NotFound);
    a = driver.attachmentUpdate(alice, a.id, {{"host", "node-1"}, {"mountpoint", "/dev/vdc"}});
    BOOST_TEST(a.status == "attaching");
    BOOST_TEST(a.mode == "rw");
    BOOST_TEST(a.device == "/dev/vdc");
    BOOST_TEST(a.connection_info["data"]["device_path"] == driver.volumePath(v.id));
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "attaching");
    driver.attachmentComplete(alice, a.id);
    v = driver.volumeGet(alice, v.id);
    BOOST_TEST(v.status == "in-use");
    BOOST_REQUIRE(v.attachments.size() == 1u);
    BOOST_TEST(v.attachments[0].status == "attached");
    volume::ListQuery q;
    q.filters = {{"instance_id", "server-1"}};
    BOOST_TEST(driver.attachmentList(alice, q).size() == 1u);
    BOOST_TEST(driver.attachmentList(bob, q).empty());
    BOOST_CHECK_THROW(driver.attachmentDelete(bob, a.id), NotFound);
    BOOST_TEST(driver.attachmentDelete(alice, a.id).empty());
    v = driver.volumeGet(alice, v.id);
    BOOST_TEST(v.status == "available");
    BOOST_TEST(v.attachments.empty());
    BOOST_CHECK_THROW(driver.attachmentGet(alice, a.id), NotFound);
}

BOOST_AUTO_TEST_CASE(a_backup_keeps_the_bytes_and_restores_them)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    write_at(driver.volumePath(v.id), 4096, "backed up");
    volume::Backup asked;
    asked.id = new_uuid();
    asked.volume_id = v.id;
    volume::Backup b = driver.backupCreate(alice, asked);
    BOOST_TEST(b.status == "available");
    BOOST_TEST(b.size == 1);
    BOOST_TEST(driver.quotaUsage(alice, "alice")["backups"] == 1);
    write_at(driver.volumePath(v.id), 4096, "overwrote");
    driver.backupRestore(alice, b.id, v.id, std::nullopt);
    BOOST_TEST(read_at(driver.volumePath(v.id), 4096, 9) == "backed up");
    BOOST_TEST(stat_of(driver.volumePath(v.id)).st_size == kGiB);
    volume::Volume fresh = driver.backupRestore(alice, b.id, std::nullopt, std::string("again"));
    BOOST_TEST(fresh.id != v.id);
    BOOST_TEST(fresh.name.value_or("") == "again");
    BOOST_TEST(read_at(driver.volumePath(fresh.id), 4096, 9) == "backed up");
    BOOST_CHECK_THROW(driver.backupGet(member("bob"), b.id), NotFound);
    driver.backupDelete(alice, b.id);
    BOOST_TEST(!exists(driver.backupPath(b.id)));
    BOOST_TEST(driver.quotaUsage(alice, "alice")["backups"] == 0);
}

namespace {

volume::Transfer transfer_request(const std::string& volume_id, bool no_snapshots = false)
{
    volume::Transfer t;
    t.id = new_uuid();
    t.name = "offer";
    t.volume_id = volume_id;
    t.no_snapshots = no_snapshots;
    return t;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_transfer_moves_the_volume_and_its_snapshots_to_whoever_has_the_key)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice"), bob = member("bob"), carol = member("carol");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 2));
    volume::Snapshot snap = driver.snapshotCreate(alice, snapshot_request(alice, v.id));
    volume::Transfer t = driver.transferCreate(alice, transfer_request(v.id), "0123456789abcdef");
    BOOST_TEST(t.source_project_id == "alice");
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "awaiting-transfer");
    BOOST_CHECK_THROW(driver.transferCreate(alice, transfer_request(v.id), "fedcba9876543210"), BadRequest);
    BOOST_CHECK_THROW(driver.transferGet(bob, t.id), NotFound);
    BOOST_TEST(driver.transferList(bob, {}).empty());
    BOOST_TEST(driver.transferList(alice, {}).size() == 1u);

    {
        Statement stored(*state.db, "SELECT key_hash FROM volume_transfers");
        BOOST_REQUIRE(stored.step());
        BOOST_TEST(stored.text(0).find("0123456789abcdef") == std::string::npos);
    }

    BOOST_CHECK_THROW(driver.transferAccept(bob, t.id, "0123456789abcdee"), BadRequest);
    BOOST_CHECK_THROW(driver.transferAccept(bob, "no-such-transfer", "0123456789abcdef"), NotFound);
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "awaiting-transfer");
    volume::Transfer accepted = driver.transferAccept(bob, t.id, "0123456789abcdef");
    BOOST_TEST(accepted.volume_id == v.id);

    volume::Volume moved = driver.volumeGet(bob, v.id);
    BOOST_TEST(moved.status == "available");
    BOOST_TEST(moved.user_id == bob.user_id);
    BOOST_CHECK_THROW(driver.volumeGet(alice, v.id), NotFound);
    BOOST_TEST(driver.snapshotGet(bob, snap.id).project_id == "bob");
    BOOST_TEST(driver.quotaUsage(alice, "alice")["gigabytes"] == 0);
    BOOST_TEST(driver.quotaUsage(bob, "bob")["gigabytes"] == 4);
    BOOST_TEST(driver.quotaUsage(bob, "bob")["snapshots"] == 1);
    // Used once: the key opens nothing now, for anyone.
    BOOST_CHECK_THROW(driver.transferAccept(carol, t.id, "0123456789abcdef"), NotFound);
}

BOOST_AUTO_TEST_CASE(a_transfer_beyond_the_takers_quota_moves_nothing_and_a_withdrawn_one_frees_the_volume)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice"), bob = member("bob");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 3));
    volume::Snapshot snap = driver.snapshotCreate(alice, snapshot_request(alice, v.id));
    volume::Transfer t = driver.transferCreate(alice, transfer_request(v.id, true), "key-one");
    driver.quotaSet(admin(), "bob", {{"gigabytes", 2}});
    BOOST_CHECK_THROW(driver.transferAccept(bob, t.id, "key-one"), PayloadTooLarge);
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "awaiting-transfer");
    driver.transferDelete(alice, t.id);
    BOOST_TEST(driver.volumeGet(alice, v.id).status == "available");
    BOOST_CHECK_THROW(driver.transferGet(alice, t.id), NotFound);

    // Without its snapshots, only the volume counts against the taker's quota, and they stay.
    driver.quotaSet(admin(), "bob", {{"gigabytes", 3}});
    t = driver.transferCreate(alice, transfer_request(v.id, true), "key-two");
    driver.transferAccept(bob, t.id, "key-two");
    BOOST_TEST(driver.volumeGet(bob, v.id).project_id == "bob");
    BOOST_TEST(driver.snapshotGet(alice, snap.id).project_id == "alice");
}

BOOST_AUTO_TEST_CASE(encryption_and_qos_follow_their_types)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::VolumeType t;
    t.id = new_uuid();
    t.name = "secret";
    t = driver.typeCreate(admin(), t);
    BOOST_TEST(!driver.encryptionGet(admin(), t.id));
    volume::Encryption e{.volume_type_id = t.id, .encryption_id = new_uuid(), .provider = "luks", .key_size = 256};
    BOOST_TEST(driver.encryptionCreate(admin(), e).key_size.value_or(0) == 256);
    BOOST_CHECK_THROW(driver.encryptionCreate(admin(), e), BadRequest);
    volume::Volume r = request(alice, 1);
    r.volume_type_id = t.id;
    volume::Volume v = driver.volumeCreate(alice, r);
    e.cipher = "aes-xts-plain64";
    BOOST_CHECK_THROW(driver.encryptionUpdate(admin(), e), BadRequest);
    BOOST_CHECK_THROW(driver.encryptionDelete(admin(), t.id), BadRequest);
    driver.volumeDelete(alice, v.id);
    BOOST_TEST(driver.encryptionUpdate(admin(), e).cipher.value_or("") == "aes-xts-plain64");
    driver.encryptionDelete(admin(), t.id);
    BOOST_CHECK_THROW(driver.encryptionDelete(admin(), t.id), NotFound);

    volume::QosSpec q = driver.qosCreate(admin(), {.id = new_uuid(), .name = "gold", .specs = {{"iops", "9"}}});
    BOOST_TEST(q.consumer == "back-end");
    BOOST_CHECK_THROW(driver.qosCreate(admin(), {.id = new_uuid(), .name = "gold"}), Conflict);
    t.qos_specs_id = q.id;
    BOOST_TEST(driver.typeUpdate(admin(), t).qos_specs_id.value_or("") == q.id);
    t.qos_specs_id = "no-such-qos";
    BOOST_CHECK_THROW(driver.typeUpdate(admin(), t), NotFound);
    BOOST_CHECK_THROW(driver.qosDelete(admin(), q.id, false), BadRequest);
    driver.qosDelete(admin(), q.id, true);
    BOOST_TEST(!driver.typeGet(admin(), t.id).qos_specs_id);
    BOOST_CHECK_THROW(driver.qosGet(admin(), q.id), NotFound);
}

BOOST_AUTO_TEST_CASE(a_volume_no_backend_takes_goes_to_error_without_bytes_and_leaves_a_message)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Pool pool = driver.poolList(admin()).front();
    volume::VolumeType elsewhere;
    elsewhere.id = new_uuid();
    elsewhere.name = "elsewhere";
    elsewhere.extra_specs = {{"vendor_name", pool.vendor_name + " not"}};
    driver.typeCreate(admin(), elsewhere);
    volume::VolumeType here;
    here.id = new_uuid();
    here.name = "here";
    here.extra_specs = {{"capabilities:storage_protocol", "<or> FC <or> " + pool.storage_protocol},
                        {"volume_backend_name", pool.volume_backend_name},
                        {"something_else", "any"}};
    driver.typeCreate(admin(), here);

    volume::Volume asked = request(alice, 1);
    asked.volume_type_id = elsewhere.id;
    volume::Volume refused = driver.volumeCreate(alice, asked);
    BOOST_TEST(refused.status == "error");
    BOOST_TEST(refused.host.empty());
    BOOST_TEST(!exists(driver.volumePath(refused.id)));
    auto messages = driver.messageList(alice);
    BOOST_REQUIRE(messages.size() == 1u);
    BOOST_TEST(messages[0].resource_uuid.value_or("") == refused.id);
    BOOST_TEST(messages[0].event_id == "VOLUME_VOLUME_001_002");
    BOOST_TEST(messages[0].expires_at - messages[0].created_at == 30 * 24 * 3600);
    BOOST_TEST(driver.messageList(member("bob")).empty());
    BOOST_TEST(driver.messageList(admin()).size() == 1u);
    BOOST_CHECK_THROW(driver.messageGet(member("bob"), messages[0].id), NotFound);
    BOOST_CHECK_THROW(driver.messageDelete(member("bob"), messages[0].id), NotFound);
    driver.volumeDelete(alice, refused.id);

    asked = request(alice, 1);
    asked.volume_type_id = here.id;
    volume::Volume placed = driver.volumeCreate(alice, asked);
    BOOST_TEST(placed.status == "available");
    BOOST_TEST(exists(driver.volumePath(placed.id)));
    BOOST_TEST(driver.poolList(admin()).front().allocated_capacity_gb == 1.0);

    // A disabled volume service takes none; with build time the volume is "creating" first, as Cinder's is.
    std::string backend = pool.name.substr(0, pool.name.find('#'));
    BOOST_CHECK_THROW(driver.serviceEnable(admin(), "elsewhere", "cinder-volume", false, std::nullopt), NotFound);
    BOOST_CHECK_THROW(driver.serviceEnable(admin(), backend, "cinder-nothing", false, std::nullopt), NotFound);
    volume::Service off = driver.serviceEnable(admin(), backend, "cinder-volume", false, std::string("why"));
    BOOST_TEST((!off.enabled && off.disabled_reason.value_or("") == "why"));
    auto slow = state.driver(60);
    volume::Volume waiting = slow.volumeCreate(alice, request(alice, 1));
    BOOST_TEST(waiting.status == "creating");
    BOOST_TEST(driver.messageList(alice).size() == 2u);
    volume::Service on = driver.serviceEnable(admin(), backend, "cinder-volume", true, std::nullopt);
    BOOST_TEST((on.enabled && !on.disabled_reason));
    BOOST_TEST(driver.volumeCreate(alice, request(alice, 1)).status == "available");
    BOOST_CHECK_THROW(driver.serviceFreeze(admin(), "elsewhere", true), BadRequest);
    driver.serviceFreeze(admin(), backend, true);
    for (const auto& s : driver.serviceList(admin()))
        BOOST_TEST(s.frozen == (s.binary == "cinder-volume"));
}

BOOST_AUTO_TEST_CASE(the_default_quota_class_is_every_projects_defaults)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    BOOST_TEST(driver.quotaDefaults(alice)["volumes_lvmdriver-1"] == -1);
    auto changed = driver.quotaClassSet(admin(), "default",
                                        {{"volumes", 1}, {"gigabytes_lvmdriver-1", 5}, {"volumes_nothing", 3}});
    BOOST_TEST(changed["volumes"] == 1);
    BOOST_TEST(changed["gigabytes_lvmdriver-1"] == 5);
    BOOST_TEST(!changed.contains("volumes_nothing"));
    BOOST_TEST(driver.quotaGet(alice, "alice")["volumes"] == 1);
    BOOST_TEST(driver.quotaDefaults(alice)["gigabytes_lvmdriver-1"] == 5);
    // Another class starts from the defaults; a project's own limits still win over the class.
    BOOST_TEST(driver.quotaClassGet(admin(), "gold")["volumes"] == 1);
    BOOST_CHECK_THROW(driver.quotaClassSet(admin(), "default", {{"volumes", -2}}), BadRequest);
    driver.volumeCreate(alice, request(alice, 1));
    BOOST_CHECK_THROW(driver.volumeCreate(alice, request(alice, 1)), PayloadTooLarge);
    driver.quotaSet(admin(), "alice", {{"volumes", 2}});
    driver.volumeCreate(alice, request(alice, 1));
    BOOST_TEST(driver.quotaUsage(alice, "alice")["volumes___DEFAULT__"] == 2);
    // A type's own limits hold too: gigabytes_lvmdriver-1 is 5.
    driver.quotaSet(admin(), "alice", {{"volumes", -1}});
    volume::Volume typed = request(alice, 5);
    typed.volume_type = "lvmdriver-1";
    driver.volumeCreate(alice, typed);
    typed = request(alice, 1);
    typed.volume_type = "lvmdriver-1";
    BOOST_CHECK_THROW(driver.volumeCreate(alice, typed), PayloadTooLarge);
    BOOST_TEST(driver.volumeCreate(alice, request(alice, 1)).status == "available");
}

BOOST_AUTO_TEST_CASE(an_imported_backup_record_shares_the_bytes_under_its_own_id)
{
    State state;
    auto driver = state.driver(0);
    Context alice = member("alice");
    volume::Volume v = driver.volumeCreate(alice, request(alice, 1));
    write_at(driver.volumePath(v.id), 4096, "exported");
    volume::Backup asked;
    asked.id = new_uuid();
    asked.volume_id = v.id;
    volume::Backup b = driver.backupCreate(alice, asked);
    auto [service, record] = driver.backupExport(admin(), b.id);
    BOOST_TEST(service.rfind("cinder.backup.drivers.", 0) == 0u);
    BOOST_CHECK_THROW(driver.backupImport(admin(), service, record), BadRequest); // its id is taken
    record["id"] = new_uuid();
    volume::Backup imported = driver.backupImport(admin(), service, record);
    BOOST_TEST(imported.status == "available");
    BOOST_TEST(imported.project_id == "admin-project");
    driver.backupDelete(alice, b.id);
    BOOST_TEST(read_at(driver.backupPath(imported.id), 4096, 8) == "exported");
    volume::Volume restored = driver.backupRestore(admin(), imported.id, std::nullopt, std::nullopt);
    BOOST_TEST(read_at(driver.volumePath(restored.id), 4096, 8) == "exported");
    // Bytes that are gone: an error backup; a name outside the store names none.
    record["id"] = new_uuid();
    BOOST_TEST(driver.backupImport(admin(), service, record).status == "error");
    record["id"] = new_uuid();
    record["service_metadata"] = "../volumes/" + v.id;
    BOOST_TEST(driver.backupImport(admin(), service, record).status == "error");
    record["id"] = "../escape";
    BOOST_CHECK_THROW(driver.backupImport(admin(), service, record), BadRequest);
    BOOST_CHECK_THROW(driver.backupImport(admin(), "cinder.backup.drivers.swift.SwiftBackupDriver", record),
                      BadRequest);
}

BOOST_AUTO_TEST_SUITE_END()
