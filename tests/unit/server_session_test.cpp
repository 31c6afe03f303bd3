// Whole sessions through server::Connection: message data and its end (RFC 5321 §4.1.1.4),
// dot-transparency (RFC 5321 §4.5.2), the smuggling family of false endings, size and line limits,
// store failures (451), line faults in commands, the Received: line (RFC 5321 §4.4), and the same
// session fed split at every byte offset.
#include <catch2/catch.hpp>

#include "server_harness.hpp"

using ehlo::test::codes;
using ehlo::test::Harness;
using Codes = std::vector<int>;

namespace {

const std::string envelope =
    "EHLO client.test\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n";

const std::string expected_received =
    "Received: from client.test ([192.0.2.7])\r\n"
    "\tby mx.example.test with ESMTP id 42.1\r\n"
    "\tfor <b@example.test>;\r\n"
    "\tSun, 22 Nov 2026 02:09:30 +0000\r\n";

/// The data part of the only stored message, without the Received: header.
std::string body_of(const Harness& server) {
    REQUIRE(server.stored().size() == 1);
    const std::string& text = server.stored()[0].text;
    REQUIRE(text.rfind(expected_received, 0) == 0);
    return text.substr(expected_received.size());
}

}  // namespace

TEST_CASE("a message is stored with a Received: line and its data intact", "[session]") {
    Harness server;
    server.start();
    CHECK(codes(server.send(envelope)) == Codes{250, 250, 250, 354});
    CHECK(server.send("Subject: hi\r\n\r\nbody\r\n.\r\n") ==
          "250 2.0.0 Message accepted for delivery\r\n");
    CHECK(body_of(server) == "Subject: hi\r\n\r\nbody\r\n");
}

TEST_CASE("dot-stuffing is undone (RFC 5321 §4.5.2)", "[session]") {
    Harness server;
    server.start();
    server.send(envelope);
    CHECK(codes(server.send("..leading dot\r\n...\r\n. \r\nend\r\n.\r\n")) == Codes{250});
    CHECK(body_of(server) == ".leading dot\r\n..\r\n \r\nend\r\n");
}

TEST_CASE("an empty message is accepted", "[session]") {
    Harness server;
    server.start();
    server.send(envelope);
    CHECK(codes(server.send(".\r\n")) == Codes{250});
    CHECK(body_of(server).empty());
}

TEST_CASE("after a message the transaction is over and a new one may begin", "[session]") {
    Harness server;
    server.start();
    server.send(envelope + "one\r\n.\r\n");
    CHECK(codes(server.send("RCPT TO:<b@example.test>\r\n")) == Codes{503});
    CHECK(codes(server.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<c@example.test>\r\n"
                            "DATA\r\ntwo\r\n.\r\n")) == Codes{250, 250, 354, 250});
    REQUIRE(server.stored().size() == 2);
    CHECK(server.stored()[1].envelope.recipients[0].to_string() == "c@example.test");
}

// The SMTP smuggling family: look-alikes of the end of data built from bare CR, bare LF,
// NUL and CRLF. None may end the message; the text behind them must stay data, never become
// commands, and the message as a whole is refused at the real end (one 554, nothing stored).
TEST_CASE("false endings never end the data; such a message is refused", "[session][smuggling]") {
    const char* false_endings[] = {
        "\n.\n",       "\n.\r\n",   "\r\n.\n",   "\r.\r",       "\r.\r\n",   "\r\n.\r",
        "\n.\r",       "\r.\n",     "\n\r.\r\n", "\r\n.\r\r\n", "\n\n.\n\n", "\r\n.\n\r\n",
        "\r\n\r.\r\n", "\n\r\n.\n", "\r\n.\r\r", "\r\r.\r\r",
    };
    for (const char* ending : false_endings) {
        INFO("ending " << Catch::Detail::stringify(std::string(ending)));
        Harness server;
        server.start();
        server.send(envelope);
        std::string data = std::string("Subject: x\r\n\r\nhello") + ending +
                           "MAIL FROM:<evil@client.test>\r\nRCPT TO:<victim@example.test>\r\n"
                           "DATA\r\nsmuggled\r\n.\r\n";
        Codes got = codes(server.send(data));
        CHECK(got == Codes{554});
        CHECK(server.stored().empty());
        CHECK(server.aborts() == 1);
        CHECK(codes(server.send("NOOP\r\n")) == Codes{250});
    }
}

TEST_CASE("NUL around the dot is no ending either; the text stays data", "[session][smuggling]") {
    const std::string smuggled = "MAIL FROM:<evil@client.test>\r\n";
    struct Case {
        std::string ending, kept;  // a leading dot of a line is unstuffed (RFC 5321 §4.5.2)
    } cases[] = {{std::string("\r\n\0.\r\n", 6), std::string("\r\n\0.\r\n", 6)},
                 {std::string("\r\n.\0\r\n", 6), std::string("\r\n\0\r\n", 5)}};
    for (const Case& c : cases) {
        Harness server;
        server.start();
        server.send(envelope);
        CHECK(codes(server.send("hello" + c.ending + smuggled + ".\r\n")) == Codes{250});
        CHECK(body_of(server) == "hello" + c.kept + smuggled);
    }
}

TEST_CASE("a NUL in message data is kept as data", "[session]") {
    Harness server;
    server.start();
    server.send(envelope);
    CHECK(codes(server.send(std::string("a\0b\r\n.\r\n", 8))) == Codes{250});
    CHECK(body_of(server) == std::string("a\0b\r\n", 5));
}

TEST_CASE("text lines: 1000 octets accepted, 1001 refused at the end (RFC 5321 §4.5.3.1.6)",
          "[session]") {
    Harness ok;
    ok.start();
    ok.send(envelope);
    CHECK(codes(ok.send(std::string(998, 'x') + "\r\n.\r\n")) == Codes{250});
    Harness long_line;
    long_line.start();
    long_line.send(envelope);
    CHECK(long_line.send(std::string(999, 'x') + "\r\n.\r\n") ==
          "554 5.6.0 Message refused: a line is longer than 1000 octets\r\n");
    CHECK(long_line.stored().empty());
}

TEST_CASE("size limit: at the limit accepted, one past refused with 552", "[session]") {
    auto policy = Harness::default_policy();
    policy.limits.max_message_size = 100;
    std::string exactly = std::string(98, 'x') + "\r\n";  // 100 octets of data
    Harness ok(policy);
    ok.start();
    ok.send(envelope);
    CHECK(codes(ok.send(exactly + ".\r\n")) == Codes{250});
    Harness big(policy);
    big.start();
    big.send(envelope);
    CHECK(big.send("y" + exactly + ".\r\n") == "552 5.3.4 Message exceeds the size limit\r\n");
    CHECK(big.stored().empty());
    CHECK(big.aborts() == 1);
    CHECK(codes(big.send("MAIL FROM:<a@client.test>\r\n")) == Codes{250});
}

TEST_CASE("a time-out after an oversized message was dropped drops nothing more", "[session]") {
    auto policy = Harness::default_policy();
    policy.limits.max_message_size = 10;
    Harness server(policy);
    server.start();
    server.send(envelope);
    server.send(std::string(20, 'x'));  // past the limit: dropped while the data streams
    CHECK(server.aborts() == 1);
    CHECK(codes(server.timed_out()) == Codes{421});
    CHECK(server.aborts() == 1);
    CHECK(server.stored().empty());
}

TEST_CASE("a failed commit answers 451 and stores nothing", "[session]") {
    Harness server;
    server.start();
    server.send(envelope);
    server.fail_next_commit();
    CHECK(server.send("hi\r\n.\r\n") ==
          "451 4.3.0 Local error in processing; message not stored\r\n");
    CHECK(server.stored().empty());
    CHECK(codes(server.send("MAIL FROM:<a@client.test>\r\n")) == Codes{250});
}

TEST_CASE("faulty command lines get 500 and the session goes on", "[session]") {
    Harness server;
    server.start();
    server.send("EHLO client.test\r\n");
    CHECK(server.send("NOOP\n") == "");  // a bare LF ends no line (RFC 5321 §2.3.8)
    CHECK(server.send("NOOP\r\n") == "500 5.5.2 Bare LF: command lines end with CRLF\r\n");
    CHECK(codes(server.send("NO\rOP\r\n")) == Codes{500});
    CHECK(codes(server.send(std::string("NO\0OP\r\n", 7))) == Codes{500});
    CHECK(codes(server.send("NOOP " + std::string(505, 'x') + "\r\n")) == Codes{250});  // 512
    CHECK(server.send("NOOP " + std::string(506, 'x') + "\r\n") == "500 5.5.2 Line too long\r\n");
    CHECK(codes(server.send("NOOP\r\n")) == Codes{250});
}

TEST_CASE("a pipelined group gets one reply per command, in order", "[session]") {
    Harness server;
    server.start();
    std::string group = envelope + "x\r\n.\r\nRSET\r\nFROB\r\nQUIT\r\n";
    CHECK(codes(server.send(group)) == Codes{250, 250, 250, 354, 250, 250, 500, 221});
    CHECK(server.stored().size() == 1);
}

TEST_CASE("the same session split at every byte offset gives the same result", "[session]") {
    const std::string session = envelope +
                                "..a\r\nb\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<Postmaster>\r\n"
                                "DATA\r\nx\n.\r\ny\r\n.\r\nNOOP\n\r\nQUIT\r\n";
    Harness whole;
    whole.start();
    const std::string replies = whole.send(session);
    REQUIRE(codes(replies) == Codes{250, 250, 250, 354, 250, 250, 250, 354, 554, 500, 221});
    for (std::size_t cut = 1; cut < session.size(); ++cut) {
        Harness split;
        split.start();
        std::string got = split.send(std::string_view(session).substr(0, cut));
        got += split.send(std::string_view(session).substr(cut));
        INFO("cut at " << cut);
        REQUIRE(got == replies);
        REQUIRE(split.stored().size() == 1);
        REQUIRE(split.stored()[0].text == whole.stored()[0].text);
    }
    Harness bytewise;
    bytewise.start();
    std::string got;
    for (char c : session)
        got += bytewise.send(std::string_view(&c, 1));
    CHECK(got == replies);
}

TEST_CASE("the trace names the RFC section of each line", "[session]") {
    ehlo::server::Policy policy = Harness::default_policy();
    ehlo::server::Connection connection(policy, ehlo::server::Peer{}, true);
    connection.start(ehlo::server::Clock::now());
    std::string_view input = "MAIL FROM:<a@b.test>\r\n";
    auto out = connection.receive(input, ehlo::server::Clock::now());
    REQUIRE(out.trace.size() == 2);
    CHECK(out.trace[0].direction == 'C');
    CHECK(out.trace[0].text == "MAIL FROM:<a@b.test>");
    CHECK(out.trace[0].section == "RFC 5321 §4.1.1.2");
    CHECK(out.trace[1].direction == 'S');
    CHECK(out.trace[1].text.rfind("503 ", 0) == 0);
    CHECK(out.trace[1].section == "RFC 5321 §4.1.4");
}
