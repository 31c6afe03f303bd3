// Layer: conformance/check (I/O). `ehlo-check --listen HOST:PORT`: a standing server for clients
// that cannot be started once per scenario (an MTA relaying through it, a library inside an
// application). Each connection gets the standard opening of the client scenarios (greeting,
// EHLO, MAIL); the local part of its first recipient then names the scenario
// (scenario::listen_local_part), and that scenario runs from the start on the same connection,
// its opening played again from what was already read and written.
#pragma once

#include <filesystem>
#include <ostream>
#include <vector>

#include "check/client_driver.hpp"
#include "check/options.hpp"
#include "engine/result.hpp"
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::check {

/// Whether `scenario` can run under `--listen`: it starts with the standard opening.
bool listenable(const scenario::Scenario& scenario);

/// Listens on `options.listen` until every scenario of `chosen` that can run there has a
/// result, `--listen-for` runs out, or SIGINT or SIGTERM comes; the results in the order of
/// `chosen` (ERROR for one no client reached, SKIP for one that cannot run there). Prints
/// `listening on ADDR` and the CA file on `out`. Throws std::runtime_error when it cannot
/// listen.
std::vector<engine::ScenarioResult> listen_for_clients(
    const Options& options, const std::vector<const scenario::Scenario*>& chosen,
    const scenario::Variables& variables, const ClientSetup& setup,
    const std::filesystem::path& ca_file, report::Reporter& reporter, std::ostream& out);

}  // namespace ehlo::check
