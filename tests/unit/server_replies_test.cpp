// Every reply path of the server's commands, with the code the RFC section in the reply
// table calls for: syntax (501), sequence (503), policy (550/551/251), limits (452/552),
// unknown and obsolete verbs (500/502), HELP (214/504), VRFY/EXPN (252).
#include <catch2/catch.hpp>

#include <algorithm>

#include "server_harness.hpp"

using ehlo::test::codes;
using ehlo::test::Harness;
using Codes = std::vector<int>;

namespace {

/// A server in the greeted state after EHLO.
Harness greeted(ehlo::server::Policy policy = Harness::default_policy()) {
    Harness server(std::move(policy));
    server.start();
    server.send("EHLO client.test\r\n");
    return server;
}

Codes reply_to(Harness& server, std::string_view line) {
    return codes(server.send(line));
}

}  // namespace

TEST_CASE("greeting names the host; EHLO lists the extensions", "[replies]") {
    Harness server;
    CHECK(server.start() == "220 mx.example.test ESMTP Ehlo ready\r\n");
    CHECK(server.send("EHLO client.test\r\n") ==
          "250-mx.example.test greets client.test\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n"
          "250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n"
          "250-LIMITS RCPTMAX=100 MAILMAX=1000\r\n250-CHUNKING\r\n250 BINARYMIME\r\n");
}

TEST_CASE("enhanced status codes after EHLO, after HELO and before either (RFC 2034 §4)",
          "[replies]") {
    Harness ehlo;
    ehlo.start();
    ehlo.send("EHLO client.test\r\n");
    CHECK(ehlo.send("NOOP\r\n") == "250 2.0.0 OK\r\n");
    Harness helo;
    helo.start();
    // The reply to HELO itself has none; what follows has them.
    CHECK(helo.send("HELO client.test\r\n") == "250 mx.example.test greets client.test\r\n");
    CHECK(helo.send("NOOP\r\n") == "250 2.0.0 OK\r\n");
    Harness early;
    early.start();
    CHECK(early.send("MAIL FROM:<a@client.test>\r\n").substr(0, 10) == "503 5.5.1 ");
    ehlo::server::Policy plain = Harness::default_policy();
    plain.extensions.erase(ehlo::server::Extension::enhancedstatuscodes);
    Harness without(plain);
    without.start();
    without.send("HELO client.test\r\n");
    CHECK(without.send("NOOP\r\n") == "250 OK\r\n");
}

TEST_CASE("EHLO and HELO need a valid domain or address literal", "[replies]") {
    Harness server;
    server.start();
    CHECK(reply_to(server, "EHLO\r\n") == Codes{501});
    CHECK(reply_to(server, "EHLO bad_domain!\r\n") == Codes{501});
    CHECK(reply_to(server, "HELO\r\n") == Codes{501});
    CHECK(reply_to(server, "EHLO [192.0.2.1]\r\n") == Codes{250});
    CHECK(reply_to(server, "EHLO [IPv6:2001:db8::1]\r\n") == Codes{250});
}

TEST_CASE("EHLO in a transaction resets it (RFC 5321 §4.1.4)", "[replies]") {
    Harness server = greeted();
    server.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\n");
    CHECK(reply_to(server, "EHLO again.test\r\n") == Codes{250});
    CHECK(reply_to(server, "DATA\r\n") == Codes{503});
}

TEST_CASE("MAIL syntax and parameters", "[replies]") {
    Harness server = greeted();
    CHECK(reply_to(server, "MAIL FROM:a@client.test\r\n") == Codes{501});
    CHECK(reply_to(server, "MAIL TO:<a@client.test>\r\n") == Codes{501});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> FROB=1\r\n") == Codes{555});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> BODY=9BIT\r\n") == Codes{501});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> SIZE=abc\r\n") == Codes{501});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> SIZE=10485761\r\n") == Codes{552});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> SIZE=99999999999999999999999\r\n") ==
          Codes{552});
    // A UTF-8 reverse-path without the SMTPUTF8 parameter (RFC 6531 §3.5).
    CHECK(reply_to(server, "MAIL FROM:<\xc3\xa9@client.test>\r\n") == Codes{550});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> SIZE=10485760 BODY=8BITMIME\r\n") ==
          Codes{250});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test>\r\n") == Codes{503});
}

TEST_CASE("the null reverse-path and source routes are accepted", "[replies]") {
    Harness server = greeted();
    CHECK(server.send("MAIL FROM:<>\r\n") == "250 2.1.0 Sender OK\r\n");
    CHECK(reply_to(server, "RSET\r\n") == Codes{250});
    CHECK(reply_to(server, "MAIL FROM:<@relay.test:a@client.test>\r\n") == Codes{250});
}

TEST_CASE("path limits: local part 64, domain 255, path 256 (RFC 5321 §4.5.3.1)", "[replies]") {
    Harness server = greeted();
    server.send("MAIL FROM:<a@client.test>\r\n");
    std::string local64(64, 'l');
    CHECK(reply_to(server, "RCPT TO:<" + local64 + "@example.test>\r\n") == Codes{250});
    CHECK(server.send("RCPT TO:<" + local64 + "l@example.test>\r\n") ==
          "501 5.1.3 Local part longer than 64 octets\r\n");
    std::string long_domain = std::string(63, 'd') + "." + std::string(63, 'd') + "." +
                              std::string(63, 'd') + "." + std::string(62, 'd') + "x";
    CHECK(server.send("RCPT TO:<a@" + long_domain + ">\r\n").substr(0, 3) == "501");
}

TEST_CASE("RCPT: local domains only, no relaying (RFC 5321 §3.6.2)", "[replies]") {
    Harness server = greeted();
    server.send("MAIL FROM:<a@client.test>\r\n");
    CHECK(server.send("RCPT TO:<b@elsewhere.test>\r\n") ==
          "550 5.7.1 Relaying denied: not a local domain\r\n");
    CHECK(reply_to(server, "RCPT TO:<b@[192.0.2.1]>\r\n") == Codes{550});
    CHECK(reply_to(server, "RCPT TO:<b@EXAMPLE.TEST>\r\n") == Codes{250});
    CHECK(reply_to(server, "RCPT TO:<b@example.test> NOTIFY=NEVER\r\n") == Codes{555});
    CHECK(reply_to(server, "RCPT TO:b@example.test\r\n") == Codes{501});
}

TEST_CASE("postmaster is always accepted, with or without a domain (RFC 5321 §4.5.1)",
          "[replies]") {
    Harness server = greeted();
    server.send("MAIL FROM:<>\r\n");
    CHECK(reply_to(server, "RCPT TO:<Postmaster>\r\n") == Codes{250});
    CHECK(reply_to(server, "RCPT TO:<postmaster@example.test>\r\n") == Codes{250});
    server.send("DATA\r\nhi\r\n.\r\n");
    REQUIRE(server.stored().size() == 1);
    CHECK(server.stored()[0].envelope.recipients[0].to_string() == "postmaster@example.test");
}

TEST_CASE("moved addresses: 251 when we deliver, 551 when we do not (RFC 5321 §3.4)", "[replies]") {
    Harness server = greeted();
    server.send("MAIL FROM:<a@client.test>\r\n");
    CHECK(server.send("RCPT TO:<moved@example.test>\r\n") ==
          "251 2.1.5 User not local; will forward to <new@example.test>\r\n");
    CHECK(server.send("RCPT TO:<gone@example.test>\r\n") ==
          "551 5.1.6 User not local; please try <someone@elsewhere.test>\r\n");
    server.send("DATA\r\nhi\r\n.\r\n");
    REQUIRE(server.stored().size() == 1);
    CHECK(server.stored()[0].envelope.recipients.size() == 1);
    CHECK(server.stored()[0].envelope.recipients[0].to_string() == "new@example.test");
}

TEST_CASE("recipient limit: 100 accepted, the 101st gets 452 (RFC 5321 §4.5.3.1.10)", "[replies]") {
    for (std::size_t limit : {std::size_t{100}, std::size_t{150}}) {
        auto policy = Harness::default_policy();
        policy.limits.max_recipients = limit;
        Harness server = greeted(policy);
        server.send("MAIL FROM:<a@client.test>\r\n");
        std::string batch;
        for (std::size_t i = 0; i <= limit; ++i) {
            batch += "RCPT TO:<r" + std::to_string(i) + "@example.test>\r\n";
        }
        Codes got = codes(server.send(batch));
        REQUIRE(got.size() == limit + 1);
        CHECK(std::count(got.begin(), got.end(), 250) == static_cast<long>(limit));
        CHECK(got.back() == 452);
        CHECK(reply_to(server, "DATA\r\n") == Codes{354});
    }
}

TEST_CASE("DATA with no accepted recipient: 554 (RFC 5321 §3.3)", "[replies]") {
    Harness server = greeted();
    server.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<b@elsewhere.test>\r\n");
    CHECK(server.send("DATA\r\n") == "554 5.5.1 No valid recipients\r\n");
    CHECK(reply_to(server, "DATA extra\r\n") == Codes{554});
}

TEST_CASE("DATA, RSET and QUIT take no arguments", "[replies]") {
    Harness server = greeted();
    CHECK(reply_to(server, "RSET now\r\n") == Codes{501});
    CHECK(reply_to(server, "QUIT now\r\n") == Codes{501});
    server.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\n");
    CHECK(reply_to(server, "DATA now\r\n") == Codes{501});
}

TEST_CASE("NOOP takes any argument; VRFY and EXPN need one", "[replies]") {
    Harness server = greeted();
    CHECK(reply_to(server, "NOOP anything at all\r\n") == Codes{250});
    CHECK(reply_to(server, "VRFY\r\n") == Codes{501});
    CHECK(reply_to(server, "EXPN\r\n") == Codes{501});
    CHECK(reply_to(server, "VRFY <b@example.test>\r\n") == Codes{252});
}

TEST_CASE("HELP lists commands, explains one, refuses unknown topics", "[replies]") {
    Harness server = greeted();
    CHECK(reply_to(server, "HELP\r\n") == Codes{214});
    CHECK(server.send("HELP mail\r\n") ==
          "214 2.0.0 MAIL is defined in RFC 5321 section 4.1.1.2\r\n");
    CHECK(reply_to(server, "HELP frobnicate\r\n") == Codes{504});
}

TEST_CASE("HELP lists the commands of the extensions announced now, and explains them",
          "[replies]") {
    ehlo::server::Policy policy = Harness::default_policy();
    policy.extensions.insert(ehlo::server::Extension::starttls);
    policy.extensions.insert(ehlo::server::Extension::chunking);
    Harness server = greeted(policy);
    const std::string listed = server.send("HELP\r\n");
    CHECK(listed.find(" STARTTLS") != std::string::npos);
    CHECK(listed.find(" BDAT") != std::string::npos);
    CHECK(listed.find(" AUTH") == std::string::npos);  // no users: AUTH is not announced
    CHECK(server.send("HELP starttls\r\n") ==
          "214 2.0.0 STARTTLS is defined in RFC 3207 section 4\r\n");
    CHECK(server.send("HELP BDAT\r\n") == "214 2.0.0 BDAT is defined in RFC 3030 section 2\r\n");

    policy.extensions.erase(ehlo::server::Extension::chunking);
    policy.extensions.erase(ehlo::server::Extension::starttls);
    Harness plain = greeted(policy);
    CHECK(plain.send("HELP\r\n") ==
          "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP "
          "QUIT VRFY EXPN HELP\r\n");
}

TEST_CASE("unknown verbs get 500, obsolete RFC 821 verbs 502 (RFC 5321 §4.2.4)", "[replies]") {
    Harness server = greeted();
    CHECK(server.send("FROB\r\n") == "500 5.5.1 Command unrecognized\r\n");
    CHECK(reply_to(server, "\r\n") == Codes{500});
    CHECK(reply_to(server, "TURN\r\n") == Codes{502});
    CHECK(reply_to(server, "SAML FROM:<a@b.test>\r\n") == Codes{502});
}

TEST_CASE("verbs are case-insensitive (RFC 5321 §2.4)", "[replies]") {
    Harness server = greeted();
    CHECK(reply_to(server, "mail from:<a@client.test>\r\n") == Codes{250});
    CHECK(reply_to(server, "RcPt To:<b@example.test>\r\n") == Codes{250});
    CHECK(reply_to(server, "data\r\n") == Codes{354});
}

TEST_CASE("QUIT answers 221 and closes", "[replies]") {
    Harness server = greeted();
    CHECK(server.send("QUIT\r\n") == "221 2.0.0 Bye\r\n");
    CHECK(server.closed());
}

TEST_CASE("timeout and shutdown answer 421 and close (RFC 5321 §4.5.3.2.7, RFC 5321 §3.8)",
          "[replies]") {
    Harness idle = greeted();
    CHECK(idle.timed_out() == "421 4.4.2 Timeout waiting for the client, closing\r\n");
    CHECK(idle.closed());
    Harness stopping = greeted();
    CHECK(codes(stopping.shutting_down()) == Codes{421});
    CHECK(stopping.closed());
}

TEST_CASE("a timeout in the middle of a message drops the message", "[replies]") {
    Harness server = greeted();
    server.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\npart");
    REQUIRE(server.open_message());
    CHECK(codes(server.timed_out()) == Codes{421});
    CHECK_FALSE(server.open_message());
    CHECK(server.stored().empty());
}

TEST_CASE("a refused connection gets 421 instead of the greeting", "[replies]") {
    ehlo::server::Policy policy = Harness::default_policy();
    ehlo::server::Connection connection(policy, ehlo::server::Peer{});
    auto out = connection.refuse();
    // Before EHLO no enhanced code is sent (RFC 2034 §3).
    CHECK(out.replies == "421 4.3.2 Too many connections, try again later\r\n");
    CHECK(out.close);
}
