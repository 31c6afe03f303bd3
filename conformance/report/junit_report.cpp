// Layer: conformance/report. The JUnit XML report (`--junit FILE`, report.hpp) in the shape of
// the Jenkins JUnit schema (junit-10.xsd of the xUnit plugin, which GitLab and GitHub's test
// reporters also read; tests/schemas/junit-jenkins.xsd restates it): <testsuites> holding one
// <testsuite>, one <testcase> per scenario. The classname is the RFC the scenario belongs to
// (`rfc5321`, `client-rfc5321`: no dots, which CI tools would read as packages), the name the
// rest of its id (`4.1.4/rcpt-before-mail`). FAIL is a <failure>, ERROR an <error>, SKIP
// <skipped>; a FAIL or ERROR the baseline knows is <skipped> too, saying so; WARN passes, or
// is a <failure> with JunitOptions::warn_as_failure. The schema allows properties only on the
// suite: what each scenario carries (verdict, level, refs, reason, baseline, wire log, a judged
// client's exit and output) is text of its <system-out>. Every text goes through `printable`:
// XML 1.0 forbids most control bytes even as character references.
#include <pugixml.hpp>

#include <algorithm>
#include <sstream>
#include <utility>
#include <vector>

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

/// Whether `part` of an id names an RFC (`rfc5321`).
bool is_rfc(std::string_view part) {
    return part.size() > 3 && part.starts_with("rfc") &&
           std::all_of(part.begin() + 3, part.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Where an id splits into classname and name: after its first `rfcNNNN` part, else after its
/// folder (0 when it has none).
std::size_t class_end(std::string_view id) {
    for (std::size_t start = 0, slash; (slash = id.find('/', start)) != std::string_view::npos;
         start = slash + 1) {
        if (is_rfc(id.substr(start, slash - start))) return slash;
    }
    return id_folder(id).size();
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

/// What the baseline says of the scenario, for <system-out>; nothing without a mark.
void write_baseline(std::ostream& out, const engine::ScenarioResult& result) {
    if (result.baseline == engine::BaselineMark::known) {
        out << "baseline: known (listed: " << printable(result.baseline_listed) << ")\n";
    } else if (result.baseline == engine::BaselineMark::fixed) {
        out << "baseline: "
            << (is_new_failure(result) ? "changed, a new finding: update it in the baseline"
                                       : "fixed: remove it from the baseline")
            << " (listed: " << printable(result.baseline_listed) << ")\n";
    }
}

/// The verdict and id, the title, the level and references, the reason, the baseline, the
/// explanation, the whole wire log and, for a judged client, its exit and output.
std::string system_out(const engine::ScenarioResult& result) {
    std::ostringstream out;
    out << engine::to_string(result.verdict) << ' ' << printable(result.id) << '\n';
    out << printable(result.title) << '\n';
    out << "requirement: " << scenario::to_string(result.level) << ' ' << refs_text(result) << '\n';
    if (!result.tags.empty()) out << "tags: " << joined(result.tags) << '\n';
    if (!result.reason.empty()) out << "reason: " << printable(result.reason) << '\n';
    write_baseline(out, result);
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

/// The element a result is in JUnit: failure, error, skipped, or none (a pass).
enum class Outcome { pass, failure, error, skipped };

Outcome outcome_of(const engine::ScenarioResult& result, const JunitOptions& options) {
    Outcome outcome = Outcome::pass;
    switch (result.verdict) {
        case engine::Verdict::fail:
            outcome = Outcome::failure;
            break;
        case engine::Verdict::error:
            outcome = Outcome::error;
            break;
        case engine::Verdict::warn:
            outcome = options.warn_as_failure ? Outcome::failure : Outcome::pass;
            break;
        case engine::Verdict::skip:
            return Outcome::skipped;
        default:
            return Outcome::pass;
    }
    // A finding the baseline knows would turn the CI job red for nothing new.
    if (outcome != Outcome::pass && result.baseline == engine::BaselineMark::known)
        return Outcome::skipped;
    return outcome;
}

/// The element that carries a FAIL, ERROR or SKIP (or a known one); nothing for a pass.
void add_outcome(pugi::xml_node testcase, const engine::ScenarioResult& result, Outcome outcome) {
    if (outcome == Outcome::pass) return;
    const std::string reason = printable(result.reason);
    const std::string body = printable(result.explanation, true);
    if (outcome == Outcome::skipped) {
        const bool known = result.verdict != engine::Verdict::skip;
        set(testcase.append_child("skipped"), "message",
            known ? "known " + std::string(engine::to_string(result.verdict)) +
                        " (baseline): " + reason
                  : reason);
        return;
    }
    auto node = testcase.append_child(outcome == Outcome::error ? "error" : "failure");
    set(node, "message", reason);
    set(node, "type", std::string(engine::to_string(result.verdict)));
    node.text().set(body.empty() ? reason.c_str() : body.c_str());
}

/// The counts of the elements the testcases carry.
struct Counts {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
};

void add_testcase(pugi::xml_node suite, const engine::ScenarioResult& result, Outcome outcome) {
    const std::size_t end = class_end(result.id);
    auto testcase = suite.append_child("testcase");
    set(testcase, "name", printable(end == 0 ? result.id : result.id.substr(end + 1)));
    set(testcase, "classname", junit_classname(result.id));
    set(testcase, "time", seconds(result.duration));
    add_outcome(testcase, result, outcome);
    testcase.append_child("system-out").text().set(system_out(result).c_str());
}

void set_counts(pugi::xml_node node, const engine::RunResult& run, const Counts& counts,
                bool with_skipped) {
    set(node, "tests", std::to_string(counts.tests));
    set(node, "failures", std::to_string(counts.failures));
    set(node, "errors", std::to_string(counts.errors));
    if (with_skipped) set(node, "skipped", std::to_string(counts.skipped));  // not on testsuites
    set(node, "time", seconds(run.duration));
}

/// The ids of the results `pick` chooses, in id order, space-separated.
template <typename Pick>
std::string ids_of(const engine::RunResult& run, Pick pick) {
    std::string out;
    for (const auto* result : sorted_by_id(run)) {
        if (pick(*result)) out += (out.empty() ? "" : " ") + printable(result->id);
    }
    return out;
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
    property(properties, "tally", tally_line(run));
    // WARN passes in CI: the suite names each, so it stays in sight.
    property(properties, "WARN", ids_of(run, [](const engine::ScenarioResult& r) {
                 return r.verdict == engine::Verdict::warn;
             }));
    if (run.baseline_file.empty()) return;
    property(properties, "baseline", printable(run.baseline_file));
    property(properties, "baseline_known", ids_of(run, [](const engine::ScenarioResult& r) {
                 return r.baseline == engine::BaselineMark::known;
             }));
    property(properties, "baseline_fixed", ids_of(run, [](const engine::ScenarioResult& r) {
                 return r.baseline == engine::BaselineMark::fixed;
             }));
}

}  // namespace

std::string junit_classname(std::string_view id) {
    const std::size_t end = class_end(id);
    if (end == 0) return "scenarios";
    std::string name = printable(id.substr(0, end));
    std::replace(name.begin(), name.end(), '/', '-');
    std::replace(name.begin(), name.end(), '.', '-');
    return name;
}

void write_junit(std::ostream& out, const engine::RunResult& run, const JunitOptions& options) {
    const std::string name = "ehlo-check " + printable(run.target);
    pugi::xml_document document;
    auto declaration = document.append_child(pugi::node_declaration);
    set(declaration, "version", "1.0");
    set(declaration, "encoding", "UTF-8");
    std::vector<std::pair<const engine::ScenarioResult*, Outcome>> cases;
    Counts counts;
    for (const auto* result : sorted_by_id(run)) {
        const Outcome outcome = outcome_of(*result, options);
        ++counts.tests;
        counts.failures += outcome == Outcome::failure ? 1 : 0;
        counts.errors += outcome == Outcome::error ? 1 : 0;
        counts.skipped += outcome == Outcome::skipped ? 1 : 0;
        cases.emplace_back(result, outcome);
    }
    auto suites = document.append_child("testsuites");
    set(suites, "name", name);
    set_counts(suites, run, counts, false);
    auto suite = suites.append_child("testsuite");
    set(suite, "name", name);
    set_counts(suite, run, counts, true);
    if (!run.started_at.empty()) set(suite, "timestamp", printable(run.started_at));
    suite_properties(suite, run);
    for (const auto& [result, outcome] : cases)
        add_testcase(suite, *result, outcome);
    document.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
}

}  // namespace ehlo::report
