// Layer: conformance/check. See options.hpp: the command line of ehlo-check.
#include "check/options.hpp"

#include <algorithm>
#include <cctype>

#include "apps/host_port_option.hpp"
#include "check/client_process.hpp"
#include "check/selection.hpp"
#include "net/address.hpp"
#include "sasl/base64.hpp"
#include "scenario/catalog.hpp"

namespace ehlo::check {

namespace {

constexpr const char* footer =
    R"(Without HOST:PORT, ehlo-check starts the reference server in-process on
127.0.0.1 and checks it (the demo). HOST:PORT may come before or after the options:
each option takes one value, and --only and --tag are repeated for more.

Verdicts: PASS, INFO, WARN, FAIL, SKIP (the target lacks what the scenario needs, or an
option rules it out), ERROR (no verdict: refused connection, time-out, malformed reply).

Politeness: messages are only sent to --rcpt (or to reserved domains such as .invalid);
scenarios tagged 'slow' run only with --slow; against a target the defaults are --jobs 1,
--max-connections 4, --rate 10.

Time scale: --time-scale 0.01 makes a scenario's 'wait 300s' last 3 s, so the time-out
scenarios (tagged 'slow') can run against a server started with timeouts scaled alike;
the reports give the scale when it is not 1.

Judging a client: with --exec COMMAND (and --exec-starttls, --exec-tls, --exec-auth for the
scenarios that ask for them) ehlo-check plays the server and runs COMMAND through /bin/sh
once per client scenario, with {host} {port} {from} {rcpt} {message} {user} {password}
{ca-file} replaced by shell-quoted values; COMMAND exits 0 when the client was told the
message was sent. --listen HOST:PORT waits for clients started elsewhere instead, the
recipient's local part picking the scenario (--list shows the addresses).

Examples:
  ehlo-check                                   the demo: the reference server, in-process
  ehlo-check mx.example.test:25 --rcpt postmaster@example.test --html report.html
  ehlo-check 127.0.0.1:2525 --starttls --ca-file ca.pem --only 'rfc3207/*'
  ehlo-check 127.0.0.1:2525 --baseline known.txt --junit junit.xml
  ehlo-check --exec 'swaks --server {host}:{port} --from {from} --to {rcpt}'

Exit status: 0 when no scenario gave FAIL or ERROR; 1 when some did (a target that could
not be checked is no pass); 2 on bad usage or when the run could not start (unreachable
target, a scenario file with errors, an unreadable baseline). With --baseline FILE, a FAIL
or ERROR listed there with that verdict (and reason, when the line gives one) does not count.)";

/// `validator` without its name in --help: the type names say it already.
CLI::Validator quiet(CLI::Validator validator) {
    validator.description("");
    return validator;
}

CLI::Validator mailbox_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (is_plain_mailbox(text)) return {};
            return "'" + text + "' is not a mailbox; write e.g. postmaster@example.test";
        },
        "");
}

CLI::Validator ehlo_name_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (is_ehlo_name(text)) return {};
            return "'" + text + "' is not a domain; write e.g. client.example.test";
        },
        "");
}

CLI::Validator tls_name_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (is_ehlo_name(text) && text.front() != '[') return {};
            return "'" + text + "' is not a host name; write the name in the certificate, " +
                   "e.g. mx.example.test";
        },
        "");
}

void define_target_options(CLI::App& app, Options& o) {
    app.add_option("target", o.target, "The server to check; none: the in-process demo")
        ->type_name("HOST:PORT")
        ->check(ehlo::apps::host_port_check());
    auto* starttls = app.add_flag("--starttls", o.starttls,
                                  "Upgrade every connection with STARTTLS (RFC 3207) first");
    auto* tls = app.add_flag("--tls", o.tls, "Implicit TLS from the first byte (RFC 8314)");
    starttls->excludes(tls);
    auto* insecure = app.add_flag("--insecure", o.insecure,
                                  "Do not verify the server's certificate (still encrypts)");
    auto* ca = app.add_option("--ca-file", o.ca_file, "Trust the CA certificates in this PEM file")
                   ->type_name("FILE")
                   ->check(quiet(CLI::ExistingFile));
    insecure->excludes(ca);
    app.add_option("--tls-name", o.tls_name,
                   "The name to send as SNI and verify in the certificate (default: HOST)")
        ->type_name("NAME")
        ->check(tls_name_check());
    app.add_option("--rcpt", o.rcpt, "The only mailbox messages are sent to ({rcpt})")
        ->type_name("ADDRESS")
        ->check(mailbox_check());
    app.add_option("--from", o.from, "The sender ({from})")
        ->type_name("ADDRESS")
        ->check(mailbox_check())
        ->capture_default_str();
    app.add_option("--auth", o.auth,
                   "Credentials for AUTH scenarios ({user}, {password}, {auth-plain}, ...)")
        ->type_name("USER:PASS");
    app.add_option("--client", o.client, "The name given in EHLO ({client})")
        ->type_name("DOMAIN")
        ->check(ehlo_name_check())
        ->capture_default_str();
}

void define_selection_options(CLI::App& app, Options& o) {
    app.add_option("--only", o.only, "Run scenarios whose id fits this glob (repeatable)")
        ->type_name("PATTERN");
    app.add_option("--tag", o.tags, "Run scenarios with this tag (repeatable)")->type_name("TAG");
    app.add_option("--level", o.level, "Run this level and stronger: MUST, SHOULD, MAY or INFO")
        ->type_name("LEVEL")
        ->check(quiet(CLI::IsMember({"MUST", "SHOULD", "MAY", "INFO"}, CLI::ignore_case)));
    app.add_flag("--slow", o.slow, "Also run scenarios tagged 'slow'");
    app.add_flag("--list", o.list, "Print the chosen scenarios (id and title) and exit");
    app.add_flag("--lint", o.lint,
                 "Check the chosen scenarios (cited requirement rows, level, requires) and exit");
    app.add_flag("--no-delivery", o.no_delivery,
                 "SKIP every scenario that could complete a message (DATA, BDAT)");
    app.add_option("--scenarios", o.scenarios, "Run the suite in DIR instead of the built-in one")
        ->type_name("DIR")
        ->check(quiet(CLI::ExistingDirectory));
}

void define_client_options(CLI::App& app, Options& o) {
    app.add_option("--exec", o.exec,
                   "Judge an SMTP client: run COMMAND once per client scenario, with {host} "
                   "{port} {from} {rcpt} {message} {user} {password} {ca-file} filled in")
        ->type_name("COMMAND");
    app.add_option("--exec-starttls", o.exec_starttls,
                   "The client command that must require STARTTLS and verify {ca-file}")
        ->type_name("COMMAND");
    app.add_option("--exec-tls", o.exec_tls, "The client command for implicit TLS (RFC 8314)")
        ->type_name("COMMAND");
    app.add_option("--exec-auth", o.exec_auth,
                   "The client command that uses STARTTLS and logs in as {user} {password}")
        ->type_name("COMMAND");
    app.add_option("--listen", o.listen,
                   "Judge clients that connect here; the recipient picks the scenario")
        ->type_name("HOST:PORT")
        ->check(ehlo::apps::host_port_check());
    app.add_option("--listen-for", o.listen_for,
                   "Stop listening after SECONDS (default: once every scenario ran)")
        ->type_name("SECONDS")
        ->check(quiet(CLI::Range(0.0, 86400.0)));
}

void define_run_options(CLI::App& app, Options& o) {
    app.add_option("--jobs", o.jobs, "Scenarios at once (default 1; the demo 4)")
        ->type_name("N")
        ->check(quiet(CLI::Range(std::size_t{1}, std::size_t{256})));
    app.add_option("--max-connections", o.max_connections, "Connections open at once (default 4)")
        ->type_name("N")
        ->check(quiet(CLI::Range(std::size_t{1}, std::size_t{1024})));
    app.add_option("--rate", o.rate, "New connections per second; 0 for no limit (default 10)")
        ->type_name("N")
        ->check(quiet(CLI::Range(0.0, 10000.0)));
    app.add_option("--timeout", o.timeout, "Seconds for each step: connect, write, one reply")
        ->type_name("SECONDS")
        ->check(quiet(CLI::Range(0.001, 3600.0)))
        ->capture_default_str();
    app.add_option("--time-scale", o.time_scale,
                   "Multiply every 'wait' by F, e.g. 0.01 against short server timeouts")
        ->type_name("F")
        ->check(quiet(CLI::Range(0.0001, 100.0)))
        ->capture_default_str();
    app.add_option("--baseline", o.baseline,
                   "Known failures, 'ID VERDICT [REASON]' lines: not counted")
        ->type_name("FILE")
        ->check(quiet(CLI::ExistingFile));
    app.add_option("--write-baseline", o.write_baseline, "Write this run's FAIL and ERROR lines")
        ->type_name("FILE");
    app.add_option("--json", o.json, "Write a JSON report")->type_name("FILE");
    app.add_option("--junit", o.junit, "Write a JUnit XML report")->type_name("FILE");
    app.add_flag("--junit-warn-as-failure", o.junit_warn_as_failure,
                 "In the JUnit report, make each WARN a failure");
    app.add_option("--html", o.html, "Write an HTML report")->type_name("FILE");
}

}  // namespace

void define_options(CLI::App& app, Options& options) {
    // A flag of its own rather than CLI11's version flag: the suite it reports depends on
    // --scenarios, which CLI11 would not have read yet.
    app.add_flag("--version", options.version,
                 "Print the version, the commit, OpenSSL's version and the suite's size; exit");
    app.footer(footer);
    define_target_options(app, options);
    define_selection_options(app, options);
    define_run_options(app, options);
    define_client_options(app, options);
    // One value per occurrence: `--only A HOST:PORT` must leave HOST:PORT to the target, so a
    // repeatable option is repeated (`--only A --only B`), never given a list.
    for (CLI::Option* option : app.get_options()) {
        if (!option->get_positional()) option->allow_extra_args(false);
    }
}

std::string version_text(const Options& options, const std::filesystem::path& program,
                         const std::string& scenarios_env) {
    std::string text = apps::version_text("ehlo-check") + "\n";
    auto dir = scenarios_dir(options.scenarios, scenarios_env, program, built_in_suite_locations());
    if (!dir) {
        text += "suite: not found (give --scenarios DIR or set EHLO_SCENARIOS)\n";
    } else {
        Suite suite = load_suite(*dir);
        std::size_t client = 0;
        for (const scenario::Scenario& one : suite.scenarios)
            client += one.role == scenario::Role::client;
        text += "suite: " + std::to_string(suite.scenarios.size()) + " scenarios (" +
                std::to_string(suite.scenarios.size() - client) + " server, " +
                std::to_string(client) + " client) in " + dir->string();
        if (!suite.errors.empty())
            text += " (" + std::to_string(suite.errors.size()) + " errors: run ehlo-check --lint)";
        text += "\n";
    }
    std::size_t rows = scenario::builtin_catalog().rows().size();
    return text + "catalog: " + std::to_string(rows) + " requirements\n";
}

// The rules of client-testing mode: no server target, known placeholders.
void check_client_options(const Options& o) {
    if (!o.target.empty() || o.starttls || o.tls || o.insecure || !o.tls_name.empty()) {
        throw UsageError(
            "--exec and --listen judge clients: leave out the server HOST:PORT and "
            "--starttls, --tls, --insecure, --tls-name");
    }
    if (o.listen_for > 0 && o.listen.empty()) {
        throw UsageError("--listen-for goes with --listen HOST:PORT");
    }
    for (const std::string* command : {&o.exec, &o.exec_starttls, &o.exec_tls, &o.exec_auth}) {
        const std::vector<std::string> unknown = unknown_placeholders(*command);
        if (!unknown.empty()) {
            throw UsageError("unknown placeholder {" + unknown.front() +
                             "} in a client command; the placeholders are {host} {port} {from} "
                             "{rcpt} {message} {user} {password} {ca-file}");
        }
    }
}

void check_options(const Options& o) {
    if (o.judges_clients()) check_client_options(o);
    if (!o.judges_clients() && o.target.empty() &&
        (o.starttls || o.tls || o.insecure || !o.ca_file.empty() || !o.tls_name.empty())) {
        throw UsageError(
            "the in-process demo has no TLS: give a target HOST:PORT to use --starttls, --tls, "
            "--insecure, --ca-file or --tls-name");
    }
    if (!o.auth.empty()) {
        std::size_t colon = o.auth.find(':');
        if (colon == std::string::npos || colon == 0) {
            throw UsageError("--auth wants USER:PASS, e.g. --auth alice:secret");
        }
    }
    if (!o.write_baseline.empty() && o.write_baseline == o.baseline) {
        throw UsageError("--write-baseline would overwrite --baseline; give another file");
    }
}

scenario::Variables credential_variables(const std::string& auth) {
    if (auth.empty()) return {};
    const std::size_t colon = auth.find(':');
    const std::string user = auth.substr(0, colon);
    const std::string password = colon == std::string::npos ? "" : auth.substr(colon + 1);
    // PLAIN: authorization identity (empty), NUL, user, NUL, password (RFC 4616 §2).
    const std::string plain = std::string(1, '\0') + user + std::string(1, '\0') + password;
    return {{"user", user},
            {"password", password},
            {"auth-plain", sasl::base64_encode(plain)},
            {"user-base64", sasl::base64_encode(user)},
            {"password-base64", sasl::base64_encode(password)}};
}

scenario::Variables recipient_variables(const std::string& rcpt) {
    if (rcpt.empty()) return {};
    scenario::Variables variables{{"rcpt", rcpt}};
    const std::size_t at = rcpt.rfind('@');
    if (at != std::string::npos && at + 1 < rcpt.size()) {
        variables["rcpt-domain"] = rcpt.substr(at + 1);
    }
    return variables;
}

bool is_plain_mailbox(const std::string& text) {
    std::size_t at = text.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == text.size()) return false;
    return std::none_of(text.begin(), text.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte <= ' ' || byte == 0x7f || c == '<' || c == '>';
    });
}

bool is_ehlo_name(const std::string& text) {
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
        return std::none_of(text.begin() + 1, text.end() - 1, [](char c) {
            return c == '[' || c == ']' || static_cast<unsigned char>(c) <= ' ';
        });
    }
    if (text.empty() || text.size() > 255 || text.front() == '.' || text.back() == '.') {
        return false;
    }
    if (text.find("..") != std::string::npos) return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    });
}

}  // namespace ehlo::check
