// SPDX-License-Identifier: Apache-2.0
// The names of every typed interface's operations, for --coverage to say what a row lacks.
#include <jumpgate/driver/operations.hpp>

#include <jumpgate/driver/compute.hpp>
#include <jumpgate/driver/identity.hpp>
#include <jumpgate/driver/image.hpp>
#include <jumpgate/driver/network.hpp>
#include <jumpgate/driver/volume.hpp>

namespace jumpgate {

namespace {

template <class Op, std::size_t N> const char* name_in(unsigned op, const char* const (&names)[N])
{
    auto base = static_cast<unsigned>(Op::base);
    return op > base && op - base - 1 < N ? names[op - base - 1] : nullptr;
}

} // namespace

const char* operation_name(unsigned op)
{
    for (const char* name :
         {name_in<compute::Op>(op, compute::kOperationNames), name_in<identity::Op>(op, identity::kOperationNames),
          name_in<image::Op>(op, image::kOperationNames), name_in<volume::Op>(op, volume::kOperationNames),
          name_in<network::Op>(op, network::kOperationNames), name_in<network::Kind>(op, network::kKindNames)})
        if (name)
            return name;
    return "";
}

std::vector<std::string> Operations::names() const
{
    std::vector<std::string> out;
    for (unsigned op = 0; op < kMax; ++op)
        if (has(op))
            out.emplace_back(operation_name(op));
    return out;
}

} // namespace jumpgate
