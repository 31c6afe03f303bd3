// Layer: server (sans-I/O). The states of an SMTP session and the transition table of
// (state, verb) after RFC 5321 §4.1.4 (order of commands) and §4.3.2 (command-reply
// sequences), with the chunk state of BDAT (RFC 3030 §2). It is the one source for the step
// function, its tests and the state diagram.
#pragma once

#include <array>
#include <string_view>

#include "protocol/command.hpp"

namespace ehlo::server {

/// Where a session stands.
enum class State {
    connected,   ///< greeting sent, no EHLO/HELO yet
    greeted,     ///< EHLO/HELO done, no mail transaction
    mail,        ///< MAIL accepted, no recipient yet
    recipients,  ///< at least one RCPT accepted
    data,        ///< reading message data (no commands)
    /// reading the chunk of a BDAT: exactly its announced octets, never commands; the chunk's
    /// end leads back to `recipients` (or `greeted` after the LAST chunk) \rfc{3030,2}
    chunk,
    /// STARTTLS answered 220: nothing is read as a command until the TLS handshake is done,
    /// which leads back to `connected` \rfc{3207,4.2}
    starting_tls,
    /// AUTH answered 334: the next line is the client's response, not a command; the end of
    /// the exchange leads back to `greeted` \rfc{4954,4}
    authenticating,
    closed,  ///< QUIT answered, or the connection is being dropped
};
inline constexpr int state_count = 9;

std::string_view state_name(State state);

/// What the table says of a verb in a state, before its arguments are looked at.
enum class Rule {
    allowed,         ///< go on: check the arguments, then apply
    need_greeting,   ///< 503: EHLO/HELO first \rfc{5321,4.1.4}
    need_mail,       ///< 503: MAIL first \rfc{5321,4.1.1.3}
    nested_mail,     ///< 503: a transaction is already open \rfc{5321,4.1.1.2}
    need_recipient,  ///< 554/503: no accepted recipient yet \rfc{5321,3.3}
    /// 503: STARTTLS would silently drop the open transaction \rfc{3207,4.2}; AUTH is not
    /// permitted in one \rfc{4954,4}
    in_transaction,
    not_a_command,  ///< in the data or closed state, lines are not commands
};

/// One cell of the table: the rule, and the state a successful command leads to.
struct Transition {
    Rule rule;
    State next;  ///< after success; failures keep the current state
};

using protocol::Verb;

namespace detail {
using Row = std::array<Transition, protocol::verb_count>;
constexpr Transition ok(State next) {
    return {Rule::allowed, next};
}
constexpr Transition no(Rule rule, State stay) {
    return {rule, stay};
}

// Column order follows protocol::Verb:
// EHLO, HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, EXPN, HELP, STARTTLS, AUTH, BDAT,
// unknown.
// NOOP, HELP, EXPN, VRFY and RSET work at any time, even before EHLO (RFC 5321 §4.1.4); EHLO/HELO
// may come again and then clear any transaction (RFC 5321 §4.1.4); RSET ends a transaction
// (RFC 5321 §4.1.1.5). STARTTLS is an extension, so it needs the greeting (RFC 5321 §4.1.1.1);
// inside a transaction it is refused, since the reset after the handshake would drop the
// transaction without a word (RFC 3207 §4.2). AUTH needs the greeting too, and is refused inside a
// transaction (RFC 4954 §4); when it answers with a challenge, its apply leads on to
// `authenticating` instead of the `greeted` of the table.
// BDAT follows DATA's rules (RFC 3030 §2: it is DATA's alternative) and leads to `chunk`; a
// BDAT the table refuses still has its chunk read and discarded before the reply (verbs_bdat.cpp).
constexpr Row row(State s, Transition mail, Transition rcpt, Transition data, State reset,
                  Transition starttls, Transition auth, Transition bdat) {
    return {ok(State::greeted),
            ok(State::greeted),
            mail,
            rcpt,
            data,
            ok(reset),
            ok(s),
            ok(State::closed),
            ok(s),
            ok(s),
            ok(s),
            starttls,
            auth,
            bdat,
            ok(s)};
}
constexpr Row inert_row(State s) {
    Row r{};
    for (auto& cell : r)
        cell = no(Rule::not_a_command, s);
    return r;
}
}  // namespace detail

/// The transition table, indexed [state][verb].
inline constexpr std::array<detail::Row, state_count> transitions = {
    detail::row(State::connected, detail::no(Rule::need_greeting, State::connected),
                detail::no(Rule::need_greeting, State::connected),
                detail::no(Rule::need_greeting, State::connected), State::connected,
                detail::no(Rule::need_greeting, State::connected),
                detail::no(Rule::need_greeting, State::connected),
                detail::no(Rule::need_greeting, State::connected)),
    detail::row(State::greeted, detail::ok(State::mail),
                detail::no(Rule::need_mail, State::greeted),
                detail::no(Rule::need_mail, State::greeted), State::greeted,
                detail::ok(State::starting_tls), detail::ok(State::greeted),
                detail::no(Rule::need_mail, State::greeted)),
    detail::row(State::mail, detail::no(Rule::nested_mail, State::mail),
                detail::ok(State::recipients), detail::no(Rule::need_recipient, State::mail),
                State::greeted, detail::no(Rule::in_transaction, State::mail),
                detail::no(Rule::in_transaction, State::mail),
                detail::no(Rule::need_recipient, State::mail)),
    detail::row(State::recipients, detail::no(Rule::nested_mail, State::recipients),
                detail::ok(State::recipients), detail::ok(State::data), State::greeted,
                detail::no(Rule::in_transaction, State::recipients),
                detail::no(Rule::in_transaction, State::recipients), detail::ok(State::chunk)),
    detail::inert_row(State::data),
    detail::inert_row(State::chunk),
    detail::inert_row(State::starting_tls),
    detail::inert_row(State::authenticating),
    detail::inert_row(State::closed),
};

constexpr Transition transition(State state, Verb verb) {
    return transitions[static_cast<int>(state)][static_cast<int>(verb)];
}

}  // namespace ehlo::server
