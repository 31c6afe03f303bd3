// Layer: protocol (sans-I/O). The syntax SMTP AUTH adds to commands (RFC 4954): the arguments
// of the AUTH verb (RFC 4954 §4: a SASL mechanism name after RFC 4422 §3.1, and an optional initial
// response) and the AUTH= parameter of MAIL (RFC 4954 §5: an xtext of RFC 3461 §4 that decodes to a
// mailbox or to "<>"). Decoding the base64 and running the exchange belong to sasl/; whether
// AUTH is allowed now, and what it answers, to the server.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ehlo::protocol {

/// The longest SASL mechanism name RFC 4422 §3.1.
inline constexpr std::size_t max_mechanism_name = 20;

/// The arguments of `AUTH mechanism [initial-response]` RFC 4954 §4.
struct AuthArguments {
    /// The mechanism as sent; names compare without regard to case RFC 4954 §8.
    std::string mechanism;
    /// The initial response exactly as sent (base64, or "=" for an empty one), if any. It is
    /// decoded by the SASL layer, which answers 501 5.5.2 for bad base64 RFC 4954 §4.
    std::optional<std::string> initial_response;
};

/// Whether `name` is a sasl-mech: 1 to 20 letters, digits, `-` or `_` RFC 4422 §3.1. Lower
/// case letters are accepted, since RFC 4954 §8 makes the name case-insensitive.
bool is_mechanism_name(std::string_view name);

/// Parses the text after "AUTH ": a mechanism name, then optionally one SP and one word, the
/// initial response. Nothing for any other shape (no mechanism, a bad name, a third word,
/// two spaces): a syntax error, 501 RFC 4954 §4.
std::optional<AuthArguments> parse_auth_arguments(std::string_view text);

/// Decodes an xtext RFC 3461 §4: octets 0x21-0x7E other than `+` and `=` stand for
/// themselves, and `+` with two hexadecimal digits for any octet. Nothing if malformed.
std::optional<std::string> xtext_decode(std::string_view text);

/// Whether the value of MAIL's AUTH= parameter is well-formed RFC 4954 §5: an xtext that
/// decodes to "<>" or to a mailbox of RFC 5321 §4.1.2 (ASCII, no angle brackets).
bool is_auth_parameter(std::string_view value);

}  // namespace ehlo::protocol
