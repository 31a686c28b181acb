// SPDX-License-Identifier: Apache-2.0
// What a call's fault says, for tests that check the message a client would read.
#pragma once

#include <string>

#include <jumpgate/fault.hpp>

/* fault_message: the message of the `Kind` fault `call` throws, or "" when it throws none (another fault escapes). */
template <class Kind = jumpgate::Fault, class F> std::string fault_message(F call)
{
    try {
        call();
    } catch (const Kind& e) {
        return e.what();
    }
    return "";
}
