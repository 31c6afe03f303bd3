// The HTML report (`--html`): one self-contained page, everything escaped, the section table,
// the lines of the decisive step marked, and a judged client's exit and output. The layout made
// for triage (groups, baseline, filters, long logs, hostile text) is in report_html_triage_test.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "report/report.hpp"
#include "report_sample.hpp"

namespace report = ehlo::report;

namespace {

std::string html_text() {
    std::ostringstream out;
    report::write_html(out, report_sample::sample_run());
    return out.str();
}

int occurrences(const std::string& text, const std::string& part) {
    int count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++count;
    return count;
}

}  // namespace

TEST_CASE("HTML: the header names a time scale that is not 1", "[report]") {
    CHECK(html_text().find("time scale") == std::string::npos);
    auto run = report_sample::sample_run();
    run.time_scale = 0.01;
    std::ostringstream out;
    report::write_html(out, run);
    CHECK(out.str().find("time scale 0.01 (every wait)") != std::string::npos);
}

TEST_CASE("HTML: a whole page with the run's header and tally", "[report]") {
    const std::string page = html_text();
    CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(page.find("</html>") != std::string::npos);
    CHECK(page.find("<meta charset=\"utf-8\">") != std::string::npos);
    CHECK(page.find("<h1>ehlo-check: 127.0.0.1:2525</h1>") != std::string::npos);
    CHECK(page.find("2026-11-22T05:00:00Z") != std::string::npos);
    CHECK(page.find("<span class=\"v v-FAIL\">FAIL</span><b>1</b>") != std::string::npos);
    CHECK(page.find("<span class=\"v v-PASS\">PASS</span><b>1</b>") != std::string::npos);
    CHECK(page.find("6 scenarios") != std::string::npos);
    CHECK(occurrences(page, "<details class=\"scenario") == 6);
    CHECK(page.find("PIPELINING 8BITMIME STARTTLS") != std::string::npos);
}

TEST_CASE("HTML: the table by RFC section links the RFC text, in the sections' order", "[report]") {
    const std::string page = html_text();
    // Columns FAIL ERROR WARN INFO PASS SKIP: 4.1.4 is cited by the FAIL and the PASS.
    const auto table = page.find("<h2 id=\"sections\">");
    REQUIRE(table != std::string::npos);
    const auto row = page.find(
        "<a href=\"https://www.rfc-editor.org/rfc/rfc5321#section-4.1.4\">RFC 5321 "
        "\u00A74.1.4</a></td><td>1</td><td>\u00B7</td><td>\u00B7</td><td>\u00B7</td><td>1</td>"
        "<td>\u00B7</td></tr>",
        table);
    CHECK(row != std::string::npos);
    // 4.1.1.9 before 4.1.1.10, RFC 3030 before 3207 before 5321.
    const auto section = [&](const std::string& rfc, const std::string& number) {
        return page.find("rfc" + rfc + "#section-" + number + "\">", table);
    };
    CHECK(section("3030", "2") < section("3207", "4"));
    CHECK(section("3207", "4") < section("5321", "4.1.1.9"));
    CHECK(section("5321", "4.1.1.9") < section("5321", "4.1.1.10"));
    CHECK(section("5321", "4.1.1.10") < section("5321", "4.1.4"));
    // The table comes after every scenario.
    CHECK(page.rfind("<details class=\"scenario") < table);
}

TEST_CASE("HTML: everything from the run is escaped", "[report]") {
    const std::string page = html_text();
    CHECK(page.find("<ok>") == std::string::npos);
    CHECK(page.find("<a@b>") == std::string::npos);
    CHECK(page.find("RCPT before MAIL answered 250 &lt;ok&gt; &amp; &quot;done&quot;") !=
          std::string::npos);
    CHECK(page.find("250 2.1.5 &lt;a@b&gt; &amp; &quot;q&quot;\\x01\\x1b[31m") !=
          std::string::npos);
    CHECK(page.find("221 bye \\xff") != std::string::npos);
    CHECK(report_sample::control_bytes(page) == 0);
}

TEST_CASE("HTML: the decisive step's lines carry the marker", "[report]") {
    const std::string page = html_text();
    // One decisive line in each of FAIL, WARN and ERROR.
    CHECK(occurrences(page, "<tr class=\"server decisive\">") == 2);
    CHECK(occurrences(page, "<tr class=\"note decisive\">") == 1);
    CHECK(occurrences(page, "\u25B6") == 3);
    const auto row = page.find(
        "<tr class=\"server decisive\"><td class=\"mark\">\u25B6</td><td "
        "class=\"at\">0.009</td>");
    REQUIRE(row != std::string::npos);
    CHECK(page.find("250 2.1.5 &lt;a@b&gt;", row) < page.find("</tr>", row));
    // Expected and received side by side.
    CHECK(page.find("<tr><td><pre>503 | 5xx\n</pre></td><td><pre>250 2.1.5 &lt;a@b&gt; &amp; "
                    "&quot;q&quot;\n</pre></td></tr>") != std::string::npos);
}

TEST_CASE("HTML: self-contained, one inline script, no external resource", "[report]") {
    const std::string page = html_text();
    CHECK(occurrences(page, "<script") == 1);
    CHECK(page.find("<script>") != std::string::npos);
    CHECK(page.find("<link") == std::string::npos);
    CHECK(page.find("src=") == std::string::npos);
    CHECK(page.find("url(") == std::string::npos);
    CHECK(page.find("@import") == std::string::npos);
    CHECK(page.find("<style>") != std::string::npos);
    // The only links: anchors on the page, and the RFC text on <a>.
    const std::regex href("(<[a-z]+) [^>]*href=\"([^\"]*)\"");
    int links = 0;
    for (std::sregex_iterator it(page.begin(), page.end(), href), end; it != end; ++it) {
        ++links;
        const std::string tag = (*it)[1], target = (*it)[2];
        CHECK(tag == "<a");
        const bool local = target.rfind("#", 0) == 0;
        const bool rfc = target.rfind("https://www.rfc-editor.org/rfc/rfc", 0) == 0;
        CHECK((local || rfc));
    }
    CHECK(links > 10);
}

TEST_CASE("HTML: a client's exit and output, escaped, folded when it passed", "[report]") {
    std::ostringstream written;
    report::write_html(written, report_sample::client_run());
    const std::string page = written.str();
    CHECK(report_sample::control_bytes(page) == 0);
    CHECK(page.find("<h1>ehlo-check: client: swaks --to {rcpt}</h1>") != std::string::npos);
    const auto fail = page.find("id=\"client/rfc5321/4.5.2/dot-stuffing\"");
    REQUIRE(fail != std::string::npos);
    const auto end = page.find("</div></details>\n", fail);  // the end of the scenario
    const auto status =
        page.find("<p class=\"client-status\">client: <code>exit 1</code></p>", fail);
    const auto output = page.find(
        "<details open><summary>client output, 25 lines</summary>\n<pre "
        "class=\"client-output\">client line 1\nclient line 2\n",
        fail);
    CHECK(status < output);
    CHECK(output < end);
    CHECK(page.find("&lt;- 554 5.6.0 &lt;a@b&gt; &amp; &quot;q&quot;\\x1b[31m \\xff\n</pre>",
                    output) < end);
    CHECK(page.find("<a@b>") == std::string::npos);
    CHECK(page.find("<details><summary>client output, 1 line</summary>\n<pre "
                    "class=\"client-output\">message sent\n</pre></details>") != std::string::npos);
    CHECK(page.find("client: <code>killed by ehlo-check: it had not exited</code>") !=
          std::string::npos);
    CHECK(occurrences(page, "<p class=\"client-status\">") == 3);
    CHECK(occurrences(page, "class=\"client-output\">") == 2);
}

TEST_CASE("HTML: a server scenario says nothing of a client", "[report]") {
    const std::string page = html_text();
    CHECK(page.find("class=\"client-status\"") == std::string::npos);
    CHECK(page.find("class=\"client-output\"") == std::string::npos);
    CHECK(page.find("client output") == std::string::npos);
}
