// Layer: server (sans-I/O). The step function: one event in, reply and actions out.
// A command goes through the state table of state.hpp (RFC 5321 §4.1.4, RFC 5321 §4.3.2), then
// its syntax (RFC 5321 §4.1.2), then its verb's check and apply (verbs_*.cpp); a server that
// demands TLS refuses commands before all that (RFC 3207 §4), and a submission listener a MAIL
// before AUTH (RFC 6409 §4.3). Message data, the lines of an AUTH exchange (RFC 4954 §4), faults of
// the line framing, timeouts, shutdown and the end of the TLS handshake are handled here too;
// a BDAT's reply waits for its chunk to be read (RFC 3030 §2, verbs_bdat.cpp). Every change
// of state is an edge of state.hpp's tables, taken by enter().
#include "server/step.hpp"

#include "server/chunking.hpp"
#include "server/extensions.hpp"
#include "server/verbs.hpp"

namespace ehlo::server {

using protocol::make_reply;
using protocol::Reply;
using protocol::ReplyId;
using protocol::Verb;

namespace {

Outcome answer(Reply reply, std::vector<Action> actions = {}) {
    return Outcome{std::move(reply), std::move(actions), {}};
}

Outcome close_with(Session& session, Reply reply, std::vector<Action> actions = {}) {
    Edge edge = enter(session, State::closed, Trigger::closing);
    actions.push_back(Action{Action::Kind::close, {}});
    return Outcome{std::move(reply), std::move(actions), {edge}};
}

/// The reply for a malformed path; MAIL and RCPT differ only in the generic case.
Reply address_reply(protocol::AddressError error, Verb verb) {
    using protocol::AddressError;
    switch (error) {
        case AddressError::local_part_too_long:
            return make_reply(ReplyId::local_part_too_long);
        case AddressError::domain_too_long:
            return make_reply(ReplyId::domain_too_long);
        case AddressError::path_too_long:
            return make_reply(ReplyId::path_too_long);
        case AddressError::bad_address_literal:
            return make_reply(ReplyId::bad_address_literal);
        // Without SMTPUTF8 an address must be ASCII: 550 for MAIL, 553 for RCPT, both
        // 5.6.7 (RFC 6531 §3.5).
        case AddressError::non_ascii:
            return make_reply(verb == Verb::mail ? ReplyId::sender_not_ascii
                                                 : ReplyId::non_ascii_address);
        // With SMTPUTF8 the octets must still be well-formed UTF-8 (RFC 6531 §3.3, RFC 3629):
        // a syntax error of the path, so 501 as for any malformed path (RFC 5321 §4.1.2).
        case AddressError::invalid_utf8:
            return make_reply(verb == Verb::mail ? ReplyId::bad_sender_utf8
                                                 : ReplyId::bad_recipient_utf8);
        default:
            return make_reply(verb == Verb::mail ? ReplyId::bad_sender_syntax
                                                 : ReplyId::bad_recipient_syntax);
    }
}

Reply syntax_reply(const protocol::ParsedCommand& parsed) {
    if (parsed.error == protocol::SyntaxError::bad_address) {
        return address_reply(parsed.address_error, parsed.verb);
    }
    if (parsed.verb == Verb::starttls) return make_reply(ReplyId::starttls_syntax);
    if (parsed.verb == Verb::auth) return make_reply(ReplyId::auth_syntax);
    if (parsed.verb == Verb::ehlo || parsed.verb == Verb::helo) {
        return make_reply(ReplyId::bad_domain);
    }
    return make_reply(ReplyId::bad_arguments);
}

Outcome run_command(Session& session, const event::CommandLine& line, const Policy& policy) {
    const protocol::ParsedCommand& parsed = line.parsed;
    // Only MAIL may use the 500 extra octets the line reader allows for AUTH= while AUTH is
    // offered (RFC 4954 §3); every other line keeps the limit of RFC 5321 §4.5.3.1.4.
    if (line.line.size() + 2 > policy.limits.command_line && parsed.verb != Verb::mail) {
        return answer(make_reply(ReplyId::line_too_long));
    }
    if (parsed.verb == Verb::unknown) {
        // 500 for what we do not know, 502 for what we know but do not do RFC 5321 §4.2.4.
        bool obsolete = protocol::is_obsolete_verb(line.line.substr(0, line.line.find(' ')));
        return answer(make_reply(obsolete ? ReplyId::not_implemented : ReplyId::unknown_command));
    }
    // A server that demands TLS says so before anything else RFC 3207 §4.
    if (auto refusal = verbs::require_tls(session, policy, parsed.verb)) return answer(*refusal);
    const Cell cell = server::cell(session.state, parsed.verb);
    if (!cell.allowed()) return answer(make_reply(*cell.refusal));
    // A submission listener takes no mail before AUTH RFC 6409 §4.3.
    if (auto refusal = verbs::require_auth(session, policy, parsed.verb)) return answer(*refusal);
    if (!parsed.ok()) return answer(syntax_reply(parsed));

    verbs::Context ctx{session, policy, line.now, parsed.has_utf8};
    return std::visit(
        [&](const auto& command) {
            if (auto refusal = verbs::check(ctx, command)) return answer(*refusal);
            verbs::Applied applied = verbs::apply(ctx, command);
            Outcome outcome = answer(std::move(applied.reply), std::move(applied.actions));
            outcome.edges.push_back(enter(session, cell.next, parsed.verb));
            if (applied.then) {
                outcome.edges.push_back(enter(session, applied.then->to, applied.then->why));
            }
            return outcome;
        },
        parsed.command);
}

/// Whether a command line is a BDAT whose reply waits for its chunk RFC 3030 §2: its verb
/// stands alone or is followed by SP. A BDAT followed only by a tab (white space the parser
/// trims) is answered at once, and leaves the transaction as it is.
bool bdat_line(const event::CommandLine& line) {
    return line.parsed.verb == Verb::bdat && (line.line.size() == 4 || line.line[4] == ' ');
}

Outcome on_command(Session& session, const event::CommandLine& line, const Policy& policy) {
    const bool chunked_open = verbs::chunked_message_open(session);
    const bool reading_commands = input_of(session.state) == Input::commands;
    Outcome outcome = run_command(session, line, policy);
    // A BDAT is answered once its chunk is read, accepted or not RFC 3030 §2; where no
    // command is read, a line is only refused.
    if (bdat_line(line) && reading_commands) {
        return verbs::hold_bdat_reply(session, line.parsed, std::move(outcome));
    }
    // RSET, EHLO or HELO ended a transaction whose BDAT message was open: drop it.
    if (chunked_open && !verbs::chunked_message_open(session)) {
        outcome.actions.push_back({Action::Kind::abort_message, {}});
    }
    return outcome;
}

Reply fault_reply(wire::LineEvent fault) {
    switch (fault) {
        case wire::LineEvent::bare_cr:
            return make_reply(ReplyId::bare_cr);
        case wire::LineEvent::bare_lf:
            return make_reply(ReplyId::bare_lf);
        case wire::LineEvent::nul:
            return make_reply(ReplyId::nul_octet);
        default:
            return make_reply(ReplyId::line_too_long);
    }
}

/// Counts the data against the size limit while it streams RFC 5321 §4.5.3.1.10; past the
/// limit the message is dropped at once, and the rest of the data is read and ignored.
Outcome on_data(Session& session, event::MessageData data, const Policy& policy) {
    Envelope& envelope = session.envelope;
    envelope.data_size += data.data.size();
    envelope.hops.feed(data.data);
    if (envelope.too_big) return Outcome{};
    if (envelope.data_size > policy.limits.max_message_size) {
        envelope.too_big = true;
        return Outcome{std::nullopt, {Action{Action::Kind::abort_message, {}}}, {}};
    }
    return Outcome{std::nullopt, {Action{Action::Kind::append_data, std::move(data.data)}}, {}};
}

/// The end of data: refuse what must be refused, else ask the store to commit. The reply
/// comes only with the store's result, so a 250 always means "on disk" RFC 5321 §4.1.1.4.
Outcome on_data_end(Session& session, const event::DataEnd& end) {
    std::optional<Reply> refusal;
    if (session.envelope.too_big) {
        refusal = make_reply(ReplyId::message_too_big);  // already aborted while streaming
    } else if (end.faults.bare_cr || end.faults.bare_lf) {
        refusal = make_reply(ReplyId::data_bare_line_end);  // RFC 5321 §2.3.8
    } else if (end.faults.line_too_long) {
        refusal = make_reply(ReplyId::data_line_too_long);  // RFC 5321 §4.5.3.1.6
    } else if (session.envelope.hops.looping()) {
        refusal = make_reply(ReplyId::message_loops);  // RFC 5321 §6.3
    }
    if (!refusal) return Outcome{std::nullopt, {{Action::Kind::commit_message, {}}}, {}};

    std::vector<Action> actions;
    if (!session.envelope.too_big) actions.push_back({Action::Kind::abort_message, {}});
    session.envelope = Envelope{};
    Edge edge = enter(session, State::greeted, Trigger::data_refused);
    return Outcome{std::move(*refusal), std::move(actions), {edge}};
}

/// The transaction is over either way: the envelope is cleared RFC 5321 §4.1.1.4.
Outcome on_stored(Session& session, const event::Stored& stored) {
    session.envelope = Envelope{};
    Edge edge = enter(session, State::greeted, Trigger::stored);
    Reply reply = stored.failure ? *stored.failure : make_reply(ReplyId::message_accepted);
    return Outcome{std::move(reply), {}, {edge}};
}

/// A timeout or shutdown while a message is open drops it first: in DATA, or begun by BDAT.
/// A message over the size limit was dropped already, while its data streamed.
std::vector<Action> drop_open_message(const Session& session) {
    if (session.state != State::data && !verbs::chunked_message_open(session)) return {};
    if (session.state == State::data && session.envelope.too_big) return {};
    return {Action{Action::Kind::abort_message, {}}};
}

}  // namespace

Outcome step(Session& session, Event event, const Policy& policy) {
    return std::visit(
        [&](auto& e) -> Outcome {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<E, event::Connected>) {
                session.tls = e.tls;
                return answer(
                    make_reply(ReplyId::greeting, {policy.hostname + " ESMTP Ehlo ready"}));
            } else if constexpr (std::is_same_v<E, event::TlsStarted>) {
                return Outcome{std::nullopt, {}, {verbs::tls_started(session)}};
            } else if constexpr (std::is_same_v<E, event::CommandLine>) {
                return on_command(session, e, policy);
            } else if constexpr (std::is_same_v<E, event::AuthResponse>) {
                return verbs::auth_response(session, e.line);
            } else if constexpr (std::is_same_v<E, event::LineFault>) {
                if (input_of(session.state) != Input::auth_response) {
                    return answer(fault_reply(e.fault));
                }
                return verbs::auth_line_fault(session, e.fault, fault_reply(e.fault));
            } else if constexpr (std::is_same_v<E, event::MessageData>) {
                return on_data(session, std::move(e), policy);
            } else if constexpr (std::is_same_v<E, event::DataEnd>) {
                return on_data_end(session, e);
            } else if constexpr (std::is_same_v<E, event::ChunkData>) {
                return verbs::chunk_data(session, std::move(e.data));
            } else if constexpr (std::is_same_v<E, event::ChunkEnd>) {
                return verbs::chunk_end(session);
            } else if constexpr (std::is_same_v<E, event::Stored>) {
                return on_stored(session, e);
            } else if constexpr (std::is_same_v<E, event::TimedOut>) {
                return close_with(session, make_reply(ReplyId::timed_out),
                                  drop_open_message(session));
            } else if constexpr (std::is_same_v<E, event::ShuttingDown>) {
                return close_with(session, make_reply(ReplyId::shutting_down),
                                  drop_open_message(session));
            } else {
                return close_with(session, make_reply(ReplyId::too_many_connections));
            }
        },
        event);
}

protocol::CommandOptions command_options(const Policy& policy) {
    return protocol::CommandOptions{.allow_utf8 = policy.offers(Extension::smtputf8)};
}

event::CommandLine command_line(std::string_view line, const Policy& policy,
                                Clock::time_point now) {
    return event::CommandLine{line, protocol::parse_command(line, command_options(policy)), now};
}

}  // namespace ehlo::server
