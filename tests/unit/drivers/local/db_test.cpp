// SPDX-License-Identifier: Apache-2.0
// The local driver's database: migrations run once, in order, and survive reopening.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>

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
    Database again(f.path(), migrations());   // no step runs twice: the seeded rows stay 7
    Statement s(again, "SELECT COUNT(*) FROM flavors");
    BOOST_REQUIRE(s.step());
    BOOST_TEST(s.integer(0) == 7);
}

BOOST_AUTO_TEST_CASE(a_new_step_applies_to_an_old_database)
{
    TempFile f;
    const Migration first[] = {{1, "one", "CREATE TABLE a (x INTEGER)"}};
    const Migration both[] = {{1, "one", "CREATE TABLE a (x INTEGER)"},
                              {2, "two", "ALTER TABLE a ADD COLUMN y TEXT"}};
    { Database db(f.path(), first); BOOST_TEST(db.schema_version() == 1); }
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

BOOST_AUTO_TEST_CASE(the_database_is_in_wal_mode)
{
    TempFile f;
    Database db(f.path(), migrations());
    Statement s(db, "PRAGMA journal_mode");
    BOOST_REQUIRE(s.step());
    BOOST_TEST(s.text(0) == "wal");
}

BOOST_AUTO_TEST_SUITE_END()
