// Layer: wire (sans-I/O). Frames the command stream into lines: RFC 5321 §2.3.8 (a line ends
// only at CRLF), RFC 5321 §4.1.1.4 and RFC 5321 §2.3.8 (a bare LF is no line end) and
// RFC 5321 §4.5.3.1.4 (512-octet command lines). It reports a malformed line as one event and
// leaves the reply to it (500, or closing the connection) to the server; commands and their syntax
// belong to protocol/.
#include "wire/line_reader.hpp"

namespace ehlo::wire {

// How the reader walks through a line, one octet at a time:
//
//   - A CR is held as "pending": only the next octet tells whether it starts a CRLF (which
//     ends the line) or is a bare CR (a fault, RFC 5321 §2.3.8). A CR at the end of one push
//     stays pending until the next push.
//   - An LF after a pending CR ends the line. An LF without one is a fault inside the line,
//     which goes on to the next CRLF: RFC 5321 §2.3.8 lets nothing but CRLF end a line, so
//     "NOOP<LF>NOOP<CRLF>" is one faulty line, never a command after a line end.
//   - Every octet counts towards the limit, the CR and LF included (RFC 5321 §4.5.3.1.4).
//     Past the limit the text is no longer kept, so memory stays bounded by `max_line`.
//   - The first fault of a line is the one reported; the text of a faulty line is dropped.

LineReader::LineReader(std::size_t max_line) : max_line_(max_line) {}

LineEvent LineReader::next(std::string_view& input) {
    if (length_ == 0 && !input.empty()) line_.clear();  // a new line begins
    while (!input.empty()) {
        const char c = input.front();
        input.remove_prefix(1);

        // The CR seen last was not the start of a CRLF: a bare CR, RFC 5321 §2.3.8.
        if (pending_cr_ && c != '\n') {
            note(LineEvent::bare_cr);
            pending_cr_ = false;
        }
        if (++length_ > max_line_) note(LineEvent::too_long);

        switch (c) {
            case '\n':
                if (pending_cr_) return end_line();
                note(LineEvent::bare_lf);  // a fault, not a line end: RFC 5321 §2.3.8
                break;
            case '\r':
                pending_cr_ = true;
                break;
            case '\0':
                note(LineEvent::nul);
                break;
            default:
                if (fault_ == LineEvent::line) line_.push_back(c);
                break;
        }
    }
    return LineEvent::need_more;
}

// Records the first fault of the current line and drops its text: nothing of a malformed line
// is ever handed on, and an over-long line stops growing the buffer.
void LineReader::note(LineEvent fault) {
    if (fault_ != LineEvent::line) return;  // the first fault wins
    fault_ = fault;
    line_.clear();
}

// The line is complete: report it and make ready for the next one. A clean line's text stays
// in line_ until the next line begins.
LineEvent LineReader::end_line() {
    const LineEvent event = fault_;  // `line` when no fault was seen
    fault_ = LineEvent::line;
    pending_cr_ = false;
    length_ = 0;
    return event;
}

}  // namespace ehlo::wire
