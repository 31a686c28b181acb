// SPDX-License-Identifier: Apache-2.0
// How the typed interfaces serve exactly what a driver can do: operation sets and binding tables.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <jumpgate/dispatcher.hpp>
#include <jumpgate/driver/overrides.hpp>

namespace jumpgate {

/*
 * Operations: a set of the typed interfaces' operations. Every interface numbers
 * its operations in a range of its own (its Op enumeration), so one set can hold
 * what a request needs from two services (Nova's volume calls need serverGet and
 * volumeGet).
 */
class Operations {
  public:
    static constexpr unsigned kMax = 512;

    constexpr Operations() = default;
    /* Operations{compute::Op::serverGet, volume::Op::volumeGet}: any interfaces' operations. */
    template <class... Op>
    requires(std::is_enum_v<Op>&&...) constexpr Operations(Op... ops) { (add(static_cast<unsigned>(ops)), ...); }

    constexpr void add(unsigned op) { bits_[op / 64] |= std::uint64_t{1} << (op % 64); }
    constexpr bool has(unsigned op) const { return (bits_[op / 64] >> (op % 64)) & 1; }
    constexpr bool empty() const
    {
        for (auto word : bits_)
            if (word)
                return false;
        return true;
    }
    constexpr Operations operator|(const Operations& other) const
    {
        Operations out;
        for (std::size_t i = 0; i < bits_.size(); ++i)
            out.bits_[i] = bits_[i] | other.bits_[i];
        return out;
    }
    /* lacking: the operations of `needed` that this set does not have. */
    constexpr Operations lacking(const Operations& needed) const
    {
        Operations out;
        for (std::size_t i = 0; i < bits_.size(); ++i)
            out.bits_[i] = needed.bits_[i] & ~bits_[i];
        return out;
    }
    /* names: the set's operations by name ("serverReboot"), in interface order. */
    std::vector<std::string> names() const;

  private:
    std::array<std::uint64_t, kMax / 64> bits_{};
};

/* operation_name: the name of operation number `op` of any interface, or "" for none. */
const char* operation_name(unsigned op);

/*
 * Binding: one verb of one catalogue endpoint, or one action of an action endpoint
 * (the POST whose body is {"reboot": {...}}), that the core serves from a typed



 */
template <class Target> struct Binding {
    const char* endpoint;
    const char* verb;
    Operations needs;
    void (*serve)(const Target& target, const Request& req, Response& resp);
    const char* action = nullptr;
    /* make: instead of `serve`, a handler that keeps state across requests (a worker's remembered answers). */
    Handler (*make)(std::shared_ptr<const Target> target) = nullptr;
};

/*
 * bind_table: serve on `disp` every row of `table` whose needs `has` covers, each
 * calling its function with `*target`, or, given `acting`, with what it makes of
 * `target` for each request (an identity driver acting with the caller's backend
 * credentials; rows with `make` keep `target`); record the others as unserved.
 */
template <class Target>
void bind_table(Dispatcher& disp, std::span<const Binding<Target>> table, std::shared_ptr<const Target> target,
                const Operations& has,
                std::shared_ptr<const Target> (*acting)(const std::shared_ptr<const Target>&, const Request&) = nullptr)
{
    for (const auto& row : table) {
        Operations lacking = has.lacking(row.needs);
        if (!lacking.empty()) {
            disp.set_unserved(row.endpoint, row.verb, row.action ? row.action : "", lacking.names());
            continue;
        }
        Handler handler = row.make ? row.make(target)
                          : acting ? Handler([target, acting, serve = row.serve](const Request& req, Response& resp) {
                                serve(*acting(target, req), req, resp);
                            })
                                   : Handler([target, serve = row.serve](const Request& req, Response& resp) {
                                         serve(*target, req, resp);
                                     });
        if (row.action)
            disp.set_action(row.endpoint, row.action, std::move(handler));
        else
            disp.set_handler(row.endpoint, row.verb, std::move(handler));
    }
}

} // namespace jumpgate

/* The pieces an interface's JUMPGATE_<SERVICE>_OPERATIONS(X) list is expanded with. */
#define JUMPGATE_OPERATION_ENUMERATOR(name) name,
#define JUMPGATE_OPERATION_NAME(name) #name,
#define JUMPGATE_OPERATION_IF_OVERRIDDEN(name)                                                                         \
    if constexpr (jumpgate::detail::overrides(&D::name, &Driver::name))                                                \
        ops.add(static_cast<unsigned>(Op::name));
