// Layer: apps. What the command lines of the three programs (ehlo-server, ehlo-send, ehlo-check)
// share: the lines of `--version` (the project's version and the git commit the build came from,
// both set by CMake, and the OpenSSL in use), and usage errors in plain words. CLI11 reports a
// bad command line in its own terms ("The following argument was not expected", "Could not
// convert"); explain_parse_error says instead what is wrong and how to fix it. Each program
// defines its own options; this file only words what goes wrong with them.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace ehlo::apps {

/// A bad command line: the message names the problem and the fix.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The project's version, e.g. "0.1.0" (CMake's project version).
const char* version_number();

/// The first lines of `--version`: "NAME VERSION" alone on the first line (help2man reads it),
/// then "commit: ..." and "OpenSSL: ..." (no newline after the last).
std::string version_text(std::string_view program);

/// The message of a CLI11 parse error of `app`, in plain words: what is wrong and, where it
/// can tell, how to fix it ("unknown option '--sever'; did you mean --server?").
std::string explain_parse_error(const CLI::ParseError& error, const CLI::App& app);

/// Prints "PROGRAM: problem" and where to read more on stderr; returns 2, the exit status of
/// bad usage in every Ehlo program.
int usage_error(std::string_view program, const std::string& problem);

/// The exit status for a CLI11 parse error: prints --help or --version (exit 0), or the error
/// in plain words (exit 2).
int parse_error_exit(const CLI::ParseError& error, CLI::App& app, std::string_view program);

}  // namespace ehlo::apps
