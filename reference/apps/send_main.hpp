// Layer: apps. The command line of ehlo-send as a function, so that a test build of the client
// (the client mutants of tests/mutants) takes the same options and runs the same session and
// driver, with its own name and a last say over the session's settings.
#pragma once

#include <functional>
#include <string>

#include "client/types.hpp"

namespace ehlo::apps {

/// What makes a build of the client other than ehlo-send; the defaults are ehlo-send.
struct SendVariant {
    std::string program = "ehlo-send";  ///< the name in --help and in messages
    std::string description = "Ehlo reference SMTP client: sends one message (RFC 5321)";
    /// Called on the settings the options gave, before the session starts.
    std::function<void(client::Settings&)> adjust_settings;
};

/// Parses the options of ehlo-send (docs/client.md, `ehlo-send --help`), sends the message and
/// prints each recipient's outcome; returns the exit status (docs/client.md, Exit codes): 0
/// when every recipient was accepted, 2 on bad usage, else a code in the style of sysexits.h.
int run_send(int argc, char** argv, const SendVariant& variant = {});

}  // namespace ehlo::apps
