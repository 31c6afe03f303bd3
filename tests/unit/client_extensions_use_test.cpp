// Unit tests of what the client declares and refuses after the EHLO keywords: SIZE
// (RFC 1870 §4, RFC 1870 §6), BODY=8BITMIME (RFC 6152 §3), SMTPUTF8 (RFC 6531 §3.2, RFC 6531 §3.4),
// and the DSN parameters (RFC 3461 §4.1 to RFC 3461 §4.4), sent only to a server that offers DSN.
#include "client_harness.hpp"

using namespace ehlo;
using ehlo::test::ClientHarness;
using ehlo::test::Texts;

TEST_CASE("SIZE: the message size is declared when offered", "[client][extensions]") {
    ClientHarness client;
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"SIZE 1000"})) ==
          Texts{"MAIL FROM:<alice@example.org> SIZE=25"});
}

TEST_CASE("SIZE: a message over the limit is not sent at all", "[client][extensions]") {
    ClientHarness client;
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"SIZE 20"})) == Texts{"QUIT"});
    client.feed(221);
    CHECK(client.session.failure() == client::Failure::unsupported);
    CHECK(client.session.failure_reason().find("SIZE limit of 20") != std::string::npos);
    CHECK_FALSE(client.session.recipients()[0].temporary());  // printed as refused
    CHECK(client.session.exit_status() == client::exit_code::unavailable);
}

TEST_CASE("SIZE 0 means no limit", "[client][extensions]") {
    ClientHarness client;
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"SIZE 0"})) ==
          Texts{"MAIL FROM:<alice@example.org> SIZE=25"});
}

TEST_CASE("8BITMIME: an 8-bit body is declared, or refused when not offered",
          "[client][extensions]") {
    const char* message = "Subject: hi\r\n\r\nGrüße\r\n";
    ClientHarness offered({}, {"bob@example.test"}, message);
    offered.feed(220);
    CHECK(offered.feed(test::ehlo_reply({"8BITMIME"})) ==
          Texts{"MAIL FROM:<alice@example.org> BODY=8BITMIME"});
    ClientHarness lacking({}, {"bob@example.test"}, message);
    lacking.feed(220);
    CHECK(lacking.feed(test::ehlo_reply({"PIPELINING"})) == Texts{"QUIT"});
    CHECK(lacking.session.failure_reason().find("8BITMIME") != std::string::npos);
    ClientHarness helo({}, {"bob@example.test"}, message);
    helo.feed(220);
    helo.feed(500);
    CHECK(helo.feed(250) == Texts{"QUIT"});  // HELO: no extensions at all
    CHECK(helo.session.failure() == client::Failure::unsupported);
}

TEST_CASE("SMTPUTF8: UTF-8 addresses or headers are declared, or refused when not offered",
          "[client][extensions]") {
    ClientHarness address({}, {"jürgen@example.test"});
    address.feed(220);
    CHECK(address.feed(test::ehlo_reply({"SMTPUTF8", "8BITMIME"})) ==
          Texts{"MAIL FROM:<alice@example.org> SMTPUTF8"});
    ClientHarness header({}, {"bob@example.test"}, "Subject: Grüße\r\n\r\nx\r\n");
    header.feed(220);
    CHECK(header.feed(test::ehlo_reply({"SMTPUTF8", "8BITMIME"})) ==
          Texts{"MAIL FROM:<alice@example.org> BODY=8BITMIME SMTPUTF8"});
    ClientHarness lacking({}, {"jürgen@example.test"});
    lacking.feed(220);
    CHECK(lacking.feed(test::ehlo_reply({"8BITMIME"})) == Texts{"QUIT"});
    CHECK(lacking.session.failure_reason().find("SMTPUTF8") != std::string::npos);
    lacking.feed(221);
    CHECK(lacking.session.exit_status() == client::exit_code::unavailable);
}

TEST_CASE("DSN: NOTIFY, ORCPT, RET and ENVID only when DSN is offered", "[client][extensions]") {
    client::Settings settings;
    settings.dsn = {"SUCCESS,FAILURE", "HDRS", "id+1 x", true};
    ClientHarness offered(settings);
    offered.feed(220);
    CHECK(offered.feed(test::ehlo_reply({"DSN", "PIPELINING"})) ==
          Texts{"MAIL FROM:<alice@example.org> RET=HDRS ENVID=id+2B1+20x",
                "RCPT TO:<bob@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.test",
                "DATA"});
    CHECK(offered.session.warnings().empty());
    ClientHarness lacking(settings);
    lacking.feed(220);
    CHECK(lacking.feed(test::ehlo_reply({})) == Texts{"MAIL FROM:<alice@example.org>"});
    CHECK(lacking.feed(250) == Texts{"RCPT TO:<bob@example.test>"});
    REQUIRE(lacking.session.warnings().size() == 1);
    CHECK(lacking.session.warnings()[0].find("DSN") != std::string::npos);
}

TEST_CASE("xtext encodes +, = and octets outside ! to ~", "[client][extensions]") {
    CHECK(client::xtext("a+b=c d") == "a+2Bb+3Dc+20d");
    CHECK(client::xtext("ü") == "+C3+BC");
    CHECK(client::xtext("plain") == "plain");
}
