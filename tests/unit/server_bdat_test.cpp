// BDAT and BINARYMIME through server::Connection (RFC 3030): chunks with and without LAST,
// BDAT 0 LAST, pipelined chunks in one read and split at every offset, chunks after a refused
// MAIL or RCPT read and discarded (never commands), sizes that lie, the size limit while the
// chunks stream, DATA mixed with BDAT, BODY=BINARYMIME, binary data stored byte for byte, an
// open message dropped by RSET and timeouts, and the keywords and their --disable.
#include <catch2/catch.hpp>

#include "server/extensions.hpp"
#include "server_harness.hpp"
#include "wire_split.hpp"

using ehlo::server::Extension;
using ehlo::test::codes;
using ehlo::test::Harness;
using namespace std::literals;
using Codes = std::vector<int>;

namespace {

const std::string greeted = "EHLO client.test\r\n";
const std::string envelope =
    "EHLO client.test\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\n";

const std::string expected_received =
    "Received: from client.test ([192.0.2.7])\r\n"
    "\tby mx.example.test with ESMTP id 42.1\r\n"
    "\tfor <b@example.test>;\r\n"
    "\tSun, 22 Nov 2026 02:09:30 +0000\r\n";

/// "BDAT n[ LAST]" CRLF and the chunk's octets.
std::string bdat(std::string_view chunk, bool last = false) {
    return "BDAT " + std::to_string(chunk.size()) + (last ? " LAST" : "") + "\r\n" +
           std::string(chunk);
}

/// The data part of the only stored message, without the Received: header.
std::string body_of(const Harness& server) {
    REQUIRE(server.stored().size() == 1);
    const std::string& text = server.stored()[0].text;
    REQUIRE(text.rfind(expected_received, 0) == 0);
    return text.substr(expected_received.size());
}

Harness started(ehlo::server::Policy policy = Harness::default_policy()) {
    Harness server(std::move(policy));
    server.start();
    return server;
}

}  // namespace

TEST_CASE("EHLO announces CHUNKING and BINARYMIME", "[bdat]") {
    Harness server = started();
    std::string reply = server.send(greeted);
    CHECK(reply.find("250-CHUNKING\r\n") != std::string::npos);
    CHECK(reply.find("BINARYMIME\r\n") != std::string::npos);
}

TEST_CASE("without CHUNKING, BINARYMIME is not announced either (RFC 3030 §3)", "[bdat]") {
    auto policy = Harness::default_policy();
    policy.extensions.erase(Extension::chunking);
    Harness server = started(policy);
    std::string reply = server.send(greeted);
    CHECK(reply.find("CHUNKING") == std::string::npos);
    CHECK(reply.find("BINARYMIME") == std::string::npos);
    CHECK(codes(server.send("MAIL FROM:<a@client.test> BODY=BINARYMIME\r\n")) == Codes{501});
}

TEST_CASE("one BDAT LAST carries the whole message", "[bdat]") {
    Harness server = started();
    CHECK(codes(server.send(envelope)) == Codes{250, 250, 250});
    CHECK(server.send(bdat("Subject: hi\r\n\r\nbody\r\n", true)) ==
          "250 2.0.0 Message accepted for delivery\r\n");
    CHECK(body_of(server) == "Subject: hi\r\n\r\nbody\r\n");
    CHECK_FALSE(server.open_message());
}

TEST_CASE("each chunk gets 250 with its size; LAST commits (RFC 3030 §2)", "[bdat]") {
    Harness server = started();
    server.send(envelope);
    CHECK(server.send(bdat("Subject: hi\r\n")) == "250 2.0.0 13 octets received\r\n");
    CHECK(server.stored().empty());
    CHECK(server.open_message());
    CHECK(server.send(bdat("\r\n")) == "250 2.0.0 2 octets received\r\n");
    CHECK(codes(server.send(bdat("body\r\n", true))) == Codes{250});
    CHECK(body_of(server) == "Subject: hi\r\n\r\nbody\r\n");
}

TEST_CASE("BDAT 0 LAST ends the message; a message may be empty", "[bdat]") {
    Harness server = started();
    server.send(envelope);
    CHECK(codes(server.send(bdat("hello\r\n") + "BDAT 0 LAST\r\n")) == Codes{250, 250});
    CHECK(body_of(server) == "hello\r\n");

    Harness empty = started();
    empty.send(envelope);
    CHECK(codes(empty.send("BDAT 0 LAST\r\n")) == Codes{250});
    CHECK(body_of(empty).empty());
}

TEST_CASE("LAST is read in any case", "[bdat]") {
    Harness server = started();
    server.send(envelope);
    CHECK(codes(server.send("BDAT 2 last\r\nhi")) == Codes{250});
    CHECK(body_of(server) == "hi");
}

TEST_CASE("a BDAT after BDAT LAST is a bad sequence (RFC 3030 §2)", "[bdat]") {
    Harness server = started();
    server.send(envelope);
    CHECK(codes(server.send(bdat("x", true) + bdat("y") + "NOOP\r\n")) == Codes{250, 503, 250});
    CHECK(server.stored().size() == 1);
}

TEST_CASE("chunks may hold anything: binary data is stored byte for byte", "[bdat]") {
    const std::string binary = "a\0b\rc\nd\r\n.\r\nQUIT\r\n\xff\xfe\r\r\n.\n"s;
    Harness server = started();
    server.send(
        "EHLO client.test\r\nMAIL FROM:<a@client.test> BODY=BINARYMIME\r\n"
        "RCPT TO:<b@example.test>\r\n");
    CHECK(codes(server.send(bdat(binary) + bdat(binary, true))) == Codes{250, 250});
    CHECK(body_of(server) == binary + binary);
    CHECK_FALSE(server.closed());
}

TEST_CASE("pipelined BDATs in one read are answered in order", "[bdat][pipelining]") {
    Harness server = started();
    std::string session = envelope + bdat("Subject: a\r\n") + bdat("\r\nQUIT\r\n") +
                          bdat("x\r\n", true) + "MAIL FROM:<c@client.test>\r\n" +
                          "RCPT TO:<d@example.test>\r\n" + bdat("y", true) + "QUIT\r\n";
    CHECK(codes(server.send(session)) == Codes{250, 250, 250, 250, 250, 250, 250, 250, 250, 221});
    REQUIRE(server.stored().size() == 2);
    CHECK(server.stored()[1].text.ends_with("\r\ny"));
}

TEST_CASE("a chunked session split at every offset gives the same result", "[bdat][split]") {
    const std::string session = envelope + bdat("Subject: a\r\n\r\n") + "BDAT 0\r\n" +
                                bdat("\r\n.\r\nRSET\r\n") + bdat("end", true) + "NOOP\r\n";
    for (const auto& chunks : ehlo::test::chunkings(session, 0)) {
        INFO("cut as " << ehlo::test::describe(chunks));
        Harness server = started();
        std::string replies;
        for (std::string_view push : chunks)
            replies += server.send(push);
        CHECK(codes(replies) == Codes{250, 250, 250, 250, 250, 250, 250, 250});
        CHECK(body_of(server) == "Subject: a\r\n\r\n\r\n.\r\nRSET\r\nend");
    }
}

TEST_CASE("the chunk after a refused RCPT is read and discarded, never run", "[bdat][smuggling]") {
    Harness server = started();
    server.send("EHLO client.test\r\nMAIL FROM:<a@client.test>\r\n");
    CHECK(codes(server.send("RCPT TO:<x@elsewhere.test>\r\n")) == Codes{550});
    // The chunk holds commands; a server that read them would answer 221 and close.
    CHECK(codes(server.send(bdat("QUIT\r\n", true) + "NOOP\r\n")) == Codes{554, 250});
    CHECK_FALSE(server.closed());
    CHECK(server.stored().empty());
    // The LAST chunk ended the transaction.
    CHECK(codes(server.send("MAIL FROM:<a@client.test>\r\n")) == Codes{250});
}

TEST_CASE("chunks before MAIL or EHLO are discarded, then refused", "[bdat][smuggling]") {
    Harness server;
    server.start();
    CHECK(codes(server.send(bdat("QUIT\r\n"))) == Codes{503});
    CHECK(codes(server.send(greeted + bdat("MAIL FROM:<a@client.test>\r\n", true))) ==
          Codes{250, 503});
    CHECK(codes(server.send("RCPT TO:<b@example.test>\r\n")) == Codes{503});
    CHECK_FALSE(server.closed());
}

TEST_CASE("a refused MAIL leaves pipelined chunks refused and discarded", "[bdat]") {
    Harness server = started();
    std::string pipelined = greeted + "MAIL FROM:<a@client.test> SIZE=999999999999\r\n" +
                            "RCPT TO:<b@example.test>\r\n" + bdat("RSET\r\n") +
                            bdat("QUIT\r\n", true) + "NOOP\r\n";
    CHECK(codes(server.send(pipelined)) == Codes{250, 552, 503, 503, 503, 250});
    CHECK(server.stored().empty());
    CHECK_FALSE(server.closed());
}

TEST_CASE("without CHUNKING a BDAT chunk is still discarded, then 502", "[bdat]") {
    auto policy = Harness::default_policy();
    policy.extensions.erase(Extension::chunking);
    Harness server = started(policy);
    server.send(envelope);
    CHECK(codes(server.send(bdat("QUIT\r\n", true) + "NOOP\r\n")) == Codes{502, 250});
    CHECK(server.stored().empty());
    CHECK_FALSE(server.closed());
}

TEST_CASE("a malformed BDAT: its chunk is discarded when its size can be read", "[bdat]") {
    Harness server = started();
    server.send(envelope);
    CHECK(codes(server.send("BDAT 6 LASTX\r\nQUIT\r\nNOOP\r\n")) == Codes{501, 250});
    // The transaction failed: later chunks are refused until RSET.
    CHECK(codes(server.send(bdat("abc"))) == Codes{503});
    CHECK(codes(server.send("RSET\r\n")) == Codes{250});
    // Without a readable size there is no chunk: what follows is read as commands.
    CHECK(codes(server.send(envelope.substr(greeted.size()) + "BDAT\r\nNOOP\r\n")) ==
          Codes{250, 250, 501, 250});
    CHECK(codes(server.send("BDAT ten\r\nBDAT 99999999999999999999 LAST\r\n")) == Codes{501, 501});
    CHECK(codes(server.send("RSET\r\n" + bdat("x"))) == Codes{250, 503});
    CHECK(server.stored().empty());
}

TEST_CASE("a size that lies short: the surplus is read as command lines", "[bdat][lying]") {
    Harness server = started();
    server.send(envelope);
    // Announced 4, sent 10: "more\r\n" arrives as a line, and is no command (RFC 3030 §2).
    CHECK(codes(server.send("BDAT 4 LAST\r\nbodymore\r\n")) == Codes{250, 500});
    CHECK(body_of(server) == "body");
}

TEST_CASE("a size that lies long: the next command is data, then the timeout", "[bdat][lying]") {
    Harness server = started();
    server.send(envelope);
    CHECK(server.send("BDAT 100 LAST\r\nshort\r\nQUIT\r\n").empty());
    CHECK(server.open_message());
    CHECK(codes(server.timed_out()) == Codes{421});
    CHECK(server.closed());
    CHECK(server.aborts() == 1);
    CHECK(server.stored().empty());
}

TEST_CASE("a chunk past the size limit is discarded with 552; nothing is stored", "[bdat][size]") {
    auto policy = Harness::default_policy();
    policy.limits.max_message_size = 100;
    Harness server = started(policy);
    server.send(envelope);
    CHECK(codes(server.send(bdat(std::string(60, 'a')))) == Codes{250});
    CHECK(codes(server.send(bdat(std::string(60, 'b')))) == Codes{552});
    CHECK_FALSE(server.open_message());
    CHECK(server.aborts() == 1);
    // The transaction failed: the pipelined rest is discarded with 503 until the LAST.
    CHECK(codes(server.send(bdat("c") + bdat("d", true))) == Codes{503, 503});
    CHECK(server.stored().empty());
    CHECK(codes(server.send(envelope.substr(greeted.size()) + bdat(std::string(100, 'e'), true))) ==
          Codes{250, 250, 250});
    CHECK(server.stored().size() == 1);
}

TEST_CASE("a LAST chunk past the size limit ends the transaction with 552", "[bdat][size]") {
    auto policy = Harness::default_policy();
    policy.limits.max_message_size = 10;
    Harness server = started(policy);
    server.send(envelope);
    CHECK(codes(server.send("BDAT 18446744073709551615 LAST\r\n" + std::string(50, 'x'))).empty());
    CHECK(server.connection().state() == ehlo::server::State::chunk);
    CHECK(server.stored().empty());
    Harness second = started(policy);
    second.send(envelope);
    CHECK(codes(second.send(bdat(std::string(11, 'x'), true) + "MAIL FROM:<a@client.test>\r\n")) ==
          Codes{552, 250});
    CHECK(second.stored().empty());
}

TEST_CASE("the size limit counts the chunks, not the buffer: big chunks stream", "[bdat][size]") {
    auto policy = Harness::default_policy();
    Harness server = started(policy);
    server.send(envelope);
    server.send("BDAT 1000000 LAST\r\n");
    ehlo::server::Connection& connection = server.connection();
    std::string block(4096, 'z');
    std::size_t largest = 0;
    for (std::size_t sent = 0; sent < 1000000; sent += block.size()) {
        std::string_view input =
            std::string_view(block).substr(0, std::min<std::size_t>(block.size(), 1000000 - sent));
        auto out = connection.receive(input, {});
        for (const auto& action : out.actions)
            largest = std::max(largest, action.data.size());
    }
    CHECK(largest <= block.size());
    CHECK(connection.awaiting_commit());
}

TEST_CASE("DATA after BDAT in one transaction is refused with 503 (RFC 3030 §2)", "[bdat]") {
    Harness server = started();
    server.send(envelope);
    CHECK(codes(server.send(bdat("part\r\n") + "DATA\r\n")) == Codes{250, 503});
    CHECK(codes(server.send("RSET\r\n")) == Codes{250});
    CHECK(server.aborts() == 1);
    // DATA and BDAT may both be used in one session, one per transaction.
    CHECK(codes(server.send(envelope.substr(greeted.size()) + "DATA\r\nx\r\n.\r\n")) ==
          Codes{250, 250, 354, 250});
}

TEST_CASE("BODY=BINARYMIME takes BDAT only: DATA gets 503 (RFC 3030 §3)", "[bdat][binarymime]") {
    Harness server = started();
    server.send(greeted);
    CHECK(codes(server.send("MAIL FROM:<a@client.test> BODY=BINARYMIME\r\n"
                            "RCPT TO:<b@example.test>\r\nDATA\r\n")) == Codes{250, 250, 503});
    CHECK(codes(server.send(bdat("\x01\x02\0", true))) == Codes{250});
    CHECK(server.stored().size() == 1);
}

TEST_CASE("BODY=8BITMIME and 7BIT work with BDAT as with DATA", "[bdat][binarymime]") {
    for (const char* body : {"8BITMIME", "7BIT", "binarymime"}) {
        INFO(body);
        Harness server = started();
        server.send(greeted);
        CHECK(codes(server.send("MAIL FROM:<a@client.test> BODY=" + std::string(body) + "\r\n" +
                                "RCPT TO:<b@example.test>\r\n" + bdat("caf\xc3\xa9", true))) ==
              Codes{250, 250, 250});
    }
}

TEST_CASE("RSET or EHLO between chunks drops the open message", "[bdat]") {
    for (const char* reset : {"RSET\r\n", "EHLO again.test\r\n", "HELO again.test\r\n"}) {
        INFO(reset);
        Harness server = started();
        server.send(envelope);
        server.send(bdat("part one\r\n"));
        CHECK(server.open_message());
        CHECK(codes(server.send(reset)) == Codes{250});
        CHECK_FALSE(server.open_message());
        CHECK(server.aborts() == 1);
        CHECK(codes(server.send(bdat("late", true))) == Codes{503});
        CHECK(server.stored().empty());
    }
}

TEST_CASE("a store failure at LAST is 451 and ends the transaction", "[bdat]") {
    Harness server = started();
    server.send(envelope);
    server.fail_next_commit();
    CHECK(codes(server.send(bdat("a") + bdat("b", true))) == Codes{250, 451});
    CHECK(codes(server.send("MAIL FROM:<a@client.test>\r\n")) == Codes{250});
}

TEST_CASE("a shutdown between chunks drops the message with 421", "[bdat]") {
    Harness server = started();
    server.send(envelope + bdat("part"));
    CHECK(codes(server.shutting_down()) == Codes{421});
    CHECK(server.aborts() == 1);
}

TEST_CASE("the trace shows BDAT with RFC 3030 and summarises the chunk", "[bdat][trace]") {
    ehlo::server::Policy policy = Harness::default_policy();
    ehlo::server::Connection connection(policy, ehlo::server::Peer{}, true);
    connection.start(ehlo::server::Clock::now());
    std::string_view input =
        "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<b@example.test>\r\n"
        "BDAT 8\r\nsecret\r\n";
    std::vector<ehlo::server::TraceLine> trace;
    while (!input.empty()) {
        auto out = connection.receive(input, ehlo::server::Clock::now());
        trace.insert(trace.end(), out.trace.begin(), out.trace.end());
    }
    REQUIRE(trace.size() >= 3);
    const auto& reply = trace[trace.size() - 1];
    const auto& chunk = trace[trace.size() - 2];
    const auto& command = trace[trace.size() - 3];
    CHECK(command.text == "BDAT 8");
    CHECK(command.section == "RFC 3030 §2");
    CHECK(chunk.direction == 'C');
    CHECK(chunk.text.find("8 octets") != std::string::npos);
    CHECK(chunk.text.find("secret") == std::string::npos);
    CHECK(chunk.section == "RFC 3030 §2");
    CHECK(reply.text == "250 2.0.0 8 octets received");
    CHECK(reply.section == "RFC 3030 §2");
}

TEST_CASE("before TLS under require_tls, a BDAT's chunk is discarded, then 530", "[bdat]") {
    auto policy = Harness::default_policy();
    policy.extensions.insert(Extension::starttls);
    policy.require_tls = true;
    Harness server = started(policy);
    CHECK(codes(server.send(greeted + bdat("MAIL FROM:<a@client.test>\r\n", true) + "NOOP\r\n")) ==
          Codes{250, 530, 250});
    CHECK_FALSE(server.closed());
}

TEST_CASE("BODY=BINARYMIME without BINARYMIME offered is an unknown body value", "[bdat]") {
    auto policy = Harness::default_policy();
    policy.extensions.erase(Extension::binarymime);
    Harness server = started(policy);
    server.send(greeted);
    CHECK(codes(server.send("MAIL FROM:<a@client.test> BODY=BINARYMIME\r\n")) == Codes{501});
    // With BINARYMIME and without 8BITMIME, BODY=8BITMIME is unknown and BINARYMIME works.
    auto binary_only = Harness::default_policy();
    binary_only.extensions.erase(Extension::eightbitmime);
    Harness other = started(binary_only);
    other.send(greeted);
    CHECK(codes(other.send("MAIL FROM:<a@client.test> BODY=8BITMIME\r\n")) == Codes{501});
    CHECK(codes(other.send("MAIL FROM:<a@client.test> BODY=BINARYMIME\r\n")) == Codes{250});
}
