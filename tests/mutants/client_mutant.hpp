// Mutants of the reference client: each breaks one rule of the RFCs that binds an SMTP client,
// so that a test of clients can be shown to catch it (docs/mutants.md, Client mutants). A
// mutant acts through the test seam of client::Session (client/client_hooks.hpp, in the client
// libraries built with EHLO_TEST_SEAMS that ehlo-send-mutant links): it may rewrite each reply
// as parsed, each command line or the message data before they are written, or overturn one
// of the client's choices. The reference client's code is never changed or copied.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"

namespace ehlo::client_mutants {

using client::Decision;
using Awaiting = client::Session::Awaiting;

/// One deliberately broken variant of the client.
struct ClientMutant {
    std::string name;     ///< e.g. "no-dot-stuffing"
    std::string section;  ///< the section whose rule it breaks, e.g. "RFC 5321 §4.5.2"
    std::string rule;     ///< one line: what the mutant does wrong
    std::function<void(const client::Session&, wire::WireReply&)> reply;
    std::function<void(const client::Session&, std::string&)> command;
    std::function<void(const client::Session&, std::string&)> data;
    /// The decision it overturns, and how: given the session, the unbroken client's choice
    /// and how many times this mutant has overturned a choice in this session.
    Decision decision = Decision::pipeline;
    std::function<bool(const client::Session&, bool chosen, std::size_t overturned)> choose;
};

/// A mutant with its name, section and rule, that does nothing yet.
inline ClientMutant named(std::string name, std::string section, std::string rule) {
    ClientMutant mutant;
    mutant.name = std::move(name);
    mutant.section = std::move(section);
    mutant.rule = std::move(rule);
    return mutant;
}

/// A mutant that rewrites each reply as parsed, before the session acts on it.
inline ClientMutant on_reply(std::string name, std::string section, std::string rule,
                             std::function<void(const client::Session&, wire::WireReply&)> f) {
    ClientMutant mutant = named(std::move(name), std::move(section), std::move(rule));
    mutant.reply = std::move(f);
    return mutant;
}
/// A mutant that rewrites each command line (CRLF included) before it is written.
inline ClientMutant on_command(std::string name, std::string section, std::string rule,
                               std::function<void(const client::Session&, std::string&)> f) {
    ClientMutant mutant = named(std::move(name), std::move(section), std::move(rule));
    mutant.command = std::move(f);
    return mutant;
}
/// A mutant that rewrites the message data before it is written.
inline ClientMutant on_data(std::string name, std::string section, std::string rule,
                            std::function<void(const client::Session&, std::string&)> f) {
    ClientMutant mutant = named(std::move(name), std::move(section), std::move(rule));
    mutant.data = std::move(f);
    return mutant;
}
/// A mutant that overturns one decision of the client.
inline ClientMutant on_decision(
    std::string name, std::string section, std::string rule, Decision decision,
    std::function<bool(const client::Session&, bool chosen, std::size_t overturned)> choose) {
    ClientMutant mutant = named(std::move(name), std::move(section), std::move(rule));
    mutant.decision = decision;
    mutant.choose = std::move(choose);
    return mutant;
}

/// Every client mutant, in a stable order; names are unique.
const std::vector<ClientMutant>& all_client_mutants();
/// The client mutant called `name`, or null.
const ClientMutant* find_client_mutant(std::string_view name);

/// The hooks that make `mutant` act on one session.
std::unique_ptr<client::ClientHooks> make_client_hooks(const ClientMutant& mutant);

// The groups all_client_mutants() is made of (client_mutants_*.cpp).
void add_client_wire_mutants(std::vector<ClientMutant>& out);
void add_client_reply_mutants(std::vector<ClientMutant>& out);
void add_client_extension_mutants(std::vector<ClientMutant>& out);

// Small helpers for the mutants.
/// Replaces every `from` in `text` with `to`.
void replace_all(std::string& text, std::string_view from, std::string_view to);
/// Whether the session's next reply answers `what`.
inline bool awaiting(const client::Session& session, Awaiting what) {
    return session.awaiting() == what;
}

}  // namespace ehlo::client_mutants
