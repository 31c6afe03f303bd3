// Layer: wire (sans-I/O). The text form of replies: RFC 5321 §4.2 (reply lines, multi-line
// replies with "-" continuation, §4.2.1) and §4.5.3.1.5 (512-octet reply lines).
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

/// Formats `reply` as "NNN-text" CRLF ... "NNN text" CRLF \rfc{5321,4.2.1}.
/// A reply with no lines becomes "NNN" CRLF.
std::string format_reply(const WireReply& reply);

/// Incremental parser of replies from a byte stream (client side).
class ReplyParser {
public:
    enum class Event { need_more, reply, malformed };

    explicit ReplyParser(std::size_t max_line = 512, std::size_t max_lines = 1000);

    /// Consumes bytes from `input` up to the end of one reply (or all of it).
    Event next(std::string_view& input);
    /// The last complete reply.
    const WireReply& reply() const { return reply_; }
    /// Why the last `malformed` event happened.
    const std::string& error() const { return error_; }

private:
    std::size_t max_line_;
    std::size_t max_lines_;
    std::string line_;
    WireReply partial_;
    WireReply reply_;
    std::string error_;
};

}  // namespace ehlo::wire
