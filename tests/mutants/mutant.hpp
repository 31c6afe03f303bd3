// Mutants of the reference server: each breaks one rule of the RFCs, so that the conformance
// suite can be shown to catch it (docs/mutants.md). A mutant acts through the test seam of
// server::Connection (server/connection_hooks.hpp, in the server libraries built with
// EHLO_TEST_SEAMS that this program links): it may change the policy, rewrite the bytes read,
// touch the outcome of each step, or rewrite the reply text. The reference server's code is
// never changed or copied.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/command.hpp"
#include "server/connection.hpp"

namespace ehlo::mutants {

using protocol::Verb;
using server::State;

/// Which event a step answered.
enum class On {
    greeting,
    command,
    line_fault,
    auth_response,
    data_end,
    chunk_end,
    stored,
    tls_started,
    other
};

/// The parts of a session a command may change, as they were before the step.
struct Snapshot {
    State state = State::connected;
    server::Envelope envelope;
    std::string client_domain;
    bool extended = false;
    bool authenticated = false;
};

/// What a mutant sees of one step, and the means to change its outcome.
struct StepContext {
    On on;
    Verb verb;              ///< the command answered (for a chunk's end: BDAT; for AUTH: AUTH)
    std::string_view line;  ///< the command line, for On::command
    const Snapshot& before;
    server::Session& session;
    const server::Policy& policy;
    server::Outcome& outcome;

    /// The reply's code, or 0 when there is none.
    int code() const { return outcome.reply ? outcome.reply->code : 0; }
    /// A command of this verb was answered.
    bool is(Verb wanted) const { return on == On::command && verb == wanted; }
    /// Replaces the reply (keeps a multi-line reply's text only when `text` is empty).
    void reply(int code, std::string enhanced, std::string text);
    /// Makes the command change nothing: the session as before, no store or TLS action.
    void undo();
    /// Adds the close action: the connection is closed after the reply.
    void close();
};

/// Bytes of one read, and a per-connection scratch buffer a mutant may keep bytes in.
struct InputContext {
    const server::Session& session;
    std::string& bytes;
    std::string& held;
    /// Reading message data or a BDAT chunk, not command lines.
    bool in_data() const { return session.state == State::data || session.state == State::chunk; }
};

/// One deliberately broken variant of the server.
struct Mutant {
    std::string name;     ///< e.g. "rcpt-before-mail-250"
    std::string section;  ///< the section whose rule it breaks, e.g. "RFC 5321 §4.1.4"
    std::string rule;     ///< one line: what the mutant does wrong
    std::function<void(server::Policy&)> policy;
    std::function<void(InputContext&)> input;
    std::function<void(StepContext&)> step;
    std::function<void(const server::Session&, std::string&)> replies;
};

/// A mutant that changes the policy (limits, time-outs).
inline Mutant with_policy(std::string name, std::string section, std::string rule,
                          std::function<void(server::Policy&)> change) {
    return {std::move(name), std::move(section), std::move(rule), std::move(change), {}, {}, {}};
}
/// A mutant that rewrites the bytes read.
inline Mutant on_input(std::string name, std::string section, std::string rule,
                       std::function<void(InputContext&)> rewrite) {
    return {std::move(name), std::move(section), std::move(rule), {}, std::move(rewrite), {}, {}};
}
/// A mutant that changes the outcome of steps.
inline Mutant on_step(std::string name, std::string section, std::string rule,
                      std::function<void(StepContext&)> change) {
    return {std::move(name), std::move(section), std::move(rule), {}, {}, std::move(change), {}};
}
/// A mutant that rewrites the reply text.
inline Mutant on_replies(std::string name, std::string section, std::string rule,
                         std::function<void(const server::Session&, std::string&)> rewrite) {
    return {std::move(name), std::move(section), std::move(rule), {}, {}, {}, std::move(rewrite)};
}

/// Every mutant, in a stable order; names are unique.
const std::vector<Mutant>& all_mutants();
/// The mutant called `name`, or null.
const Mutant* find_mutant(std::string_view name);

/// The hooks that make `mutant` act on one connection.
std::unique_ptr<server::ConnectionHooks> make_hooks(const Mutant& mutant);

// The groups all_mutants() is made of (mutants_*.cpp).
void add_verb_mutants(std::vector<Mutant>& out);
void add_session_mutants(std::vector<Mutant>& out);
void add_reply_mutants(std::vector<Mutant>& out);
void add_data_mutants(std::vector<Mutant>& out);
void add_extension_mutants(std::vector<Mutant>& out);

// Small helpers for the mutants.
/// `text` in upper case (ASCII).
std::string upper(std::string_view text);
/// The path of a MAIL or RCPT line, between its angle brackets; empty when there is none.
std::string_view path_of(std::string_view line);
/// Puts the session in `state` off the edges of the state tables, as a mutant may
/// (server::force_state_for_mutants); the reference server never does.
void set_state(server::Session& session, State state);
/// Replaces every `from` in `text` with `to`; `unless_after` stops a match preceded by it.
void replace_all(std::string& text, std::string_view from, std::string_view to,
                 std::optional<char> unless_after = std::nullopt);

}  // namespace ehlo::mutants
