// Unit tests of client::step through whole dialogues: the greeting and EHLO (RFC 5321 §3.1,
// RFC 5321 §4.1.1.1) with the HELO fallback (RFC 5321 §3.2), transactions with and without
// PIPELINING (RFC 2920 §3.1) and CHUNKING (RFC 3030 §2), per-recipient outcomes, 421
// (RFC 5321 §3.8), and a lost connection. Declarations and refusals (SIZE, 8BITMIME, SMTPUTF8, DSN)
// are in client_extensions_use_test.cpp; STARTTLS and AUTH in client_tls_auth_test.cpp.
#include "client_harness.hpp"

using namespace ehlo;
using ehlo::test::ClientHarness;
using ehlo::test::Texts;
using State = client::RecipientOutcome::State;

TEST_CASE("a plain dialogue: one command at a time without PIPELINING", "[client][step]") {
    ClientHarness client;
    CHECK(client.feed(220) == Texts{"EHLO localhost"});
    CHECK(client.feed(test::ehlo_reply({"8BITMIME"})) == Texts{"MAIL FROM:<alice@example.org>"});
    CHECK(client.feed(250) == Texts{"RCPT TO:<bob@example.test>"});
    CHECK(client.feed(250) == Texts{"DATA"});
    CHECK(client.feed(354) == Texts{"<message data: 25 octets>  ."});
    CHECK(client.last.commands[0].bytes == "Subject: test\r\n\r\nHello.\r\n.\r\n");
    CHECK(client.feed(250) == Texts{"QUIT"});
    CHECK_FALSE(client.session.done());
    CHECK(client.feed(221).empty());
    CHECK(client.last.close);
    CHECK(client.session.done());
    CHECK(client.session.recipients()[0].state == State::delivered);
    CHECK(client.session.exit_status() == 0);
    CHECK_FALSE(client.session.used_pipelining());
}

TEST_CASE("PIPELINING: MAIL, every RCPT and DATA go as one group, data after 354",
          "[client][step]") {
    ClientHarness client({}, {"bob@example.test", "carol@example.test", "dave@example.test"});
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"PIPELINING"})) ==
          Texts{"MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.test>",
                "RCPT TO:<carol@example.test>", "RCPT TO:<dave@example.test>", "DATA"});
    CHECK(client.feed(250).empty());
    CHECK(client.feed(250).empty());
    CHECK(client.feed(550, {"5.1.1 no such user"}).empty());
    CHECK(client.feed(250).empty());
    CHECK(client.feed(354).size() == 1);
    CHECK(client.feed(250) == Texts{"QUIT"});
    client.feed(221);
    const auto& outcome = client.session.recipients();
    CHECK(outcome[0].state == State::delivered);
    CHECK(outcome[1].state == State::refused);
    CHECK(outcome[1].reply.code == 550);
    CHECK(outcome[2].state == State::delivered);
    CHECK(client.session.exit_status() == client::exit_code::unavailable);
    CHECK(client.session.used_pipelining());
}

TEST_CASE("PIPELINING: every RCPT refused, DATA refused: no data is sent", "[client][step]") {
    ClientHarness client({}, {"bob@example.test", "carol@example.test"});
    client.greet({"PIPELINING"});
    client.feed(250);
    client.feed(450, {"4.2.1 try later"});
    client.feed(550);
    CHECK(client.feed(554, {"5.5.1 no valid recipients"}) == Texts{"QUIT"});
    client.feed(221);
    CHECK(client.session.recipients()[0].reply.code == 450);
    CHECK(client.session.exit_status() == client::exit_code::temporary);
}

TEST_CASE("PIPELINING: a 354 after every RCPT failed gets an empty message, not the data",
          "[client][step]") {
    ClientHarness client;
    client.greet({"PIPELINING"});
    client.feed(250);
    client.feed(550);
    CHECK(client.feed(354) == Texts{"."});
    CHECK(client.last.commands[0].bytes == ".\r\n");
    CHECK(client.feed(554) == Texts{"QUIT"});
    client.feed(221);
    CHECK(client.session.recipients()[0].state == State::refused);
    CHECK(client.session.recipients()[0].reply.code == 550);
}

TEST_CASE(
    "PIPELINING: a refused MAIL refuses every recipient; the group is answered before "
    "QUIT",
    "[client][step]") {
    ClientHarness client({}, {"bob@example.test", "carol@example.test"});
    client.greet({"PIPELINING"});
    CHECK(client.feed(553, {"5.1.8 bad sender"}).empty());
    CHECK(client.feed(503).empty());
    CHECK(client.feed(503).empty());
    CHECK(client.feed(503) == Texts{"QUIT"});
    client.feed(221);
    for (const auto& recipient : client.session.recipients()) {
        CHECK(recipient.state == State::refused);
        CHECK(recipient.reply.code == 553);
    }
    CHECK(client.session.exit_status() == client::exit_code::unavailable);
}

TEST_CASE("without PIPELINING a refused MAIL ends the transaction at once", "[client][step]") {
    ClientHarness client;
    client.greet();
    CHECK(client.feed(451) == Texts{"QUIT"});
    client.feed(221);
    CHECK(client.session.exit_status() == client::exit_code::temporary);
}

TEST_CASE("without PIPELINING, RCPTs go one by one; none accepted means no DATA",
          "[client][step]") {
    ClientHarness client({}, {"bob@example.test", "carol@example.test"});
    client.greet();
    CHECK(client.feed(250) == Texts{"RCPT TO:<bob@example.test>"});
    CHECK(client.feed(550) == Texts{"RCPT TO:<carol@example.test>"});
    CHECK(client.feed(551) == Texts{"QUIT"});
}

TEST_CASE("CHUNKING: the message goes in BDAT chunks after the RCPT replies", "[client][step]") {
    client::Settings settings;
    settings.chunk_size = 10;
    ClientHarness client(settings);
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"PIPELINING", "CHUNKING"})) ==
          Texts{"MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.test>"});
    CHECK(client.feed(250).empty());
    CHECK(client.feed(250) == Texts{"BDAT 10  <chunk: 10 octets>"});
    CHECK(client.last.commands[0].bytes == "BDAT 10\r\nSubject: t");
    CHECK(client.feed(250) == Texts{"BDAT 10  <chunk: 10 octets>"});
    CHECK(client.feed(250) == Texts{"BDAT 5 LAST  <chunk: 5 octets>"});
    CHECK(client.last.commands[0].bytes == "BDAT 5 LAST\r\nlo.\r\n");
    CHECK(client.feed(250) == Texts{"QUIT"});
    client.feed(221);
    CHECK(client.session.used_chunking());
    CHECK(client.session.exit_status() == 0);
}

TEST_CASE("CHUNKING: data is sent as is, without dot-stuffing", "[client][step]") {
    ClientHarness client({}, {"bob@example.test"}, ".\r\n..x\r\n");
    client.greet({"CHUNKING"});
    client.feed(250);
    client.feed(250);
    CHECK(client.last.commands[0].bytes == "BDAT 8 LAST\r\n.\r\n..x\r\n");
}

TEST_CASE("CHUNKING: a refused chunk refuses the message", "[client][step]") {
    client::Settings settings;
    settings.chunk_size = 10;
    ClientHarness client(settings);
    client.greet({"CHUNKING"});
    client.feed(250);
    client.feed(250);
    CHECK(client.feed(552, {"5.3.4 too big"}) == Texts{"QUIT"});
    client.feed(221);
    CHECK(client.session.recipients()[0].reply.code == 552);
    CHECK(client.session.exit_status() == client::exit_code::unavailable);
}

TEST_CASE("settings can turn PIPELINING and CHUNKING off", "[client][step]") {
    client::Settings settings;
    settings.use_pipelining = false;
    settings.use_chunking = false;
    ClientHarness client(settings);
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"PIPELINING", "CHUNKING"})).size() == 1);
    client.feed(250);
    CHECK(client.feed(250) == Texts{"DATA"});
}

TEST_CASE("EHLO refused with 5xx: HELO, and a transaction without extensions", "[client][step]") {
    for (int code : {500, 502, 504, 550}) {
        ClientHarness client;
        client.feed(220);
        CHECK(client.feed(code) == Texts{"HELO localhost"});
        CHECK(client.feed(250) == Texts{"MAIL FROM:<alice@example.org>"});
        CHECK_FALSE(client.session.esmtp());
    }
}

TEST_CASE("HELO refused too: give up with QUIT", "[client][step]") {
    ClientHarness client;
    client.feed(220);
    client.feed(502);
    CHECK(client.feed(550) == Texts{"QUIT"});
    client.feed(221);
    CHECK(client.session.exit_status() == client::exit_code::unavailable);
}

TEST_CASE("a 554 greeting: QUIT, nothing sent, unavailable", "[client][step]") {
    ClientHarness client;
    CHECK(client.feed(554, {"no service for you"}) == Texts{"QUIT"});
    client.feed(221);
    CHECK(client.session.failure() == client::Failure::permanent);
    CHECK(client.session.exit_status() == client::exit_code::unavailable);
    CHECK(client.session.recipients()[0].state == State::refused);
}

TEST_CASE("a greeting with an odd code is a protocol error", "[client][step]") {
    ClientHarness client;
    CHECK(client.feed(354).empty());
    CHECK(client.last.close);
    CHECK(client.session.done());
    CHECK(client.session.exit_status() == client::exit_code::protocol);
}

TEST_CASE("a reply nobody asked for ends the session as a protocol error", "[client][step]") {
    ClientHarness client;
    client.greet();
    client.feed(250);
    client.feed(250);
    client.feed(250);
    client.feed(354);
    client.feed(250);
    client.feed(221);
    CHECK(client.session.done());
    ClientHarness eager;
    eager.greet();
    eager.feed(250);
    eager.feed(250);
    eager.feed(250);
    eager.feed(354);
    eager.feed(250);  // the reply to the data: QUIT is sent
    eager.feed(221);
    CHECK(eager.feed(250).empty());  // done: ignored
}

TEST_CASE("multi-line replies count as one reply", "[client][step]") {
    ClientHarness client;
    client.feed(220, {"mx.example.test", "second line", "third"});
    CHECK(client.feed(250, {"a", "b"}) == Texts{"MAIL FROM:<alice@example.org>"});
}

TEST_CASE("the null reverse path is sent as <>", "[client][step]") {
    ClientHarness client({}, {"bob@example.test"}, test::plain_message, "");
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({})) == Texts{"MAIL FROM:<>"});
}
