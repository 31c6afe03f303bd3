// Layer: wire (sans-I/O). The text form of replies, RFC 5321 §4.2 (reply lines and multi-line
// replies), RFC 5321 §4.2.1 (the three-digit code) and RFC 5321 §4.5.3.1.5 (512-octet reply lines).
// What a code means, enhanced status codes and the reply table belong to protocol/; this file only
// turns a code and its lines into octets and back.
#include "wire/reply_codec.hpp"

#include <utility>

namespace ehlo::wire {

namespace {

// A line's text with any octet that could break the CRLF framing replaced by a space.
void append_text(std::string& out, std::string_view text) {
    for (const char c : text) {
        out.push_back(c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
    }
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

// RFC 5321 §4.2: every line but the last is code "-" text; the last is code SP text, or the
// code alone when there is no text (the grammar has no room for a space with nothing after).
std::string format_reply(const WireReply& reply) {
    const std::string code = std::to_string(reply.code);
    std::string out;
    if (reply.lines.empty()) return code + "\r\n";
    for (std::size_t i = 0; i < reply.lines.size(); ++i) {
        const std::string& text = reply.lines[i];
        const bool last = i + 1 == reply.lines.size();
        out += code;
        if (!last) {
            out.push_back('-');
        } else if (!text.empty()) {
            out.push_back(' ');
        }
        append_text(out, text);
        out += "\r\n";
    }
    return out;
}

ReplyParser::ReplyParser(std::size_t max_line, std::size_t max_lines)
    : max_line_(max_line), max_lines_(max_lines) {}

// Frames the input into lines, one octet at a time. line_ holds the current line's octets;
// a CR at its end is waiting for the LF that makes it a line end.
ReplyParser::Event ReplyParser::next(std::string_view& input) {
    while (!input.empty()) {
        const char c = input.front();
        const bool pending_cr = !line_.empty() && line_.back() == '\r';
        if (pending_cr && c != '\n') {
            return fail("bare CR in a reply line: CR must be followed by LF (RFC 5321 §2.3.8)");
        }
        input.remove_prefix(1);
        if (c == '\n') {
            if (!pending_cr) {
                return fail("reply line ended by a bare LF, not CRLF (RFC 5321 §2.3.8)");
            }
            line_.pop_back();  // the CR
            const Event event = end_line();
            if (event != Event::need_more) return event;
            continue;
        }
        if (c == '\0') return fail("NUL octet in a reply line (RFC 5321 §4.2)");
        line_.push_back(c);
        // The line cannot end before a CRLF (or the LF after a waiting CR) is added.
        const std::size_t least_total = line_.size() + (c == '\r' ? 1 : 2);
        if (least_total > max_line_) {
            return fail("reply line longer than " + std::to_string(max_line_) +
                        " octets including CRLF (RFC 5321 §4.5.3.1.5)");
        }
    }
    return Event::need_more;
}

// One complete line (without its CRLF): code, separator, text (RFC 5321 §4.2).
ReplyParser::Event ReplyParser::end_line() {
    const std::string_view line = line_;
    if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) {
        return fail("reply line does not begin with a three-digit code (RFC 5321 §4.2)");
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    const bool last = line.size() == 3 || line[3] == ' ';
    if (!last && line[3] != '-') {
        return fail("reply code not followed by \"-\", a space or the line end (RFC 5321 §4.2)");
    }
    if (!partial_.lines.empty() && code != partial_.code) {
        return fail("reply line with code " + std::to_string(code) + " inside a reply with code " +
                    std::to_string(partial_.code) +
                    ": all lines of a reply share one code (RFC 5321 §4.2.1)");
    }
    if (partial_.lines.size() == max_lines_) {
        return fail("reply of more than " + std::to_string(max_lines_) + " lines");
    }
    partial_.code = code;
    partial_.lines.emplace_back(line.size() > 3 ? line.substr(4) : std::string_view{});
    line_.clear();
    if (!last) return Event::need_more;
    reply_ = std::move(partial_);
    partial_ = WireReply{};
    return Event::reply;
}

// Drops the partial line and reply; what follows is read as a new reply.
ReplyParser::Event ReplyParser::fail(std::string why) {
    error_ = std::move(why);
    line_.clear();
    partial_ = WireReply{};
    return Event::malformed;
}

}  // namespace ehlo::wire
