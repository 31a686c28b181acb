// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Compute's requests (servers, actions, keypairs, quotas, microversions), through the real dispatcher
// and the local driver.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static auto& stack = jumpgate::fuzz::Stack::get({"server"});
    stack.serve_text({reinterpret_cast<const char*>(data), size}, "/compute");
    return 0;
}
