// SPDX-License-Identifier: Apache-2.0
// The local cloud's Block Storage: records in SQLite, volumes and snapshots as sparse files, statuses by the clock.
#include "local.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <variant>

#include <jumpgate/fault.hpp>

namespace jumpgate::local {

namespace {

using volume::Attachment;
using volume::Snapshot;
using volume::VolumeType;
using Value = std::variant<std::string, long long>;

constexpr long long kGiB = 1LL << 30;
constexpr std::size_t kCopyBlock = 1 << 16;

const volume::QuotaSet kDefaultQuotas = {{"volumes", 10},          {"gigabytes", 1000},
                                         {"snapshots", 10},        {"backups", 10},
                                         {"backup_gigabytes", 1000}, {"per_volume_gigabytes", -1},
                                         {"groups", 10}};

// Keys of a volume's image metadata that are an image's own fields: an image uploaded from it gets new ones.
const char* const kImageCoreProperties[] = {"checksum", "container_format", "disk_format", "image_name", "image_id",
                                             "min_disk", "min_ram", "name", "size"};


/*
 * The status a row of `alias` has now, and when it last changed: a change
 * whose time is up has happened. Every query that reads rows puts the current
 * time first as ?1, so these can appear anywhere after it.
 */
std::string current_status(const char* alias)
{
    std::string a(alias);
    return "(CASE WHEN " + a + ".next_status IS NOT NULL AND " + a + ".status_until <= ?1 THEN " + a +
           ".next_status ELSE " + a + ".status END)";
}

std::string current_updated(const char* alias)
{
    std::string a(alias);
    return "(CASE WHEN " + a + ".next_status IS NOT NULL AND " + a + ".status_until <= ?1 THEN MAX(" + a +
           ".updated_at, " + a + ".status_until) ELSE " + a + ".updated_at END)";
}

const std::string kVolumeColumns =
    "SELECT v.id, v.name, v.description, v.project_id, v.user_id, v.size, " + current_status("v") +
    ", COALESCE(t.name, ''), v.volume_type_id, v.availability_zone, v.bootable, v.multiattach, v.readonly, "
    "v.snapshot_id, v.source_volid, v.image_id, v.image_metadata_json, v.metadata_json, v.host, v.created_at, " +
    current_updated("v") + ", v.rowid, v.readonly_set FROM volumes v LEFT JOIN volume_types t ON t.id = v.volume_type_id";
constexpr int kVolumeSeq = 21;

const std::string kSnapshotColumns =
    "SELECT s.id, s.name, s.description, s.volume_id, s.project_id, s.user_id, s.size, " + current_status("s") +
    ", s.metadata_json, s.created_at, " + current_updated("s") + ", s.rowid FROM volume_snapshots s";
constexpr int kSnapshotSeq = 11;

std::optional<std::string> opt_text(const Statement& s, int col)
{
    return s.is_null(col) ? std::nullopt : std::optional<std::string>(s.text(col));
}

void bind_opt(Statement& s, int index, const std::optional<std::string>& value)
{
    if (value)
        s.bind(index, *value);
    else
        s.bind_null(index);
}

/*
 * describe_owned: set the name, description and metadata of row `id` of `table` (snapshots and backups) when
 * the caller's project owns it or the caller is an admin; NotFound ("<kind> <id> could not be found.") else.
 */
template <class Row>
void describe_owned(Database& db, const char* table, const char* kind, const Row& row, const Context& ctx)
{
    Statement s(db, std::string("UPDATE ") + table + " SET name = ?, description = ?, metadata_json = ?, "
                                                     "updated_at = ? WHERE id = ? AND (project_id = ? OR ?)");
    bind_opt(s, 1, row.name);
    bind_opt(s, 2, row.description);
    s.bind(3, json(row.metadata).dump()).bind(4, static_cast<long long>(unix_now())).bind(5, row.id);
    s.bind(6, ctx.project_id).bind(7, ctx.is_admin() ? 1LL : 0LL);
    s.step();
    if (sqlite3_changes(db.handle()) == 0)
        throw NotFound(std::string(kind) + " " + row.id + " could not be found.");
}

/* delete_owned: delete row `id` of `table` and its bytes at `path`, as describe_owned finds it. */
void delete_owned(Database& db, const char* table, const char* kind, const std::string& id, const Context& ctx,
                  const std::string& path)
{
    Statement s(db, std::string("DELETE FROM ") + table + " WHERE id = ? AND (project_id = ? OR ?)");
    s.bind(1, id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
    s.step();
    if (sqlite3_changes(db.handle()) == 0)
        throw NotFound(std::string(kind) + " " + id + " could not be found.");
    unlink(path.c_str());
}

void bind_all(Statement& s, const std::vector<Value>& values)
{
    int i = 1;
    for (const auto& v : values) {
        if (const auto* text = std::get_if<std::string>(&v))
            s.bind(i++, *text);
        else
            s.bind(i++, std::get<long long>(v));
    }
}

std::map<std::string, std::string> string_map(const std::string& text)
{
    return json::parse(text).get<std::map<std::string, std::string>>();
}

volume::Volume volume_of(const Statement& s)
{
    volume::Volume v;
    v.id = s.text(0);
    v.name = opt_text(s, 1);
    v.description = opt_text(s, 2);
    v.project_id = s.text(3);
    v.user_id = s.text(4);
    v.size = s.integer(5);
    v.status = s.text(6);
    v.volume_type = s.text(7);
    v.volume_type_id = s.text(8);
    v.availability_zone = s.text(9);
    v.bootable = s.integer(10) != 0;
    v.multiattach = s.integer(11) != 0;
    v.readonly = s.integer(12) != 0;
    v.snapshot_id = opt_text(s, 13);
    v.source_volid = opt_text(s, 14);
    v.image_id = opt_text(s, 15);
    v.image_metadata = string_map(s.text(16));
    v.metadata = string_map(s.text(17));
    v.host = s.text(18);
    v.created_at = s.integer(19);
    v.updated_at = s.integer(20);
    v.readonly_set = s.integer(22) != 0;
    return v;
}

Snapshot snapshot_of(const Statement& s)
{
    Snapshot v;
    v.id = s.text(0);
    v.name = opt_text(s, 1);
    v.description = opt_text(s, 2);
    v.volume_id = s.text(3);
    v.project_id = s.text(4);
    v.user_id = s.text(5);
    v.size = s.integer(6);
    v.status = s.text(7);
    v.metadata = string_map(s.text(8));
    v.created_at = s.integer(9);
    v.updated_at = s.integer(10);
    return v;
}

/* A sort key of a list: its SQL expression, its direction and, with a marker, the marker's value of it. */
struct SortKey {
    std::string expr;
    bool ascending;
    Value marker;
};

const std::vector<std::pair<std::string, bool>> kNewestFirst = {{"created_at", false}};

// A volume sort key as SQL; NULLs as '' so that a marker's value compares.
std::string volume_sort_expr(const std::string& key)
{
    static const char* const kPlain[] = {"id", "size", "availability_zone", "created_at", "bootable",
                                         "project_id", "user_id"};
    if (std::any_of(std::begin(kPlain), std::end(kPlain), [&](const char* k) { return key == k; }))
        return "v." + key;
    if (key == "name" || key == "display_name")
        return "COALESCE(v.name, '')";
    if (key == "status")
        return current_status("v");
    if (key == "updated_at")
        return current_updated("v");
    if (key == "volume_type")
        return "COALESCE(t.name, '')";
    throw BadRequest("Invalid sort key: " + key);
}

// What volume_sort_expr(key) is for `v`.
Value volume_sort_value(const volume::Volume& v, const std::string& key)
{
    if (key == "id") return v.id;
    if (key == "size") return v.size;
    if (key == "availability_zone") return v.availability_zone;
    if (key == "bootable") return v.bootable ? 1LL : 0LL;
    if (key == "project_id") return v.project_id;
    if (key == "user_id") return v.user_id;
    if (key == "name" || key == "display_name") return v.name.value_or("");
    if (key == "status") return v.status;
    if (key == "updated_at") return static_cast<long long>(v.updated_at);
    if (key == "volume_type") return v.volume_type;
    return static_cast<long long>(v.created_at);
}

std::string snapshot_sort_expr(const std::string& key)
{
    static const char* const kPlain[] = {"id", "size", "volume_id", "project_id", "created_at"};
    if (std::any_of(std::begin(kPlain), std::end(kPlain), [&](const char* k) { return key == k; }))
        return "s." + key;
    if (key == "name" || key == "display_name")
        return "COALESCE(s.name, '')";
    if (key == "status")
        return current_status("s");
    if (key == "updated_at")
        return current_updated("s");
    throw BadRequest("Invalid sort key: " + key);
}

Value snapshot_sort_value(const Snapshot& s, const std::string& key)
{
    if (key == "id") return s.id;
    if (key == "size") return s.size;
    if (key == "volume_id") return s.volume_id;
    if (key == "project_id") return s.project_id;
    if (key == "name" || key == "display_name") return s.name.value_or("");
    if (key == "status") return s.status;
    if (key == "updated_at") return static_cast<long long>(s.updated_at);
    return static_cast<long long>(s.created_at);
}

/*
 * The condition for the rows after the marker in the order of `keys`
 * (keyset pagination: a page costs a page however deep it is), appending
 * the values it binds.
 */
std::string after_marker(const std::vector<SortKey>& keys, std::vector<Value>& values)
{
    std::string sql = " AND (";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        sql += i ? " OR (" : "(";
        for (std::size_t j = 0; j < i; ++j) {
            sql += keys[j].expr + " = ? AND ";
            values.push_back(keys[j].marker);
        }
        sql += keys[i].expr + (keys[i].ascending ? " > ?" : " < ?") + ")";
        values.push_back(keys[i].marker);
    }
    return sql + ")";
}

std::string order_by(const std::vector<SortKey>& keys)
{
    std::string sql = " ORDER BY ";
    for (std::size_t i = 0; i < keys.size(); ++i)
        sql += (i ? ", " : "") + keys[i].expr + (keys[i].ascending ? " ASC" : " DESC");
    return sql;
}

bool parse_bool(const std::string& key, const std::string& value)
{
    std::string v = value;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (v == "true" || v == "1" || v == "yes")
        return true;
    if (v == "false" || v == "0" || v == "no")
        return false;
    throw BadRequest("Invalid value '" + value + "' for filter " + key + ": it must be true or false.");
}

long long parse_count(const std::string& key, const std::string& value)
{
    try {
        std::size_t used = 0;
        long long n = std::stoll(value, &used);
        if (used == value.size())
            return n;
    } catch (const std::exception&) {
    }
    throw BadRequest("Invalid value '" + value + "' for filter " + key + ": it must be an integer.");
}

// The SQL of a "metadata:key" (or "image_metadata:key") filter on a JSON object column.
std::string json_filter(const std::string& column, const std::string& key, const std::string& value,
                        std::vector<Value>& values)
{
    values.emplace_back(key);
    values.emplace_back(value);
    return " AND EXISTS (SELECT 1 FROM json_each(" + column + ") m WHERE m.key = ? AND m.value = ?)";
}

std::string hostname()
{
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    return host;
}

[[noreturn]] void fail(const std::string& what)
{
    fail_storage(what, errno);
}

/* Fd: a file descriptor closed when it goes. */
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd()
    {
        if (fd_ >= 0)
            close(fd_);
    }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept
    {
        std::swap(fd_, other.fd_);
        return *this;
    }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_;
};

long long file_size(int fd)
{
    struct stat st{};
    if (fstat(fd, &st) != 0)
        fail("cannot stat a volume file");
    return static_cast<long long>(st.st_size);
}

bool all_zero(const char* p, std::size_t n) { return n == 0 || (p[0] == 0 && std::memcmp(p, p + 1, n - 1) == 0); }

void write_at(int fd, const char* p, std::size_t n, off_t at)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            fail("volume write failed");
        p += w;
        n -= static_cast<std::size_t>(w);
        at += w;
    }
}

/*
 * copy_sparse: the first `length` bytes of `from` into `to` (already as long,
 * all zeros), in constant memory; holes of `from` and blocks of zeros are
 * skipped, so a copy stays as sparse as its source.
 */
void copy_sparse(int from, int to, off_t length)
{
    std::vector<char> buffer(kCopyBlock);
    off_t pos = 0;
    while (pos < length) {
        off_t data = lseek(from, pos, SEEK_DATA);
        if (data < 0 && errno == ENXIO)
            break;                                  // nothing but a hole to the end
        if (data < 0 && errno != EINVAL)
            fail("cannot find the data of a volume file");
        if (data < 0)
            data = pos;                             // a file system without SEEK_DATA: all of it is data
        if (data >= length)
            break;
        off_t hole = lseek(from, data, SEEK_HOLE);
        if (hole < 0 || hole > length)
            hole = length;
        for (off_t at = data; at < hole;) {
            std::size_t want = static_cast<std::size_t>(std::min<off_t>(static_cast<off_t>(buffer.size()), hole - at));
            ssize_t n = pread(from, buffer.data(), want, at);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                fail("volume read failed");
            if (n == 0)
                return;                             // the source is shorter than it said
            if (!all_zero(buffer.data(), static_cast<std::size_t>(n)))
                write_at(to, buffer.data(), static_cast<std::size_t>(n), at);
            at += n;
        }
        pos = hole;
    }
}

/*
 * store_file: make `dir`/`id` a file of `size` bytes that begins with the
 * first `source_length` bytes of `source` (when it is open), written under a
 * temporary name and linked into place only once complete, so no half-made
 * file ever has the final name. Conflict when the name is taken; returns the
 * final path.
 */
std::string store_file(const std::string& dir, const std::string& id, long long size, int source,
                       long long source_length)
{
    std::string final_path = dir + "/" + id;
    std::string tmp = dir + "/.creating-" + id + "-" + new_uuid();
    Fd out(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
    if (!out)
        fail("cannot create " + tmp);
    try {
        if (ftruncate(out.get(), static_cast<off_t>(size)) != 0)
            fail("cannot size " + tmp);
        if (source >= 0)
            copy_sparse(source, out.get(), static_cast<off_t>(std::min(size, source_length)));
        // Bytes are on disk before any record says the volume has them.
        if (fsync(out.get()) != 0)
            fail("cannot sync " + tmp);
        // link, unlike rename, never replaces a file that has the name already.
        if (link(tmp.c_str(), final_path.c_str()) != 0) {
            if (errno == EEXIST)
                throw Conflict("A volume or snapshot with identifier " + id + " already exists.");
            fail("cannot store " + final_path);
        }
    } catch (...) {
        unlink(tmp.c_str());
        throw;
    }
    unlink(tmp.c_str());
    return final_path;
}

Fd open_source(const std::string& path, const std::string& what)
{
    Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        throw BadRequest(what + " has no data to copy.");
    return fd;
}

/* FileBytes: a file read from its start, as an upload's body. */
class FileBytes : public BodySource {
public:
    explicit FileBytes(int fd) : fd_(fd) {}
    std::size_t read(char* buffer, std::size_t size) override
    {
        for (;;) {
            ssize_t n = ::read(fd_, buffer, size);
            if (n >= 0)
                return static_cast<std::size_t>(n);
            if (errno != EINTR)
                fail("volume read failed");
        }
    }

private:
    int fd_;
};

long long gib_ceil(long long bytes) { return (bytes + kGiB - 1) / kGiB; }

bool is_busy(const std::string& status)
{
    static const char* const kBusy[] = {"creating", "attaching", "detaching", "extending", "uploading",
                                        "deleting", "downloading", "backing-up", "restoring-backup"};
    return std::find_if(std::begin(kBusy), std::end(kBusy), [&](const char* s) { return status == s; }) !=
           std::end(kBusy);
}

} // namespace

Volume::Volume(std::shared_ptr<Database> db, std::string volume_store, std::string image_store, int build_seconds)
    : db_(std::move(db)), volume_store_(std::move(volume_store)), image_store_(std::move(image_store)),
      host_(hostname() + "@lvmdriver-1#lvmdriver-1"), build_seconds_(build_seconds),
      quotas_(*db_, "volume_quotas", kDefaultQuotas)
{
    auto slash = volume_store_.rfind('/');
    std::string parent = slash == std::string::npos ? std::string(".") : volume_store_.substr(0, slash);
    snapshot_store_ = parent + "/volume-snapshots";
    backup_store_ = parent + "/volume-backups";
    mkdir(volume_store_.c_str(), 0750);
    mkdir(snapshot_store_.c_str(), 0750);
    mkdir(backup_store_.c_str(), 0750);
}

std::string Volume::volumePath(const std::string& volume_id) const { return volume_store_ + "/" + volume_id; }
std::string Volume::snapshotPath(const std::string& snapshot_id) const { return snapshot_store_ + "/" + snapshot_id; }

/*
 * status_set: put a volume or snapshot (`table`) in `status`; with `next`, it
 * becomes `next` once build_seconds have passed (at once when they are 0).
 */
void Volume::status_set(const char* table, const std::string& id, const std::string& status,
                        const std::optional<std::string>& next) const
{
    std::int64_t t = unix_now();
    Statement s(*db_, std::string("UPDATE ") + table +
                          " SET status = ?, status_until = ?, next_status = ?, updated_at = ? WHERE id = ?");
    if (next && build_seconds_ <= 0)
        s.bind(1, *next).bind(2, 0LL).bind_null(3);
    else {
        s.bind(1, status).bind(2, static_cast<long long>(next ? ready_at(build_seconds_) : 0));
        bind_opt(s, 3, next);
    }
    s.bind(4, static_cast<long long>(t)).bind(5, id);
    s.step();
}

void Volume::load_attachments(std::vector<volume::Volume>& volumes) const
{
    if (volumes.empty())
        return;
    json ids = json::array();
    for (const auto& v : volumes)
        ids.push_back(v.id);
    Statement s(*db_, "SELECT a.id, a.volume_id, a.server_id, a.device, a.host, a.mode, a.attached_at, "
                      "a.attach_status, a.connector_json FROM volume_attachments a "
                      "WHERE a.volume_id IN (SELECT value FROM json_each(?)) ORDER BY a.attached_at, a.rowid");
    s.bind(1, ids.dump());
    while (s.step()) {
        Attachment a = attachment_of(s);
        for (auto& v : volumes)
            if (v.id == a.volume_id)
                v.attachments.push_back(a);
    }
}

std::vector<volume::Volume> Volume::volumeList(const Context& ctx, const volume::ListQuery& q) const
{
    std::vector<Value> values{static_cast<long long>(unix_now())};
    std::string where = " WHERE 1";
    if (!q.all_projects || !ctx.is_admin()) {
        where += " AND v.project_id = ?";
        values.emplace_back(ctx.project_id);
    } else if (q.project_id) {
        where += " AND v.project_id = ?";
        values.emplace_back(*q.project_id);
    }
    for (const auto& [key, value] : q.filters) {
        if (key.rfind("metadata:", 0) == 0)
            where += json_filter("v.metadata_json", key.substr(9), value, values);
        else if (key.rfind("image_metadata:", 0) == 0)
            where += json_filter("v.image_metadata_json", key.substr(15), value, values);
        else if (key == "bootable" || key == "multiattach") {
            where += " AND v." + key + " = ?";
            values.emplace_back(parse_bool(key, value) ? 1LL : 0LL);
        } else if (key == "size") {
            where += " AND v.size = ?";
            values.emplace_back(parse_count(key, value));
        } else if (key == "status") {
            where += " AND " + current_status("v") + " = ?";
            values.emplace_back(value);
        } else if (key == "volume_type") {
            where += " AND (t.name = ? OR t.id = ?)";
            values.emplace_back(value);
            values.emplace_back(value);
        } else {
            static const char* const kFields[] = {"name", "availability_zone", "id", "user_id", "project_id",
                                                  "snapshot_id", "source_volid", "image_id", "volume_type_id"};
            if (std::none_of(std::begin(kFields), std::end(kFields), [&filter = key](const char* f) { return filter == f; }))
                throw BadRequest("Invalid filter keys: " + key);
            where += " AND v." + key + " = ?";
            values.emplace_back(value);
        }
    }

    std::optional<volume::Volume> marker;
    long long marker_seq = 0;
    if (!q.marker.empty()) {
        Statement m(*db_, kVolumeColumns + " WHERE v.id = ? AND (v.project_id = ? OR ?)");
        m.bind(1, static_cast<long long>(unix_now())).bind(2, q.marker).bind(3, ctx.project_id);
        m.bind(4, ctx.is_admin() ? 1LL : 0LL);
        if (!m.step())
            throw BadRequest("Marker " + q.marker + " could not be found.");
        marker = volume_of(m);
        marker_seq = m.integer(kVolumeSeq);
    }
    std::vector<SortKey> keys;
    for (const auto& [key, ascending] : q.sort.empty() ? kNewestFirst : q.sort)
        keys.push_back({volume_sort_expr(key), ascending, marker ? volume_sort_value(*marker, key) : Value(0LL)});
    // Volumes made in the same second keep the order they were made in: rowid grows with each.
    keys.push_back({"v.rowid", keys.back().ascending, Value(marker_seq)});
    if (marker)
        where += after_marker(keys, values);
    std::string sql = kVolumeColumns + where + order_by(keys) + " LIMIT ? OFFSET ?";
    values.emplace_back(q.limit ? static_cast<long long>(q.limit) : -1LL);
    values.emplace_back(static_cast<long long>(q.offset));
    Statement s(*db_, sql);
    bind_all(s, values);
    std::vector<volume::Volume> out;
    while (s.step())
        out.push_back(volume_of(s));
    load_attachments(out);
    return out;
}

volume::Volume Volume::volumeGet(const Context& ctx, const std::string& volume_id) const
{
    Statement s(*db_, kVolumeColumns + " WHERE v.id = ? AND (v.project_id = ? OR ?)");
    s.bind(1, static_cast<long long>(unix_now())).bind(2, volume_id).bind(3, ctx.project_id);
    s.bind(4, ctx.is_admin() ? 1LL : 0LL);
    if (!s.step())
        throw NotFound("Volume " + volume_id + " could not be found.");
    std::vector<volume::Volume> one{volume_of(s)};
    load_attachments(one);
    return one.front();
}

volume::QuotaSet Volume::quotaGet(const Context&, const std::string& project_id) const
{
    return quotas_.get(project_id);
}

volume::QuotaSet Volume::quotaDefaults(const Context&) const { return quotas_.defaults(); }

volume::QuotaSet Volume::quotaSet(const Context&, const std::string& project_id,
                                  const volume::QuotaSet& changes) const
{
    quotas_.set(project_id, changes);
    return quotas_.get(project_id);
}

void Volume::quotaReset(const Context&, const std::string& project_id) const { quotas_.reset(project_id); }

volume::QuotaSet Volume::quotaUsage(const Context&, const std::string& project_id) const
{
    volume::QuotaSet used;
    for (const auto& [resource, limit] : kDefaultQuotas)
        used[resource] = 0;
    Statement v(*db_, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM volumes WHERE project_id = ?");
    v.bind(1, project_id);
    if (v.step()) {
        used["volumes"] = v.integer(0);
        used["gigabytes"] = v.integer(1);
    }
    // As in Cinder, snapshots take from the same gigabytes as volumes.
    Statement s(*db_, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM volume_snapshots WHERE project_id = ?");
    s.bind(1, project_id);
    if (s.step()) {
        used["snapshots"] = s.integer(0);
        used["gigabytes"] += s.integer(1);
    }
    Statement b(*db_, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM volume_backups WHERE project_id = ?");
    b.bind(1, project_id);
    if (b.step()) {
        used["backups"] = b.integer(0);
        used["backup_gigabytes"] = b.integer(1);
    }
    return used;
}

/*
 * quota_check: PayloadTooLarge, in Cinder's words, unless `project_id` may
 * have `volumes` more volumes, `snapshots` more snapshots and `gigabytes`
 * more gigabytes, and a volume of `volume_size` GiB (0: no volume is sized).
 */
void Volume::quota_check(const Context& ctx, const std::string& project_id, long long volumes, long long snapshots,
                         long long gigabytes, long long volume_size) const
{
    auto limits = quotaGet(ctx, project_id);
    auto used = quotaUsage(ctx, project_id);
    auto n = [](long long v) { return std::to_string(v); };
    long long per_volume = limits["per_volume_gigabytes"];
    if (volume_size > 0 && per_volume >= 0 && volume_size > per_volume)
        throw PayloadTooLarge("VolumeSizeExceedsLimit: Requested volume size " + n(volume_size) +
                              "G is larger than maximum allowed limit " + n(per_volume) + "G.");
    if (volumes > 0 && limits["volumes"] >= 0 && used["volumes"] + volumes > limits["volumes"])
        throw PayloadTooLarge("VolumeLimitExceeded: Maximum number of volumes allowed (" + n(limits["volumes"]) +
                              ") exceeded for quota 'volumes'.");
    if (snapshots > 0 && limits["snapshots"] >= 0 && used["snapshots"] + snapshots > limits["snapshots"])
        throw PayloadTooLarge("SnapshotLimitExceeded: Maximum number of snapshots allowed (" +
                              n(limits["snapshots"]) + ") exceeded");
    if (gigabytes > 0 && limits["gigabytes"] >= 0 && used["gigabytes"] + gigabytes > limits["gigabytes"])
        throw PayloadTooLarge("VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
                              "gigabytes quota. Requested " + n(gigabytes) + "G, quota is " + n(limits["gigabytes"]) +
                              "G and " + n(used["gigabytes"]) + "G has been consumed.");
}

volume::Volume Volume::volumeCreate(const Context& ctx, const volume::Volume& in) const
{
    volume::Volume v = in;
    if (v.id.empty())
        throw BadRequest("A new volume needs an id.");
    if (v.project_id.empty())
        v.project_id = ctx.project_id;
    if (v.user_id.empty())
        v.user_id = ctx.user_id;
    if (v.availability_zone.empty())
        v.availability_zone = "nova";
    if (v.availability_zone != "nova")
        throw BadRequest("Availability zone '" + v.availability_zone + "' is invalid.");
    int sources = (v.snapshot_id ? 1 : 0) + (v.source_volid ? 1 : 0) + (v.image_id ? 1 : 0);
    if (sources > 1)
        throw BadRequest("A volume is made from at most one of a snapshot, a volume and an image.");

    // The type: the one named, else the default.
    {
        std::string wanted = !v.volume_type_id.empty() ? v.volume_type_id : v.volume_type;
        Statement t(*db_, wanted.empty() ? "SELECT id, name FROM volume_types WHERE is_default = 1 LIMIT 1"
                                         : "SELECT id, name FROM volume_types WHERE id = ? OR name = ? "
                                           "ORDER BY id = ? DESC LIMIT 1");
        if (!wanted.empty())
            t.bind(1, wanted).bind(2, wanted).bind(3, wanted);
        if (!t.step())
            throw NotFound("Volume type with name " + wanted + " could not be found.");
        v.volume_type_id = t.text(0);
        v.volume_type = t.text(1);
    }

    // The source's bytes, held open: they stay readable whatever happens to its record meanwhile.
    Fd source;
    long long source_bytes = 0;
    long long needed = 1;
    if (v.snapshot_id) {
        Snapshot snap = snapshotGet(ctx, *v.snapshot_id);
        if (snap.status != "available")
            throw BadRequest("Originating snapshot status must be 'available' to create this volume, but it is '" +
                             snap.status + "'.");
        if (v.size > 0 && v.size < snap.size)
            throw BadRequest("Volume size '" + std::to_string(v.size) +
                             "'GB cannot be smaller than the snapshot size " + std::to_string(snap.size) +
                             "GB. They must be >= original snapshot size.");
        needed = snap.size;
        source = open_source(snapshotPath(snap.id), "Snapshot " + snap.id);
        try {
            volume::Volume parent = volumeGet(ctx, snap.volume_id);
            v.bootable = parent.bootable;
            v.image_metadata = parent.image_metadata;
        } catch (const NotFound&) {
        }
    } else if (v.source_volid) {
        volume::Volume src = volumeGet(ctx, *v.source_volid);
        if (src.status != "available" && src.status != "in-use")
            throw BadRequest("Volume " + src.id + " status must be available or in-use to be cloned, but current "
                             "status is: " + src.status + ".");
        if (v.size > 0 && v.size < src.size)
            throw BadRequest("Volume size '" + std::to_string(v.size) + "'GB cannot be smaller than original volume "
                             "size " + std::to_string(src.size) + "GB. They must be >= original volume size.");
        needed = src.size;
        source = open_source(volumePath(src.id), "Volume " + src.id);
        v.bootable = src.bootable;
        v.image_metadata = src.image_metadata;
    } else if (v.image_id) {
        // Visible to ctx as servers.cpp's create sees images: public, community, its own, shared with it.
        Statement image(*db_, "SELECT name, checksum, disk_format, container_format, size, min_disk, min_ram "
                              "FROM images WHERE id = ? AND status = 'active' AND "
                              "(visibility IN ('public', 'community') OR owner = ? OR ? OR EXISTS "
                              "(SELECT 1 FROM image_members m WHERE m.image_id = images.id AND m.member_id = ?))");
        image.bind(1, *v.image_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
        image.bind(4, ctx.project_id);
        if (!image.step())
            throw BadRequest("Invalid image identifier or unable to access requested image.");
        long long bytes = image.integer(4);
        long long min_disk = image.integer(5);
        v.image_metadata = {{"image_id", *v.image_id},        {"image_name", image.text(0)},
                            {"checksum", image.text(1)},       {"disk_format", image.text(2)},
                            {"container_format", image.text(3)}, {"size", std::to_string(bytes)},
                            {"min_disk", std::to_string(min_disk)}, {"min_ram", std::to_string(image.integer(6))}};
        Statement props(*db_, "SELECT key, value FROM image_properties WHERE image_id = ?");
        props.bind(1, *v.image_id);
        while (props.step())
            v.image_metadata.emplace(props.text(0), props.text(1));
        if (v.size > 0 && v.size < gib_ceil(bytes))
            throw BadRequest("Size of specified image " + std::to_string(gib_ceil(bytes)) +
                             "GB is larger than volume size " + std::to_string(v.size) + "GB.");
        if (v.size > 0 && v.size < min_disk)
            throw BadRequest("Volume size " + std::to_string(v.size) + "GB cannot be smaller than the image minDisk "
                             "size " + std::to_string(min_disk) + "GB.");
        needed = std::max({1LL, gib_ceil(bytes), min_disk});
        source = open_source(image_store_ + "/" + *v.image_id, "Image " + *v.image_id);
        source_bytes = file_size(source.get());
        v.bootable = true;
    }
    if (v.size <= 0)
        v.size = needed;
    if (source && !v.image_id)
        source_bytes = file_size(source.get());

    // Checked before the copy so a refused volume costs nothing, and again with the record, against a race.
    quota_check(ctx, v.project_id, 1, 0, v.size, v.size);
    std::string path = store_file(volume_store_, v.id, v.size * kGiB, source.get(), source_bytes);
    try {
        Transaction tx(*db_);
        Statement taken(*db_, "SELECT 1 FROM volumes WHERE id = ?");
        taken.bind(1, v.id);
        if (taken.step())
            throw Conflict("A volume with identifier " + v.id + " already exists.");
        quota_check(ctx, v.project_id, 1, 0, v.size, v.size);
        std::int64_t t = v.created_at ? v.created_at : unix_now();
        bool at_once = build_seconds_ <= 0;
        Statement s(*db_, "INSERT INTO volumes (id, name, description, project_id, user_id, size, status, "
                          "status_until, next_status, volume_type_id, availability_zone, bootable, multiattach, "
                          "readonly, snapshot_id, source_volid, image_id, image_metadata_json, metadata_json, host, "
                          "created_at, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, v.id);
        bind_opt(s, 2, v.name);
        bind_opt(s, 3, v.description);
        s.bind(4, v.project_id).bind(5, v.user_id).bind(6, v.size);
        s.bind(7, at_once ? "available" : "creating");
        s.bind(8, static_cast<long long>(at_once ? 0 : ready_at(build_seconds_)));
        if (at_once)
            s.bind_null(9);
        else
            s.bind(9, "available");
        s.bind(10, v.volume_type_id).bind(11, v.availability_zone).bind(12, v.bootable ? 1LL : 0LL);
        s.bind(13, v.multiattach ? 1LL : 0LL).bind(14, v.readonly ? 1LL : 0LL);
        bind_opt(s, 15, v.snapshot_id);
        bind_opt(s, 16, v.source_volid);
        bind_opt(s, 17, v.image_id);
        s.bind(18, json(v.image_metadata).dump()).bind(19, json(v.metadata).dump());
        s.bind(20, v.host.empty() ? host_ : v.host);
        s.bind(21, static_cast<long long>(t)).bind(22, static_cast<long long>(v.updated_at ? v.updated_at : t));
        s.step();
        tx.commit();
    } catch (...) {
        unlink(path.c_str());
        throw;
    }
    return volumeGet(ctx, v.id);
}

volume::Volume Volume::volumeUpdate(const Context& ctx, const volume::Volume& v) const
{
    Statement s(*db_, "UPDATE volumes SET name = ?, description = ?, metadata_json = ?, bootable = ?, readonly = ?, "
                      "readonly_set = ?, updated_at = ? WHERE id = ? AND (project_id = ? OR ?)");
    bind_opt(s, 1, v.name);
    bind_opt(s, 2, v.description);
    s.bind(3, json(v.metadata).dump()).bind(4, v.bootable ? 1LL : 0LL).bind(5, v.readonly ? 1LL : 0LL);
    s.bind(6, v.readonly_set || v.readonly ? 1LL : 0LL);
    s.bind(7, static_cast<long long>(unix_now())).bind(8, v.id).bind(9, ctx.project_id).bind(10, ctx.is_admin() ? 1LL : 0LL);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Volume " + v.id + " could not be found.");
    return volumeGet(ctx, v.id);
}

void Volume::volumeDelete(const Context& ctx, const std::string& volume_id) const
{
    {
        Transaction tx(*db_);
        volume::Volume v = volumeGet(ctx, volume_id);
        // The core checked these too; checked again under the write lock, nothing goes that something else needs.
        Statement snaps(*db_, "SELECT COUNT(*) FROM volume_snapshots WHERE volume_id = ?");
        snaps.bind(1, v.id);
        if (snaps.step() && snaps.integer(0) > 0)
            throw Conflict("Volume " + v.id + " still has " + std::to_string(snaps.integer(0)) +
                           " dependent snapshots; delete them first.");
        if (!v.attachments.empty())
            throw Conflict("Volume " + v.id + " is attached; detach it first.");
        Statement s(*db_, "DELETE FROM volumes WHERE id = ?");
        s.bind(1, v.id);
        s.step();
        tx.commit();
    }
    unlink(volumePath(volume_id).c_str());
}

volume::Volume Volume::volumeExtend(const Context& ctx, const std::string& volume_id, long long new_size) const
{
    {
        Transaction tx(*db_);
        volume::Volume v = volumeGet(ctx, volume_id);
        if (v.status != "available")
            throw Conflict("Volume " + v.id + " status must be available to extend, but current status is: " +
                           v.status + ".");
        if (new_size <= v.size)
            throw BadRequest("New size for extend must be greater than current size. (current: " +
                             std::to_string(v.size) + ", extended: " + std::to_string(new_size) + ").");
        quota_check(ctx, v.project_id, 0, 0, new_size - v.size, new_size);
        Statement s(*db_, "UPDATE volumes SET size = ? WHERE id = ?");
        s.bind(1, new_size).bind(2, v.id);
        s.step();
        status_set("volumes", v.id, "extending", "available");
        // Under the write lock, so the file and the record grow together or not at all.
        if (truncate(volumePath(v.id).c_str(), static_cast<off_t>(new_size * kGiB)) != 0)
            fail("cannot extend volume " + v.id);
        tx.commit();
    }
    return volumeGet(ctx, volume_id);
}

volume::Volume Volume::volumeResetStatus(const Context& ctx, const std::string& volume_id, const std::string& status,
                                         bool detach) const
{
    if (status.empty())
        throw BadRequest("Must specify a valid status.");
    {
        Transaction tx(*db_);
        volume::Volume v = volumeGet(ctx, volume_id);
        status_set("volumes", v.id, status, std::nullopt);
        if (detach) {
            Statement s(*db_, "DELETE FROM volume_attachments WHERE volume_id = ?");
            s.bind(1, v.id);
            s.step();
        }
        tx.commit();
    }
    return volumeGet(ctx, volume_id);
}

Attachment Volume::volumeAttach(const Context& ctx, const std::string& volume_id, const Attachment& in) const
{
    Attachment a = in;
    a.volume_id = volume_id;
    if (a.id.empty())
        a.id = new_uuid();
    if (a.mode.empty())
        a.mode = "rw";
    if (a.mode != "rw" && a.mode != "ro")
        throw BadRequest("Invalid attaching mode '" + a.mode + "' for volume " + volume_id + ".");
    a.attached_at = unix_now();
    Transaction tx(*db_);
    volume::Volume v = volumeGet(ctx, volume_id);
    if (!(v.status == "available" || (v.status == "in-use" && v.multiattach)))
        throw Conflict("Volume " + v.id + " status must be available" + (v.multiattach ? " or in-use" : "") +
                       " to attach, but current status is: " + v.status + ".");
    if (v.readonly && a.mode == "rw")
        throw BadRequest("Invalid attaching mode 'rw' for volume " + v.id + ": it is read-only.");
    for (const auto& other : v.attachments)
        if (other.server_id == a.server_id)
            throw Conflict("Volume " + v.id + " is already attached to server " + a.server_id + ".");
    Statement s(*db_, "INSERT INTO volume_attachments (id, volume_id, server_id, device, host, mode, attached_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, a.id).bind(2, a.volume_id).bind(3, a.server_id).bind(4, a.device).bind(5, a.host).bind(6, a.mode);
    s.bind(7, static_cast<long long>(a.attached_at));
    s.step();
    // Cinder's attach records the read-only flag (False) when none was set.
    Statement flag(*db_, "UPDATE volumes SET readonly_set = 1 WHERE id = ?");
    flag.bind(1, v.id);
    flag.step();
    status_set("volumes", v.id, "attaching", "in-use");
    tx.commit();
    return a;
}

void Volume::volumeDetach(const Context& ctx, const std::string& volume_id, const std::string& attachment_id) const
{
    Transaction tx(*db_);
    volume::Volume v = volumeGet(ctx, volume_id);
    if (std::none_of(v.attachments.begin(), v.attachments.end(),
                     [&](const Attachment& a) { return a.id == attachment_id; }))
        throw NotFound("Volume attachment could not be found with filter: attachment_id = " + attachment_id + ".");
    if (is_busy(v.status))
        throw Conflict("Volume " + v.id + " cannot be detached while it is " + v.status + ".");
    Statement s(*db_, "DELETE FROM volume_attachments WHERE id = ? AND volume_id = ?");
    s.bind(1, attachment_id).bind(2, v.id);
    s.step();
    // A volume reset to another status keeps it: only an in-use volume goes through detaching.
    if (v.status == "in-use")
        status_set("volumes", v.id, "detaching", v.attachments.size() > 1 ? "in-use" : "available");
    tx.commit();
}

std::string Volume::volumeUploadImage(const Context& ctx, const std::string& volume_id, const std::string& name,
                                      const std::string& disk_format, const std::string& container_format,
                                      const std::string& visibility, bool is_protected) const
{
    volume::Volume v;
    std::int64_t started = unix_now();
    std::int64_t done_at = ready_at(build_seconds_);   // uploading at least build_seconds, as any transition
    {
        Transaction tx(*db_);
        v = volumeGet(ctx, volume_id);
        if (v.status != "available" && v.status != "in-use")
            throw Conflict("Volume " + v.id + " status must be available or in-use to upload it to an image, but "
                           "current status is: " + v.status + ".");
        // Uploading until the bytes are all in the image, however long that takes: no clock ends it.
        status_set("volumes", v.id, "uploading", std::nullopt);
        tx.commit();
    }
    auto back = [&] {
        Statement s(*db_, "UPDATE volumes SET status = ?, status_until = ?, next_status = ?, updated_at = ? "
                          "WHERE id = ? AND status = 'uploading' AND next_status IS NULL");
        std::int64_t t = unix_now();
        if (build_seconds_ > 0 && done_at > t)
            s.bind(1, "uploading").bind(2, static_cast<long long>(done_at)).bind(3, v.status);
        else
            s.bind(1, v.status).bind(2, 0LL).bind_null(3);
        s.bind(4, static_cast<long long>(t)).bind(5, v.id);
        s.step();
    };
    Image images(db_, image_store_);
    image::Image img;
    img.id = new_uuid();
    img.name = name;
    img.status = "queued";
    img.visibility = visibility.empty() ? "private" : visibility;
    img.is_protected = is_protected;
    img.owner = v.project_id;
    img.disk_format = disk_format.empty() ? "raw" : disk_format;
    img.container_format = container_format.empty() ? "bare" : container_format;
    // What the volume kept of the image it was made from travels on, but for what the new image has of its own.
    for (const auto& [key, value] : v.image_metadata)
        if (std::none_of(std::begin(kImageCoreProperties), std::end(kImageCoreProperties),
                         [&name = key](const char* core) { return name == core; }))
            img.properties[key] = value;
    img.created_at = img.updated_at = started;
    bool created = false;
    try {
        Fd fd(open(volumePath(v.id).c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd)
            fail("cannot open volume " + v.id);
        images.imageCreate(ctx, img);
        created = true;
        FileBytes bytes(fd.get());
        images.imageUpload(ctx, img.id, bytes, {});
    } catch (...) {
        if (created) {
            try {
                images.imageDelete(ctx, img.id);
            } catch (const std::exception&) {
            }
        }
        back();
        throw;
    }
    back();
    return img.id;
}

std::vector<Snapshot> Volume::snapshotList(const Context& ctx, const volume::ListQuery& q) const
{
    std::vector<Value> values{static_cast<long long>(unix_now())};
    std::string where = " WHERE 1";
    if (!q.all_projects || !ctx.is_admin()) {
        where += " AND s.project_id = ?";
        values.emplace_back(ctx.project_id);
    } else if (q.project_id) {
        where += " AND s.project_id = ?";
        values.emplace_back(*q.project_id);
    }
    for (const auto& [key, value] : q.filters) {
        if (key.rfind("metadata:", 0) == 0)
            where += json_filter("s.metadata_json", key.substr(9), value, values);
        else if (key == "status") {
            where += " AND " + current_status("s") + " = ?";
            values.emplace_back(value);
        } else if (key == "size") {
            where += " AND s.size = ?";
            values.emplace_back(parse_count(key, value));
        } else {
            static const char* const kFields[] = {"name", "volume_id", "id", "user_id", "project_id"};
            if (std::none_of(std::begin(kFields), std::end(kFields), [&filter = key](const char* f) { return filter == f; }))
                throw BadRequest("Invalid filter keys: " + key);
            where += " AND s." + key + " = ?";
            values.emplace_back(value);
        }
    }
    std::optional<Snapshot> marker;
    long long marker_seq = 0;
    if (!q.marker.empty()) {
        Statement m(*db_, kSnapshotColumns + " WHERE s.id = ? AND (s.project_id = ? OR ?)");
        m.bind(1, static_cast<long long>(unix_now())).bind(2, q.marker).bind(3, ctx.project_id);
        m.bind(4, ctx.is_admin() ? 1LL : 0LL);
        if (!m.step())
            throw BadRequest("Marker " + q.marker + " could not be found.");
        marker = snapshot_of(m);
        marker_seq = m.integer(kSnapshotSeq);
    }
    std::vector<SortKey> keys;
    for (const auto& [key, ascending] : q.sort.empty() ? kNewestFirst : q.sort)
        keys.push_back({snapshot_sort_expr(key), ascending, marker ? snapshot_sort_value(*marker, key) : Value(0LL)});
    keys.push_back({"s.rowid", keys.back().ascending, Value(marker_seq)});
    if (marker)
        where += after_marker(keys, values);
    std::string sql = kSnapshotColumns + where + order_by(keys) + " LIMIT ? OFFSET ?";
    values.emplace_back(q.limit ? static_cast<long long>(q.limit) : -1LL);
    values.emplace_back(static_cast<long long>(q.offset));
    Statement s(*db_, sql);
    bind_all(s, values);
    std::vector<Snapshot> out;
    while (s.step())
        out.push_back(snapshot_of(s));
    return out;
}

Snapshot Volume::snapshotGet(const Context& ctx, const std::string& snapshot_id) const
{
    Statement s(*db_, kSnapshotColumns + " WHERE s.id = ? AND (s.project_id = ? OR ?)");
    s.bind(1, static_cast<long long>(unix_now())).bind(2, snapshot_id).bind(3, ctx.project_id);
    s.bind(4, ctx.is_admin() ? 1LL : 0LL);
    if (!s.step())
        throw NotFound("Snapshot " + snapshot_id + " could not be found.");
    return snapshot_of(s);
}

Snapshot Volume::snapshotCreate(const Context& ctx, const Snapshot& in) const
{
    Snapshot snap = in;
    if (snap.id.empty())
        throw BadRequest("A new snapshot needs an id.");
    if (snap.project_id.empty())
        snap.project_id = ctx.project_id;
    if (snap.user_id.empty())
        snap.user_id = ctx.user_id;
    volume::Volume v = volumeGet(ctx, snap.volume_id);
    if (v.status != "available" && v.status != "in-use")
        throw Conflict("Volume " + v.id + " status must be available or in-use to be snapshotted, but current "
                       "status is: " + v.status + ".");
    snap.size = v.size;
    quota_check(ctx, snap.project_id, 0, 1, snap.size, 0);
    Fd source(open(volumePath(v.id).c_str(), O_RDONLY | O_CLOEXEC));
    if (!source)
        fail("cannot open volume " + v.id);
    std::string path = store_file(snapshot_store_, snap.id, file_size(source.get()), source.get(),
                                  file_size(source.get()));
    try {
        Transaction tx(*db_);
        Statement exists(*db_, "SELECT 1 FROM volumes WHERE id = ?");
        exists.bind(1, v.id);
        if (!exists.step())
            throw NotFound("Volume " + v.id + " could not be found.");
        Statement taken(*db_, "SELECT 1 FROM volume_snapshots WHERE id = ?");
        taken.bind(1, snap.id);
        if (taken.step())
            throw Conflict("A snapshot with identifier " + snap.id + " already exists.");
        quota_check(ctx, snap.project_id, 0, 1, snap.size, 0);
        std::int64_t t = snap.created_at ? snap.created_at : unix_now();
        bool at_once = build_seconds_ <= 0;
        Statement s(*db_, "INSERT INTO volume_snapshots (id, name, description, volume_id, project_id, user_id, size, "
                          "status, status_until, next_status, metadata_json, created_at, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, snap.id);
        bind_opt(s, 2, snap.name);
        bind_opt(s, 3, snap.description);
        s.bind(4, v.id).bind(5, snap.project_id).bind(6, snap.user_id).bind(7, snap.size);
        s.bind(8, at_once ? "available" : "creating");
        s.bind(9, static_cast<long long>(at_once ? 0 : ready_at(build_seconds_)));
        if (at_once)
            s.bind_null(10);
        else
            s.bind(10, "available");
        s.bind(11, json(snap.metadata).dump()).bind(12, static_cast<long long>(t));
        s.bind(13, static_cast<long long>(snap.updated_at ? snap.updated_at : t));
        s.step();
        tx.commit();
    } catch (...) {
        unlink(path.c_str());
        throw;
    }
    return snapshotGet(ctx, snap.id);
}

Snapshot Volume::snapshotUpdate(const Context& ctx, const Snapshot& snap) const
{
    describe_owned(*db_, "volume_snapshots", "Snapshot", snap, ctx);
    return snapshotGet(ctx, snap.id);
}

void Volume::snapshotDelete(const Context& ctx, const std::string& snapshot_id) const
{
    delete_owned(*db_, "volume_snapshots", "Snapshot", snapshot_id, ctx, snapshotPath(snapshot_id));
}

Snapshot Volume::snapshotResetStatus(const Context& ctx, const std::string& snapshot_id,
                                     const std::string& status) const
{
    if (status.empty())
        throw BadRequest("Must specify a valid status.");
    {
        Transaction tx(*db_);
        Snapshot snap = snapshotGet(ctx, snapshot_id);
        status_set("volume_snapshots", snap.id, status, std::nullopt);
        tx.commit();
    }
    return snapshotGet(ctx, snapshot_id);
}

namespace {

constexpr const char* kTypeColumns = "SELECT id, name, description, is_public, is_default FROM volume_types";

VolumeType type_of(const Statement& s)
{
    VolumeType t;
    t.id = s.text(0);
    t.name = s.text(1);
    t.description = opt_text(s, 2);
    t.is_public = s.integer(3) != 0;
    t.is_default = s.integer(4) != 0;
    return t;
}

void load_type_lists(Database& db, std::vector<VolumeType>& types)
{
    if (types.empty())
        return;
    json ids = json::array();
    for (const auto& t : types)
        ids.push_back(t.id);
    auto find = [&](const std::string& id) -> VolumeType* {
        for (auto& t : types)
            if (t.id == id)
                return &t;
        return nullptr;
    };
    Statement specs(db, "SELECT type_id, key, value FROM volume_type_extra_specs WHERE type_id IN "
                        "(SELECT value FROM json_each(?))");
    specs.bind(1, ids.dump());
    while (specs.step())
        if (auto* t = find(specs.text(0)))
            t->extra_specs[specs.text(1)] = specs.text(2);
    Statement projects(db, "SELECT type_id, project_id FROM volume_type_projects WHERE type_id IN "
                           "(SELECT value FROM json_each(?)) ORDER BY project_id");
    projects.bind(1, ids.dump());
    while (projects.step())
        if (auto* t = find(projects.text(0)))
            t->projects.push_back(projects.text(1));
}

// The extra specs and projects of `t` replace the stored ones.
void store_type_lists(Database& db, const VolumeType& t)
{
    Statement clear(db, "DELETE FROM volume_type_extra_specs WHERE type_id = ?");
    clear.bind(1, t.id);
    clear.step();
    for (const auto& [key, value] : t.extra_specs) {
        Statement s(db, "INSERT INTO volume_type_extra_specs (type_id, key, value) VALUES (?, ?, ?)");
        s.bind(1, t.id).bind(2, key).bind(3, value);
        s.step();
    }
    Statement unshare(db, "DELETE FROM volume_type_projects WHERE type_id = ?");
    unshare.bind(1, t.id);
    unshare.step();
    for (const auto& project : t.projects) {
        Statement s(db, "INSERT OR IGNORE INTO volume_type_projects (type_id, project_id) VALUES (?, ?)");
        s.bind(1, t.id).bind(2, project);
        s.step();
    }
}

} // namespace

std::vector<VolumeType> Volume::typeList(const Context&) const
{
    Statement s(*db_, std::string(kTypeColumns) + " ORDER BY rowid");
    std::vector<VolumeType> out;
    while (s.step())
        out.push_back(type_of(s));
    load_type_lists(*db_, out);
    return out;
}

VolumeType Volume::typeGet(const Context&, const std::string& id_or_name) const
{
    // An id wins over a name that happens to look like it.
    Statement s(*db_, std::string(kTypeColumns) + " WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1");
    s.bind(1, id_or_name).bind(2, id_or_name).bind(3, id_or_name);
    if (!s.step())
        throw NotFound("Volume type " + id_or_name + " could not be found.");
    std::vector<VolumeType> one{type_of(s)};
    load_type_lists(*db_, one);
    return one.front();
}

VolumeType Volume::typeCreate(const Context& ctx, const VolumeType& t) const
{
    if (t.id.empty() || t.name.empty())
        throw BadRequest("A new volume type needs an id and a name.");
    {
        Transaction tx(*db_);
        Statement taken(*db_, "SELECT 1 FROM volume_types WHERE id = ? OR name = ?");
        taken.bind(1, t.id).bind(2, t.name);
        if (taken.step())
            throw Conflict("Volume Type " + t.name + " already exists.");
        // The default is the seeded one: a created type never is.
        Statement s(*db_, "INSERT INTO volume_types (id, name, description, is_public, is_default) "
                          "VALUES (?, ?, ?, ?, 0)");
        s.bind(1, t.id).bind(2, t.name);
        bind_opt(s, 3, t.description);
        s.bind(4, t.is_public ? 1LL : 0LL);
        s.step();
        store_type_lists(*db_, t);
        tx.commit();
    }
    return typeGet(ctx, t.id);
}

VolumeType Volume::typeUpdate(const Context& ctx, const VolumeType& t) const
{
    if (t.name.empty())
        throw BadRequest("A volume type needs a name.");
    {
        Transaction tx(*db_);
        Statement taken(*db_, "SELECT 1 FROM volume_types WHERE name = ? AND id <> ?");
        taken.bind(1, t.name).bind(2, t.id);
        if (taken.step())
            throw Conflict("Volume Type " + t.name + " already exists.");
        Statement s(*db_, "UPDATE volume_types SET name = ?, description = ?, is_public = ? WHERE id = ?");
        s.bind(1, t.name);
        bind_opt(s, 2, t.description);
        s.bind(3, t.is_public ? 1LL : 0LL).bind(4, t.id);
        s.step();
        if (sqlite3_changes(db_->handle()) == 0)
            throw NotFound("Volume type " + t.id + " could not be found.");
        store_type_lists(*db_, t);
        tx.commit();
    }
    return typeGet(ctx, t.id);
}

void Volume::typeDelete(const Context&, const std::string& type_id) const
{
    Transaction tx(*db_);
    Statement type(*db_, "SELECT is_default FROM volume_types WHERE id = ?");
    type.bind(1, type_id);
    if (!type.step())
        throw NotFound("Volume type " + type_id + " could not be found.");
    if (type.integer(0) != 0)
        throw Conflict("Default volume type can not be deleted.");
    Statement used(*db_, "SELECT 1 FROM volumes WHERE volume_type_id = ? LIMIT 1");
    used.bind(1, type_id);
    if (used.step())
        throw Conflict("Target volume type " + type_id + " is still in use.");
    Statement s(*db_, "DELETE FROM volume_types WHERE id = ?");
    s.bind(1, type_id);
    s.step();
    tx.commit();
}

namespace {

const std::string kAttachmentColumns =
    "SELECT a.id, a.volume_id, a.server_id, a.device, a.host, a.mode, a.attached_at, a.attach_status, "
    "a.connector_json FROM volume_attachments a JOIN volumes v ON v.id = a.volume_id";

// Tempest and os-brick read connection_info; the local cloud's volumes are files on this host.
json connection_info_of(const Attachment& a, const std::string& path)
{
    if (!a.connector.is_object() || a.status == "reserved")
        return json::object();
    return {{"driver_volume_type", "local"},
            {"data", {{"device_path", path}, {"access_mode", a.mode}, {"volume_id", a.volume_id}}},
            {"attachment_id", a.id}};
}

std::string attachment_sort_expr(const std::string& key)
{
    if (key == "id" || key == "volume_id")
        return "a." + key;
    if (key == "status")
        return "a.attach_status";
    if (key == "created_at")
        return "a.rowid";
    throw BadRequest("Invalid sort key: " + key);
}

} // namespace

Attachment Volume::attachment_of(const Statement& s) const
{
    Attachment a{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.integer(6)};
    a.status = s.text(7);
    a.connector = json::parse(s.text(8));
    a.connection_info = connection_info_of(a, volumePath(a.volume_id));
    return a;
}

std::vector<Attachment> Volume::attachmentList(const Context& ctx, const volume::ListQuery& q) const
{
    std::vector<Value> values;
    std::string where = " WHERE 1";
    if (!q.all_projects || !ctx.is_admin()) {
        where += " AND v.project_id = ?";
        values.emplace_back(ctx.project_id);
    }
    for (const auto& [key, value] : q.filters) {
        if (key == "volume_id")
            where += " AND a.volume_id = ?";
        else if (key == "status")
            where += " AND a.attach_status = ?";
        else if (key == "instance_id")
            where += " AND a.server_id = ?";
        else
            throw BadRequest("Invalid filter keys: " + key);
        values.emplace_back(value);
    }
    std::string order = " ORDER BY ";
    for (const auto& [key, ascending] : q.sort)
        order += attachment_sort_expr(key) + (ascending ? " ASC, " : " DESC, ");
    order += "a.rowid DESC";
    Statement s(*db_, kAttachmentColumns + where + order);
    bind_all(s, values);
    // A project's attachments are few: the page is cut from the whole ordered list.
    std::vector<Attachment> all;
    while (s.step())
        all.push_back(attachment_of(s));
    std::size_t start = 0;
    if (!q.marker.empty()) {
        auto it = std::find_if(all.begin(), all.end(), [&](const Attachment& a) { return a.id == q.marker; });
        if (it == all.end())
            throw BadRequest("Marker " + q.marker + " could not be found.");
        start = static_cast<std::size_t>(it - all.begin()) + 1;
    }
    start = std::min(all.size(), start + q.offset);
    std::size_t end = q.limit ? std::min(all.size(), start + q.limit) : all.size();
    return {all.begin() + static_cast<std::ptrdiff_t>(start), all.begin() + static_cast<std::ptrdiff_t>(end)};
}

Attachment Volume::attachmentGet(const Context& ctx, const std::string& attachment_id) const
{
    Statement s(*db_, kAttachmentColumns + " WHERE a.id = ? AND (v.project_id = ? OR ?)");
    s.bind(1, attachment_id).bind(2, ctx.project_id).bind(3, ctx.is_admin() ? 1LL : 0LL);
    if (!s.step())
        throw NotFound("Volume attachment could not be found with filter: attachment_id = " + attachment_id + ".");
    return attachment_of(s);
}

/*
 * attachment_connect: what Cinder's attachment_update does with a connector:
 * the attachment and its volume go "attaching", in the mode the attachment
 * asked for, else the connector's, else rw. Inside the caller's transaction.
 */
void Volume::attachment_connect(const Attachment& a, const volume::Volume& v, json connector) const
{
    if (v.status.find("error") != std::string::npos)
        throw Conflict("Volume attachments can not be updated if the volume is in an error state. The Volume " +
                       v.id + " currently has a status of: " + v.status + ".");
    std::string mode = a.mode;
    if (mode.empty() || mode == "null")
        mode = connector.contains("mode") && connector["mode"].is_string() ? connector["mode"].get<std::string>()
                                                                           : "rw";
    if (mode != "rw" && mode != "ro")
        throw BadRequest("Invalid attaching mode '" + mode + "' for volume " + v.id + ".");
    connector["mode"] = mode;
    auto text = [&](const char* key, const char* fallback) {
        return connector.contains(key) && connector[key].is_string() ? connector[key].get<std::string>()
                                                                     : std::string(fallback);
    };
    Statement s(*db_, "UPDATE volume_attachments SET attach_status = 'attaching', connector_json = ?, mode = ?, "
                      "host = ?, device = ?, attached_at = ? WHERE id = ?");
    s.bind(1, connector.dump()).bind(2, mode).bind(3, text("host", "")).bind(4, text("mountpoint", "na"));
    s.bind(5, static_cast<long long>(unix_now())).bind(6, a.id);
    s.step();
    status_set("volumes", v.id, "attaching", std::nullopt);
}

Attachment Volume::attachmentCreate(const Context& ctx, const Attachment& in) const
{
    Attachment a = in;
    if (a.id.empty())
        a.id = new_uuid();
    {
        Transaction tx(*db_);
        volume::Volume v = volumeGet(ctx, a.volume_id);
        if (v.status.find("error") != std::string::npos)
            throw BadRequest("Invalid volume: Volume attachments can not be created if the volume is in an error "
                             "state. The Volume " + v.id + " currently has a status of: " + v.status + ".");
        bool reservable = v.status == "available" || v.status == "downloading" ||
                          (v.multiattach && v.status == "in-use");
        // The same server again (a move between hosts): Cinder lets it reserve whatever the volume's state.
        bool again = !a.server_id.empty() && (v.status == "in-use" || v.status == "reserved") &&
                     std::any_of(v.attachments.begin(), v.attachments.end(),
                                 [&](const Attachment& other) { return other.server_id == a.server_id; });
        if (!reservable && !again)
            throw BadRequest("Invalid volume: Volume " + v.id + " status must be available or downloading" +
                             (v.multiattach ? " or in-use" : "") + " to reserve, but the current status is " +
                             v.status + ".");
        if (v.readonly)
            a.mode = "ro";
        if (a.mode.empty())
            a.mode = "null";
        Statement s(*db_, "INSERT INTO volume_attachments (id, volume_id, server_id, device, host, mode, attached_at, "
                          "attach_status, connector_json) VALUES (?, ?, ?, '', '', ?, 0, 'reserved', 'null')");
        s.bind(1, a.id).bind(2, v.id).bind(3, a.server_id).bind(4, a.mode);
        s.step();
        if (reservable)
            status_set("volumes", v.id, "reserved", std::nullopt);
        if (a.connector.is_object()) {
            a.status = "reserved";
            attachment_connect(a, volumeGet(ctx, v.id), a.connector);
        }
        tx.commit();
    }
    return attachmentGet(ctx, a.id);
}

Attachment Volume::attachmentUpdate(const Context& ctx, const std::string& attachment_id, const json& connector) const
{
    {
        Transaction tx(*db_);
        Attachment a = attachmentGet(ctx, attachment_id);
        attachment_connect(a, volumeGet(ctx, a.volume_id), connector);
        tx.commit();
    }
    return attachmentGet(ctx, attachment_id);
}

void Volume::attachmentComplete(const Context& ctx, const std::string& attachment_id) const
{
    Transaction tx(*db_);
    Attachment a = attachmentGet(ctx, attachment_id);
    Statement s(*db_, "UPDATE volume_attachments SET attach_status = 'attached', "
                      "attached_at = CASE WHEN attached_at = 0 THEN ? ELSE attached_at END WHERE id = ?");
    s.bind(1, static_cast<long long>(unix_now())).bind(2, a.id);
    s.step();
    status_set("volumes", a.volume_id, "in-use", std::nullopt);
    tx.commit();
}

std::vector<Attachment> Volume::attachmentDelete(const Context& ctx, const std::string& attachment_id) const
{
    std::vector<Attachment> remaining;
    Transaction tx(*db_);
    Attachment a = attachmentGet(ctx, attachment_id);
    volume::Volume v = volumeGet(ctx, a.volume_id);
    Statement s(*db_, "DELETE FROM volume_attachments WHERE id = ?");
    s.bind(1, a.id);
    s.step();
    for (const auto& other : v.attachments)
        if (other.id != a.id)
            remaining.push_back(other);
    // As Cinder's finish_detach: in-use while any remain, else available (an upload keeps its status).
    if (!remaining.empty())
        status_set("volumes", v.id, "in-use", std::nullopt);
    else if (v.status != "uploading")
        status_set("volumes", v.id, "available", std::nullopt);
    tx.commit();
    return remaining;
}

namespace {

const std::string kBackupColumns =
    "SELECT b.id, b.name, b.description, b.volume_id, b.snapshot_id, b.project_id, b.user_id, b.size, " +
    current_status("b") + ", b.availability_zone, b.container, b.metadata_json, b.created_at, " +
    current_updated("b") + " FROM volume_backups b";

volume::Backup backup_of(const Statement& s)
{
    volume::Backup b;
    b.id = s.text(0);
    b.name = opt_text(s, 1);
    b.description = opt_text(s, 2);
    b.volume_id = s.text(3);
    b.snapshot_id = opt_text(s, 4);
    b.project_id = s.text(5);
    b.user_id = s.text(6);
    b.size = s.integer(7);
    b.status = s.text(8);
    b.availability_zone = s.text(9);
    b.container = opt_text(s, 10);
    b.metadata = string_map(s.text(11));
    b.created_at = s.integer(12);
    b.updated_at = s.integer(13);
    b.object_count = b.status == "available" || b.status == "restoring" ? 1 : 0;
    return b;
}

std::string backup_sort_expr(const std::string& key)
{
    static const char* const kPlain[] = {"id", "size", "volume_id", "project_id", "created_at"};
    if (std::any_of(std::begin(kPlain), std::end(kPlain), [&](const char* k) { return key == k; }))
        return "b." + key;
    if (key == "name" || key == "display_name")
        return "COALESCE(b.name, '')";
    if (key == "status")
        return current_status("b");
    if (key == "updated_at")
        return current_updated("b");
    throw BadRequest("Invalid sort key: " + key);
}

} // namespace

std::string Volume::backupPath(const std::string& backup_id) const { return backup_store_ + "/" + backup_id; }

std::vector<volume::Backup> Volume::backupList(const Context& ctx, const volume::ListQuery& q) const
{
    std::vector<Value> values{static_cast<long long>(unix_now())};
    std::string where = " WHERE 1";
    if (!q.all_projects || !ctx.is_admin()) {
        where += " AND b.project_id = ?";
        values.emplace_back(ctx.project_id);
    } else if (q.project_id) {
        where += " AND b.project_id = ?";
        values.emplace_back(*q.project_id);
    }
    for (const auto& [key, value] : q.filters) {
        if (key == "status")
            where += " AND " + current_status("b") + " = ?";
        else if (key == "name" || key == "volume_id" || key == "id")
            where += " AND b." + key + " = ?";
        else
            throw BadRequest("Invalid filter keys: " + key);
        values.emplace_back(value);
    }
    std::string order = " ORDER BY ";
    for (const auto& [key, ascending] : q.sort.empty() ? kNewestFirst : q.sort)
        order += backup_sort_expr(key) + (ascending ? " ASC, " : " DESC, ");
    order += "b.rowid " + std::string(!q.sort.empty() && q.sort.back().second ? "ASC" : "DESC");
    Statement s(*db_, kBackupColumns + where + order);
    bind_all(s, values);
    // A project keeps few backups: the page is cut from the whole ordered list.
    std::vector<volume::Backup> all;
    while (s.step())
        all.push_back(backup_of(s));
    std::size_t start = 0;
    if (!q.marker.empty()) {
        auto it = std::find_if(all.begin(), all.end(), [&](const volume::Backup& b) { return b.id == q.marker; });
        if (it == all.end())
            throw BadRequest("Marker " + q.marker + " could not be found.");
        start = static_cast<std::size_t>(it - all.begin()) + 1;
    }
    start = std::min(all.size(), start + q.offset);
    std::size_t end = q.limit ? std::min(all.size(), start + q.limit) : all.size();
    return {all.begin() + static_cast<std::ptrdiff_t>(start), all.begin() + static_cast<std::ptrdiff_t>(end)};
}

volume::Backup Volume::backupGet(const Context& ctx, const std::string& backup_id) const
{
    Statement s(*db_, kBackupColumns + " WHERE b.id = ? AND (b.project_id = ? OR ?)");
    s.bind(1, static_cast<long long>(unix_now())).bind(2, backup_id).bind(3, ctx.project_id);
    s.bind(4, ctx.is_admin() ? 1LL : 0LL);
    if (!s.step())
        throw NotFound("Backup " + backup_id + " could not be found.");
    return backup_of(s);
}

/* backup_quota_check: PayloadTooLarge unless the project may keep one more backup of `size` GiB. */
void Volume::backup_quota_check(const Context& ctx, const std::string& project_id, long long size) const
{
    auto limits = quotaGet(ctx, project_id);
    auto used = quotaUsage(ctx, project_id);
    auto n = [](long long v) { return std::to_string(v); };
    if (limits["backups"] >= 0 && used["backups"] + 1 > limits["backups"])
        throw PayloadTooLarge("BackupLimitExceeded: Maximum number of backups allowed (" + n(limits["backups"]) +
                              ") exceeded");
    if (limits["backup_gigabytes"] >= 0 && used["backup_gigabytes"] + size > limits["backup_gigabytes"])
        throw PayloadTooLarge("VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup "
                              "gigabytes quota. Requested " + n(size) + "G, quota is " + n(limits["backup_gigabytes"]) +
                              "G and " + n(used["backup_gigabytes"]) + "G has been consumed.");
}

volume::Backup Volume::backupCreate(const Context& ctx, const volume::Backup& in) const
{
    volume::Backup b = in;
    if (b.id.empty())
        throw BadRequest("A new backup needs an id.");
    if (b.project_id.empty())
        b.project_id = ctx.project_id;
    if (b.user_id.empty())
        b.user_id = ctx.user_id;
    volume::Volume v = volumeGet(ctx, b.volume_id);
    if (v.status != "available" && v.status != "in-use")
        throw Conflict("Volume " + v.id + " status must be available or in-use to be backed up, but current "
                       "status is: " + v.status + ".");
    b.size = v.size;
    backup_quota_check(ctx, b.project_id, b.size);
    // The bytes of the snapshot when one is named, else the volume's as they are now.
    std::string source_path = b.snapshot_id ? snapshotPath(*b.snapshot_id) : volumePath(v.id);
    Fd source(open(source_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!source)
        fail("cannot open " + source_path);
    long long bytes = file_size(source.get());
    std::string path = store_file(backup_store_, b.id, bytes, source.get(), bytes);
    try {
        Transaction tx(*db_);
        Statement exists(*db_, "SELECT 1 FROM volumes WHERE id = ?");
        exists.bind(1, v.id);
        if (!exists.step())
            throw NotFound("Volume " + v.id + " could not be found.");
        backup_quota_check(ctx, b.project_id, b.size);
        std::int64_t t = unix_now();
        bool at_once = build_seconds_ <= 0;
        Statement s(*db_, "INSERT INTO volume_backups (id, name, description, volume_id, snapshot_id, project_id, "
                          "user_id, size, status, status_until, next_status, availability_zone, container, "
                          "metadata_json, created_at, updated_at, volume_json) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, b.id);
        bind_opt(s, 2, b.name);
        bind_opt(s, 3, b.description);
        s.bind(4, v.id);
        bind_opt(s, 5, b.snapshot_id);
        s.bind(6, b.project_id).bind(7, b.user_id).bind(8, b.size);
        s.bind(9, at_once ? "available" : "creating");
        s.bind(10, static_cast<long long>(at_once ? 0 : ready_at(build_seconds_)));
        if (at_once)
            s.bind_null(11);
        else
            s.bind(11, "available");
        s.bind(12, v.availability_zone);
        s.bind(13, b.container.value_or("volumebackups"));
        s.bind(14, json(b.metadata).dump()).bind(15, static_cast<long long>(t)).bind(16, static_cast<long long>(t));
        s.bind(17, json{{"metadata", v.metadata}, {"image_metadata", v.image_metadata}, {"bootable", v.bootable}}.dump());
        s.step();
        // The volume is backing-up while the copy is said to run, then what it was.
        status_set("volumes", v.id, "backing-up", v.status);
        tx.commit();
    } catch (...) {
        unlink(path.c_str());
        throw;
    }
    return backupGet(ctx, b.id);
}

volume::Backup Volume::backupUpdate(const Context& ctx, const volume::Backup& b) const
{
    describe_owned(*db_, "volume_backups", "Backup", b, ctx);
    return backupGet(ctx, b.id);
}

void Volume::backupDelete(const Context& ctx, const std::string& backup_id) const
{
    delete_owned(*db_, "volume_backups", "Backup", backup_id, ctx, backupPath(backup_id));
}

volume::Backup Volume::backupResetStatus(const Context& ctx, const std::string& backup_id,
                                         const std::string& status) const
{
    {
        Transaction tx(*db_);
        volume::Backup b = backupGet(ctx, backup_id);
        status_set("volume_backups", b.id, status, std::nullopt);
        tx.commit();
    }
    return backupGet(ctx, backup_id);
}

volume::Volume Volume::backupRestore(const Context& ctx, const std::string& backup_id,
                                     const std::optional<std::string>& volume_id,
                                     const std::optional<std::string>& name) const
{
    volume::Backup b = backupGet(ctx, backup_id);
    if (b.status != "available")
        throw Conflict("Backup " + b.id + " status must be available to restore, but current status is: " +
                       b.status + ".");
    volume::Volume target;
    if (volume_id) {
        target = volumeGet(ctx, *volume_id);
    } else {
        // Cinder's new volume for a restore: the backup's size, the default type, named after the backup.
        volume::Volume fresh;
        fresh.id = new_uuid();
        fresh.name = name.value_or("restore_backup_" + b.id);
        fresh.project_id = ctx.project_id;
        fresh.user_id = ctx.user_id;
        fresh.size = b.size;
        fresh.availability_zone = b.availability_zone;
        target = volumeCreate(ctx, fresh);
        Statement ready(*db_, "UPDATE volumes SET status = 'available', status_until = 0, next_status = NULL "
                              "WHERE id = ?");
        ready.bind(1, target.id);
        ready.step();
        target = volumeGet(ctx, target.id);
    }
    if (target.status != "available")
        throw Conflict("Volume " + target.id + " status must be available to restore a backup into, but current "
                       "status is: " + target.status + ".");
    if (target.size < b.size)
        throw BadRequest("Invalid volume: volume size " + std::to_string(target.size) +
                         " is too small to restore backup of size " + std::to_string(b.size) + ".");
    Fd source(open(backupPath(b.id).c_str(), O_RDONLY | O_CLOEXEC));
    if (!source)
        fail("cannot open backup " + b.id);
    // The restored bytes are made whole beside the volume, then take its name at once.
    std::string staged = store_file(volume_store_, ".restoring-" + target.id + "-" + new_uuid(), target.size * kGiB,
                                    source.get(), file_size(source.get()));
    try {
        Transaction tx(*db_);
        volume::Volume now_target = volumeGet(ctx, target.id);
        if (now_target.status != "available")
            throw Conflict("Volume " + target.id + " status must be available to restore a backup into, but "
                           "current status is: " + now_target.status + ".");
        if (rename(staged.c_str(), volumePath(target.id).c_str()) != 0)
            fail("cannot restore into volume " + target.id);
        // As Cinder's backup metadata: the volume's metadata (merged), image metadata and bootable flag come back.
        Statement kept(*db_, "SELECT volume_json FROM volume_backups WHERE id = ?");
        kept.bind(1, b.id);
        if (kept.step()) {
            json saved = json::parse(kept.text(0));
            auto metadata = now_target.metadata;
            const json kept_metadata = saved.value("metadata", json::object());
            for (const auto& [key, value] : kept_metadata.items())
                metadata[key] = value.get<std::string>();
            auto image_metadata = saved.value("image_metadata", json::object());
            Statement put(*db_, "UPDATE volumes SET metadata_json = ?, image_metadata_json = CASE WHEN ? = '{}' THEN "
                                "image_metadata_json ELSE ? END, bootable = MAX(bootable, ?) WHERE id = ?");
            put.bind(1, json(metadata).dump()).bind(2, image_metadata.dump()).bind(3, image_metadata.dump());
            put.bind(4, saved.value("bootable", false) ? 1LL : 0LL).bind(5, target.id);
            put.step();
        }
        status_set("volumes", target.id, "restoring-backup", "available");
        status_set("volume_backups", b.id, "restoring", "available");
        tx.commit();
    } catch (...) {
        unlink(staged.c_str());
        throw;
    }
    return volumeGet(ctx, target.id);
}

std::vector<std::pair<std::string, bool>> Volume::availabilityZoneList(const Context&) const
{
    return {{"nova", true}};
}

std::vector<volume::Service> Volume::serviceList(const Context&) const
{
    // Both run inside every worker: they are up whenever this answers.
    std::int64_t t = unix_now();
    std::string node = host_.substr(0, host_.find('@'));
    std::string backend = host_.substr(0, host_.find('#'));
    return {{"cinder-scheduler", node, "nova", true, true, t},
            {"cinder-volume", backend, "nova", true, true, t},
            {"cinder-backup", node, "nova", true, true, t}};
}

} // namespace jumpgate::local
