// SPDX-License-Identifier: Apache-2.0
// Unit tests of Config (files, overrides, validation, sizes) and of App::start on such a Config.
#include <jumpgate/app.hpp>
#include <jumpgate/config.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include <boost/test/unit_test.hpp>

using namespace jumpgate;
namespace fs = std::filesystem;

namespace {

class TempFile {
  public:
    explicit TempFile(const std::string& text)
    {
        std::string pattern = (fs::temp_directory_path() / "jumpgate-config-XXXXXX").string();
        int fd = mkstemp(pattern.data());
        if (fd < 0)
            throw std::runtime_error("mkstemp failed");
        close(fd);
        path_ = pattern;
        std::ofstream(path_) << text;
    }
    ~TempFile() { fs::remove(path_); }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

class TempDir {
  public:
    TempDir()
    {
        std::string pattern = (fs::temp_directory_path() / "jumpgate-modules-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() { fs::remove_all(path_); }
    const std::string& path() const { return path_; }
    void touch(const std::string& name) const { std::ofstream(fs::path(path_) / name) << "x"; }

  private:
    std::string path_;
};

Config declared()
{
    Config c;
    c.declare("general", "log_level", "info", "level");
    c.declare("general", "state_dir", "/var/lib/jumpgate", "state");
    c.declare("compute", "driver", "local", "driver");
    c.declare("compute", "mount", "/compute", "mount");
    c.declare("volume", "driver", "local", "driver");
    c.declare("volume", "mount", "/volume", "mount");
    return c;
}

std::string services_off(const std::string& except = {})
{
    std::string text;
    for (auto name : kServices)
        if (name != except)
            text += "[" + std::string(name) + "]\ndriver =\n";
    return text;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(defaults_when_unset)
{
    Config c = declared();
    BOOST_TEST(c.load("", {}).empty());
    BOOST_TEST(c.get("general", "log_level") == "info");
    BOOST_TEST(c.get("compute", "mount") == "/compute");
    BOOST_TEST(!c.is_set("general", "log_level"));
    BOOST_TEST(c.line_of("general", "log_level") == 0);
    BOOST_TEST(c.validate().empty());
}

BOOST_AUTO_TEST_CASE(sections_and_lines)
{
    TempFile f("# Jumpgate\n"
               "[general]\n"
               "log_level = debug\n"
               "\n"
               "[compute]\n"
               "driver = softlayer\n"
               "mount = /nova\n");
    Config c = declared();
    BOOST_TEST(c.load(f.path(), {}).empty());
    BOOST_TEST(c.file() == f.path());
    BOOST_TEST(c.get("general", "log_level") == "debug");
    BOOST_TEST(c.get("compute", "driver") == "softlayer");
    BOOST_TEST(c.get("compute", "mount") == "/nova");
    BOOST_TEST(c.get("general", "state_dir") == "/var/lib/jumpgate");
    BOOST_TEST(c.is_set("compute", "driver"));
    BOOST_TEST(c.line_of("general", "log_level") == 3);
    BOOST_TEST(c.line_of("compute", "driver") == 6);
    BOOST_TEST(c.line_of("compute", "mount") == 7);
    BOOST_TEST(c.validate().empty());
}

BOOST_AUTO_TEST_CASE(integers_are_range_checked_where_they_are_read)
{
    TempFile f("[t]\n"
               "good = 42\n"
               "word = an hour\n"
               "low = -5\n"
               "trailing = 7s\n");
    Config c;
    for (const char* key : {"good", "word", "low", "trailing", "unset", "given"})
        c.declare("t", key, "3", "test");
    BOOST_TEST(c.load(f.path(), {"t.given=99"}).empty());
    BOOST_TEST(c.integer("t", "good", 1, 100) == 42);
    BOOST_TEST(c.integer("t", "unset", 1, 100) == 3);
    auto message = [&](const char* key) {
        try {
            c.integer("t", key, 0, 60);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    BOOST_TEST(message("word") == f.path() + ":3: [t] word = an hour is not a whole number from 0 to 60");
    BOOST_TEST(message("low") == f.path() + ":4: [t] low = -5 is not a whole number from 0 to 60");
    BOOST_TEST(message("trailing") == f.path() + ":5: [t] trailing = 7s is not a whole number from 0 to 60");
    BOOST_TEST(message("given") == "command line: [t] given = 99 is not a whole number from 0 to 60");
    try {
        c.integer("t", "low", 0, 60);
        BOOST_FAIL("no error");
    } catch (const InvalidOption& e) {
        BOOST_TEST(e.error().file == f.path());
        BOOST_TEST(e.error().line == 4);
        BOOST_TEST(e.error().message == "[t] low = -5 is not a whole number from 0 to 60");
    }
}

BOOST_AUTO_TEST_CASE(booleans_are_true_or_false)
{
    TempFile f("[t]\n"
               "yes = true\n"
               "no = false\n"
               "other = yes\n"
               "caps = True\n");
    Config c;
    for (const char* key : {"yes", "no", "other", "caps", "unset"})
        c.declare("t", key, "true", "test");
    BOOST_TEST(c.load(f.path(), {}).empty());
    BOOST_TEST(c.boolean("t", "yes"));
    BOOST_TEST(!c.boolean("t", "no"));
    BOOST_TEST(c.boolean("t", "unset"));
    for (auto [key, line] : {std::pair{"other", 4}, std::pair{"caps", 5}}) {
        BOOST_TEST_CONTEXT(key)
        try {
            c.boolean("t", key);
            BOOST_FAIL("no error");
        } catch (const InvalidOption& e) {
            BOOST_TEST(e.error().line == line);
            BOOST_TEST(std::string(e.what()) == f.path() + ":" + std::to_string(line) + ": [t] " + key + " = " +
                                                    c.get("t", key) + " is not true or false");
        }
    }
}

BOOST_AUTO_TEST_CASE(sizes_are_located_too)
{
    TempFile f("[t]\n"
               "good = 64K\n"
               "word = lots\n"
               "huge = 16777216T\n");
    Config c;
    for (const char* key : {"good", "word", "huge"})
        c.declare("t", key, "0", "test");
    BOOST_TEST(c.load(f.path(), {}).empty());
    BOOST_TEST(c.size("t", "good") == 64u * 1024);
    auto message = [&](const char* key) {
        try {
            c.size("t", key);
        } catch (const InvalidOption& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    BOOST_TEST(message("word") ==
               f.path() + ":3: [t] word = lots is not a size (a number of bytes, with K, M, G or T)");
    BOOST_TEST(message("huge") == f.path() + ":4: [t] huge = 16777216T is too large");
}

BOOST_AUTO_TEST_CASE(empty_value_is_set_and_empty)
{
    TempFile f("[compute]\ndriver =\n");
    Config c = declared();
    BOOST_TEST(c.load(f.path(), {}).empty());
    BOOST_TEST(c.is_set("compute", "driver"));
    BOOST_TEST(c.get("compute", "driver") == "");
}

BOOST_AUTO_TEST_CASE(block_storage_is_volume)
{
    TempFile f("[block_storage]\n"
               "driver = cinderish\n"
               "mount = /block\n");
    Config c = declared();
    BOOST_TEST(c.load(f.path(), {}).empty());
    BOOST_TEST(c.get("volume", "driver") == "cinderish");
    BOOST_TEST(c.get("volume", "mount") == "/block");
    BOOST_TEST(c.line_of("volume", "driver") == 2);
    BOOST_TEST(c.validate().empty());

    Config o = declared();
    BOOST_TEST(o.load("", {"block_storage.driver=fake"}).empty());
    BOOST_TEST(o.get("volume", "driver") == "fake");
}

BOOST_AUTO_TEST_CASE(overrides_win_over_the_file)
{
    TempFile f("[compute]\n"
               "driver = local\n"
               "mount = /compute\n");
    Config c = declared();
    BOOST_TEST(c.load(f.path(), {"compute.driver=softlayer", "general.state_dir=/srv/a=b"}).empty());
    BOOST_TEST(c.get("compute", "driver") == "softlayer");
    BOOST_TEST(c.line_of("compute", "driver") == 0);
    BOOST_TEST(c.get("compute", "mount") == "/compute");
    BOOST_TEST(c.line_of("compute", "mount") == 3);
    BOOST_TEST(c.get("general", "state_dir") == "/srv/a=b");
    BOOST_TEST(c.validate().empty());
}

BOOST_AUTO_TEST_CASE(load_starts_afresh)
{
    Config c = declared();
    BOOST_TEST(c.load("", {"compute.driver=one"}).empty());
    BOOST_TEST(c.load("", {}).empty());
    BOOST_TEST(c.get("compute", "driver") == "local");
    BOOST_TEST(!c.is_set("compute", "driver"));
}

BOOST_AUTO_TEST_CASE(unknown_option_and_section_with_their_lines)
{
    TempFile f("[general]\n"
               "log_level = info\n"
               "[compute]\n"
               "driver = local\n"
               "colour = blue\n"
               "\n"
               "[nosuch]\n"
               "key = 1\n");
    Config c = declared();
    BOOST_TEST(c.load(f.path(), {}).empty());
    auto errors = c.validate();
    BOOST_TEST_REQUIRE(errors.size() == 2u);
    const ConfigError* option = nullptr;
    const ConfigError* section = nullptr;
    for (const auto& e : errors)
        (contains(e.message, "colour") ? option : section) = &e;
    BOOST_REQUIRE(option);
    BOOST_REQUIRE(section);
    BOOST_TEST(option->file == f.path());
    BOOST_TEST(option->line == 5);
    BOOST_TEST(option->message == "unknown option 'colour' in [compute]");
    BOOST_TEST(option->str() == f.path() + ":5: unknown option 'colour' in [compute]");
    BOOST_TEST(section->file == f.path());
    BOOST_TEST(section->line == 8);
    BOOST_TEST(section->message == "unknown section [nosuch]");
}

BOOST_AUTO_TEST_CASE(option_outside_any_section)
{
    TempFile f("stray = 1\n"
               "[general]\n"
               "log_level = info\n");
    Config c = declared();
    BOOST_TEST(c.load(f.path(), {}).empty());
    auto errors = c.validate();
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].line == 1);
    BOOST_TEST(errors[0].message == "option 'stray' is outside any [section]");
}

BOOST_AUTO_TEST_CASE(unknown_option_under_block_storage)
{
    TempFile f("[block_storage]\n"
               "driver = local\n"
               "size = 3\n");
    Config c = declared();
    BOOST_TEST(c.load(f.path(), {}).empty());
    auto errors = c.validate();
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].line == 3);
    BOOST_TEST(contains(errors[0].message, "'size'"));
}

BOOST_AUTO_TEST_CASE(unknown_override_is_from_the_command_line)
{
    Config c = declared();
    BOOST_TEST(c.load("", {"compute.colour=blue"}).empty());
    auto errors = c.validate();
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].line == 0);
    BOOST_TEST(errors[0].file == "command line");
    BOOST_TEST(errors[0].str() == "command line: unknown option 'colour' in [compute]");
}

BOOST_AUTO_TEST_CASE(override_without_value_is_reported)
{
    Config c = declared();
    auto errors = c.load("", {"compute.driver"});
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(contains(errors[0].message, "compute.driver"));
    BOOST_TEST(contains(errors[0].message, "needs a value"));
    BOOST_TEST(errors[0].str() == errors[0].message);
    BOOST_TEST(c.get("compute", "driver") == "local");
}

BOOST_AUTO_TEST_CASE(syntax_error_has_its_line)
{
    TempFile f("[general]\n"
               "log_level = info\n"
               "this line has no equals sign\n");
    Config c = declared();
    auto errors = c.load(f.path(), {});
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].file == f.path());
    BOOST_TEST(errors[0].line == 3);
    BOOST_TEST(errors[0].message == "'this line has no equals sign' is neither a [section] nor key = value");
}

BOOST_AUTO_TEST_CASE(every_bad_line_is_reported_and_the_others_read)
{
    // The worker reports a bad file to its log_file: the lines around the bad ones are read still.
    TempFile f("[general]\n"
               "oops\n"
               "log_level = debug\n"
               "[compute]\n"
               "  also wrong  \n"
               "driver = softlayer\n");
    Config c = declared();
    auto errors = c.load(f.path(), {});
    BOOST_TEST_REQUIRE(errors.size() == 2u);
    BOOST_TEST(errors[0].str() == f.path() + ":2: 'oops' is neither a [section] nor key = value");
    BOOST_TEST(errors[1].str() == f.path() + ":5: 'also wrong' is neither a [section] nor key = value");
    BOOST_TEST(c.get("general", "log_level") == "debug");
    BOOST_TEST(c.line_of("general", "log_level") == 3);
    BOOST_TEST(c.get("compute", "driver") == "softlayer");
    BOOST_TEST(c.line_of("compute", "driver") == 6);
}

BOOST_AUTO_TEST_CASE(unreadable_file_is_reported)
{
    Config c = declared();
    auto errors = c.load("/nonexistent/jumpgate.conf", {});
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].file == "/nonexistent/jumpgate.conf");
    BOOST_TEST(contains(errors[0].message, "cannot read"));
}

BOOST_AUTO_TEST_CASE(get_of_undeclared_key_throws)
{
    Config c = declared();
    BOOST_TEST(c.load("", {"compute.colour=blue"}).empty());
    BOOST_CHECK_THROW(c.get("compute", "colour"), std::out_of_range);
    BOOST_CHECK_THROW(c.get("general", "nosuch"), std::out_of_range);
    BOOST_CHECK_THROW(c.get("nosuch", "driver"), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(describe_lists_options_and_defaults)
{
    Config c = declared();
    std::string text = c.describe();
    BOOST_TEST(contains(text, "--general.log_level=VALUE (default: info)"));
    BOOST_TEST(contains(text, "--compute.driver=VALUE (default: local)"));
}

BOOST_AUTO_TEST_CASE(error_str_format)
{
    BOOST_TEST((ConfigError{"/etc/jumpgate/jumpgate.conf", 12, "bad value"}).str() ==
               "/etc/jumpgate/jumpgate.conf:12: bad value");
    BOOST_TEST((ConfigError{"/etc/jumpgate/jumpgate.conf", 0, "bad value"}).str() ==
               "/etc/jumpgate/jumpgate.conf: bad value");
    BOOST_TEST((ConfigError{"", 0, "bad value"}).str() == "bad value");
}

BOOST_AUTO_TEST_SUITE(sizes)

BOOST_AUTO_TEST_CASE(plain_and_suffixed)
{
    BOOST_TEST(Config::parse_size("1024") == 1024u);
    BOOST_TEST(Config::parse_size("0") == 0u);
    BOOST_TEST(Config::parse_size("64K") == 64u * 1024);
    BOOST_TEST(Config::parse_size("64k") == 64u * 1024);
    BOOST_TEST(Config::parse_size("512M") == 512u * 1024 * 1024);
    BOOST_TEST(Config::parse_size("2G") == 2ull * 1024 * 1024 * 1024);
    BOOST_TEST(Config::parse_size("1T") == 1ull << 40);
    BOOST_TEST(Config::parse_size(" 10G ") == 10ull << 30);
}

BOOST_AUTO_TEST_CASE(rejects_what_is_not_a_size)
{
    for (const char* text : {"", " ", "12Q", "-1", "1.5G", "G", "K", "1 K", "0x10", "ten", "1KB"}) {
        BOOST_TEST_CONTEXT("size \"" << text << "\"")
        BOOST_CHECK_THROW(Config::parse_size(text), std::invalid_argument);
    }
}

BOOST_AUTO_TEST_CASE(rejects_sizes_that_overflow)
{
    auto rejects = [](const char* text) {
        try {
            Config::parse_size(text);
        } catch (const std::invalid_argument&) {
            return true;
        } catch (const std::exception&) {
        }
        return false;
    };
    BOOST_TEST(rejects("16777216T"));
    BOOST_TEST(rejects("999999999999999999999"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(app)

BOOST_AUTO_TEST_CASE(no_drivers_mounts_nothing)
{
    TempDir modules;
    TempFile f("[general]\nmodule_dir = " + modules.path() + "\n" + services_off());
    App a;
    BOOST_TEST(a.config().load(f.path(), {}).empty());
    auto errors = a.start();
    for (const auto& e : errors)
        BOOST_TEST_MESSAGE(e.str());
    BOOST_TEST(errors.empty());
    BOOST_TEST(a.dispatchers().empty());
    for (auto name : kServices)
        BOOST_CHECK(a.dispatcher(name) == nullptr);
    BOOST_TEST(a.max_json() == 1u << 20);
    BOOST_TEST(a.max_body() == 10ull << 30);
}

BOOST_AUTO_TEST_CASE(unknown_driver_names_the_line_and_the_drivers_found)
{
    TempDir modules;
    std::string text = "[general]\n"
                       "module_dir = " +
                       modules.path() +
                       "\n"
                       "require_authentication = false\n" +
                       services_off("compute") +
                       "[compute]\n"
                       "driver = nosuch\n";
    auto at = text.begin() + static_cast<long>(text.find("driver = nosuch"));
    int line = static_cast<int>(std::count(text.begin(), at, '\n')) + 1;
    TempFile f(text);
    App a;
    BOOST_TEST(a.config().load(f.path(), {}).empty());
    auto errors = a.start();
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    const ConfigError& e = errors[0];
    BOOST_TEST(e.file == f.path());
    BOOST_TEST(e.line == line);
    BOOST_TEST(contains(e.message, "[compute] driver nosuch"));
    BOOST_TEST(contains(e.message, modules.path()));
    BOOST_TEST(contains(e.message, "drivers found: none"));
    BOOST_TEST(e.str() == f.path() + ":" + std::to_string(line) + ": " + e.message);
}

BOOST_AUTO_TEST_CASE(drivers_found_lists_module_names)
{
    TempDir modules;
    modules.touch("jumpgate_beta.so");
    modules.touch("jumpgate_alpha.so");
    modules.touch("README");
    modules.touch("jumpgate_.so");
    modules.touch("libother.so");
    App a;
    BOOST_TEST(a.config().load("", {"general.module_dir=" + modules.path()}).empty());
    BOOST_TEST(a.drivers_found() == (std::vector<std::string>{"alpha", "beta"}));

    TempFile f("[general]\nrequire_authentication = false\n" + services_off("compute") +
               "[compute]\ndriver = nosuch\n");
    App b;
    BOOST_TEST(b.config().load(f.path(), {"general.module_dir=" + modules.path()}).empty());
    auto errors = b.start();
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(contains(errors[0].message, "drivers found: alpha, beta"));
}

BOOST_AUTO_TEST_CASE(bad_general_values_are_reported_with_lines)
{
    TempFile f("[general]\n"
               "log_level = chatty\n"
               "max_json_size = lots\n" +
               services_off());
    App a;
    BOOST_TEST(a.config().load(f.path(), {}).empty());
    auto errors = a.start();
    BOOST_TEST_REQUIRE(errors.size() == 2u);
    BOOST_TEST(errors[0].str() ==
               f.path() + ":2: [general] log_level = chatty is not a log level (debug, info, warning or error)");
    BOOST_TEST(errors[1].str() == f.path() +
                                      ":3: [general] max_json_size = lots is not a size (a number of bytes, with K, "
                                      "M, G or T)");
}

BOOST_AUTO_TEST_CASE(a_boolean_is_checked_whether_or_not_it_is_needed)
{
    // No service mounted, so require_authentication decides nothing: a typo in it is still one.
    TempFile f("[general]\n"
               "require_authentication = off\n" +
               services_off());
    App a;
    BOOST_TEST(a.config().load(f.path(), {}).empty());
    auto errors = a.start();
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].str() == f.path() + ":2: [general] require_authentication = off is not true or false");
}

BOOST_AUTO_TEST_CASE(stray_option_fails_start)
{
    TempFile f(services_off() + "[compute]\ncolour = blue\n");
    App a;
    BOOST_TEST(a.config().load(f.path(), {}).empty());
    auto errors = a.start();
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].message == "unknown option 'colour' in [compute]");
}

BOOST_AUTO_TEST_CASE(handle_without_services_serves_the_index_only)
{
    TempFile f(services_off());
    App a;
    BOOST_TEST(a.config().load(f.path(), {}).empty());
    BOOST_TEST(a.start().empty());

    Request root({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/"}}, {}, nullptr, 1024, 1024);
    Response resp;
    a.handle(root, resp);
    BOOST_TEST(resp.status == 200);
    BOOST_TEST(resp.encoded() == R"({"services":[]})");

    Request other({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/compute/v2.1/servers"}}, {}, nullptr, 1024, 1024);
    Response missing;
    a.handle(other, missing);
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(missing.json_body().contains("itemNotFound"));
}

BOOST_AUTO_TEST_CASE(spec_knows_every_service)
{
    for (auto name : kServices) {
        BOOST_TEST_CONTEXT(name)
        {
            const ServiceSpec* s = App::spec(name);
            BOOST_REQUIRE(s);
            BOOST_TEST(std::string(s->name) == std::string(name));
        }
    }
    BOOST_CHECK(App::spec("nosuch") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
