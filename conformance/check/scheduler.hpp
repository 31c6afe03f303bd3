// Layer: conformance/check (I/O). Scheduling: runs the chosen scenarios on one io_context,
// `--jobs` at a time (coroutines, not threads), within `--max-connections` connections open at
// once and `--rate` new connections per second, so the runner stays polite to servers it does
// not own. Each result is handed on as soon as its scenario ends. Which scenarios, and which
// are SKIPped, is selection.hpp's; running one is driver.hpp's.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "check/driver.hpp"
#include "check/link.hpp"
#include "engine/result.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::check {

/// The bounds on the load put on the target.
struct Schedule {
    std::size_t jobs = 1;             ///< scenarios running at once
    std::size_t max_connections = 4;  ///< connections open at once, over all scenarios
    double rate = 10;                 ///< new connections per second; 0 for no limit
};

/// One scenario to run, or to report as SKIP with `skip` as the reason.
struct Planned {
    const scenario::Scenario* scenario = nullptr;
    std::optional<std::string> skip;
    RunSettings settings;
};

/// Called with each result as soon as its scenario ends (on the scheduler's thread).
using ResultSink = std::function<void(const engine::ScenarioResult&)>;

/// The result of `scenario` when it did not run to a verdict: `verdict` (SKIP, or ERROR for a
/// run that broke off) with `reason`, and the scenario's header fields.
engine::ScenarioResult not_run(const scenario::Scenario& scenario, engine::Verdict verdict,
                               std::string reason);

/// Runs `plan` against `target` and returns the results in the order of `plan`. A scenario
/// that needs more connections than `schedule.max_connections` must be SKIPped by the plan.
std::vector<engine::ScenarioResult> run_all(const std::vector<Planned>& plan,
                                            const scenario::Variables& variables,
                                            const Target& target, const Schedule& schedule,
                                            const ResultSink& sink);

}  // namespace ehlo::check
