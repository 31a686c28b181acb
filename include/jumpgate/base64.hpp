// SPDX-License-Identifier: Apache-2.0
// Base 64 with padding (RFC 4648 section 4): how OpenStack carries user data and SSH key blobs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jumpgate {

/* base64: `bytes` in base 64, padded. */
std::string base64(std::string_view bytes);

/* unbase64: the bytes that padded base 64 `text` encodes; nullopt when it is not that. */
std::optional<std::string> unbase64(std::string_view text);

} // namespace jumpgate
