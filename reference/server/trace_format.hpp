// Layer: server (sans-I/O). How `--trace` shows the dialogue: one line per command or reply
// line, with the connection id, the direction and the RFC section that governs the step, in
// the C:/S: notation of RFC 5321 §D. Printing (and its locking) is left to the driver.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/connection.hpp"

namespace ehlo::server {

/// Where the citation column starts, so that the sections line up under each other.
inline constexpr std::size_t trace_citation_column = 56;

/// The citation as the trace prints it, "RFC 5321 §4.1.1.2" (protocol::citation_text); empty
/// stays empty.
std::string rfc_citation(std::string_view section);

/// Makes client text safe for a terminal: control octets (CR, LF, NUL, ESC, ...) are shown as
/// `\r`, `\n` or `\xNN`; printable ASCII and UTF-8 pass unchanged.
std::string printable(std::string_view text);

/// The printed form of one trace line, without a line end, e.g.
/// `[3] C: MAIL FROM:<a@example.test>                       RFC 5321 §4.1.1.2`.
/// Text holding CRLF is printed as several lines (joined by "\n"), the citation on the first.
std::string format_trace_line(std::uint64_t connection_id, const TraceLine& line);

/// A note about the connection itself, e.g. `[3] -- connected from 127.0.0.1`.
std::string format_trace_note(std::uint64_t connection_id, std::string_view note);

}  // namespace ehlo::server
