// Layer: conformance/engine (pure, no I/O). The evidence of one scenario's verdict (design.md
// §4: "each verdict comes with the wire log that led to it"): how the bytes a `C:` step wrote
// and the reply lines an `S:` step read (RFC 5321 §4.2.1) become lines of the log; a log of
// bounded size, so a `repeat 10000` cannot make a report huge; and the one-line reason of a
// step's verdict (docs/scenario-format.md "Verdicts"). Which lines to write, and when, is the
// scenario run's business (scenario_run.hpp); printing them is the reports'.
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

/// The log lines of one reply, as they came over the wire \rfc{5321,4.2.1}: `250-first`, ...,
/// `250 last`; a last line with no text is the bare code (`250`). Control bytes as
/// `escape_bytes` writes them.
std::vector<std::string> server_log_lines(const wire::WireReply& reply);

/// A wire log that keeps its first `head` lines and its last `tail` lines. When lines fall
/// between them, `lines()` puts one note in their place: `log truncated: N lines left out`.
class Transcript {
  public:
    explicit Transcript(std::size_t head = 1000, std::size_t tail = 1000);

    void add(LogLine line);
    /// The log as kept: head, the note when lines were left out, tail.
    std::vector<LogLine> lines() const;
    /// How many lines were left out so far.
    std::size_t dropped() const { return dropped_; }

  private:
    std::size_t head_limit_;
    std::size_t tail_limit_;
    std::vector<LogLine> head_;
    std::deque<LogLine> tail_;
    std::size_t dropped_ = 0;
};

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
