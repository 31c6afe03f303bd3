// The formatting shared by the reports (conformance/report/format.hpp): printable text, RFC
// section keys and their order, durations, id parts, explanations, counts, the log window and
// the lines of a client's output.
#include <catch2/catch.hpp>

#include "report/format.hpp"
#include "report_sample.hpp"

namespace report = ehlo::report;
using ehlo::engine::Verdict;
using ehlo::scenario::Ref;
using std::chrono::milliseconds;

TEST_CASE("printable writes control bytes and broken UTF-8 as \\xHH", "[report]") {
    CHECK(report::printable("250 ok") == "250 ok");
    CHECK(report::printable(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(report::printable("a\tb\rc\x1b[0m\x7f") == "a\\x09b\\x0dc\\x1b[0m\\x7f");
    CHECK(report::printable("one\ntwo") == "one\\x0atwo");
    CHECK(report::printable("one\ntwo", true) == "one\ntwo");
    // Valid UTF-8 stays; lone, overlong, surrogate and truncated sequences do not.
    CHECK(report::printable("caf\xC3\xA9 \xE2\x96\xB6 \xF0\x9F\x93\xA7") ==
          "caf\xC3\xA9 \xE2\x96\xB6 \xF0\x9F\x93\xA7");
    CHECK(report::printable("\xFF") == "\\xff");
    CHECK(report::printable("\xC0\xAF") == "\\xc0\\xaf");
    CHECK(report::printable("\xED\xA0\x80") == "\\xed\\xa0\\x80");
    CHECK(report::printable("ab\xE2\x96") == "ab\\xe2\\x96");
    CHECK(report::printable("\xEF\xBF\xBE") == "\\xef\\xbf\\xbe");  // U+FFFE
    CHECK(report::printable("a\\x00") == "a\\x00");  // already escaped by the engine: kept
}

TEST_CASE("references have a key, a label and a natural order", "[report]") {
    CHECK(report::ref_key(Ref{5321, "4.1.4"}) == "5321#4.1.4");
    CHECK(report::ref_label(Ref{5321, "D.1"}) == "RFC 5321 \u00A7D.1");
    CHECK(report::ref_less(Ref{3207, "4"}, Ref{5321, "2"}));
    CHECK(report::ref_less(Ref{5321, "4.1.4"}, Ref{5321, "4.1.10"}));
    CHECK_FALSE(report::ref_less(Ref{5321, "4.1.10"}, Ref{5321, "4.1.4"}));
    CHECK(report::ref_less(Ref{5321, "4.1"}, Ref{5321, "4.1.1"}));
    CHECK(report::ref_less(Ref{5321, "4.5"}, Ref{5321, "D.1"}));
    CHECK_FALSE(report::ref_less(Ref{5321, "4.1"}, Ref{5321, "4.1"}));
}

TEST_CASE("durations for machines and for readers", "[report]") {
    CHECK(report::seconds(milliseconds(0)) == "0.000");
    CHECK(report::seconds(milliseconds(12)) == "0.012");
    CHECK(report::seconds(milliseconds(61'005)) == "61.005");
    CHECK(report::human_duration(milliseconds(12)) == "12 ms");
    CHECK(report::human_duration(milliseconds(3250)) == "3.2 s");
    CHECK(report::human_duration(milliseconds(125'000)) == "2 min 05 s");
}

TEST_CASE("a scenario id has a folder and a file part", "[report]") {
    CHECK(report::id_folder("rfc5321/4.1.4/rcpt-before-mail") == "rfc5321/4.1.4");
    CHECK(report::id_file("rfc5321/4.1.4/rcpt-before-mail") == "rcpt-before-mail");
    CHECK(report::id_folder("lonely").empty());
    CHECK(report::id_file("lonely") == "lonely");
}

TEST_CASE("an explanation splits into its expected and received sides", "[report]") {
    const auto sides = report::split_explanation(
        "expected: 250-*\n          250 PIPELINING\nreceived: 250-mx\n          250 SIZE\x01");
    CHECK(sides.expected == std::vector<std::string>{"250-*", "250 PIPELINING"});
    CHECK(sides.received == std::vector<std::string>{"250-mx", "250 SIZE\\x01"});
    CHECK(sides.other.empty());
    const auto plain = report::split_explanation("the server closed the connection\nat once");
    CHECK(plain.expected.empty());
    CHECK(plain.other == std::vector<std::string>{"the server closed the connection", "at once"});
}

TEST_CASE("a run is counted by section and sorted by id", "[report]") {
    const auto run = report_sample::sample_run();
    const auto tally = run.tally();
    for (const auto verdict : report::verdict_columns)
        CHECK(tally.count(verdict) == 1);
    const auto sorted = report::sorted_by_id(run);
    REQUIRE(sorted.size() == 6);
    CHECK(sorted.front()->id == "rfc3030/chunking");
    CHECK(sorted.back()->id == "rfc5321/4.5.3.1/line-length");

    const auto rows = report::by_section(run);
    std::vector<std::string> keys;
    for (const auto& row : rows)
        keys.push_back(report::ref_key(row.ref));
    CHECK(keys == std::vector<std::string>{"3030#2", "3207#4", "5321#4.1.1.9", "5321#4.1.1.10",
                                           "5321#4.1.4", "5321#4.3.2", "5321#4.5.3.1"});
    const auto& section = rows[4];  // 5321#4.1.4: the PASS of quit and the FAIL
    CHECK(section.tally.pass == 1);
    CHECK(section.tally.fail == 1);
    CHECK(section.tally.total() == 2);
}

TEST_CASE("the log window surrounds the decisive step", "[report]") {
    const auto failing = report_sample::failing();  // 8 lines, the decisive one is index 5
    CHECK(report::is_decisive(failing, failing.log[5]));
    CHECK_FALSE(report::is_decisive(failing, failing.log[4]));
    const auto window = report::decisive_window(failing, 2);
    CHECK(window.first == 3);
    CHECK(window.last == 8);
    auto undecided = failing;
    undecided.decisive_line = 0;
    const auto tail = report::decisive_window(undecided, 1);
    CHECK(tail.first == 5);
    CHECK(tail.last == 8);
    undecided.log.clear();
    CHECK(report::decisive_window(undecided, 1).first ==
          report::decisive_window(undecided, 1).last);
}

TEST_CASE("a transcript line: time, connection, side, printable text", "[report]") {
    using ehlo::engine::LogLine;
    CHECK(report::transcript_line(LogLine{milliseconds(9), 2, LogLine::Side::server, "250 ok\r",
                                          5}) == "  0.009 [2] S: 250 ok\\x0d");
    CHECK(report::transcript_line(LogLine{milliseconds(10010), 1, LogLine::Side::client, "QUIT",
                                          7}) == " 10.010 [1] C: QUIT");
    CHECK(report::transcript_line(LogLine{milliseconds(0), 1, LogLine::Side::note, "closed", 0}) ==
          "  0.000 [1] * closed");
}

TEST_CASE("a client's output splits into printable lines, the last ones kept", "[report]") {
    using Lines = std::vector<std::string>;
    CHECK(report::output_lines("").lines.empty());
    CHECK(report::output_lines("one\ntwo").lines == Lines{"one", "two"});
    CHECK(report::output_lines("one\ntwo\n").lines == Lines{"one", "two"});
    CHECK(report::output_lines("\n\nthree\n").lines == Lines{"", "", "three"});
    CHECK(report::output_lines("a\tb\r\n\x1b[0m\xff\n").lines ==
          Lines{"a\\x09b\\x0d", "\\x1b[0m\\xff"});
    const auto all = report::output_lines(report_sample::client_printed(25));
    CHECK(all.lines.size() == 25);
    CHECK(all.left_out == 0);
    const auto last = report::output_lines(report_sample::client_printed(25), 20);
    REQUIRE(last.lines.size() == 20);
    CHECK(last.left_out == 5);
    CHECK(last.lines.front() == "client line 6");
    CHECK(last.lines.back() == "<- 554 5.6.0 <a@b> & \"q\"\\x1b[31m \\xff");
    CHECK(report::output_lines("one\ntwo\n", 2).left_out == 0);
}
