// SPDX-License-Identifier: Apache-2.0
// Implied roles: what a held role brings with it through the inference rules, as Keystone expands them.
#include <jumpgate/driver/identity.hpp>

#include <algorithm>
#include <deque>

#include "api/identity/identity.hpp"

namespace jumpgate::api::identity {

std::vector<Implied> implied_by(const std::string& role_id, std::span<const jumpgate::identity::RoleInference> rules)
{
    std::vector<Implied> out;
    std::deque<std::string> next{role_id};
    auto reached = [&](const std::string& id) {
        return id == role_id || std::any_of(out.begin(), out.end(), [&](const Implied& i) { return i.role_id == id; });
    };
    while (!next.empty()) {
        std::string prior = std::move(next.front());
        next.pop_front();
        for (const auto& rule : rules)
            if (rule.prior_role_id == prior && !reached(rule.implied_role_id)) {
                out.push_back({rule.implied_role_id, prior});
                next.push_back(rule.implied_role_id);
            }
    }
    return out;
}

std::vector<std::string> with_implied(const std::vector<std::string>& held,
                                      std::span<const jumpgate::identity::RoleInference> rules)
{
    std::vector<std::string> out;
    auto add = [&](const std::string& id) {
        if (std::find(out.begin(), out.end(), id) == out.end())
            out.push_back(id);
    };
    for (const auto& id : held)
        add(id);
    for (const auto& id : held)
        for (const auto& i : implied_by(id, rules))
            add(i.role_id);
    return out;
}

} // namespace jumpgate::api::identity
