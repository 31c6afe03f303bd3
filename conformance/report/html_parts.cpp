// Layer: conformance/report. The pieces of the HTML report (html_parts.hpp): escaping, badges,
// RFC links, and one scenario written whole, its broken requirement in words first and its wire
// log last. Every text of a result goes through `text` (printable, then escaped), so nothing
// read from the wire can become markup.
#include "report/html_parts.hpp"

#include <algorithm>
#include <set>

#include "report/format.hpp"

namespace ehlo::report::html {

namespace {

/// The table of `result.log`'s lines [first, last), the decisive step's lines marked.
void write_log_table(std::ostream& out, const engine::ScenarioResult& result, std::size_t first,
                     std::size_t last) {
    out << "<table class=\"log\">\n";
    for (std::size_t i = first; i < last; ++i) {
        const engine::LogLine& line = result.log[i];
        const bool decisive = is_decisive(result, line);
        out << "<tr class=\"" << side_name(line.side) << (decisive ? " decisive" : "")
            << "\"><td class=\"mark\">" << (decisive ? "\u25B6" : "") << "</td><td class=\"at\">"
            << seconds(line.at) << "</td><td class=\"conn\">" << line.connection
            << "</td><td class=\"side\">" << engine::prefix(line.side)
            << "</td><td class=\"text\"><pre>" << text(line.text) << "</pre></td></tr>\n";
    }
    out << "</table>\n";
}

void write_requirement(std::ostream& out, const engine::ScenarioResult& result) {
    const Requirement row = split_requirement(result.requirement);
    out << "<div class=\"requirement\">";
    // Without a catalog row behind the verdict (ERROR, PASS, SKIP), what the scenario checks.
    if (!row.statement.empty())
        out << "<p class=\"statement\"><span class=\"label\">requirement</span> "
            << text(row.statement) << "</p>";
    else
        out << "<p class=\"statement\"><span class=\"label\">checks</span> " << text(result.title)
            << "</p>";
    out << "<p class=\"meta\"><span class=\"level\">" << scenario::to_string(result.level)
        << "</span>";
    for (const auto& ref : result.refs)
        out << " \u00B7 " << ref_link(ref);
    if (!row.row.empty()) out << " \u00B7 catalog row <code>" << text(row.row) << "</code>";
    out << "</p></div>\n";
}

void write_explanation(std::ostream& out, const engine::ScenarioResult& result) {
    const Explanation sides = split_explanation(result.explanation);
    const auto lines = [](const std::vector<std::string>& list) {
        std::string joined;
        for (const auto& line : list)
            joined += escape(line) + "\n";
        return joined;
    };
    if (!sides.other.empty()) out << "<pre class=\"other\">" << lines(sides.other) << "</pre>\n";
    if (sides.expected.empty()) return;
    out << "<table class=\"explain\"><tr><th>expected</th><th>received</th></tr>\n<tr><td><pre>"
        << lines(sides.expected) << "</pre></td><td><pre>" << lines(sides.received)
        << "</pre></td></tr></table>\n";
}

/// A judged client's exit, and all of its output that was kept, folded when it passed.
void write_client(std::ostream& out, const engine::ScenarioResult& result) {
    if (!result.client_status.empty())
        out << "<p class=\"client-status\">client: <code>" << text(result.client_status)
            << "</code></p>\n";
    const OutputLines output = output_lines(result.client_output);
    if (output.lines.empty()) return;
    const bool open = result.verdict != engine::Verdict::pass;
    out << "<details" << (open ? " open" : "") << "><summary>client output, "
        << counted(output.lines.size(), "line", "lines")
        << "</summary>\n<pre class=\"client-output\">";
    for (const auto& line : output.lines)
        out << escape(line) << '\n';
    out << "</pre></details>\n";
}

void write_baseline_note(std::ostream& out, const engine::ScenarioResult& result) {
    if (result.baseline != engine::BaselineMark::fixed) return;
    out << "<p class=\"fixed-note\">fixed: the baseline lists it as <q>"
        << text(result.baseline_listed) << "</q>; remove the entry</p>\n";
}

void write_summary(std::ostream& out, const engine::ScenarioResult& result) {
    out << "<summary>" << badge(result.verdict);
    if (result.baseline == engine::BaselineMark::known)
        out << " <span class=\"known\">known</span>";
    out << " <code class=\"id\">" << text(result.id) << "</code> <span class=\"title\">"
        << text(result.title) << "</span>";
    if (!is_finding(result.verdict) && !result.reason.empty())
        out << " <span class=\"why\">" << text(result.reason) << "</span>";
    out << "</summary>\n";
}

}  // namespace

bool is_finding(engine::Verdict verdict) {
    return verdict != engine::Verdict::pass && verdict != engine::Verdict::skip;
}

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

std::string text(std::string_view text, bool keep_newlines) {
    return escape(printable(text, keep_newlines));
}

std::string counted(std::size_t count, std::string_view one, std::string_view many) {
    return std::to_string(count) + ' ' + std::string(count == 1 ? one : many);
}

std::string badge(engine::Verdict verdict) {
    const std::string name(engine::to_string(verdict));
    return "<span class=\"v v-" + name + "\">" + name + "</span>";
}

std::string anchor(std::string_view id) {
    std::string out = printable(id);
    std::replace(out.begin(), out.end(), ' ', '_');  // an id attribute holds no space
    return escape(out);
}

std::string ref_link(const scenario::Ref& ref) {
    const bool appendix = !ref.section.empty() && (ref.section[0] < '0' || ref.section[0] > '9');
    return "<a href=\"https://www.rfc-editor.org/rfc/rfc" + std::to_string(ref.rfc) +
           (appendix ? "#appendix-" : "#section-") + text(ref.section) + "\">" +
           text(ref_label(ref)) + "</a>";
}

Requirement split_requirement(std::string_view requirement) {
    const auto end = requirement.find("): ");
    const auto open = requirement.find(" (");
    if (end == std::string_view::npos || open == std::string_view::npos || open > end)
        return {"", std::string(requirement)};
    return {std::string(requirement.substr(0, end + 1)), std::string(requirement.substr(end + 3))};
}

std::string scenario_attributes(const engine::ScenarioResult& result) {
    std::set<int> numbers;
    for (const auto& ref : result.refs)
        numbers.insert(ref.rfc);
    std::string rfcs = " ", tags = " ";
    for (const int number : numbers)
        rfcs += std::to_string(number) + " ";
    for (const auto& tag : result.tags)
        tags += printable(tag) + " ";
    const bool known = result.baseline == engine::BaselineMark::known;
    return "id=\"" + anchor(result.id) + "\" data-verdict=\"" +
           std::string(engine::to_string(result.verdict)) + "\" data-rfcs=\"" + rfcs +
           "\" data-tags=\"" + escape(tags) + "\" data-known=\"" + (known ? "1" : "0") +
           "\" data-text=\"" + text(result.id + " " + result.title + " " + result.reason) + "\"";
}

void write_wire_log(std::ostream& out, const engine::ScenarioResult& result) {
    const std::size_t size = result.log.size();
    if (size == 0) return;
    out << "<div class=\"wire\">";
    if (size <= long_log || !is_finding(result.verdict)) {  // no decisive step to go to
        out << "<details open><summary>wire log, " << counted(size, "line", "lines")
            << "</summary>\n";
        write_log_table(out, result, 0, size);
        out << "</details></div>\n";
        return;
    }
    const LogWindow window = decisive_window(result, 3);
    out << "<p class=\"log-title\">wire log around "
        << (result.decisive_line > 0
                ? "line " + std::to_string(result.decisive_line) + " of the scenario"
                : std::string("its end"))
        << "</p>\n";
    write_log_table(out, result, window.first, window.last);
    out << "<details><summary>whole wire log, " << counted(size, "line", "lines") << "</summary>\n";
    write_log_table(out, result, 0, size);
    out << "</details></div>\n";
}

void write_scenario(std::ostream& out, const engine::ScenarioResult& result) {
    const std::string verdict(engine::to_string(result.verdict));
    const bool finding = is_finding(result.verdict);
    out << "<details class=\"scenario s-" << verdict << "\" " << scenario_attributes(result)
        << (finding ? " open" : "") << ">\n";
    write_summary(out, result);
    out << "<div class=\"body\">\n";
    write_requirement(out, result);
    if (!result.reason.empty())
        out << "<p class=\"reason\"><span class=\"label\">reason</span> " << text(result.reason)
            << "</p>\n";
    write_baseline_note(out, result);
    write_explanation(out, result);
    write_client(out, result);
    write_wire_log(out, result);
    out << "<p class=\"meta\">";
    for (const auto& tag : result.tags)
        out << "<code class=\"tag\">" << text(tag) << "</code> ";
    out << human_duration(result.duration) << " \u00B7 <a href=\"#" << anchor(result.id)
        << "\">link</a></p>\n</div></details>\n";
}

}  // namespace ehlo::report::html
