// Layer: conformance/check (I/O). The driver: runs one scenario by answering the requests of
// the engine's pure interpreter (engine::ScenarioRun) with real I/O on Links to the target:
// open a connection (plain, implicit TLS per RFC 8314 §3, or upgraded with STARTTLS per
// RFC 3207 §4 under `--starttls`), write bytes, read one reply within the time limit, the
// STARTTLS handshake, wait, close. Every rule of a scenario (repeats, the `C>` queue,
// variables, matching, verdicts, the wire log) is the engine's; choosing and scheduling
// scenarios is left to selection.hpp and scheduler.hpp.
#pragma once

#include <functional>

#include <asio/awaitable.hpp>

#include "check/link.hpp"
#include "engine/result.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::check {

/// Called before each new connection, to keep to `--rate`; may wait.
using ConnectTurn = std::function<asio::awaitable<void>()>;

/// How one scenario is run against the target.
struct RunSettings {
    /// Under `--starttls`: upgrade each connection before the scenario's first step (greeting,
    /// EHLO, STARTTLS, handshake), then hand the scenario the greeting as its first reply, so
    /// it runs inside TLS as written. Off for scenarios that do their own TLS.
    bool upgrade_first = false;
};

/// Runs `scenario` with `variables` against `target`; `turn` paces new connections. Never
/// throws for I/O: a failure is the result's ERROR with its reason.
asio::awaitable<engine::ScenarioResult> run_scenario(const scenario::Scenario& scenario,
                                                     const scenario::Variables& variables,
                                                     const Target& target, RunSettings settings,
                                                     ConnectTurn turn);

}  // namespace ehlo::check
