// ehlo-check's baseline (conformance/check/baseline.hpp): the `ID VERDICT [REASON]` file of
// known findings, how a result is marked against it (known, fixed), which FAILs and ERRORs it
// excuses from the exit status, the ids it must name, the reasons it writes and matches, and
// the file --write-baseline writes.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "check/baseline.hpp"
#include "report/format.hpp"

using namespace ehlo;
using engine::BaselineMark;
using engine::Verdict;

namespace {

engine::ScenarioResult result(const std::string& id, Verdict verdict, std::string reason = "") {
    engine::ScenarioResult r;
    r.id = id;
    r.verdict = verdict;
    r.reason = std::move(reason);
    return r;
}

/// Whether the marked `result` counts against the exit status.
bool counts(engine::ScenarioResult r, const check::Baseline& baseline) {
    check::mark(r, baseline);
    return report::is_new_failure(r);
}

/// A reporter that keeps what it is given.
struct Recorder final : report::Reporter {
    std::vector<engine::ScenarioResult>* seen;
    explicit Recorder(std::vector<engine::ScenarioResult>* into) : seen(into) {}
    void started(int) override {}
    void scenario_finished(const engine::ScenarioResult& r) override { seen->push_back(r); }
    void finished(const engine::RunResult&) override {}
};

}  // namespace

TEST_CASE("a baseline is ID VERDICT [REASON] lines with comments and blanks", "[check]") {
    auto baseline = check::parse_baseline(
        "# known failures of mx.example\n\n"
        "rfc5321/4.1.4/rcpt-before-mail FAIL\n"
        "  rfc5321/4.1.1.9/noop-parameter\twarn  \r\n"
        "rfc3207/starttls ERROR time-out after 10 s waiting for the reply to STARTTLS  ",
        "known.txt");
    REQUIRE(baseline.ok());
    CHECK(baseline.file == "known.txt");
    REQUIRE(baseline.known.size() == 3);
    const auto& rcpt = baseline.known.at("rfc5321/4.1.4/rcpt-before-mail");
    CHECK(rcpt.verdict == Verdict::fail);
    CHECK(rcpt.reason.empty());
    CHECK(rcpt.line == 3);
    CHECK(baseline.known.at("rfc5321/4.1.1.9/noop-parameter").verdict == Verdict::warn);
    const auto& tls = baseline.known.at("rfc3207/starttls");
    CHECK(tls.verdict == Verdict::error);
    CHECK(tls.reason == "time-out after 10 s waiting for the reply to STARTTLS");
    CHECK(tls.text() == "ERROR time-out after 10 s waiting for the reply to STARTTLS");
}

TEST_CASE("a bad baseline line is reported as file:line", "[check]") {
    auto baseline = check::parse_baseline("a FAIL\nb\nc BROKEN\na PASS\nd SKIP why\n", "b.txt");
    CHECK_FALSE(baseline.ok());
    REQUIRE(baseline.errors.size() == 4);
    CHECK(baseline.errors[0].rfind("b.txt:2: write 'ID VERDICT [REASON]'", 0) == 0);
    CHECK(baseline.errors[1].rfind("b.txt:3: 'BROKEN' is not a verdict", 0) == 0);
    CHECK(baseline.errors[2] == "b.txt:4: 'a' is listed twice");
    CHECK(baseline.errors[3].rfind("b.txt:5: 'SKIP' is not a verdict", 0) == 0);
}

TEST_CASE("an unreadable baseline file is an error", "[check]") {
    auto baseline = check::load_baseline("/nonexistent/baseline.txt");
    CHECK_FALSE(baseline.ok());
}

TEST_CASE("an id no scenario of the suite has is an error at its line", "[check]") {
    auto baseline = check::parse_baseline(
        "# known\nzzz/gone FAIL\nmine/wrong FAIL\naaa/typo ERROR\n", "known.txt");
    REQUIRE(baseline.ok());
    check::check_ids(baseline, {"mine/wrong", "mine/fine"});
    REQUIRE(baseline.errors.size() == 2);
    CHECK(baseline.errors[0].rfind("known.txt:2: 'zzz/gone' is no scenario of the suite", 0) == 0);
    CHECK(baseline.errors[1].rfind("known.txt:4: 'aaa/typo' is no scenario of the suite", 0) == 0);
    auto fine = check::parse_baseline("mine/wrong FAIL\n", "b");
    check::check_ids(fine, {"mine/wrong"});
    CHECK(fine.ok());
}

TEST_CASE("FAIL and ERROR count unless listed with that verdict", "[check]") {
    auto baseline = check::parse_baseline("known FAIL\nflaky ERROR\n", "b");
    CHECK_FALSE(counts(result("known", Verdict::fail), baseline));
    CHECK(counts(result("known", Verdict::error), baseline));
    CHECK_FALSE(counts(result("flaky", Verdict::error), baseline));
    CHECK(counts(result("new", Verdict::fail), baseline));
    CHECK(counts(result("new", Verdict::error), baseline));
    CHECK_FALSE(counts(result("new", Verdict::warn), baseline));
    CHECK_FALSE(counts(result("new", Verdict::skip), baseline));
}

TEST_CASE("an entry with a reason matches that reason only; * stands for any text", "[check]") {
    auto baseline = check::parse_baseline(
        "exact FAIL the reply to DATA was 250 2.0.0 *; expected 554\n"
        "any FAIL\n",
        "b");
    auto same =
        result("exact", Verdict::fail, "the reply to DATA was 250 2.0.0 Ok: id 7; expected 554");
    CHECK(check::judge(same, baseline) == BaselineMark::known);
    auto other = result("exact", Verdict::fail, "the reply to DATA was 250 2.0.0 Ok; expected 550");
    CHECK(check::judge(other, baseline) == BaselineMark::fixed);
    CHECK(counts(other, baseline));  // a new finding, though the entry is there
    CHECK(check::judge(result("any", Verdict::fail, "whatever it says"), baseline) ==
          BaselineMark::known);
}

TEST_CASE("reason patterns: * matches any text, possibly none, and all of it", "[check]") {
    CHECK(check::reason_matches("abc", "abc"));
    CHECK_FALSE(check::reason_matches("abc", "abcd"));
    CHECK_FALSE(check::reason_matches("abcd", "abc"));
    CHECK(check::reason_matches("a*c", "ac"));
    CHECK(check::reason_matches("a*c", "abbbc"));
    CHECK(check::reason_matches("a*c*e", "a-c-c-e"));
    CHECK_FALSE(check::reason_matches("a*c", "abcd"));
    CHECK(check::reason_matches("*", ""));
    CHECK(check::reason_matches("**x", "yyx"));
}

TEST_CASE("a written reason keeps reply codes and writes the reply's text as *", "[check]") {
    CHECK(check::reason_pattern("the reply to DATA was 250 2.0.0 Ok: queued as 4F3A2B; expected "
                                "554") == "the reply to DATA was 250 2.0.0 *; expected 554");
    CHECK(check::reason_pattern("the greeting was 220 mx.example ESMTP Tue, 8 Dec 2026 01:02:03 "
                                "(and 2 more lines); it fits 220 => INFO") ==
          "the greeting was 220 * (and 2 more lines); it fits 220 => INFO");
    CHECK(check::reason_pattern("the reply 250 2.1.0 Ok came before NOOP was sent: it answers "
                                "something") ==
          "the reply 250 2.1.0 * came before NOOP was sent: it answers something");
    CHECK(check::reason_pattern("STARTTLS refused: 454 4.7.0 TLS not available now") ==
          "STARTTLS refused: 454 4.7.0 *");
    // Text without a quoted reply, and the command's own words, stay as they are.
    CHECK(check::reason_pattern("time-out after 10 s waiting for the reply to DATA") ==
          "time-out after 10 s waiting for the reply to DATA");
    CHECK(check::reason_pattern("the reply to RCPT TO:<a@b> was 250; expected 503") ==
          "the reply to RCPT TO:<a@b> was 250; expected 503");
    CHECK(check::reason_pattern("odd \x01 byte") == "odd \\x01 byte");
}

TEST_CASE("results are marked known, fixed or not at all", "[check]") {
    auto baseline = check::parse_baseline(
        "still FAIL\nfixed FAIL\nskipped FAIL\nreason FAIL old reason\n", "known.txt");
    engine::RunResult run;
    run.results = {result("still", Verdict::fail, "any"), result("fixed", Verdict::pass),
                   result("skipped", Verdict::skip, "requires X"),
                   result("reason", Verdict::fail, "new reason"), result("new", Verdict::fail)};
    check::mark_run(run, baseline);
    CHECK(run.baseline_file == "known.txt");
    CHECK(run.results[0].baseline == BaselineMark::known);
    CHECK(run.results[0].baseline_listed == "FAIL");
    CHECK(run.results[1].baseline == BaselineMark::fixed);
    CHECK(run.results[1].baseline_listed == "FAIL");
    CHECK(run.results[2].baseline == BaselineMark::none);  // did not run: left alone
    CHECK(run.results[3].baseline == BaselineMark::fixed);
    CHECK(run.results[3].baseline_listed == "FAIL old reason");
    CHECK(run.results[4].baseline == BaselineMark::none);
    CHECK(run.results[4].baseline_listed.empty());
    const auto counted = report::baseline_counts(run);
    CHECK(counted.known.fail == 1);
    CHECK(counted.fixed == 2);
    CHECK(counted.new_failures == 2);  // the changed reason and the new one
    std::ostringstream err;
    CHECK(check::conclude(run, "", err) == 1);
    run.results.pop_back();
    run.results.pop_back();
    CHECK(check::conclude(run, "", err) == 0);
}

TEST_CASE("no baseline marks nothing", "[check]") {
    engine::RunResult run;
    run.results = {result("a", Verdict::fail)};
    check::mark_run(run, check::Baseline{});
    CHECK(run.baseline_file.empty());
    CHECK(run.results[0].baseline == BaselineMark::none);
}

TEST_CASE("the marking reporter marks each result as it finishes", "[check]") {
    auto baseline = check::parse_baseline("known FAIL\n", "b");
    std::vector<engine::ScenarioResult> seen;
    auto reporter = check::marking(std::make_unique<Recorder>(&seen), baseline);
    reporter->scenario_finished(result("known", Verdict::fail));
    reporter->scenario_finished(result("other", Verdict::fail));
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].baseline == BaselineMark::known);
    CHECK(seen[1].baseline == BaselineMark::none);
}

TEST_CASE("--write-baseline writes the FAILs and ERRORs with reasons, and reads back", "[check]") {
    std::vector<engine::ScenarioResult> results{
        result("a", Verdict::pass),
        result("b", Verdict::fail, "the reply to DATA was 250 ok id=7; expected 554"),
        result("c", Verdict::error, "time-out after 1 s"), result("d", Verdict::warn, "w")};
    std::string text = check::format_baseline(results, "mx.example:25");
    CHECK(text.rfind("# ", 0) == 0);
    CHECK(text.find("\nb FAIL the reply to DATA was 250 *; expected 554\n") != std::string::npos);
    CHECK(text.find("\nc ERROR time-out after 1 s\n") != std::string::npos);
    auto baseline = check::parse_baseline(text, "written");
    REQUIRE(baseline.ok());
    CHECK(baseline.known.size() == 2);
    CHECK(baseline.known.at("b").verdict == Verdict::fail);
    CHECK(baseline.known.at("c").verdict == Verdict::error);
    // The next run's reply text differs (another queue id): still known.
    results[1].reason = "the reply to DATA was 250 ok id=8; expected 554";
    for (const auto& r : results)
        CHECK_FALSE(counts(r, baseline));
}
