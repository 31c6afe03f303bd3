// Layer: conformance/check (I/O). Client-testing mode (docs/ehlo-check.md, "Judging a
// client"): ehlo-check plays the server. `--exec` runs the client command once per client
// scenario on a port of its own, with the scenario's message in a file and the runner's test CA
// for TLS; `--listen` waits on one address for clients started elsewhere and picks each
// scenario by the recipient's local part (client_listen.hpp). Results go to the same reports
// and baseline as a server run.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "check/baseline.hpp"
#include "check/options.hpp"
#include "engine/result.hpp"
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::check {

/// The values a client run fills in: the variables of the scenarios and the placeholders of
/// the commands.
struct ClientValues {
    std::string from;
    std::string rcpt;
    std::string user;
    std::string password;
    std::string server;  ///< the name ehlo-check gives itself (`{server}`)
};

/// The values `options` give (`--from`, `--rcpt`, `--auth`), with defaults for the rest.
ClientValues client_values(const Options& options);

/// The scenario variables of `values` (`{from}`, `{rcpt}`, `{user}`, `{auth-plain}`, ...).
scenario::Variables client_variables(const ClientValues& values);

/// The command for what `scenario` asks of the client, or empty when none was given.
const std::string& command_for(const Options& options, const scenario::Scenario& scenario);

/// The option that gives the command for `ask` (`--exec-starttls`).
std::string option_for(scenario::Ask ask);

/// The message file's content for `scenario`, `{from}` and `{rcpt}` filled in.
std::string message_for(const scenario::Scenario& scenario, const ClientValues& values);

/// Runs `chosen` (client scenarios) under `--exec` or `--listen`, reporting to `reporter`;
/// returns the run's record. Throws std::runtime_error when it cannot start (a port in use).
engine::RunResult run_clients(const Options& options,
                              const std::vector<const scenario::Scenario*>& chosen,
                              report::Reporter& reporter, std::ostream& out);

}  // namespace ehlo::check
