// SPDX-License-Identifier: Apache-2.0
// API microversions ("2.47", "3.70") as negotiated by the dispatcher.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jumpgate {

/* ApiVersion: a microversion, major.minor; 0.0 means "not versioned". */
struct ApiVersion {
    int major = 0;
    int minor = 0;

    /* parse: "2.47" -> {2, 47}; nullopt when the text is not MAJOR.MINOR. */
    static std::optional<ApiVersion> parse(std::string_view text);

    bool is_null() const noexcept { return major == 0 && minor == 0; }
    std::string str() const;

    /* at_least: true when this version is >= major.minor (what handlers branch on). */
    bool at_least(int maj, int min) const noexcept { return major > maj || (major == maj && minor >= min); }

    friend bool operator==(ApiVersion a, ApiVersion b) { return a.major == b.major && a.minor == b.minor; }
    friend bool operator<(ApiVersion a, ApiVersion b)
    {
        return a.major < b.major || (a.major == b.major && a.minor < b.minor);
    }
    friend bool operator<=(ApiVersion a, ApiVersion b) { return !(b < a); }
};

} // namespace jumpgate
