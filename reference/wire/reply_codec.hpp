// Layer: wire (sans-I/O). The text form of replies: RFC 5321 §4.2 (reply lines, multi-line
// replies with "-" continuation, RFC 5321 §4.2.1) and RFC 5321 §4.5.3.1.5 (512-octet reply lines).
// Formatting is used by the server; parsing by clients and the conformance runner.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ehlo::wire {

/// A reply as it travels: a three-digit code and one or more text lines.
struct WireReply {
    int code = 0;
    std::vector<std::string> lines;  ///< text after "NNN-" / "NNN "; may be empty strings
    friend bool operator==(const WireReply&, const WireReply&) = default;
};

/// Formats `reply` as "NNN-text" CRLF ... "NNN text" CRLF RFC 5321 §4.2.1.
/// A reply with no lines becomes "NNN" CRLF, and so does a last line with empty text (the
/// grammar of RFC 5321 §4.2 allows no space without text after it). `code` must have three
/// digits. A CR, LF or NUL inside a line's text is written as a space, so a line can never break
/// the framing. Keeping lines within 512 octets RFC 5321 §4.5.3.1.5 is the caller's job.
std::string format_reply(const WireReply& reply);

/// Incremental parser of replies from a byte stream (client side).
///
/// Each line is a three-digit code followed by "-" (more lines follow), by a space and text,
/// or by nothing (the last line) RFC 5321 §4.2; every line of one reply carries the same
/// code. Every line read gives one entry of `lines`, so "250" CRLF parses to one empty line.
/// Any three digits are a code: judging a code outside 2xx..5xx is left to the caller.
/// Only CRLF ends a line; a bare LF, a bare CR or a NUL, a line longer than `max_line`
/// (CRLF included) or a reply of more than `max_lines` lines is `malformed`.
class ReplyParser {
  public:
    enum class Event { need_more, reply, malformed };

    explicit ReplyParser(std::size_t max_line = 512, std::size_t max_lines = 1000);

    /// Consumes bytes from `input` up to the end of one reply (or all of it).
    /// On `malformed` it has consumed the input up to and including the faulty octet (the
    /// bare CR or LF, the NUL, the first octet over the limit) or, for a bad code, the whole
    /// line; it drops the partial reply and reads what follows as a new reply. The stream is
    /// out of step by then: a client would normally give up on the connection.
    Event next(std::string_view& input);
    /// The last complete reply.
    const WireReply& reply() const { return reply_; }
    /// Why the last `malformed` event happened.
    const std::string& error() const { return error_; }

  private:
    Event end_line();
    Event fail(std::string why);

    std::size_t max_line_;
    std::size_t max_lines_;
    std::string line_;
    WireReply partial_;
    WireReply reply_;
    std::string error_;
};

}  // namespace ehlo::wire
