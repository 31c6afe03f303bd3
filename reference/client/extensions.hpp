// Layer: client (sans-I/O). What the server offers, read from its reply to EHLO: the first
// line greets, each further line is a keyword with its parameters (RFC 5321 §4.1.1.1). The
// keywords the client acts on: PIPELINING (RFC 2920 §3), CHUNKING (RFC 3030 §2), SIZE
// (RFC 1870 §4), 8BITMIME (RFC 6152 §2), SMTPUTF8 (RFC 6531 §3.1), DSN (RFC 3461 §4),
// STARTTLS (RFC 3207 §4), AUTH (RFC 4954 §3), ENHANCEDSTATUSCODES (RFC 2034 §3). Deciding what to
// use is the session's (session.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wire/reply_codec.hpp"

namespace ehlo::client {

/// The service extensions of one EHLO reply.
struct Extensions {
    bool pipelining = false;             ///< RFC 2920 §3
    bool chunking = false;               ///< BDAT RFC 3030 §2
    bool eight_bit_mime = false;         ///< BODY=8BITMIME RFC 6152 §2
    bool smtputf8 = false;               ///< RFC 6531 §3.1
    bool dsn = false;                    ///< NOTIFY, ORCPT, RET, ENVID RFC 3461 §4
    bool starttls = false;               ///< RFC 3207 §4
    bool enhanced_status_codes = false;  ///< RFC 2034 §3
    /// SIZE: no value when not offered; 0 when offered without a limit RFC 1870 §4.
    std::optional<std::uint64_t> size;
    std::vector<std::string> auth;      ///< AUTH mechanisms, upper case RFC 4954 §3
    std::vector<std::string> keywords;  ///< every keyword, upper case, in the server's order
};

/// Reads the keywords of a 250 reply to EHLO. Keywords compare without regard to case; a
/// line that is no keyword is skipped. "AUTH=LOGIN PLAIN", an old spelling some servers still
/// send, counts as AUTH too.
Extensions parse_extensions(const wire::WireReply& reply);

}  // namespace ehlo::client
