// Layer: apps. The run of ehlo-send, the reference SMTP client (docs/client.md), shared by its
// main and by test builds of it (apps/send_main.hpp): sends one message, from a file, stdin, or
// built from --subject and --body (RFC 5322 §3.6), with the header fields of --header and the
// files of --attach (client/mime.hpp), to one server for one or more recipients, and prints
// each recipient's outcome. The options are send_options.cpp's, the dialogue client::Session's,
// the I/O client::run's; this file reads the message, the files and the secrets, sets up TLS,
// and maps the outcome to an exit code in the style of sysexits.h (2 for bad usage).
#include "apps/send_main.hpp"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/command_line.hpp"
#include "apps/send_options.hpp"
#include "client/driver.hpp"
#include "client/mime.hpp"
#include "net/tls_context.hpp"
#include "protocol/address.hpp"
#include "sasl/base64.hpp"

namespace {

using namespace ehlo;

using apps::SendOptions;
using apps::UsageError;

/// The program's name in its messages: ehlo-send, or the test build's (SendVariant).
std::string program_name = "ehlo-send";

/// A file the message needs (the message, an attachment) that cannot be read: exit 66.
struct UnreadableFile : std::runtime_error {
    using std::runtime_error::runtime_error;
};

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

/// The whole of the file at `path`, or UnreadableFile naming it as `what` and saying why.
std::string read_file(const std::string& path, const std::string& what) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    std::string content;
    char buffer[65536];
    std::size_t got = 0;
    while (file && (got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
        content.append(buffer, got);
    if (!file || std::ferror(file.get()))
        throw UnreadableFile("cannot read " + what + " '" + path + "': " + std::strerror(errno));
    return content;
}

/// A message built from --subject and --body RFC 5322 §3.6.
std::string composed_message(const SendOptions& o) {
    auto now = std::chrono::system_clock::now();
    client::Composition parts;
    const std::string domain = o.helo.empty() || o.helo.front() == '[' ? "localhost" : o.helo;
    parts.from = o.from.empty() ? "mailer-daemon@" + domain : o.from;
    parts.to = o.to;
    parts.subject = o.subject;
    parts.body = o.body;
    parts.date = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    std::time_t seconds = static_cast<std::time_t>(parts.date);
    std::tm local{};
    if (localtime_r(&seconds, &local) != nullptr)  // the zone of RFC 5322 §3.3
        parts.offset_minutes = static_cast<int>(local.tm_gmtoff / 60);
    parts.unique = std::to_string(parts.date) + "." + random_text(9);
    parts.domain = domain;
    return client::compose_message(parts);
}

/// The message text: a file, stdin, or one built from --subject/--body (also with --attach
/// and no file, so that the files go in a message of their own).
std::string message_text(const SendOptions& o) {
    if (!o.message_file.empty() && o.message_file != "-")
        return read_file(o.message_file, "the message file");
    bool compose = !o.subject.empty() || !o.body.empty() || !o.attachments.empty();
    if (o.message_file.empty() && compose) return composed_message(o);
    return read_all(std::cin);
}

/// `prepared` with the fields of --header and the files of --attach (client/mime.hpp).
std::string with_headers_and_files(const SendOptions& o, std::string prepared) {
    for (const std::string& field : o.headers)
        prepared = client::set_header_field(prepared, field);
    if (o.attachments.empty()) return prepared;
    std::vector<client::Attachment> files;
    for (const std::string& path : o.attachments)
        files.push_back({std::filesystem::path(path).filename().string(),
                         read_file(path, "the file to attach")});
    return client::attach_files(prepared, files, random_text(18));
}

/// The message as it goes out, or the exit code when it cannot.
std::variant<client::PreparedMessage, int> outgoing_message(const SendOptions& o) {
    client::PreparedMessage message;
    try {
        message = client::prepare_message(message_text(o));
        if (message.error == client::MessageError::none &&
            (!o.headers.empty() || !o.attachments.empty()))
            message = client::prepare_message(with_headers_and_files(o, message.data));
    } catch (const UnreadableFile& error) {
        std::cerr << program_name << ": " << error.what() << '\n';
        return client::exit_code::no_input;
    }
    if (message.error != client::MessageError::none) {
        std::cerr << program_name << ": not sent: " << message.describe_error() << '\n';
        return client::exit_code::data_error;
    }
    return message;
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

client::Settings session_settings(const SendOptions& o) {
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
    credentials.host = apps::server_address(o.server).host;
    credentials.port = apps::server_address(o.server).port;
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

/// "accepted", "deferred", "refused", or "not sent" for a recipient a session stopped early
/// (--quit-after) left undecided.
const char* verdict_of(const client::RecipientOutcome& recipient, bool stopped) {
    using State = client::RecipientOutcome::State;
    if (recipient.state == State::delivered) return "accepted";
    if (stopped && recipient.state != State::refused) return "not sent";
    return recipient.temporary() ? "deferred" : "refused";
}

void print_outcome(const client::Session& session) {
    for (const client::RecipientOutcome& recipient : session.recipients()) {
        std::string why;
        if (recipient.reply.code != 0) {
            why = std::to_string(recipient.reply.code);
            if (!recipient.reply.lines.empty()) why += " " + recipient.reply.lines.front();
        } else {
            why = recipient.note;
        }
        std::cout << verdict_of(recipient, session.stopped()) << " <" << recipient.mailbox
                  << ">: " << why << '\n';
    }
    for (const std::string& warning : session.warnings())
        std::cerr << program_name << ": warning: " << warning << '\n';
    if (session.failure() != client::Failure::none)
        std::cerr << program_name << ": " << session.failure_reason() << '\n';
}

/// The client's TLS context: trust anchors, and the certificate of --tls-cert, which the
/// server may ask for in the handshake (RFC 8446 §4.3.2).
asio::ssl::context tls_context(const SendOptions& o) {
    net::ClientTlsOptions tls_options;
    tls_options.verify = !o.insecure;
    if (!o.ca_file.empty()) tls_options.ca_file = o.ca_file;
    asio::ssl::context context = net::client_tls_context(tls_options);
    if (o.tls_cert.empty()) return context;
    asio::error_code error;
    context.use_certificate_chain_file(o.tls_cert, error);
    if (!error) context.use_private_key_file(o.tls_key, asio::ssl::context::pem, error);
    if (error)
        throw UsageError("cannot use --tls-cert " + o.tls_cert + " and --tls-key " + o.tls_key +
                         ": " + net::openssl_reason(error.message()));
    return context;
}

client::Target session_target(const SendOptions& o, std::optional<asio::ssl::context>& tls) {
    client::Target target;
    target.address = apps::server_address(o.server);
    if (o.tls || o.starttls) {
        tls.emplace(tls_context(o));
        target.tls_context = &*tls;
    }
    target.verify = !o.insecure;
    target.server_name = o.tls_sni;
    if (o.timeout > 0) target.timeouts = client::Timeouts::all(std::chrono::seconds(o.timeout));
    return target;
}

int send(const SendOptions& o, const apps::SendVariant& variant) {
    auto message = outgoing_message(o);
    if (const int* code = std::get_if<int>(&message)) return *code;
    client::Settings settings = session_settings(o);
    settings.quit_after = apps::quit_after_step(o.quit_after);
    if (variant.adjust_settings) variant.adjust_settings(settings);
    std::optional<asio::ssl::context> tls;
    client::Target target = session_target(o, tls);
    client::Session session(std::move(settings), {o.from, o.to},
                            std::move(std::get<client::PreparedMessage>(message)));
    client::TraceSink trace;
    if (o.trace) trace = [](const std::string& line) { std::cerr << line << '\n'; };
    client::run(session, target, trace);
    print_outcome(session);
    return session.exit_status();
}

}  // namespace

namespace ehlo::apps {

int run_send(int argc, char** argv, const SendVariant& variant) {
    program_name = variant.program;
    std::signal(SIGPIPE, SIG_IGN);  // a server that went away is an error code, not a signal
    CLI::App app{variant.description, variant.program};
    SendOptions options;
    define_send_options(app, options, variant.program);
    try {
        app.parse(argc, argv);
        check_send_options(options);
    } catch (const CLI::ParseError& error) {
        return parse_error_exit(error, app, program_name);
    } catch (const UsageError& error) {
        return usage_error(program_name, error.what());
    } catch (const net::AddressError& error) {
        return usage_error(program_name, std::string("--server: ") + error.what());
    }
    try {
        return send(options, variant);
    } catch (const UsageError& error) {
        return usage_error(program_name, error.what());
    } catch (const net::TlsSetupError& error) {
        std::cerr << program_name << ": " << error.what() << '\n';
        return client::exit_code::unavailable;
    } catch (const std::exception& error) {
        std::cerr << program_name << ": " << error.what() << '\n';
        return client::exit_code::software;
    }
}

}  // namespace ehlo::apps
