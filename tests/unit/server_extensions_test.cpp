// The ESMTP extensions of the server: SMTPUTF8 (RFC 6531 §3.4, RFC 6531 §3.5, RFC 6531 §3.7.3), the
// LIMITS keyword and the MAILMAX session limit (RFC 9422), and extensions switched off by the
// policy: not announced in EHLO, their MAIL parameters refused as unknown (RFC 5321 §4.1.1.11), and
// no enhanced codes without ENHANCEDSTATUSCODES (RFC 2034 §3).
#include <catch2/catch.hpp>

#include <string>

#include "server/extensions.hpp"
#include "server/mailbox_folder.hpp"
#include "server_harness.hpp"

using ehlo::server::Extension;
using ehlo::server::Policy;
using ehlo::test::codes;
using ehlo::test::Harness;
using Codes = std::vector<int>;

namespace {

// "jörg" and "müller" in UTF-8.
const std::string jorg = "j\xc3\xb6rg";
const std::string muller = "m\xc3\xbcller";

Harness greeted(Policy policy = Harness::default_policy()) {
    Harness server(std::move(policy));
    server.start();
    server.send("EHLO client.test\r\n");
    return server;
}

Codes reply_to(Harness& server, std::string_view line) {
    return codes(server.send(line));
}

Policy without(std::initializer_list<Extension> off) {
    Policy policy = Harness::default_policy();
    for (Extension extension : off)
        policy.extensions.erase(extension);
    return policy;
}

/// The EHLO reply's keyword lines, without the code and the greeting line.
std::vector<std::string> keywords(Harness& server) {
    std::string reply = server.send("EHLO client.test\r\n");
    std::vector<std::string> out;
    std::size_t start = 0;
    for (auto end = reply.find("\r\n"); end != std::string::npos; end = reply.find("\r\n", start)) {
        out.push_back(reply.substr(start + 4, end - start - 4));
        start = end + 2;
    }
    out.erase(out.begin());
    return out;
}

}  // namespace

TEST_CASE("EHLO announces SMTPUTF8 and LIMITS with the policy's limits", "[extensions]") {
    Policy policy = Harness::default_policy();
    policy.limits.max_recipients = 250;
    policy.limits.max_transactions = 7;
    Harness server(policy);
    server.start();
    CHECK(keywords(server) == std::vector<std::string>{"PIPELINING", "SIZE 10485760", "8BITMIME",
                                                       "ENHANCEDSTATUSCODES", "SMTPUTF8",
                                                       "LIMITS RCPTMAX=250 MAILMAX=7", "CHUNKING",
                                                       "BINARYMIME"});
}

TEST_CASE("extension names are the EHLO keywords, in any case", "[extensions]") {
    for (Extension extension : ehlo::server::all_extensions) {
        CHECK(ehlo::server::extension_by_name(ehlo::server::extension_name(extension)) ==
              extension);
    }
    CHECK(ehlo::server::extension_by_name("smtputf8") == Extension::smtputf8);
    CHECK(ehlo::server::extension_by_name("8bitmime") == Extension::eightbitmime);
    CHECK(ehlo::server::extension_by_name("starttls") == Extension::starttls);
    CHECK_FALSE(ehlo::server::extension_by_name("XFROB"));
    CHECK_FALSE(ehlo::server::extension_by_name(""));
}

TEST_CASE("a UTF-8 transaction with SMTPUTF8 is accepted and stored (RFC 6531 §3.4)",
          "[extensions]") {
    Harness server = greeted();
    CHECK(reply_to(server, "MAIL FROM:<" + muller + "@client.test> SMTPUTF8\r\n") == Codes{250});
    CHECK(reply_to(server, "RCPT TO:<" + jorg + "@example.test>\r\n") == Codes{250});
    CHECK(reply_to(server, "DATA\r\n") == Codes{354});
    CHECK(reply_to(server, "Subject: gr\xc3\xbc\xc3\x9f\x65\r\n\r\nHallo\r\n.\r\n") == Codes{250});
    REQUIRE(server.stored().size() == 1);
    const auto& stored = server.stored()[0];
    CHECK(stored.envelope.smtputf8);
    CHECK(stored.envelope.recipients.front().local_part == jorg);
    // The recipient's folder percent-encodes each octet of UTF-8.
    CHECK(ehlo::server::mailbox_folder(stored.envelope.recipients.front(), "example.test") ==
          "example.test/j%C3%B6rg");
    // The Received: line says UTF8SMTP (RFC 6531 §3.7.3) and names the UTF-8 recipient.
    CHECK(stored.text.find("\tby mx.example.test with UTF8SMTP id 42.1\r\n") != std::string::npos);
    CHECK(stored.text.find("\tfor <" + jorg + "@example.test>;\r\n") != std::string::npos);
}

TEST_CASE("SMTPUTF8 on an ASCII transaction is allowed and says UTF8SMTP", "[extensions]") {
    Harness server = greeted();
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> smtputf8\r\n") == Codes{250});
    CHECK(reply_to(server, "RCPT TO:<b@example.test>\r\nDATA\r\nx\r\n.\r\n") ==
          (Codes{250, 354, 250}));
    REQUIRE(server.stored().size() == 1);
    CHECK(server.stored()[0].text.find(" with UTF8SMTP id ") != std::string::npos);
}

TEST_CASE("without SMTPUTF8 in MAIL the transaction stays ESMTP", "[extensions]") {
    Harness server = greeted();
    server.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nx\r\n.\r\n");
    REQUIRE(server.stored().size() == 1);
    CHECK(server.stored()[0].text.find(" with ESMTP id ") != std::string::npos);
    CHECK_FALSE(server.stored()[0].envelope.smtputf8);
}

TEST_CASE("UTF-8 paths without the SMTPUTF8 parameter: 550 and 553 5.6.7 (RFC 6531 §3.5)",
          "[extensions]") {
    Harness server = greeted();
    CHECK(server.send("MAIL FROM:<" + muller + "@client.test>\r\n") ==
          "550 5.6.7 Non-ASCII sender address not permitted without SMTPUTF8\r\n");
    CHECK(reply_to(server, "MAIL FROM:<a@client.test>\r\n") == Codes{250});
    CHECK(server.send("RCPT TO:<" + jorg + "@example.test>\r\n") ==
          "553 5.6.7 Non-ASCII recipient address not permitted without SMTPUTF8\r\n");
    // The transaction goes on with ASCII recipients.
    CHECK(reply_to(server, "RCPT TO:<b@example.test>\r\n") == Codes{250});
    // SMTPUTF8 lasts for one transaction only.
    CHECK(reply_to(server, "RSET\r\nMAIL FROM:<a@client.test> SMTPUTF8\r\n") == (Codes{250, 250}));
    CHECK(reply_to(server, "RCPT TO:<" + jorg + "@example.test>\r\n") == Codes{250});
    CHECK(reply_to(server, "RSET\r\nMAIL FROM:<a@client.test>\r\n") == (Codes{250, 250}));
    CHECK(reply_to(server, "RCPT TO:<" + jorg + "@example.test>\r\n") == Codes{553});
}

TEST_CASE("ill-formed UTF-8 in a path is a syntax error: 501 (RFC 6531 §3.3)", "[extensions]") {
    Harness server = greeted();
    // A lone continuation octet, and a truncated two-octet sequence.
    CHECK(server.send("MAIL FROM:<\x80@client.test> SMTPUTF8\r\n") ==
          "501 5.1.7 Syntax error: the reverse-path is not well-formed UTF-8\r\n");
    CHECK(reply_to(server, "MAIL FROM:<a\xc3@client.test> SMTPUTF8\r\n") == Codes{501});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> SMTPUTF8\r\n") == Codes{250});
    CHECK(server.send("RCPT TO:<j\xf6rg@example.test>\r\n") ==
          "501 5.1.3 Syntax error: the forward-path is not well-formed UTF-8\r\n");
}

TEST_CASE("a UTF-8 domain that is not ours is relaying: 550", "[extensions]") {
    Harness server = greeted();
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> SMTPUTF8\r\n") == Codes{250});
    CHECK(reply_to(server, "RCPT TO:<" + jorg + "@EX\xc3\x84MPLE.test>\r\n") == Codes{550});
    CHECK(reply_to(server, "RCPT TO:<" + jorg + "@EXAMPLE.test>\r\n") == Codes{250});
}

TEST_CASE("SMTPUTF8 takes no value (RFC 6531 §3.4)", "[extensions]") {
    Harness server = greeted();
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> SMTPUTF8=yes\r\n") == Codes{501});
}

TEST_CASE("MAILMAX: MAIL commands up to the limit, 451 past it (RFC 9422)", "[extensions]") {
    Policy policy = Harness::default_policy();
    policy.limits.max_transactions = 2;
    Harness server = greeted(policy);
    CHECK(reply_to(server, "MAIL FROM:<a@client.test>\r\nRSET\r\n") == (Codes{250, 250}));
    // A refused MAIL does not count.
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> FROB\r\n") == Codes{555});
    // At the limit: the second MAIL of the session is still accepted.
    CHECK(reply_to(server, "MAIL FROM:<a@client.test>\r\nRSET\r\n") == (Codes{250, 250}));
    // One past it, refused, and a new EHLO does not start the count again.
    CHECK(server.send("MAIL FROM:<a@client.test>\r\n") ==
          "451 4.5.0 Too many transactions in this session; reconnect to send more\r\n");
    server.send("EHLO client.test\r\n");
    CHECK(reply_to(server, "MAIL FROM:<a@client.test>\r\n") == Codes{451});
    CHECK(reply_to(server, "NOOP\r\n") == Codes{250});
}

TEST_CASE("MAILMAX counts delivered messages too", "[extensions]") {
    Policy policy = Harness::default_policy();
    policy.limits.max_transactions = 1;
    Harness server = greeted(policy);
    server.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nx\r\n.\r\n");
    CHECK(server.stored().size() == 1);
    CHECK(reply_to(server, "MAIL FROM:<a@client.test>\r\n") == Codes{451});
}

TEST_CASE("EHLO lists only the extensions the policy offers", "[extensions]") {
    Harness none(without({Extension::pipelining, Extension::size, Extension::eightbitmime,
                          Extension::enhancedstatuscodes, Extension::smtputf8, Extension::limits,
                          Extension::chunking}));
    none.start();
    CHECK(none.send("EHLO client.test\r\n") == "250 mx.example.test greets client.test\r\n");

    Harness some(without({Extension::pipelining, Extension::smtputf8, Extension::binarymime}));
    some.start();
    CHECK(keywords(some) ==
          std::vector<std::string>{"SIZE 10485760", "8BITMIME", "ENHANCEDSTATUSCODES",
                                   "LIMITS RCPTMAX=100 MAILMAX=1000", "CHUNKING"});
}

TEST_CASE("parameters of a disabled extension are unknown: 555", "[extensions]") {
    Harness server = greeted(without(
        {Extension::size, Extension::eightbitmime, Extension::smtputf8, Extension::binarymime}));
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> SIZE=10\r\n") == Codes{555});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> BODY=8BITMIME\r\n") == Codes{555});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test> SMTPUTF8\r\n") == Codes{555});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test>\r\n") == Codes{250});
}

TEST_CASE("without SMTPUTF8 offered, 8-bit addresses are refused as non-ASCII", "[extensions]") {
    Harness server = greeted(without({Extension::smtputf8}));
    CHECK(reply_to(server, "MAIL FROM:<" + muller + "@client.test>\r\n") == Codes{550});
    // Even ill-formed UTF-8 is just non-ASCII here.
    CHECK(reply_to(server, "MAIL FROM:<\x80@client.test>\r\n") == Codes{550});
    CHECK(reply_to(server, "MAIL FROM:<a@client.test>\r\n") == Codes{250});
    CHECK(reply_to(server, "RCPT TO:<" + jorg + "@example.test>\r\n") == Codes{553});
}

TEST_CASE("without ENHANCEDSTATUSCODES no reply carries an enhanced code", "[extensions]") {
    Harness server = greeted(without({Extension::enhancedstatuscodes}));
    CHECK(server.send("NOOP\r\n") == "250 OK\r\n");
    CHECK(server.send("MAIL FROM:<a@client.test> FROB\r\n") ==
          "555 MAIL or RCPT parameter not recognized or not implemented\r\n");
}

TEST_CASE("without PIPELINING pipelined commands are still answered in order", "[extensions]") {
    Harness server = greeted(without({Extension::pipelining}));
    CHECK(reply_to(server,
                   "MAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\n"
                   "RCPT TO:<c@elsewhere.test>\r\nDATA\r\nx\r\n.\r\n") ==
          (Codes{250, 250, 550, 354, 250}));
}

TEST_CASE("the limits hold when LIMITS is not announced", "[extensions]") {
    Policy policy = without({Extension::limits});
    policy.limits.max_transactions = 1;
    Harness server = greeted(policy);
    CHECK(reply_to(server, "MAIL FROM:<a@client.test>\r\nRSET\r\n") == (Codes{250, 250}));
    CHECK(reply_to(server, "MAIL FROM:<a@client.test>\r\n") == Codes{451});
}
