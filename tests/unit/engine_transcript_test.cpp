// The pieces of a scenario's report that are not the run itself: the wire-log lines of a write
// (CRLF ends a line, RFC 5321 §2.3.8; every other control byte shows as \xHH) and of a reply
// (RFC 5321 §4.2.1), the bounded log, the reason line of a step's verdict, the log prefixes and
// the tally of a run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/result.hpp"
#include "engine/transcript.hpp"
#include "scenario/scenario_parser.hpp"

using ehlo::engine::LogLine;
using ehlo::engine::Received;
using ehlo::engine::Verdict;
using ehlo::wire::WireReply;
namespace engine = ehlo::engine;
namespace scenario = ehlo::scenario;

namespace {

using Lines = std::vector<std::string>;

scenario::Expect expect(std::string_view payload) {
    std::string error;
    auto line = scenario::parse_reply_line(payload, false, error);
    INFO(payload << ": " << error);
    REQUIRE(line.has_value());
    return line->expect;
}

std::string reason(std::string_view payload, const Received& received,
                   const engine::Answered& answered) {
    const auto e = expect(payload);
    return engine::step_reason(e, received, engine::match(e, received), answered);
}

LogLine line(int n) {
    return LogLine{std::chrono::milliseconds(n), 1, LogLine::Side::client, std::to_string(n), n};
}

}  // namespace

TEST_CASE("control bytes are written \\xHH, other bytes as they are", "[engine][log]") {
    CHECK(engine::escape_bytes("plain text") == "plain text");
    CHECK(engine::escape_bytes(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(engine::escape_bytes("\t\r\n\x1b\x7f") == "\\x09\\x0d\\x0a\\x1b\\x7f");
    CHECK(engine::escape_bytes("caf\xc3\xa9 \\x") == "caf\xc3\xa9 \\x");
}

TEST_CASE("a write gives one log line per CRLF line", "[engine][log]") {
    CHECK(engine::client_log_lines("EHLO a\r\n") == Lines{"EHLO a"});
    CHECK(engine::client_log_lines("MAIL\r\nRCPT\r\nDATA\r\n") == Lines{"MAIL", "RCPT", "DATA"});
    CHECK(engine::client_log_lines("\r\n") == Lines{""});
    CHECK(engine::client_log_lines("\r\n\r\n") == Lines{"", ""});
    CHECK(engine::client_log_lines("no end") == Lines{"no end"});
    CHECK(engine::client_log_lines("a\r\nrest") == Lines{"a", "rest"});
    CHECK(engine::client_log_lines("bare\nLF\r\n") == Lines{"bare\\x0aLF"});
    CHECK(engine::client_log_lines("bare CR\r") == Lines{"bare CR\\x0d"});
    CHECK(engine::client_log_lines("\r\r\n") == Lines{"\\x0d"});
    CHECK(engine::client_log_lines("").empty());
}

TEST_CASE("a reply gives its lines as on the wire", "[engine][log]") {
    CHECK(engine::server_log_lines(WireReply{250, {"OK"}}) == Lines{"250 OK"});
    CHECK(engine::server_log_lines(WireReply{250, {"mx", "SIZE 10", "8BITMIME"}}) ==
          Lines{"250-mx", "250-SIZE 10", "250 8BITMIME"});
    CHECK(engine::server_log_lines(WireReply{250, {}}) == Lines{"250"});
    CHECK(engine::server_log_lines(WireReply{250, {""}}) == Lines{"250"});
    CHECK(engine::server_log_lines(WireReply{250, {"", ""}}) == Lines{"250-", "250"});
    CHECK(engine::server_log_lines(WireReply{550, {"bad\x01"}}) == Lines{"550 bad\\x01"});
}

TEST_CASE("the transcript keeps head and tail around one note", "[engine][log]") {
    engine::Transcript small(2, 2);
    for (int i = 1; i <= 4; ++i)
        small.add(line(i));
    CHECK(small.dropped() == 0);
    CHECK(small.lines().size() == 4);

    engine::Transcript t(2, 2);
    for (int i = 1; i <= 7; ++i)
        t.add(line(i));
    CHECK(t.dropped() == 3);
    const auto lines = t.lines();
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == line(1));
    CHECK(lines[1] == line(2));
    CHECK(lines[2].side == LogLine::Side::note);
    CHECK(lines[2].text == "log truncated: 3 lines left out");
    CHECK(lines[2].at == std::chrono::milliseconds(6));
    CHECK(lines[3] == line(6));
    CHECK(lines[4] == line(7));
}

LogLine server_line(int n, std::size_t octets) {
    return LogLine{std::chrono::milliseconds(n), 1, LogLine::Side::server,
                   "250-" + std::string(octets - 4, 'x'), n};
}

std::size_t text_octets(const std::vector<LogLine>& lines) {
    std::size_t octets = 0;
    for (const LogLine& l : lines)
        octets += l.text.size();
    return octets;
}

TEST_CASE("the transcript is bounded in octets: a fat reply keeps head and tail", "[engine][log]") {
    // A reply of 1000 lines of 8 KiB (the runner's reader allows as much), twice.
    engine::Transcript t;
    for (int i = 1; i <= 2000; ++i)
        t.add(server_line(i, 8190));
    const auto lines = t.lines();
    const engine::TranscriptLimits limits;
    CHECK(text_octets(lines) < limits.head_octets + limits.tail_octets + 200);
    CHECK(t.octets() <= limits.head_octets + limits.tail_octets);
    CHECK(lines.front() == server_line(1, 8190));
    CHECK(lines.back() == server_line(2000, 8190));
    const auto note = std::find_if(lines.begin(), lines.end(),
                                   [](const LogLine& l) { return l.side == LogLine::Side::note; });
    REQUIRE(note != lines.end());
    const std::size_t kept = lines.size() - 1;
    CHECK(t.dropped() == 2000 - kept);
    CHECK(note->text == "log truncated: " + std::to_string(2000 - kept) + " lines left out");
    // Once the head is full, a short line goes to the tail: the order stays as it came.
    t.add(line(2001));
    CHECK(t.lines().back() == line(2001));
}

TEST_CASE("a line longer than the limit is cut, saying how much", "[engine][log]") {
    engine::TranscriptLimits limits;
    limits.line_octets = 10;
    engine::Transcript t(limits);
    t.add(LogLine{{}, 1, LogLine::Side::client, std::string(25, 'a'), 1});
    // A cut never splits an escaped byte or a UTF-8 character.
    t.add(LogLine{{}, 1, LogLine::Side::server, "250 abcde\\x1bz", 2});
    t.add(LogLine{{}, 1, LogLine::Side::server, "250 abcde\xc3\xa9zzz", 3});
    const auto lines = t.lines();
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].text == "aaaaaaaaaa [... 15 octets left out]");
    CHECK(lines[1].text == "250 abcde [... 5 octets left out]");
    CHECK(lines[2].text == "250 abcde [... 5 octets left out]");
}

TEST_CASE("bounded_text keeps the start and the end of a long text", "[engine][log]") {
    CHECK(engine::bounded_text("short", 10) == "short");
    std::string text;
    for (int i = 0; i < 100; ++i)
        text += "received line " + std::to_string(i) + "\n";
    const std::string bounded = engine::bounded_text(text, 400);
    CHECK(bounded.size() < 450);
    CHECK(bounded.rfind("received line 0\n", 0) == 0);
    CHECK(bounded.ends_with("received line 99\n"));
    CHECK(bounded.find("octets left out]\nreceived line") != std::string::npos);
    // One long line without line ends is cut inside it, never inside an escape.
    const std::string escapes =
        engine::bounded_text(std::string(300, 'x') + "\\x1b" + std::string(300, 'y'), 400);
    CHECK(escapes.find("\\x1b") == std::string::npos);
    CHECK(escapes.find("octets left out]") != std::string::npos);
}

TEST_CASE("the reason names what was answered, what came and what was expected",
          "[engine][reason]") {
    const engine::Answered rcpt{false, "RCPT TO:<a@b.example>"};
    const engine::Answered greeting{true, std::nullopt};
    const engine::Answered unknown{};
    const auto ok = Received::of(WireReply{250, {"2.1.5 OK"}});
    CHECK(reason("503 | 5xx", ok, rcpt) ==
          "the reply to RCPT TO:<a@b.example> was 250 2.1.5 OK; expected 503 | 5xx");
    CHECK(reason("220 *", Received::of(WireReply{554, {"no"}}), greeting) ==
          "the greeting was 554 no; expected 220 *");
    CHECK(reason("503", ok, unknown) == "the reply was 250 2.1.5 OK; expected 503");
    CHECK(reason("503 | 250 => WARN", ok, rcpt) ==
          "the reply to RCPT TO:<a@b.example> was 250 2.1.5 OK; it fits 250 => WARN");
    CHECK(reason("250 => FAIL", ok, rcpt) ==
          "the reply to RCPT TO:<a@b.example> was 250 2.1.5 OK; it fits 250 => FAIL");
    CHECK(reason("221", Received::closed(), engine::Answered{false, "QUIT"}) ==
          "the server closed the connection instead of answering QUIT; expected 221");
    CHECK(reason("220", Received::closed(), greeting) ==
          "the server closed the connection instead of greeting; expected 220");
    CHECK(reason("250", Received::closed(), unknown) ==
          "the server closed the connection; expected 250");
    CHECK(reason("354", ok, engine::Answered{false, ""}) ==
          "the reply to an empty line was 250 2.1.5 OK; expected 354");
}

TEST_CASE("a reason stays on one line", "[engine][reason]") {
    const std::string long_command = "MAIL FROM:<" + std::string(100, 'a') + ">";
    const auto r = reason("250", Received::of(WireReply{550, {"a", "b"}}),
                          engine::Answered{false, long_command});
    CHECK(r == "the reply to " + long_command.substr(0, 60) +
                   "... was 550-a (and 1 more line); expected 250");
    auto parsed = scenario::parse_scenario(
        "title: t\nrefs: 5321#4.2\nlevel: MUST\nrequires: -\nS: 250-*\nS: 250 *\n", "t");
    REQUIRE(parsed.ok());
    const auto& e = std::get<scenario::Expect>(parsed.scenario.steps.at(0).action);
    const auto received = Received::of(WireReply{500, {"x"}});
    CHECK(engine::step_reason(e, received, engine::match(e, received), {}) ==
          "the reply was 500 x; expected 250-* / 250 *");
    CHECK(engine::shorten("abc", 2) == "ab...");
    // A huge reply line is quoted by its start only.
    const auto fat = Received::of(WireReply{250, {std::string(8000, 'x'), "last"}});
    const std::string quoted = reason("503", fat, engine::Answered{false, "NOOP"});
    CHECK(quoted.size() < 300);
    CHECK(quoted.ends_with("... (and 1 more line); expected 503"));
    CHECK(engine::shorten("ab", 2) == "ab");
}

TEST_CASE("log prefixes and the tally of a run", "[engine][result]") {
    CHECK(engine::prefix(LogLine::Side::client) == "C:");
    CHECK(engine::prefix(LogLine::Side::server) == "S:");
    CHECK(engine::prefix(LogLine::Side::note) == "*");

    engine::RunResult run;
    CHECK(run.tally() == engine::Tally{});
    for (const Verdict v : {Verdict::pass, Verdict::pass, Verdict::fail, Verdict::skip,
                            Verdict::error, Verdict::warn, Verdict::info}) {
        engine::ScenarioResult result;
        result.verdict = v;
        run.results.push_back(result);
    }
    const auto tally = run.tally();
    CHECK(tally == engine::Tally{1, 2, 1, 1, 1, 1});
    CHECK(tally.total() == 7);
    CHECK(tally.worst() == Verdict::error);
}
