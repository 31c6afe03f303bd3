// Layer: server (sans-I/O), internal to step(). Each verb of RFC 5321 §4.1.1 as a pair:
// a *check* that may refuse the command with its reply, and an *apply* that changes the
// session and gives the positive reply. step.cpp calls them after the state table, and takes
// the table's edge once apply is done.
#pragma once

#include <optional>

#include "protocol/command.hpp"
#include "server/step.hpp"

namespace ehlo::server::verbs {

using protocol::Reply;

/// An edge of the event table that a command leads on to, after its own edge of the state
/// table.
struct LeadOn {
    State to;
    Trigger why;
};

/// What a command did: its reply, and store actions (for DATA) or a close (for QUIT). step()
/// then takes the state table's edge for it.
struct Applied {
    Reply reply;
    std::vector<Action> actions = {};
    /// AUTH answered with a challenge leads on to `authenticating` RFC 4954 §4.
    std::optional<LeadOn> then = std::nullopt;
};

/// Everything a verb may need besides its own arguments.
struct Context {
    Session& session;
    const Policy& policy;
    Clock::time_point now;
    bool has_utf8 = false;  ///< the command line used UTF-8 in a path or parameter RFC 6531 §3.3
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
/// 503 for DATA in a transaction that used BDAT RFC 3030 §2 or asked for BINARYMIME
/// RFC 3030 §3 (verbs_bdat.cpp).
std::optional<Reply> check(const Context& ctx, const protocol::Data& cmd);
Applied apply(Context& ctx, const protocol::Data& cmd);

// BDAT (verbs_bdat.cpp; its chunk is read by the Connection, server/chunking.hpp).
/// 502 without CHUNKING, 503 after a failed BDAT of the transaction, 552 for a chunk that
/// would pass the size limit RFC 3030 §2 RFC 1870 §6.3.
std::optional<Reply> check(const Context& ctx, const protocol::Bdat& cmd);
/// Opens the message with the first chunk and leads to `chunk`; the reply it gives waits for
/// the chunk's last octet RFC 3030 §2.
Applied apply(Context& ctx, const protocol::Bdat& cmd);

// STARTTLS and the rules of a server that demands TLS (verbs_tls.cpp).
std::optional<Reply> check(const Context& ctx, const protocol::StartTls& cmd);
Applied apply(Context& ctx, const protocol::StartTls& cmd);
/// 530 for a command that must wait for TLS under Policy::require_tls RFC 3207 §4; nothing
/// when the command may go on.
std::optional<Reply> require_tls(const Session& session, const Policy& policy, protocol::Verb verb);
/// The handshake is done: forget what the client said before it, mark TLS on, and go back to
/// `connected` RFC 3207 §4.2.
Edge tls_started(Session& session);

// AUTH and the exchange that follows it (verbs_auth.cpp).
std::optional<Reply> check(const Context& ctx, const protocol::Auth& cmd);
Applied apply(Context& ctx, const protocol::Auth& cmd);
/// The reply to one outcome of an exchange: 334 with the challenge, 235, or the failure's
/// reply RFC 4954 §4 RFC 4954 §6.
Reply auth_reply(const sasl::Step& step);
/// One continuation line of the exchange in progress; the session goes back to `greeted`
/// when the exchange ends RFC 4954 §4.
Outcome auth_response(Session& session, std::string_view line);
/// A line the framing refused during an exchange ends it: 500 5.5.6 for one over the
/// buffer RFC 4954 §4, the framing's own 500 for the others.
Outcome auth_line_fault(Session& session, wire::LineEvent fault, Reply framing_reply);
/// 530 for a MAIL on a listener that requires AUTH first RFC 6409 §4.3; nothing otherwise.
std::optional<Reply> require_auth(const Session& session, const Policy& policy,
                                  protocol::Verb verb);

/// Commands without a check of their own pass it.
template <typename Command>
std::optional<Reply> check(const Context&, const Command&) {
    return std::nullopt;
}

/// The domain that stands for "this server" where a mailbox has none (a bare `<Postmaster>`).
std::string primary_domain(const Policy& policy);

/// The Received: header for the message about to start RFC 5321 §4.4 (trace_header.cpp).
std::string received_header(const Session& session, const Policy& policy, Clock::time_point now);

}  // namespace ehlo::server::verbs
