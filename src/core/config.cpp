// SPDX-License-Identifier: Apache-2.0
// Config: INI parsing by Boost.Program_options, plus file and line for every error.
#include <jumpgate/config.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/program_options.hpp>

namespace po = boost::program_options;

namespace jumpgate {

namespace {

std::string trim(std::string_view s)
{
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos)
        return {};
    auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

// The seeds' jumpgate.conf calls the volume service [block_storage].
std::string canonical_key(std::string key)
{
    if (key.rfind("block_storage.", 0) == 0)
        key.replace(0, 13, "volume");
    return key;
}

/*
 * Scan: where each "section.key" is set in a file, for messages, the lines that are neither a
 * [section] nor key = value, and the file with those lines blanked; the parsing itself is po's.
 */
struct Scan {
    std::map<std::string, int> where;
    std::vector<std::pair<int, std::string>> bad_lines;
    std::string clean;
};

Scan scan(std::istream& in)
{
    Scan s;
    std::string line, section;
    for (int n = 1; std::getline(in, line); ++n) {
        std::string t = trim(line);
        bool comment = t.empty() || t[0] == '#' || t[0] == ';';
        bool heading = !comment && t.front() == '[' && t.back() == ']';
        auto eq = t.find('=');
        bool bad = !comment && !heading && eq == std::string::npos;
        // Blanked, not dropped: po's view of the file keeps its line numbers.
        s.clean += (bad ? std::string() : line) + "\n";
        if (bad)
            s.bad_lines.emplace_back(n, t);
        if (heading)
            section = trim(std::string_view(t).substr(1, t.size() - 2));
        if (comment || heading || bad)
            continue;
        std::string key = trim(std::string_view(t).substr(0, eq));
        s.where[canonical_key(section.empty() ? key : section + "." + key)] = n;
    }
    return s;
}

} // namespace

std::string ConfigError::str() const
{
    if (file.empty())
        return message;
    return file + ":" + (line ? std::to_string(line) + ":" : std::string()) + " " + message;
}

Config::Config() = default;
Config::~Config() = default;

void Config::declare(std::string_view section, std::string_view key, std::string default_value, std::string help)
{
    declared_[std::string(section) + "." + std::string(key)] = {std::move(default_value), std::move(help)};
}

std::vector<ConfigError> Config::load(const std::string& file, const std::vector<std::string>& overrides)
{
    std::vector<ConfigError> errors;
    file_ = file;
    values_.clear();
    if (!file.empty()) {
        std::ifstream in(file);
        if (!in) {
            errors.push_back({file, 0, "cannot read the configuration file"});
            return errors;
        }
        // The lines after a bad one are read still: log_file among them, where the error is reported too.
        Scan found = scan(in);
        for (const auto& [n, text] : found.bad_lines)
            errors.push_back({file, n, "'" + text + "' is neither a [section] nor key = value"});
        try {
            std::istringstream clean(found.clean);
            po::options_description none;
            auto parsed = po::parse_config_file(clean, none, true);
            for (const auto& opt : parsed.options) {
                std::string key = canonical_key(opt.string_key);
                values_[key] = {opt.value.empty() ? std::string() : opt.value.front(),
                                found.where.count(key) ? found.where[key] : 0};
            }
        } catch (const po::error& e) {
            errors.push_back({file, 0, e.what()});
        }
    }
    for (const auto& o : overrides) {
        auto eq = o.find('=');
        if (eq == std::string::npos) {
            errors.push_back({"", 0, "option --" + o + " needs a value (--SECTION.KEY=VALUE)"});
            continue;
        }
        values_[canonical_key(o.substr(0, eq))] = {o.substr(eq + 1), 0};
    }
    return errors;
}

std::vector<ConfigError> Config::validate() const
{
    std::vector<ConfigError> errors;
    for (const auto& [key, value] : values_) {
        if (declared_.count(key))
            continue;
        auto dot = key.find('.');
        std::string where = value.line ? file_ : std::string("command line");
        std::string message;
        if (dot == std::string::npos) {
            message = "option '" + key + "' is outside any [section]";
        } else {
            std::string section = key.substr(0, dot);
            bool known_section = false;
            for (const auto& [k, o] : declared_)
                if (k.compare(0, dot + 1, section + ".") == 0)
                    known_section = true;
            message = known_section ? "unknown option '" + key.substr(dot + 1) + "' in [" + section + "]"
                                    : "unknown section [" + section + "]";
        }
        errors.push_back({where, value.line, message});
    }
    return errors;
}

const std::string& Config::get(std::string_view section, std::string_view key) const
{
    std::string name = std::string(section) + "." + std::string(key);
    auto d = declared_.find(name);
    if (d == declared_.end())
        throw std::out_of_range("undeclared option " + name);
    auto v = values_.find(name);
    return v != values_.end() ? v->second.value : d->second.default_value;
}

long long Config::integer(std::string_view section, std::string_view key, long long least, long long most) const
{
    const std::string& text = get(section, key);
    try {
        std::size_t end = 0;
        long long n = std::stoll(text, &end);
        if (end == text.size() && n >= least && n <= most)
            return n;
    } catch (const std::exception&) {
    }
    throw invalid(section, key, "is not a whole number from " + std::to_string(least) + " to " + std::to_string(most));
}

bool Config::boolean(std::string_view section, std::string_view key) const
{
    const std::string& text = get(section, key);
    if (text != "true" && text != "false")
        throw invalid(section, key, "is not true or false");
    return text == "true";
}

std::size_t Config::size(std::string_view section, std::string_view key) const
{
    const std::string& text = get(section, key);
    try {
        return parse_size(text);
    } catch (const std::invalid_argument& e) {
        // parse_size says "'TEXT' WHY".
        std::string_view why = e.what();
        throw invalid(section, key, why.substr(std::min(why.size(), text.size() + 3)));
    }
}

InvalidOption Config::invalid(std::string_view section, std::string_view key, std::string_view why) const
{
    int line = line_of(section, key);
    std::string where = line ? file_ : is_set(section, key) ? "command line" : "the default";
    return InvalidOption(
        {where, line,
         "[" + std::string(section) + "] " + std::string(key) + " = " + get(section, key) + " " + std::string(why)});
}

bool Config::is_set(std::string_view section, std::string_view key) const
{
    return values_.count(std::string(section) + "." + std::string(key)) != 0;
}

int Config::line_of(std::string_view section, std::string_view key) const
{
    auto v = values_.find(std::string(section) + "." + std::string(key));
    return v != values_.end() ? v->second.line : 0;
}

std::string Config::describe() const
{
    std::ostringstream out;
    for (const auto& [key, o] : declared_) {
        out << "  --" << key << "=VALUE";
        if (!o.default_value.empty())
            out << " (default: " << o.default_value << ")";
        out << "\n      " << o.help << "\n";
    }
    return out.str();
}

std::size_t Config::parse_size(std::string_view text)
{
    std::string t = trim(text);
    auto not_a_size = [&] {
        return std::invalid_argument("'" + std::string(text) +
                                     "' is not a size (a number of bytes, with K, M, G or T)");
    };
    if (t.empty())
        throw not_a_size();
    std::size_t multiplier = 1;
    switch (t.back()) {
    case 'K':
    case 'k':
        multiplier = 1ULL << 10;
        break;
    case 'M':
    case 'm':
        multiplier = 1ULL << 20;
        break;
    case 'G':
    case 'g':
        multiplier = 1ULL << 30;
        break;
    case 'T':
    case 't':
        multiplier = 1ULL << 40;
        break;
    default:
        break;
    }
    if (multiplier != 1)
        t.pop_back();
    if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos)
        throw not_a_size();
    constexpr std::size_t kMax = static_cast<std::size_t>(-1);
    if (t.size() > 19 || std::stoull(t) > kMax / multiplier)
        throw std::invalid_argument("'" + std::string(text) + "' is too large");
    return static_cast<std::size_t>(std::stoull(t)) * multiplier;
}

} // namespace jumpgate
