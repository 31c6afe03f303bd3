// Layer: conformance/report. The JUnit XML report (`--junit FILE`, report.hpp) in the common
// shape that GitLab, Jenkins and GitHub's test reporters read: <testsuites> holding one
// <testsuite>, one <testcase> per scenario (classname: the id's folder with dots, name: its
// file). FAIL is a <failure>, ERROR an <error>, SKIP <skipped>; PASS, WARN and INFO pass, with
// the verdict as a property and in <system-out>, which also holds the wire log and, for a judged
// client, how its process ended and what it printed. Every text goes through `printable`:
// XML 1.0 forbids most control bytes even as character references.
#include <pugixml.hpp>

#include <algorithm>
#include <sstream>

#include "report/format.hpp"
#include "report/report.hpp"

namespace ehlo::report {

namespace {

void set(pugi::xml_node node, const char* name, const std::string& value) {
    node.append_attribute(name).set_value(value.c_str());
}

void property(pugi::xml_node properties, const char* name, const std::string& value) {
    auto node = properties.append_child("property");
    set(node, "name", name);
    set(node, "value", value);
}

std::string classname(std::string_view id) {
    std::string folder(id_folder(id));
    if (folder.empty()) return "scenarios";
    std::replace(folder.begin(), folder.end(), '/', '.');
    return printable(folder);
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words)
        out += (out.empty() ? "" : " ") + printable(word);
    return out;
}

std::string refs_text(const engine::ScenarioResult& result) {
    std::string out;
    for (const auto& ref : result.refs)
        out += (out.empty() ? "" : " ") + ref_key(ref);
    return out;
}

/// For a judged client: how its process ended and all of its output that was kept.
void write_client(std::ostream& out, const engine::ScenarioResult& result) {
    if (!result.client_status.empty())
        out << "\nclient: " << printable(result.client_status) << '\n';
    const OutputLines output = output_lines(result.client_output);
    if (output.lines.empty()) return;
    out << (result.client_status.empty() ? "\n" : "") << "client output:\n";
    for (const auto& line : output.lines)
        out << "  " << line << '\n';
}

/// The verdict, the reason, the explanation, the whole wire log and, for a judged client, its
/// exit and output, for <system-out>.
std::string system_out(const engine::ScenarioResult& result) {
    std::ostringstream out;
    out << engine::to_string(result.verdict) << ' ' << printable(result.id) << '\n';
    out << printable(result.title) << '\n';
    out << "requirement: " << scenario::to_string(result.level) << ' ' << refs_text(result) << '\n';
    if (!result.reason.empty()) out << "reason: " << printable(result.reason) << '\n';
    if (!result.requirement.empty())
        out << "catalog row: " << printable(result.requirement) << '\n';
    if (!result.explanation.empty()) out << printable(result.explanation, true) << '\n';
    if (!result.log.empty()) out << "\nwire log:\n";
    for (const auto& line : result.log) {
        out << (is_decisive(result, line) ? "> " : "  ") << transcript_line(line) << '\n';
    }
    write_client(out, result);
    return out.str();
}

/// The element that carries a FAIL, ERROR or SKIP; nothing for the verdicts that pass.
void outcome(pugi::xml_node testcase, const engine::ScenarioResult& result) {
    const std::string reason = printable(result.reason);
    const std::string body = printable(result.explanation, true);
    pugi::xml_node node;
    switch (result.verdict) {
        case engine::Verdict::fail:
            node = testcase.append_child("failure");
            break;
        case engine::Verdict::error:
            node = testcase.append_child("error");
            break;
        case engine::Verdict::skip:
            set(testcase.append_child("skipped"), "message", reason);
            return;
        default:
            return;
    }
    set(node, "message", reason);
    set(node, "type", std::string(engine::to_string(result.verdict)));
    node.text().set(body.empty() ? reason.c_str() : body.c_str());
}

void add_testcase(pugi::xml_node suite, const engine::ScenarioResult& result) {
    auto testcase = suite.append_child("testcase");
    set(testcase, "classname", classname(result.id));
    set(testcase, "name", printable(id_file(result.id)));
    set(testcase, "time", seconds(result.duration));
    auto properties = testcase.append_child("properties");
    property(properties, "verdict", std::string(engine::to_string(result.verdict)));
    property(properties, "level", std::string(scenario::to_string(result.level)));
    property(properties, "refs", refs_text(result));
    property(properties, "title", printable(result.title));
    if (!result.reason.empty()) property(properties, "reason", printable(result.reason));
    if (!result.client_status.empty())
        property(properties, "client_status", printable(result.client_status));
    outcome(testcase, result);
    testcase.append_child("system-out").text().set(system_out(result).c_str());
}

void suite_counts(pugi::xml_node node, const engine::RunResult& run, const engine::Tally& tally) {
    set(node, "tests", std::to_string(tally.total()));
    set(node, "failures", std::to_string(tally.fail));
    set(node, "errors", std::to_string(tally.error));
    set(node, "skipped", std::to_string(tally.skip));
    set(node, "time", seconds(run.duration));
}

void suite_properties(pugi::xml_node suite, const engine::RunResult& run) {
    auto properties = suite.append_child("properties");
    property(properties, "target", printable(run.target));
    property(properties, "tool_version", printable(run.tool_version));
    property(properties, "greeting", printable(run.greeting));
    property(properties, "keywords", joined(run.keywords));
    property(properties, "keywords_after_tls", joined(run.keywords_after_tls));
    if (run.time_scale != 1.0) {
        property(properties, "time_scale", engine::format_scale(run.time_scale));
    }
}

}  // namespace

void write_junit(std::ostream& out, const engine::RunResult& run) {
    const engine::Tally tally = run.tally();
    const std::string name = "ehlo-check " + printable(run.target);
    pugi::xml_document document;
    auto declaration = document.append_child(pugi::node_declaration);
    set(declaration, "version", "1.0");
    set(declaration, "encoding", "UTF-8");
    auto suites = document.append_child("testsuites");
    set(suites, "name", name);
    suite_counts(suites, run, tally);
    auto suite = suites.append_child("testsuite");
    set(suite, "name", name);
    suite_counts(suite, run, tally);
    if (!run.started_at.empty()) set(suite, "timestamp", printable(run.started_at));
    suite_properties(suite, run);
    for (const auto* result : sorted_by_id(run))
        add_testcase(suite, *result);
    document.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
}

}  // namespace ehlo::report
