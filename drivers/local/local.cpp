// SPDX-License-Identifier: Apache-2.0
// The local driver: the embedded default cloud, state in SQLite under the state directory.
#include <jumpgate/driver.hpp>

// The services' operations arrive with their own issues (identity first); until
// then every endpoint beyond the core's version documents answers 501.
JUMPGATE_DRIVER(app, disp)
{
    (void)app;
    jumpgate::log::debug(std::string("local driver: ") + disp.service());
}
