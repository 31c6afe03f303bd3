// Layer: wire (sans-I/O). Reads the message data that follows a 354 reply up to its end:
// RFC 5321 §4.1.1.4 (end of data is CRLF "." CRLF, and never LF "." LF), RFC 5321 §4.5.2 (removing
// the dot added for transparency) and RFC 5321 §4.5.3.1.6 (1000-octet text lines). Bare CR, bare LF
// and NUL (RFC 5321 §2.3.8) are kept as data and recorded; whether to refuse such a message is the
// server's call. The reader never buffers the message: where it is stored is the store's business.
#include "wire/data_reader.hpp"

namespace ehlo::wire {

// The octets that need a decision; all others are copied straight through.
constexpr std::string_view special_octets{"\r\n\0", 3};

// Where the reader stands decides what an octet means:
//
//   line_start    right after a CRLF, or at the very start of the data. Only here can a "."
//                 begin the end-of-data line or be a transparency dot.
//   after_dot     the line began with "."; the dot is held back, not yet written.
//   after_dot_cr  the line so far is "." CR; an LF now ends the data.
//   in_line       anywhere else in a line. pending_cr_ says the last octet was a CR, so that an
//                 LF now completes a CRLF and the next line starts.
//   done          the end-of-data line was read; nothing more is consumed until reset().
//
// Only CRLF ever leads back to line_start: a bare LF or bare CR is an ordinary octet of the
// line (recorded as a fault), so the look-alikes of the SMTP smuggling attacks, LF "." LF,
// CR "." CR and their mixtures, are message text, never an end of data.

DataReader::DataReader(std::size_t max_line) : max_line_(max_line) {}

DataEvent DataReader::next(std::string_view& input, std::string& out) {
    while (!input.empty() && position_ != Position::done) {
        if (position_ == Position::in_line && !pending_cr_) {
            // Fast path: copy the run of ordinary octets up to the next CR, LF or NUL.
            std::size_t run = input.find_first_of(special_octets);
            if (run == std::string_view::npos) run = input.size();
            out.append(input.substr(0, run));
            count(run);
            input.remove_prefix(run);
            if (input.empty()) break;
        }
        const char c = input.front();
        input.remove_prefix(1);
        switch (position_) {
            case Position::line_start:
                start_line(c, out);
                break;
            case Position::after_dot:
                after_dot(c, out);
                break;
            case Position::after_dot_cr:
                if (after_dot_cr(c, out)) return DataEvent::end;
                break;
            case Position::in_line:
                in_line(c, out);
                break;
            case Position::done:
                break;
        }
    }
    return position_ == Position::done ? DataEvent::end : DataEvent::need_more;
}

void DataReader::reset() {
    position_ = Position::line_start;
    pending_cr_ = false;
    length_ = 0;
    faults_ = DataFaults{};
}

// The first octet of a line. A "." is held back: it either begins the end-of-data line or is
// the transparency dot, which RFC 5321 §4.5.2 removes. It does not count towards the line
// length (RFC 5321 §4.5.3.1.6 leaves the duplicated dot out of the 1000 octets).
void DataReader::start_line(char c, std::string& out) {
    if (c == '.') {
        position_ = Position::after_dot;
        return;
    }
    position_ = Position::in_line;
    in_line(c, out);
}

// The octet after a line-opening ".". A CR may begin the end-of-data CRLF, so it waits too.
// Anything else means the line holds more than the dot: the dot is dropped (RFC 5321 §4.5.2),
// and the octet is ordinary line content. That holds for a bare LF as well: "." LF is not an
// end of data (RFC 5321 §4.1.1.4).
void DataReader::after_dot(char c, std::string& out) {
    if (c == '\r') {
        count(1);
        position_ = Position::after_dot_cr;
        return;
    }
    position_ = Position::in_line;
    in_line(c, out);
}

// The octet after "." CR at the start of a line. LF completes CRLF "." CRLF: the end of the
// data (RFC 5321 §4.1.1.4). Anything else makes the held CR a bare CR, written out as received
// (without the transparency dot), and the octet is ordinary line content.
bool DataReader::after_dot_cr(char c, std::string& out) {
    if (c == '\n') {
        position_ = Position::done;
        return true;
    }
    faults_.bare_cr = true;
    out.push_back('\r');
    position_ = Position::in_line;
    in_line(c, out);
    return false;
}

// One octet inside a line, written out as received. Only a CR followed by LF ends the line
// (RFC 5321 §2.3.8); a lone CR, a lone LF or a NUL is recorded as a fault and stays data.
void DataReader::in_line(char c, std::string& out) {
    out.push_back(c);
    count(1);
    if (pending_cr_) {
        pending_cr_ = false;
        if (c == '\n') {  // CRLF: the next octet opens a new line
            position_ = Position::line_start;
            length_ = 0;
            return;
        }
        faults_.bare_cr = true;
    }
    if (c == '\r') {
        pending_cr_ = true;
    } else if (c == '\n') {
        faults_.bare_lf = true;
    } else if (c == '\0') {
        faults_.nul = true;
    }
}

// Adds octets to the current line's length; a line over the limit, CRLF included, is a fault
// (RFC 5321 §4.5.3.1.6) but its octets are still data.
void DataReader::count(std::size_t octets) {
    length_ += octets;
    if (length_ > max_line_) faults_.line_too_long = true;
}

}  // namespace ehlo::wire
