// Layer: apps. The command line of ehlo-send, the reference SMTP client (docs/client.md), shared
// by its main and by test builds of it (apps/send_main.hpp): sends one message, from a file,
// stdin, or built from --subject and --body (RFC 5322 §3.6), to one server for one or more
// recipients, and prints each recipient's outcome. The dialogue is client::Session's, the I/O
// client::run's; this file reads the command line, the message and the secrets, and maps the
// outcome to an exit code in the style of sysexits.h (2 for bad usage, as every Ehlo program).
#include "apps/send_main.hpp"

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/driver.hpp"
#include "net/tls_context.hpp"
#include "protocol/address.hpp"
#include "sasl/base64.hpp"

namespace {

using namespace ehlo;

constexpr const char* version = "0.1.0";

/// The program's name in its messages: ehlo-send, or the test build's (SendVariant).
std::string program_name = "ehlo-send";

constexpr const char* exit_codes_help = R"(Exit codes (sysexits.h style):
  0   every recipient was accepted
  2   bad usage (as every Ehlo program)
  65  the message cannot be sent as it is (a line over 998 octets, a NUL)
  66  the message file cannot be read
  69  refused for good: a 5xx reply, or the server lacks what the message or the
      options need (SIZE, 8BITMIME, SMTPUTF8, STARTTLS), or TLS failed
  75  try again later: a 4xx reply, 421, a lost connection, a time-out
  76  the server broke the protocol (a malformed or out-of-place reply)
  77  authentication failed, or AUTH is not offered
When recipients differ, the code tells the worst: 75 if any was deferred, else 69.
Each recipient is printed on stdout as "accepted", "refused" or "deferred".)";

struct Options {
    std::string server, from, helo, message_file;
    std::vector<std::string> to;
    std::string subject, body;
    std::optional<std::string> starttls;
    bool tls = false, insecure = false, trace = false;
    std::string ca_file;
    std::string auth_user, auth_mechanism, password, password_file, password_env;
    std::string token, token_file, token_env;
    client::DsnRequest dsn;
    bool no_pipelining = false, no_chunking = false;
    std::size_t chunk_size = 1 << 20;
    int timeout = 0;
};

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void define_options(CLI::App& app, Options& o) {
    app.set_version_flag("--version", program_name + " " + version);
    app.footer(exit_codes_help);
    app.add_option("--server", o.server, "the server, HOST:PORT ([::1]:PORT for IPv6)")->required();
    app.add_option("--from", o.from, "the reverse path; '' for the null path <>")->required();
    app.add_option("--to", o.to, "a recipient; repeat for more")
        ->required()
        ->allow_extra_args(false);  // one address per --to, so the message file stays apart
    app.add_option("message", o.message_file, "an RFC 5322 message file, or - for stdin");
    app.add_option("--subject", o.subject, "build the message: its Subject");
    app.add_option("--body", o.body, "build the message: its body text");
    app.add_option("--helo", o.helo,
                   "the name sent with EHLO/HELO (default: this host's name when it is fully "
                   "qualified, else the address literal of the connection)");
    app.add_option("--starttls", o.starttls,
                   "STARTTLS; 'required' (the default: give up without it) or "
                   "'opportunistic' (plain text when not offered)")
        ->expected(0, 1)
        ->default_str("required");
    app.add_flag("--tls", o.tls, "implicit TLS from the first octet (RFC 8314)");
    app.add_option("--ca-file", o.ca_file, "trust anchors (PEM) instead of the system's");
    app.add_flag("--insecure", o.insecure, "encrypt but do not verify the certificate or name");
    app.add_option("--auth", o.auth_user, "authenticate as USER (RFC 4954)");
    app.add_option("--auth-mechanism", o.auth_mechanism,
                   "PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256, OAUTHBEARER or XOAUTH2 "
                   "(default: the strongest both sides know)");
    app.add_option("--password-file", o.password_file, "read the password from a file");
    app.add_option("--password-env", o.password_env, "read the password from a variable");
    app.add_option("--password", o.password, "the password (visible to others: avoid)");
    app.add_option("--token-file", o.token_file, "an OAuth 2.0 bearer token from a file");
    app.add_option("--token-env", o.token_env, "an OAuth 2.0 bearer token from a variable");
    app.add_option("--notify", o.dsn.notify, "DSN: NEVER or SUCCESS,FAILURE,DELAY (RFC 3461)");
    app.add_option("--ret", o.dsn.ret, "DSN: FULL or HDRS")->check(CLI::IsMember({"FULL", "HDRS"}));
    app.add_option("--envid", o.dsn.envid, "DSN: the envelope identifier");
    app.add_flag("--orcpt", o.dsn.orcpt, "DSN: send ORCPT with each recipient");
    app.add_flag("--no-pipelining", o.no_pipelining, "never pipeline (RFC 2920)");
    app.add_flag("--no-chunking", o.no_chunking, "never use BDAT (RFC 3030)");
    app.add_option("--chunk-size", o.chunk_size, "octets per BDAT chunk")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
    app.add_option("--timeout", o.timeout, "seconds to wait for any step (default: RFC 5321)")
        ->check(CLI::Range(1, 3600));
    app.add_flag("--trace", o.trace, "print the dialogue with RFC sections on stderr");
}

void check_address(const std::string& mailbox, const std::string& option) {
    protocol::AddressSyntax utf8{true};
    if (option == "--from" && mailbox.empty()) return;
    if (!protocol::parse_forward_path("<" + mailbox + ">", utf8).value)
        throw UsageError(option + " '" + mailbox +
                         "' is not a mailbox; write e.g. "
                         "user@example.test");
}

void check_options(const Options& o) {
    net::parse_host_port(o.server);  // throws net::AddressError
    check_address(o.from, "--from");
    for (const std::string& recipient : o.to)
        check_address(recipient, "--to");
    if (o.tls && o.starttls) throw UsageError("--tls and --starttls exclude each other");
    if (o.starttls && *o.starttls != "required" && *o.starttls != "opportunistic")
        throw UsageError("--starttls takes 'required' or 'opportunistic'");
    if (!o.message_file.empty() && (!o.subject.empty() || !o.body.empty()))
        throw UsageError("give a message file or --subject/--body, not both");
    if (!o.helo.empty() && !protocol::is_domain_or_address_literal(o.helo))
        throw UsageError("--helo '" + o.helo + "' is not a domain or address literal");
}

std::string read_all(std::istream& in) {
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The first line of a file or variable, or a prompt on the terminal; empty when none.
std::string read_secret(const std::string& file, const std::string& variable,
                        const std::string& prompt) {
    std::string secret;
    if (!file.empty()) {
        std::ifstream in(file);
        if (!in) throw UsageError("cannot read " + file);
        std::getline(in, secret);
    } else if (!variable.empty()) {
        const char* value = std::getenv(variable.c_str());
        if (value == nullptr) throw UsageError("the variable " + variable + " is not set");
        secret = value;
    } else if (!prompt.empty() && isatty(STDIN_FILENO)) {
        std::cerr << prompt << std::flush;
        termios saved{};
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        std::getline(std::cin, secret);
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << '\n';
    }
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    return secret;
}

std::string random_text(std::size_t octets) {
    std::random_device device;
    std::string bytes;
    for (std::size_t i = 0; i < octets; ++i)
        bytes += static_cast<char>(device() & 0xff);
    std::string text = sasl::base64_encode(bytes);
    for (char& c : text)
        if (c == '+' || c == '/' || c == '=') c = 'x';  // fit a Message-ID and a SCRAM nonce
    return text;
}

/// The message text: a file, stdin, or one built from --subject/--body.
std::string message_text(const Options& o) {
    if (!o.message_file.empty() && o.message_file != "-") {
        std::ifstream in(o.message_file, std::ios::binary);
        if (!in) throw std::ios_base::failure("cannot read the message file " + o.message_file);
        return read_all(in);
    }
    if (o.message_file.empty() && (!o.subject.empty() || !o.body.empty())) {
        auto now = std::chrono::system_clock::now();
        client::Composition parts;
        const std::string domain = o.helo.empty() || o.helo.front() == '[' ? "localhost" : o.helo;
        parts.from = o.from.empty() ? "mailer-daemon@" + domain : o.from;
        parts.to = o.to;
        parts.subject = o.subject;
        parts.body = o.body;
        parts.date =
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        std::time_t seconds = static_cast<std::time_t>(parts.date);
        std::tm local{};
        if (localtime_r(&seconds, &local) != nullptr)  // the zone of RFC 5322 §3.3
            parts.offset_minutes = static_cast<int>(local.tm_gmtoff / 60);
        parts.unique = std::to_string(parts.date) + "." + random_text(9);
        parts.domain = domain;
        return client::compose_message(parts);
    }
    return read_all(std::cin);
}

// This host's name when it is fully qualified (RFC 5321 §4.1.4: a client names itself by its
// primary host name when it can); empty otherwise, for the address literal of the connection.
std::string qualified_host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return {};
    const std::string host(name);
    return host.find('.') != std::string::npos && protocol::is_domain_or_address_literal(host)
               ? host
               : std::string();
}

client::Settings session_settings(const Options& o) {
    client::Settings settings;
    settings.client_domain = o.helo.empty() ? qualified_host_name() : o.helo;
    if (o.tls)
        settings.tls = client::TlsMode::implicit;
    else if (o.starttls)
        settings.tls = *o.starttls == "opportunistic" ? client::TlsMode::starttls_opportunistic
                                                      : client::TlsMode::starttls_required;
    settings.use_pipelining = !o.no_pipelining;
    settings.use_chunking = !o.no_chunking;
    settings.chunk_size = o.chunk_size;
    settings.dsn = o.dsn;
    if (o.auth_user.empty()) return settings;
    sasl::ClientCredentials credentials;
    credentials.username = o.auth_user;
    credentials.host = net::parse_host_port(o.server).host;
    credentials.port = net::parse_host_port(o.server).port;
    credentials.token = read_secret(o.token_file, o.token_env, "");
    if (!o.password.empty()) {
        std::cerr << program_name
                  << ": warning: a password on the command line is visible to other "
                     "users; prefer --password-file or --password-env\n";
        credentials.password = o.password;
    } else if (credentials.token.empty() || !o.password_file.empty() || !o.password_env.empty()) {
        credentials.password = read_secret(o.password_file, o.password_env, "Password: ");
    }
    if (credentials.password.empty() && credentials.token.empty())
        throw UsageError(
            "--auth needs a secret: --password-file, --password-env, a token, or "
            "a terminal to ask on");
    settings.authenticate = true;
    settings.auth_mechanism = o.auth_mechanism;
    std::string nonce = random_text(18);
    settings.make_mechanism = [credentials, nonce](std::string_view name) {
        return sasl::make_client_mechanism(name, credentials, nonce);
    };
    return settings;
}

void print_outcome(const client::Session& session) {
    for (const client::RecipientOutcome& recipient : session.recipients()) {
        using State = client::RecipientOutcome::State;
        const char* verdict = recipient.state == State::delivered ? "accepted"
                              : recipient.temporary()             ? "deferred"
                                                                  : "refused";
        std::string why;
        if (recipient.reply.code != 0) {
            why = std::to_string(recipient.reply.code);
            if (!recipient.reply.lines.empty()) why += " " + recipient.reply.lines.front();
        } else {
            why = recipient.note;
        }
        std::cout << verdict << " <" << recipient.mailbox << ">: " << why << '\n';
    }
    for (const std::string& warning : session.warnings())
        std::cerr << program_name << ": warning: " << warning << '\n';
    if (session.failure() != client::Failure::none)
        std::cerr << program_name << ": " << session.failure_reason() << '\n';
}

int send(const Options& o, const apps::SendVariant& variant) {
    std::string text;
    try {
        text = message_text(o);
    } catch (const std::ios_base::failure& error) {
        std::cerr << program_name << ": " << error.what() << '\n';
        return client::exit_code::no_input;
    }
    client::PreparedMessage message = client::prepare_message(text);
    if (message.error != client::MessageError::none) {
        std::cerr << program_name << ": not sent: " << message.describe_error() << '\n';
        return client::exit_code::data_error;
    }
    client::Settings settings = session_settings(o);
    if (variant.adjust_settings) variant.adjust_settings(settings);
    client::Target target;
    target.address = net::parse_host_port(o.server);
    std::optional<asio::ssl::context> tls;
    if (o.tls || o.starttls) {
        net::ClientTlsOptions tls_options;
        tls_options.verify = !o.insecure;
        if (!o.ca_file.empty()) tls_options.ca_file = o.ca_file;
        tls.emplace(net::client_tls_context(tls_options));
        target.tls_context = &*tls;
    }
    target.verify = !o.insecure;
    if (o.timeout > 0) target.timeouts = client::Timeouts::all(std::chrono::seconds(o.timeout));
    client::Session session(std::move(settings), {o.from, o.to}, std::move(message));
    client::TraceSink trace;
    if (o.trace) trace = [](const std::string& line) { std::cerr << line << '\n'; };
    client::run(session, target, trace);
    print_outcome(session);
    return session.exit_status();
}

int usage_error(const std::string& what) {
    std::cerr << program_name << ": " << what << "\nRun " << program_name
              << " --help for the options.\n";
    return client::exit_code::usage;
}

}  // namespace

namespace ehlo::apps {

int run_send(int argc, char** argv, const SendVariant& variant) {
    program_name = variant.program;
    std::signal(SIGPIPE, SIG_IGN);  // a server that went away is an error code, not a signal
    CLI::App app{variant.description, variant.program};
    Options options;
    define_options(app, options);
    try {
        app.parse(argc, argv);
        check_options(options);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success))
            return app.exit(error);  // --help, --version
        return usage_error(error.what());
    } catch (const UsageError& error) {
        return usage_error(error.what());
    } catch (const net::AddressError& error) {
        return usage_error(error.what());
    }
    try {
        return send(options, variant);
    } catch (const UsageError& error) {
        return usage_error(error.what());
    } catch (const net::TlsSetupError& error) {
        std::cerr << program_name << ": " << error.what() << '\n';
        return client::exit_code::unavailable;
    } catch (const std::exception& error) {
        std::cerr << program_name << ": " << error.what() << '\n';
        return client::exit_code::software;
    }
}

}  // namespace ehlo::apps
