// Layer: conformance/report. The reports of `ehlo-check` (docs/reports.md): the
// console (a progress bar on a terminal, plain lines otherwise, then a summary by RFC section
// and the details of each FAIL, WARN and ERROR), JSON, JUnit XML and a self-contained HTML page,
// all behind one Reporter interface that the runner calls as results arrive. Each format is a
// function from a RunResult to a stream; the shared formatting is in format.hpp. Running the
// scenarios, choosing the exit status and parsing the command line are left to conformance/check.
#pragma once

#include <memory>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.hpp"

namespace ehlo::report {

/// How the console report writes.
struct ConsoleOptions {
    /// A terminal: a progress bar redrawn in place; otherwise one plain line per scenario.
    bool terminal = false;
    /// ANSI colours for the verdicts; only on a terminal, and never when NO_COLOR is set.
    bool color = false;
    /// The width of the terminal in columns (the progress bar and the side-by-side columns).
    int width = 100;

    /// The options for file descriptor `fd` (1 for standard output): a terminal when
    /// `isatty(fd)`, colour after `use_color`, the width from the terminal or `COLUMNS`.
    static ConsoleOptions detect(int fd);
};

/// Whether to colour: on a `terminal`, unless `no_color` (the value of the environment variable
/// NO_COLOR, null when unset) is set to a non-empty value (no-color.org).
bool use_color(bool terminal, const char* no_color);

/// The plain line of one finished scenario: verdict, id and, for a verdict other than PASS,
/// the reason (`FAIL  rfc5321/4.1.4/rcpt-before-mail: RCPT before MAIL answered 250`).
std::string console_line(const engine::ScenarioResult& result, const ConsoleOptions& options);

/// The console's closing report: the summary by RFC section, the details of each FAIL, WARN
/// and ERROR in the order of the ids (expected and received side by side, the requirement, the
/// wire log around the decisive step; for a judged client, how its process ended and the last
/// lines it printed), then the tally line.
void write_console_summary(std::ostream& out, const engine::RunResult& run,
                           const ConsoleOptions& options);

/// The tally line: `42 scenarios: 38 PASS, 1 FAIL, ... in 3.2 s`.
std::string tally_line(const engine::RunResult& run);

/// The whole run as JSON, after docs/report-schema.json.
void write_json(std::ostream& out, const engine::RunResult& run);

/// How the JUnit report writes WARN.
struct JunitOptions {
    /// `--junit-warn-as-failure`: a WARN is a `<failure type="WARN">`, so CI marks it failed;
    /// otherwise it passes there, named in the suite's property `WARN` and its `<system-out>`.
    bool warn_as_failure = false;
};

/// The whole run as JUnit XML after the Jenkins JUnit schema: one `<testsuite>`, one
/// `<testcase>` per scenario; a FAIL or ERROR the baseline knows is `<skipped>`.
void write_junit(std::ostream& out, const engine::RunResult& run, const JunitOptions& options = {});

/// The JUnit classname of a scenario id: its parts up to its RFC (`rfc5321`,
/// `client-rfc5321`), else its folder, with `-` for `/` and `.`; `scenarios` for an id
/// without a folder.
std::string junit_classname(std::string_view id);

/// The whole run as one self-contained HTML page made for triage (inline CSS and a small inline
/// filter script, no external resource; without JavaScript it shows everything): the tally and
/// the findings first, each scenario anchored by its id (docs/reports.md).
void write_html(std::ostream& out, const engine::RunResult& run);

/// A report could not be written: the message names the file and the cause.
class ReportError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// What the runner tells the reports, in this order: `started` once, `scenario_finished` once
/// per scenario as each finishes (in any order when jobs run in parallel), `finished` once
/// with the whole run. Implementations need not be thread-safe: use `Reporters`, which
/// serialises the calls.
class Reporter {
  public:
    virtual ~Reporter() = default;
    /// The run starts with `total` scenarios.
    virtual void started(int total) = 0;
    /// One scenario has finished.
    virtual void scenario_finished(const engine::ScenarioResult& result) = 0;
    /// The run is over. May throw ReportError when a report cannot be written.
    virtual void finished(const engine::RunResult& run) = 0;
};

/// The console report on a stream: progress while running, the summary at the end.
class ConsoleReporter final : public Reporter {
  public:
    /// Writes to `out` (kept by reference) as `options` say.
    ConsoleReporter(std::ostream& out, ConsoleOptions options);
    void started(int total) override;
    void scenario_finished(const engine::ScenarioResult& result) override;
    void finished(const engine::RunResult& run) override;

  private:
    void draw_bar(std::string_view last_id);
    void clear_bar();

    std::ostream& out_;
    ConsoleOptions options_;
    int total_ = 0;
    engine::Tally so_far_;
    bool bar_shown_ = false;
};

/// The file formats.
enum class Format { json, junit, html };

/// Writes `run` to `out` in `format`; `junit` applies to the JUnit format only.
void write_report(std::ostream& out, Format format, const engine::RunResult& run,
                  const JunitOptions& junit = {});

/// One report file, written when the run finishes. The file is created at construction, so a
/// path that cannot be written is known before the run starts.
class FileReporter final : public Reporter {
  public:
    /// Creates (truncates) `path`; throws ReportError when it cannot.
    FileReporter(Format format, std::string path, JunitOptions junit = {});
    void started(int) override {}
    void scenario_finished(const engine::ScenarioResult&) override {}
    /// Writes the report; throws ReportError when the write fails.
    void finished(const engine::RunResult& run) override;

  private:
    Format format_;
    std::string path_;
    JunitOptions junit_;
};

/// Several reporters as one. Calls may come from several threads: they are serialised, and
/// each reporter sees them in the order they were made.
class Reporters final : public Reporter {
  public:
    /// Adds `reporter`; it is called after those added before it.
    void add(std::unique_ptr<Reporter> reporter);
    void started(int total) override;
    void scenario_finished(const engine::ScenarioResult& result) override;
    /// Calls every reporter's `finished`, even when one throws; then rethrows the first
    /// ReportError.
    void finished(const engine::RunResult& run) override;

  private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<Reporter>> reporters_;
};

/// The report files of the command line (`--json`, `--junit`, `--html`); empty for none.
struct ReportFiles {
    std::string json;   ///< `--json FILE`
    std::string junit;  ///< `--junit FILE`
    std::string html;   ///< `--html FILE`
};

/// The reporters of one run: the console on `console` with `options`, then one FileReporter
/// per file given, the JUnit one after `junit`. Throws ReportError when a file cannot be
/// created.
std::unique_ptr<Reporters> make_reporters(std::ostream& console, ConsoleOptions options,
                                          const ReportFiles& files, JunitOptions junit = {});

}  // namespace ehlo::report
