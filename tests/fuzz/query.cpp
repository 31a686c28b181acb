// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: every service's requests by absolute path, for the query strings and headers of lists and shows.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static auto& stack = jumpgate::fuzz::Stack::get({"project", "server"});
    stack.serve_text({reinterpret_cast<const char*>(data), size}, "");
    return 0;
}
