// SPDX-License-Identifier: Apache-2.0
// Block Storage's install: every binding table of the service, served as far as the driver's operations go.
#include <jumpgate/driver/volume.hpp>

#include "api/volume/cinder.hpp"

namespace jumpgate::volume::detail {

void install(App& app, Dispatcher& disp, std::shared_ptr<const Driver> driver, const Operations& ops)
{
    app.set_volume({driver, ops});
    for (auto table :
         {volume_bindings(), volume_action_bindings(), snapshot_bindings(), backup_bindings(), attachment_bindings(),
          type_bindings(), type_encryption_bindings(), qos_bindings(), transfer_bindings(), quota_bindings(),
          service_bindings(), message_bindings(), group_type_bindings(), group_bindings()})
        bind_table(disp, table, driver, ops);
}

} // namespace jumpgate::volume::detail
