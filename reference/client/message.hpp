// Layer: client (sans-I/O). The message as the client sends it: the input made into lines
// ended by CRLF (RFC 5321 §2.3.8), the 1000-octet line limit (RFC 5321 §4.5.3.1.6), dot-stuffing
// and the end-of-data mark (RFC 5321 §4.5.2, RFC 5321 §4.1.1.4), and what the content needs from
// the server: 8-bit octets (BODY=8BITMIME, RFC 6152 §3) or UTF-8 in the header section (SMTPUTF8,
// RFC 6531 §3.1, RFC 6532 §3). A message built from a subject and body gets Date (RFC 5322 §3.3,
// RFC 5322 §3.6.1), From and To (RFC 5322 §3.6.2, RFC 5322 §3.6.3) and Message-ID
// (RFC 5322 §3.6.4). Reading files, clocks and randomness are the caller's: time and the unique
// part of the Message-ID are passed in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ehlo::client {

/// The longest line of message data, CRLF included RFC 5321 §4.5.3.1.6.
inline constexpr std::size_t max_line_octets = 1000;

/// Why a message cannot be sent as it is.
enum class MessageError {
    none,
    line_too_long,  ///< a line over 998 octets before its CRLF RFC 5321 §4.5.3.1.6
    nul_octet,      ///< a NUL, which SMTP text never carries RFC 5321 §4.5.2
};

/// A message made ready for the wire, and what it needs from the server.
struct PreparedMessage {
    std::string data;  ///< every line ended by CRLF; not dot-stuffed
    MessageError error = MessageError::none;
    std::size_t error_line = 0;  ///< 1-based line of the first error
    bool eight_bit = false;      ///< some octet over 127: needs 8BITMIME RFC 6152 §3
    bool utf8_headers = false;   ///< UTF-8 in the header section RFC 6532 §3
    /// One line for the user, e.g. "line 12 is 1204 octets long; SMTP allows 998 ...".
    std::string describe_error() const;
};

/// Normalises line ends to CRLF (a bare LF or a bare CR becomes CRLF, RFC 5321 §2.3.8 lets
/// neither through), adds a final CRLF when the input lacks one, and checks the line limit.
PreparedMessage prepare_message(std::string_view input);

/// The message data as DATA sends it: a leading "." of a line doubled RFC 5321 §4.5.2 and the
/// end mark CRLF "." CRLF appended RFC 5321 §4.1.1.4. `data` must end with CRLF.
std::string dot_stuff(std::string_view data);

/// Whether the octets hold anything beyond US-ASCII.
bool has_8bit(std::string_view text);

/// The size of the message for the SIZE parameter: octets of `data` as prepared, CRLF
/// counted as two RFC 1870 §3.
inline std::uint64_t message_size(const PreparedMessage& message) {
    return message.data.size();
}

/// A date-time of RFC 5322 §3.3: "Sun, 22 Nov 2026 05:41:20 +0000" for `seconds` since the
/// epoch, shown in the zone `offset_minutes` east of UTC.
std::string format_date(std::int64_t seconds, int offset_minutes = 0);

/// A message to build from parts (ehlo-send's --subject and --body).
struct Composition {
    std::string from;             ///< mailbox, without angle brackets
    std::vector<std::string> to;  ///< mailboxes, without angle brackets
    std::string subject;
    std::string body;        ///< any line ends; UTF-8 allowed
    std::int64_t date = 0;   ///< seconds since the epoch
    int offset_minutes = 0;  ///< the local zone, minutes east of UTC
    std::string unique;      ///< the left part of the Message-ID: random, no '@'
    std::string domain;      ///< the right part of the Message-ID
};

/// Builds a message RFC 5322 §3.6: Date, From, To, Subject and Message-ID. A subject beyond
/// ASCII becomes an encoded-word (RFC 2047 §2, UTF-8, "B"), so the header stays 7-bit; a body
/// beyond ASCII gets MIME headers for UTF-8 text in 8bit (RFC 2045 §6.2), which 8BITMIME
/// carries.
std::string compose_message(const Composition& parts);

}  // namespace ehlo::client
