// Layer: client (sans-I/O). How ehlo-send's `--trace` shows the dialogue: the same notation as
// the server's trace (server/trace_format.hpp), one line per command or reply line with the
// RFC section that governs the step, in the C:/S: notation of RFC 5321 §D. The client
// keeps its own copy of the few lines of formatting so that it never links the server; the
// citation's spelling comes from protocol/citation.hpp, as the server's does.
// Printing is left to the driver.
#pragma once

#include <string>
#include <string_view>

#include "wire/reply_codec.hpp"

namespace ehlo::client {

/// Where the citation column starts, as in the server's trace.
inline constexpr std::size_t trace_citation_column = 56;

/// One printed line: `[1] C: MAIL FROM:<a@example.test>        RFC 5321 §4.1.1.2`.
/// `direction` is 'C' (sent) or 'S' (received); control octets are shown escaped.
std::string format_trace_line(char direction, std::string_view text, std::string_view section);

/// The printed lines of a reply, the citation on the first: `[1] S: 250-mx.example.test`...
std::string format_trace_reply(const wire::WireReply& reply, std::string_view section);

/// A note about the connection: `[1] -- TLS started: TLSv1.3 ...`.
std::string format_trace_note(std::string_view note);

}  // namespace ehlo::client
