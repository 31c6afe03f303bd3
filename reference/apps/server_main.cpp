// The command line of ehlo-server (README.md), shared by its main and by test builds of
// it: it turns the options (apps/server_options.hpp) into a server::Policy and a Store and
// hands them to serve::Listener, with the TLS context of the certificate (RFC 3207,
// RFC 8314 §3) and the AUTH stores (RFC 4954); --hash-password enrols a user. Every SMTP rule lives
// in reference/server, every byte of the server's I/O in reference/serve, the TLS settings in
// reference/net.
#include "apps/server_main.hpp"

#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
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

#include <pthread.h>
#include <CLI/CLI.hpp>

#include "apps/server_options.hpp"
#include "net/address.hpp"
#include "net/tls_context.hpp"
#include "protocol/address.hpp"
#include "sasl/credentials.hpp"
#include "serve/listener.hpp"
#include "server/auth.hpp"
#include "server/extensions.hpp"
#include "server/policy.hpp"
#include "server/store_maildir.hpp"
#include "server/store_memory.hpp"

namespace {

using namespace ehlo;
using apps::ServerSettings;
using apps::UsageError;

/// The program's name in its messages.
std::string_view program_name = "ehlo-server";

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
void add_auth(server::Policy& policy, const ServerSettings& s) {
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

server::Policy make_policy(const ServerSettings& s, const apps::ServerVariant& variant) {
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
    policy.timeouts.min_data_rate = s.min_data_rate;
    if (variant.adjust_policy) variant.adjust_policy(policy);
    return policy;
}

/// --hash-password USER: the password is the first line of stdin, without its line end.
int hash_password(const ServerSettings& s) {
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

std::unique_ptr<server::Store> make_store(const ServerSettings& s) {
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
std::optional<asio::ssl::context> make_tls_context(const ServerSettings& s) {
    if (s.tls_cert.empty()) return std::nullopt;
    try {
        return net::server_tls_context(s.tls_cert, s.tls_key);
    } catch (const net::TlsSetupError& error) {
        throw UsageError(std::string("cannot use --tls-cert/--tls-key: ") + error.what() +
                         "; give a PEM certificate chain and its private key");
    }
}

int run_listener(const ServerSettings& s, const apps::ServerVariant& variant) {
    server::Policy policy = make_policy(s, variant);
    std::optional<asio::ssl::context> tls = make_tls_context(s);
    std::unique_ptr<server::Store> store = make_store(s);
    serve::ListenerOptions options;
    options.listen = net::parse_host_port(s.listen);
    if (!s.smtps.empty()) options.smtps = net::parse_host_port(s.smtps);
    options.threads = s.threads;
    options.max_connections = s.max_connections;
    options.trace = s.trace;
    // The submission port: the same server, but MAIL waits for AUTH (RFC 6409 §4.3).
    server::Policy submission_policy = policy;
    submission_policy.auth.required = true;
    if (!s.submission.empty()) options.submission = net::parse_host_port(s.submission);
    serve::Listener listener(options, policy, *store, tls ? &*tls : nullptr, &submission_policy);
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

}  // namespace

int ehlo::apps::run_server(int argc, char** argv, const ServerVariant& variant) {
    std::signal(SIGPIPE, SIG_IGN);  // a peer that went away is an error code, not a signal
    program_name = variant.program;
    CLI::App app{variant.description, variant.program};
    ServerSettings settings;
    define_server_options(app, settings, variant.program);
    try {
        app.parse(argc, argv);
        if (!settings.hash_password.empty()) return hash_password(settings);
        check_server_settings(settings);
    } catch (const CLI::ParseError& error) {
        return apps::parse_error_exit(error, app, program_name);
    } catch (const UsageError& error) {
        return apps::usage_error(program_name, error.what());
    }
    try {
        return run_listener(settings, variant);
    } catch (const UsageError& error) {
        return apps::usage_error(program_name, error.what());
    } catch (const std::exception& error) {
        std::cerr << program_name << ": " << error.what() << std::endl;
        return 1;
    }
}
