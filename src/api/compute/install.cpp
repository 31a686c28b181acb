// SPDX-License-Identifier: Apache-2.0
// Compute's install: every binding table of the service, and Nova's calls that other services' drivers serve.
#include <jumpgate/driver/compute.hpp>

#include "api/compute/servers.hpp"

namespace jumpgate::compute::detail {

void install(App& app, Dispatcher& disp, std::shared_ptr<const Driver> driver, const Operations& ops)
{
    app.set_compute({driver, ops});
    for (auto table : {server_bindings(), server_action_bindings(), flavor_bindings(), availability_zone_bindings(),
                       keypair_bindings(), usage_bindings(), quota_bindings(), hypervisor_bindings(), host_bindings(),
                       usage_audit_bindings(), aggregate_bindings(), server_group_bindings(), server_extra_bindings()})
        bind_table(disp, table, driver, ops);
    // The image, volume and network services may be loaded after this one, from any module.
    app.when_loaded([&disp](App& loaded) {
        install_image_proxy(disp, loaded);
        install_volume_proxy(disp, loaded);
        install_network_proxy(disp, loaded);
    });
}

} // namespace jumpgate::compute::detail
