// Layer: server (sans-I/O), internal to step(). Each verb of RFC 5321 §4.1.1 as a pair:
// a *check* that may refuse the command with its reply, and an *apply* that changes the
// session and gives the positive reply. step.cpp calls them after the transition table.
#pragma once

#include <optional>

#include "protocol/command.hpp"
#include "server/step.hpp"

namespace ehlo::server::verbs {

using protocol::Reply;

/// What a command did: its reply, and store actions (for DATA) or a close (for QUIT).
struct Applied {
    Reply reply;
    std::vector<Action> actions = {};
};

/// Everything a verb may need besides its own arguments.
struct Context {
    Session& session;
    const Policy& policy;
    Clock::time_point now;
    bool has_utf8 = false;  ///< the command line used UTF-8 in a path or parameter \rfc{6531,3.3}
};

// Session commands (verbs_session.cpp).
Applied apply(Context& ctx, const protocol::Ehlo& cmd);
Applied apply(Context& ctx, const protocol::Helo& cmd);
Applied apply(Context& ctx, const protocol::Rset& cmd);
Applied apply(Context& ctx, const protocol::Noop& cmd);
Applied apply(Context& ctx, const protocol::Quit& cmd);
Applied apply(Context& ctx, const protocol::Vrfy& cmd);
Applied apply(Context& ctx, const protocol::Expn& cmd);
Applied apply(Context& ctx, const protocol::Help& cmd);

// Mail transaction commands (verbs_transaction.cpp).
std::optional<Reply> check(const Context& ctx, const protocol::Mail& cmd);
Applied apply(Context& ctx, const protocol::Mail& cmd);
std::optional<Reply> check(const Context& ctx, const protocol::Rcpt& cmd);
Applied apply(Context& ctx, const protocol::Rcpt& cmd);
Applied apply(Context& ctx, const protocol::Data& cmd);

// STARTTLS and the rules of a server that demands TLS (verbs_tls.cpp).
std::optional<Reply> check(const Context& ctx, const protocol::StartTls& cmd);
Applied apply(Context& ctx, const protocol::StartTls& cmd);
/// 530 for a command that must wait for TLS under Policy::require_tls \rfc{3207,4}; nothing
/// when the command may go on.
std::optional<Reply> require_tls(const Session& session, const Policy& policy, protocol::Verb verb);
/// The handshake is done: forget what the client said before it, and mark TLS on
/// \rfc{3207,4.2}.
void tls_started(Session& session);

/// Commands without a check of their own pass it.
template <typename Command>
std::optional<Reply> check(const Context&, const Command&) {
    return std::nullopt;
}

/// The domain that stands for "this server" where a mailbox has none (a bare `<Postmaster>`).
std::string primary_domain(const Policy& policy);

/// The Received: header for the message about to start \rfc{5321,4.4} (trace_header.cpp).
std::string received_header(const Session& session, const Policy& policy, Clock::time_point now);

}  // namespace ehlo::server::verbs
