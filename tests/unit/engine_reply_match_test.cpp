// Matching received replies against `S:` steps (docs/scenario-format.md "Expecting: S:"):
// codes and classes (RFC 5321 §4.2.1), enhanced codes (RFC 3463 §2), text patterns,
// multi-line replies, EHLO keywords (RFC 5321 §4.1.1.1), `<close>`, the order of
// alternatives, their verdicts, and the report text. Expectations come from the scenario
// parser, so parser and engine are shown to agree.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/reply_match.hpp"
#include "scenario/scenario_parser.hpp"

using ehlo::engine::Match;
using ehlo::engine::Received;
using ehlo::engine::Verdict;
using ehlo::wire::WireReply;
namespace engine = ehlo::engine;
namespace scenario = ehlo::scenario;

namespace {

// The expectation of one `S:` payload, through the parser.
scenario::Expect expect(std::string_view payload) {
    std::string error;
    auto line = scenario::parse_reply_line(payload, false, error);
    INFO(payload << ": " << error);
    REQUIRE(line.has_value());
    REQUIRE_FALSE(line->continues);
    return line->expect;
}

Received reply(int code, std::vector<std::string> lines) {
    return Received::of(WireReply{code, std::move(lines)});
}

// The index of the alternative of `payload` that `received` fits, or -1.
int fitting(std::string_view payload, const Received& received) {
    const Match m = engine::match(expect(payload), received);
    return m.alternative ? static_cast<int>(*m.alternative) : -1;
}

bool fits(std::string_view payload, const Received& received) {
    return fitting(payload, received) >= 0;
}

// A whole scenario from its text; fails the test on a parse error.
scenario::Scenario parse(std::string_view text) {
    auto result = scenario::parse_scenario(text, "test/engine");
    for (const auto& e : result.errors)
        UNSCOPED_INFO(e.line << ": " << e.message);
    REQUIRE(result.ok());
    return result.scenario;
}

// The `S:` steps of a scenario, in order.
std::vector<scenario::Expect> expects(const scenario::Scenario& s) {
    std::vector<scenario::Expect> out;
    for (const auto& step : s.steps) {
        if (const auto* e = std::get_if<scenario::Expect>(&step.action)) out.push_back(*e);
    }
    return out;
}

const WireReply ehlo_reply{250,
                           {"mx.example.test Hello", "PIPELINING", "SIZE 10240000", "8BITMIME",
                            "starttls", "AUTH PLAIN LOGIN"}};

}  // namespace

TEST_CASE("a code fits exactly, a class by its digits", "[engine]") {
    CHECK(fits("250", reply(250, {"OK"})));
    CHECK_FALSE(fits("250", reply(251, {"OK"})));
    CHECK(fits("25x", reply(251, {"OK"})));
    CHECK_FALSE(fits("25x", reply(260, {"OK"})));
    CHECK(fits("2xx", reply(299, {"OK"})));
    CHECK_FALSE(fits("2xx", reply(354, {"go on"})));
    CHECK(fits("5xx", reply(503, {"5.5.1 Bad sequence"})));
    CHECK_FALSE(fits("5xx", reply(421, {"closing"})));
}

TEST_CASE("the first alternative that fits wins, in order", "[engine]") {
    CHECK(fitting("503 | 5xx => WARN", reply(503, {"x"})) == 0);
    CHECK(fitting("503 | 5xx => WARN", reply(550, {"x"})) == 1);
    CHECK(fitting("503 | 5xx => WARN", reply(250, {"x"})) == -1);
    // An earlier alternative shadows a later one that also fits.
    CHECK(fitting("5xx => WARN | 503", reply(503, {"x"})) == 0);
    CHECK(fitting("550 | 551 | 553 | 554", reply(553, {"x"})) == 2);
}

TEST_CASE("each alternative carries its own verdict", "[engine]") {
    const auto e = expect("250 2.1.5 | 251 2.1.5 => INFO | 2xx => WARN | 5xx => FAIL");
    const Match pass = engine::match(e, reply(250, {"2.1.5 OK"}));
    CHECK(pass == Match{0, scenario::Verdict::pass});
    CHECK_FALSE(pass.broken());
    const Match info = engine::match(e, reply(251, {"2.1.5 forwarded"}));
    CHECK(info == Match{1, scenario::Verdict::info});
    CHECK(engine::step_verdict(info, scenario::Level::must) == Verdict::info);
    const Match warn = engine::match(e, reply(250, {"OK"}));
    CHECK(warn == Match{2, scenario::Verdict::warn});
    CHECK(engine::step_verdict(warn, scenario::Level::may) == Verdict::warn);
    const Match fail = engine::match(e, reply(550, {"no"}));
    CHECK(fail == Match{3, scenario::Verdict::fail});
    CHECK(fail.broken());
    const Match none = engine::match(e, reply(421, {"bye"}));
    CHECK_FALSE(none.alternative.has_value());
    CHECK(none.broken());
}

TEST_CASE("a broken step is FAIL, WARN or INFO by the scenario's level", "[engine]") {
    const auto e = expect("503 | 554 => FAIL");
    for (const auto& received : {reply(250, {"OK"}), reply(554, {"no"})}) {
        const Match m = engine::match(e, received);
        REQUIRE(m.broken());
        CHECK(engine::step_verdict(m, scenario::Level::must) == Verdict::fail);
        CHECK(engine::step_verdict(m, scenario::Level::should) == Verdict::warn);
        CHECK(engine::step_verdict(m, scenario::Level::may) == Verdict::info);
        CHECK(engine::step_verdict(m, scenario::Level::info) == Verdict::info);
    }
    const Match ok = engine::match(e, reply(503, {"sequence"}));
    CHECK(engine::step_verdict(ok, scenario::Level::must) == Verdict::pass);
}

TEST_CASE("an enhanced code is checked at the start of the first line", "[engine]") {
    CHECK(fits("250 2.1.0", reply(250, {"2.1.0 Sender OK"})));
    CHECK_FALSE(fits("250 2.1.0", reply(250, {"2.1.5 Recipient OK"})));
    CHECK_FALSE(fits("250 2.1.0", reply(250, {"Sender OK"})));
    CHECK_FALSE(fits("250 2.1.0", reply(250, {"OK 2.1.0"})));
    // Only the first line counts.
    CHECK_FALSE(fits("250 2.1.0", reply(250, {"fine", "2.1.0 Sender OK"})));
    CHECK(fits("5xx 5.x.x", reply(550, {"5.7.1 relaying denied"})));
    CHECK(fits("5xx 5.x.x", reply(554, {"5.123.45 odd but valid"})));
    CHECK_FALSE(fits("5xx 5.x.x", reply(550, {"4.7.1 try later"})));
    CHECK_FALSE(fits("5xx 5.x.x", reply(550, {"5.7 short"})));
    CHECK_FALSE(fits("5xx 5.x.x", reply(550, {"5.1234.1 too long"})));
}

TEST_CASE("enhanced codes compare part by part", "[engine]") {
    CHECK(engine::is_enhanced_code("2.1.0"));
    CHECK(engine::is_enhanced_code("5.123.999"));
    CHECK_FALSE(engine::is_enhanced_code("3.1.0"));
    CHECK_FALSE(engine::is_enhanced_code("2.1"));
    CHECK_FALSE(engine::is_enhanced_code("2.1.0."));
    CHECK_FALSE(engine::is_enhanced_code("2..0"));
    CHECK_FALSE(engine::is_enhanced_code("2.a.0"));
    CHECK_FALSE(engine::is_enhanced_code("25.1.0"));
    CHECK(engine::enhanced_code_fits("2.1.0", "2.1.00"));
    CHECK(engine::enhanced_code_fits("2.x.x", "2.7.0"));
    CHECK(engine::enhanced_code_fits("5.x.1", "5.7.1"));
    CHECK_FALSE(engine::enhanced_code_fits("5.x.1", "5.7.2"));
    CHECK_FALSE(engine::enhanced_code_fits("5.x.x", "4.7.1"));
    CHECK_FALSE(engine::enhanced_code_fits("2.1.0", "2.10.0"));
}

TEST_CASE("a one-line text pattern may fit any line, without case", "[engine]") {
    CHECK(fits("220 *ESMTP*", reply(220, {"mx.example.test esmtp ready"})));
    CHECK(fits("220 *ESMTP*", reply(220, {"mx.example.test", "ESMTP here"})));
    CHECK_FALSE(fits("220 *ESMTP*", reply(220, {"mx.example.test SMTP ready"})));
    CHECK_FALSE(fits("220 *ESMTP*", reply(221, {"ESMTP bye"})));
    CHECK(fits("220 *", reply(220, {""})));
    CHECK(fits("220 *", Received::of(WireReply{220, {}})));
    CHECK(fits("250 OK", reply(250, {"ok"})));
    CHECK_FALSE(fits("250 OK", reply(250, {"OK then"})));
    // Escapes: a literal star, a literal bar.
    CHECK(fits("250 a\\*b", reply(250, {"a*b"})));
    CHECK_FALSE(fits("250 a\\*b", reply(250, {"aXb"})));
    CHECK(fits("250 *a\\|b*", reply(250, {"x a|b y"})));
}

TEST_CASE("with an enhanced code, the pattern fits the text after it", "[engine]") {
    CHECK(fits("250 2.0.0 *ok*", reply(250, {"2.0.0 Ok: queued as 1234"})));
    CHECK(fits("250 2.0.0 Ok*", reply(250, {"2.0.0 Ok: queued as 1234"})));
    CHECK_FALSE(fits("250 2.0.0 *queued*", reply(250, {"2.0.0 accepted"})));
    // Any line may hold the text; lines with their own enhanced code are read after it.
    CHECK(fits("250 2.0.0 queued*", reply(250, {"2.0.0 accepted", "2.0.0 queued as 7"})));
    CHECK(fits("250 2.0.0 queued*", reply(250, {"2.0.0 accepted", "queued as 7"})));
    // Without one, the pattern sees the whole line.
    CHECK_FALSE(fits("250 Ok*", reply(250, {"2.0.0 Ok"})));
}

TEST_CASE("EHLO keywords are present or absent after the first line", "[engine]") {
    const auto ehlo = Received::of(ehlo_reply);
    CHECK(fits("250 +PIPELINING", ehlo));
    CHECK(fits("250 +STARTTLS", ehlo));  // the keyword compares without case
    CHECK(fits("250 +size +AUTH", ehlo));
    CHECK(fits("250 -CHUNKING", ehlo));
    CHECK(fits("250 +PIPELINING -CHUNKING -SMTPUTF8", ehlo));
    CHECK_FALSE(fits("250 -PIPELINING", ehlo));
    CHECK_FALSE(fits("250 +PIPELINING +CHUNKING", ehlo));
    CHECK_FALSE(fits("2xx +DSN", ehlo));
    CHECK_FALSE(fits("251 +PIPELINING", ehlo));
    // The keyword is the first word of a line, never the greeting, never a parameter.
    CHECK_FALSE(fits("250 +MX", Received::of(WireReply{250, {"MX hello", "SIZE"}})));
    CHECK_FALSE(fits("250 +PLAIN", ehlo));
    CHECK_FALSE(fits("250 +PIPE", ehlo));
    CHECK(engine::advertises(ehlo_reply, "8bitmime"));
    CHECK_FALSE(engine::advertises(WireReply{250, {"PIPELINING"}}, "PIPELINING"));
}

TEST_CASE("<close> fits the server closing, and only that", "[engine]") {
    CHECK(fits("<close>", Received::closed()));
    CHECK_FALSE(fits("<close>", reply(221, {"bye"})));
    CHECK_FALSE(fits("<close>", Received::timeout()));
    CHECK(fitting("421 | <close> => WARN", reply(421, {"closing"})) == 0);
    const Match closed = engine::match(expect("421 | <close> => WARN"), Received::closed());
    CHECK(closed == Match{1, scenario::Verdict::warn});
    CHECK_FALSE(fits("2xx | 5xx", Received::closed()));
}

TEST_CASE("a time-out or a malformed reply fits no alternative", "[engine]") {
    for (const auto& received : {Received::timeout(), Received::malformed("bare LF")}) {
        CHECK_FALSE(fits("2xx | 3xx | 4xx | 5xx | <close>", received));
        CHECK(engine::match(expect("250"), received).broken());
    }
}

TEST_CASE("a multi-line expectation fits line for line, with the line count", "[engine]") {
    const auto s = parse(
        "title: EHLO lists PIPELINING second\nrefs: 5321#4.2.1\nlevel: MUST\nrequires: -\n\n"
        "S: 220 *\nC: EHLO {client}\nS: 250-*\nS: 250-pipelining\nS: 250 * => INFO\n");
    const auto steps = expects(s);
    REQUIRE(steps.size() == 2);
    const auto& multi = steps[1];
    REQUIRE(multi.alternatives.size() == 1);
    const auto fitted = engine::match(multi, reply(250, {"mx Hello", "PIPELINING", "SIZE 10"}));
    CHECK(fitted == Match{0, scenario::Verdict::info});
    // One line more, one line fewer, a line out of place, another code: all broken.
    CHECK(engine::match(multi, reply(250, {"mx", "PIPELINING", "SIZE", "DSN"})).broken());
    CHECK(engine::match(multi, reply(250, {"mx", "PIPELINING"})).broken());
    CHECK(engine::match(multi, reply(250, {"mx", "SIZE", "PIPELINING"})).broken());
    CHECK(engine::match(multi, reply(251, {"mx", "PIPELINING", "SIZE"})).broken());
}

TEST_CASE("a whole scenario's steps match a dialogue", "[engine]") {
    const auto s = parse(
        "# RCPT with no MAIL before it is out of sequence.\n"
        "title:    RCPT before MAIL is a bad sequence of commands\n"
        "refs:     5321#4.1.4 5321#4.3.2\nlevel:    SHOULD\nrequires: -\n\n"
        "S: 220 *\nC: EHLO {client}\nS: 250 +PIPELINING\nC: RCPT TO:<{rcpt}>\n"
        "S: 503 | 5xx => WARN\nC: QUIT\nS: 221\nS: <close>\n");
    const auto steps = expects(s);
    REQUIRE(steps.size() == 5);
    const std::vector<Received> dialogue = {reply(220, {"mx.example.test ESMTP"}),
                                            Received::of(ehlo_reply), reply(550, {"5.5.1 no MAIL"}),
                                            reply(221, {"2.0.0 bye"}), Received::closed()};
    std::vector<Verdict> verdicts;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Match m = engine::match(steps[i], dialogue[i]);
        CHECK_FALSE(m.broken());
        verdicts.push_back(engine::step_verdict(m, s.level));
    }
    CHECK(verdicts == std::vector<Verdict>{Verdict::pass, Verdict::pass, Verdict::warn,
                                           Verdict::pass, Verdict::pass});
    CHECK(engine::worst(verdicts) == Verdict::warn);
    // A 250 to the out-of-sequence RCPT breaks the SHOULD: WARN, and the scenario ends.
    const Match accepted = engine::match(steps[2], reply(250, {"2.1.5 OK"}));
    CHECK(accepted.broken());
    CHECK(engine::step_verdict(accepted, s.level) == Verdict::warn);
}

TEST_CASE("an expectation is described as the scenario writes it", "[engine]") {
    CHECK(engine::describe(expect("503 | 5xx => WARN")) == "503 | 5xx => WARN");
    CHECK(engine::describe(expect("250 2.1.5 | 251 2.1.5 | 2xx => INFO")) ==
          "250 2.1.5 | 251 2.1.5 | 2xx => INFO");
    CHECK(engine::describe(expect("250 2.0.0 *ok*")) == "250 2.0.0 *ok*");
    CHECK(engine::describe(expect("250 +PIPELINING -chunking")) == "250 +PIPELINING -CHUNKING");
    CHECK(engine::describe(expect("421 | <close> => WARN")) == "421 | <close> => WARN");
    CHECK(engine::describe(expect("554 | 250 => FAIL")) == "554 | 250 => FAIL");
    CHECK(engine::describe(expect("250 a\\*b\\|c \\=> d")) == "250 a\\*b\\|c \\=> d");
    CHECK(engine::describe(expect("250 \\+x")) == "250 \\+x");
    const auto s = parse(
        "title: t\nrefs: 5321#4.2.1\nlevel: MUST\nrequires: -\n\n"
        "S: 250-*\nS: 250-PIPELINING\nS: 250 * => WARN\n");
    CHECK(engine::describe(expects(s).at(0)) == "250-*\n250-PIPELINING\n250 * => WARN");
}

TEST_CASE("what was received is described as it came over the wire", "[engine]") {
    CHECK(engine::describe(reply(250, {"2.1.5 OK"})) == "250 2.1.5 OK");
    CHECK(engine::describe(reply(250, {""})) == "250");
    CHECK(engine::describe(reply(250, {"mx", "", "SIZE"})) == "250-mx\n250-\n250 SIZE");
    CHECK(engine::describe(reply(550, {"bad\x01\x7f"})) == "550 bad\\x01\\x7f");
    CHECK(engine::describe(Received::closed()) == "<close>");
    CHECK(engine::describe(Received::timeout()) == "no reply within the time limit");
    CHECK(engine::describe(Received::malformed("a bare LF")) == "a malformed reply: a bare LF");
}

TEST_CASE("a report explains expected against received", "[engine]") {
    CHECK(engine::explain(expect("503 | 5xx => WARN"), reply(250, {"2.1.5 OK"})) ==
          "expected: 503 | 5xx => WARN\nreceived: 250 2.1.5 OK");
    CHECK(engine::explain(expect("250 +CHUNKING"), reply(250, {"mx", "SIZE"})) ==
          "expected: 250 +CHUNKING\n"
          "received: 250-mx\n"
          "          250 SIZE");
    CHECK(engine::explain(expect("221"), Received::timeout()) ==
          "expected: 221\nreceived: no reply within the time limit");
}
