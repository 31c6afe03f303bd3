// Layer: net. The address syntax of every command line: `HOST:PORT`, with an
// IPv6 literal in brackets, `[::1]:PORT`, as in URLs (RFC 3986 §3.2.2). Port 0 asks the
// system for a free port. Name resolution and binding are left to serve/listener.cpp.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <asio/ip/tcp.hpp>

namespace ehlo::net {

/// A parsed `HOST:PORT`: the host without brackets, and the port.
struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};

/// A malformed address; what() names the problem and shows the right form.
class AddressError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

/// Parses `HOST:PORT` or `[IPv6]:PORT`. Throws AddressError.
HostPort parse_host_port(std::string_view text);

/// The text form of an address, brackets around IPv6: "127.0.0.1:2525", "[::1]:2525".
/// An IPv4-mapped IPv6 address is shown as plain IPv4.
std::string format_endpoint(const asio::ip::tcp::endpoint& endpoint);

/// The peer's address as text, for the session and the Received: header.
std::string address_text(const asio::ip::address& address);

}  // namespace ehlo::net
