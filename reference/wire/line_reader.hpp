// Layer: wire (sans-I/O). Frames the command stream into lines ended by CRLF.
// Implements RFC 5321 §2.3.8 (CR and LF only as CRLF), RFC 5321 §4.1.1.4 (no bare LF as a line end)
// and RFC 5321 §4.5.3.1.4 (512-octet command lines). It knows nothing of commands or replies.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ehlo::wire {

/// What the reader found at the end of one line of input.
enum class LineEvent {
    need_more,  ///< no complete line yet: all input was consumed and buffered
    line,       ///< a well-formed line; its text (without CRLF) is in LineReader::line()
    bare_cr,    ///< the line held a CR not followed by LF RFC 5321 §2.3.8
    bare_lf,    ///< the line held an LF without CR before it RFC 5321 §2.3.8
    nul,        ///< the line held a NUL octet
    too_long,   ///< the line, CRLF included, was longer than the limit RFC 5321 §4.5.3.1.4
};

/// Splits a byte stream into CRLF-terminated lines, one event per line.
///
/// A line ends at CRLF and nowhere else RFC 5321 §2.3.8: a bare LF or a bare CR is a fault
/// inside the line, which is reported at its CRLF as one event, so no text of a malformed
/// line is ever acted upon, and nothing after a bare LF is taken for a new line.
/// A line with several faults is reported by its first one. Over-long lines are discarded as
/// they arrive, so memory stays bounded by the limit whatever the peer sends.
class LineReader {
  public:
    /// `max_line` counts the line's octets including its CRLF (RFC 5321: 512 for commands).
    explicit LineReader(std::size_t max_line = 512);

    /// Consumes bytes from the front of `input` up to the end of one line (or all of it) and
    /// returns what it found. Bytes after that line stay in `input` for the next call or for
    /// another reader (the message data after DATA, say).
    LineEvent next(std::string_view& input);

    /// The text of the last `line` event, without its CRLF. It stays valid until the next
    /// call to next() that consumes an octet.
    const std::string& line() const { return line_; }

    /// True while a line has begun but not ended (some of its octets have been consumed).
    bool mid_line() const { return length_ != 0; }

    std::size_t max_line() const { return max_line_; }

  private:
    void note(LineEvent fault);
    LineEvent end_line();

    std::size_t max_line_;
    std::string line_;        // text of the current line while it has no fault, at most max_line_
    std::size_t length_ = 0;  // octets of the current line seen so far, 0 between lines
    bool pending_cr_ = false;
    LineEvent fault_ = LineEvent::line;  // first fault of the current line, `line` if none
};

}  // namespace ehlo::wire
