// ehlo-check's baseline (conformance/check/baseline.hpp): the `ID VERDICT` file of known
// failures, which FAILs and ERRORs it excuses from the exit status, which entries no longer
// apply, and the file --write-baseline writes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "check/baseline.hpp"

using namespace ehlo;
using engine::Verdict;

namespace {

engine::ScenarioResult result(const std::string& id, Verdict verdict) {
    engine::ScenarioResult r;
    r.id = id;
    r.verdict = verdict;
    return r;
}

}  // namespace

TEST_CASE("a baseline is ID VERDICT lines with comments and blanks", "[check]") {
    auto baseline = check::parse_baseline(
        "# known failures of mx.example\n\n"
        "rfc5321/4.1.4/rcpt-before-mail FAIL\n"
        "  rfc5321/4.1.1.9/noop-parameter\twarn  \r\n"
        "rfc3207/starttls ERROR",
        "known.txt");
    REQUIRE(baseline.ok());
    CHECK(baseline.known.size() == 3);
    CHECK(baseline.known.at("rfc5321/4.1.4/rcpt-before-mail") == Verdict::fail);
    CHECK(baseline.known.at("rfc5321/4.1.1.9/noop-parameter") == Verdict::warn);
    CHECK(baseline.known.at("rfc3207/starttls") == Verdict::error);
}

TEST_CASE("a bad baseline line is reported as file:line", "[check]") {
    auto baseline = check::parse_baseline("a FAIL\nb\nc BROKEN\na PASS\nd FAIL extra\n", "b.txt");
    CHECK_FALSE(baseline.ok());
    REQUIRE(baseline.errors.size() == 4);
    CHECK(baseline.errors[0].rfind("b.txt:2: write 'ID VERDICT'", 0) == 0);
    CHECK(baseline.errors[1].rfind("b.txt:3: 'BROKEN' is not a verdict", 0) == 0);
    CHECK(baseline.errors[2] == "b.txt:4: 'a' is listed twice");
    CHECK(baseline.errors[3].rfind("b.txt:5:", 0) == 0);
}

TEST_CASE("an unreadable baseline file is an error", "[check]") {
    auto baseline = check::load_baseline("/nonexistent/baseline.txt");
    CHECK_FALSE(baseline.ok());
}

TEST_CASE("FAIL and ERROR count unless listed with that verdict", "[check]") {
    auto baseline = check::parse_baseline("known FAIL\nflaky ERROR\n", "b");
    CHECK_FALSE(check::counts_as_failure(result("known", Verdict::fail), baseline));
    CHECK(check::counts_as_failure(result("known", Verdict::error), baseline));
    CHECK_FALSE(check::counts_as_failure(result("flaky", Verdict::error), baseline));
    CHECK(check::counts_as_failure(result("new", Verdict::fail), baseline));
    CHECK(check::counts_as_failure(result("new", Verdict::error), baseline));
    CHECK_FALSE(check::counts_as_failure(result("new", Verdict::warn), baseline));
    CHECK_FALSE(check::counts_as_failure(result("new", Verdict::skip), baseline));
}

TEST_CASE("entries that no longer apply are found; SKIPs leave them alone", "[check]") {
    auto baseline = check::parse_baseline("fixed FAIL\nstill FAIL\nskipped FAIL\n", "b");
    std::vector<engine::ScenarioResult> results{result("fixed", Verdict::pass),
                                                result("still", Verdict::fail),
                                                result("skipped", Verdict::skip)};
    auto stale = check::stale_entries(baseline, results);
    REQUIRE(stale.size() == 1);
    CHECK(stale[0].id == "fixed");
    CHECK(stale[0].listed == Verdict::fail);
    CHECK(stale[0].now == Verdict::pass);
}

TEST_CASE("--write-baseline writes the FAILs and ERRORs, and reads back", "[check]") {
    std::vector<engine::ScenarioResult> results{
        result("a", Verdict::pass), result("b", Verdict::fail), result("c", Verdict::error),
        result("d", Verdict::warn)};
    std::string text = check::format_baseline(results, "mx.example:25");
    CHECK(text.rfind("# ", 0) == 0);
    auto baseline = check::parse_baseline(text, "written");
    REQUIRE(baseline.ok());
    CHECK(baseline.known.size() == 2);
    CHECK(baseline.known.at("b") == Verdict::fail);
    CHECK(baseline.known.at("c") == Verdict::error);
    for (const auto& r : results)
        CHECK_FALSE(check::counts_as_failure(r, baseline));
}
