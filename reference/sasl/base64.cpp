// Layer: sasl (sans-I/O). Strict base64 for SMTP AUTH, RFC 4954 §4 over RFC 4648 §4.
// The decoder is written out rather than taken from OpenSSL's EVP_DecodeBlock, which accepts
// whitespace and keeps the padding octets in its output length.
#include "sasl/base64.hpp"

#include <algorithm>
#include <cstdint>

namespace ehlo::sasl {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The 6-bit value of a base64 character, or -1 for any other octet (the pad `=` included).
int sextet(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = 0;
        for (std::size_t k = 0; k < 3; ++k) {
            const auto octet = k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u;
            group = (group << 8) | octet;
        }
        for (std::size_t k = 0; k < 4; ++k) {
            out += k <= n ? alphabet[(group >> (18 - 6 * k)) & 0x3f] : '=';
        }
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=')
        ++pad;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    const std::size_t data_chars = text.size() - pad;
    std::uint32_t bits = 0;
    int nbits = 0;
    for (std::size_t i = 0; i < data_chars; ++i) {
        const int value = sextet(text[i]);
        if (value < 0) return std::nullopt;  // an alien octet, or `=` before the end
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out += static_cast<char>((bits >> nbits) & 0xff);
        }
    }
    // What is left under the padding must be zero bits, so each text has one spelling.
    if ((bits & ((1u << nbits) - 1)) != 0) return std::nullopt;
    return out;
}

namespace {

ClientResponse decode_as_response(std::string_view text) {
    if (text.size() > max_response_line) return {ClientResponse::Kind::too_long, {}};
    auto bytes = base64_decode(text);
    if (!bytes) return {ClientResponse::Kind::bad, {}};
    return {ClientResponse::Kind::data, std::move(*bytes)};
}

}  // namespace

ClientResponse parse_response(std::string_view line) {
    if (line == "*") return {ClientResponse::Kind::cancel, {}};
    return decode_as_response(line);
}

ClientResponse parse_initial_response(std::string_view argument) {
    if (argument == "=") return {ClientResponse::Kind::data, {}};
    if (argument.empty()) return {ClientResponse::Kind::bad, {}};
    return decode_as_response(argument);
}

}  // namespace ehlo::sasl
