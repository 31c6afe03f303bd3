// Layer: sasl (sans-I/O). The base64 coding of SASL challenges and responses in SMTP AUTH.
// Implements RFC 4954 §4 (strict base64, `=` for an empty initial response, `*` to cancel,
// a bounded line of 12288 octets) over the alphabet of RFC 4648 §4. It leaves the 334 and
// reply lines themselves to the SMTP layer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ehlo::sasl {

/// The longest client response line this layer accepts, in encoded octets RFC 4954 §4.
inline constexpr std::size_t max_response_line = 12288;

/// Encodes `bytes` in base64 with padding, as a 334 challenge carries it RFC 4954 §4.
std::string base64_encode(std::string_view bytes);

/// Decodes strict base64 RFC 4954 §4: only the RFC 4648 alphabet, a length that is a multiple
/// of four, `=` only as one or two final pad characters, and zero bits under the padding.
/// Returns no value on any violation. The empty string decodes to the empty string.
std::optional<std::string> base64_decode(std::string_view text);

/// What one client line of an AUTH exchange says, once decoded.
struct ClientResponse {
    enum class Kind {
        data,      ///< a response; its decoded bytes are in `bytes`
        cancel,    ///< the client sent `*` to give up RFC 4954 §4
        bad,       ///< not strict base64 (reply 501 5.5.2) RFC 4954 §4
        too_long,  ///< longer than max_response_line (reply 500 5.5.6) RFC 4954 §4
    };
    Kind kind = Kind::data;
    std::string bytes;
};

/// Decodes a continuation line (the text after a 334, without CRLF). An empty line is an
/// empty response; `*` cancels RFC 4954 §4.
ClientResponse parse_response(std::string_view line);

/// Decodes the optional initial-response argument of AUTH. A single `=` stands for a present
/// but empty response RFC 4954 §4; `*` is not allowed there and counts as bad base64.
ClientResponse parse_initial_response(std::string_view argument);

}  // namespace ehlo::sasl
