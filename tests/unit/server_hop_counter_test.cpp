// Loop detection by counting Received: fields (RFC 5321 §6.3): the counter alone, fed in
// pieces split at every offset, and the server refusing a looping message at the end of DATA
// and at a LAST chunk, while a message at the threshold is delivered.
#include <catch2/catch.hpp>

#include "server/hop_counter.hpp"
#include "server_harness.hpp"

using ehlo::server::HopCounter;
using ehlo::server::max_received_fields;
using ehlo::test::Harness;

namespace {

const std::string envelope =
    "EHLO client.test\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.test>\r\n";

std::string received_fields(std::size_t count) {
    std::string fields;
    for (std::size_t i = 0; i < count; ++i) {
        fields += "Received: from hop" + std::to_string(i) + ".test\r\n\tby next.test\r\n";
    }
    return fields;
}

std::string message_with(std::size_t hops) {
    return received_fields(hops) + "Subject: loop?\r\n\r\nReceived: in the body is text\r\n";
}

std::size_t count_fed_whole(std::string_view message) {
    HopCounter counter;
    counter.feed(message);
    return counter.received();
}

}  // namespace

TEST_CASE("the counter counts Received: fields of the header section only", "[hops]") {
    CHECK(count_fed_whole(message_with(3)) == 3);
    CHECK(count_fed_whole("Subject: x\r\n\r\nReceived: body\r\n") == 0);
    CHECK(count_fed_whole("RECEIVED: a\r\nreceived:b\r\nX-Received: c\r\nReceived-SPF: d\r\n") ==
          2);
    CHECK(count_fed_whole("Received: a") == 0);  // a line is counted when it ends
    CHECK(count_fed_whole("Receive\r\nd: x\r\n") == 0);
}

TEST_CASE("the count is the same however the data is split", "[hops]") {
    const std::string message = message_with(5);
    for (std::size_t cut = 0; cut <= message.size(); ++cut) {
        HopCounter counter;
        counter.feed(std::string_view(message).substr(0, cut));
        counter.feed(std::string_view(message).substr(cut));
        INFO("cut at " << cut);
        CHECK(counter.received() == 5);
    }
}

TEST_CASE("more Received: fields than the threshold is a loop", "[hops]") {
    HopCounter at_threshold;
    at_threshold.feed(received_fields(max_received_fields));
    CHECK_FALSE(at_threshold.looping());
    at_threshold.feed(received_fields(1));
    CHECK(at_threshold.looping());
}

TEST_CASE("DATA: a looping message gets 554 5.4.6 and is not stored (RFC 5321 §6.3)", "[hops]") {
    Harness server;
    server.start();
    std::string replies =
        server.send(envelope + "DATA\r\n" + message_with(max_received_fields + 1) + ".\r\n");
    CHECK(replies.find("554 5.4.6 ") != std::string::npos);
    CHECK(server.stored().empty());
    CHECK(server.aborts() == 1);
    CHECK(server.send("NOOP\r\n") == "250 2.0.0 OK\r\n");
}

TEST_CASE("DATA: a message at the threshold is delivered", "[hops]") {
    Harness server;
    server.start();
    std::string replies =
        server.send(envelope + "DATA\r\n" + message_with(max_received_fields) + ".\r\n");
    CHECK(replies.find("250 2.0.0 ") != std::string::npos);
    CHECK(server.stored().size() == 1);
}

TEST_CASE("BDAT: the LAST chunk of a looping message gets 554 5.4.6", "[hops]") {
    Harness server;
    server.start();
    const std::string message = message_with(max_received_fields + 1);
    const std::string half = message.substr(0, message.size() / 2);
    const std::string rest = message.substr(half.size());
    std::string replies =
        server.send(envelope + "BDAT " + std::to_string(half.size()) + "\r\n" + half + "BDAT " +
                    std::to_string(rest.size()) + " LAST\r\n" + rest);
    CHECK(replies.find("554 5.4.6 ") != std::string::npos);
    CHECK(server.stored().empty());
    CHECK(server.aborts() == 1);
    CHECK(server.send("MAIL FROM:<a@client.test>\r\n").rfind("250", 0) == 0);
}
