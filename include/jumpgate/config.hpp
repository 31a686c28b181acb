// SPDX-License-Identifier: Apache-2.0
// Config: jumpgate.conf and its command-line overrides, read with Boost.Program_options.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace jumpgate {

/* ConfigError: one problem in the configuration, located at a file and line when it has one. */
struct ConfigError {
    std::string file;
    int line = 0;
    std::string message;
    std::string str() const;
};

/* InvalidOption: a value an option cannot take; what() is error().str(), which names where it was set. */
class InvalidOption : public std::invalid_argument {
  public:
    explicit InvalidOption(ConfigError error) : std::invalid_argument(error.str()), error_(std::move(error)) {}
    const ConfigError& error() const { return error_; }

  private:
    ConfigError error_;
};

class Config {
  public:
    Config();
    ~Config();

    /*
     * declare: make `section.key` a known option with a default and a help text.
     * The core declares its own; a driver declares its options in setup_routes().
     */
    void declare(std::string_view section, std::string_view key, std::string default_value, std::string help);

    /*
     * load: read `file` (may be empty: defaults only) and then `overrides`, each
     * "section.key=value". Unknown options are kept until validate().
     * Returns the errors found (syntax), empty when it read cleanly.
     */
    std::vector<ConfigError> load(const std::string& file, const std::vector<std::string>& overrides);

    /* validate: every option set must have been declared; returns one error per stray option. */
    std::vector<ConfigError> validate() const;

    /* get: the value of `section.key` (its default when unset); throws std::out_of_range if undeclared. */
    const std::string& get(std::string_view section, std::string_view key) const;
    bool is_set(std::string_view section, std::string_view key) const;
    /*
     * integer: `section.key` as a whole number from `least` to `most`; throws
     * InvalidOption naming where it was set (file and line, or the command
     * line), the option, its value and the range, for any other value.
     */
    long long integer(std::string_view section, std::string_view key, long long least, long long most) const;
    /* boolean: `section.key`, which must be true or false; throws InvalidOption for any other value. */
    bool boolean(std::string_view section, std::string_view key) const;
    /* size: `section.key` as parse_size() reads it, in bytes; throws InvalidOption for what is not a size. */
    std::size_t size(std::string_view section, std::string_view key) const;
    /*
     * invalid: the InvalidOption to throw for the value of `section.key`, which `why` says is
     * wrong: "FILE:LINE: [section] key = value WHY" ("command line: ..." for an override).
     */
    InvalidOption invalid(std::string_view section, std::string_view key, std::string_view why) const;
    /* line_of: where `section.key` was set in the file, or 0. */
    int line_of(std::string_view section, std::string_view key) const;
    const std::string& file() const { return file_; }

    /* describe: the declared options, as --help shows them. */
    std::string describe() const;

    /* parse_size: "1048576", "64K", "512M", "2G" in bytes; throws std::invalid_argument. */
    static std::size_t parse_size(std::string_view text);

  private:
    struct Option {
        std::string default_value;
        std::string help;
    };
    struct Value {
        std::string value;
        int line = 0; // 0 for the command line
    };
    std::map<std::string, Option, std::less<>> declared_;
    std::map<std::string, Value, std::less<>> values_;
    std::string file_;
};

} // namespace jumpgate
