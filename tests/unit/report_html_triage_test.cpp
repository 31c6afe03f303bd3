// The HTML report laid out for triage (html_report.cpp, html_parts.cpp): the findings grouped
// FAIL, ERROR, WARN, INFO before PASS and SKIP folded, new findings before known ones, the
// entries the baseline lists that are fixed, the filter bar, each finding's requirement in words
// before its wire log, long logs folded around the decisive step, stable anchors, and a hostile
// server whose replies must never become markup.
#include <catch2/catch.hpp>

#include <sstream>

#include "report/html_parts.hpp"
#include "report/report.hpp"
#include "report_sample.hpp"

namespace report = ehlo::report;
namespace html = ehlo::report::html;
using ehlo::engine::BaselineMark;
using ehlo::engine::LogLine;
using ehlo::engine::Verdict;
using ehlo::scenario::Level;
using ehlo::scenario::Ref;

namespace {

std::string page_of(const ehlo::engine::RunResult& run) {
    std::ostringstream out;
    report::write_html(out, run);
    return out.str();
}

int occurrences(const std::string& text, const std::string& part) {
    int count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++count;
    return count;
}

/// Where the element of scenario `id` starts.
std::size_t scenario_at(const std::string& page, const std::string& id) {
    return page.find("id=\"" + id + "\" data-verdict=");
}

/// The sample run, with a second FAIL the baseline knows (its id sorts before the new FAIL)
/// and the WARN listed in the baseline with another reason.
ehlo::engine::RunResult baseline_run() {
    auto run = report_sample::sample_run();
    run.baseline_file = "ci/baseline.txt";
    auto known = report_sample::result("rfc5321/3.3/known-fail", Verdict::fail, Level::must,
                                       {Ref{5321, "3.3"}});
    known.reason = "MAIL without EHLO answered 250";
    known.baseline = BaselineMark::known;
    run.results.push_back(known);
    for (auto& result : run.results) {
        if (result.verdict != Verdict::warn) continue;
        result.baseline = BaselineMark::fixed;
        result.baseline_listed = "FAIL NOOP with an argument answered 501";
    }
    return run;
}

}  // namespace

TEST_CASE("HTML triage: the tally, then FAIL, ERROR, WARN, INFO, then PASS and SKIP folded",
          "[report]") {
    const std::string page = page_of(report_sample::sample_run());
    const auto tally = page.find("<p class=\"tally\">");
    const auto group = [&](const std::string& verdict) {
        return page.find("id=\"group-" + verdict + "\" data-group=\"" + verdict + "\"");
    };
    REQUIRE(tally != std::string::npos);
    CHECK(tally < group("FAIL"));
    CHECK(group("FAIL") < group("ERROR"));
    CHECK(group("ERROR") < group("WARN"));
    CHECK(group("WARN") < group("INFO"));
    CHECK(group("INFO") < group("PASS"));
    CHECK(group("PASS") < group("SKIP"));
    // Each scenario in its group; findings open, PASS and SKIP folded in one <details> each.
    CHECK(group("FAIL") < scenario_at(page, "rfc5321/4.1.4/rcpt-before-mail"));
    CHECK(scenario_at(page, "rfc5321/4.1.4/rcpt-before-mail") < group("ERROR"));
    CHECK(group("PASS") < scenario_at(page, "rfc5321/4.1.1.10/quit"));
    CHECK(group("SKIP") < scenario_at(page, "rfc3030/chunking"));
    CHECK(occurrences(page, "<section class=\"group folded\"") == 2);
    CHECK(occurrences(page, "\" open>\n<summary>") == 4);
    // The tally's badges link to the groups; the counts are in the group headings.
    CHECK(page.find("<a class=\"count-badge\" href=\"#group-ERROR\"><span class=\"v "
                    "v-ERROR\">ERROR</span><b>1</b></a>") != std::string::npos);
    CHECK(occurrences(page, "<span class=\"count\" data-total=\"1\">1</span>") == 6);
    CHECK(page.find("No findings") == std::string::npos);
}

TEST_CASE("HTML triage: a run without findings says so", "[report]") {
    auto run = report_sample::sample_run();
    std::erase_if(run.results, [](const auto& r) { return html::is_finding(r.verdict); });
    const std::string page = page_of(run);
    CHECK(page.find("No findings: every scenario gave PASS or SKIP.") != std::string::npos);
    CHECK(page.find("<span class=\"count-badge zero\"><span class=\"v v-FAIL\">FAIL</span><b>0") !=
          std::string::npos);
    CHECK(page.find("id=\"group-FAIL\"") == std::string::npos);
}

TEST_CASE("HTML triage: every scenario keeps its id as anchor, PASS and SKIP too", "[report]") {
    const auto run = report_sample::sample_run();
    const std::string page = page_of(run);
    for (const auto& result : run.results) {
        INFO(result.id);
        CHECK(occurrences(page, "id=\"" + result.id + "\"") == 1);
        CHECK(page.find("<a href=\"#" + result.id + "\">link</a>") != std::string::npos);
    }
    // The PASS's wire log is inside its folded entry.
    const auto pass = scenario_at(page, "rfc5321/4.1.1.10/quit");
    CHECK(page.find("<div class=\"wire\">", pass) < page.find("</div></details>", pass));
    CHECK(html::anchor("a b/<c>") == "a_b/&lt;c&gt;");
}

TEST_CASE(
    "HTML triage: a finding states the requirement before the reason, explanation "
    "and wire log",
    "[report]") {
    auto run = report_sample::sample_run();
    run.results[0].requirement =
        "5321-3.3-h (MUST, server): RCPT without a preceding MAIL must get 503.";
    const std::string page = page_of(run);
    const auto card = scenario_at(page, "rfc5321/4.1.4/rcpt-before-mail");
    const auto statement = page.find(
        "<p class=\"statement\"><span class=\"label\">requirement</span> RCPT without a "
        "preceding MAIL must get 503.</p>",
        card);
    const auto meta = page.find(
        "<span class=\"level\">MUST</span> \u00B7 <a "
        "href=\"https://www.rfc-editor.org/rfc/rfc5321#section-4.1.4\">",
        card);
    const auto row = page.find("catalog row <code>5321-3.3-h (MUST, server)</code>", card);
    const auto reason = page.find("<p class=\"reason\">", card);
    const auto explain = page.find("<table class=\"explain\">", card);
    const auto wire = page.find("<div class=\"wire\">", card);
    const auto end = page.find("</div></details>", card);
    CHECK(card < statement);
    CHECK(statement < meta);
    CHECK(meta < row);
    CHECK(row < reason);
    CHECK(reason < explain);
    CHECK(explain < wire);
    CHECK(wire < end);
}

TEST_CASE("HTML triage: a catalog row is cut into the row and its statement", "[report]") {
    const auto row = html::split_requirement("5321-4.1.4-c (MUST, server): The server: must.");
    CHECK(row.row == "5321-4.1.4-c (MUST, server)");
    CHECK(row.statement == "The server: must.");
    const auto plain = html::split_requirement("no row here: just words");
    CHECK(plain.row.empty());
    CHECK(plain.statement == "no row here: just words");
    CHECK(html::split_requirement("").statement.empty());
    CHECK(html::counted(1, "line", "lines") == "1 line");
    CHECK(html::counted(0, "entry", "entries") == "0 entries");
}

TEST_CASE("HTML triage: known findings are marked and come after the new ones", "[report]") {
    const std::string page = page_of(baseline_run());
    const auto known = scenario_at(page, "rfc5321/3.3/known-fail");
    const auto fresh = scenario_at(page, "rfc5321/4.1.4/rcpt-before-mail");
    REQUIRE(known != std::string::npos);
    CHECK(fresh < known);  // although its id sorts first
    CHECK(page.find("data-known=\"1\"", known) < page.find("<summary>", known));
    CHECK(page.find("<span class=\"known\">known</span>", known) < page.find("</summary>", known));
    CHECK(occurrences(page, "<span class=\"known\">known</span>") == 1);
    CHECK(occurrences(page, "data-known=\"1\"") == 1);
    CHECK(page.find("<span class=\"count\" data-total=\"2\">2</span>") != std::string::npos);
    CHECK(page.find("name=\"known\" value=\"hide\"") != std::string::npos);
    // Without a known finding, no "hide known" box.
    CHECK(page_of(report_sample::sample_run()).find("name=\"known\"") == std::string::npos);
}

TEST_CASE("HTML triage: the baseline file and its fixed entries near the top", "[report]") {
    const std::string page = page_of(baseline_run());
    CHECK(page.find("<p class=\"baseline\">baseline <code>ci/baseline.txt</code>: 1 known "
                    "finding, 1 entry fixed</p>") != std::string::npos);
    const auto box = page.find(
        "<section class=\"fixed\" id=\"fixed\"><h2>Fixed since the "
        "baseline <span class=\"count\">1</span></h2>");
    REQUIRE(box != std::string::npos);
    CHECK(box < page.find("<form id=\"filters\""));
    CHECK(page.find("<li><a href=\"#rfc5321/4.1.1.9/noop-argument\"><code>rfc5321/4.1.1.9/"
                    "noop-argument</code></a> now <span class=\"v v-WARN\">WARN</span> NOOP "
                    "with an argument answered 500<br><span class=\"listed\">baseline: FAIL NOOP "
                    "with an argument answered 501</span></li>",
                    box) != std::string::npos);
    CHECK(page.find("fixed: the baseline lists it as <q>FAIL NOOP with an argument answered "
                    "501</q>") != std::string::npos);
    const std::string plain = page_of(report_sample::sample_run());
    CHECK(plain.find("class=\"fixed\"") == std::string::npos);
    CHECK(plain.find("class=\"baseline\"") == std::string::npos);
}

TEST_CASE("HTML triage: the filter bar, hidden until the script shows it", "[report]") {
    auto run = report_sample::sample_run();
    run.results[1].tags = {"basic", "sequence"};
    const std::string page = page_of(run);
    const auto form = page.find("<form id=\"filters\" class=\"filters\" hidden>");
    REQUIRE(form != std::string::npos);
    const auto end = page.find("</form>", form);
    CHECK(occurrences(page.substr(form, end - form), "type=\"checkbox\" name=\"verdict\"") == 6);
    CHECK(page.find("<select name=\"rfc\"><option value=\"\">all</option><option "
                    "value=\"3030\">RFC 3030</option><option value=\"3207\">RFC 3207</option>"
                    "<option value=\"5321\">RFC 5321</option></select>",
                    form) < end);
    CHECK(page.find("<select name=\"tag\"><option value=\"\">all</option><option "
                    "value=\"basic\">basic</option><option value=\"sequence\">sequence</option>"
                    "</select>",
                    form) < end);
    CHECK(page.find("<input type=\"search\" name=\"q\"", form) < end);
    // What the script filters on.
    CHECK(page.find("id=\"rfc5321/4.1.4/rcpt-before-mail\" data-verdict=\"FAIL\" data-rfcs=\" "
                    "5321 \" data-tags=\" sequence \" data-known=\"0\" data-text=\"rfc5321/"
                    "4.1.4/rcpt-before-mail Title of rfc5321/4.1.4/rcpt-before-mail RCPT before "
                    "MAIL answered 250 &lt;ok&gt; &amp; &quot;done&quot;\"") != std::string::npos);
    CHECK(page.find("<script>\n(function () {") != std::string::npos);
}

TEST_CASE("HTML triage: a long wire log shows the decisive step, the whole log folded",
          "[report]") {
    auto run = report_sample::sample_run();
    auto& fail = run.results[0];
    for (int i = 0; i < 60; ++i)  // before the RCPT and its decisive reply
        fail.log.insert(
            fail.log.begin() + 4 + i,
            report_sample::line(7, LogLine::Side::client, "NOOP " + std::to_string(i), 12));
    const std::string page = page_of(run);
    const auto card = scenario_at(page, "rfc5321/4.1.4/rcpt-before-mail");
    const auto title =
        page.find("<p class=\"log-title\">wire log around line 14 of the scenario</p>", card);
    const auto whole = page.find("<details><summary>whole wire log, 68 lines</summary>", card);
    CHECK(card < title);
    CHECK(title < whole);
    // The window: three lines either side of the decisive one, marked in both tables.
    const auto window = page.substr(title, whole - title);
    CHECK(occurrences(window, "<tr class=") == 6);  // the log ends two lines after it
    CHECK(window.find("NOOP 58") != std::string::npos);
    CHECK(window.find("NOOP 57") == std::string::npos);
    CHECK(occurrences(page, "<tr class=\"server decisive\">") == 3);
    // A short log is shown whole, open.
    CHECK(page.find("<details open><summary>wire log, 6 lines</summary>") != std::string::npos);
}

TEST_CASE("HTML triage: a hostile server's replies never become markup", "[report]") {
    auto run = report_sample::sample_run();
    auto& fail = run.results[0];
    const std::string hostile = std::string("550 <script>alert(\"x\")</script> ' \"><img ") + '\0' +
                                "onerror=1 </pre></td></tr></table>";
    fail.log.push_back(report_sample::line(12, LogLine::Side::server, hostile, 16));
    fail.reason = "answered " + hostile;
    fail.explanation = "expected: 250\nreceived: " + hostile;
    fail.title = "<b>title</b>";
    fail.tags = {"\"><script>"};
    run.greeting = hostile;
    run.target = "<script>target</script>";
    const std::string page = page_of(run);
    CHECK(occurrences(page, "<script") == 1);  // only the report's own script
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("<b>title") == std::string::npos);
    CHECK(page.find("\\x00") != std::string::npos);
    CHECK(report_sample::control_bytes(page) == 0);
    CHECK(page.find("550 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39; &quot;&gt;&lt;"
                    "img \\x00onerror=1 &lt;/pre&gt;&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;") !=
          std::string::npos);
    CHECK(page.find("data-tags=\" &quot;&gt;&lt;script&gt; \"") != std::string::npos);
    CHECK(page.find("<option value=\"&quot;&gt;&lt;script&gt;\">") != std::string::npos);
    CHECK(page.find("<title>ehlo-check: &lt;script&gt;target&lt;/script&gt;</title>") !=
          std::string::npos);
    // Every table and <pre> the page opens, it closes: no text ended one early.
    CHECK(occurrences(page, "<pre") == occurrences(page, "</pre>"));
    CHECK(occurrences(page, "<table") == occurrences(page, "</table>"));
    CHECK(occurrences(page, "<details") == occurrences(page, "</details>"));
}

TEST_CASE("HTML triage: the coverage lost, folded under the tally", "[report]") {
    auto run = report_sample::sample_run();
    CHECK(page_of(run).find("class=\"not-run\"") == std::string::npos);
    run.not_run = {{212, "skipped", "need --rcpt"}, {6, "not selected", "tagged slow, add --slow"}};
    const std::string page = page_of(run);
    const auto box = page.find(
        "<details class=\"not-run\"><summary>218 scenarios not run, 2 reasons</summary><ul>"
        "<li>212 skipped: need --rcpt</li><li>6 not selected: tagged slow, add --slow</li>");
    CHECK(page.find("<p class=\"tally\">") < box);
    CHECK(box < page.find("</header>"));
}

TEST_CASE("HTML triage: without a catalog row, the finding says what it checks", "[report]") {
    const std::string page = page_of(report_sample::sample_run());
    const auto error = scenario_at(page, "rfc3207/starttls-handshake");
    CHECK(page.find("<p class=\"statement\"><span class=\"label\">checks</span> Title of "
                    "rfc3207/starttls-handshake</p>",
                    error) < page.find("<p class=\"reason\">", error));
}
