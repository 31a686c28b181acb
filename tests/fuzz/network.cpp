// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Networking's requests (networks, subnets, ports, security groups, routers), through the real
// dispatcher and the local driver.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static auto& stack = jumpgate::fuzz::Stack::get({"network", "server"});
    stack.serve_text({reinterpret_cast<const char*>(data), size}, "/network");
    return 0;
}
