// SPDX-License-Identifier: Apache-2.0
// The local cloud's Image service: records in SQLite, data as files under STATE/images.
#include "local.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <openssl/evp.h>

#include <jumpgate/fault.hpp>
#include <jumpgate/hex.hpp>
#include <jumpgate/log.hpp>

namespace jumpgate::local {

namespace {

using image::Member;
using Value = SqlValue;

// Glance's answer (413) to an upload its store has no room for; the image is queued again.
constexpr const char* kMediaFull =
    "Image storage media is full: There is not enough disk space on the image storage media.";

constexpr const char* kColumns =
    "SELECT i.id, i.name, i.status, i.visibility, i.protected, i.owner, i.disk_format, i.container_format, "
    "i.size, i.virtual_size, i.checksum, i.os_hash_algo, i.os_hash_value, i.min_disk, i.min_ram, "
    "i.created_at, i.updated_at, i.location, i.deleted_at FROM images i";

std::optional<long long> opt_int(const Statement& s, int col)
{
    return s.is_null(col) ? std::nullopt : std::optional<long long>(s.integer(col));
}

image::Image image_of(const Statement& s)
{
    image::Image img;
    img.id = s.text(0);
    img.name = opt_text(s, 1);
    img.status = s.text(2);
    img.visibility = s.text(3);
    img.is_protected = s.integer(4) != 0;
    img.owner = s.text(5);
    img.disk_format = opt_text(s, 6);
    img.container_format = opt_text(s, 7);
    img.size = opt_int(s, 8);
    img.virtual_size = opt_int(s, 9);
    img.checksum = opt_text(s, 10);
    img.os_hash_algo = opt_text(s, 11);
    img.os_hash_value = opt_text(s, 12);
    img.min_disk = s.integer(13);
    img.min_ram = s.integer(14);
    img.created_at = s.integer(15);
    img.updated_at = s.integer(16);
    img.location = opt_text(s, 17);
    img.deleted_at = opt_int(s, 18);
    return img;
}

// What `ctx` may see: public and community images, its own, those shared with it; admins all.
std::string visible_to(const Context& ctx, std::vector<Value>& values)
{
    if (ctx.is_admin())
        return "1";
    values.emplace_back(ctx.project_id);
    values.emplace_back(ctx.project_id);
    return "(i.visibility IN ('public', 'community') OR i.owner = ? OR (i.visibility = 'shared' AND EXISTS "
           "(SELECT 1 FROM image_members m WHERE m.image_id = i.id AND m.member_id = ?)))";
}

// What a list shows unless asked for a visibility: no one else's community images, and of the
// images shared with `ctx` only those whose membership has the asked status.
std::string listed_to(const Context& ctx, const std::string& member_status, std::vector<Value>& values)
{
    if (ctx.is_admin())
        return "1";
    values.emplace_back(ctx.project_id);
    values.emplace_back(ctx.project_id);
    std::string sql = "(i.visibility = 'public' OR i.owner = ? OR (i.visibility = 'shared' AND EXISTS "
                      "(SELECT 1 FROM image_members m WHERE m.image_id = i.id AND m.member_id = ?";
    if (member_status != "all") {
        sql += " AND m.status = ?";
        values.emplace_back(member_status);
    }
    return sql + ")))";
}

// A sort key as an SQL expression that orders NULLs first, as Glance's database does.
std::string sort_expr(const std::string& key)
{
    static const char* const kText[] = {"id",          "name",       "status", "container_format",
                                        "disk_format", "visibility", "owner"};
    for (const char* k : kText)
        if (key == k)
            return "COALESCE(i." + key + ", '')";
    return "COALESCE(i." + key + ", -1)";
}

Value sort_value(const image::Image& img, const std::string& key)
{
    auto text = [](const std::optional<std::string>& v) { return Value(v.value_or("")); };
    auto count = [](const std::optional<long long>& v) { return Value(v.value_or(-1)); };
    if (key == "id")
        return img.id;
    if (key == "name")
        return text(img.name);
    if (key == "status")
        return img.status;
    if (key == "container_format")
        return text(img.container_format);
    if (key == "disk_format")
        return text(img.disk_format);
    if (key == "visibility")
        return img.visibility;
    if (key == "owner")
        return img.owner;
    if (key == "size")
        return count(img.size);
    if (key == "virtual_size")
        return count(img.virtual_size);
    if (key == "min_disk")
        return img.min_disk;
    if (key == "min_ram")
        return img.min_ram;
    if (key == "updated_at")
        return static_cast<long long>(img.updated_at);
    return static_cast<long long>(img.created_at);
}

using Digest = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

Digest digest(const EVP_MD* md)
{
    Digest d(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!d || EVP_DigestInit_ex(d.get(), md, nullptr) != 1)
        throw std::runtime_error("cannot start a digest");
    return d;
}

std::string finish(const Digest& d)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(d.get(), md, &n);
    return hex(std::span(md, n));
}

// A file's bytes, read while the response is sent.
class FileSource : public ByteSource {
  public:
    explicit FileSource(int fd) : fd_(fd) {}
    ~FileSource() override { close(fd_); }
    std::size_t read(char* buffer, std::size_t size) override
    {
        for (;;) {
            ssize_t n = ::read(fd_, buffer, size);
            if (n >= 0)
                return static_cast<std::size_t>(n);
            if (errno != EINTR)
                throw std::runtime_error(std::string("image read failed: ") + std::strerror(errno));
        }
    }

  private:
    int fd_;
};

/*
 * An upload's partial file, opened (made when `create`) and locked by this
 * process; -1 when there is none (errno ENOENT) or another process holds it
 * (EWOULDBLOCK): an upload in flight, whose worker holds the lock until it
 * ends and loses it when it dies.
 */
int lock_partial(const std::string& path, bool create)
{
    for (;;) {
        int fd = open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0640);
        if (fd < 0)
            return -1;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        // Whoever held it before may have removed it between our open and our lock.
        struct stat held {
        }, named{};
        bool same = fstat(fd, &held) == 0 && stat(path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
                    held.st_ino == named.st_ino;
        if (same)
            return fd;
        close(fd);
    }
}

// Removes the partial file at `path` unless a live upload holds it; false when one does.
bool reclaim_partial(const std::string& path)
{
    int fd = lock_partial(path, false);
    if (fd < 0) {
        if (errno == ENOENT)
            return true;
        if (errno != EWOULDBLOCK)
            log::warning("cannot look at " + path + ": " + std::strerror(errno));
        return false;
    }
    unlink(path.c_str());
    close(fd);
    return true;
}

} // namespace

Image::Image(std::shared_ptr<Database> db, std::string store_dir) : db_(std::move(db)), store_(std::move(store_dir)) {}

void Image::storeMake() const
{
    mkdir(store_.c_str(), 0750);
}

std::string Image::dataPath(const std::string& image_id) const
{
    return store_ + "/" + image_id;
}

std::string Image::partialPath(const std::string& image_id) const
{
    return store_ + "/.upload-" + image_id;
}

bool Image::settle_upload(const std::string& image_id) const
{
    // Inside a caller's transaction the writers' lock cannot be taken: the next look settles it.
    if (!sqlite3_get_autocommit(db_->handle()))
        return false;
    std::string path = partialPath(image_id);
    // An upload in flight is told without the writers' lock: its partial file is locked.
    if (int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        bool live = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
        close(fd);
        if (live)
            return false;
    }
    // Under the writers' lock, as an upload claims an image and ends it: neither can happen meanwhile.
    Transaction tx(*db_);
    Statement status(*db_, "SELECT status, saving_until IS NOT NULL FROM images WHERE id = ?");
    status.bind(1, image_id);
    // A snapshot's saving is no worker's upload: it ends with its time (snapshots_finish).
    if (!status.step() || status.text(0) != "saving" || status.integer(1) != 0 || !reclaim_partial(path))
        return false;
    Statement back(*db_, "UPDATE images SET status = 'queued' WHERE id = ? AND status = 'saving'");
    back.bind(1, image_id);
    back.step();
    tx.commit();
    log::warning("image " + image_id + ": its upload ended with its worker; the image is queued again");
    return true;
}

void snapshots_finish(Database& db)
{
    // Inside a caller's transaction the writers' lock cannot be taken: the next look finishes them.
    if (!sqlite3_get_autocommit(db.handle()))
        return;
    auto now = static_cast<long long>(unix_now());
    {
        Statement due(db, "SELECT 1 FROM images WHERE saving_until <= ? AND status = 'saving' LIMIT 1");
        due.bind(1, now);
        if (!due.step())
            return;
    }
    Statement done(db, "UPDATE images SET status = 'active', updated_at = saving_until, saving_until = NULL "
                       "WHERE saving_until <= ? AND status = 'saving'");
    done.bind(1, now);
    done.step();
}

void Image::uploadsSweep() const
{
    if (DIR* dir = opendir(store_.c_str())) {
        while (dirent* e = readdir(dir))
            if (std::string_view(e->d_name).starts_with(".upload-"))
                reclaim_partial(store_ + "/" + e->d_name);
        closedir(dir);
    }
    std::vector<std::string> saving;
    Statement s(*db_, "SELECT id FROM images WHERE status = 'saving'");
    while (s.step())
        saving.push_back(s.text(0));
    for (const auto& id : saving)
        settle_upload(id);
}

void Image::load_extras(std::vector<image::Image>& images) const
{
    if (images.empty())
        return;
    json ids = json::array();
    for (const auto& img : images)
        ids.push_back(img.id);
    std::string list = ids.dump();
    auto find = [&](const std::string& id) -> image::Image* {
        for (auto& img : images)
            if (img.id == id)
                return &img;
        return nullptr;
    };
    Statement props(*db_, "SELECT image_id, key, value FROM image_properties WHERE image_id IN "
                          "(SELECT value FROM json_each(?)) ORDER BY key");
    props.bind(1, list);
    while (props.step())
        if (auto* img = find(props.text(0)))
            img->properties[props.text(1)] = props.text(2);
    Statement tags(*db_, "SELECT image_id, tag FROM image_tags WHERE image_id IN "
                         "(SELECT value FROM json_each(?)) ORDER BY rowid");
    tags.bind(1, list);
    while (tags.step())
        if (auto* img = find(tags.text(0)))
            img->tags.push_back(tags.text(1));
}

std::vector<image::Image> Image::imageList(const Context& ctx, const image::ImageQuery& q) const
{
    snapshots_finish(*db_);
    std::vector<Value> values;
    bool visibility_asked = false;
    std::string where;
    for (const auto& [key, value] : q.filters) {
        if (key.rfind("property:", 0) == 0) {
            where +=
                " AND EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND p.key = ? AND p.value = ?)";
            values.emplace_back(key.substr(9));
            values.emplace_back(value);
        } else if (key == "public") {
            where += value == "1" ? " AND i.visibility = 'public'" : " AND i.visibility <> 'public'";
        } else if (key == "member") {
            where += " AND EXISTS (SELECT 1 FROM image_members m2 WHERE m2.image_id = i.id AND m2.member_id = ?)";
            values.emplace_back(value);
        } else if (key == "protected") {
            where += " AND i.protected = ?";
            values.emplace_back(value == "1" ? 1LL : 0LL);
        } else {
            static const char* const kFields[] = {"name",        "status",           "visibility", "owner",
                                                  "disk_format", "container_format", "id"};
            bool known = false;
            for (const char* f : kFields)
                known = known || key == f;
            if (!known)
                throw BadRequest("Unknown filter " + key + ".");
            visibility_asked = visibility_asked || key == "visibility";
            where += " AND i." + key + " = ?";
            values.emplace_back(value);
        }
    }
    if (std::none_of(q.filters.begin(), q.filters.end(), [](const auto& f) { return f.first == "property:os_hidden"; }))
        where += " AND NOT EXISTS (SELECT 1 FROM image_properties h WHERE h.image_id = i.id AND h.key = 'os_hidden')";
    for (const auto& tag : q.tags) {
        where += " AND EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = i.id AND t.tag = ?)";
        values.emplace_back(tag);
    }
    if (q.size_min) {
        where += " AND i.size >= ?";
        values.emplace_back(*q.size_min);
    }
    if (q.size_max) {
        where += " AND i.size <= ?";
        values.emplace_back(*q.size_max);
    }
    // Glance v1 showed a poller the images deleted since it last looked, as deleted.
    if (q.changes_since) {
        where += " AND i.updated_at > ?";
        values.emplace_back(static_cast<long long>(*q.changes_since));
    } else {
        where += " AND i.status <> 'deleted'";
    }
    std::vector<std::pair<std::string, bool>> sort = q.sort;
    if (std::none_of(sort.begin(), sort.end(), [](const auto& k) { return k.first == "id"; }))
        sort.emplace_back("id", sort.empty() ? false : sort.back().second);
    if (!q.marker.empty()) {
        // Keyset pagination: the rows after the marker's own sort values, so a page costs a page.
        image::Image marker;
        try {
            marker = image_row(ctx, q.marker, q.changes_since.has_value());
        } catch (const NotFound&) {
            throw BadRequest("marker [" + q.marker + "] not found");
        }
        std::string after = " AND (";
        for (std::size_t i = 0; i < sort.size(); ++i) {
            after += i ? " OR (" : "(";
            for (std::size_t j = 0; j < i; ++j) {
                after += sort_expr(sort[j].first) + " = ? AND ";
                values.push_back(sort_value(marker, sort[j].first));
            }
            after += sort_expr(sort[i].first) + (sort[i].second ? " > ?" : " < ?") + ")";
            values.push_back(sort_value(marker, sort[i].first));
        }
        where += after + ")";
    }
    std::vector<Value> head;
    std::string sql = std::string(kColumns) + " WHERE " +
                      (visibility_asked ? visible_to(ctx, head) : listed_to(ctx, q.member_status, head)) + where +
                      " ORDER BY ";
    for (std::size_t i = 0; i < sort.size(); ++i)
        sql += (i ? ", " : "") + sort_expr(sort[i].first) + (sort[i].second ? " ASC" : " DESC");
    if (q.limit)
        sql += " LIMIT " + std::to_string(q.limit);
    head.insert(head.end(), values.begin(), values.end());
    Statement s(*db_, sql);
    bind_all(s, head);
    std::vector<image::Image> out;
    while (s.step())
        out.push_back(image_of(s));
    for (auto& img : out)
        if (img.status == "saving" && settle_upload(img.id))
            img.status = "queued";
    load_extras(out);
    return out;
}

image::Image Image::imageGet(const Context& ctx, const std::string& image_id) const
{
    return image_row(ctx, image_id, false);
}

image::Image Image::image_row(const Context& ctx, const std::string& image_id, bool deleted_too) const
{
    snapshots_finish(*db_);
    std::vector<Value> values;
    std::string sql = std::string(kColumns) + " WHERE i.id = ? AND " + visible_to(ctx, values) +
                      (deleted_too ? "" : " AND i.status <> 'deleted'");
    values.insert(values.begin(), image_id);
    std::vector<image::Image> one;
    {
        Statement s(*db_, sql);
        bind_all(s, values);
        if (!s.step())
            throw NotFound("No image found with ID " + image_id);
        one.push_back(image_of(s));
    } // finalized: a statement that still reads would pin its snapshot under settle_upload()'s write
    if (one.front().status == "saving" && settle_upload(image_id))
        one.front().status = "queued";
    load_extras(one);
    return one.front();
}

void Image::write_extras(const image::Image& img) const
{
    Statement clear_props(*db_, "DELETE FROM image_properties WHERE image_id = ?");
    clear_props.bind(1, img.id);
    clear_props.step();
    for (const auto& [key, value] : img.properties) {
        Statement s(*db_, "INSERT INTO image_properties (image_id, key, value) VALUES (?, ?, ?)");
        s.bind(1, img.id).bind(2, key).bind(3, value);
        s.step();
    }
    Statement clear_tags(*db_, "DELETE FROM image_tags WHERE image_id = ?");
    clear_tags.bind(1, img.id);
    clear_tags.step();
    for (const auto& tag : img.tags) {
        Statement s(*db_, "INSERT INTO image_tags (image_id, tag) VALUES (?, ?)");
        s.bind(1, img.id).bind(2, tag);
        s.step();
    }
}

namespace {

void bind_record(Statement& s, const image::Image& img)
{
    auto text = [&](int i, const std::optional<std::string>& v) {
        if (v)
            s.bind(i, *v);
        else
            s.bind_null(i);
    };
    auto count = [&](int i, const std::optional<long long>& v) {
        if (v)
            s.bind(i, *v);
        else
            s.bind_null(i);
    };
    text(1, img.name);
    s.bind(2, img.status).bind(3, img.visibility).bind(4, img.is_protected ? 1LL : 0LL).bind(5, img.owner);
    text(6, img.disk_format);
    text(7, img.container_format);
    count(8, img.size);
    count(9, img.virtual_size);
    text(10, img.checksum);
    text(11, img.os_hash_algo);
    text(12, img.os_hash_value);
    s.bind(13, img.min_disk).bind(14, img.min_ram);
    s.bind(15, static_cast<long long>(img.created_at)).bind(16, static_cast<long long>(img.updated_at));
    text(17, img.location);
    s.bind(18, img.id);
}

} // namespace

image::Image Image::imageCreate(const Context& ctx, const image::Image& img) const
{
    {
        Transaction tx(*db_);
        Statement exists(*db_, "SELECT 1 FROM images WHERE id = ?");
        exists.bind(1, img.id);
        if (exists.step())
            throw Conflict("An image with identifier " + img.id + " already exists");
        Statement s(*db_, "INSERT INTO images (name, status, visibility, protected, owner, disk_format, "
                          "container_format, size, virtual_size, checksum, os_hash_algo, os_hash_value, "
                          "min_disk, min_ram, created_at, updated_at, location, id) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        bind_record(s, img);
        s.step();
        write_extras(img);
        tx.commit();
    }
    return imageGet(ctx, img.id);
}

image::Image Image::imageUpdate(const Context& ctx, const image::Image& img) const
{
    {
        Transaction tx(*db_);
        Statement s(*db_, "UPDATE images SET name = ?, status = ?, visibility = ?, protected = ?, owner = ?, "
                          "disk_format = ?, container_format = ?, size = ?, virtual_size = ?, checksum = ?, "
                          "os_hash_algo = ?, os_hash_value = ?, min_disk = ?, min_ram = ?, created_at = ?, "
                          "updated_at = ?, location = ? WHERE id = ? AND status <> 'deleted'");
        bind_record(s, img);
        s.step();
        if (sqlite3_changes(db_->handle()) == 0)
            throw NotFound("No image found with ID " + img.id);
        write_extras(img);
        tx.commit();
    }
    return imageGet(ctx, img.id);
}

void Image::imageDelete(const Context&, const std::string& image_id) const
{
    // The record stays, as Glance's did, for the lists that ask what changed; what hangs off it goes.
    {
        Transaction tx(*db_);
        auto now = static_cast<long long>(time(nullptr));
        Statement s(*db_, "UPDATE images SET status = 'deleted', deleted_at = ?, updated_at = ?, saving_until = NULL "
                          "WHERE id = ? AND status <> 'deleted'");
        s.bind(1, now).bind(2, now).bind(3, image_id);
        s.step();
        if (sqlite3_changes(db_->handle()) == 0)
            throw NotFound("No image found with ID " + image_id);
        for (const char* sql :
             {"DELETE FROM image_members WHERE image_id = ?", "DELETE FROM image_properties WHERE image_id = ?",
              "DELETE FROM image_tags WHERE image_id = ?"}) {
            Statement drop(*db_, sql);
            drop.bind(1, image_id);
            drop.step();
        }
        tx.commit();
    }
    unlink(dataPath(image_id).c_str());
    // An upload in flight removes its own file when it finds the image gone; a dead one's goes now.
    reclaim_partial(partialPath(image_id));
}

image::Image Image::imageUpload(const Context& ctx, const std::string& image_id, BodySource& data,
                                const image::Expected& expected) const
{
    // The partial file is locked before the image is claimed and until it is active or queued again, so
    // settle_upload() sees every live upload; a worker's death releases the lock.
    std::string partial = partialPath(image_id);
    int fd = lock_partial(partial, true);
    if (fd < 0) {
        if (errno == EWOULDBLOCK)
            throw Conflict("Image " + image_id + " is being uploaded already.");
        throw std::runtime_error("cannot create " + partial + ": " + std::strerror(errno));
    }
    // Of two uploads to one image, one gets 409 before any byte is written. Holding the lock, this one
    // knows that no upload is alive: an image still saving is a dead worker's, and is taken over.
    {
        Statement claim(*db_, "UPDATE images SET status = 'saving' WHERE id = ? AND status IN ('queued', 'saving') "
                              "AND saving_until IS NULL");
        claim.bind(1, image_id);
        claim.step();
        if (sqlite3_changes(db_->handle()) == 0) {
            unlink(partial.c_str());
            close(fd);
            throw Conflict("Image " + image_id + " is not queued for data; it already has some.");
        }
    }
    auto give_back = [&] {
        unlink(partial.c_str());
        Statement undo(*db_, "UPDATE images SET status = 'queued' WHERE id = ? AND status = 'saving'");
        undo.bind(1, image_id);
        undo.step();
        close(fd);
    };
    long long size = 0;
    std::string md5, sha512;
    try {
        if (ftruncate(fd, 0) != 0) // what a dead worker wrote
            throw std::runtime_error(std::string("image write failed: ") + std::strerror(errno));
        Digest md5_ctx = digest(EVP_md5());
        Digest sha_ctx = digest(EVP_sha512());
        std::vector<char> buffer(1 << 16);
        for (;;) {
            std::size_t n = data.read(buffer.data(), buffer.size());
            if (n == 0)
                break;
            EVP_DigestUpdate(md5_ctx.get(), buffer.data(), n);
            EVP_DigestUpdate(sha_ctx.get(), buffer.data(), n);
            for (std::size_t off = 0; off < n;) {
                ssize_t w = write(fd, buffer.data() + off, n - off);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0)
                    fail_storage("image write failed", errno, PayloadTooLarge(kMediaFull));
                off += static_cast<std::size_t>(w);
            }
            size += static_cast<long long>(n);
        }
        md5 = finish(md5_ctx);
        sha512 = finish(sha_ctx);
        if (expected.size && *expected.size != size)
            throw BadRequest("Size of the uploaded data (" + std::to_string(size) +
                             ") does not match the expected size (" + std::to_string(*expected.size) + ").");
        if (expected.checksum && *expected.checksum != md5)
            throw BadRequest("Checksum of the uploaded data (" + md5 + ") does not match the expected checksum (" +
                             *expected.checksum + ").");
        // Acknowledged bytes are on disk before the image says it has them.
        if (fsync(fd) != 0)
            fail_storage("image sync failed", errno, PayloadTooLarge(kMediaFull));
    } catch (...) {
        give_back();
        throw;
    }
    // The file takes its name and the image its status together, as settle_upload() looks at both.
    bool deleted = false, renamed = false;
    try {
        Transaction tx(*db_);
        if (rename(partial.c_str(), dataPath(image_id).c_str()) != 0)
            throw std::runtime_error("cannot store image data: " + std::string(std::strerror(errno)));
        renamed = true;
        Statement done(*db_, "UPDATE images SET status = 'active', size = ?, virtual_size = NULL, checksum = ?, "
                             "os_hash_algo = 'sha512', os_hash_value = ?, updated_at = ? "
                             "WHERE id = ? AND status = 'saving'");
        done.bind(1, size)
            .bind(2, md5)
            .bind(3, sha512)
            .bind(4, static_cast<long long>(time(nullptr)))
            .bind(5, image_id);
        done.step();
        deleted = sqlite3_changes(db_->handle()) == 0;
        tx.commit();
    } catch (...) {
        if (renamed)
            unlink(dataPath(image_id).c_str());
        give_back();
        throw;
    }
    close(fd);
    if (deleted) {
        unlink(dataPath(image_id).c_str()); // deleted while it was uploading
        throw NotFound("Image " + image_id + " was deleted during the upload.");
    }
    return imageGet(ctx, image_id);
}

image::ImageData Image::imageDownload(const Context& ctx, const std::string& image_id) const
{
    image::Image img = imageGet(ctx, image_id);
    // An external location is never fetched: it could name this host's files or services only it reaches.
    if (img.location)
        throw NotFound("The data of image " + image_id +
                       " is at an external location, from which this cloud does not fetch image data.");
    int fd = open(dataPath(img.id).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw NotFound("Image " + image_id + " has no data.");
    struct stat st {};
    fstat(fd, &st);
    image::ImageData out;
    out.source = std::make_unique<FileSource>(fd);
    out.file = dataPath(img.id);
    out.size = static_cast<long long>(st.st_size);
    return out;
}

std::vector<Member> Image::memberList(const Context& ctx, const std::string& image_id) const
{
    imageGet(ctx, image_id);
    Statement s(*db_, "SELECT member_id, status, can_share, created_at, updated_at FROM image_members "
                      "WHERE image_id = ? ORDER BY created_at, member_id");
    s.bind(1, image_id);
    std::vector<Member> out;
    while (s.step())
        out.push_back({image_id, s.text(0), s.text(1), s.integer(2) != 0, s.integer(3), s.integer(4)});
    return out;
}

Member Image::memberPut(const Context&, const Member& m) const
{
    Statement s(*db_, "INSERT INTO image_members (image_id, member_id, status, can_share, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (image_id, member_id) DO UPDATE SET "
                      "status = excluded.status, can_share = excluded.can_share, updated_at = excluded.updated_at");
    s.bind(1, m.image_id).bind(2, m.member_id).bind(3, m.status).bind(4, m.can_share ? 1LL : 0LL);
    s.bind(5, static_cast<long long>(m.created_at)).bind(6, static_cast<long long>(m.updated_at));
    s.step();
    return m;
}

void Image::memberDelete(const Context&, const std::string& image_id, const std::string& member_id) const
{
    Statement s(*db_, "DELETE FROM image_members WHERE image_id = ? AND member_id = ?");
    s.bind(1, image_id).bind(2, member_id);
    s.step();
    if (sqlite3_changes(db_->handle()) == 0)
        throw NotFound("Member " + member_id + " not found on image " + image_id + ".");
}

} // namespace jumpgate::local
