// The options of ehlo-server: their definitions and the rules between them.
#include "apps/server_options.hpp"

#include <string>

#include "apps/host_port_option.hpp"
#include "protocol/address.hpp"
#include "server/extensions.hpp"

namespace ehlo::apps {

namespace {

constexpr const char* footer = R"(Examples:
  ehlo-server --listen 127.0.0.1:2525 --domain example.test --maildir /tmp/mail
  ehlo-server --listen 127.0.0.1:0 --discard --trace
  ehlo-server --listen [::1]:2525 --domain example.test --maildir mail \
      --tls-cert cert.pem --tls-key key.pem --smtps [::1]:4650
  ehlo-server --hash-password alice >> users.txt

Prints "listening on HOST:PORT" per listener once it accepts; stops on SIGTERM or
SIGINT, saying 421 to the sessions still open.

Exit status:
  0  stopped cleanly (SIGTERM, SIGINT), or --hash-password printed its line
  1  could not run (the address is taken, a certificate does not load, ...)
  2  bad usage: the message says what is wrong and how to fix it)";

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
void define_tls_options(CLI::App& app, ServerSettings& s) {
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
void define_auth_options(CLI::App& app, ServerSettings& s) {
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

/// The limits: message size, recipients, messages per session, connections at once.
void define_limit_options(CLI::App& app, ServerSettings& s) {
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
    app.add_option("--max-connections", s.max_connections, "Sessions at once; more get 421")
        ->type_name("N")
        ->check(positive_check())
        ->capture_default_str();
}

/// The timeouts of RFC 5321 §4.5.3.2 and the minimum data rate.
void define_timeout_options(CLI::App& app, ServerSettings& s) {
    app.add_option("--timeout-command", s.timeout_command, "Seconds to wait for a command")
        ->type_name("SECONDS")
        ->check(positive_check())
        ->capture_default_str();
    app.add_option("--timeout-data", s.timeout_data, "Seconds to wait for more message data")
        ->type_name("SECONDS")
        ->check(positive_check())
        ->capture_default_str();
    app.add_option("--min-data-rate", s.min_data_rate,
                   "Octets per second a message's data must average after the first "
                   "--timeout-data seconds; slower clients get 421")
        ->type_name("N")
        ->check(positive_check())
        ->capture_default_str();
}

bool disabled(const ServerSettings& s, server::Extension extension) {
    for (const std::string& name : s.disabled) {
        if (server::extension_by_name(name) == extension) return true;
    }
    return false;
}

/// A certificate needs its key and the other way round; TLS options need a certificate.
void check_tls_settings(const ServerSettings& s) {
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

}  // namespace

void define_server_options(CLI::App& app, ServerSettings& s, const std::string& program) {
    app.set_version_flag("--version", [program] { return version_text(program); });
    app.footer(footer);
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
    app.add_option("--disable", s.disabled,
                   "Do not offer an extension: PIPELINING, SIZE, 8BITMIME, "
                   "ENHANCEDSTATUSCODES, SMTPUTF8, LIMITS, STARTTLS, AUTH, CHUNKING (and "
                   "with it BINARYMIME) or BINARYMIME (repeatable)")
        ->type_name("EXT")
        ->check(extension_check());
    define_limit_options(app, s);
    define_timeout_options(app, s);
    app.add_option("--alias", s.aliases, "A mailbox that moved, OLD=NEW (repeatable)")
        ->type_name("OLD=NEW");
    app.add_option("--threads", s.threads, "Worker threads (default: one per hardware thread)")
        ->type_name("N")
        ->check(positive_check());
    app.add_flag("--trace", s.trace, "Print the dialogue with the RFC section of each step");
    define_tls_options(app, s);
    define_auth_options(app, s);
}

void check_server_settings(const ServerSettings& s) {
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

}  // namespace ehlo::apps
