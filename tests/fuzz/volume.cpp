// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Block Storage's requests (volumes, snapshots, actions, types, quotas), through the real dispatcher
// and the local driver.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static auto& stack = jumpgate::fuzz::Stack::get({"volume", "server"});
    stack.serve_text({reinterpret_cast<const char*>(data), size}, "/volume");
    return 0;
}
