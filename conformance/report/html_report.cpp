// Layer: conformance/report. The HTML report (`--html FILE`, report.hpp): one self-contained
// page, inline CSS, no script and no external resource (links to the RFC text are plain
// hyperlinks). A header with target, date and tally; a summary by verdict and by RFC section;
// then each scenario with its verdict, reason, explanation and transcript, the lines of the
// decisive step marked with a ▶ and the class `decisive`; for a judged client, how its process
// ended and what it printed. Everything is HTML-escaped.
#include <sstream>

#include "report/format.hpp"
#include "report/report.hpp"

namespace ehlo::report {

namespace {

constexpr std::string_view style = R"(
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;
color:#222}
h1{font-size:1.5rem;margin:.2rem 0}
h2{font-size:1.2rem;border-bottom:1px solid #ccc;margin-top:2rem}
h3{font-size:1rem;margin:0 0 .3rem}
code,pre{font:13px/1.35 ui-monospace,monospace}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.meta{color:#555}
table{border-collapse:collapse;margin:.4rem 0}
th,td{padding:.15rem .5rem;text-align:left;vertical-align:top}
.counts td,.counts th{text-align:right;border-bottom:1px solid #eee}
.counts td:first-child,.counts th:first-child{text-align:left}
.v{display:inline-block;min-width:3.4rem;text-align:center;border-radius:3px;font-weight:600;
color:#fff;padding:0 .3rem}
.v-PASS{background:#2e7d32}.v-FAIL{background:#c62828}.v-WARN{background:#ef8f00}
.v-INFO{background:#0277bd}.v-SKIP{background:#888}.v-ERROR{background:#6a1b9a}
.scenario{border:1px solid #ddd;border-left:6px solid #888;border-radius:4px;margin:.8rem 0;
padding:.6rem .8rem}
.scenario.s-PASS{border-left-color:#2e7d32}.scenario.s-FAIL{border-left-color:#c62828}
.scenario.s-WARN{border-left-color:#ef8f00}.scenario.s-INFO{border-left-color:#0277bd}
.scenario.s-ERROR{border-left-color:#6a1b9a}
.reason{font-weight:600}
.explain td{border:1px solid #ddd;background:#fafafa}
.log{width:100%}
.log td{padding:0 .4rem}
.log .text{width:100%}
.log .at,.log .conn{color:#777;text-align:right}
.log .client .text{color:#0d47a1}
.log .note .text{color:#777;font-style:italic}
.log .mark{color:#c62828;width:1em}
.log tr.decisive{background:#fff3cd;font-weight:600}
summary{cursor:pointer;color:#555}
.client-output{background:#f6f6f6;border:1px solid #eee;padding:.3rem .5rem}
)";

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

/// Printable, then escaped: the one way text from a result reaches the page.
std::string html(std::string_view text, bool keep_newlines = false) {
    return escape(printable(text, keep_newlines));
}

std::string badge(engine::Verdict verdict) {
    const std::string name(engine::to_string(verdict));
    return "<span class=\"v v-" + name + "\">" + name + "</span>";
}

std::string anchor(std::string_view id) {
    std::string out = "s-" + printable(id);
    for (char& c : out)
        if (c == ' ') c = '_';
    return escape(out);
}

std::string ref_link(const scenario::Ref& ref) {
    const bool appendix = !ref.section.empty() && (ref.section[0] < '0' || ref.section[0] > '9');
    return "<a href=\"https://www.rfc-editor.org/rfc/rfc" + std::to_string(ref.rfc) +
           (appendix ? "#appendix-" : "#section-") + html(ref.section) + "\">" +
           html(ref_label(ref)) + "</a>";
}

void write_header(std::ostream& out, const engine::RunResult& run, const engine::Tally& tally) {
    out << "<header><h1>ehlo-check: " << html(run.target) << "</h1>\n<p class=\"meta\">"
        << html(run.started_at) << " \u00B7 " << human_duration(run.duration)
        << " \u00B7 ehlo-check " << html(run.tool_version);
    if (run.time_scale != 1.0) {
        out << " \u00B7 time scale " << engine::format_scale(run.time_scale) << " (every wait)";
    }
    out << "</p>\n<p>";
    for (const auto verdict : verdict_columns)
        out << badge(verdict) << ' ' << tally.count(verdict) << " &nbsp; ";
    out << tally.total() << " scenarios</p></header>\n";
}

void write_discovery(std::ostream& out, const engine::RunResult& run) {
    const auto words = [](const std::vector<std::string>& list) {
        std::string text;
        for (const auto& word : list)
            text += (text.empty() ? "" : " ") + html(word);
        return text.empty() ? std::string("(none)") : text;
    };
    out << "<h2>Discovery</h2>\n<table><tr><th>greeting</th><td><pre>" << html(run.greeting, true)
        << "</pre></td></tr>\n<tr><th>EHLO keywords</th><td><code>" << words(run.keywords)
        << "</code></td></tr>\n";
    if (!run.keywords_after_tls.empty())
        out << "<tr><th>after STARTTLS</th><td><code>" << words(run.keywords_after_tls)
            << "</code></td></tr>\n";
    out << "</table>\n";
}

void write_summary(std::ostream& out, const engine::RunResult& run, const engine::Tally& tally) {
    out << "<h2>Summary</h2>\n<table "
           "class=\"counts\"><tr><th>verdict</th><th>scenarios</th></tr>\n";
    for (const auto verdict : verdict_columns)
        out << "<tr><td>" << badge(verdict) << "</td><td>" << tally.count(verdict)
            << "</td></tr>\n";
    out << "</table>\n<table class=\"counts\"><tr><th>RFC section</th>";
    for (const auto verdict : verdict_columns)
        out << "<th>" << engine::to_string(verdict) << "</th>";
    out << "</tr>\n";
    for (const auto& row : by_section(run)) {
        out << "<tr><td>" << ref_link(row.ref) << "</td>";
        for (const auto verdict : verdict_columns) {
            const int count = row.tally.count(verdict);
            out << "<td>" << (count == 0 ? std::string("\u00B7") : std::to_string(count))
                << "</td>";
        }
        out << "</tr>\n";
    }
    out << "</table>\n";
}

/// Links to the scenarios worth a look: every verdict but PASS and SKIP.
void write_findings(std::ostream& out, const std::vector<const engine::ScenarioResult*>& results) {
    std::string items;
    for (const auto* result : results) {
        if (result->verdict == engine::Verdict::pass || result->verdict == engine::Verdict::skip)
            continue;
        items += "<li>" + badge(result->verdict) + " <a href=\"#" + anchor(result->id) + "\">" +
                 html(result->id) + "</a> " + html(result->reason) + "</li>\n";
    }
    if (!items.empty()) out << "<h2>Findings</h2>\n<ul>\n" << items << "</ul>\n";
}

void write_explanation(std::ostream& out, const engine::ScenarioResult& result) {
    const Explanation sides = split_explanation(result.explanation);
    const auto lines = [](const std::vector<std::string>& list) {
        std::string text;
        for (const auto& line : list)
            text += escape(line) + "\n";
        return text;
    };
    if (!sides.other.empty()) out << "<pre>" << lines(sides.other) << "</pre>\n";
    if (sides.expected.empty()) return;
    out << "<table class=\"explain\"><tr><th>expected</th><th>received</th></tr>\n<tr><td><pre>"
        << lines(sides.expected) << "</pre></td><td><pre>" << lines(sides.received)
        << "</pre></td></tr></table>\n";
}

void write_transcript(std::ostream& out, const engine::ScenarioResult& result) {
    if (result.log.empty()) return;
    const bool open = result.verdict != engine::Verdict::pass;
    out << "<details" << (open ? " open" : "") << "><summary>transcript, " << result.log.size()
        << (result.log.size() == 1 ? " line" : " lines") << "</summary>\n<table class=\"log\">\n";
    for (const auto& line : result.log) {
        const bool decisive = is_decisive(result, line);
        out << "<tr class=\"" << side_name(line.side) << (decisive ? " decisive" : "")
            << "\"><td class=\"mark\">" << (decisive ? "\u25B6" : "") << "</td><td class=\"at\">"
            << seconds(line.at) << "</td><td class=\"conn\">" << line.connection
            << "</td><td class=\"side\">" << engine::prefix(line.side)
            << "</td><td class=\"text\"><pre>" << html(line.text) << "</pre></td></tr>\n";
    }
    out << "</table></details>\n";
}

/// All of a judged client's output that was kept, folded when the scenario passed.
void write_client_output(std::ostream& out, const engine::ScenarioResult& result) {
    const OutputLines output = output_lines(result.client_output);
    if (output.lines.empty()) return;
    const bool open = result.verdict != engine::Verdict::pass;
    out << "<details" << (open ? " open" : "") << "><summary>client output, " << output.lines.size()
        << (output.lines.size() == 1 ? " line" : " lines")
        << "</summary>\n<pre class=\"client-output\">";
    for (const auto& line : output.lines)
        out << escape(line) << '\n';
    out << "</pre></details>\n";
}

void write_scenario(std::ostream& out, const engine::ScenarioResult& result) {
    const std::string verdict(engine::to_string(result.verdict));
    out << "<article class=\"scenario s-" << verdict << "\" id=\"" << anchor(result.id)
        << "\">\n<h3>" << badge(result.verdict) << " <code>" << html(result.id) << "</code> "
        << html(result.title) << "</h3>\n<p class=\"meta\">" << scenario::to_string(result.level);
    for (const auto& ref : result.refs)
        out << " \u00B7 " << ref_link(ref);
    for (const auto& tag : result.tags)
        out << " \u00B7 <code>" << html(tag) << "</code>";
    out << " \u00B7 " << human_duration(result.duration) << "</p>\n";
    if (!result.reason.empty()) out << "<p class=\"reason\">" << html(result.reason) << "</p>\n";
    if (!result.requirement.empty())
        out << "<p class=\"requirement\">" << html(result.requirement) << "</p>\n";
    if (!result.client_status.empty())
        out << "<p class=\"client-status\">client: <code>" << html(result.client_status)
            << "</code></p>\n";
    write_explanation(out, result);
    write_transcript(out, result);
    write_client_output(out, result);
    out << "</article>\n";
}

}  // namespace

void write_html(std::ostream& out, const engine::RunResult& run) {
    const engine::Tally tally = run.tally();
    const auto results = sorted_by_id(run);
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>ehlo-check: " << html(run.target) << "</title>\n<style>" << style
        << "</style>\n</head>\n<body>\n";
    write_header(out, run, tally);
    write_discovery(out, run);
    write_summary(out, run, tally);
    write_findings(out, results);
    out << "<h2>Scenarios</h2>\n";
    for (const auto* result : results)
        write_scenario(out, *result);
    out << "</body>\n</html>\n";
}

}  // namespace ehlo::report
