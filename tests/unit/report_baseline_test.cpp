// What each report makes of a baseline (`--baseline FILE`): a run whose results are marked
// known (a FAIL the baseline lists), fixed (a listed FAIL that now passes) and fixed again (a
// listed FAIL that now fails for another reason: also a new finding), written as console,
// JSON and JUnit and read back: the known findings marked as known in each, the fixed entries
// named, and the counts that follow.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "report/format.hpp"
#include "report/report.hpp"
#include "report_sample.hpp"

namespace report = ehlo::report;
using ehlo::engine::BaselineMark;
using nlohmann::json;
using report_sample::Verdict;

namespace {

/// The sample run against `ci/baseline.txt`: its FAIL known, its PASS listed as FAIL before,
/// and one more FAIL whose reason changed.
ehlo::engine::RunResult marked_run() {
    auto run = report_sample::sample_run();
    run.baseline_file = "ci/baseline.txt";
    for (auto& result : run.results) {
        if (result.id == "rfc5321/4.1.4/rcpt-before-mail") {
            result.baseline = BaselineMark::known;
            result.baseline_listed = "FAIL RCPT before MAIL answered 250 *";
        } else if (result.id == "rfc5321/4.1.1.10/quit") {
            result.baseline = BaselineMark::fixed;
            result.baseline_listed = "FAIL QUIT was not answered";
        }
    }
    auto changed = report_sample::result("rfc5321/4.1.1.1/ehlo-domain", Verdict::fail,
                                         ehlo::scenario::Level::must, {{5321, "4.1.1.1"}});
    changed.reason = "the reply to EHLO was 500; expected 250";
    changed.baseline = BaselineMark::fixed;
    changed.baseline_listed = "FAIL the reply to EHLO was 501 *; expected 250";
    run.results.push_back(changed);
    return run;
}

std::string console_summary(const ehlo::engine::RunResult& run) {
    std::ostringstream out;
    report::write_console_summary(out, run, report::ConsoleOptions{});
    return out.str();
}

bool has(const std::string& text, const std::string& part) {
    INFO(text);
    return text.find(part) != std::string::npos;
}

pugi::xml_node junit_case(const pugi::xml_node& suite, const char* name) {
    auto node = suite.find_child_by_attribute("testcase", "name", name);
    INFO(name);
    REQUIRE(node);
    return node;
}

std::string suite_property(const pugi::xml_node& suite, const char* name) {
    return suite.child("properties")
        .find_child_by_attribute("property", "name", name)
        .attribute("value")
        .value();
}

}  // namespace

TEST_CASE("baseline counts: known by verdict, fixed, new failures", "[report]") {
    const auto counts = report::baseline_counts(marked_run());
    CHECK(counts.known.fail == 1);
    CHECK(counts.known.total() == 1);
    CHECK(counts.fixed == 2);
    CHECK(counts.new_failures == 2);  // the changed FAIL and the ERROR
    CHECK(report::baseline_counts(report_sample::sample_run()).new_failures == 2);
}

TEST_CASE("console: a known finding is marked on its line and in its details", "[report]") {
    const auto run = marked_run();
    CHECK(report::console_line(run.results[0], {}) ==
          "FAIL  rfc5321/4.1.4/rcpt-before-mail (known): RCPT before MAIL answered 250 <ok> & "
          "\"done\"");
    CHECK(report::console_line(run.results[1], {}) == "PASS  rfc5321/4.1.1.10/quit (fixed)");
    CHECK(report::console_line(run.results.back(), {})
              .rfind("FAIL  rfc5321/4.1.1.1/ehlo-domain (changed): ", 0) == 0);
    const std::string summary = console_summary(run);
    CHECK(has(summary, "FAIL  rfc5321/4.1.4/rcpt-before-mail (known)\n"));
    CHECK(has(summary, "      baseline: FAIL RCPT before MAIL answered 250 *\n"));
}

TEST_CASE("console: the tally says how many findings the baseline knows", "[report]") {
    CHECK(report::tally_line(marked_run()) ==
          "7 scenarios: 1 PASS, 2 FAIL (1 known from baseline.txt), 1 WARN, 1 INFO, 1 SKIP, "
          "1 ERROR in 3.2 s; 2 baseline entries no longer apply");
    CHECK(report::tally_line(report_sample::sample_run()) ==
          "6 scenarios: 1 PASS, 1 FAIL, 1 WARN, 1 INFO, 1 SKIP, 1 ERROR in 3.2 s");
}

TEST_CASE("console: the entries that no longer apply, each with what to do", "[report]") {
    const std::string summary = console_summary(marked_run());
    const auto section = summary.find("Baseline entries that no longer apply (ci/baseline.txt):\n");
    REQUIRE(section != std::string::npos);
    CHECK(has(summary,
              "  rfc5321/4.1.1.10/quit: fixed: remove it from the baseline\n"
              "      listed: FAIL QUIT was not answered\n"
              "      now:    PASS\n"));
    CHECK(has(summary,
              "  rfc5321/4.1.1.1/ehlo-domain: changed, a new finding: update it in the baseline\n"
              "      listed: FAIL the reply to EHLO was 501 *; expected 250\n"
              "      now:    FAIL the reply to EHLO was 500; expected 250\n"));
    CHECK(section < summary.rfind("7 scenarios:"));
    CHECK_FALSE(has(console_summary(report_sample::sample_run()), "Baseline entries"));
}

TEST_CASE("JSON: each scenario's mark and the run's baseline counts", "[report]") {
    std::ostringstream out;
    report::write_json(out, marked_run());
    const json document = json::parse(out.str());
    CHECK(document.at("baseline_file") == "ci/baseline.txt");
    CHECK(document.at("baseline_counts") ==
          json({{"known", 1}, {"fixed", 2}, {"new_failures", 2}}));
    for (const auto& item : document.at("scenarios")) {
        const std::string id = item.at("id");
        if (id == "rfc5321/4.1.4/rcpt-before-mail") {
            CHECK(item.at("baseline") == "known");
            CHECK(item.at("baseline_listed") == "FAIL RCPT before MAIL answered 250 *");
        } else if (id == "rfc5321/4.1.1.10/quit" || id == "rfc5321/4.1.1.1/ehlo-domain") {
            CHECK(item.at("baseline") == "fixed");
        } else {
            CHECK(item.at("baseline") == "none");
            CHECK(item.at("baseline_listed") == "");
        }
    }
    std::ostringstream plain;
    report::write_json(plain, report_sample::sample_run());
    CHECK(json::parse(plain.str()).at("baseline_file") == "");
}

TEST_CASE("JUnit: a known failure is skipped, saying so; a fixed entry is noted", "[report]") {
    std::ostringstream out;
    report::write_junit(out, marked_run());
    pugi::xml_document document;
    REQUIRE(document.load_string(out.str().c_str()));
    const auto suite = document.child("testsuites").child("testsuite");
    const auto known = junit_case(suite, "4.1.4/rcpt-before-mail");
    CHECK_FALSE(known.child("failure"));
    REQUIRE(known.child("skipped"));
    CHECK(std::string(known.child("skipped").attribute("message").value()) ==
          "known FAIL (baseline): RCPT before MAIL answered 250 <ok> & \"done\"");
    CHECK(has(known.child("system-out").text().get(),
              "\nbaseline: known (listed: FAIL RCPT before MAIL answered 250 *)\n"));
    const auto fixed = junit_case(suite, "4.1.1.10/quit");
    CHECK_FALSE(fixed.child("skipped"));
    CHECK(has(fixed.child("system-out").text().get(),
              "\nbaseline: fixed: remove it from the baseline (listed: FAIL QUIT was not "
              "answered)\n"));
    const auto changed = junit_case(suite, "4.1.1.1/ehlo-domain");
    REQUIRE(changed.child("failure"));
    CHECK(has(changed.child("system-out").text().get(), "\nbaseline: changed, a new finding"));
    // The counts follow the elements: the known FAIL left the failures for the skipped.
    CHECK(suite.attribute("failures").as_int() == 1);
    CHECK(suite.attribute("errors").as_int() == 1);
    CHECK(suite.attribute("skipped").as_int() == 2);
    CHECK(suite_property(suite, "baseline") == "ci/baseline.txt");
    CHECK(suite_property(suite, "baseline_known") == "rfc5321/4.1.4/rcpt-before-mail");
    CHECK(suite_property(suite, "baseline_fixed") ==
          "rfc5321/4.1.1.1/ehlo-domain rfc5321/4.1.1.10/quit");
}

TEST_CASE("JUnit: a known WARN stays skipped under --junit-warn-as-failure", "[report]") {
    auto run = report_sample::sample_run();
    for (auto& result : run.results) {
        if (result.verdict == Verdict::warn) result.baseline = BaselineMark::known;
    }
    std::ostringstream out;
    report::write_junit(out, run, {.warn_as_failure = true});
    pugi::xml_document document;
    REQUIRE(document.load_string(out.str().c_str()));
    const auto suite = document.child("testsuites").child("testsuite");
    const auto warn = junit_case(suite, "4.1.1.9/noop-argument");
    CHECK_FALSE(warn.child("failure"));
    CHECK(std::string(warn.child("skipped").attribute("message").value())
              .starts_with("known WARN (baseline): "));
    CHECK(suite.attribute("failures").as_int() == 1);
}
