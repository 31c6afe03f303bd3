// Layer: conformance/report. The HTML report (`--html FILE`, report.hpp): one self-contained
// page made for triage, with its CSS and a small filter script inline and no external resource
// (links to the RFC text are plain hyperlinks). From the top: the target and the tally, the
// baseline and the entries it lists that are fixed, the filter bar (verdict, RFC, tag, search,
// known findings), the findings grouped FAIL, ERROR, WARN, INFO (new before known), the PASS
// and SKIP scenarios folded, then the verdicts per RFC section and the discovery. Every
// scenario has its id as anchor. Without JavaScript the filter bar stays hidden and the page
// shows everything. The pieces are in html_parts.cpp.
#include <algorithm>
#include <set>
#include <sstream>

#include "report/format.hpp"
#include "report/html_parts.hpp"
#include "report/report.hpp"

namespace ehlo::report {

namespace {

using Results = std::vector<const engine::ScenarioResult*>;

/// What a group of scenarios of one verdict is, after its badge.
std::string_view group_title(engine::Verdict verdict) {
    switch (verdict) {
        case engine::Verdict::fail:
            return "broken requirements";
        case engine::Verdict::error:
            return "could not be judged";
        case engine::Verdict::warn:
            return "recommendations not followed";
        case engine::Verdict::info:
            return "for information";
        case engine::Verdict::pass:
            return "passed";
        case engine::Verdict::skip:
            return "skipped";
    }
    return "";
}

std::string group_anchor(engine::Verdict verdict) {
    return "group-" + std::string(engine::to_string(verdict));
}

/// The results of one verdict: the new ones first, then those the baseline knows, each part
/// in the order of the ids.
Results of_verdict(const Results& by_id, engine::Verdict verdict) {
    Results out;
    std::copy_if(by_id.begin(), by_id.end(), std::back_inserter(out),
                 [verdict](const auto* result) { return result->verdict == verdict; });
    std::stable_partition(out.begin(), out.end(), [](const auto* result) {
        return result->baseline != engine::BaselineMark::known;
    });
    return out;
}

std::size_t count_marked(const engine::RunResult& run, engine::BaselineMark mark) {
    return static_cast<std::size_t>(
        std::count_if(run.results.begin(), run.results.end(),
                      [mark](const auto& r) { return r.baseline == mark; }));
}

void write_tally(std::ostream& out, const engine::Tally& tally) {
    out << "<p class=\"tally\">";
    for (const auto verdict : html::triage_order) {
        const int count = tally.count(verdict);
        const std::string inner = html::badge(verdict) + "<b>" + std::to_string(count) + "</b>";
        if (count == 0)
            out << "<span class=\"count-badge zero\">" << inner << "</span> ";
        else
            out << "<a class=\"count-badge\" href=\"#" << group_anchor(verdict) << "\">" << inner
                << "</a> ";
    }
    out << "<span class=\"total\">" << tally.total() << " scenarios</span></p>\n";
}

/// The coverage the run lost, folded: one line per reason, with the option that would help.
void write_not_run(std::ostream& out, const std::vector<engine::NotRun>& not_run) {
    if (not_run.empty()) return;
    int count = 0;
    for (const auto& group : not_run)
        count += group.count;
    out << "<details class=\"not-run\"><summary>"
        << html::counted(static_cast<std::size_t>(count), "scenario", "scenarios") << " not run, "
        << html::counted(not_run.size(), "reason", "reasons") << "</summary><ul>";
    for (const auto& group : not_run)
        out << "<li>" << html::text(not_run_line(group)) << "</li>";
    out << "</ul></details>\n";
}

void write_header(std::ostream& out, const engine::RunResult& run) {
    out << "<header><h1>ehlo-check: " << html::text(run.target) << "</h1>\n<p class=\"meta\">"
        << html::text(run.started_at) << " \u00B7 " << human_duration(run.duration)
        << " \u00B7 ehlo-check " << html::text(run.tool_version);
    if (run.time_scale != 1.0)
        out << " \u00B7 time scale " << engine::format_scale(run.time_scale) << " (every wait)";
    out << "</p>\n";
    write_tally(out, run.tally());
    if (!run.baseline_file.empty())
        out << "<p class=\"baseline\">baseline <code>" << html::text(run.baseline_file)
            << "</code>: "
            << html::counted(count_marked(run, engine::BaselineMark::known), "known finding",
                             "known findings")
            << ", "
            << html::counted(count_marked(run, engine::BaselineMark::fixed), "entry fixed",
                             "entries fixed")
            << "</p>\n";
    write_not_run(out, run.not_run);
    out << "</header>\n";
}

/// The baseline entries that no longer match their result: the user should remove them.
void write_fixed(std::ostream& out, const Results& by_id, const std::string& baseline_file) {
    Results fixed;
    std::copy_if(by_id.begin(), by_id.end(), std::back_inserter(fixed), [](const auto* result) {
        return result->baseline == engine::BaselineMark::fixed;
    });
    if (fixed.empty()) return;
    out << "<section class=\"fixed\" id=\"fixed\"><h2>Fixed since the baseline <span "
           "class=\"count\">"
        << fixed.size() << "</span></h2>\n<p>These entries of <code>" << html::text(baseline_file)
        << "</code> no longer match their scenario: remove them from the baseline.</p>\n<ul>\n";
    for (const auto* result : fixed)
        out << "<li><a href=\"#" << html::anchor(result->id) << "\"><code>"
            << html::text(result->id) << "</code></a> now " << html::badge(result->verdict) << ' '
            << html::text(result->reason)
            << "<br><span class=\"listed\">baseline: " << html::text(result->baseline_listed)
            << "</span></li>\n";
    out << "</ul></section>\n";
}

std::string option(const std::string& value, const std::string& label) {
    return "<option value=\"" + html::text(value) + "\">" + html::text(label) + "</option>";
}

/// The filter bar: hidden in the markup, shown by the script, so that a page read without
/// JavaScript has no controls that do nothing.
void write_filters(std::ostream& out, const engine::RunResult& run) {
    std::set<int> rfcs;
    std::set<std::string> tags;
    for (const auto& result : run.results) {
        for (const auto& ref : result.refs)
            rfcs.insert(ref.rfc);
        tags.insert(result.tags.begin(), result.tags.end());
    }
    out << "<form id=\"filters\" class=\"filters\" hidden>\n<span class=\"verdicts\">";
    for (const auto verdict : html::triage_order) {
        const std::string name(engine::to_string(verdict));
        out << "<label><input type=\"checkbox\" name=\"verdict\" value=\"" << name << "\" checked>"
            << html::badge(verdict) << "</label>";
    }
    out << "</span>\n<label>RFC <select name=\"rfc\">" << option("", "all");
    for (const int rfc : rfcs)
        out << option(std::to_string(rfc), "RFC " + std::to_string(rfc));
    out << "</select></label>\n<label>tag <select name=\"tag\">" << option("", "all");
    for (const auto& tag : tags)
        out << option(tag, tag);
    out << "</select></label>\n<input type=\"search\" name=\"q\" placeholder=\"search id, title, "
           "reason\" aria-label=\"search\">\n";
    if (count_marked(run, engine::BaselineMark::known) > 0)
        out << "<label><input type=\"checkbox\" name=\"known\" value=\"hide\"> hide "
               "known</label>\n";
    out << "<button type=\"reset\">show all</button> <span class=\"shown\" "
           "id=\"shown\"></span>\n</form>\n";
}

/// One group: its heading with the count, its scenarios; PASS and SKIP folded in a <details>.
void write_group(std::ostream& out, const Results& results, engine::Verdict verdict) {
    if (results.empty()) return;
    const std::string name(engine::to_string(verdict));
    const bool folded = !html::is_finding(verdict);
    const std::string heading = html::badge(verdict) + " <span class=\"count\" data-total=\"" +
                                std::to_string(results.size()) + "\">" +
                                std::to_string(results.size()) + "</span> " +
                                std::string(group_title(verdict));
    out << "<section class=\"group" << (folded ? " folded" : "") << "\" id=\""
        << group_anchor(verdict) << "\" data-group=\"" << name << "\">\n";
    if (folded)
        out << "<details><summary><h2>" << heading << "</h2></summary>\n";
    else
        out << "<h2>" << heading << "</h2>\n";
    for (const auto* result : results)
        html::write_scenario(out, *result);
    out << (folded ? "</details>" : "") << "</section>\n";
}

void write_findings(std::ostream& out, const Results& by_id) {
    out << "<main id=\"findings\">\n";
    bool any = false;
    for (const auto verdict : html::triage_order) {
        const Results results = of_verdict(by_id, verdict);
        if (html::is_finding(verdict) && !results.empty()) any = true;
        if (!html::is_finding(verdict) && !any) {
            out << "<p class=\"no-findings\">No findings: every scenario gave PASS or SKIP.</p>\n";
            any = true;
        }
        write_group(out, results, verdict);
    }
    out << "<p class=\"none-shown\" id=\"none-shown\" hidden>No scenario matches the "
           "filter.</p>\n</main>\n";
}

/// The verdicts per RFC section, in the order of the RFCs and their sections.
void write_sections(std::ostream& out, const engine::RunResult& run) {
    out << "<h2 id=\"sections\">Verdicts by RFC section</h2>\n<table class=\"counts\"><tr><th>RFC "
           "section</th>";
    for (const auto verdict : html::triage_order)
        out << "<th>" << html::badge(verdict) << "</th>";
    out << "</tr>\n";
    for (const auto& row : by_section(run)) {
        out << "<tr><td>" << html::ref_link(row.ref) << "</td>";
        for (const auto verdict : html::triage_order) {
            const int count = row.tally.count(verdict);
            out << "<td>" << (count == 0 ? std::string("\u00B7") : std::to_string(count))
                << "</td>";
        }
        out << "</tr>\n";
    }
    out << "</table>\n";
}

void write_discovery(std::ostream& out, const engine::RunResult& run) {
    const auto words = [](const std::vector<std::string>& list) {
        std::string joined;
        for (const auto& word : list)
            joined += (joined.empty() ? "" : " ") + html::text(word);
        return joined.empty() ? std::string("(none)") : joined;
    };
    out << "<h2 id=\"discovery\">Discovery</h2>\n<table><tr><th>greeting</th><td><pre>"
        << html::text(run.greeting, true) << "</pre></td></tr>\n<tr><th>EHLO "
        << "keywords</th><td><code>" << words(run.keywords) << "</code></td></tr>\n";
    if (!run.keywords_after_tls.empty())
        out << "<tr><th>after STARTTLS</th><td><code>" << words(run.keywords_after_tls)
            << "</code></td></tr>\n";
    out << "</table>\n";
}

}  // namespace

void write_html(std::ostream& out, const engine::RunResult& run) {
    const Results by_id = sorted_by_id(run);
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>ehlo-check: " << html::text(run.target) << "</title>\n<style>" << html::style
        << "</style>\n</head>\n<body>\n";
    write_header(out, run);
    write_fixed(out, by_id, run.baseline_file);
    write_filters(out, run);
    write_findings(out, by_id);
    write_sections(out, run);
    write_discovery(out, run);
    out << "<script>" << html::script << "</script>\n</body>\n</html>\n";
}

}  // namespace ehlo::report
