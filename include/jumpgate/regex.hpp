// SPDX-License-Identifier: Apache-2.0
// Regular expressions that come from a request, cheap whatever a client writes.
#pragma once

#include <regex.h>

#include <string>
#include <string_view>

namespace jumpgate {

/*
 * Regex: a POSIX extended regular expression taken from a request (Nova's name and ip filters
 * of a server list), compiled by libc. libc matches without backtracking, so no pattern takes
 * exponential time on a name of its owner's choosing, as std::regex and Python's re do with
 * "(a|a)*b". What libc does not bound is refused as invalid: back-references (the one construct
 * libc matches by backtracking) and repetition counts that expand the pattern past
 * kMaxExpansion (libc copies a{1000} a thousand times; nested, that is the worker's memory).
 * The constructor throws std::invalid_argument with the reason.
 */
class Regex {
  public:
    static constexpr std::size_t kMaxExpansion = 100000;

    explicit Regex(const std::string& pattern);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    /* search: whether the pattern matches anywhere in `text`. */
    bool search(const char* text) const;

    /* invalid: why `pattern` is refused, or empty when it compiles. */
    static std::string invalid(const std::string& pattern);

  private:
    regex_t compiled_;
};

} // namespace jumpgate
