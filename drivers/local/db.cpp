// SPDX-License-Identifier: Apache-2.0
// The local driver's database: one SQLite file shared by every service and worker.
#include "db.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jumpgate/log.hpp>

namespace jumpgate::local {

namespace {
[[noreturn]] void fail(sqlite3* db, std::string_view what)
{
    std::string message = std::string(what) + ": " + sqlite3_errmsg(db);
    // SQLite rolls back the statement (or the whole transaction): nothing of it is left half-made.
    if ((sqlite3_extended_errcode(db) & 0xff) == SQLITE_FULL) {
        log::error("the database is full: " + message);
        throw storage_full();
    }
    throw std::runtime_error(message);
}

// SQLite's own busy handler sleeps a millisecond and more between tries: far longer than a
// write here takes. Tries at 50 µs, doubling to 2 ms, for about ten seconds in all.
int wait_for_lock(void*, int tries)
{
    constexpr int kTriesMax = 5010;
    if (tries >= kTriesMax)
        return 0;
    usleep(std::min(50u << std::min(tries, 6), 2000u));
    return 1;
}

// `path` as the path of an SQLite URI, where '?', '#' and '%' are its syntax.
std::string uri_path(const std::string& path)
{
    std::string out;
    for (char c : path) {
        if (c == '?' || c == '#' || c == '%') {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
            out += hex;
        } else {
            out += c;
        }
    }
    return out;
}
} // namespace

Fault storage_full()
{
    return ServiceUnavailable("The storage of the cloud is full: the request was not carried out. Try again once "
                              "space has been freed.");
}

void fail_storage(const std::string& what, int error, const Fault& full)
{
    std::string message = what + ": " + std::strerror(error);
    if (error == ENOSPC || error == EDQUOT) {
        log::error("the state directory is full: " + message);
        throw full;
    }
    throw std::runtime_error(message);
}

std::int64_t unix_now()
{
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::int64_t ready_at(int seconds)
{
    timespec t{};
    clock_gettime(CLOCK_REALTIME, &t);
    return static_cast<std::int64_t>(t.tv_sec) + seconds + (t.tv_nsec > 0 ? 1 : 0);
}

namespace {

std::string user_name(uid_t uid)
{
    passwd* entry = getpwuid(uid);
    return entry ? std::string(entry->pw_name) : "uid " + std::to_string(uid);
}

/*
 * check_writable: that the worker can write the database at `path`, its WAL files and their
 * directory; else an error that names what it cannot write, whose it is, and the remedy. SQLite
 * would only say "attempt to write a readonly database", at the first write.
 */
void check_writable(const std::string& path)
{
    std::string dir = path.substr(0, path.rfind('/') == std::string::npos ? 0 : path.rfind('/'));
    for (const std::string& p : {dir.empty() ? std::string(".") : dir, path, path + "-wal", path + "-shm"}) {
        struct stat st {};
        if (stat(p.c_str(), &st) != 0 || access(p.c_str(), W_OK) == 0)
            continue;
        std::string me = user_name(geteuid());
        throw std::runtime_error(p + " is " + user_name(st.st_uid) + "'s and this process (" + me +
                                 ") cannot write it: give the state directory to the user the workers run as "
                                 "(chown -R " +
                                 me + ": " + (dir.empty() ? "." : dir) +
                                 "), and run jumpgate-manage as that user (as root, it acts as the state "
                                 "directory's owner)");
    }
}

} // namespace

Database::Database(const std::string& path, std::span<const Migration> migrations, Access mode)
{
    if (mode == Access::read_write)
        check_writable(path);
    bool file = mode == Access::read_write || access(path.c_str(), F_OK) == 0;
    std::string name = file ? path : ":memory:";
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (file && mode == Access::read_only) {
        // A reader of a WAL database makes its -shm file when there is none (no worker has it
        // open): then the database file, as the last worker left it, is all there is to read.
        name = "file:" + uri_path(path) + (access((path + "-shm").c_str(), F_OK) == 0 ? "?mode=ro" : "?immutable=1");
        flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    }
    if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error("cannot open " + path + ": " + message);
    }
    try {
        // Workers wait for each other's writes rather than fail with SQLITE_BUSY.
        sqlite3_busy_handler(db_, wait_for_lock, nullptr);
        exec("PRAGMA foreign_keys = ON");
        if (file && mode == Access::read_only) {
            schema_version(); // reads the file: one that is not a database fails here, as it would for a worker
            return;
        }
        if (file)
            writer_lock_fd_ = open((path + "-writer.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        exec("PRAGMA journal_mode = WAL");
        exec("PRAGMA synchronous = NORMAL");
        migrate(migrations);
    } catch (const std::runtime_error& e) {
        // No destructor runs for a constructor that throws.
        close();
        throw std::runtime_error("cannot open " + path + ": " + e.what());
    } catch (...) {
        close();
        throw;
    }
}

void Database::close()
{
    if (writer_lock_fd_ >= 0) {
        ::close(writer_lock_fd_);
        writer_lock_fd_ = -1;
    }
    for (const auto& c : counted_)
        munmap(c.counter, sizeof *c.counter);
    counted_.clear();
    // sqlite3_close refuses (and leaks) while statements are left unfinalized.
    for (auto& [sql, entry] : cache_)
        sqlite3_finalize(entry.first);
    cache_.clear();
    sqlite3_close(db_);
    db_ = nullptr;
}

Database::~Database()
{
    close();
}

void Database::exec(std::string_view sql)
{
    char* error = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        sqlite3_free(error);
        fail(db_, "SQL failed");
    }
    after_step();
}

bool Database::count_commits_to(std::string table, const std::string& counter_path)
{
    int fd = open(counter_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    void* page = MAP_FAILED;
    // Several workers may make the file at once: growing it to its size again changes nothing.
    if (ftruncate(fd, sizeof(std::uint64_t)) == 0)
        page = mmap(nullptr, sizeof(std::uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (page == MAP_FAILED)
        return false;
    counted_.push_back({std::move(table), static_cast<std::uint64_t*>(page)});
    // The update hook sees every row a statement or a trigger changes; a rollback forgets them.
    sqlite3_update_hook(
        db_,
        [](void* self, int, const char*, const char* changed, sqlite3_int64) {
            for (auto& c : static_cast<Database*>(self)->counted_)
                if (c.table == changed)
                    c.changed = true;
        },
        this);
    sqlite3_rollback_hook(
        db_,
        [](void* self) {
            for (auto& c : static_cast<Database*>(self)->counted_)
                c.changed = false;
        },
        this);
    return true;
}

std::optional<std::uint64_t> Database::commits_to(std::string_view table) const
{
    for (const auto& c : counted_)
        if (c.table == table)
            return std::atomic_ref<std::uint64_t>(*c.counter).load(std::memory_order_acquire);
    return std::nullopt;
}

void Database::after_step()
{
    // Only once the change is committed: a reader that saw the number move must find it.
    if (counted_.empty() || !sqlite3_get_autocommit(db_))
        return;
    for (auto& c : counted_)
        if (c.changed) {
            c.changed = false;
            std::atomic_ref<std::uint64_t>(*c.counter).fetch_add(1, std::memory_order_release);
        }
}

Generation::Generation(Database& db, std::string table)
    : db_(db), table_(std::move(table)), select_("SELECT value FROM " + table_)
{
}

std::int64_t Generation::current()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    auto commits = db_.commits_to(table_);
    if (now.tv_sec != read_at_ || !commits) {
        Statement s(db_, select_);
        s.step();
        in_table_ = s.integer(0);
        read_at_ = now.tv_sec;
    }
    // Either moving moves the whole; the count's low half is plenty between two reads.
    return in_table_ * (std::int64_t{1} << 32) + static_cast<std::int64_t>(commits.value_or(0) & 0xffffffff);
}

void Database::limit_size(std::size_t bytes)
{
    Statement size(*this, "PRAGMA page_size");
    size.step();
    auto page = static_cast<std::size_t>(size.integer(0));
    exec("PRAGMA max_page_count = " + std::to_string(std::max<std::size_t>(1, bytes / std::max<std::size_t>(page, 1))));
}

int Database::schema_version()
{
    Statement s(*this, "PRAGMA user_version");
    s.step();
    return static_cast<int>(s.integer(0));
}

void Database::migrate(std::span<const Migration> migrations)
{
    if (!migrations.empty() && schema_version() >= migrations.back().version)
        return;
    // IMMEDIATE takes the write lock first: of several workers starting at once, one migrates.
    exec("BEGIN IMMEDIATE");
    try {
        int current = schema_version();
        for (const auto& m : migrations) {
            if (m.version <= current)
                continue;
            exec(m.sql);
            exec("PRAGMA user_version = " + std::to_string(m.version));
        }
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

Statement::Statement(Database& db, std::string_view sql) : database_(db), db_(db.handle())
{
    auto it = db.cache_.find(sql);
    if (it != db.cache_.end() && !it->second.second) {
        stmt_ = it->second.first;
        in_use_ = &it->second.second;
        *in_use_ = true;
        return;
    }
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
        fail(db_, "prepare");
    if (it == db.cache_.end()) {
        auto [entry, added] = db.cache_.emplace(std::string(sql), std::make_pair(stmt_, true));
        in_use_ = &entry->second.second;
    }
}

Statement::~Statement()
{
    if (in_use_) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        *in_use_ = false;
    } else {
        sqlite3_finalize(stmt_);
    }
    // An autocommit write is committed by now (a RETURNING one only once reset).
    database_.after_step();
}

Statement& Statement::bind(int index, std::string_view value)
{
    if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        fail(db_, "bind");
    return *this;
}

Statement& Statement::bind(int index, long long value)
{
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK)
        fail(db_, "bind");
    return *this;
}

Statement& Statement::bind(int index, double value)
{
    if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK)
        fail(db_, "bind");
    return *this;
}

Statement& Statement::bind_null(int index)
{
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK)
        fail(db_, "bind");
    return *this;
}

namespace {

/*
 * refuse_write_while_reading: throws std::logic_error when a statement of `db` other than
 * `writer` has not run to its end. Such a statement keeps its read snapshot, and WAL refuses a
 * write on a snapshot another process has since written past: "database is locked" at once,
 * busy handler or not, only when two workers race. Refused every time instead, so a test finds it.
 */
void refuse_write_while_reading(sqlite3* db, sqlite3_stmt* writer)
{
    for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s))
        if (s != writer && sqlite3_stmt_busy(s))
            throw std::logic_error(std::string("a write begun while a statement still reads: ") + sqlite3_sql(s));
}

} // namespace

bool Statement::step()
{
    if (!sqlite3_stmt_busy(stmt_) && !sqlite3_stmt_readonly(stmt_) && sqlite3_get_autocommit(db_))
        refuse_write_while_reading(db_, stmt_);
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(db_, "step");
}

std::string Statement::text(int column) const
{
    auto p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
}

long long Statement::integer(int column) const
{
    return sqlite3_column_int64(stmt_, column);
}
double Statement::real(int column) const
{
    return sqlite3_column_double(stmt_, column);
}
bool Statement::is_null(int column) const
{
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

SqlValue Statement::value(int column) const
{
    if (sqlite3_column_type(stmt_, column) == SQLITE_INTEGER)
        return integer(column);
    return text(column);
}

void bind_all(Statement& s, const std::vector<SqlValue>& values)
{
    int i = 1;
    for (const auto& v : values) {
        if (const auto* text = std::get_if<std::string>(&v))
            s.bind(i++, *text);
        else
            s.bind(i++, std::get<long long>(v));
    }
}

void bind_opt(Statement& s, int index, const std::optional<std::string>& value)
{
    if (value)
        s.bind(index, *value);
    else
        s.bind_null(index);
}

std::optional<std::string> opt_text(const Statement& s, int column)
{
    return s.is_null(column) ? std::nullopt : std::optional<std::string>(s.text(column));
}

bool Database::lock_writer()
{
    if (writer_lock_fd_ < 0 || writer_locked_)
        return false;
    while (flock(writer_lock_fd_, LOCK_EX) != 0)
        if (errno != EINTR)
            return false; // SQLite's own lock still keeps writers apart
    writer_locked_ = true;
    return true;
}

void Database::unlock_writer()
{
    if (writer_locked_) {
        flock(writer_lock_fd_, LOCK_UN);
        writer_locked_ = false;
    }
}

Transaction::Transaction(Database& db) : db_(db), locked_(db.lock_writer())
{
    try {
        refuse_write_while_reading(db_.handle(), nullptr);
        db_.exec("BEGIN IMMEDIATE");
    } catch (...) {
        end();
        throw;
    }
}

Transaction::~Transaction()
{
    if (open_) {
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        end();
    }
}

void Transaction::commit()
{
    db_.exec("COMMIT");
    open_ = false;
    end();
}

void Transaction::end()
{
    if (locked_) {
        db_.unlock_writer();
        locked_ = false;
    }
}

ReadTransaction::ReadTransaction(Database& db) : db_(db)
{
    if (sqlite3_get_autocommit(db_.handle())) {
        Statement(db_, "BEGIN").step();
        open_ = true;
    }
}

ReadTransaction::~ReadTransaction()
{
    if (open_)
        try {
            Statement(db_, "COMMIT").step();
        } catch (const std::exception&) {
            // It only read: rolling back loses nothing, and the connection must not stay in it.
            sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
}

} // namespace jumpgate::local
