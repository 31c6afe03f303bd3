// Layer: server (sans-I/O). The state machine of a session as data, after RFC 5321 §4.1.4
// (order of commands) and RFC 5321 §4.3.2 (command-reply sequences), with the chunk of BDAT
// (RFC 3030 §2), the handshake after STARTTLS (RFC 3207 §4.2) and the exchange of AUTH
// (RFC 4954 §4). Three tables:
//  - `states`: per state, its name, what the connection reads in it (Input), and per verb the
//    state an accepted command leads to, or the reply that refuses the verb there before its
//    arguments are read (the state table);
//  - `triggers` and `event_edges`: the edges that events take, not commands: the end of the
//    data, the store's result, a chunk read, the TLS handshake, AUTH's challenge and the end
//    of its exchange, a timeout (the event table);
//  - enter(), the only writer of Session::state, which takes only edges these tables list.
// What a verb checks and does is verbs_*.cpp's; when events come is step.cpp's and the
// Connection's. The docs' tables and diagram and the table test are made from these tables.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <variant>

#include "protocol/reply.hpp"
#include "protocol/verb_table.hpp"

namespace ehlo::server {

using protocol::ReplyId;
using protocol::Verb;

/// Where a session stands.
enum class State {
    connected,   ///< greeting sent, no EHLO/HELO yet
    greeted,     ///< EHLO/HELO done, no mail transaction
    mail,        ///< MAIL accepted, no recipient yet
    recipients,  ///< at least one RCPT accepted
    data,        ///< reading message data (no commands)
    /// reading the chunk of a BDAT: exactly its announced octets, never commands RFC 3030 §2
    chunk,
    /// STARTTLS answered 220: nothing is read as a command until the TLS handshake is done
    /// RFC 3207 §4.2
    starting_tls,
    /// AUTH answered 334: the next line is the client's response, not a command RFC 4954 §4
    authenticating,
    closed,  ///< QUIT answered, or the connection is being dropped
};
inline constexpr int state_count = 9;
/// Where every session starts: the greeting is sent RFC 5321 §3.1.
inline constexpr State initial_state = State::connected;

/// What the connection reads in a state.
enum class Input {
    commands,       ///< command lines RFC 5321 §4.1.1
    data,           ///< message data, to the end-of-data line RFC 5321 §4.1.1.4
    chunk,          ///< exactly the octets the BDAT announced RFC 3030 §2
    auth_response,  ///< one response line to AUTH's 334 RFC 4954 §4
    tls_handshake,  ///< nothing: what comes before the handshake is dropped RFC 3207 §4.2
    none,           ///< nothing: the connection is closing
};

/// One cell of the state table: what a verb does in a state, before its arguments are read.
struct Cell {
    /// Where an accepted command leads (one that fails its own checks changes nothing); in a
    /// refused cell, the state itself.
    State next;
    /// The verb is out of sequence here: refused with this reply RFC 5321 §4.1.4.
    std::optional<ReplyId> refusal;

    constexpr bool allowed() const { return !refusal; }
};

/// One row of the state table.
struct StateRow {
    State state;
    std::string_view name;
    Input input;
    /// One cell per known verb, in the order of protocol::Verb (`unknown` is answered 500 or
    /// 502 before the table is read RFC 5321 §4.2.4).
    std::array<Cell, protocol::verb_table.size()> cells;
};

namespace table {
using Cells = std::array<Cell, protocol::verb_table.size()>;
/// An accepted command leads to `next`.
constexpr Cell to(State next) {
    return {next, std::nullopt};
}
/// The command is refused with `reply`; the state stays (filled() writes it in).
constexpr Cell refuse(ReplyId reply) {
    return {initial_state, reply};
}
/// A row with a cell for each verb, refused cells keeping the state.
constexpr StateRow filled(State state, std::string_view name, Input input, Cells cells) {
    for (Cell& cell : cells) {
        if (cell.refusal) cell.next = state;
    }
    return {state, name, input, cells};
}
/// A state that reads commands: a cell per verb, written out in the verb table's order.
template <std::size_t N>
constexpr StateRow row(State state, std::string_view name, Input input, const Cell (&cells)[N]) {
    static_assert(N == protocol::verb_table.size(), "one cell for each verb of the verb table");
    Cells all{};
    for (std::size_t i = 0; i < N; ++i)
        all[i] = cells[i];
    return filled(state, name, input, all);
}
/// A state that reads no commands: a line fed as one anyway is not understood (500).
constexpr StateRow not_commands(State state, std::string_view name, Input input) {
    Cells cells{};
    cells.fill(refuse(ReplyId::unknown_command));
    return filled(state, name, input, cells);
}
}  // namespace table

// Some choices the table makes, with their reasons:
//  - NOOP, HELP, EXPN, VRFY and RSET work at any time, even before EHLO (RFC 5321 §4.1.4);
//    EHLO and HELO may come again, and then clear any transaction (RFC 5321 §4.1.4); RSET
//    ends one (RFC 5321 §4.1.1.5).
//  - MAIL accepted but no RCPT: DATA and BDAT get 554, which says why (RFC 5321 §3.3 allows
//    503 too).
//  - STARTTLS and AUTH are extensions, so they need the greeting (RFC 5321 §4.1.1.1). Inside a
//    transaction STARTTLS is refused, since the reset after the handshake would drop the
//    transaction without a word (RFC 3207 §4.2), and AUTH is not permitted (RFC 4954 §4).
//  - BDAT follows DATA's rules, being its alternative (RFC 3030 §2). A BDAT refused here still
//    has its chunk read and discarded before the reply: the event table's `bdat_refused`.
//  - AUTH leads to `greeted`, and on to `authenticating` when it answers with a challenge:
//    the event table's `auth_challenge`.
// clang-format off
/// The state table, one row per State in its order.
inline constexpr std::array<StateRow, state_count> states{{
    table::row(State::connected, "connected", Input::commands, {
        /* EHLO     */ table::to(State::greeted),
        /* HELO     */ table::to(State::greeted),
        /* MAIL     */ table::refuse(ReplyId::need_greeting),
        /* RCPT     */ table::refuse(ReplyId::need_greeting),
        /* DATA     */ table::refuse(ReplyId::need_greeting),
        /* RSET     */ table::to(State::connected),
        /* NOOP     */ table::to(State::connected),
        /* QUIT     */ table::to(State::closed),
        /* VRFY     */ table::to(State::connected),
        /* EXPN     */ table::to(State::connected),
        /* HELP     */ table::to(State::connected),
        /* STARTTLS */ table::refuse(ReplyId::need_greeting),
        /* AUTH     */ table::refuse(ReplyId::need_greeting),
        /* BDAT     */ table::refuse(ReplyId::need_greeting),
    }),
    table::row(State::greeted, "greeted", Input::commands, {
        /* EHLO     */ table::to(State::greeted),
        /* HELO     */ table::to(State::greeted),
        /* MAIL     */ table::to(State::mail),
        /* RCPT     */ table::refuse(ReplyId::need_mail),
        /* DATA     */ table::refuse(ReplyId::need_mail),
        /* RSET     */ table::to(State::greeted),
        /* NOOP     */ table::to(State::greeted),
        /* QUIT     */ table::to(State::closed),
        /* VRFY     */ table::to(State::greeted),
        /* EXPN     */ table::to(State::greeted),
        /* HELP     */ table::to(State::greeted),
        /* STARTTLS */ table::to(State::starting_tls),
        /* AUTH     */ table::to(State::greeted),
        /* BDAT     */ table::refuse(ReplyId::need_mail),
    }),
    table::row(State::mail, "mail", Input::commands, {
        /* EHLO     */ table::to(State::greeted),
        /* HELO     */ table::to(State::greeted),
        /* MAIL     */ table::refuse(ReplyId::nested_mail),
        /* RCPT     */ table::to(State::recipients),
        /* DATA     */ table::refuse(ReplyId::no_valid_recipients),
        /* RSET     */ table::to(State::greeted),
        /* NOOP     */ table::to(State::mail),
        /* QUIT     */ table::to(State::closed),
        /* VRFY     */ table::to(State::mail),
        /* EXPN     */ table::to(State::mail),
        /* HELP     */ table::to(State::mail),
        /* STARTTLS */ table::refuse(ReplyId::starttls_in_mail),
        /* AUTH     */ table::refuse(ReplyId::auth_in_mail),
        /* BDAT     */ table::refuse(ReplyId::no_valid_recipients),
    }),
    table::row(State::recipients, "recipients", Input::commands, {
        /* EHLO     */ table::to(State::greeted),
        /* HELO     */ table::to(State::greeted),
        /* MAIL     */ table::refuse(ReplyId::nested_mail),
        /* RCPT     */ table::to(State::recipients),
        /* DATA     */ table::to(State::data),
        /* RSET     */ table::to(State::greeted),
        /* NOOP     */ table::to(State::recipients),
        /* QUIT     */ table::to(State::closed),
        /* VRFY     */ table::to(State::recipients),
        /* EXPN     */ table::to(State::recipients),
        /* HELP     */ table::to(State::recipients),
        /* STARTTLS */ table::refuse(ReplyId::starttls_in_mail),
        /* AUTH     */ table::refuse(ReplyId::auth_in_mail),
        /* BDAT     */ table::to(State::chunk),
    }),
    table::not_commands(State::data, "data", Input::data),
    table::not_commands(State::chunk, "chunk", Input::chunk),
    table::not_commands(State::starting_tls, "starting_tls", Input::tls_handshake),
    table::not_commands(State::authenticating, "authenticating", Input::auth_response),
    table::not_commands(State::closed, "closed", Input::none),
}};
// clang-format on

/// Whether row i of the state table is the row of State i.
constexpr bool states_follow_state_order() {
    for (std::size_t i = 0; i < states.size(); ++i) {
        if (states[i].state != static_cast<State>(i)) return false;
    }
    return true;
}
static_assert(states_follow_state_order(), "the state table's rows follow the order of State");

constexpr const StateRow& state_row(State state) {
    return states[static_cast<std::size_t>(state)];
}
constexpr std::string_view state_name(State state) {
    return state_row(state).name;
}
/// What the connection reads in `state`.
constexpr Input input_of(State state) {
    return state_row(state).input;
}
/// The cell of a known verb (not Verb::unknown) in `state`.
constexpr Cell cell(State state, Verb verb) {
    return state_row(state).cells[static_cast<std::size_t>(verb)];
}

/// What, besides a command the state table lets through, moves a session.
enum class Trigger {
    data_refused,     ///< the end of the data, or of the LAST chunk, refused at once
    stored,           ///< the store's result for a complete message: 250, or its failure
    bdat_refused,     ///< a BDAT refused: its chunk is read and discarded before the reply
    chunk_read,       ///< the chunk of an accepted BDAT (not the LAST) was read: 250
    chunk_discarded,  ///< a refused BDAT's chunk was read: the refusal
    auth_challenge,   ///< AUTH answered 334: the next line is a response
    auth_over,        ///< the AUTH exchange ended: 235, a failure, or a faulty line
    tls_started,      ///< the TLS handshake after STARTTLS's 220 succeeded
    closing,          ///< a timeout, a shutdown, or over the connection limit: 421
};
inline constexpr int trigger_count = 9;

/// What the docs and the trace say of a trigger.
struct TriggerRow {
    Trigger trigger;
    std::string_view name;
    std::string_view section;  ///< as the trace cites it
};

// clang-format off
/// One row per Trigger, in its order.
inline constexpr std::array<TriggerRow, trigger_count> triggers{{
    {Trigger::data_refused,    "data refused at its end",     "RFC 5321 §4.1.1.4"},
    {Trigger::stored,          "stored, or the store failed", "RFC 5321 §4.1.1.4"},
    {Trigger::bdat_refused,    "BDAT refused, chunk to read", "RFC 3030 §2"},
    {Trigger::chunk_read,      "chunk read",                  "RFC 3030 §2"},
    {Trigger::chunk_discarded, "refused chunk read",          "RFC 3030 §2"},
    {Trigger::auth_challenge,  "AUTH challenge (334)",        "RFC 4954 §4"},
    {Trigger::auth_over,       "end of the AUTH exchange",    "RFC 4954 §4"},
    {Trigger::tls_started,     "TLS handshake done",          "RFC 3207 §4.2"},
    {Trigger::closing,         "timeout or shutdown (421)",   "RFC 5321 §3.8"},
}};
// clang-format on

constexpr std::string_view trigger_name(Trigger trigger) {
    return triggers[static_cast<std::size_t>(trigger)].name;
}

/// One edge of the event table.
struct EventEdge {
    State from;
    Trigger trigger;
    State to;
};

// clang-format off
/// The event table: every edge an event may take. A refused BDAT's chunk leads back to where
/// the BDAT came, or to `greeted` when it was a LAST chunk inside a transaction, which ends
/// the transaction anyway RFC 3030 §2.
inline constexpr std::array event_edges{
    EventEdge{State::data,           Trigger::data_refused,    State::greeted},
    EventEdge{State::chunk,          Trigger::data_refused,    State::greeted},
    EventEdge{State::data,           Trigger::stored,          State::greeted},
    EventEdge{State::chunk,          Trigger::stored,          State::greeted},
    EventEdge{State::connected,      Trigger::bdat_refused,    State::chunk},
    EventEdge{State::greeted,        Trigger::bdat_refused,    State::chunk},
    EventEdge{State::mail,           Trigger::bdat_refused,    State::chunk},
    EventEdge{State::recipients,     Trigger::bdat_refused,    State::chunk},
    EventEdge{State::chunk,          Trigger::chunk_read,      State::recipients},
    EventEdge{State::chunk,          Trigger::chunk_discarded, State::connected},
    EventEdge{State::chunk,          Trigger::chunk_discarded, State::greeted},
    EventEdge{State::chunk,          Trigger::chunk_discarded, State::mail},
    EventEdge{State::chunk,          Trigger::chunk_discarded, State::recipients},
    EventEdge{State::greeted,        Trigger::auth_challenge,  State::authenticating},
    EventEdge{State::authenticating, Trigger::auth_over,       State::greeted},
    EventEdge{State::starting_tls,   Trigger::tls_started,     State::connected},
    EventEdge{State::connected,      Trigger::closing,         State::closed},
    EventEdge{State::greeted,        Trigger::closing,         State::closed},
    EventEdge{State::mail,           Trigger::closing,         State::closed},
    EventEdge{State::recipients,     Trigger::closing,         State::closed},
    EventEdge{State::data,           Trigger::closing,         State::closed},
    EventEdge{State::chunk,          Trigger::closing,         State::closed},
    EventEdge{State::starting_tls,   Trigger::closing,         State::closed},
    EventEdge{State::authenticating, Trigger::closing,         State::closed},
    EventEdge{State::closed,         Trigger::closing,         State::closed},
};
// clang-format on

/// Why a session changed state: an accepted command (its verb, by the state table), or an
/// event (by the event table).
using Cause = std::variant<Verb, Trigger>;

/// One change of state as it happened. A step's Outcome lists those it made, in order.
struct Edge {
    State from;
    State to;
    Cause why;

    bool operator==(const Edge&) const = default;
};

/// The name of a cause: the verb ("RCPT") or the trigger ("chunk read").
std::string_view cause_name(const Cause& why);

/// Whether the tables list the edge: the state table's cell for a verb (allowed, leading to
/// `to`), or a row of the event table for a trigger.
bool listed(State from, State to, const Cause& why);

struct Session;

/// Moves `session` to `to` for `why`, and returns the edge. The only writer of Session::state;
/// an edge that listed() does not know is a bug, and throws std::logic_error (the driver drops
/// that connection).
Edge enter(Session& session, State to, Cause why);

/// The only way around the tables, for the mutants of tests/mutants, which break them on
/// purpose. It is defined there, so the server cannot call it.
void force_state_for_mutants(Session& session, State to);

/// Session::state: read as a State anywhere, changed only by enter().
class GuardedState {
  public:
    constexpr operator State() const { return value_; }

  private:
    State value_ = initial_state;

    friend Edge enter(Session& session, State to, Cause why);
    friend void force_state_for_mutants(Session& session, State to);
};

}  // namespace ehlo::server
