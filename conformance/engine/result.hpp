// Layer: conformance/engine. What running one scenario gives (each verdict comes
// with the wire log that led to it), and what a whole run gives the reports: the scenario's
// verdict, why, the expected and received reply of the step that decided it, and the wire log
// (C:/S: lines with the time since the scenario started). Plain values: the reports in
// conformance/report read them, the engine's ScenarioRun fills them; neither does I/O here.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "engine/verdict.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::engine {

/// One line of a wire log. `client` lines are what was sent, `server` lines what was read
/// (one per reply line, CRLF removed, control bytes written `\xHH`), `note` lines are the
/// runner's own remarks (connection opened, TLS handshake done, wait, time-out, closed).
struct LogLine {
    enum class Side { client, server, note };
    std::chrono::milliseconds at{0};  ///< since the scenario started
    int connection = 1;
    Side side = Side::note;
    std::string text;
    int step_line = 0;  ///< the line of the scenario file whose step wrote it; 0 for none
    friend bool operator==(const LogLine&, const LogLine&) = default;
};

/// A time scale as reports and notes write it: `0.01`, `2`, `0.125` (six digits at most).
std::string format_scale(double scale);

/// `C:`, `S:` or `*` (a note), the prefix a transcript uses for `side`.
std::string_view prefix(LogLine::Side side);

/// What the baseline (`--baseline FILE`, check/baseline.hpp) says of one result.
enum class BaselineMark {
    none,   ///< no baseline, or the baseline does not list the scenario
    known,  ///< listed with this very verdict and reason: a known finding, not a new one
    fixed,  ///< listed, but the scenario now gives another verdict or reason: remove the entry
};

/// The verdict of one scenario and the evidence for it.
struct ScenarioResult {
    std::string id;
    std::string title;
    std::vector<scenario::Ref> refs;
    /// The catalog rows the scenario cites (`requirements:`).
    std::vector<std::string> requirements;
    /// The level it was judged by: its `level:`, weakened to what its rows allow.
    scenario::Level level = scenario::Level::must;
    std::vector<std::string> tags;

    Verdict verdict = Verdict::skip;
    /// One line: why the verdict is not PASS ("RCPT before MAIL answered 250", "requires
    /// CHUNKING, not advertised", "time-out after 10 s waiting for the reply to DATA").
    /// Empty for PASS.
    std::string reason;
    /// The line of the scenario file of the step that decided a non-PASS verdict; 0 for none.
    int decisive_line = 0;
    /// For a step that broke or carried WARN/INFO: `engine::explain` of its expectation and
    /// what was received ("expected: ...\nreceived: ..."). Empty otherwise.
    std::string explanation;
    /// For FAIL, WARN and INFO: the cited row that allows the verdict, its keyword, the side it
    /// binds and its statement (`5321-4.1.4-c (MUST, server): ...`). Empty otherwise.
    std::string requirement;
    std::vector<LogLine> log;
    std::chrono::milliseconds duration{0};
    /// For a client run by `--exec`: how its process ended (`exit 0`, `killed by signal 9`),
    /// and the tail of what it printed. Empty otherwise.
    std::string client_status;
    std::string client_output;
    /// What the baseline says of this result; with `fixed`, `baseline_listed` is the entry's
    /// verdict and reason as the baseline has them.
    BaselineMark baseline = BaselineMark::none;
    std::string baseline_listed;
};

/// Scenarios that gave no verdict for one reason the user can act on: how many, in what way
/// (`skipped`, `not selected`, `ERROR`) and why, with the option that would run them
/// (`need --rcpt`, `tagged slow, add --slow`). The runner fills it; the reports print it.
struct NotRun {
    int count = 0;
    std::string kind;
    std::string reason;
    friend bool operator==(const NotRun&, const NotRun&) = default;
};

/// A whole run: what was checked, when, and each scenario's result in the order of the ids.
struct RunResult {
    std::string target;  ///< HOST:PORT as given, or the in-process server's address
    std::string tool_version;
    std::string started_at;  ///< UTC, ISO 8601 (`2026-11-22T05:00:00Z`)
    std::chrono::milliseconds duration{0};
    /// What discovery saw: the greeting and the EHLO keywords, before and after STARTTLS.
    std::string greeting;
    std::vector<std::string> keywords;
    std::vector<std::string> keywords_after_tls;
    /// `--time-scale`: what every `wait` was multiplied by; reports name it when it is not 1.
    double time_scale = 1.0;
    std::vector<ScenarioResult> results;
    /// The coverage the run lost, by reason: scenarios not selected or SKIPped, and ERRORs of
    /// a setting (an untrusted TLS certificate). Empty when nothing was lost.
    std::vector<NotRun> not_run;
    /// The `--baseline FILE` the results were compared with; empty for none.
    std::string baseline_file;

    Tally tally() const;
};

}  // namespace ehlo::engine
