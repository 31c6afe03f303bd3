// Layer: wire (sans-I/O). Reads message data after DATA up to its end.
// Implements RFC 5321 §4.1.1.4 (end of data is CRLF "." CRLF), RFC 5321 §4.5.2 (dot-transparency)
// and RFC 5321 §4.5.3.1.6 (1000-octet text lines), and detects the bare CR / bare LF / NUL octets
// of RFC 5321 §2.3.8 so that the server can refuse such data (the SMTP smuggling family).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ehlo::wire {

/// Faults seen in one message's data (a bit set).
struct DataFaults {
    bool bare_cr = false;        ///< a CR not followed by LF
    bool bare_lf = false;        ///< an LF not preceded by CR
    bool nul = false;            ///< a NUL octet
    bool line_too_long = false;  ///< a line longer than the text-line limit
    bool any() const { return bare_cr || bare_lf || nul || line_too_long; }
    friend bool operator==(const DataFaults&, const DataFaults&) = default;
};

/// Whether the data has reached its end.
enum class DataEvent {
    need_more,  ///< all input consumed; the message goes on
    end,        ///< the end-of-data line was consumed; bytes after it stay in the input
};

/// Turns the octets after a 354 reply into the message as the client meant it.
///
/// Only CRLF starts a new line. The message ends at a line holding a single "." that both
/// starts after a CRLF (or at the very start of the data) and ends with CRLF. A bare LF or
/// bare CR never starts or ends a line, so look-alikes such as LF "." LF, LF "." CRLF or
/// CR "." CR are kept as message data and merely recorded as faults: they can never cut the
/// message short. A leading "." of a line is removed (dot-unstuffing).
class DataReader {
  public:
    /// `max_line` counts a text line's octets including its CRLF (RFC 5321: 1000).
    explicit DataReader(std::size_t max_line = 1000);

    /// Consumes bytes from the front of `input`, appending the unstuffed message data to `out`
    /// (CRLFs kept), until the end of data or the end of the input. Data is appended as it
    /// arrives, never held back by the line: only a line-opening "." (and a CR right after it)
    /// waits for the next octet. After `end`, next() consumes nothing and returns `end` again
    /// until reset().
    DataEvent next(std::string_view& input, std::string& out);

    /// Faults seen since the last reset().
    const DataFaults& faults() const { return faults_; }

    /// Readies the reader for the next message.
    void reset();

  private:
    enum class Position { line_start, after_dot, in_line, after_dot_cr, done };
    void start_line(char c, std::string& out);
    void after_dot(char c, std::string& out);
    bool after_dot_cr(char c, std::string& out);
    void in_line(char c, std::string& out);
    void count(std::size_t octets);

    std::size_t max_line_;
    Position position_ = Position::line_start;
    bool pending_cr_ = false;  // last octet was a CR whose successor is not yet known
    std::size_t length_ = 0;   // octets of the current line so far
    DataFaults faults_;
};

}  // namespace ehlo::wire
