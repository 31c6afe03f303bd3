// The command line of ehlo-server (design.md §5), shared by its main and by test builds of
// it: it turns the options into a server::Policy and a Store and hands them to net::Listener;
// the limits it checks are those of RFC 5321 §4.5.3.1 (at least 100 recipients) and §4.5.3.2
// (timeouts), the names of the extensions --disable may switch off (server/extensions.hpp),
// and the TLS options: a certificate turns STARTTLS on (RFC 3207), --smtps adds an implicit
// TLS port (RFC 8314 §3), --require-tls refuses mail before TLS (RFC 3207 §4); and the AUTH
// options (RFC 4954): the users and tokens files, secrets in clear, a submission port that
// requires AUTH (RFC 6409 §4.3), and --hash-password to enrol a user. Every SMTP rule lives
// in reference/server, every byte of I/O and the TLS settings in reference/net.
#include "apps/server_main.hpp"

#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <pthread.h>
#include <CLI/CLI.hpp>

#include "apps/host_port_option.hpp"
#include "apps/server_main.hpp"
#include "net/address.hpp"
#include "net/listener.hpp"
#include "net/tls_context.hpp"
#include "protocol/address.hpp"
#include "sasl/credentials.hpp"
#include "server/auth.hpp"
#include "server/extensions.hpp"
#include "server/policy.hpp"
#include "server/store_maildir.hpp"
#include "server/store_memory.hpp"

namespace {

using namespace ehlo;

constexpr const char* version = "ehlo-server 0.1.0";

/// The program's name in its messages.
std::string_view program_name = "ehlo-server";

/// The command line, as given.
struct Settings {
    std::string listen = "127.0.0.1:2525";
    std::string smtps;
    std::string tls_cert;
    std::string tls_key;
    bool require_tls = false;
    std::string users;
    std::string tokens;
    bool allow_plaintext_auth = false;
    std::string submission;
    std::string hash_password;
    bool with_cram_md5 = false;
    std::string hostname = "localhost";
    std::vector<std::string> domains;
    std::string maildir;
    bool discard = false;
    std::size_t max_size = server::Limits{}.max_message_size;
    std::size_t max_recipients = server::Limits{}.max_recipients;
    std::size_t max_messages = server::Limits{}.max_transactions;
    std::vector<std::string> disabled;
    std::size_t max_connections = 1000;
    unsigned timeout_command = static_cast<unsigned>(server::Timeouts{}.command.count());
    unsigned timeout_data = static_cast<unsigned>(server::Timeouts{}.data_block.count());
    std::vector<std::string> aliases;
    unsigned threads = 0;
    bool trace = false;
};

/// A bad command line: the message names the problem and the fix.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

CLI::Validator domain_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (protocol::is_domain(text)) return {};
            return "'" + text + "' is not a domain name; write e.g. example.test";
        },
        "");
}

/// A whole number above zero (CLI11's own check reports a floating-point range).
CLI::Validator positive_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            bool digits =
                !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
            if (digits && text.find_first_not_of('0') != std::string::npos) return {};
            return "'" + text + "' is not a whole number above 0";
        },
        "");
}

/// The EHLO keyword of an extension the server can offer, in any case.
CLI::Validator extension_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (server::extension_by_name(text)) return {};
            return "'" + text +
                   "' is not an extension this server offers; name one of "
                   "PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES, SMTPUTF8, LIMITS, "
                   "STARTTLS, AUTH";
        },
        "");
}

/// The TLS options: certificate and key, the implicit TLS port, and --require-tls.
void define_tls_options(CLI::App& app, Settings& s) {
    app.add_option("--tls-cert", s.tls_cert,
                   "Certificate chain (PEM, leaf first); offers STARTTLS (RFC 3207)")
        ->type_name("FILE");
    app.add_option("--tls-key", s.tls_key, "Private key (PEM) of --tls-cert")->type_name("FILE");
    app.add_option("--smtps", s.smtps,
                   "Also listen here with TLS from the first byte (implicit TLS, RFC 8314)")
        ->type_name("HOST:PORT")
        ->check(ehlo::apps::host_port_check());
    app.add_flag("--require-tls", s.require_tls,
                 "Answer 530 to mail commands until the client has started TLS (RFC 3207)");
}

/// The AUTH options (docs/auth.md): the credential files, secrets in clear, the submission
/// port, and the enrolment of a user.
void define_auth_options(CLI::App& app, Settings& s) {
    app.add_option("--users", s.users,
                   "Users file for AUTH PLAIN, LOGIN, CRAM-MD5 and SCRAM-SHA-256 (RFC 4954)")
        ->type_name("FILE");
    app.add_option("--tokens", s.tokens, "Bearer tokens for AUTH OAUTHBEARER: 'user token' lines")
        ->type_name("FILE");
    app.add_flag("--allow-plaintext-auth", s.allow_plaintext_auth,
                 "Offer PLAIN, LOGIN and OAUTHBEARER without TLS too (for tests on loopback)");
    app.add_option("--submission", s.submission,
                   "Also listen here for message submission (RFC 6409): MAIL needs AUTH first")
        ->type_name("HOST:PORT")
        ->check(ehlo::apps::host_port_check());
    auto* hash = app.add_option("--hash-password", s.hash_password,
                                "Print a users-file line for USER, the password read from "
                                "stdin, and exit")
                     ->type_name("USER");
    app.add_flag("--with-cram-md5", s.with_cram_md5,
                 "With --hash-password: also store a CRAM-MD5 secret (as good as the password)")
        ->needs(hash);
}

void define_options(CLI::App& app, Settings& s) {
    app.set_version_flag("--version", version);
    app.add_option("--listen", s.listen, "Address to listen on; port 0 picks a free port")
        ->type_name("HOST:PORT")
        ->check(ehlo::apps::host_port_check())
        ->capture_default_str();
    app.add_option("--hostname", s.hostname, "Our name in the greeting and in Received:")
        ->type_name("DOMAIN")
        ->check(domain_check())
        ->capture_default_str();
    app.add_option("--domain", s.domains, "A domain to accept mail for (repeatable)")
        ->type_name("DOMAIN")
        ->check(domain_check());
    auto* maildir = app.add_option("--maildir", s.maildir, "Deliver into DIR/DOMAIN/LOCAL/new")
                        ->type_name("DIR");
    auto* discard = app.add_flag("--discard", s.discard, "Accept every message and keep none");
    maildir->excludes(discard);
    app.add_option("--max-size", s.max_size, "Largest message accepted, in octets")
        ->type_name("N")
        ->check(positive_check())
        ->capture_default_str();
    app.add_option("--max-recipients", s.max_recipients, "Recipients per message (100 or more)")
        ->type_name("N")
        ->check(positive_check())
        ->capture_default_str();
    app.add_option("--max-messages", s.max_messages,
                   "Mail transactions per session (LIMITS MAILMAX, RFC 9422)")
        ->type_name("N")
        ->check(positive_check())
        ->capture_default_str();
    app.add_option("--disable", s.disabled,
                   "Do not offer an extension: PIPELINING, SIZE, 8BITMIME, "
                   "ENHANCEDSTATUSCODES, SMTPUTF8, LIMITS, STARTTLS, AUTH, CHUNKING (and "
                   "with it BINARYMIME) or BINARYMIME (repeatable)")
        ->type_name("EXT")
        ->check(extension_check());
    app.add_option("--max-connections", s.max_connections, "Sessions at once; more get 421")
        ->type_name("N")
        ->check(positive_check())
        ->capture_default_str();
    app.add_option("--timeout-command", s.timeout_command, "Seconds to wait for a command")
        ->type_name("SECONDS")
        ->check(positive_check())
        ->capture_default_str();
    app.add_option("--timeout-data", s.timeout_data, "Seconds to wait for more message data")
        ->type_name("SECONDS")
        ->check(positive_check())
        ->capture_default_str();
    app.add_option("--alias", s.aliases, "A mailbox that moved, OLD=NEW (repeatable)")
        ->type_name("OLD=NEW");
    app.add_option("--threads", s.threads, "Worker threads (default: one per hardware thread)")
        ->type_name("N")
        ->check(positive_check());
    app.add_flag("--trace", s.trace, "Print the dialogue with the RFC section of each step");
    define_tls_options(app, s);
    define_auth_options(app, s);
}

bool disabled(const Settings& s, server::Extension extension) {
    for (const std::string& name : s.disabled) {
        if (server::extension_by_name(name) == extension) return true;
    }
    return false;
}

/// A certificate needs its key and the other way round; TLS options need a certificate.
void check_tls_settings(const Settings& s) {
    if (s.tls_cert.empty() != s.tls_key.empty()) {
        throw UsageError("--tls-cert and --tls-key go together: give both, or neither");
    }
    bool certificate = !s.tls_cert.empty();
    if (!s.smtps.empty() && !certificate) {
        throw UsageError("--smtps needs a certificate: add --tls-cert FILE --tls-key FILE");
    }
    if (s.require_tls && !certificate) {
        throw UsageError("--require-tls needs a certificate: add --tls-cert FILE --tls-key FILE");
    }
    if (s.require_tls && disabled(s, server::Extension::starttls)) {
        throw UsageError("--require-tls needs STARTTLS: drop --disable STARTTLS");
    }
}

/// The rules between options that CLI11 cannot say alone.
void check_settings(const Settings& s) {
    if (s.maildir.empty() && !s.discard) {
        throw UsageError("say where mail goes: --maildir DIR, or --discard to keep nothing");
    }
    if (!s.discard && s.domains.empty()) {
        throw UsageError("--maildir needs at least one --domain to accept mail for");
    }
    check_tls_settings(s);
    if (!s.submission.empty() && s.users.empty() && s.tokens.empty()) {
        throw UsageError("--submission requires AUTH: add --users FILE or --tokens FILE");
    }
    if (!s.submission.empty() && disabled(s, server::Extension::auth)) {
        throw UsageError("--submission requires AUTH: drop --disable AUTH");
    }
    if (s.max_recipients < 100) {
        // RFC 5321 §4.5.3.1.8: a server must accept at least 100 recipients.
        throw UsageError("--max-recipients must be at least 100 (RFC 5321 §4.5.3.1.8)");
    }
}

/// "old@Example.TEST=new@example.test" into the alias table, keyed "local@domain" with the
/// domain in lower case (RFC 5321 §2.4: only the domain is case-insensitive).
void add_alias(server::Policy& policy, const std::string& text) {
    auto equals = text.find('=');
    std::string old_text = text.substr(0, equals);
    std::string new_text = equals == std::string::npos ? "" : text.substr(equals + 1);
    auto old_path = protocol::parse_forward_path("<" + old_text + ">");
    auto new_path = protocol::parse_forward_path("<" + new_text + ">");
    if (!old_path.value || !new_path.value || old_path.value->is_bare_postmaster() ||
        new_path.value->is_bare_postmaster()) {
        throw UsageError("bad --alias '" + text +
                         "': write OLD=NEW with two mailboxes, e.g. ann@example.test=ann@"
                         "new.example.test");
    }
    protocol::Mailbox old_box = old_path.value->mailbox;
    for (char& c : old_box.domain)
        c = static_cast<char>(std::tolower(c));
    policy.aliases[old_box.to_string()] = new_path.value->mailbox.to_string();
}

/// The whole of a file named by `option`, or a UsageError that names it.
std::string read_file(const std::string& path, const std::string& option) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read " + option + " " + path + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A users or tokens file with a bad line is refused as a whole, naming the first bad line.
template <typename File>
File checked(File file, const std::string& path, const std::string& option) {
    if (file.errors.empty()) return file;
    const sasl::FileError& first = file.errors.front();
    throw UsageError(option + " " + path + ":" + std::to_string(first.line) + ": " + first.message);
}

/// The AUTH settings: the stores read once at start, and secrets in clear only if asked.
void add_auth(server::Policy& policy, const Settings& s) {
    if (!s.users.empty()) {
        auto file = checked(sasl::parse_users(read_file(s.users, "--users")), s.users, "--users");
        policy.auth.users = std::make_shared<const sasl::Credentials>(std::move(file.users));
    }
    if (!s.tokens.empty()) {
        auto file =
            checked(sasl::parse_tokens(read_file(s.tokens, "--tokens")), s.tokens, "--tokens");
        policy.auth.tokens = std::make_shared<const sasl::Tokens>(std::move(file.tokens));
    }
    policy.auth.allow_plaintext = s.allow_plaintext_auth;
}

server::Policy make_policy(const Settings& s, const apps::ServerVariant& variant) {
    server::Policy policy;
    policy.hostname = s.hostname;
    policy.domains = s.domains;
    policy.accept_any_domain = s.discard && s.domains.empty();
    for (const std::string& alias : s.aliases)
        add_alias(policy, alias);
    policy.limits.max_message_size = s.max_size;
    policy.limits.max_recipients = s.max_recipients;
    policy.limits.max_transactions = s.max_messages;
    // A certificate offers STARTTLS (RFC 3207), unless it is switched off.
    if (!s.tls_cert.empty()) policy.extensions.insert(server::Extension::starttls);
    for (const std::string& name : s.disabled)
        policy.extensions.erase(*server::extension_by_name(name));
    // BINARYMIME can only be used with CHUNKING (RFC 3030 §3): it goes when CHUNKING goes.
    if (!policy.offers(server::Extension::chunking)) {
        policy.extensions.erase(server::Extension::binarymime);
    }
    policy.require_tls = s.require_tls;
    add_auth(policy, s);
    policy.timeouts.command = std::chrono::seconds(s.timeout_command);
    policy.timeouts.data_block = std::chrono::seconds(s.timeout_data);
    if (variant.adjust_policy) variant.adjust_policy(policy);
    return policy;
}

/// --hash-password USER: the password is the first line of stdin, without its line end.
int hash_password(const Settings& s) {
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    try {
        std::cout << server::hash_password_line(s.hash_password, password, s.with_cram_md5)
                  << std::endl;
    } catch (const std::runtime_error& error) {
        throw UsageError(std::string("--hash-password: ") + error.what());
    }
    return 0;
}

std::unique_ptr<server::Store> make_store(const Settings& s) {
    if (s.discard) return std::make_unique<server::DiscardStore>();
    std::unique_ptr<server::MaildirStore> store;
    try {
        store = std::make_unique<server::MaildirStore>(s.maildir, s.domains.front());
    } catch (const std::filesystem::filesystem_error& error) {
        throw std::runtime_error("cannot use --maildir " + s.maildir + ": " +
                                 error.code().message());
    }
    store->set_error_log([](const std::string& what) {
        std::cerr << "ehlo-server: delivery failed: " << what << std::endl;
    });
    return store;
}

/// The TLS context of --tls-cert and --tls-key (TLS 1.2 and up), or none.
std::optional<asio::ssl::context> make_tls_context(const Settings& s) {
    if (s.tls_cert.empty()) return std::nullopt;
    try {
        return net::server_tls_context(s.tls_cert, s.tls_key);
    } catch (const net::TlsSetupError& error) {
        throw UsageError(std::string("cannot use --tls-cert/--tls-key: ") + error.what() +
                         "; give a PEM certificate chain and its private key");
    }
}

int serve(const Settings& s, const apps::ServerVariant& variant) {
    server::Policy policy = make_policy(s, variant);
    std::optional<asio::ssl::context> tls = make_tls_context(s);
    std::unique_ptr<server::Store> store = make_store(s);
    net::ListenerOptions options;
    options.listen = net::parse_host_port(s.listen);
    if (!s.smtps.empty()) options.smtps = net::parse_host_port(s.smtps);
    options.threads = s.threads;
    options.max_connections = s.max_connections;
    options.trace = s.trace;
    // The submission port: the same server, but MAIL waits for AUTH (RFC 6409 §4.3).
    server::Policy submission_policy = policy;
    submission_policy.auth.required = true;
    if (!s.submission.empty()) options.submission = net::parse_host_port(s.submission);
    net::Listener listener(options, policy, *store, tls ? &*tls : nullptr, &submission_policy);
    listener.bind();
    // One line per listener, the SMTP port first.
    std::cout << "listening on " << listener.address() << std::endl;
    if (auto smtps = listener.smtps_address()) {
        std::cout << "listening on " << *smtps << " (implicit TLS)" << std::endl;
    }
    if (auto submission = listener.submission_address()) {
        std::cout << "listening on " << *submission << " (submission)" << std::endl;
    }
    listener.run();
    // Stopped cleanly. A further SIGTERM or SIGINT arriving while the process tears down
    // must not turn that into death by signal: hold such signals until exit.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    return 0;
}

int usage_error(const std::string& problem) {
    std::cerr << program_name << ": " << problem << "\nRun '" << program_name
              << " --help' for the options." << std::endl;
    return 2;
}

}  // namespace

int ehlo::apps::run_server(int argc, char** argv, const ServerVariant& variant) {
    std::signal(SIGPIPE, SIG_IGN);  // a peer that went away is an error code, not a signal
    program_name = variant.program;
    CLI::App app{variant.description, variant.program};
    Settings settings;
    define_options(app, settings);
    try {
        app.parse(argc, argv);
        if (!settings.hash_password.empty()) return hash_password(settings);
        check_settings(settings);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
            return app.exit(error);  // --help, --version
        }
        return usage_error(error.what());
    } catch (const UsageError& error) {
        return usage_error(error.what());
    }
    try {
        return serve(settings, variant);
    } catch (const UsageError& error) {
        return usage_error(error.what());
    } catch (const std::exception& error) {
        std::cerr << program_name << ": " << error.what() << std::endl;
        return 1;
    }
}
