// The AUTH dialogue over the wire (RFC 4954), through server::Connection: the EHLO keyword
// before and after TLS (RFC 4954 §3, RFC 4954 §4), each reply of the reply table for AUTH (334,
// 235, 501, 503, 504, 535, 538, 500 5.5.6, 502), continuation lines longer than a command line,
// pipelined input after AUTH, the AUTH= parameter of MAIL (RFC 4954 §5), Received: with ESMTPA
// (RFC 4954 §7, RFC 3848), the submission rule (RFC 6409 §4.3), and --trace never showing a
// credential.
#include <catch2/catch.hpp>

#include <string>

#include "protocol/citation.hpp"
#include "sasl/crypto.hpp"
#include "server/extensions.hpp"
#include "server/verbs.hpp"
#include "server_auth_support.hpp"
#include "server_harness.hpp"

using ehlo::protocol::citation_text;
using ehlo::server::Extension;
using ehlo::server::Policy;
using ehlo::test::codes;
using ehlo::test::Harness;
using Codes = std::vector<int>;

namespace {

using namespace std::string_literals;

Policy auth_policy(bool allow_plaintext = false, bool required = false) {
    Policy policy = Harness::default_policy();
    policy.auth = ehlo::test::auth_settings();
    policy.auth.allow_plaintext = allow_plaintext;
    policy.auth.required = required;
    return policy;
}

/// A session after EHLO, over TLS when `tls` (as on an implicit TLS port).
Harness greeted(Policy policy, bool tls = false) {
    Harness server(std::move(policy));
    if (tls) {
        server.start_over_tls();
    } else {
        server.start();
    }
    server.send("EHLO client.test\r\n");
    return server;
}

std::string b64(std::string_view text) {
    return ehlo::sasl::base64_encode(text);
}

const std::string alice_plain = b64("\0alice\0wonderland"s);

/// The last line of an EHLO reply that starts with "250-AUTH" or "250 AUTH", without code.
std::string auth_keyword(std::string_view reply) {
    auto at = reply.find("AUTH");
    if (at == std::string_view::npos) return {};
    return std::string(reply.substr(at, reply.find("\r\n", at) - at));
}

}  // namespace

TEST_CASE("EHLO offers AUTH without the clear-text mechanisms before TLS", "[auth-session]") {
    Harness clear(auth_policy());
    clear.start();
    CHECK(auth_keyword(clear.send("EHLO client.test\r\n")) == "AUTH SCRAM-SHA-256 CRAM-MD5");
    Harness tls(auth_policy());
    tls.start_over_tls();
    CHECK(auth_keyword(tls.send("EHLO client.test\r\n")) ==
          "AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN OAUTHBEARER");
    Harness lax(auth_policy(true));
    lax.start();
    CHECK(auth_keyword(lax.send("EHLO client.test\r\n")) ==
          "AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN OAUTHBEARER");
}

TEST_CASE("no stores, or --disable AUTH: no keyword, and AUTH is not implemented",
          "[auth-session]") {
    Harness none = greeted(Harness::default_policy(), true);
    CHECK(auth_keyword(none.send("EHLO client.test\r\n")).empty());
    CHECK(none.send("AUTH PLAIN " + alice_plain + "\r\n") ==
          "502 5.5.1 Command not implemented\r\n");
    Policy off = auth_policy();
    off.extensions.erase(Extension::auth);
    Harness disabled = greeted(off, true);
    CHECK(auth_keyword(disabled.send("EHLO client.test\r\n")).empty());
    CHECK(codes(disabled.send("AUTH PLAIN " + alice_plain + "\r\n")) == Codes{502});
    CHECK(codes(disabled.send("MAIL FROM:<a@client.test> AUTH=<>\r\n")) == Codes{555});
}

TEST_CASE("AUTH PLAIN with an initial response: 235, then mail with ESMTPSA", "[auth-session]") {
    Harness server = greeted(auth_policy(), true);
    CHECK(server.send("AUTH PLAIN " + alice_plain + "\r\n") ==
          "235 2.7.0 Authentication successful\r\n");
    CHECK(server.connection().session().auth.identity == "alice");
    CHECK(codes(server.send("MAIL FROM:<alice@client.test>\r\nRCPT TO:<bob@example.test>\r\n"
                            "DATA\r\nhi\r\n.\r\n")) == Codes{250, 250, 354, 250});
    REQUIRE(server.stored().size() == 1);
    CHECK(server.stored()[0].text.find("with ESMTPSA") != std::string::npos);
}

TEST_CASE("an empty challenge is `334 ` with its space (RFC 4954 §4)", "[auth-session]") {
    Harness server = greeted(auth_policy(), true);
    CHECK(server.send("AUTH PLAIN\r\n") == "334 \r\n");
    CHECK(server.send(alice_plain + "\r\n") == "235 2.7.0 Authentication successful\r\n");
}

TEST_CASE("AUTH LOGIN and CRAM-MD5 over the wire", "[auth-session]") {
    Harness login = greeted(auth_policy(), true);
    CHECK(login.send("AUTH LOGIN\r\n") == "334 VXNlcm5hbWU6\r\n");
    CHECK(login.send(b64("bob") + "\r\n") == "334 UGFzc3dvcmQ6\r\n");
    CHECK(login.send(b64("builder") + "\r\n") == "235 2.7.0 Authentication successful\r\n");

    Harness cram = greeted(auth_policy());
    const std::string reply = cram.send("AUTH CRAM-MD5\r\n");
    REQUIRE(reply.starts_with("334 "));
    const std::string sent = *ehlo::sasl::base64_decode(reply.substr(4, reply.size() - 6));
    CHECK(sent == "<fixedrandom.1795313370@mx.example.test>");
    const std::string digest = ehlo::sasl::to_hex(ehlo::sasl::hmac_md5("wonderland", sent));
    CHECK(codes(cram.send(b64("alice " + digest) + "\r\n")) == Codes{235});
    // Without TLS, the Received: line says ESMTPA.
    cram.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nx\r\n.\r\n");
    REQUIRE(cram.stored().size() == 1);
    CHECK(cram.stored()[0].text.find("with ESMTPA ") != std::string::npos);
}

TEST_CASE("SCRAM-SHA-256 over the wire, its last 334 answered by an empty line", "[auth-session]") {
    Harness server = greeted(auth_policy());
    const std::string client_first = "n,,n=alice,r=e2enonce";
    const std::string reply = server.send("AUTH SCRAM-SHA-256 " + b64(client_first) + "\r\n");
    REQUIRE(reply.starts_with("334 "));
    const std::string server_first = *ehlo::sasl::base64_decode(reply.substr(4, reply.size() - 6));
    const auto [final_message, signature] =
        ehlo::test::scram_client_final(client_first, server_first, "wonderland");
    CHECK(server.send(b64(final_message) + "\r\n") == "334 " + b64("v=" + b64(signature)) + "\r\n");
    CHECK(codes(server.send("\r\n")) == Codes{235});
}

TEST_CASE("the refusals before an exchange", "[auth-session]") {
    Harness before(auth_policy());
    before.start_over_tls();
    CHECK(before.send("AUTH PLAIN " + alice_plain + "\r\n") ==
          "503 5.5.1 Bad sequence of commands: send EHLO or HELO first\r\n");
    Harness helo(auth_policy());
    helo.start_over_tls();
    helo.send("HELO client.test\r\n");
    CHECK(codes(helo.send("AUTH PLAIN " + alice_plain + "\r\n")) == Codes{503});

    Harness server = greeted(auth_policy());
    CHECK(server.send("AUTH PLAIN " + alice_plain + "\r\n").starts_with("538 5.7.11 "));
    CHECK(server.send("AUTH DIGEST-MD5\r\n").starts_with("504 5.5.4 "));
    CHECK(server.send("AUTH\r\n").starts_with("501 5.5.4 "));
    CHECK(server.send("AUTH PLAIN a b\r\n").starts_with("501 5.5.4 "));
    CHECK(server.send("AUTH CRAM-MD5 " + b64("x") + "\r\n").starts_with("501 5.7.0 "));
    server.send("MAIL FROM:<a@client.test>\r\n");
    CHECK(server.send("AUTH CRAM-MD5\r\n").starts_with("503 5.5.1 "));  // in a transaction
}

TEST_CASE("a second AUTH after success is 503 (RFC 4954 §4)", "[auth-session]") {
    Harness server = greeted(auth_policy(), true);
    server.send("AUTH PLAIN " + alice_plain + "\r\n");
    CHECK(server.send("AUTH PLAIN " + alice_plain + "\r\n").starts_with("503 5.5.1 "));
}

TEST_CASE("failures: wrong password 535, `*` 501, bad base64 501, then AUTH again",
          "[auth-session]") {
    Harness server = greeted(auth_policy(), true);
    CHECK(server.send("AUTH PLAIN " + b64("\0alice\0nope"s) + "\r\n") ==
          "535 5.7.8 Authentication credentials invalid\r\n");
    CHECK(server.send("AUTH LOGIN\r\n*\r\n") ==
          "334 VXNlcm5hbWU6\r\n501 5.0.0 Authentication cancelled\r\n");
    CHECK(server.send("AUTH PLAIN\r\n!!!!\r\n") ==
          "334 \r\n501 5.5.2 Cannot decode base64 response\r\n");
    CHECK(server.send("AUTH PLAIN =\r\n").starts_with("501 5.5.2 "));
    CHECK(codes(server.send("AUTH PLAIN " + alice_plain + "\r\n")) == Codes{235});
}

TEST_CASE("a response may be longer than a command line, up to 12288 octets", "[auth-session]") {
    Harness server = greeted(auth_policy(), true);
    server.send("AUTH PLAIN\r\n");
    // A well-formed but long message: PLAIN refuses it as malformed, not as too long.
    const std::string long_line = b64(std::string(9000, 'x'));
    REQUIRE(long_line.size() > 512);
    CHECK(codes(server.send(long_line + "\r\n")) == Codes{501});
    server.send("AUTH PLAIN\r\n");
    CHECK(server.send(std::string(12289, 'A') + "\r\n") ==
          "500 5.5.6 Authentication exchange line is too long\r\n");
    CHECK(codes(server.send("NOOP\r\n")) == Codes{250});  // the session goes on
    CHECK(server.connection().state() == ehlo::server::State::greeted);
}

TEST_CASE("a megabyte response, in pieces, is discarded and answered once", "[auth-session]") {
    Harness server = greeted(auth_policy(), true);
    server.send("AUTH LOGIN\r\n");
    std::string replies;
    for (int i = 0; i < 64; ++i)
        replies += server.send(std::string(16384, 'A'));
    replies += server.send("\r\nNOOP\r\n");
    CHECK(codes(replies) == Codes{500, 250});
}

TEST_CASE("a faulty line during an exchange ends it", "[auth-session]") {
    Harness server = greeted(auth_policy(), true);
    server.send("AUTH PLAIN\r\n");
    // The bare LF is a fault inside the line, reported at its CRLF (RFC 5321 §2.3.8).
    CHECK(server.send("AAAA\nAAAA\r\n") == "500 5.5.2 Bare LF: command lines end with CRLF\r\n");
    CHECK(codes(server.send("NOOP\r\n")) == Codes{250});
}

TEST_CASE("pipelined input after AUTH: the response, then commands", "[auth-session]") {
    Harness server = greeted(auth_policy(), true);
    CHECK(codes(server.send("AUTH PLAIN\r\n" + alice_plain +
                            "\r\nMAIL FROM:<a@client.test>\r\nNOOP\r\n")) ==
          Codes{334, 235, 250, 250});
}

TEST_CASE("MAIL's AUTH= parameter is checked and dropped (RFC 4954 §5)", "[auth-session]") {
    Harness server = greeted(auth_policy());
    CHECK(codes(server.send("MAIL FROM:<a@client.test> AUTH=<>\r\n")) == Codes{250});
    server.send("RSET\r\n");
    CHECK(codes(server.send("MAIL FROM:<e=mc2@client.test> AUTH=e+3Dmc2@client.test\r\n")) ==
          Codes{250});
    server.send("RSET\r\n");
    CHECK(codes(server.send("MAIL FROM:<a@client.test> AUTH=nobody\r\n")) == Codes{501});
    CHECK(codes(server.send("MAIL FROM:<a@client.test> AUTH=+zz\r\n")) == Codes{501});
    Harness without(Harness::default_policy());
    without.start();
    without.send("EHLO client.test\r\n");
    CHECK(codes(without.send("MAIL FROM:<a@client.test> AUTH=<>\r\n")) == Codes{555});
}

TEST_CASE("with AUTH offered, MAIL may be 500 octets longer, for AUTH= (RFC 4954 §3)",
          "[auth-session]") {
    Harness server = greeted(auth_policy());
    const std::string local(60, 'l'), domain = std::string(60, 'd') + ".test";
    const std::string mail =
        "MAIL FROM:<" + local + "@" + domain + "> AUTH=" + local + "@" + domain;
    const std::string padded = mail + std::string(520 - mail.size(), ' ');
    CHECK(codes(server.send(padded + "\r\n")) == Codes{250});  // 522 octets with CRLF
    CHECK(codes(server.send("NOOP " + std::string(520, 'x') + "\r\n")) == Codes{500});
    CHECK(codes(server.send("RSET\r\nMAIL FROM:<a@b.test> " + std::string(1100, 'x') + "\r\n")) ==
          Codes{250, 500});
    Harness plain(Harness::default_policy());  // without AUTH: 512 for every command
    plain.start();
    plain.send("EHLO client.test\r\n");
    CHECK(codes(plain.send(padded + "\r\n")) == Codes{500});
}

TEST_CASE("a submission listener answers MAIL before AUTH with 530 (RFC 6409 §4.3)",
          "[auth-session]") {
    Harness server = greeted(auth_policy(false, true), true);
    CHECK(server.send("MAIL FROM:<a@client.test>\r\n") == "530 5.7.0 Authentication required\r\n");
    CHECK(codes(server.send("NOOP\r\nRSET\r\nVRFY bob\r\n")) == Codes{250, 250, 252});
    CHECK(codes(server.send("AUTH PLAIN " + alice_plain + "\r\n")) == Codes{235});
    CHECK(codes(server.send("MAIL FROM:<a@client.test>\r\n")) == Codes{250});
}

TEST_CASE("--trace shows no credential", "[auth-session]") {
    const Policy policy = auth_policy(true);
    ehlo::server::Connection connection(policy, ehlo::server::Peer{}, true);
    connection.start(ehlo::server::Clock::now());
    const std::string input =
        "EHLO client.test\r\nAUTH LOGIN\r\n*\r\nAUTH PLAIN " + alice_plain + "\r\n";
    std::string_view rest = input;
    const auto out = connection.receive(rest, ehlo::server::Clock::now());
    std::string all;
    for (const auto& line : out.trace)
        all += line.text + " " + citation_text(line.section) + "\n";
    CHECK(all.find(alice_plain) == std::string::npos);
    CHECK(all.find("AUTH PLAIN <initial response: 24 octets> RFC 4954 §4") != std::string::npos);
    CHECK(all.find("<AUTH response: 1 octets> RFC 4954 §4") != std::string::npos);
    CHECK(all.find("235 2.7.0 Authentication successful RFC 4954 §6") != std::string::npos);
}

TEST_CASE("the reply table agrees with the SASL layer's failure replies", "[auth-session]") {
    using ehlo::sasl::Failure;
    for (Failure reason :
         {Failure::malformed, Failure::bad_base64, Failure::cancelled, Failure::unexpected_initial,
          Failure::too_long, Failure::invalid_credentials, Failure::too_weak,
          Failure::encryption_required, Failure::temporary}) {
        const auto expected = ehlo::sasl::reply_for(reason);
        const auto reply = ehlo::server::verbs::auth_reply(ehlo::sasl::Failed{reason});
        CHECK(reply.code == expected.code);
        CHECK(reply.enhanced == expected.enhanced);
        CHECK(reply.lines.front() == expected.text);
        CHECK(citation_text(reply.section).starts_with("RFC 4954 §"));
    }
}

TEST_CASE("STARTTLS forgets an identity authenticated before it (RFC 3207 §4.2)",
          "[auth-session]") {
    Policy policy = auth_policy(true);
    policy.extensions.insert(Extension::starttls);
    Harness server = greeted(policy);
    CHECK(codes(server.send("AUTH PLAIN " + alice_plain + "\r\n")) == Codes{235});
    CHECK(codes(server.send("STARTTLS\r\n")) == Codes{220});
    server.tls_handshake_done();
    CHECK_FALSE(server.connection().session().auth.authenticated());
    server.send("EHLO client.test\r\n");
    CHECK(codes(server.send("AUTH PLAIN " + alice_plain + "\r\n")) == Codes{235});
}
