// Layer: conformance/engine. The verdicts of the runner (docs/scenario-format.md
// "Verdicts"): their order of severity and the rule that a scenario's verdict is the worst one
// seen. The verdict one alternative of an `S:` step carries (`=> WARN`) is the scenario model's
// `scenario::Verdict`; this file turns it, and a broken expectation, into a step's verdict.
// Matching replies is in reply_match.hpp; running steps and reporting are left to others.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace ehlo::engine {

/// The verdict of one step, one scenario, or a whole run, declared in order of severity, so
/// the built-in comparison of the enumeration orders them:
///
///     SKIP < PASS < INFO < WARN < FAIL < ERROR
///
/// PASS, INFO, WARN and FAIL are findings about the target, in the order the scenario format
/// gives (FAIL, WARN, INFO, PASS from worst). SKIP means the scenario did not run (the target
/// lacks a keyword of `requires`, or a variable has no value): it is the least severe, so it
/// never hides a finding. ERROR means the run gave no verdict (the connection was refused, or
/// timed out before the step tested): it is the most severe, since whatever the steps had
/// shown until then is not the scenario's verdict.
enum class Verdict { skip, pass, info, warn, fail, error };

/// The more severe of `a` and `b`.
constexpr Verdict worst(Verdict a, Verdict b) {
    return a < b ? b : a;
}

/// The most severe of `verdicts`; SKIP when there are none (nothing was judged).
Verdict worst(std::span<const Verdict> verdicts);
Verdict worst(std::initializer_list<Verdict> verdicts);

/// The verdict a scenario's level gives a broken expectation: a reply that fits no
/// alternative, or fits one marked `=> FAIL`. MUST gives FAIL, SHOULD gives WARN, MAY and INFO
/// give INFO (the scenario model's `scenario::broken_verdict`).
Verdict broken_verdict(scenario::Level level);

/// The step verdict of an alternative that fitted: its own `=> PASS`, `=> WARN` or
/// `=> INFO`, or the broken verdict of `level` for `=> FAIL`.
Verdict alternative_verdict(scenario::Verdict carried, scenario::Level level);

/// The catalog row behind `verdict`, for the report: `5321-4.1.4-c (MUST, server): RCPT ...`,
/// the first row of `cited` that allows it; empty for PASS, SKIP and ERROR, which no row allows.
std::string requirement_behind(const std::vector<scenario::CitedRequirement>& cited,
                               Verdict verdict);

/// A row as reports print it: `id (KEYWORD, side): summary`.
std::string describe_row(const scenario::CitedRequirement& row);

/// The upper-case name used in reports: `PASS`, `FAIL`, ...
std::string_view to_string(Verdict verdict);

/// The verdict named `name` (upper or lower case), or nothing.
std::optional<Verdict> verdict_from_string(std::string_view name);

/// Counts of verdicts, for the summary line of a run and its exit status (1 when any
/// scenario FAILs, docs/reports.md).
struct Tally {
    int skip = 0, pass = 0, info = 0, warn = 0, fail = 0, error = 0;

    void add(Verdict verdict);
    int count(Verdict verdict) const;
    int total() const { return skip + pass + info + warn + fail + error; }
    /// The worst verdict added; SKIP when none was.
    Verdict worst() const;
    friend bool operator==(const Tally&, const Tally&) = default;
};

}  // namespace ehlo::engine
