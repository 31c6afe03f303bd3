// The transition table of RFC 5321 §4.1.4 / §4.3.2, every state x every verb: first the
// table itself against an expectation written out here, then the live server reaching each
// state and answering each verb.
#include <catch2/catch.hpp>

#include <set>

#include "server/state.hpp"
#include "server_harness.hpp"

using ehlo::protocol::Verb;
using ehlo::server::Rule;
using ehlo::server::State;
using ehlo::server::transition;

namespace {

// Verbs that work in every state before and outside a transaction (§4.1.4).
constexpr Verb anytime[] = {Verb::rset, Verb::noop, Verb::vrfy, Verb::expn, Verb::help};

struct Cell {
    State state;
    Verb verb;
    Rule rule;
    State next;
};

// The cells where the transaction verbs differ between states; written out in full.
constexpr Cell transaction_cells[] = {
    {State::connected, Verb::mail, Rule::need_greeting, State::connected},
    {State::connected, Verb::rcpt, Rule::need_greeting, State::connected},
    {State::connected, Verb::data, Rule::need_greeting, State::connected},
    {State::greeted, Verb::mail, Rule::allowed, State::mail},
    {State::greeted, Verb::rcpt, Rule::need_mail, State::greeted},
    {State::greeted, Verb::data, Rule::need_mail, State::greeted},
    {State::mail, Verb::mail, Rule::nested_mail, State::mail},
    {State::mail, Verb::rcpt, Rule::allowed, State::recipients},
    {State::mail, Verb::data, Rule::need_recipient, State::mail},
    {State::recipients, Verb::mail, Rule::nested_mail, State::recipients},
    {State::recipients, Verb::rcpt, Rule::allowed, State::recipients},
    {State::recipients, Verb::data, Rule::allowed, State::data},
};

constexpr State command_states[] = {State::connected, State::greeted, State::mail,
                                    State::recipients};

}  // namespace

TEST_CASE("transaction verbs follow the table of §4.1.4", "[state]") {
    for (const Cell& cell : transaction_cells) {
        INFO(ehlo::server::state_name(cell.state) << " x " << ehlo::protocol::verb_name(cell.verb));
        CHECK(transition(cell.state, cell.verb).rule == cell.rule);
        CHECK(transition(cell.state, cell.verb).next == cell.next);
    }
}

TEST_CASE("STARTTLS only between transactions after the greeting (RFC 3207 §4.2)", "[state]") {
    CHECK(transition(State::connected, Verb::starttls).rule == Rule::need_greeting);
    CHECK(transition(State::greeted, Verb::starttls).rule == Rule::allowed);
    CHECK(transition(State::greeted, Verb::starttls).next == State::starting_tls);
    CHECK(transition(State::mail, Verb::starttls).rule == Rule::in_transaction);
    CHECK(transition(State::recipients, Verb::starttls).rule == Rule::in_transaction);
}

TEST_CASE("EHLO, HELO and QUIT are allowed in every command state", "[state]") {
    for (State state : command_states) {
        INFO(ehlo::server::state_name(state));
        CHECK(transition(state, Verb::ehlo).rule == Rule::allowed);
        CHECK(transition(state, Verb::ehlo).next == State::greeted);
        CHECK(transition(state, Verb::helo).next == State::greeted);
        CHECK(transition(state, Verb::quit).rule == Rule::allowed);
        CHECK(transition(state, Verb::quit).next == State::closed);
    }
}

TEST_CASE("RSET, NOOP, VRFY, EXPN and HELP work at any time, even before EHLO", "[state]") {
    for (State state : command_states) {
        for (Verb verb : anytime) {
            INFO(ehlo::server::state_name(state) << " x " << ehlo::protocol::verb_name(verb));
            CHECK(transition(state, verb).rule == Rule::allowed);
            State expected = state;
            if (verb == Verb::rset) {
                expected = state == State::connected ? State::connected : State::greeted;
            }
            CHECK(transition(state, verb).next == expected);
        }
    }
}

TEST_CASE("no verb is a command in the data, starting_tls and closed states", "[state]") {
    for (State state : {State::data, State::starting_tls, State::closed}) {
        for (int v = 0; v < ehlo::protocol::verb_count; ++v) {
            CHECK(transition(state, static_cast<Verb>(v)).rule == Rule::not_a_command);
            CHECK(transition(state, static_cast<Verb>(v)).next == state);
        }
    }
}

TEST_CASE("state names are distinct", "[state]") {
    std::set<std::string_view> names;
    for (int s = 0; s < ehlo::server::state_count; ++s) {
        names.insert(ehlo::server::state_name(static_cast<State>(s)));
    }
    CHECK(names.size() == ehlo::server::state_count);
}

// ---- The live server: reach each state, send each verb, read the reply code. ----

namespace {

const char* reach(State state) {
    switch (state) {
        case State::connected:
            return "";
        case State::greeted:
            return "EHLO client.test\r\n";
        case State::mail:
            return "EHLO client.test\r\nMAIL FROM:<a@client.test>\r\n";
        default:
            return "EHLO client.test\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\n";
    }
}

struct Probe {
    const char* line;
    int connected, greeted, mail, recipients;  // expected reply code in each state
};

// One valid command line per verb, and its reply in each command state.
constexpr Probe probes[] = {
    {"EHLO client.test\r\n", 250, 250, 250, 250},
    {"HELO client.test\r\n", 250, 250, 250, 250},
    {"MAIL FROM:<c@client.test>\r\n", 503, 250, 503, 503},
    {"RCPT TO:<d@example.test>\r\n", 503, 503, 250, 250},
    {"DATA\r\n", 503, 503, 554, 354},
    {"RSET\r\n", 250, 250, 250, 250},
    {"NOOP\r\n", 250, 250, 250, 250},
    {"QUIT\r\n", 221, 221, 221, 221},
    {"VRFY someone\r\n", 252, 252, 252, 252},
    {"EXPN some-list\r\n", 252, 252, 252, 252},
    {"HELP\r\n", 214, 214, 214, 214},
    // Without a certificate STARTTLS is not offered: 454 where the table lets it through.
    {"STARTTLS\r\n", 503, 454, 503, 503},
    {"FROB\r\n", 500, 500, 500, 500},
};

}  // namespace

TEST_CASE("every verb in every command state gets the reply the table implies", "[state]") {
    for (const Probe& probe : probes) {
        const int expected[] = {probe.connected, probe.greeted, probe.mail, probe.recipients};
        for (int s = 0; s < 4; ++s) {
            ehlo::test::Harness server;
            server.start();
            server.send(reach(command_states[s]));
            REQUIRE(server.connection().state() == command_states[s]);
            INFO(ehlo::server::state_name(command_states[s]) << " <- " << probe.line);
            auto codes = ehlo::test::codes(server.send(probe.line));
            REQUIRE(codes.size() == 1);
            CHECK(codes[0] == expected[s]);
        }
    }
}

TEST_CASE("in the data state command lines are message data", "[state]") {
    ehlo::test::Harness server;
    server.start();
    server.send(reach(State::recipients));
    CHECK(ehlo::test::codes(server.send("DATA\r\n")) == std::vector<int>{354});
    CHECK(server.send("QUIT\r\nRSET\r\nMAIL FROM:<x@y.test>\r\n").empty());
    CHECK(ehlo::test::codes(server.send(".\r\n")) == std::vector<int>{250});
    REQUIRE(server.stored().size() == 1);
    CHECK(server.stored()[0].text.find("QUIT\r\nRSET\r\nMAIL FROM:<x@y.test>\r\n") !=
          std::string::npos);
}

TEST_CASE("after QUIT nothing more is read", "[state]") {
    ehlo::test::Harness server;
    server.start();
    CHECK(ehlo::test::codes(server.send("QUIT\r\nNOOP\r\n")) == std::vector<int>{221});
    CHECK(server.closed());
    CHECK(server.connection().state() == State::closed);
}
