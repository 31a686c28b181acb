// SPDX-License-Identifier: Apache-2.0
// The local cloud's metering labels and their rules (Neutron's metering extension): what an admin asks to count.
#include "network_store.hpp"

#include <jumpgate/fault.hpp>

namespace jumpgate::local::net {

json metering_label_create(Store& st, json label)
{
    st.insert("metering-labels", label);
    return label;
}

void metering_label_delete(Store& st, const json& label)
{
    for (const auto& r : st.rows("metering-label-rules", "parent_id", label["id"]))
        st.erase("metering-label-rules", r["id"]);
    st.erase("metering-labels", label["id"]);
}

json metering_rule_create(Store& st, json rule)
{
    // The label is looked up as the caller sees it: 404 in the label's words for one that is not there.
    json label = st.seen("metering-labels", rule["metering_label_id"]);
    // As Neutron, a rule's remote prefix may not overlap that of another rule of the label counting the same
    // direction the same way (excluded or not); the source and destination prefixes are not compared.
    if (!rule["remote_ip_prefix"].is_null()) {
        network::Cidr wanted = cidr(rule["remote_ip_prefix"]);
        for (const auto& other : st.rows("metering-label-rules", "parent_id", label["id"]))
            if (other["direction"] == rule["direction"] && other["excluded"] == rule["excluded"] &&
                !other["remote_ip_prefix"].is_null() && network::overlaps(cidr(other["remote_ip_prefix"]), wanted))
                throw Conflict("Metering label rule with remote_ip_prefix " +
                                   rule["remote_ip_prefix"].get<std::string>() + " overlaps another.",
                               "MeteringLabelRuleOverlaps");
    }
    st.insert("metering-label-rules", rule);
    return rule;
}

} // namespace jumpgate::local::net
