// Layer: conformance/check (pure but for reading and writing its file). The baseline of
// `--baseline FILE`: the known findings of a target, one `ID VERDICT [REASON]` per line, so that
// a CI job fails on new failures (regressions) and not on those already known. Each result of a
// run is marked against it (engine::BaselineMark): known, or fixed when the scenario now gives
// another verdict or reason, so the entry can be removed. Verdicts are engine/verdict.hpp's;
// the exit status built on this is app.hpp's (docs/ehlo-check.md).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.hpp"
#include "engine/verdict.hpp"
#include "report/report.hpp"

namespace ehlo::check {

/// One line of the baseline: the verdict and, when given, the reason a result must have.
struct BaselineEntry {
    engine::Verdict verdict = engine::Verdict::fail;
    /// Empty: the verdict alone matches. Otherwise the reason as the reports print it, where
    /// `*` stands for any text (the text of a server's reply, which may hold a date).
    std::string reason;
    int line = 0;  ///< its line in the file, for messages

    /// `FAIL` or `FAIL reason`: the entry as the file writes it.
    std::string text() const;
};

/// Known findings by scenario id.
struct Baseline {
    std::string file;  ///< the file it was read from; empty for no baseline
    std::map<std::string, BaselineEntry, std::less<>> known;
    std::vector<std::string> errors;  ///< `file:line: what`, for lines that are not entries

    bool ok() const { return errors.empty(); }
};

/// Parses a baseline: one `ID VERDICT [REASON]` per line
/// (`rfc5321/4.1.4/rcpt-before-mail FAIL the reply to RCPT TO:<a@b> was 250 *; expected 503`),
/// blanks around and between; empty lines and lines starting with `#` are ignored. `name`
/// names the file in errors and becomes `Baseline::file`.
Baseline parse_baseline(std::string_view text, std::string_view name);

/// Reads and parses the file at `path`; a file that cannot be read is an error.
Baseline load_baseline(const std::filesystem::path& path);

/// Adds to `baseline.errors` each entry whose id is none of `ids` (the suite's scenarios), as
/// `file:line: ...`: a misspelt or removed scenario would otherwise be known forever.
void check_ids(Baseline& baseline, const std::vector<std::string>& ids);

/// Whether `pattern` (with `*` for any text, possibly none) matches all of `text`.
bool reason_matches(std::string_view pattern, std::string_view text);

/// `reason` as a baseline writes it: printable, and the text of each server reply it quotes
/// (after the code and the enhanced status code) written `*`, since it may hold a date, a
/// queue id or a host name that change from run to run.
std::string reason_pattern(std::string_view reason);

/// What `baseline` says of `result`: nothing when it does not list the scenario or the
/// scenario did not run (SKIP); known when the entry's verdict and reason match; fixed when
/// the scenario now gives another verdict or reason.
engine::BaselineMark judge(const engine::ScenarioResult& result, const Baseline& baseline);

/// Sets `result.baseline` and `result.baseline_listed` after `judge`.
void mark(engine::ScenarioResult& result, const Baseline& baseline);

/// Marks every result of `run` and names the baseline's file in it.
void mark_run(engine::RunResult& run, const Baseline& baseline);

/// `reporter`, with each finished scenario marked against `baseline` before it sees it, so the
/// console's lines say which findings are known. `baseline` is kept by reference.
std::unique_ptr<report::Reporter> marking(std::unique_ptr<report::Reporter> reporter,
                                          const Baseline& baseline);

/// The baseline of `results`: `ID VERDICT REASON` (the reason after `reason_pattern`) for
/// each FAIL and ERROR, after a comment line.
std::string format_baseline(const std::vector<engine::ScenarioResult>& results,
                            std::string_view target);

/// The exit status of a finished run, its results marked (app.hpp's Exit): 1 when a FAIL or
/// ERROR is not known from the baseline (report::is_new_failure), else 0; 2 when `write_path`
/// (`--write-baseline`) cannot be written.
int conclude(const engine::RunResult& run, const std::string& write_path, std::ostream& err);

}  // namespace ehlo::check
