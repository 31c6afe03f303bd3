// The command line of ehlo-server as a function, so that a test build of the server (the
// mutants of tests/mutants) takes the same options and runs the same listener, with its own
// name and a last say over the policy.
#pragma once

#include <functional>
#include <string>

#include "server/policy.hpp"

namespace ehlo::apps {

/// What makes a build of the server other than ehlo-server; the defaults are ehlo-server.
struct ServerVariant {
    std::string program = "ehlo-server";  ///< the name in --help and in error messages
    std::string description = "Ehlo reference SMTP server (RFC 5321)";
    /// Called on the policy the options gave, before the listener starts.
    std::function<void(server::Policy&)> adjust_policy;
};

/// Parses the options of ehlo-server (README.md, `ehlo-server --help`) and serves until
/// SIGTERM or SIGINT; returns the exit status: 0 after a clean stop, 1 when the server could
/// not run, 2 on bad usage.
int run_server(int argc, char** argv, const ServerVariant& variant = {});

}  // namespace ehlo::apps
