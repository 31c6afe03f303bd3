// Layer: apps. The options of ehlo-send: see send_options.hpp.
#include "apps/send_options.hpp"

#include <cctype>
#include <string>

#include "apps/command_line.hpp"
#include "client/mime.hpp"
#include "protocol/address.hpp"

namespace ehlo::apps {

namespace {

constexpr const char* examples_help = R"(Examples:
  ehlo-send -s mx.example.test -f alice@example.org -t bob@example.test message.eml
  ehlo-send -s 127.0.0.1:2525 -f alice@example.org -t bob@example.test \
      --subject 'Hello' --body 'Hello, Bob.' --attach report.pdf
  ehlo-send -s smtp.example.org:587 --starttls --auth alice \
      --password-file ~/.smtp-password -f alice@example.org -t bob@example.test - < msg.eml
  ehlo-send -s mx.example.test -f '' -t bob@example.test --quit-after rcpt --trace
)";

constexpr const char* exit_codes_help = R"(
Exit codes (sysexits.h style):
  0   every recipient was accepted (with --quit-after: none refused up to there)
  2   bad usage (as every Ehlo program)
  65  the message cannot be sent as it is (a line over 998 octets, a NUL)
  66  the message file or an --attach file cannot be read
  69  refused for good: a 5xx reply, or the server lacks what the message or the
      options need (SIZE, 8BITMIME, SMTPUTF8, STARTTLS), or TLS failed
  75  try again later: a 4xx reply, 421, a lost connection, a time-out
  76  the server broke the protocol (a malformed or out-of-place reply)
  77  authentication failed, or AUTH is not offered
When recipients differ, the code tells the worst: 75 if any was deferred, else 69.
Each recipient is printed on stdout as "accepted", "refused", "deferred" or, after
--quit-after, "not sent".)";

void define_message_options(CLI::App& app, SendOptions& o) {
    app.add_option("message", o.message_file, "an RFC 5322 message file, or - for stdin")
        ->type_name("MESSAGE-FILE");
    app.add_option("--subject", o.subject, "build the message: its Subject")->type_name("TEXT");
    app.add_option("--body", o.body, "build the message: its body text")->type_name("TEXT");
    app.add_option("--header", o.headers,
                   "a header field for the message, replacing one of the same name "
                   "(repeatable)")
        ->type_name("'NAME: VALUE'");
    app.add_option("--attach", o.attachments,
                   "attach a file: the message becomes MIME multipart/mixed (repeatable)")
        ->type_name("FILE");
}

void define_tls_options(CLI::App& app, SendOptions& o) {
    app.add_option("--starttls", o.starttls,
                   "STARTTLS; 'required' (the default: give up without it) or "
                   "'opportunistic' (plain text when not offered)")
        ->expected(0, 1)
        ->type_name("[required|opportunistic]")
        ->default_str("required");
    app.add_flag("--tls", o.tls, "implicit TLS from the first octet (RFC 8314)");
    app.add_option("--ca-file", o.ca_file, "trust anchors (PEM) instead of the system's")
        ->type_name("FILE");
    app.add_flag("--insecure", o.insecure, "encrypt but do not verify the certificate or name");
    app.add_option("--tls-sni", o.tls_sni,
                   "the server name to send (SNI) and verify (default: the host of --server)")
        ->type_name("NAME");
    app.add_option("--tls-cert", o.tls_cert, "a client certificate (PEM) to show when asked")
        ->type_name("FILE");
    app.add_option("--tls-key", o.tls_key, "the private key (PEM) of --tls-cert")
        ->type_name("FILE");
}

void define_auth_options(CLI::App& app, SendOptions& o) {
    app.add_option("--auth", o.auth_user, "authenticate as USER (RFC 4954)")->type_name("USER");
    app.add_option("--auth-mechanism", o.auth_mechanism,
                   "PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256, OAUTHBEARER or XOAUTH2 "
                   "(default: the strongest both sides know)")
        ->type_name("NAME");
    app.add_option("--password-file", o.password_file, "read the password from a file")
        ->type_name("FILE");
    app.add_option("--password-env", o.password_env, "read the password from a variable")
        ->type_name("VAR");
    app.add_option("--password", o.password, "the password (visible to others: avoid)")
        ->type_name("TEXT");
    app.add_option("--token-file", o.token_file, "an OAuth 2.0 bearer token from a file")
        ->type_name("FILE");
    app.add_option("--token-env", o.token_env, "an OAuth 2.0 bearer token from a variable")
        ->type_name("VAR");
}

void define_session_options(CLI::App& app, SendOptions& o) {
    app.add_option("--notify", o.dsn.notify, "DSN: NEVER or SUCCESS,FAILURE,DELAY (RFC 3461)")
        ->type_name("WHEN");
    app.add_option("--ret", o.dsn.ret, "DSN: FULL or HDRS")
        ->type_name("FULL|HDRS")
        ->check(CLI::IsMember({"FULL", "HDRS"}));
    app.add_option("--envid", o.dsn.envid, "DSN: the envelope identifier")->type_name("TEXT");
    app.add_flag("--orcpt", o.dsn.orcpt, "DSN: send ORCPT with each recipient");
    app.add_flag("--no-pipelining", o.no_pipelining, "never pipeline (RFC 2920)");
    app.add_flag("--no-chunking", o.no_chunking, "never use BDAT (RFC 3030)");
    app.add_option("--chunk-size", o.chunk_size, "octets per BDAT chunk")
        ->type_name("N")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
    app.add_option("--timeout", o.timeout, "seconds to wait for any step (default: RFC 5321)")
        ->type_name("SECONDS")
        ->check(CLI::Range(1, 3600));
    app.add_option("--quit-after", o.quit_after,
                   "say QUIT after this step: connect (= greeting), ehlo, tls, auth, mail, rcpt")
        ->type_name("STEP")
        ->check(CLI::IsMember({"connect", "greeting", "ehlo", "tls", "auth", "mail", "rcpt"},
                              CLI::ignore_case));
    app.add_flag("--trace", o.trace, "print the dialogue with RFC sections on stderr");
}

void check_address(const std::string& mailbox, const std::string& option) {
    protocol::AddressSyntax utf8{true};
    if (option == "--from" && mailbox.empty()) return;
    if (!protocol::parse_forward_path("<" + mailbox + ">", utf8).value)
        throw UsageError(option + " '" + mailbox +
                         "' is not a mailbox; write e.g. user@example.test");
}

/// The TLS options need TLS, and a client certificate its key.
void check_tls_options(const SendOptions& o) {
    if (o.tls && o.starttls) throw UsageError("--tls and --starttls exclude each other");
    if (o.starttls && *o.starttls != "required" && *o.starttls != "opportunistic")
        throw UsageError("--starttls takes 'required' or 'opportunistic'");
    if (o.tls_cert.empty() != o.tls_key.empty())
        throw UsageError("--tls-cert and --tls-key go together: give both, or neither");
    bool tls = o.tls || o.starttls;
    if (!tls && (!o.tls_cert.empty() || !o.tls_sni.empty()))
        throw UsageError("--tls-cert and --tls-sni need TLS: add --starttls or --tls");
    if (!o.tls_sni.empty() && !protocol::is_domain(o.tls_sni))
        throw UsageError("--tls-sni '" + o.tls_sni + "' is not a host name; write e.g. " +
                         "mx.example.test");
}

/// What --quit-after names must happen in the session at all.
void check_quit_after(const SendOptions& o) {
    client::QuitAfter step = quit_after_step(o.quit_after);
    if (step == client::QuitAfter::tls && !o.tls && !o.starttls)
        throw UsageError("--quit-after tls needs TLS: add --starttls or --tls");
    if (step == client::QuitAfter::auth && o.auth_user.empty())
        throw UsageError("--quit-after auth needs --auth USER");
}

}  // namespace

void define_send_options(CLI::App& app, SendOptions& o, const std::string& program) {
    app.set_version_flag("--version", [program] { return version_text(program); });
    std::string examples = examples_help;
    for (std::size_t at = examples.find("ehlo-send"); at != std::string::npos;
         at = examples.find("ehlo-send", at + program.size()))
        examples.replace(at, 9, program);
    app.footer(examples + exit_codes_help);
    app.add_option("-s,--server", o.server,
                   "the server, HOST[:PORT] (port 25 when none; [::1]:PORT for IPv6)")
        ->type_name("HOST[:PORT]")
        ->required();
    app.add_option("-f,--from", o.from, "the reverse path; '' for the null path <>")
        ->type_name("ADDRESS")
        ->required();
    app.add_option("-t,--to", o.to, "a recipient; repeat for more")
        ->type_name("ADDRESS")
        ->required()
        ->allow_extra_args(false);  // one address per --to, so the message file stays apart
    app.add_option("--helo", o.helo,
                   "the name sent with EHLO/HELO (default: this host's name when it is fully "
                   "qualified, else the address literal of the connection)")
        ->type_name("NAME");
    define_message_options(app, o);
    define_tls_options(app, o);
    define_auth_options(app, o);
    define_session_options(app, o);
    for (CLI::Option* option : app.get_options())  // --header and --attach too: one each time
        if (!option->get_positional()) option->allow_extra_args(false);
}

void check_send_options(const SendOptions& o) {
    server_address(o.server);  // throws net::AddressError
    check_address(o.from, "--from");
    for (const std::string& recipient : o.to)
        check_address(recipient, "--to");
    check_tls_options(o);
    if (!o.message_file.empty() && (!o.subject.empty() || !o.body.empty()))
        throw UsageError("give a message file or --subject/--body, not both");
    if (!o.helo.empty() && !protocol::is_domain_or_address_literal(o.helo))
        throw UsageError("--helo '" + o.helo + "' is not a domain or address literal");
    for (const std::string& field : o.headers)
        if (std::string problem = client::header_field_problem(field); !problem.empty())
            throw UsageError("--header: " + problem);
    check_quit_after(o);
}

net::HostPort server_address(const std::string& text) {
    bool bracketed = !text.empty() && text.front() == '[' && text.back() == ']';
    bool has_port = !bracketed && text.find(':') != std::string::npos;
    if (has_port || text.empty()) return net::parse_host_port(text);
    return net::parse_host_port(text + ":" + std::to_string(default_smtp_port));
}

client::QuitAfter quit_after_step(const std::string& name) {
    using client::QuitAfter;
    std::string step;
    for (char c : name)
        step += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (step == "connect" || step == "greeting") return QuitAfter::greeting;
    if (step == "ehlo") return QuitAfter::ehlo;
    if (step == "tls") return QuitAfter::tls;
    if (step == "auth") return QuitAfter::auth;
    if (step == "mail") return QuitAfter::mail;
    if (step == "rcpt") return QuitAfter::rcpt;
    return QuitAfter::none;
}

}  // namespace ehlo::apps
