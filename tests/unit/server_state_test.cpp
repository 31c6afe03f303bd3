// The state machine against its tables (server/state.hpp, RFC 5321 §4.1.4, RFC 5321 §4.3.2, and the
// events of RFC 3030 §2, RFC 3207 §4.2 and RFC 4954 §4). For every state and every verb, step()
// is driven from a session brought into that state, with a valid command line for the verb,
// and the reply and the resulting state are checked against the state table's cell; every edge
// of the event table is taken the same way. The tables are read here, never copied.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "server/state.hpp"
#include "server/step.hpp"
#include "server_auth_support.hpp"
#include "server_harness.hpp"

using namespace ehlo;
using protocol::Verb;
using server::Edge;
using server::Outcome;
using server::State;
using server::Trigger;

namespace {

namespace event = server::event;

server::Clock::time_point now() {
    return server::Clock::time_point{std::chrono::seconds{1795313370}};
}

/// The test server's policy, with STARTTLS offered and AUTH PLAIN allowed before TLS, so that
/// a valid command line of every verb is accepted wherever the table lets it through.
server::Policy table_policy() {
    server::Policy policy = test::Harness::default_policy();
    policy.extensions.insert(server::Extension::starttls);
    policy.auth = test::auth_settings();
    policy.auth.allow_plaintext = true;
    return policy;
}

/// alice's credentials for AUTH PLAIN: "\0alice\0wonderland" in base64 RFC 4616 §2.
constexpr std::string_view alice_plain = "AGFsaWNlAHdvbmRlcmxhbmQ=";

/// A session driven through step() alone.
struct Machine {
    server::Policy policy = table_policy();
    server::Session session;

    Outcome feed(server::Event event) { return server::step(session, std::move(event), policy); }
    Outcome line(const std::string& text) {
        return feed(server::command_line(text, policy, now()));
    }
};

/// A valid command line for each verb; a new verb without one does not compile (-Wswitch).
std::string sample(Verb verb) {
    switch (verb) {
        case Verb::ehlo:
            return "EHLO client.test";
        case Verb::helo:
            return "HELO client.test";
        case Verb::mail:
            return "MAIL FROM:<c@client.test>";
        case Verb::rcpt:
            return "RCPT TO:<d@example.test>";
        case Verb::data:
            return "DATA";
        case Verb::rset:
            return "RSET";
        case Verb::noop:
            return "NOOP";
        case Verb::quit:
            return "QUIT";
        case Verb::vrfy:
            return "VRFY someone";
        case Verb::expn:
            return "EXPN some-list";
        case Verb::help:
            return "HELP";
        case Verb::starttls:
            return "STARTTLS";
        case Verb::auth:
            return "AUTH PLAIN " + std::string(alice_plain);
        case Verb::bdat:
            return "BDAT 5";
        case Verb::unknown:
            break;
    }
    FAIL("no sample line for verb " << protocol::verb_name(verb));
    return {};
}

/// The command lines that bring a fresh session into `state`, in stages.
std::vector<std::string> path_to(State state) {
    auto then = [](State before, std::string line) {
        std::vector<std::string> lines = path_to(before);
        lines.push_back(std::move(line));
        return lines;
    };
    switch (state) {
        case State::connected:
            return {};
        case State::greeted:
            return {"EHLO client.test"};
        case State::mail:
            return then(State::greeted, "MAIL FROM:<a@client.test>");
        case State::recipients:
            return then(State::mail, "RCPT TO:<b@example.test>");
        case State::data:
            return then(State::recipients, "DATA");
        case State::chunk:
            return then(State::recipients, "BDAT 5");
        case State::starting_tls:
            return then(State::greeted, "STARTTLS");
        case State::authenticating:
            return then(State::greeted, "AUTH PLAIN");
        case State::closed:
            return {"QUIT"};
    }
    return {};
}

bool has_action(const Outcome& outcome, server::Action::Kind kind) {
    return std::any_of(outcome.actions.begin(), outcome.actions.end(),
                       [kind](const server::Action& action) { return action.kind == kind; });
}

/// What being in a state says of the session, whichever edge led there (every MAIL of this
/// test names a mailbox, so a transaction is open when the reverse-path has one). The test
/// drives step(), which reads the tables; these are what a wrong cell or edge would break.
void check_meaning(const Machine& machine, const Outcome& outcome) {
    using Kind = server::Action::Kind;
    const server::Session& session = machine.session;
    const State state = session.state;
    const bool greeted = !session.client_domain.empty();
    const bool in_mail = session.envelope.reverse_path.mailbox.has_value();
    const bool recipients = !session.envelope.recipients.empty();
    INFO("now in " << server::state_name(state));
    switch (state) {
        case State::connected:
            CHECK_FALSE(greeted);
            CHECK_FALSE(in_mail);
            break;
        case State::greeted:
            CHECK(greeted);
            CHECK_FALSE(in_mail);
            CHECK_FALSE(recipients);
            break;
        case State::mail:
            CHECK((greeted && in_mail && !recipients));
            break;
        case State::recipients:
        case State::data:
            CHECK((greeted && in_mail && recipients));
            break;
        case State::chunk:
            CHECK((session.envelope.chunked || session.chunk.refused));
            break;
        case State::starting_tls:
            CHECK((session.extended && !session.tls));
            break;
        case State::authenticating:
            CHECK(session.auth.in_exchange());
            break;
        case State::closed:
            break;
    }
    // The driver's actions agree with the edges: closing closes, STARTTLS's 220 starts TLS, a
    // message begins only where its data is read.
    auto entered = [&outcome](State to) {
        return std::any_of(outcome.edges.begin(), outcome.edges.end(),
                           [to](const Edge& edge) { return edge.to == to; });
    };
    CHECK(has_action(outcome, Kind::close) == entered(State::closed));
    CHECK(has_action(outcome, Kind::start_tls) == entered(State::starting_tls));
    if (has_action(outcome, Kind::begin_message)) {
        CHECK((state == State::data || state == State::chunk));
    }
}

/// A session in `state`, after the greeting and the lines of path_to().
Machine at(State state) {
    Machine machine;
    machine.feed(event::Connected{now(), false});
    for (const std::string& line : path_to(state))
        check_meaning(machine, machine.line(line));
    REQUIRE(machine.session.state == state);
    return machine;
}

bool took(const Outcome& outcome, const Edge& edge) {
    return std::find(outcome.edges.begin(), outcome.edges.end(), edge) != outcome.edges.end();
}

void check_accepted(const Machine& machine, const Outcome& outcome, State from, Verb verb,
                    const server::Cell& cell) {
    // BDAT's 250 waits in the session for the end of its chunk RFC 3030 §2.
    const auto& reply = verb == Verb::bdat ? machine.session.chunk.reply : outcome.reply;
    REQUIRE(reply);
    CHECK(reply->code < 400);
    CHECK(machine.session.state == cell.next);
    REQUIRE_FALSE(outcome.edges.empty());
    CHECK(outcome.edges.front() == Edge{from, cell.next, verb});
}

void check_refused(const Machine& machine, const Outcome& outcome, const server::StateRow& row,
                   Verb verb, const server::Cell& cell) {
    if (verb == Verb::bdat && row.input == server::Input::commands) {
        // A refused BDAT still has its chunk read first; the refusal waits RFC 3030 §2.
        CHECK_FALSE(outcome.reply);
        REQUIRE(machine.session.chunk.reply);
        CHECK(machine.session.chunk.reply->id == *cell.refusal);
        CHECK(outcome.edges == std::vector<Edge>{{row.state, State::chunk, Trigger::bdat_refused}});
        return;
    }
    REQUIRE(outcome.reply);
    CHECK(outcome.reply->id == *cell.refusal);
    // Out of sequence: 503, or 554 for no valid recipient RFC 5321 §3.3; a line where no
    // command is read is not understood: 500.
    if (row.input == server::Input::commands) {
        CHECK((outcome.reply->code == 503 || outcome.reply->code == 554));
    } else {
        CHECK(outcome.reply->code == 500);
    }
    CHECK(machine.session.state == row.state);
    CHECK(outcome.edges.empty());
}

}  // namespace

TEST_CASE("every state and verb: step() does what the state table says", "[state]") {
    for (const server::StateRow& row : server::states) {
        for (const protocol::VerbRow& verb : protocol::verb_table) {
            // A section each, so that one wrong cell does not hide the others.
            DYNAMIC_SECTION(row.name << " x " << verb.name) {
                const server::Cell cell = server::cell(row.state, verb.verb);
                Machine machine = at(row.state);
                const Outcome outcome = machine.line(sample(verb.verb));
                check_meaning(machine, outcome);
                if (cell.allowed()) {
                    check_accepted(machine, outcome, row.state, verb.verb, cell);
                } else {
                    check_refused(machine, outcome, row, verb.verb, cell);
                }
            }
        }
    }
}

namespace {

/// A message whose header has more Received: fields than a loop allows RFC 5321 §6.3.
std::string looping_message() {
    std::string text;
    for (int i = 0; i < 101; ++i)
        text += "Received: from hop" + std::to_string(i) + ".test\r\n";
    return text + "\r\nbody\r\n";
}

struct Taken {
    Machine machine;
    Outcome outcome;
};

/// One thing the client or the driver does: a command line, or another event.
using Move = std::variant<std::string, server::Event>;

/// Brings a session to `edge.from` and makes `edge.trigger` happen; a new trigger without a way
/// to take it does not compile (-Wswitch).
Taken take(const server::EventEdge& edge) {
    // From a session in `start`, the moves that lead to `edge.from`, then the one that takes
    // the edge; the last move's outcome is kept.
    auto run = [&edge](State start, std::vector<Move> moves) {
        Taken taken{at(start), {}};
        for (std::size_t i = 0; i < moves.size(); ++i) {
            if (i + 1 == moves.size()) REQUIRE(taken.machine.session.state == edge.from);
            if (auto* line = std::get_if<std::string>(&moves[i])) {
                taken.outcome = taken.machine.line(*line);
            } else {
                taken.outcome = taken.machine.feed(std::move(std::get<server::Event>(moves[i])));
            }
        }
        return taken;
    };
    static const std::string response(alice_plain);
    switch (edge.trigger) {
        case Trigger::data_refused: {
            if (edge.from == State::data) {
                return run(State::data, {event::DataEnd{wire::DataFaults{.bare_lf = true}}});
            }
            const std::string message = looping_message();
            return run(State::recipients, {"BDAT " + std::to_string(message.size()) + " LAST",
                                           event::ChunkData{message}, event::ChunkEnd{}});
        }
        case Trigger::stored:
            if (edge.from == State::data) {
                return run(State::data, {event::DataEnd{}, event::Stored{}});
            }
            return run(State::recipients, {"BDAT 3 LAST", event::ChunkData{"abc"},
                                           event::ChunkEnd{}, event::Stored{}});
        case Trigger::bdat_refused:
            // Over the size limit where the table lets BDAT through: 552 RFC 1870 §6.3.
            return run(edge.from, {"BDAT 20000000"});
        case Trigger::chunk_read:
            return run(State::chunk, {event::ChunkData{"12345"}, event::ChunkEnd{}});
        case Trigger::chunk_discarded:
            return run(edge.to, {"BDAT 20000000", event::ChunkEnd{}});
        case Trigger::auth_challenge:
            return run(State::greeted, {"AUTH PLAIN"});
        case Trigger::auth_over:
            return run(State::authenticating, {event::AuthResponse{response}});
        case Trigger::tls_started:
            return run(State::starting_tls, {event::TlsStarted{}});
        case Trigger::closing:
            return run(edge.from, {event::TimedOut{}});
    }
    FAIL("no way to take the event edge");
    return {};
}

}  // namespace

TEST_CASE("every edge of the event table: step() takes it", "[state]") {
    for (const server::EventEdge& edge : server::event_edges) {
        DYNAMIC_SECTION(server::state_name(edge.from)
                        << " -> " << server::state_name(edge.to) << " on "
                        << server::trigger_name(edge.trigger)) {
            Taken taken = take(edge);
            CHECK(taken.machine.session.state == edge.to);
            check_meaning(taken.machine, taken.outcome);
            CHECK(took(taken.outcome, Edge{edge.from, edge.to, edge.trigger}));
        }
    }
}

TEST_CASE("enter() refuses an edge the tables do not list", "[state]") {
    Machine machine = at(State::greeted);
    CHECK_THROWS_AS(server::enter(machine.session, State::data, Trigger::stored), std::logic_error);
    CHECK_THROWS_AS(server::enter(machine.session, State::recipients, Verb::rcpt),
                    std::logic_error);
    CHECK_THROWS_AS(server::enter(machine.session, State::greeted, Verb::unknown),
                    std::logic_error);
    CHECK(machine.session.state == State::greeted);
    CHECK(server::enter(machine.session, State::mail, Verb::mail) ==
          Edge{State::greeted, State::mail, Verb::mail});
    CHECK(machine.session.state == State::mail);
}

TEST_CASE("every state can be reached, and every state but closed left", "[state]") {
    std::set<State> reached{server::initial_state};
    std::set<State> left;
    auto follow = [&](State from, State to) {
        if (from != to) left.insert(from);
        if (reached.count(from) != 0) reached.insert(to);
    };
    for (int round = 0; round < server::state_count; ++round) {
        for (const server::StateRow& row : server::states) {
            for (const server::Cell& cell : row.cells) {
                if (cell.allowed()) follow(row.state, cell.next);
            }
        }
        for (const server::EventEdge& edge : server::event_edges)
            follow(edge.from, edge.to);
    }
    for (const server::StateRow& row : server::states) {
        INFO(row.name);
        CHECK(reached.count(row.state) == 1);
        CHECK(left.count(row.state) == (row.state == State::closed ? 0u : 1u));
        // Commands are read exactly where the table lets some verb through.
        const bool some_allowed =
            std::any_of(row.cells.begin(), row.cells.end(), [](auto& c) { return c.allowed(); });
        CHECK(some_allowed == (row.input == server::Input::commands));
    }
}

TEST_CASE("state names are distinct", "[state]") {
    std::set<std::string_view> names;
    for (const server::StateRow& row : server::states)
        names.insert(row.name);
    CHECK(names.size() == static_cast<std::size_t>(server::state_count));
}

// ---- The Connection reads what the state's input mode says. ----

TEST_CASE("in the data state command lines are message data", "[state]") {
    test::Harness server;
    server.start();
    server.send("EHLO client.test\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\n");
    CHECK(test::codes(server.send("DATA\r\n")) == std::vector<int>{354});
    CHECK(server.connection().state() == State::data);
    CHECK(server.send("QUIT\r\nRSET\r\nMAIL FROM:<x@y.test>\r\n").empty());
    CHECK(test::codes(server.send(".\r\n")) == std::vector<int>{250});
    REQUIRE(server.stored().size() == 1);
    CHECK(server.stored()[0].text.find("QUIT\r\nRSET\r\nMAIL FROM:<x@y.test>\r\n") !=
          std::string::npos);
}

TEST_CASE("after QUIT nothing more is read", "[state]") {
    test::Harness server;
    server.start();
    CHECK(test::codes(server.send("QUIT\r\nNOOP\r\n")) == std::vector<int>{221});
    CHECK(server.closed());
    CHECK(server.connection().state() == State::closed);
}
