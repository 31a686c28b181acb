// SPDX-License-Identifier: Apache-2.0
// Regular expressions from requests: libc's matcher, with what it does not bound refused first.
#include <jumpgate/regex.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace jumpgate {

namespace {

// What the pattern would become were every bounded repetition copied out, as libc does: its
// length times every count in it (an over-estimate for counts side by side, exact for nested).
std::size_t expansion(std::string_view pattern)
{
    const std::size_t over = Regex::kMaxExpansion + 1; // any count past the limit is refused alike
    auto is_digit = [&](std::size_t i) {
        return i < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[i]));
    };
    std::size_t total = std::max<std::size_t>(pattern.size(), 1);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '{')
            continue;
        std::size_t count = 1;
        for (std::size_t j = i + 1; is_digit(j) || (j < pattern.size() && pattern[j] == ','); ++j) {
            std::size_t number = 0;
            for (; is_digit(j); ++j)
                number = std::min(number * 10 + static_cast<std::size_t>(pattern[j] - '0'), over);
            count = std::max(count, number);
            if (j >= pattern.size() || pattern[j] != ',')
                break;
        }
        total = std::min(total * count, over);
    }
    return total;
}

bool has_back_reference(std::string_view pattern)
{
    for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
        if (pattern[i] != '\\')
            continue;
        if (std::isdigit(static_cast<unsigned char>(pattern[i + 1])))
            return true;
        ++i; // an escaped backslash does not start the next escape
    }
    return false;
}

std::string refusal(const std::string& pattern)
{
    if (pattern.find('\0') != std::string::npos)
        return "a regular expression may not hold a NUL byte";
    if (has_back_reference(pattern))
        return "back-references are not supported";
    if (expansion(pattern) > Regex::kMaxExpansion)
        return "its repetition counts are too large";
    return {};
}

} // namespace

Regex::Regex(const std::string& pattern)
{
    if (auto why = refusal(pattern); !why.empty())
        throw std::invalid_argument(why);
    if (int rc = regcomp(&compiled_, pattern.c_str(), REG_EXTENDED | REG_NOSUB); rc != 0) {
        char why[256];
        regerror(rc, &compiled_, why, sizeof why);
        throw std::invalid_argument(why);
    }
}

Regex::~Regex()
{
    regfree(&compiled_);
}

bool Regex::search(const char* text) const
{
    return regexec(&compiled_, text, 0, nullptr, 0) == 0;
}

std::string Regex::invalid(const std::string& pattern)
{
    try {
        Regex check(pattern);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

} // namespace jumpgate
