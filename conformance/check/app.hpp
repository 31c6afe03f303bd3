// Layer: conformance/check. The run of `ehlo-check` from parsed options to exit status
// (docs/ehlo-check.md): load and choose the scenarios, discover the target, SKIP what cannot run,
// run the rest, hand the results to the reports, compare with the baseline. The in-process
// demo server and the choice of reports come from the caller, so this library never links
// the reference server (docs/architecture.md); the reports themselves are conformance/report's.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "check/options.hpp"
#include "report/report.hpp"

namespace ehlo::check {

/// The reference server started in-process for the demo; stopped when destroyed.
class DemoServer {
  public:
    virtual ~DemoServer() = default;
    /// Where it listens, `127.0.0.1:PORT`.
    virtual std::string address() const = 0;
    /// A mailbox it accepts, the demo's `{rcpt}`.
    virtual std::string mailbox() const = 0;
};

/// What the run needs from its surroundings.
struct Environment {
    std::filesystem::path program;  ///< the executable, to find the suite beside it
    std::string scenarios_env;      ///< the value of $EHLO_SCENARIOS, or empty
    /// Starts the demo server; throws std::exception when it cannot.
    std::function<std::unique_ptr<DemoServer>()> start_demo;
    /// Makes the reporters for `options` (console on `out`, the files asked for); may throw
    /// report::ReportError.
    std::function<std::unique_ptr<report::Reporter>(const Options& options, std::ostream& out)>
        make_reporter;
};

/// The exit status of a run (docs/ehlo-check.md, "Exit status and the baseline").
enum Exit : int {
    exit_ok = 0,        ///< no FAIL and no ERROR (beyond the baseline)
    exit_findings = 1,  ///< some FAIL or ERROR not in the baseline
    exit_cannot = 2,    ///< bad usage, or the run could not start
};

/// Runs ehlo-check with `options` (already checked by check_options): messages for the user on
/// `err`, the discovery header, `--list` and reports on `out`. Returns the exit status.
int run_check(const Options& options, const Environment& environment, std::ostream& out,
              std::ostream& err);

}  // namespace ehlo::check
