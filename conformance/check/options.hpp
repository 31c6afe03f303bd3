// Layer: conformance/check. The command line of `ehlo-check` (docs/ehlo-check.md): the options as
// given, their definition for CLI11, and the rules between them that CLI11 cannot say alone.
// Addresses are `HOST:PORT` or `[IPv6]:PORT` (net/address.hpp); `--rcpt` and `--from` are
// mailboxes (RFC 5321 §4.1.2), `--client` a domain or address literal for EHLO (RFC 5321 §4.1.1.1).
// What the options do is app.hpp's.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/command_line.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::check {

/// The version of ehlo-check, as reports record it: the project's (apps/command_line.hpp).
inline const std::string version_number = apps::version_number();

/// The command line, as given.
struct Options {
    std::string target;  ///< `HOST:PORT`; empty for the in-process demo
    bool starttls = false;
    bool tls = false;
    bool insecure = false;
    std::string ca_file;
    /// `--tls-name`: the name sent as SNI and looked for in the certificate; empty for the
    /// host of `target`.
    std::string tls_name;
    std::string rcpt;
    std::string from = "ehlo-check@example.org";
    std::string auth;  ///< `USER:PASS`
    std::string client = "client.ehlo-check.test";
    std::vector<std::string> only;
    std::vector<std::string> tags;
    std::string level;
    bool slow = false;
    bool version = false;  ///< `--version`: print version_text and exit
    bool list = false;
    bool lint = false;  ///< `--lint`: check the chosen scenarios' rows and `requires:`, run none
    bool no_delivery = false;
    std::optional<std::size_t> jobs;
    std::optional<std::size_t> max_connections;
    std::optional<double> rate;
    double timeout = 30;    ///< seconds, for each step
    double time_scale = 1;  ///< multiplies every `wait` of the scenarios
    std::string scenarios;
    std::string baseline;
    std::string write_baseline;
    std::string json;
    std::string junit;
    bool junit_warn_as_failure = false;  ///< `--junit-warn-as-failure`
    std::string html;
    /// Client-testing mode: the command that runs the client under test once per client
    /// scenario, for each thing a scenario may ask of it (plain, STARTTLS required, implicit
    /// TLS, STARTTLS and a login); or `--listen`, a standing server for clients started
    /// elsewhere, with how long it waits for them (0: until every scenario ran, or a signal).
    std::string exec;
    std::string exec_starttls;
    std::string exec_tls;
    std::string exec_auth;
    std::string listen;
    double listen_for = 0;

    /// Whether ehlo-check judges clients (`--exec...` or `--listen`) rather than a server.
    bool judges_clients() const {
        return !exec.empty() || !exec_starttls.empty() || !exec_tls.empty() || !exec_auth.empty() ||
               !listen.empty();
    }
};

/// A bad command line: the message names the problem and the fix.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Defines every option on `app`, storing into `options`, with the help text (exit codes
/// included) in the footer. Every option takes one value per occurrence, so none can take the
/// target as its value; a repeatable option (`--only`, `--tag`) is repeated instead.
void define_options(CLI::App& app, Options& options);

/// What `--version` prints: the version, the commit and OpenSSL's version
/// (apps::version_text), then the suite that `options` and the environment choose (where it is,
/// how many scenarios of each role) and the size of the requirement catalog. `program` and
/// `scenarios_env` ($EHLO_SCENARIOS) find the suite as a run would (selection.hpp).
std::string version_text(const Options& options, const std::filesystem::path& program,
                         const std::string& scenarios_env);

/// The rules between options; throws UsageError naming the problem and the fix.
void check_options(const Options& options);

/// The variables `--auth USER:PASS` gives: `{user}`, `{password}`, and for AUTH PLAIN and
/// LOGIN their base64 forms RFC 4954 §4: `{auth-plain}` (NUL user NUL password, the PLAIN
/// message of RFC 4616 §2), `{user-base64}` and `{password-base64}`. None for an empty `auth`.
scenario::Variables credential_variables(const std::string& auth);

/// The variables `--rcpt` gives: `{rcpt}`, and `{rcpt-domain}`, the part after its last `@`
/// (a quoted local part may hold an `@`, RFC 5321 §4.1.2). None for an empty `rcpt`.
scenario::Variables recipient_variables(const std::string& rcpt);

/// Whether `text` is a mailbox `local@domain` that can stand in `<...>` on a command line:
/// no blanks, no angle brackets, no control characters RFC 5321 §4.1.2.
bool is_plain_mailbox(const std::string& text);

/// Whether `text` can follow EHLO: a domain of letters, digits, `-` and dots, or an address
/// literal in brackets RFC 5321 §4.1.1.1.
bool is_ehlo_name(const std::string& text);

}  // namespace ehlo::check
