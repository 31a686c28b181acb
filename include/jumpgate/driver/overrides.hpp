// SPDX-License-Identifier: Apache-2.0
// What every typed interface's install() uses to serve only what a driver overrides.
#pragma once

#include <type_traits>

namespace jumpgate::detail {

/*
 * overrides: whether &D::op names D's own declaration rather than the base's:
 * a member a class only inherits has the base class's pointer-to-member type.
 */
template <class Member, class Base> constexpr bool overrides(Member, Base)
{
    return !std::is_same_v<Member, Base>;
}

} // namespace jumpgate::detail
