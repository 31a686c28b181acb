// SPDX-License-Identifier: Apache-2.0
// The local driver's database: migrations run once, in order, and survive reopening.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "db.hpp"
#include "local.hpp"

using namespace jumpgate::local;

namespace {
struct TempFile {
    std::string dir;
    TempFile()
    {
        char tmpl[] = "/tmp/jumpgate-db-XXXXXX";
        dir = mkdtemp(tmpl);
    }
    ~TempFile() { std::filesystem::remove_all(dir); }
    std::string path() const { return dir + "/test.sqlite"; }
};
} // namespace

BOOST_AUTO_TEST_SUITE(local_db)

BOOST_AUTO_TEST_CASE(migrations_bring_the_schema_to_the_last_step_once)
{
    TempFile f;
    {
        Database db(f.path(), migrations());
        BOOST_TEST(db.schema_version() == migrations().back().version);
        Statement s(db, "SELECT COUNT(*) FROM flavors");
        BOOST_REQUIRE(s.step());
        BOOST_TEST(s.integer(0) == 7);
    }
    Database again(f.path(), migrations()); // no step runs twice: the seeded rows stay 7
    Statement s(again, "SELECT COUNT(*) FROM flavors");
    BOOST_REQUIRE(s.step());
    BOOST_TEST(s.integer(0) == 7);
}

BOOST_AUTO_TEST_CASE(read_only_makes_nothing_and_migrates_nothing)
{
    namespace fs = std::filesystem;
    TempFile f;
    {
        // No file: a schema in memory, for a check that must leave the state directory empty.
        Database none(f.path(), migrations(), Database::Access::read_only);
        BOOST_TEST(none.schema_version() == migrations().back().version);
        BOOST_TEST(fs::is_empty(f.dir));
    }
    std::span<const Migration> first = migrations().first(1);
    {
        Database old(f.path(), first);
    }
    auto files = [&] {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(f.dir))
            names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    };
    auto before = files();
    auto modified = fs::last_write_time(f.path());
    {
        Database checked(f.path(), migrations(), Database::Access::read_only);
        BOOST_TEST(checked.schema_version() == first.back().version); // as it is: no step applied
        BOOST_CHECK_THROW(checked.exec("CREATE TABLE t (x)"), std::runtime_error);
    }
    BOOST_TEST(files() == before);
    BOOST_TEST((fs::last_write_time(f.path()) == modified));
    std::ofstream(f.path(), std::ios::trunc) << "not a database, but a file of the same name";
    BOOST_CHECK_THROW(Database(f.path(), migrations(), Database::Access::read_only), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(a_new_step_applies_to_an_old_database)
{
    TempFile f;
    const Migration first[] = {{1, "one", "CREATE TABLE a (x INTEGER)"}};
    const Migration both[] = {{1, "one", "CREATE TABLE a (x INTEGER)"}, {2, "two", "ALTER TABLE a ADD COLUMN y TEXT"}};
    {
        Database db(f.path(), first);
        BOOST_TEST(db.schema_version() == 1);
    }
    Database db(f.path(), both);
    BOOST_TEST(db.schema_version() == 2);
    db.exec("INSERT INTO a (x, y) VALUES (1, 'z')");
}

BOOST_AUTO_TEST_CASE(a_failing_step_leaves_the_database_as_it_was)
{
    TempFile f;
    const Migration bad[] = {{1, "one", "CREATE TABLE a (x INTEGER)"}, {2, "broken", "NOT SQL"}};
    BOOST_CHECK_THROW(Database(f.path(), bad), std::runtime_error);
    const Migration none[] = {{0, "none", "SELECT 1"}};
    Database db(f.path(), none);
    BOOST_TEST(db.schema_version() == 0);
}

BOOST_AUTO_TEST_CASE(commits_that_change_the_identity_generation_are_counted_for_every_connection)
{
    TempFile f;
    Database writer(f.path(), migrations()), reader(f.path(), migrations());
    BOOST_REQUIRE(writer.count_commits_to("identity_generation", f.path() + "-commits"));
    BOOST_REQUIRE(reader.count_commits_to("identity_generation", f.path() + "-commits"));
    auto start = *reader.commits_to("identity_generation");

    // A trigger's change counts (migration 11 moves the generation with every role).
    writer.exec("INSERT INTO roles (id, name) VALUES ('r1', 'watcher')");
    BOOST_TEST(*reader.commits_to("identity_generation") == start + 1);
    Statement(writer, "UPDATE roles SET name = 'looker' WHERE id = 'r1'").step();
    BOOST_TEST(*reader.commits_to("identity_generation") == start + 2);

    // Once per transaction, at its commit; not for one rolled back, nor for other tables.
    writer.exec("BEGIN IMMEDIATE");
    writer.exec("UPDATE roles SET name = 'seer' WHERE id = 'r1'");
    writer.exec("UPDATE roles SET name = 'viewer' WHERE id = 'r1'");
    BOOST_TEST(*reader.commits_to("identity_generation") == start + 2);
    writer.exec("COMMIT");
    BOOST_TEST(*reader.commits_to("identity_generation") == start + 3);
    writer.exec("BEGIN IMMEDIATE");
    writer.exec("DELETE FROM roles WHERE id = 'r1'");
    writer.exec("ROLLBACK");
    writer.exec("UPDATE flavors SET name = name"); // flavors are not counted yet
    BOOST_TEST(*reader.commits_to("identity_generation") == start + 3);

    Database uncounted(f.path(), migrations());
    BOOST_TEST(!uncounted.count_commits_to("identity_generation", f.dir + "/no/such/dir/commits"));
    BOOST_TEST(!uncounted.commits_to("identity_generation"));

    // Each counted table has its own count: a flavor's change is not identity's.
    BOOST_REQUIRE(writer.count_commits_to("flavor_generation", f.path() + "-flavor-commits"));
    BOOST_REQUIRE(reader.count_commits_to("flavor_generation", f.path() + "-flavor-commits"));
    auto flavors = *reader.commits_to("flavor_generation");
    writer.exec("UPDATE flavors SET name = 'm1.huge' WHERE name = 'm1.xlarge'");
    BOOST_TEST(*reader.commits_to("flavor_generation") == flavors + 1);
    BOOST_TEST(*reader.commits_to("identity_generation") == start + 3);
}

BOOST_AUTO_TEST_CASE(writers_queue_behind_the_transaction_in_progress_and_it_ends_either_way)
{
    TempFile f;
    Database first(f.path(), migrations()), second(f.path(), migrations());
    for (bool commit : {true, false}) {
        std::atomic<bool> began{false};
        std::thread other;
        {
            Transaction tx(first);
            first.exec("UPDATE flavors SET name = name");
            other = std::thread([&] {
                Transaction mine(second); // waits for the lock file, not for SQLite's timeout
                began = true;
                mine.commit();
            });
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            BOOST_TEST(!began);
            if (commit)
                tx.commit();
        } // or rolled back here
        other.join();
        BOOST_TEST(began);
    }
    Transaction again(first); // and nothing is left holding it
    again.commit();
}

BOOST_AUTO_TEST_CASE(a_write_transaction_under_a_statement_still_reading_is_refused_every_time)
{
    // Under WAL it fails only when another process wrote since the statement began: here it
    // fails whether or not one did, and the writers' lock is given back.
    TempFile f;
    Database db(f.path(), migrations()), other(f.path(), migrations());
    {
        Statement reading(db, "SELECT id FROM flavors");
        BOOST_REQUIRE(reading.step());
        BOOST_CHECK_THROW(Transaction{db}, std::logic_error);
        Transaction elsewhere(other);
        elsewhere.commit();
    }
    Transaction after(db);
    after.commit();
}

BOOST_AUTO_TEST_CASE(statements_bind_and_read_optional_text_and_values_of_either_kind)
{
    TempFile f;
    Database db(f.path(), migrations());
    db.exec("CREATE TABLE t (a, b, c)");
    {
        Statement s(db, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)");
        bind_all(s, {SqlValue(std::string("text")), SqlValue(42LL)});
        bind_opt(s, 3, std::nullopt);
        s.step();
    }
    Statement s(db, "SELECT a, b, c FROM t");
    BOOST_REQUIRE(s.step());
    BOOST_TEST(std::get<std::string>(s.value(0)) == "text");
    BOOST_TEST(std::get<long long>(s.value(1)) == 42);
    BOOST_TEST(!opt_text(s, 2).has_value());
    BOOST_TEST(opt_text(s, 0).value_or("") == "text");
}

BOOST_AUTO_TEST_CASE(the_database_is_in_wal_mode)
{
    TempFile f;
    Database db(f.path(), migrations());
    Statement s(db, "PRAGMA journal_mode");
    BOOST_REQUIRE(s.step());
    BOOST_TEST(s.text(0) == "wal");
}

BOOST_AUTO_TEST_CASE(a_full_database_is_a_503_and_the_transaction_leaves_nothing)
{
    TempFile f;
    const Migration table[] = {{1, "one", "CREATE TABLE a (x TEXT)"}};
    Database db(f.path(), table);
    db.limit_size(1); // never below what it holds: it stays at its size
    std::string row(3000, 'x');
    auto insert = [&] {
        Statement s(db, "INSERT INTO a (x) VALUES (?)");
        s.bind(1, row);
        s.step();
    };
    int status = 0;
    try {
        Transaction tx(db);
        for (int i = 0; i < 100; ++i)
            insert();
        tx.commit();
    } catch (const jumpgate::Fault& e) {
        status = e.status();
    }
    BOOST_TEST(status == 503);
    Statement count(db, "SELECT COUNT(*) FROM a");
    BOOST_REQUIRE(count.step());
    BOOST_TEST(count.integer(0) == 0);
    BOOST_CHECK_THROW(db.exec("INSERT INTO a (x) VALUES ('" + row + "'), ('" + row + "')"), jumpgate::Fault);
}

BOOST_AUTO_TEST_CASE(a_full_disk_is_the_fault_given_and_any_other_error_is_not)
{
    BOOST_CHECK_THROW(fail_storage("write", ENOSPC), jumpgate::Fault);
    try {
        fail_storage("write", EDQUOT, jumpgate::PayloadTooLarge("full"));
    } catch (const jumpgate::Fault& e) {
        BOOST_TEST(e.status() == 413);
    }
    try {
        fail_storage("/secret/path", EIO);
    } catch (const jumpgate::Fault&) {
        BOOST_FAIL("an I/O error is not a full disk");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()).find("/secret/path") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
