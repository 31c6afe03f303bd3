// STARTTLS (RFC 3207) in the pure core: the verb's replies (RFC 3207 §4), what happens after the
// handshake (RFC 3207 §4.2: the session starts afresh, STARTTLS is neither announced nor accepted
// again), the plaintext sent behind STARTTLS that must never become a command
// (CVE-2011-0411), --require-tls (530, RFC 3207 §4), implicit TLS (RFC 8314 §3) and the protocol
// names of Received: over TLS (ESMTPS, UTF8SMTPS). The handshake itself is the driver's:
// here Harness::tls_handshake_done() stands for it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "protocol/command.hpp"
#include "protocol/reply.hpp"
#include "server/extensions.hpp"
#include "server_harness.hpp"

using ehlo::protocol::ReplyId;
using ehlo::server::Extension;
using ehlo::server::Policy;
using ehlo::server::State;
using ehlo::test::codes;
using ehlo::test::Harness;
using Codes = std::vector<int>;

namespace {

/// The policy of a server with a certificate: STARTTLS is offered.
Policy with_tls() {
    Policy policy = Harness::default_policy();
    policy.extensions.insert(Extension::starttls);
    return policy;
}

Policy requiring_tls() {
    Policy policy = with_tls();
    policy.require_tls = true;
    return policy;
}

/// A session after the greeting and EHLO.
Harness greeted(Policy policy = with_tls()) {
    Harness server(std::move(policy));
    server.start();
    server.send("EHLO client.test\r\n");
    return server;
}

/// A session that has done STARTTLS and its handshake, not yet greeted again.
Harness after_tls(Policy policy = with_tls()) {
    Harness server = greeted(std::move(policy));
    REQUIRE(codes(server.send("STARTTLS\r\n")) == Codes{220});
    REQUIRE(server.tls_requested());
    server.tls_handshake_done();
    return server;
}

bool announces_starttls(Harness& server) {
    std::string reply = server.send("EHLO client.test\r\n");
    REQUIRE(reply.starts_with("250"));
    return reply.find("250-STARTTLS\r\n") != std::string::npos ||
           reply.find("250 STARTTLS\r\n") != std::string::npos;
}

const std::string transaction =
    "MAIL FROM:<alice@client.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
    "Subject: hi\r\n\r\nHello\r\n.\r\n";

}  // namespace

// ---- The verb -----------------------------------------------------------------------------

TEST_CASE("STARTTLS parses as a verb without parameters (RFC 3207 §4)", "[starttls]") {
    using ehlo::protocol::parse_command;
    using ehlo::protocol::SyntaxError;
    using ehlo::protocol::Verb;
    for (std::string_view line : {"STARTTLS", "starttls", "StartTls", "STARTTLS  "}) {
        INFO(line);
        auto parsed = parse_command(line);
        CHECK(parsed.verb == Verb::starttls);
        CHECK(parsed.ok());
    }
    for (std::string_view line : {"STARTTLS now", "STARTTLS x y"}) {
        INFO(line);
        auto parsed = parse_command(line);
        CHECK(parsed.verb == Verb::starttls);
        CHECK(parsed.error == SyntaxError::bad_arguments);
    }
    CHECK(parse_command("STARTTLSX").verb == Verb::unknown);
    CHECK(ehlo::protocol::verb_name(Verb::starttls) == "STARTTLS");
}

TEST_CASE("EHLO announces STARTTLS only with a certificate, and never over TLS",
          "[starttls][rfc3207-4.2]") {
    Harness plain;  // the default policy: no certificate
    plain.start();
    CHECK_FALSE(announces_starttls(plain));

    Harness offered(with_tls());
    offered.start();
    CHECK(announces_starttls(offered));

    Harness upgraded = after_tls();
    CHECK_FALSE(announces_starttls(upgraded));

    Harness implicit(with_tls());
    implicit.start_over_tls();
    CHECK_FALSE(announces_starttls(implicit));

    Policy disabled = with_tls();
    disabled.extensions.erase(Extension::starttls);  // --disable STARTTLS
    Harness off(disabled);
    off.start();
    CHECK_FALSE(announces_starttls(off));
}

TEST_CASE("STARTTLS after EHLO: 220 2.0.0, then the handshake", "[starttls][rfc3207-4]") {
    Harness server = greeted();
    CHECK(server.send("STARTTLS\r\n") == "220 2.0.0 Ready to start TLS\r\n");
    CHECK(server.tls_requested());
    CHECK(server.connection().starting_tls());
    CHECK(server.connection().state() == State::starting_tls);
    CHECK_FALSE(server.connection().session().tls);  // not before the handshake is done
    CHECK_FALSE(server.closed());
}

TEST_CASE("EHLO and STARTTLS pipelined in one read are both answered", "[starttls]") {
    Harness server(with_tls());
    server.start();
    CHECK(codes(server.send("EHLO client.test\r\nSTARTTLS\r\n")) == Codes{250, 220});
    CHECK(server.tls_requested());
}

TEST_CASE("STARTTLS with parameters: 501 5.5.4", "[starttls][rfc3207-4]") {
    Harness server = greeted();
    CHECK(server.send("STARTTLS please\r\n") ==
          "501 5.5.4 Syntax error: STARTTLS takes no parameters\r\n");
    CHECK_FALSE(server.tls_requested());
    CHECK(codes(server.send("STARTTLS\r\n")) == Codes{220});
}

TEST_CASE("STARTTLS before any greeting or after HELO: 503", "[starttls][rfc5321-4.1.1.1]") {
    Harness fresh(with_tls());
    fresh.start();
    CHECK(codes(fresh.send("STARTTLS\r\n")) == Codes{503});
    CHECK_FALSE(fresh.tls_requested());

    Harness helo(with_tls());
    helo.start();
    helo.send("HELO client.test\r\n");
    CHECK(helo.send("STARTTLS\r\n") ==
          "503 5.5.1 Bad sequence of commands: send EHLO before STARTTLS\r\n");
    CHECK_FALSE(helo.tls_requested());
    CHECK(codes(helo.send("EHLO client.test\r\nSTARTTLS\r\n")) == Codes{250, 220});
}

TEST_CASE("STARTTLS inside a mail transaction: 503, and the transaction goes on",
          "[starttls][rfc3207-4.2]") {
    Harness server = greeted();
    server.send("MAIL FROM:<alice@client.test>\r\n");
    CHECK(codes(server.send("STARTTLS\r\n")) == Codes{503});
    server.send("RCPT TO:<bob@example.test>\r\n");
    std::string reply = server.send("STARTTLS\r\n");
    CHECK(reply.starts_with("503 5.5.1 Bad sequence of commands: end the mail transaction"));
    CHECK_FALSE(server.tls_requested());
    CHECK(codes(server.send("DATA\r\nHello\r\n.\r\n")) == Codes{354, 250});
    CHECK(server.stored().size() == 1);
    // After RSET the transaction is gone, and STARTTLS goes through.
    server.send("MAIL FROM:<alice@client.test>\r\n");
    CHECK(codes(server.send("RSET\r\nSTARTTLS\r\n")) == Codes{250, 220});
}

TEST_CASE("STARTTLS not offered: 454 4.7.0", "[starttls][rfc3207-4]") {
    Harness no_certificate = greeted(Harness::default_policy());
    CHECK(no_certificate.send("STARTTLS\r\n") == "454 4.7.0 TLS not available\r\n");
    CHECK_FALSE(no_certificate.tls_requested());
    CHECK(codes(no_certificate.send("MAIL FROM:<a@client.test>\r\n")) == Codes{250});

    Policy disabled = with_tls();
    disabled.extensions.erase(Extension::starttls);
    Harness off = greeted(disabled);
    CHECK(codes(off.send("STARTTLS\r\n")) == Codes{454});
    CHECK_FALSE(off.tls_requested());
}

// ---- After the handshake ------------------------------------------------------------------

TEST_CASE("after the handshake the session starts afresh", "[starttls][rfc3207-4.2]") {
    Harness server = after_tls();
    const auto& session = server.connection().session();
    CHECK(session.tls);
    CHECK(server.connection().state() == State::connected);
    CHECK(session.client_domain.empty());
    CHECK_FALSE(session.extended);
    CHECK_FALSE(server.tls_requested());
    // The EHLO of before counts for nothing: MAIL needs a new one.
    CHECK(codes(server.send("MAIL FROM:<alice@client.test>\r\n")) == Codes{503});
    CHECK(codes(server.send("EHLO other.client.test\r\n")) == Codes{250});
    CHECK(session.client_domain == "other.client.test");
    CHECK(codes(server.send(transaction)) == Codes{250, 250, 354, 250});
}

TEST_CASE("a second STARTTLS is refused: 503 5.5.1", "[starttls][rfc3207-4.2]") {
    Harness server = after_tls();
    server.send("EHLO client.test\r\n");
    CHECK(server.send("STARTTLS\r\n") ==
          "503 5.5.1 Bad sequence of commands: TLS is already active\r\n");
    CHECK_FALSE(server.tls_requested());
    CHECK(server.connection().state() == State::greeted);

    Harness implicit(with_tls());
    implicit.start_over_tls();
    implicit.send("EHLO client.test\r\n");
    CHECK(codes(implicit.send("STARTTLS\r\n")) == Codes{503});
    CHECK_FALSE(implicit.tls_requested());
}

TEST_CASE("the counters of the connection survive the reset", "[starttls][rfc9422-4.1]") {
    Policy policy = with_tls();
    policy.limits.max_transactions = 1;
    Harness server = greeted(policy);
    CHECK(codes(server.send("MAIL FROM:<a@client.test>\r\nRSET\r\nSTARTTLS\r\n")) ==
          Codes{250, 250, 220});
    server.tls_handshake_done();
    CHECK(codes(server.send("EHLO client.test\r\nMAIL FROM:<a@client.test>\r\n")) ==
          Codes{250, 451});
}

// ---- Plaintext behind STARTTLS (CVE-2011-0411) --------------------------------------------

TEST_CASE("commands sent behind STARTTLS in the same read are never answered",
          "[starttls][rfc3207-4.2]") {
    Harness server = greeted();
    std::string replies = server.send("STARTTLS\r\nMAIL FROM:<evil@x>\r\n");
    CHECK(replies == "220 2.0.0 Ready to start TLS\r\n");
    CHECK(server.tls_requested());
    server.tls_handshake_done();
    // No MAIL was taken: after EHLO, RCPT still needs one.
    CHECK(codes(server.send("EHLO client.test\r\n")) == Codes{250});
    CHECK(codes(server.send("RCPT TO:<bob@example.test>\r\n")) == Codes{503});
    CHECK(server.connection().session().envelope.reverse_path.is_null());
}

TEST_CASE("bytes that arrive before the handshake is done are dropped", "[starttls]") {
    Harness server = greeted();
    CHECK(codes(server.send("STARTTLS\r\n")) == Codes{220});
    CHECK(server.send("EHLO evil.test\r\nMAIL FROM:<evil@x>\r\nRCPT TO:<bob@example.test>\r\n")
              .empty());
    CHECK(server.send("DATA\r\n").empty());
    server.tls_handshake_done();
    CHECK(server.connection().session().client_domain.empty());
    CHECK(codes(server.send("MAIL FROM:<alice@client.test>\r\n")) == Codes{503});
}

TEST_CASE("half a line before STARTTLS's handshake does not survive it", "[starttls]") {
    Harness server = greeted();
    CHECK(codes(server.send("STARTTLS\r\nMAIL FR")) == Codes{220});
    server.tls_handshake_done();
    // "OM:<a@b>" alone is no command: it is not joined to "MAIL FR".
    CHECK(codes(server.send("OM:<evil@x>\r\n")) == Codes{500});
    CHECK(codes(server.send("EHLO client.test\r\nRCPT TO:<bob@example.test>\r\n")) ==
          Codes{250, 503});
}

TEST_CASE("the trace shows STARTTLS and the dropped plaintext", "[starttls][trace]") {
    Policy policy = with_tls();
    ehlo::server::Connection connection(policy, {}, true);
    auto now = ehlo::server::Clock::now();
    connection.start(now);
    std::string_view input = "EHLO client.test\r\nSTARTTLS\r\nMAIL FROM:<evil@x>\r\n";
    ehlo::server::Output out = connection.receive(input, now);
    CHECK(input.empty());
    REQUIRE(out.trace.size() >= 3);
    std::vector<ehlo::server::TraceLine> last(out.trace.end() - 3, out.trace.end());
    CHECK(last[0].text == "STARTTLS");
    CHECK(last[0].section == "RFC 3207 §4");
    CHECK(last[1].text == "220 2.0.0 Ready to start TLS");
    CHECK(last[2].text == "<20 octets sent before the TLS handshake: dropped unread>");
    CHECK(last[2].section == "RFC 3207 §4.2");
    CHECK(out.replies.ends_with("220 2.0.0 Ready to start TLS\r\n"));
    REQUIRE(out.actions.size() == 1);
    CHECK(out.actions[0].kind == ehlo::server::Action::Kind::start_tls);
}

// ---- --require-tls ------------------------------------------------------------------------

TEST_CASE("--require-tls: 530 5.7.0 to every mail command before TLS", "[starttls][rfc3207-4]") {
    for (std::string_view line : {"MAIL FROM:<alice@client.test>", "RCPT TO:<bob@example.test>",
                                  "DATA", "VRFY bob", "EXPN list", "HELP"}) {
        INFO(line);
        Harness server = greeted(requiring_tls());
        CHECK(server.send(std::string(line) + "\r\n") ==
              "530 5.7.0 Must issue a STARTTLS command first\r\n");
    }
    // Before EHLO too, and then without an enhanced code (RFC 2034 §3).
    Harness fresh(requiring_tls());
    fresh.start();
    CHECK(fresh.send("MAIL FROM:<alice@client.test>\r\n") ==
          "530 5.7.0 Must issue a STARTTLS command first\r\n");
}

TEST_CASE("--require-tls: EHLO, HELO, NOOP, RSET, QUIT and STARTTLS are answered",
          "[starttls][rfc3207-4]") {
    Harness server(requiring_tls());
    server.start();
    CHECK(codes(server.send("HELO client.test\r\nEHLO client.test\r\nNOOP\r\nRSET\r\n")) ==
          Codes{250, 250, 250, 250});
    CHECK(codes(server.send("STARTTLS\r\n")) == Codes{220});
    Harness quitting(requiring_tls());
    quitting.start();
    CHECK(codes(quitting.send("QUIT\r\n")) == Codes{221});
    // Unknown verbs stay 500: 530 is for commands the server knows.
    Harness unknown(requiring_tls());
    unknown.start();
    CHECK(codes(unknown.send("FROB\r\n")) == Codes{500});
}

TEST_CASE("--require-tls: after STARTTLS, or on implicit TLS, mail flows", "[starttls]") {
    Harness upgraded = after_tls(requiring_tls());
    CHECK(codes(upgraded.send("EHLO client.test\r\n" + transaction)) ==
          Codes{250, 250, 250, 354, 250});
    CHECK(upgraded.stored().size() == 1);

    Harness implicit(requiring_tls());
    implicit.start_over_tls();
    CHECK(codes(implicit.send("EHLO client.test\r\n" + transaction)) ==
          Codes{250, 250, 250, 354, 250});
}

// ---- Received: over TLS -------------------------------------------------------------------

TEST_CASE("Received: says ESMTPS over TLS, UTF8SMTPS with SMTPUTF8", "[starttls][trace]") {
    Harness upgraded = after_tls();
    upgraded.send("EHLO client.test\r\n" + transaction);
    REQUIRE(upgraded.stored().size() == 1);
    CHECK(upgraded.stored()[0].text.find(" with ESMTPS id ") != std::string::npos);

    Harness utf8 = after_tls();
    utf8.send(
        "EHLO client.test\r\nMAIL FROM:<alice@client.test> SMTPUTF8\r\n"
        "RCPT TO:<bob@example.test>\r\nDATA\r\nHello\r\n.\r\n");
    REQUIRE(utf8.stored().size() == 1);
    CHECK(utf8.stored()[0].text.find(" with UTF8SMTPS id ") != std::string::npos);

    Harness helo = after_tls();
    helo.send("HELO client.test\r\n" + transaction);
    REQUIRE(helo.stored().size() == 1);
    CHECK(helo.stored()[0].text.find(" with SMTP id ") != std::string::npos);

    Harness plain = greeted();
    plain.send(transaction);
    REQUIRE(plain.stored().size() == 1);
    CHECK(plain.stored()[0].text.find(" with ESMTP id ") != std::string::npos);
}

// ---- The reply table ----------------------------------------------------------------------

TEST_CASE("the replies of STARTTLS stand in the reply table with RFC 3207", "[starttls][replies]") {
    struct Row {
        ReplyId id;
        int code;
        std::string_view enhanced, section;
    };
    const Row rows[] = {
        {ReplyId::tls_ready, 220, "2.0.0", "RFC 3207 §4"},
        {ReplyId::tls_not_available, 454, "4.7.0", "RFC 3207 §4"},
        {ReplyId::starttls_syntax, 501, "5.5.4", "RFC 3207 §4"},
        {ReplyId::tls_already_active, 503, "5.5.1", "RFC 3207 §4.2"},
        {ReplyId::starttls_in_mail, 503, "5.5.1", "RFC 3207 §4.2"},
        {ReplyId::starttls_needs_ehlo, 503, "5.5.1", "RFC 5321 §4.1.1.1"},
        {ReplyId::need_starttls, 530, "5.7.0", "RFC 3207 §4"},
    };
    for (const Row& row : rows) {
        auto reply = ehlo::protocol::make_reply(row.id);
        INFO(reply.lines.front());
        CHECK(reply.code == row.code);
        CHECK(reply.enhanced == row.enhanced);
        CHECK(reply.section == row.section);
    }
}
