// The console report: plain lines as results arrive (in any order), then the summary by RFC
// section, the details of FAIL, WARN and ERROR in id order, and the tally line; colours and the
// progress bar only on a terminal; a judged client's exit and output in the details.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "report/report.hpp"
#include "report_sample.hpp"

namespace report = ehlo::report;
using ehlo::engine::Verdict;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

/// The console's whole output for the sample run, results given in the run's (unsorted) order.
std::string console_output(report::ConsoleOptions options) {
    const auto run = report_sample::sample_run();
    std::ostringstream out;
    report::ConsoleReporter console(out, options);
    console.started(static_cast<int>(run.results.size()));
    for (const auto& result : run.results)
        console.scenario_finished(result);
    console.finished(run);
    return out.str();
}

std::size_t find_line(const std::vector<std::string>& lines, const std::string& start) {
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].rfind(start, 0) == 0) return i;
    return lines.size();
}

}  // namespace

TEST_CASE("console: one plain line per scenario as it finishes", "[report]") {
    const auto lines = lines_of(console_output({}));
    REQUIRE(lines.size() > 6);
    CHECK(lines[0] ==
          "FAIL  rfc5321/4.1.4/rcpt-before-mail: RCPT before MAIL answered 250 <ok> "
          "& \"done\"");
    CHECK(lines[1] == "PASS  rfc5321/4.1.1.10/quit");
    CHECK(lines[2] == "WARN  rfc5321/4.1.1.9/noop-argument: NOOP with an argument answered 500");
    CHECK(lines[3] == "INFO  rfc5321/4.5.3.1/line-length: a line of 2000 octets was accepted");
    CHECK(lines[4] == "SKIP  rfc3030/chunking: requires CHUNKING, not advertised");
    CHECK(
        lines[5] ==
        "ERROR rfc3207/starttls-handshake: time-out after 10 s waiting for the reply to STARTTLS");
}

TEST_CASE("console: the summary by RFC section", "[report]") {
    const auto lines = lines_of(console_output({}));
    const auto head = find_line(lines, "Summary by RFC section");
    REQUIRE(head < lines.size());
    CHECK(lines[head + 1] == "  section             PASS  FAIL  WARN  INFO  SKIP ERROR");
    CHECK(lines[head + 2] == "  RFC 3030 \u00A72            -     -     -     -     1     -");
    CHECK(lines[find_line(lines, "  RFC 5321 \u00A74.1.4 ")] ==
          "  RFC 5321 \u00A74.1.4        1     1     -     -     -     -");
    CHECK(find_line(lines, "  RFC 5321 \u00A74.1.1.10 ") <
          find_line(lines, "  RFC 5321 \u00A74.1.4 "));
}

TEST_CASE("console: details of FAIL, WARN and ERROR in id order", "[report]") {
    const auto text = console_output({});
    const auto lines = lines_of(text);
    const auto summary = find_line(lines, "Summary by RFC section");
    const auto error = find_line(lines, "ERROR rfc3207/starttls-handshake");
    CHECK(find_line(lines, "ERROR rfc3207/starttls-handshake:") == 5);  // the progress line
    const std::vector<std::string> after(lines.begin() + static_cast<long>(summary), lines.end());
    const auto d_error = find_line(after, "ERROR rfc3207/starttls-handshake");
    const auto d_warn = find_line(after, "WARN  rfc5321/4.1.1.9/noop-argument");
    const auto d_fail = find_line(after, "FAIL  rfc5321/4.1.4/rcpt-before-mail");
    CHECK(d_error < d_warn);
    CHECK(d_warn < d_fail);
    CHECK(d_fail < after.size());
    CHECK(find_line(after, "INFO  ") == after.size());
    CHECK(find_line(after, "PASS  ") == after.size());
    CHECK(error < lines.size());

    CHECK(after[d_fail + 1] == "      Title of rfc5321/4.1.4/rcpt-before-mail");
    CHECK(after[d_fail + 2] ==
          "      requirement: MUST  RFC 5321 \u00A74.1.4, RFC 5321 \u00A74.3.2");
    CHECK(after[d_fail + 3] == "      reason: RCPT before MAIL answered 250 <ok> & \"done\"");
    CHECK(after[d_fail + 4] == "      expected:              received:");
    CHECK(after[d_fail + 5] == "      503 | 5xx              250 2.1.5 <a@b> & \"q\"");
    CHECK(after[d_fail + 6] == "      wire log around line 14:");
    CHECK(std::find(after.begin(), after.end(),
                    "      \u25B6   0.009 [1] S: 250 2.1.5 <a@b> & \"q\"\\x01\\x1b[31m") !=
          after.end());
    CHECK(text.find('\x1b') == std::string::npos);  // plain: no colour, no raw escape
}

TEST_CASE("console: the tally line ends the report", "[report]") {
    const auto lines = lines_of(console_output({}));
    CHECK(lines.back() == "6 scenarios: 1 PASS, 1 FAIL, 1 WARN, 1 INFO, 1 SKIP, 1 ERROR in 3.2 s");
    ehlo::engine::RunResult clean;
    clean.results.push_back(report_sample::result("a/b", Verdict::pass, {}, {}));
    CHECK(report::tally_line(clean) == "1 scenario: 1 PASS, 0 FAIL in 0 ms");
}

TEST_CASE("console: the summary names a time scale that is not 1", "[report]") {
    auto run = report_sample::sample_run();
    std::ostringstream plain;
    report::write_console_summary(plain, run, {});
    CHECK(plain.str().find("time scale") == std::string::npos);
    run.time_scale = 0.01;
    std::ostringstream scaled;
    report::write_console_summary(scaled, run, {});
    CHECK(scaled.str().find(", time scale 0.01 (every wait)\n") != std::string::npos);
}

TEST_CASE("console: what was not run, by reason, just above the tally line", "[report]") {
    auto run = report_sample::sample_run();
    std::ostringstream none;
    report::write_console_summary(none, run, {});
    CHECK(none.str().find("Not run") == std::string::npos);
    run.not_run = {{212, "skipped", "need --rcpt"},
                   {8, "skipped", "need --auth"},
                   {6, "not selected", "tagged slow, add --slow"},
                   {1, "skipped", "odd\x1b[31m"}};
    std::ostringstream out;
    report::write_console_summary(out, run, {});
    const auto lines = lines_of(out.str());
    const auto head = find_line(lines, "Not run, by reason:");
    REQUIRE(head + 6 <= lines.size());
    CHECK(lines[head + 1] == "  212 skipped: need --rcpt");
    CHECK(lines[head + 2] == "  8 skipped: need --auth");
    CHECK(lines[head + 3] == "  6 not selected: tagged slow, add --slow");
    CHECK(lines[head + 4] == "  1 skipped: odd\\x1b[31m");
    CHECK(lines[head + 5].empty());
    CHECK(lines.back().rfind("6 scenarios: ", 0) == 0);
    CHECK(head + 6 == lines.size() - 1);
}

TEST_CASE("console: colours only on a terminal and never with NO_COLOR", "[report]") {
    CHECK(report::use_color(true, nullptr));
    CHECK(report::use_color(true, ""));
    CHECK_FALSE(report::use_color(true, "1"));
    CHECK_FALSE(report::use_color(false, nullptr));
    const auto result = report_sample::failing();
    CHECK(report::console_line(result, {true, true, 80}).rfind("\033[1;31mFAIL \033[0m ", 0) == 0);
    CHECK(report::console_line(result, {true, false, 80}).rfind("FAIL  rfc5321", 0) == 0);
}

TEST_CASE("console: a terminal gets a progress bar and the findings only", "[report]") {
    const std::string text = console_output({true, false, 80});
    CHECK(text.find("\r[") != std::string::npos);
    CHECK(text.find("] 6/6") != std::string::npos);
    CHECK(text.find("\r\033[K") != std::string::npos);
    CHECK(text.find("PASS  rfc5321/4.1.1.10/quit") == std::string::npos);
    CHECK(text.find("FAIL  rfc5321/4.1.4/rcpt-before-mail: RCPT") != std::string::npos);
    CHECK(text.find("Summary by RFC section") != std::string::npos);
}

TEST_CASE("console: a client's exit and the end of its output in the details", "[report]") {
    std::ostringstream out;
    report::write_console_summary(out, report_sample::client_run(), {});
    const auto lines = lines_of(out.str());
    CHECK(lines[1] == "client: swaks --to {rcpt}, 2026-11-22T05:00:00Z, ehlo-check 0.1.0");
    const auto fail = find_line(lines, "FAIL  client/rfc5321/4.5.2/dot-stuffing");
    REQUIRE(fail < lines.size());
    CHECK(lines[fail + 4] == "      client: exit 1");
    const auto output = find_line(lines, "      client output");
    REQUIRE(output + 22 < lines.size());
    CHECK(output > fail + 4);
    CHECK(lines[output] == "      client output, its last 20 lines:");
    CHECK(lines[output + 1] == "          ...");
    CHECK(lines[output + 2] == "        client line 6");
    CHECK(lines[output + 20] == "        client line 24");
    CHECK(lines[output + 21] == "        <- 554 5.6.0 <a@b> & \"q\"\\x1b[31m \\xff");
    CHECK(lines[output + 22].empty());  // the end of the block
    CHECK(find_line(lines, "        client line 5") == lines.size());
    CHECK(out.str().find('\x1b') == std::string::npos);

    // Killed before it printed anything: its status, and no output block.
    const auto error = find_line(lines, "ERROR client/rfc5321/4.3.1/waits");
    REQUIRE(error < lines.size());
    CHECK(lines[error + 4] == "      client: killed by ehlo-check: it had not exited");
    CHECK(error < fail);
    CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& line) {
              return line.rfind("      client output", 0) == 0;
          }) == 1);
    // A PASS has no details: nothing of its client.
    CHECK(find_line(lines, "      client: exit 0") == lines.size());
    CHECK(out.str().find("message sent") == std::string::npos);
}

TEST_CASE("console: a server scenario's details say nothing of a client", "[report]") {
    const auto lines = lines_of(console_output({}));
    CHECK(find_line(lines, "      client") == lines.size());
}
