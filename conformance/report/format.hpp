// Layer: conformance/report. The formatting every report shares, in one place: making text safe
// to print (control bytes and broken UTF-8 as `\xHH`), the RFC section of a reference and its
// order, durations, the folder and file parts of a scenario id, the two sides of an
// "expected / received" explanation, the counts of a run, the wire-log lines around the step
// that decided a verdict, and the lines of what a judged client printed. Pure functions over the
// engine's result model (engine/result.hpp); writing a given format is left to console.cpp,
// json_report.cpp, junit_report.cpp and html_report.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.hpp"
#include "engine/verdict.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::report {

/// Every verdict, in the order the reports list them: PASS, the other findings from the worst,
/// then the scenarios that gave none (`PASS FAIL WARN INFO SKIP ERROR`).
inline constexpr engine::Verdict verdict_columns[] = {
    engine::Verdict::pass, engine::Verdict::fail, engine::Verdict::warn,
    engine::Verdict::info, engine::Verdict::skip, engine::Verdict::error};

/// `text` with every byte a report must not carry raw written as `\xHH` (lower-case hex, as the
/// engine's wire log writes control bytes): the control bytes
/// (0x00-0x1F and 0x7F, TAB and CR included), bytes that are not part of valid UTF-8, and the
/// non-characters U+FFFE and U+FFFF. XML 1.0 forbids all of them, and a terminal would act on
/// them. LF is kept when `keep_newlines` (multi-line fields such as an explanation).
/// Backslashes stay as they are: the engine already writes server bytes this way.
std::string printable(std::string_view text, bool keep_newlines = false);

/// `5321#4.1.4`: the scenario notation, as scenarios and the JSON report write a reference.
std::string ref_key(const scenario::Ref& ref);

/// `RFC 5321 §4.1.4`: the form a reader sees.
std::string ref_label(const scenario::Ref& ref);

/// Orders references by RFC number, then by section with numbers compared as numbers
/// (`4.1.4` before `4.1.10`, `4.5` before `D.1`).
bool ref_less(const scenario::Ref& a, const scenario::Ref& b);

/// `0.012`: milliseconds as seconds with three decimals (JUnit's `time`, transcripts).
std::string seconds(std::chrono::milliseconds duration);

/// `12 ms`, `3.4 s`, `2 min 05 s`: a duration for a reader.
std::string human_duration(std::chrono::milliseconds duration);

/// The folder part of a scenario id (`rfc5321/4.1.4` of `rfc5321/4.1.4/rcpt-before-mail`),
/// empty when the id has no folder.
std::string_view id_folder(std::string_view id);

/// The file part of a scenario id (`rcpt-before-mail`).
std::string_view id_file(std::string_view id);

/// The two sides of an explanation (`expected: ...` and `received: ...` lines, as
/// `engine::explain` writes them), each line without its label or indentation. When the text
/// does not have that shape, `other` holds its lines and both sides are empty.
struct Explanation {
    std::vector<std::string> expected;  ///< the lines of the expected side
    std::vector<std::string> received;  ///< the lines of the received side
    std::vector<std::string> other;     ///< lines before or outside the two labels
};

/// Splits `explanation` into its sides; the text is made printable first.
Explanation split_explanation(std::string_view explanation);

/// The results of `run`, ordered by id (results of parallel jobs may come in any order).
std::vector<const engine::ScenarioResult*> sorted_by_id(const engine::RunResult& run);

/// The counts of the verdicts of the scenarios that cite one RFC section.
struct SectionCount {
    scenario::Ref ref;    ///< the section
    engine::Tally tally;  ///< the verdicts of the scenarios citing it
};

/// One row per RFC section cited by some scenario of `run`, ordered by `ref_less`; a scenario
/// that cites several sections counts in each.
std::vector<SectionCount> by_section(const engine::RunResult& run);

/// One group of scenarios the run did not run, for a reader: `212 skipped: need --rcpt`,
/// printable.
std::string not_run_line(const engine::NotRun& group);

/// Whether a result is worth its details in a report: FAIL, WARN or ERROR.
bool needs_details(engine::Verdict verdict);

/// Whether a result counts against the exit status: a FAIL or ERROR the baseline does not know
/// (docs/ehlo-check.md, "Exit status and the baseline").
bool is_new_failure(const engine::ScenarioResult& result);

/// What the baseline (`--baseline FILE`) did to the counts of a run.
struct BaselineCounts {
    engine::Tally known;   ///< the results it knows, by verdict
    int fixed = 0;         ///< its entries whose scenario now gives another verdict or reason
    int new_failures = 0;  ///< the FAILs and ERRORs it does not know (`is_new_failure`)
};

/// The baseline's counts of `run`, from the marks of its results.
BaselineCounts baseline_counts(const engine::RunResult& run);

/// `none`, `known` or `fixed`: the name of a baseline mark in the reports.
std::string_view mark_name(engine::BaselineMark mark);

/// `client`, `server` or `note`: the name of a side in the JSON report.
std::string_view side_name(engine::LogLine::Side side);

/// One line of a transcript: `  0.009 [1] S: 250 ok`, the time since the scenario started in
/// seconds (right-aligned in seven columns), the connection, the side's prefix and the text,
/// printable. The reports put their own marker of the decisive step before it.
std::string transcript_line(const engine::LogLine& line);

/// Whether `line` belongs to the decisive step of `result` (its `decisive_line`, when set).
bool is_decisive(const engine::ScenarioResult& result, const engine::LogLine& line);

/// The half-open range [first, last) of `result.log` to show around the decisive step:
/// `context` lines before its first line and after its last. Without a decisive line in the
/// log, the last `2 * context + 1` lines, where a run that broke off usually shows why.
struct LogWindow {
    std::size_t first = 0;  ///< index of the first line shown
    std::size_t last = 0;   ///< one past the index of the last line shown
};

/// The lines of the log around the decisive step, see `LogWindow`.
LogWindow decisive_window(const engine::ScenarioResult& result, std::size_t context);

/// What a judged client printed (`ScenarioResult::client_output`) as printable lines: each LF
/// ends one (a last line without LF counts too), and only the last `max_lines` are kept.
struct OutputLines {
    std::vector<std::string> lines;  ///< the lines kept, printable, without their LF
    std::size_t left_out = 0;        ///< how many lines before them were left out
};

/// Splits `output` into lines, see `OutputLines`; empty output gives no line.
OutputLines output_lines(std::string_view output, std::size_t max_lines = SIZE_MAX);

}  // namespace ehlo::report
