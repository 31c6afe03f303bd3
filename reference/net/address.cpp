// Layer: net. Parsing and printing `HOST:PORT` addresses: see address.hpp.
#include "net/address.hpp"

#include <charconv>

namespace ehlo::net {

namespace {

[[noreturn]] void fail(std::string_view text, std::string_view problem) {
    throw AddressError("bad address '" + std::string(text) + "': " + std::string(problem) +
                       "; write HOST:PORT, e.g. 127.0.0.1:2525 or [::1]:2525");
}

std::uint16_t parse_port(std::string_view text, std::string_view port) {
    if (port.empty()) fail(text, "the port is missing");
    unsigned value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc{} || end != port.data() + port.size()) {
        fail(text, "the port must be a number");
    }
    if (value > 65535) fail(text, "the port must be at most 65535");
    return static_cast<std::uint16_t>(value);
}

}  // namespace

HostPort parse_host_port(std::string_view text) {
    HostPort parsed;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        std::size_t close = text.find(']');
        if (close == std::string_view::npos) fail(text, "'[' without ']'");
        parsed.host = std::string(text.substr(1, close - 1));
        std::string_view after = text.substr(close + 1);
        if (after.empty() || after.front() != ':') fail(text, "expected ':' after ']'");
        port = after.substr(1);
    } else {
        std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos) fail(text, "the port is missing");
        parsed.host = std::string(text.substr(0, colon));
        if (parsed.host.find(':') != std::string::npos) {
            fail(text, "an IPv6 address needs brackets");
        }
        port = text.substr(colon + 1);
    }
    if (parsed.host.empty()) fail(text, "the host is missing");
    parsed.port = parse_port(text, port);
    return parsed;
}

std::string address_text(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
}

std::string format_endpoint(const asio::ip::tcp::endpoint& endpoint) {
    std::string host = address_text(endpoint.address());
    bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(endpoint.port());
}

}  // namespace ehlo::net
