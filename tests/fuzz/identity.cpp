// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Identity's requests (tokens, users, projects, roles, credentials), through the real dispatcher and
// the local driver.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static auto& stack = jumpgate::fuzz::Stack::get({"project"});
    stack.serve_text({reinterpret_cast<const char*>(data), size}, "/identity");
    return 0;
}
