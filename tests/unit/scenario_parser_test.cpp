// The scenario file as a whole (docs/scenario-format.md): header fields, every kind of step,
// the order checks (pipelined queues after RFC 2920 §3.1, multi-line replies after
// RFC 5321 §4.2.1, TLS steps, connections, repeats) and each error message with its line number.
#include <catch2/catch.hpp>

#include <ostream>
#include <string>

#include "scenario/scenario_parser.hpp"

using namespace ehlo::scenario;

namespace ehlo::scenario {
// Readable pieces in failure messages.
std::ostream& operator<<(std::ostream& out, const Piece& piece) {
    return out << (piece.kind == Piece::Kind::variable ? "{" + piece.value + "}" : piece.value);
}
}  // namespace ehlo::scenario

namespace {

// A valid header of five lines; steps written after it start on line 6.
const std::string header =
    "title:    RCPT before MAIL\n"
    "refs:     5321#4.1.4 5321#D.1\n"
    "level:    SHOULD\n"
    "requires: pipelining STARTTLS\n"
    "tags:     sequence tls-1\n";

// The errors of parsing `text`, as `line: message`.
std::vector<std::string> errors_of(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& error : parse_scenario(text, "t").errors) {
        out.push_back(std::to_string(error.line) + ": " + error.message);
    }
    return out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("the header fields fill the scenario", "[scenario]") {
    auto result = parse_scenario("# a comment\n" + header + "\nS: 220\n", "rfc5321/x");
    REQUIRE(result.ok());
    const auto& s = result.scenario;
    CHECK(s.id == "rfc5321/x");
    CHECK(s.title == "RCPT before MAIL");
    CHECK(s.refs == std::vector<Ref>{{5321, "4.1.4"}, {5321, "D.1"}});
    CHECK(s.level == Level::should);
    CHECK(s.requires_keywords == std::vector<std::string>{"PIPELINING", "STARTTLS"});
    CHECK(s.tags == std::vector<std::string>{"sequence", "tls-1"});
    REQUIRE(s.steps.size() == 1);
    CHECK(s.steps[0].line == 8);
}

TEST_CASE("requires: - needs nothing, tags are optional, CRLF files read alike", "[scenario]") {
    auto result =
        parse_scenario("title: t\r\nrefs: 3207#4\r\nlevel: MAY\r\nrequires: -\r\nS: 220\r\n", "t");
    REQUIRE(result.ok());
    CHECK(result.scenario.requires_keywords.empty());
    CHECK(result.scenario.tags.empty());
    CHECK(result.scenario.level == Level::may);
    CHECK(result.scenario.steps[0].line == 5);
}

TEST_CASE("header errors name the field and the line", "[scenario]") {
    CHECK(errors_of("title: t\nrefs: 5321#4\nlevel: must\nrequires: -\nS: 220\n") ==
          Lines{"3: level is MUST, SHOULD, MAY or INFO, not 'must'"});
    CHECK(errors_of("title: t\nrefs: 5321-4.1\nlevel: MUST\nrequires: -\nS: 220\n") ==
          Lines{"2: '5321-4.1' is not a reference like 5321#4.1.4 (RFC#section)"});
    CHECK(errors_of("title: t\nrefs: 5321#4.x\nlevel: MUST\nrequires: -\nS: 220\n") ==
          Lines{"2: '5321#4.x' is not a reference like 5321#4.1.4 (RFC#section)"});
    CHECK(errors_of("title: t\nrefs: 5321#4\nlevel: INFO\nrequires: -X\nS: 220\n") ==
          Lines{"4: requires lists EHLO keywords (PIPELINING STARTTLS), a keyword with one of its "
                "parameters (AUTH=PLAIN, LIMITS=RCPTMAX) or -, not '-X'"});
    CHECK(errors_of(header + "tags: again\nS: 220\n") ==
          Lines{"6: header field 'tags' given twice (first on line 5)"});
    CHECK(errors_of("title: t\nrefs: 5321#4\nlevel: MUST\nrequires: -\ntags: Upper\nS: 220\n") ==
          Lines{"5: a tag is lower-case letters, digits and -, not 'Upper'"});
    CHECK(errors_of(header + "colour: blue\nS: 220\n") ==
          Lines{"6: unknown header field 'colour' (known: title, refs, requirements, level, "
                "requires, tags, role, and for role: client asks, outcome, message, opening, "
                "refusal)"});
    CHECK(errors_of(header + "role: robot\nS: 220\n") ==
          Lines{"6: role is server (the default) or client, not 'robot'"});
    CHECK(errors_of(header + "outcome: delivered\nS: 220\n") ==
          Lines{"6: outcome belongs to a client scenario: put role: client before it"});
    CHECK(errors_of(header + "S: 220\ntags: late\n") ==
          Lines{"7: header field 'tags' after the first step (line 6)"});
    CHECK(errors_of("title:\nrefs: 5321#4\nlevel: MUST\nrequires: -\nS: 220\n") ==
          Lines{"1: header field 'title' is empty"});
}

TEST_CASE("missing header fields and steps are reported on line 1", "[scenario]") {
    CHECK(errors_of("# nothing\n") ==
          Lines{"1: missing header field 'title'", "1: missing header field 'refs'",
                "1: missing header field 'level'", "1: missing header field 'requires'",
                "1: no steps: a scenario needs C: and S: lines"});
}

TEST_CASE("C: C~ and C> send a line, raw bytes, or queue a line", "[scenario]") {
    auto result =
        parse_scenario(header + "C: EHLO {client}\nC~ \\r\\n.\\r\\n\nC> RSET\nS: 250\n", "t");
    REQUIRE(result.ok());
    const auto& steps = result.scenario.steps;
    REQUIRE(steps.size() == 4);
    CHECK(
        std::get<Send>(steps[0].action) ==
        Send{Send::Mode::line, {{Piece::Kind::bytes, "EHLO "}, {Piece::Kind::variable, "client"}}});
    CHECK(std::get<Send>(steps[1].action) ==
          Send{Send::Mode::raw, {{Piece::Kind::bytes, "\r\n.\r\n"}}});
    CHECK(std::get<Send>(steps[2].action) ==
          Send{Send::Mode::queued, {{Piece::Kind::bytes, "RSET"}}});
    CHECK(steps[3].line == 9);
}

TEST_CASE("a C: payload is everything after one space, trailing blanks included", "[scenario]") {
    auto result = parse_scenario(header + "  C: NOOP  \nC:\n", "t");
    REQUIRE(result.ok());
    CHECK(std::get<Send>(result.scenario.steps[0].action).text ==
          Text{{Piece::Kind::bytes, "NOOP  "}});
    CHECK(std::get<Send>(result.scenario.steps[1].action).text.empty());
}

TEST_CASE("step syntax errors carry their line", "[scenario]") {
    CHECK(errors_of(header + "C:NOOP\n") == Lines{"6: put one space after C:"});
    CHECK(errors_of(header + "S> 250\n") ==
          Lines{"6: unknown step S> (the server's side is S: only)"});
    CHECK(errors_of(header + "send NOOP\n") ==
          Lines{"6: unknown step 'send': expected C:, C~, C>, S:, wait, tls, starttls, "
                "connection, close, repeat or end"});
    CHECK(errors_of(header + "C: \\q\n") ==
          Lines{"6: unknown escape \\q (use \\r \\n \\t \\\\ or \\xHH)"});
    CHECK(errors_of(header + "S: 250\nS: 2\n") ==
          Lines{"7: '2' does not start with a reply code: write 250, 25x, 2xx or <close>"});
    CHECK(errors_of(header + "tls now\n") == Lines{"6: tls takes no argument"});
}

TEST_CASE("a C> queue is sent by the next S: and by nothing else", "[scenario]") {
    CHECK(errors_of(header + "C> MAIL FROM:<{from}>\nC> RSET\nS: 250\nS: 250\n").empty());
    CHECK(errors_of(header + "C> RSET\nC: NOOP\nS: 250\n") ==
          Lines{"7: the C> lines up to line 6 are sent by the next S:; put the S: lines for "
                "their replies first"});
    CHECK(errors_of(header + "C> RSET\nwait 1s\nS: 250\n") ==
          Lines{"7: the C> lines up to line 6 are sent by the next S:; put the S: lines for "
                "their replies first"});
    CHECK(errors_of(header + "S: 220\nC> RSET\n# end\n") ==
          Lines{"7: the C> lines up to here are never sent: add S: lines for their replies"});
}

TEST_CASE("a multi-line reply is written line by line, as in RFC 5321 §4.2.1", "[scenario]") {
    auto result = parse_scenario(header + "S: 250-*\nS: 250-PIPELINING\nS: 250 * => WARN\n", "t");
    REQUIRE(result.ok());
    REQUIRE(result.scenario.steps.size() == 1);
    const auto& alt = std::get<Expect>(result.scenario.steps[0].action).alternatives.at(0);
    CHECK(alt.code.pattern == "250");
    CHECK(alt.exact_lines);
    CHECK(alt.lines == std::vector<std::string>{"*", "PIPELINING", "*"});
    CHECK(alt.verdict == Verdict::warn);
    CHECK(errors_of(header + "S: 250-a\nS: 251 b\n") ==
          Lines{"7: every line of a multi-line reply has the same code (250, not 251)"});
    CHECK(errors_of(header + "S: 250-a\nC: QUIT\n") ==
          Lines{"7: the multi-line reply of line 6 needs its last line (250 text) before this "
                "step"});
    CHECK(errors_of(header + "S: 250-a\n") ==
          Lines{"6: the multi-line reply has no last line (250 text)"});
    CHECK(errors_of(header + "S: 250-a\nS: 250 b | 500\n") ==
          Lines{"7: a line of a multi-line reply takes no alternatives"});
    CHECK(errors_of(header + "S: 250-a => WARN\nS: 250 b\n") ==
          Lines{"6: => goes on the last line of a multi-line reply"});
}

TEST_CASE("wait takes seconds or milliseconds", "[scenario]") {
    auto result = parse_scenario(header + "wait 2s\nwait 500ms\n", "t");
    REQUIRE(result.ok());
    CHECK(std::get<Wait>(result.scenario.steps[0].action).duration.count() == 2000);
    CHECK(std::get<Wait>(result.scenario.steps[1].action).duration.count() == 500);
    const Lines bad{"6: wait takes a duration from 1ms to 600s, like 2s or 500ms"};
    CHECK(errors_of(header + "wait 2\n") == bad);
    CHECK(errors_of(header + "wait 0s\n") == bad);
    CHECK(errors_of(header + "wait 601s\n") == bad);
    CHECK(errors_of(header + "wait 1.5s\n") == bad);
}

TEST_CASE("tls opens a connection, starttls follows a reply", "[scenario]") {
    auto result = parse_scenario(
        header +
            "tls\nS: 220\nC: QUIT\nS: 221\nconnection 2\nS: 220\nC: STARTTLS\nS: 220\n"
            "starttls\n",
        "t");
    REQUIRE(result.ok());
    const auto& steps = result.scenario.steps;
    CHECK(std::get<StartTls>(steps[0].action).implicit);
    CHECK(std::get<Connection>(steps[4].action).number == 2);
    CHECK_FALSE(std::get<StartTls>(steps[8].action).implicit);
    CHECK(errors_of(header + "S: 220\ntls\n") ==
          Lines{"7: tls is the first step of a connection (implicit TLS); after C: STARTTLS and "
                "its 220 write starttls"});
    CHECK(errors_of(header + "starttls\n") ==
          Lines{"6: starttls follows C: STARTTLS and its 220 reply; for implicit TLS write tls"});
}

TEST_CASE("connections are numbered in the order they open", "[scenario]") {
    auto result = parse_scenario(header +
                                     "connection 1\nS: 220\nconnection 2\nS: 421\nconnection 1\n"
                                     "C: QUIT\n",
                                 "t");
    REQUIRE(result.ok());
    CHECK(std::get<Connection>(result.scenario.steps[4].action).number == 1);
    CHECK(errors_of(header + "S: 220\nconnection 3\n") ==
          Lines{"7: connection takes a number from 1 to 2 (the next new one)"});
    CHECK(errors_of(header + "S: 220\nconnection 1\n") ==
          Lines{"7: the steps already use connection 1"});
}

TEST_CASE("a closed connection takes no more steps", "[scenario]") {
    CHECK(errors_of(header + "S: 220\nclose\nC: NOOP\n") ==
          Lines{"8: connection 1 is closed on line 7; open another with connection 2"});
    CHECK(errors_of(header + "S: <close>\nS: 220\n") ==
          Lines{"7: connection 1 is closed on line 6; open another with connection 2"});
    CHECK(errors_of(header + "S: 421 | <close>\nC: NOOP\n").empty());
    CHECK(errors_of(header + "S: <close>\nconnection 2\nS: 220\n").empty());
}

TEST_CASE("N x repeats one step; repeat N ... end repeats a block", "[scenario]") {
    auto result = parse_scenario(
        header + "101 x C> RCPT TO:<{rcpt}>\nrepeat 100\n  S: 250 | 251\nend\nS: 452\n", "t");
    REQUIRE(result.ok());
    const auto& steps = result.scenario.steps;
    REQUIRE(steps.size() == 7);
    CHECK(std::get<RepeatBegin>(steps[0].action).count == 101);
    CHECK(std::get<Send>(steps[1].action).mode == Send::Mode::queued);
    CHECK(std::holds_alternative<RepeatEnd>(steps[2].action));
    CHECK(steps[2].line == 6);
    CHECK(std::get<RepeatBegin>(steps[3].action).count == 100);
    CHECK(steps[4].line == 8);
    CHECK(steps[5].line == 9);
}

TEST_CASE("repeat errors", "[scenario]") {
    CHECK(errors_of(header + "0 x C: NOOP\n") == Lines{"6: a repeat count is 1 to 10000"});
    CHECK(errors_of(header + "3 x tls\n") ==
          Lines{"6: N x repeats one C:, C~, C>, S: or wait step"});
    CHECK(errors_of(header + "repeat 2\n3 x C: NOOP\nend\n") ==
          Lines{"7: repeats do not nest (the repeat of line 6 is still open)"});
    CHECK(errors_of(header + "repeat 2\nrepeat 3\nend\n") ==
          Lines{"7: repeats do not nest (the repeat of line 6 is still open)"});
    CHECK(errors_of(header + "repeat many\n") == Lines{"6: repeat takes a count from 1 to 10000"});
    CHECK(errors_of(header + "S: 220\nend\n") == Lines{"7: end without a repeat"});
    CHECK(errors_of(header + "repeat 2\nend\n") == Lines{"7: the repeat of line 6 has no steps"});
    CHECK(errors_of(header + "repeat 2\nC: NOOP\n") == Lines{"6: repeat without end"});
    CHECK(errors_of(header + "repeat 2\nstarttls\nend\n") ==
          Lines{"7: starttls cannot be inside a repeat block"});
    CHECK(errors_of(header + "3 x S: 250-a\n") ==
          Lines{"6: a repeated S: must be a whole reply on one line"});
}

TEST_CASE("every bad line is reported, in line order", "[scenario]") {
    CHECK(errors_of(header + "C: \\x4\nS: 99\nlevel: MUST\n") ==
          Lines{"6: \\x needs two hex digits, as in \\x00",
                "7: '99' does not start with a reply code: write 250, 25x, 2xx or <close>",
                "8: header field 'level' after the first step (line 6)"});
}

TEST_CASE("format_error gives file:line: message", "[scenario]") {
    CHECK(format_error("scenarios/a.smtp", {12, "bad"}) == "scenarios/a.smtp:12: bad");
}
