// The Reporter side: report files written when the run finishes, created at the start so a bad
// path is known before the run, and several reporters as one.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "report/report.hpp"
#include "report_sample.hpp"

namespace report = ehlo::report;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// A fresh path in the temporary directory, removed at the end of the test.
struct TempPath {
    std::string path;
    explicit TempPath(const char* name)
        : path(std::string(P_tmpdir) + "/ehlo-report-" + std::to_string(::getpid()) + "-" + name) {}
    ~TempPath() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("reporters write every file and the console at the end", "[report]") {
    const TempPath json("r.json"), junit("r.xml"), html("r.html");
    std::ostringstream console;
    const auto run = report_sample::sample_run();
    auto reporters = report::make_reporters(console, {}, {json.path, junit.path, html.path});
    CHECK(slurp(json.path).empty());  // created at once, written at the end
    reporters->started(static_cast<int>(run.results.size()));
    for (const auto& result : run.results)
        reporters->scenario_finished(result);
    reporters->finished(run);

    std::ostringstream expected;
    report::write_json(expected, run);
    CHECK(slurp(json.path) == expected.str());
    expected.str("");
    report::write_junit(expected, run);
    CHECK(slurp(junit.path) == expected.str());
    expected.str("");
    report::write_html(expected, run);
    CHECK(slurp(html.path) == expected.str());
    CHECK(console.str().find("6 scenarios: 1 PASS") != std::string::npos);
}

TEST_CASE("a report file that cannot be created stops the run before it starts", "[report]") {
    std::ostringstream console;
    const std::string bad = "/nonexistent-ehlo-dir/r.json";
    try {
        report::make_reporters(console, {}, {bad, "", ""});
        FAIL("no ReportError");
    } catch (const report::ReportError& e) {
        CHECK(std::string(e.what()) ==
              "cannot write report " + bad + ": No such file or directory");
    }
}

TEST_CASE("write_report picks the format", "[report]") {
    const auto run = report_sample::sample_run();
    std::ostringstream json, junit, html;
    report::write_report(json, report::Format::json, run);
    report::write_report(junit, report::Format::junit, run);
    report::write_report(html, report::Format::html, run);
    CHECK(json.str().rfind("{", 0) == 0);
    CHECK(junit.str().rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
    CHECK(html.str().rfind("<!DOCTYPE html>", 0) == 0);
}
