// SPDX-License-Identifier: Apache-2.0
// Tokens: round trips, tampering, foreign keys and key rotation.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "api/identity/token.hpp"

using namespace jumpgate::api::identity;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    std::string path;
    TempDir()
    {
        char tmpl[] = "/tmp/jumpgate-keys-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string keys() const { return path + "/keys"; }
};

TokenPayload sample()
{
    TokenPayload p;
    p.user_id = "u-123";
    p.project_id = "p-456";
    p.roles = {"admin", "member"};
    p.methods = {"password"};
    p.issued_at = 1790000000;
    p.expires_at = 1790003600;
    p.audit_id = new_audit_id();
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(token)

BOOST_AUTO_TEST_CASE(seal_then_open_gives_the_payload_back)
{
    TempDir dir;
    KeyRepository::setup(dir.keys());
    KeyRepository repo(dir.keys());
    TokenPayload p = sample();
    std::string token = repo.seal(p);
    BOOST_TEST(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
               std::string::npos);
    auto opened = repo.open(token);
    BOOST_REQUIRE(opened);
    BOOST_TEST((*opened == p));
    BOOST_TEST(repo.seal(p) != token); // a fresh nonce each time
}

BOOST_AUTO_TEST_CASE(a_system_scoped_rescoped_token_keeps_its_scope_and_chain)
{
    TempDir dir;
    KeyRepository::setup(dir.keys());
    KeyRepository repo(dir.keys());
    TokenPayload p = sample();
    p.project_id.clear();
    p.system = true;
    p.parent_audit_ids = {new_audit_id(), new_audit_id()};
    auto opened = repo.open(repo.seal(p));
    BOOST_REQUIRE(opened);
    BOOST_TEST((*opened == p));
    BOOST_TEST(opened->system);
    BOOST_TEST(opened->project_id.empty());
    p.system = false;
    BOOST_TEST(!repo.open(repo.seal(p))->system);
}

BOOST_AUTO_TEST_CASE(a_token_altered_in_one_place_is_refused)
{
    TempDir dir;
    KeyRepository::setup(dir.keys());
    KeyRepository repo(dir.keys());
    std::string token = repo.seal(sample());
    for (std::size_t i = 0; i < token.size(); ++i) {
        std::string altered = token;
        altered[i] = altered[i] == 'A' ? 'B' : 'A';
        // The last character may carry only padding bits that decode to the same bytes.
        if (i + 1 == token.size() && repo.open(altered))
            continue;
        BOOST_TEST(!repo.open(altered), "altered at " << i);
    }
    BOOST_TEST(!repo.open(token.substr(0, token.size() - 1) + "!"));
    BOOST_TEST(!repo.open(""));
    BOOST_TEST(!repo.open("not a token"));
    BOOST_TEST(!repo.open(std::string(10000, 'A')));
}

BOOST_AUTO_TEST_CASE(another_repository_cannot_open_it)
{
    TempDir a, b;
    KeyRepository::setup(a.keys());
    KeyRepository::setup(b.keys());
    BOOST_TEST(!KeyRepository(b.keys()).open(KeyRepository(a.keys()).seal(sample())));
}

BOOST_AUTO_TEST_CASE(a_copy_of_the_keys_opens_it_elsewhere)
{
    TempDir a, b;
    KeyRepository::setup(a.keys());
    fs::copy(a.keys(), b.keys());
    TokenPayload p = sample();
    auto opened = KeyRepository(b.keys()).open(KeyRepository(a.keys()).seal(p));
    BOOST_REQUIRE(opened);
    BOOST_TEST(opened->user_id == p.user_id);
}

BOOST_AUTO_TEST_CASE(rotation_keeps_recent_tokens_and_drops_old_keys)
{
    TempDir dir;
    KeyRepository::setup(dir.keys());
    KeyRepository repo(dir.keys());
    std::string before = repo.seal(sample());

    KeyRepository::rotate(dir.keys(), 3);
    repo.reload_if_changed();
    BOOST_TEST(repo.open(before).has_value());
    std::string after = repo.seal(sample());
    BOOST_TEST(KeyRepository(dir.keys()).open(after).has_value());

    KeyRepository::rotate(dir.keys(), 3);
    KeyRepository::rotate(dir.keys(), 3);
    BOOST_TEST(!KeyRepository(dir.keys()).open(before).has_value());
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.keys()))
        ++files;
    BOOST_TEST(files == 3);
}

BOOST_AUTO_TEST_CASE(a_worker_forgets_the_tokens_it_opened_once_their_key_is_gone)
{
    TempDir dir;
    KeyRepository::setup(dir.keys());
    KeyRepository repo(dir.keys());
    std::string before = repo.seal(sample());
    BOOST_TEST(repo.open(before).has_value()); // now in the worker's cache
    BOOST_TEST(repo.open(before).has_value());

    KeyRepository::rotate(dir.keys(), 3);
    KeyRepository::rotate(dir.keys(), 3);
    KeyRepository::rotate(dir.keys(), 3);
    // The repository looks at the directory at most once a second.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    repo.reload_if_changed();
    BOOST_TEST(!repo.open(before).has_value());
}

BOOST_AUTO_TEST_CASE(the_staged_key_already_opens_tokens)
{
    TempDir dir;
    KeyRepository::setup(dir.keys());
    TempDir other;
    fs::copy(dir.keys(), other.keys());
    KeyRepository::rotate(other.keys(), 3); // other host promoted the staged key first
    std::string token = KeyRepository(other.keys()).seal(sample());
    BOOST_TEST(KeyRepository(dir.keys()).open(token).has_value());
}

BOOST_AUTO_TEST_CASE(backend_credentials_are_sealed_and_opened_with_the_rest)
{
    TempDir dir;
    KeyRepository::setup(dir.keys());
    KeyRepository repo(dir.keys());
    TokenPayload p = sample();
    std::string without = repo.seal(p);
    p.credentials = "softlayer:alice:0f3c9a27e1d84b6a";
    std::string with = repo.seal(p);
    auto opened = repo.open(with);
    BOOST_REQUIRE(opened);
    BOOST_TEST(opened->credentials == p.credentials);
    BOOST_TEST((*opened == p));
    BOOST_TEST(repo.open(without)->credentials.empty());
    // A token without credentials is no longer than before there were any.
    BOOST_TEST(with.size() > without.size());
    BOOST_TEST(KeyRepository(dir.keys()).open(with)->credentials == p.credentials);
}

BOOST_AUTO_TEST_CASE(credentials_that_make_a_token_too_long_make_one_that_never_opens)
{
    TempDir dir;
    KeyRepository::setup(dir.keys());
    KeyRepository repo(dir.keys());
    TokenPayload p = sample();
    p.credentials = std::string(2500, 'k');
    std::string fits = repo.seal(p);
    BOOST_TEST(fits.size() <= KeyRepository::kTokenMax);
    BOOST_TEST(repo.open(fits)->credentials == p.credentials);
    p.credentials = std::string(3100, 'k');
    std::string too_long = repo.seal(p);
    BOOST_TEST(too_long.size() > KeyRepository::kTokenMax);
    BOOST_TEST(!repo.open(too_long));
}

BOOST_AUTO_TEST_CASE(an_empty_repository_is_an_error)
{
    TempDir dir;
    BOOST_CHECK_THROW(KeyRepository{dir.path}, std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
