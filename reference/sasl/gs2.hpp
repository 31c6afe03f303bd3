// Layer: sasl (sans-I/O). The GS2 header that opens SCRAM and OAUTHBEARER client messages
// (RFC 5801 §4, used by RFC 5802 §7 and RFC 7628 §3.1) and the `saslname` escaping of
// RFC 5802 §5.1. Channel binding is not supported: a `p=` flag is refused.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ehlo::sasl {

/// A parsed GS2 header: `n` or `y`, a comma, an optional `a=` authzid, a comma.
struct Gs2Header {
    std::string authzid;     ///< decoded; empty if absent
    std::size_t length = 0;  ///< octets of the header, both commas included
};

/// Parses the GS2 header at the start of `message`. No value if it is malformed, asks for
/// channel binding (`p=`), or its authzid is not a valid saslname.
std::optional<Gs2Header> parse_gs2_header(std::string_view message);

/// Undoes the saslname escapes `=2C` (comma) and `=3D` (equals) RFC 5802 §5.1. No value for
/// any other `=`, a bare comma, an empty name, or text that is not UTF-8.
std::optional<std::string> decode_saslname(std::string_view text);

}  // namespace ehlo::sasl
