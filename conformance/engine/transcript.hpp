// Layer: conformance/engine (pure, no I/O). The evidence of one scenario's verdict (every
// verdict comes with the wire log that led to it): how the bytes a `C:` step wrote
// and the reply lines an `S:` step read (RFC 5321 §4.2.1) become lines of the log; a log of
// bounded size, so a `repeat 10000` cannot make a report huge; and the one-line reason of a
// step's verdict (docs/scenario-format.md "Verdicts"). A log is bounded in lines and in octets,
// so a server sending huge legal replies cannot make the run's memory grow without end. Which
// lines to write, and when, is the scenario run's business (scenario_run.hpp); printing them
// is the reports'.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/reply_match.hpp"
#include "engine/result.hpp"
#include "wire/reply_codec.hpp"

namespace ehlo::engine {

/// `bytes` with every control byte (below 0x20, and DEL) written `\xHH` in lower-case hex, so a
/// log line stays one line and shows exactly what travelled; other bytes, UTF-8 included, are
/// kept as they are.
std::string escape_bytes(std::string_view bytes);

/// The log lines of one write: one per line ended by CRLF, without the CRLF; a last piece with
/// no CRLF is a line of its own. Every other control byte, a bare CR or LF included, is written
/// `\xHH` (`a\nb` gives `a\x0ab`). No bytes give no lines.
std::vector<std::string> client_log_lines(std::string_view bytes);

/// The log lines of one reply, as they came over the wire RFC 5321 §4.2.1: `250-first`, ...,
/// `250 last`; a last line with no text is the bare code (`250`). Control bytes as
/// `escape_bytes` writes them.
std::vector<std::string> server_log_lines(const wire::WireReply& reply);

/// The limits of one wire log. A server may send replies of 1000 lines of 8 KiB each and
/// a scenario may write as much, so the log is bounded in octets as well as in lines: the run
/// keeps every scenario's log to its end, and each must stay small.
struct TranscriptLimits {
    std::size_t head_lines = 1000;        ///< lines kept from the start
    std::size_t tail_lines = 1000;        ///< lines kept from the end
    std::size_t head_octets = 64 * 1024;  ///< octets of text kept from the start
    std::size_t tail_octets = 64 * 1024;  ///< octets of text kept from the end
    std::size_t line_octets = 16 * 1024;  ///< a longer line is cut, saying how much was
};

/// A wire log that keeps its first lines and its last lines, within the limits of
/// TranscriptLimits. When lines fall between them, `lines()` puts one note in their place:
/// `log truncated: N lines left out`. A line longer than `line_octets` keeps its
/// start and ends in `[... N octets left out]`.
class Transcript {
  public:
    explicit Transcript(TranscriptLimits limits = {});
    /// Limits of `head` and `tail` lines, with the default octet limits.
    Transcript(std::size_t head, std::size_t tail);

    void add(LogLine line);
    /// The log as kept: head, the note when lines were left out, tail.
    std::vector<LogLine> lines() const;
    /// How many lines were left out so far.
    std::size_t dropped() const { return dropped_; }
    /// The octets of text kept now (head and tail).
    std::size_t octets() const { return head_octets_ + tail_octets_; }

  private:
    TranscriptLimits limits_;
    std::vector<LogLine> head_;
    std::deque<LogLine> tail_;
    bool head_full_ = false;  ///< the head took its last line: the rest goes to the tail
    std::size_t head_octets_ = 0;
    std::size_t tail_octets_ = 0;
    std::size_t dropped_ = 0;
};

/// `text` when it has at most `limit` octets; else its start and its end, about three
/// quarters and one quarter of `limit`, cut at line ends where there are some, with a line
/// `[N octets left out]` between them. Never splits a `\xHH` or a UTF-8 character.
std::string bounded_text(std::string_view text, std::size_t limit);

/// What a reply answers, as far as the run knows: the greeting (nothing was written or read on
/// the connection before), a command line it wrote (escaped as in the wire log), or neither.
struct Answered {
    bool greeting = false;
    std::optional<std::string> command;
};

/// `command` cut to `limit` characters, with `...` when it was longer, so a reason stays short.
std::string shorten(std::string_view command, std::size_t limit = 60);

/// The reason of a step that broke or carried WARN or INFO, for instance
/// `the reply to RCPT TO:<a@b.example> was 250 2.1.5 OK; expected 503 | 5xx`,
/// `the greeting was 554 go away; it fits 554 => FAIL`, or
/// `the server closed the connection instead of answering DATA; expected 354`.
std::string step_reason(const scenario::Expect& expect, const Received& received,
                        const Match& match, const Answered& answered);

}  // namespace ehlo::engine
