// SPDX-License-Identifier: Apache-2.0
// Faults: the exceptions a handler or driver throws to answer with an HTTP error.
#pragma once

#include <stdexcept>
#include <string>

namespace jumpgate {

/*
 * Fault: an error that becomes an HTTP response. Each service writes it in its
 * own envelope (see Dispatcher); `kind` overrides the envelope's name for the
 * error where the service has a more precise one (Neutron's "NetworkNotFound").
 */
class Fault : public std::runtime_error {
  public:
    Fault(int status, std::string message, std::string kind = {})
        : std::runtime_error(std::move(message)), status_(status), kind_(std::move(kind))
    {
    }

    int status() const noexcept { return status_; }
    const std::string& kind() const noexcept { return kind_; }

  private:
    int status_;
    std::string kind_;
};

#define JUMPGATE_FAULT(Name, code)                                                                                     \
    struct Name : Fault {                                                                                              \
        explicit Name(std::string message, std::string kind = {})                                                      \
            : Fault(code, std::move(message), std::move(kind)) {}                                                      \
    }

JUMPGATE_FAULT(BadRequest, 400);
JUMPGATE_FAULT(Unauthorized, 401);
JUMPGATE_FAULT(Forbidden, 403);
JUMPGATE_FAULT(NotFound, 404);
JUMPGATE_FAULT(MethodNotAllowed, 405);
JUMPGATE_FAULT(NotAcceptable, 406);
JUMPGATE_FAULT(Conflict, 409);
JUMPGATE_FAULT(Gone, 410);
JUMPGATE_FAULT(PayloadTooLarge, 413);
JUMPGATE_FAULT(UnsupportedMediaType, 415);
JUMPGATE_FAULT(NotImplemented, 501);
JUMPGATE_FAULT(ServiceUnavailable, 503);

#undef JUMPGATE_FAULT

/* Reason phrase of an HTTP status ("Not Found"), or "Unknown". */
const char* status_reason(int status) noexcept;

} // namespace jumpgate
