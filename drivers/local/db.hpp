// SPDX-License-Identifier: Apache-2.0
// The local driver's database: one SQLite file shared by every service and worker.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <sqlite3.h>

#include <jumpgate/fault.hpp>

namespace jumpgate::local {

/* unix_now: seconds since the epoch, as every table keeps its times. */
std::int64_t unix_now();

/*
 * ready_at: the first whole second by which `seconds` will have passed. Times
 * are kept in whole seconds, so unix_now() + seconds would end a transition up
 * to a second early; a client that looks at once must still see it under way.
 */
std::int64_t ready_at(int seconds);

/*
 * storage_full: the fault of a write that the state directory cannot take (its disk, or the
 * database's max_database_size, is full): 503, the request not carried out.
 */
Fault storage_full();

/*
 * fail_storage: throws for a failed operation on a file of the state directory: `full` when
 * `error` says the disk is full (ENOSPC, EDQUOT), else std::runtime_error naming `what` and the
 * error. A full disk's `what` (a path, say) is logged rather than shown to the client.
 */
[[noreturn]] void fail_storage(const std::string& what, int error, const Fault& full = storage_full());

/* Migration: one step of the schema; `version` counts up from 1 and is never reused. */
struct Migration {
    int version;
    const char* name;
    const char* sql;
};

class Statement;

/* SqlValue: a value a statement binds or a column holds, as the local driver's tables keep them: text or an integer. */
using SqlValue = std::variant<std::string, long long>;

class Database {
  public:
    /* Access: read_write for a worker that serves; read_only for a check, which changes nothing on disk. */
    enum class Access { read_write, read_only };

    /*
     * Database: open (creating) `path` in WAL mode with a busy timeout, so many
     * worker processes share it, and bring its schema up to the last of
     * `migrations`. read_only: open `path` read-only and leave it as it is, or,
     * when there is no such file, make an empty database in memory with the schema
     * of `migrations`. Throws std::runtime_error.
     */
    Database(const std::string& path, std::span<const Migration> migrations, Access mode = Access::read_write);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /* exec: run SQL without results; throws std::runtime_error. */
    void exec(std::string_view sql);
    /*
     * limit_size: this connection grows the file to at most `bytes` (never below what it
     * holds already); a write past it fails as a full disk does, with storage_full().
     */
    void limit_size(std::size_t bytes);
    /* schema_version: the last migration applied. */
    int schema_version();
    sqlite3* handle() { return db_; }

    /*
     * count_commits_to: from now on, every commit of this connection that changed `table`
     * moves a number kept in the file `counter_path`, which every process of the database
     * maps; false (and nothing counted) when the file cannot be made. Several tables may
     * be counted, each in its own file.
     */
    bool count_commits_to(std::string table, const std::string& counter_path);
    /* commits_to: that number for `table`, read from memory (no query); nullopt when not counted. */
    std::optional<std::uint64_t> commits_to(std::string_view table) const;

  private:
    friend class Statement;
    void migrate(std::span<const Migration> migrations);
    void close();
    /* after_step: moves the counter once a change to the counted table is committed. */
    void after_step();
    /* lock_writer, unlock_writer: the lock file Transactions queue on (see Transaction);
       lock_writer is false when it did not take it (there is none, or it is taken already). */
    friend class Transaction;
    bool lock_writer();
    void unlock_writer();
    sqlite3* db_ = nullptr;
    struct Counted {
        std::string table;
        std::uint64_t* counter; // in a MAP_SHARED page of its file
        bool changed = false;   // by the transaction in progress
    };
    std::vector<Counted> counted_;
    int writer_lock_fd_ = -1;
    bool writer_locked_ = false;
    // Prepared once per worker, reused by every request (SQL text -> statement, in use?).
    std::map<std::string, std::pair<sqlite3_stmt*, bool>, std::less<>> cache_;
};

/*
 * Transaction: BEGIN IMMEDIATE (the write lock first, so it never fails half-way); ROLLBACK
 * unless committed. Writers of every process queue on a lock file first, asleep in the
 * kernel until the one before them ends, rather than poll SQLite's lock between sleeps.
 */
class Transaction {
  public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    void end();
    Database& db_;
    bool open_ = true;
    bool locked_ = false; // the writers' lock file is this transaction's
};

/*
 * ReadTransaction: one read transaction around several SELECTs, so that they see one state of the
 * database and take its read lock once; nothing when a transaction is already open.
 * Only for reads: a Transaction cannot begin inside it.
 */
class ReadTransaction {
  public:
    explicit ReadTransaction(Database& db);
    ~ReadTransaction();
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;

  private:
    Database& db_;
    bool open_ = false;
};

/*
 * Generation: a number that moves with every change to the one-row table `table`, which
 * triggers move (identity_generation, flavor_generation). The database's count of commits
 * to it makes reading it a memory load; the table itself is read once a second too, for a
 * change made by hand, and on every call when nothing is counted.
 */
class Generation {
  public:
    Generation(Database& db, std::string table);
    std::int64_t current();

  private:
    Database& db_;
    std::string table_;
    std::string select_;
    std::int64_t in_table_ = 0;
    std::int64_t read_at_ = -1; // CLOCK_MONOTONIC_COARSE seconds
};

/* Statement: a prepared statement; bind with 1-based indexes, step, read columns. */
class Statement {
  public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, long long value);
    Statement& bind(int index, double value);
    Statement& bind_null(int index);
    /* step: true while a row is ready; throws std::runtime_error on failure. */
    bool step();
    std::string text(int column) const;
    long long integer(int column) const;
    double real(int column) const;
    bool is_null(int column) const;
    /* value: the column as an integer when SQLite holds one there, else as text (NULL: ""). */
    SqlValue value(int column) const;

  private:
    Database& database_;
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    bool* in_use_ = nullptr; // the cache's flag when the statement is the cached one
};

/* bind_all: binds `values` to the statement's parameters 1, 2... in order. */
void bind_all(Statement& s, const std::vector<SqlValue>& values);

/* bind_opt: binds `value` to parameter `index`, NULL when there is none. */
void bind_opt(Statement& s, int index, const std::optional<std::string>& value);

/* opt_text: column `column` of the current row as text, nullopt when it is NULL. */
std::optional<std::string> opt_text(const Statement& s, int column);

} // namespace jumpgate::local
