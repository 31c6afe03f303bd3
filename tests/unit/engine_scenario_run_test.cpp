// Running whole scenarios with no socket (scenario_run.hpp, docs/scenario-format.md): a scripted
// driver (engine_run_driver.hpp) answers each request, and the tests read the requests made,
// the verdict and the wire log. Covered here: every kind of sending step, the `C>` queue sent
// by the next `S:` (RFC 2920 §3.1), repeats, variables, WARN and INFO going on, broken steps by
// level, and the log with its cap. The server closing, failures, TLS and connections are in
// engine_scenario_close_test.cpp.
#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "engine_run_driver.hpp"

using namespace engine_test;

TEST_CASE("a scenario that passes: requests, verdict, header and log", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {"mx.example ESMTP"}), reply(250, {"mx.example", "PIPELINING"}),
                 reply(221, {"bye"})};
    const auto r = d.run(parse(greeting_and_ehlo + "C: QUIT\nS: 221\n"));
    CHECK(d.trace == Lines{"open 1", "read 1", "write 1 EHLO client.example\r\n", "read 1",
                           "write 1 QUIT\r\n", "read 1", "close 1", "finished"});
    CHECK(r.verdict == Verdict::pass);
    CHECK(r.reason.empty());
    CHECK(r.decisive_line == 0);
    CHECK(r.explanation.empty());
    CHECK(r.id == "test/run");
    CHECK(r.title == "A test scenario");
    CHECK(r.refs == std::vector<scenario::Ref>{{5321, "4.1.4"}, {2920, "3.1"}});
    CHECK(r.level == scenario::Level::must);
    CHECK(r.tags == Lines{"sequence", "test"});
    CHECK(log_of(r) == Lines{"1 * connection opened", "1 S: 220 mx.example ESMTP",
                             "1 C: EHLO client.example", "1 S: 250-mx.example",
                             "1 S: 250 PIPELINING", "1 C: QUIT", "1 S: 221 bye",
                             "1 * closed by client"});
    CHECK(r.duration == Millis(8));
}

TEST_CASE("log lines carry the time and the step's line", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {"hi"}), reply(250, {"ok"})};
    const auto r = d.run(parse(greeting_and_ehlo));
    REQUIRE(r.log.size() == 5);
    CHECK(r.log[0].at == Millis(1));  // opened, answered at the time of the request
    CHECK(r.log[0].step_line == 6);
    CHECK(r.log[1].step_line == 6);  // S: 220
    CHECK(r.log[1].at == Millis(2));
    CHECK(r.log[2].step_line == 7);  // C: EHLO, logged when written
    CHECK(r.log[2].at == Millis(3));
    CHECK(r.log[3].step_line == 8);
    CHECK(r.log[4].text == "closed by client");
    CHECK(r.log[4].step_line == 0);  // the end of the scenario, no step
}

TEST_CASE("C: sends the line and CRLF, C~ the bytes exactly", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), reply(250, {}), reply(354, {}), reply(250, {})};
    const auto r = d.run(parse(greeting_and_ehlo + "C: DATA\nS: 354\n"
                                                   "C~ Subject: t\\r\\n\\r\\nbody\\n.\\n\n"
                                                   "C~ \\x00\\t\\r\\n.\\r\\n\n"
                                                   "C:\n"
                                                   "S: 250\n"));
    CHECK(d.trace == Lines{"open 1", "read 1", "write 1 EHLO client.example\r\n", "read 1",
                           "write 1 DATA\r\n", "read 1", "write 1 Subject: t\r\n\r\nbody\n.\n",
                           std::string("write 1 \x00\t\r\n.\r\n", 15), "write 1 \r\n", "read 1",
                           "close 1", "finished"});
    CHECK(r.verdict == Verdict::pass);
    const auto log = log_of(r);
    const Lines sent(log.begin() + 6, log.begin() + 12);
    CHECK(sent == Lines{"1 C: Subject: t", "1 C: ", "1 C: body\\x0a.\\x0a", "1 C: \\x00\\x09",
                        "1 C: .", "1 C: "});
}

TEST_CASE("C> lines are queued and the next S: sends them in one write", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), reply(250, {}), reply(250, {"ok"}), reply(550, {"no such user"}),
                 reply(250, {"reset"})};
    const auto r = d.run(parse(greeting_and_ehlo + "C> MAIL FROM:<{from}>\n"
                                                   "C> RCPT TO:<nobody@invalid.example>\n"
                                                   "C> RSET\n"
                                                   "S: 250\n"
                                                   "S: 550 | 551 | 553 | 554\n"
                                                   "S: 250\n"));
    CHECK(d.trace == Lines{"open 1", "read 1", "write 1 EHLO client.example\r\n", "read 1",
                           "write 1 MAIL FROM:<a@example.test>\r\n"
                           "RCPT TO:<nobody@invalid.example>\r\nRSET\r\n",
                           "read 1", "read 1", "read 1", "close 1", "finished"});
    CHECK(r.verdict == Verdict::pass);
    const auto log = log_of(r);
    CHECK(Lines(log.begin() + 4, log.begin() + 7) == Lines{"1 C: MAIL FROM:<a@example.test>",
                                                           "1 C: RCPT TO:<nobody@invalid.example>",
                                                           "1 C: RSET"});
}

TEST_CASE("a broken reply to a pipelined command names that command", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), reply(250, {"ok"}), reply(250, {"accepted"})};
    const auto r =
        d.run(parse("S: 220\n"
                    "C> MAIL FROM:<{from}>\n"
                    "C> RCPT TO:<nobody@invalid.example>\n"
                    "S: 250\n"
                    "S: 550 | 551 | 553 | 554\n"));
    CHECK(r.verdict == Verdict::fail);
    CHECK(r.decisive_line == 10);
    CHECK(r.reason ==
          "the reply to RCPT TO:<nobody@invalid.example> was 250 accepted; expected 550 | 551 | "
          "553 | 554");
}

TEST_CASE("repeat blocks and N x STEP run their steps N times", "[engine][run]") {
    Driver d;
    for (int i = 0; i < 8; ++i)
        d.replies.push_back(reply(250, {}));
    const auto r =
        d.run(parse("repeat 3\n"
                    "  C: RCPT TO:<{rcpt}>\n"
                    "  S: 250 | 251\n"
                    "end\n"
                    "2 x C> NOOP\n"
                    "2 x S: 250\n"
                    "3 x wait 5ms\n"));
    const std::string rcpt = "write 1 RCPT TO:<b@example.test>\r\n";
    CHECK(d.trace == Lines{"open 1", rcpt, "read 1", rcpt, "read 1", rcpt, "read 1",
                           "write 1 NOOP\r\nNOOP\r\n", "read 1", "read 1", "sleep 5", "sleep 5",
                           "sleep 5", "close 1", "finished"});
    CHECK(r.verdict == Verdict::pass);
}

TEST_CASE("the time scale multiplies every wait, and the log says so", "[engine][run]") {
    Driver d;
    d.time_scale = 0.01;
    d.replies = {reply(220, {"mx"}), reply(250, {"ok"})};
    const auto r = d.run(parse("S: 220\nwait 300s\nC: NOOP\nS: 250\nwait 10ms\nwait 40ms\n"));
    CHECK(d.trace == Lines{"open 1", "read 1", "sleep 3000", "write 1 NOOP\r\n", "read 1",
                           "sleep 1", "sleep 1", "close 1", "finished"});
    CHECK(r.verdict == Verdict::pass);
    CHECK(log_of(r).at(2) == "1 * wait 3000 ms (300000 ms at time scale 0.01)");

    Driver slower;
    slower.time_scale = 2.5;
    const auto longer = slower.run(parse("wait 2s\n"));
    CHECK(slower.trace == Lines{"open 1", "sleep 5000", "close 1", "finished"});
    CHECK(longer.verdict == Verdict::pass);
    CHECK(engine::format_scale(0.01) == "0.01");
    CHECK(engine::format_scale(2) == "2");
}

TEST_CASE("variables are filled in; a missing one gives SKIP before anything is sent",
          "[engine][run]") {
    const auto s = parse("S: 220\nC: MAIL FROM:<{from}>\nS: 250\nC: RCPT TO:<{rcpt}>\nS: 250\n");
    Driver d;
    const auto r = d.run(s, {{"from", "a@example.test"}});
    CHECK(d.trace == Lines{"finished"});
    CHECK(r.verdict == Verdict::skip);
    CHECK(r.reason == "the variable {rcpt} has no value");
    CHECK(r.log.empty());
    CHECK(r.id == "test/run");

    Driver none;
    CHECK(none.run(s, {}).reason == "the variables {from}, {rcpt} have no value");

    Driver filled;
    filled.replies = {reply(220, {}), reply(250, {}), reply(250, {})};
    CHECK(filled.run(s, {{"from", ""}, {"rcpt", "x@y"}}).verdict == Verdict::pass);
    CHECK(filled.trace.at(2) == "write 1 MAIL FROM:<>\r\n");
    CHECK(filled.trace.at(4) == "write 1 RCPT TO:<x@y>\r\n");
}

TEST_CASE("a broken step ends the scenario with the verdict of its level", "[engine][run]") {
    const std::string steps = "S: 220\nC: RCPT TO:<{rcpt}>\nS: 503 | 5xx\nC: QUIT\nS: 221\n";
    const std::pair<std::string_view, Verdict> cases[] = {{"MUST", Verdict::fail},
                                                          {"SHOULD", Verdict::warn},
                                                          {"MAY", Verdict::info},
                                                          {"INFO", Verdict::info}};
    for (const auto& [level, verdict] : cases) {
        INFO(level);
        Driver d;
        d.replies = {reply(220, {"hi"}), reply(250, {"2.1.5 OK"}), reply(221, {})};
        const auto r = d.run(parse(steps, level));
        CHECK(r.verdict == verdict);
        CHECK(d.trace == Lines{"open 1", "read 1", "write 1 RCPT TO:<b@example.test>\r\n", "read 1",
                               "close 1", "finished"});
        CHECK(r.decisive_line == 8);
        CHECK(r.reason ==
              "the reply to RCPT TO:<b@example.test> was 250 2.1.5 OK; expected "
              "503 | 5xx");
        CHECK(r.explanation == "expected: 503 | 5xx\nreceived: 250 2.1.5 OK");
    }
}

TEST_CASE("a reply fitting => FAIL is broken", "[engine][run]") {
    Driver d;
    d.replies = {reply(554, {"go away"})};
    const auto r = d.run(parse("S: 220 | 554 => FAIL\nC: QUIT\nS: 221\n", "SHOULD"));
    CHECK(r.verdict == Verdict::warn);
    CHECK(r.reason == "the greeting was 554 go away; it fits 554 => FAIL");
    CHECK(r.decisive_line == 6);
    CHECK(r.explanation == "expected: 220 | 554 => FAIL\nreceived: 554 go away");
}

TEST_CASE("WARN and INFO go on; the worst decides, the first of it explains", "[engine][run]") {
    const std::string steps =
        "S: 220\n"
        "C: NOOP x\n"
        "S: 250 | 500 => INFO\n"
        "C: NOOP y\n"
        "S: 250 | 500 => WARN\n"
        "C: NOOP z\n"
        "S: 250 | 500 => WARN\n"
        "C: QUIT\n"
        "S: 221\n";
    Driver d;
    d.replies = {reply(220, {}), reply(500, {"a"}), reply(500, {"b"}), reply(500, {"c"}),
                 reply(221, {})};
    const auto r = d.run(parse(steps));
    CHECK(d.trace.size() == 12);  // every step ran
    CHECK(r.verdict == Verdict::warn);
    CHECK(r.decisive_line == 10);
    CHECK(r.reason == "the reply to NOOP y was 500 b; it fits 500 => WARN");
    CHECK(r.explanation == "expected: 250 | 500 => WARN\nreceived: 500 b");

    Driver info;
    info.replies = {reply(220, {}), reply(500, {"a"}), reply(250, {}), reply(250, {}),
                    reply(221, {})};
    const auto i = info.run(parse(steps));
    CHECK(i.verdict == Verdict::info);
    CHECK(i.decisive_line == 8);

    // A WARN seen before a broken step of a SHOULD scenario stays the verdict; the broken
    // step ends the run.
    Driver should;
    should.replies = {reply(220, {}), reply(500, {"a"}), reply(500, {"b"}), reply(421, {"bye"})};
    const auto sh = should.run(
        parse("S: 220\nC: NOOP x\nS: 250 | 500 => WARN\nC: NOOP y\nS: 250 | 500 => INFO\n"
              "C: NOOP z\nS: 250\nC: QUIT\nS: 221\n",
              "SHOULD"));
    CHECK(sh.verdict == Verdict::warn);
    CHECK(sh.decisive_line == 12);  // a tie: the step that ends the run explains
    CHECK(should.trace.size() == 10);

    // In a MAY scenario no step goes past INFO, a `=> WARN` included.
    Driver may;
    may.replies = {reply(220, {}), reply(250, {}), reply(500, {"b"}), reply(421, {"bye"})};
    const auto m = may.run(parse(steps, "MAY"));
    CHECK(m.verdict == Verdict::info);
    CHECK(m.decisive_line == 12);
    CHECK(may.trace.size() == 10);  // ended at line 12
}

TEST_CASE("a multi-line reply is logged line by line and judged whole", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), reply(250, {"mx", "PIPELINING", ""}),
                 reply(550, {"one", "two", "three"})};
    const auto r = d.run(parse(greeting_and_ehlo + "C: NOOP\nS: 250\n"));
    CHECK(log_of(r).at(3) == "1 S: 250-mx");
    CHECK(log_of(r).at(4) == "1 S: 250-PIPELINING");
    CHECK(log_of(r).at(5) == "1 S: 250");
    CHECK(r.verdict == Verdict::fail);
    CHECK(r.reason == "the reply to NOOP was 550-one (and 2 more lines); expected 250");
    CHECK(r.explanation ==
          "expected: 250\nreceived: 550-one\n          550-two\n          550 three");
}

TEST_CASE("the log keeps its head and tail and notes what it left out", "[engine][run]") {
    Driver d;
    d.replies.push_back(reply(220, {}));
    for (int i = 0; i < 3000; ++i)
        d.replies.push_back(reply(250, {"ok " + std::to_string(i)}));
    const auto r = d.run(parse("S: 220\nrepeat 3000\nC: NOOP\nS: 250\nend\n"));
    CHECK(r.verdict == Verdict::pass);
    // 1 note + 1 greeting + 6000 lines + 1 close = 6003 lines; 1000 + 1000 kept.
    REQUIRE(r.log.size() == 2001);
    CHECK(r.log.at(1000).side == engine::LogLine::Side::note);
    CHECK(r.log.at(1000).text == "log truncated: 4003 lines left out");
    CHECK(r.log.at(1000).at == r.log.at(1001).at);
    CHECK(r.log.at(999).text == "250 ok 498");
    CHECK(r.log.back().text == "closed by client");
    CHECK(r.log.at(r.log.size() - 2).text == "250 ok 2999");
}
