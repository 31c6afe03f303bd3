// MAIL parameters given more than once: a MAIL carries one SIZE (RFC 1870 §6) and one BODY
// (RFC 6152 §3), so a keyword repeated with another value is refused as a syntax error (501)
// and the session can go on with a correct MAIL; the same parameter twice is accepted.
#include <catch2/catch.hpp>

#include <string>

#include "server_harness.hpp"

using ehlo::test::codes;
using ehlo::test::Harness;
using Codes = std::vector<int>;

namespace {

Harness greeted() {
    Harness server(Harness::default_policy());
    server.start();
    server.send("EHLO client.test\r\n");
    return server;
}

}  // namespace

TEST_CASE("a repeated SIZE parameter is a syntax error: 501 (RFC 1870 §6)", "[extensions]") {
    Harness server = greeted();
    CHECK(codes(server.send("MAIL FROM:<a@client.test> SIZE=100 SIZE=200\r\n")) == Codes{501});
    CHECK(codes(server.send("MAIL FROM:<a@client.test> SIZE=100\r\n")) == Codes{250});
}

TEST_CASE("a repeated BODY parameter is a syntax error: 501 (RFC 6152 §3)", "[extensions]") {
    Harness server = greeted();
    CHECK(codes(server.send("MAIL FROM:<a@client.test> BODY=7BIT body=8BITMIME\r\n")) ==
          Codes{501});
    CHECK(codes(server.send("MAIL FROM:<a@client.test> BODY=8BITMIME SIZE=10 SMTPUTF8\r\n")) ==
          Codes{250});
}

TEST_CASE("the same parameter written twice is accepted", "[extensions]") {
    Harness server = greeted();
    CHECK(codes(server.send("MAIL FROM:<a@client.test> SMTPUTF8 SMTPUTF8 BODY=8BITMIME\r\n")) ==
          Codes{250});
}

TEST_CASE("a repeated unknown parameter is still unknown: 555", "[extensions]") {
    Harness server = greeted();
    CHECK(codes(server.send("MAIL FROM:<a@client.test> XYZZY=1 XYZZY=2\r\n")) == Codes{555});
}
