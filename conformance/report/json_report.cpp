// Layer: conformance/report. The JSON report (`--json FILE`, report.hpp): the whole RunResult,
// after the schema in docs/report-schema.json and the field list of docs/reports.md. Every
// string goes through `printable`, so the file holds valid UTF-8 and no raw control bytes.
// A judged client's exit status and output are two more strings per scenario, empty for a
// server scenario; what the baseline says of a scenario (`none`, `known`, `fixed`) two more.
// Reading the run and choosing what to report is left to the runner.
#include <nlohmann/json.hpp>

#include "report/format.hpp"
#include "report/report.hpp"

namespace ehlo::report {

namespace {

using nlohmann::json;

/// The version of the JSON layout; raised when a field changes meaning or goes away.
constexpr int json_format_version = 1;

json strings(const std::vector<std::string>& values) {
    json out = json::array();
    for (const auto& value : values)
        out.push_back(printable(value));
    return out;
}

json tally_json(const engine::Tally& tally) {
    json out = json::object();
    for (const auto verdict : verdict_columns)
        out[std::string(engine::to_string(verdict))] = tally.count(verdict);
    out["total"] = tally.total();
    return out;
}

json log_json(const std::vector<engine::LogLine>& log) {
    json out = json::array();
    for (const auto& line : log) {
        out.push_back({{"at_ms", line.at.count()},
                       {"connection", line.connection},
                       {"side", side_name(line.side)},
                       {"text", printable(line.text)},
                       {"step_line", line.step_line}});
    }
    return out;
}

json not_run_json(const std::vector<engine::NotRun>& groups) {
    json out = json::array();
    for (const auto& group : groups) {
        out.push_back({{"count", group.count},
                       {"kind", printable(group.kind)},
                       {"reason", printable(group.reason)}});
    }
    return out;
}

json baseline_counts_json(const engine::RunResult& run) {
    const BaselineCounts counts = baseline_counts(run);
    return {{"known", counts.known.total()},
            {"fixed", counts.fixed},
            {"new_failures", counts.new_failures}};
}

json scenario_json(const engine::ScenarioResult& result) {
    json refs = json::array();
    for (const auto& ref : result.refs)
        refs.push_back(ref_key(ref));
    return {{"id", printable(result.id)},
            {"title", printable(result.title)},
            {"refs", refs},
            {"requirements", strings(result.requirements)},
            {"level", scenario::to_string(result.level)},
            {"tags", strings(result.tags)},
            {"verdict", engine::to_string(result.verdict)},
            {"reason", printable(result.reason)},
            {"decisive_line", result.decisive_line},
            {"explanation", printable(result.explanation, true)},
            {"requirement", printable(result.requirement)},
            {"duration_ms", result.duration.count()},
            {"log", log_json(result.log)},
            {"client_status", printable(result.client_status)},
            {"client_output", printable(result.client_output, true)},
            {"baseline", mark_name(result.baseline)},
            {"baseline_listed", printable(result.baseline_listed)}};
}

}  // namespace

void write_json(std::ostream& out, const engine::RunResult& run) {
    json scenarios = json::array();
    for (const auto* result : sorted_by_id(run))
        scenarios.push_back(scenario_json(*result));
    json document = {{"format_version", json_format_version},
                     {"target", printable(run.target)},
                     {"tool_version", printable(run.tool_version)},
                     {"started_at", printable(run.started_at)},
                     {"duration_ms", run.duration.count()},
                     {"discovery",
                      {{"greeting", printable(run.greeting, true)},
                       {"keywords", strings(run.keywords)},
                       {"keywords_after_tls", strings(run.keywords_after_tls)}}},
                     {"tally", tally_json(run.tally())},
                     {"not_run", not_run_json(run.not_run)},
                     {"baseline_file", printable(run.baseline_file)},
                     {"baseline_counts", baseline_counts_json(run)},
                     {"scenarios", std::move(scenarios)}};
    // Only a run whose waits were scaled says so: every other document stays as it was.
    if (run.time_scale != 1.0) document["time_scale"] = run.time_scale;
    // `printable` leaves only valid UTF-8; `replace` is a second guard, never an exception.
    out << document.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace ehlo::report
