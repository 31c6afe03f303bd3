// Layer: conformance/check (pure but for reading and writing its file). The baseline of
// `--baseline FILE`: the known failures of a target, one `ID VERDICT` per line, so that a CI
// job fails on new failures (regressions) and not on those already known. It also finds the
// entries that no longer apply, so they can be removed. Verdicts are engine/verdict.hpp's;
// the exit status built on this is app.hpp's (docs/ehlo-check.md).
#pragma once

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.hpp"
#include "engine/verdict.hpp"

namespace ehlo::check {

/// Known verdicts by scenario id.
struct Baseline {
    std::map<std::string, engine::Verdict, std::less<>> known;
    std::vector<std::string> errors;  ///< `file:line: what`, for lines that are not `ID VERDICT`

    bool ok() const { return errors.empty(); }
};

/// Parses a baseline: one `ID VERDICT` per line (`rfc5321/4.1.4/rcpt-before-mail FAIL`),
/// blanks around and between; empty lines and lines starting with `#` are ignored. `name`
/// names the file in errors.
Baseline parse_baseline(std::string_view text, std::string_view name);

/// Reads and parses the file at `path`; a file that cannot be read is an error.
Baseline load_baseline(const std::filesystem::path& path);

/// Whether a result counts against the exit status: FAIL or ERROR, unless the baseline knows
/// the scenario with that very verdict.
bool counts_as_failure(const engine::ScenarioResult& result, const Baseline& baseline);

/// An entry of the baseline that no longer matches what happened.
struct StaleEntry {
    std::string id;
    engine::Verdict listed = engine::Verdict::fail;
    engine::Verdict now = engine::Verdict::pass;  ///< what the scenario gave this time
};

/// Entries for scenarios that ran this time and gave another verdict (typically a FAIL that
/// now passes: remove it). Scenarios that did not run (not selected, SKIP) are left alone.
std::vector<StaleEntry> stale_entries(const Baseline& baseline,
                                      const std::vector<engine::ScenarioResult>& results);

/// The baseline of `results`: `ID VERDICT` for each FAIL and ERROR, after a comment line.
std::string format_baseline(const std::vector<engine::ScenarioResult>& results,
                            std::string_view target);

/// The exit status of a finished run (app.hpp's Exit): 1 when a result counts as a failure
/// beyond `baseline`, else 0; 2 when `write_path` (`--write-baseline`) cannot be written. Tells
/// `err` about the entries of `baseline` (read from `baseline_path`) that no longer apply.
int conclude(const engine::RunResult& run, const Baseline& baseline,
             const std::string& baseline_path, const std::string& write_path, std::ostream& err);

}  // namespace ehlo::check
