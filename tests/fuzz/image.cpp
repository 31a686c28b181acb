// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Image's requests (v2 JSON and patches, v1 headers, uploads), through the real dispatcher and the
// local driver.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static auto& stack = jumpgate::fuzz::Stack::get({"image"});
    stack.serve_text({reinterpret_cast<const char*>(data), size}, "/image");
    return 0;
}
