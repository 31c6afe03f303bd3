// Unit tests for net/address: the HOST:PORT syntax of the command lines.
#include <catch2/catch.hpp>

#include "net/address.hpp"

using ehlo::net::AddressError;
using ehlo::net::format_endpoint;
using ehlo::net::parse_host_port;

TEST_CASE("HOST:PORT with a name or an IPv4 address") {
    auto parsed = parse_host_port("127.0.0.1:2525");
    CHECK(parsed.host == "127.0.0.1");
    CHECK(parsed.port == 2525);
    parsed = parse_host_port("localhost:25");
    CHECK(parsed.host == "localhost");
    CHECK(parsed.port == 25);
}

TEST_CASE("port 0 and the largest port are allowed") {
    CHECK(parse_host_port("127.0.0.1:0").port == 0);
    CHECK(parse_host_port("127.0.0.1:65535").port == 65535);
}

TEST_CASE("an IPv6 address stands in brackets") {
    auto parsed = parse_host_port("[::1]:2525");
    CHECK(parsed.host == "::1");
    CHECK(parsed.port == 2525);
    CHECK(parse_host_port("[2001:db8::25]:0").host == "2001:db8::25");
}

TEST_CASE("malformed addresses are refused with a message that shows the form") {
    const char* bad[] = {"",        "127.0.0.1",  "127.0.0.1:", ":25",      "::1:25",
                         "[::1]",   "[::1]25",    "[::1:25",    "[]:25",    "host:port",
                         "host:-1", "host:65536", "host:25x",   "host: 25", "host:99999999999"};
    for (const char* text : bad) {
        INFO(text);
        CHECK_THROWS_AS(parse_host_port(text), AddressError);
    }
    CHECK_THROWS_WITH(parse_host_port("::1:25"),
                      Catch::Contains("brackets") && Catch::Contains("[::1]:2525"));
    CHECK_THROWS_WITH(parse_host_port("example.test"), Catch::Contains("port is missing"));
}

TEST_CASE("endpoints print with brackets around IPv6") {
    using asio::ip::make_address;
    using asio::ip::tcp;
    CHECK(format_endpoint(tcp::endpoint(make_address("127.0.0.1"), 2525)) == "127.0.0.1:2525");
    CHECK(format_endpoint(tcp::endpoint(make_address("::1"), 25)) == "[::1]:25");
    CHECK(format_endpoint(tcp::endpoint(make_address("::ffff:127.0.0.1"), 25)) == "127.0.0.1:25");
}
