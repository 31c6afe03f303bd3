// Layer: conformance/engine (pure, no I/O). Matches what one `S:` step received against the
// step's expectation, after the rules of docs/scenario-format.md ("Expecting: S:"): reply
// codes and classes (RFC 5321 §4.2.1), enhanced status codes on the first line (RFC 3463 §2),
// text patterns, multi-line replies line for line (RFC 5321 §4.2.1), EHLO keywords
// (RFC 5321 §4.1.1.1), and the server closing. It also writes the "expected / received" lines
// of a report. Reading replies off the connection, timing out and running the steps is left to
// the rest of the engine.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/verdict.hpp"
#include "scenario/scenario.hpp"
#include "wire/reply_codec.hpp"

namespace ehlo::engine {

/// What an `S:` step received: a whole reply, the server closing the connection, no reply
/// within the time limit, or bytes that are no reply (`wire::ReplyParser` said `malformed`).
struct Received {
    enum class Kind { reply, closed, timeout, malformed };
    Kind kind = Kind::reply;
    wire::WireReply reply;  ///< for `reply`
    std::string error;      ///< for `malformed`: what the reply parser found wrong

    static Received of(wire::WireReply reply) { return {Kind::reply, std::move(reply), {}}; }
    static Received closed() { return {Kind::closed, {}, {}}; }
    static Received timeout() { return {Kind::timeout, {}, {}}; }
    static Received malformed(std::string why) { return {Kind::malformed, {}, std::move(why)}; }
    friend bool operator==(const Received&, const Received&) = default;
};

/// Whether the text `code` is an RFC 3463 enhanced status code: class 2, 4 or 5, a dot,
/// subject and detail of one to three digits each RFC 3463 §2.
bool is_enhanced_code(std::string_view code);

/// Whether the received enhanced code `code` fits the pattern `pattern` (`2.1.0`, `5.x.x`):
/// `x` fits any number; numbers compare by value, so `2.1.00` fits `2.1.0`.
bool enhanced_code_fits(std::string_view pattern, std::string_view code);

/// Whether an EHLO reply advertises `keyword`: the first word of one of its lines after the
/// first (the first line is the greeting), compared without case RFC 5321 §4.1.1.1.
bool advertises(const wire::WireReply& reply, std::string_view keyword);

/// Whether `received` fits one alternative:
/// - `<close>` fits the server closing, and nothing else fits it; no alternative fits a time-out
///   or a malformed reply.
/// - The code fits exactly (`250`) or by class (`25x`, `2xx`).
/// - An enhanced code pattern must fit the enhanced code that starts the first line.
/// - The multi-line form needs exactly as many lines, each fitting its pattern.
/// - A single text pattern may fit any line, matched after the line's enhanced code when the
///   alternative gives one.
/// - Keyword checks look at the lines after the first.
bool fits(const scenario::Alternative& alternative, const Received& received);

/// The outcome of one `S:` step.
struct Match {
    /// The index of the first alternative that fitted, tried in order; none when none did.
    std::optional<std::size_t> alternative;
    /// The verdict that alternative carries; `fail` when none fitted.
    scenario::Verdict carried = scenario::Verdict::fail;

    /// Broken: no alternative fitted, or the one that did is marked `=> FAIL`. A broken step
    /// ends the scenario.
    bool broken() const { return carried == scenario::Verdict::fail; }
    friend bool operator==(const Match&, const Match&) = default;
};

/// Tries the alternatives of `expect` in order; the first that fits wins.
Match match(const scenario::Expect& expect, const Received& received);

/// The step's verdict: the fitting alternative's PASS, INFO or WARN, or, when the step is
/// broken, what the scenario's level makes of it (`broken_verdict`).
Verdict step_verdict(const Match& match, scenario::Level level);

/// An expectation as a scenario writes it: `503 | 5xx => WARN`, `250 +PIPELINING -CHUNKING`,
/// `<close>`. The multi-line form gives one line per reply line (`250-*`, then `250 *`),
/// separated by LF.
std::string describe(const scenario::Expect& expect);
std::string describe(const scenario::Alternative& alternative);

/// What was received, as it came over the wire: `250 2.1.5 OK`, one line per reply line
/// separated by LF (`250-mx.example`, then `250 SIZE`); `<close>` for the server closing, and
/// plain words for a time-out or a malformed reply. Control bytes are written `\xHH`.
std::string describe(const Received& received);

/// The most octets of an explanation.
inline constexpr std::size_t explanation_limit = 8 * 1024;

/// The two lines of a report for a step: `expected: 503 | 5xx => WARN` and
/// `received: 250 2.1.5 OK`, LF-separated; the further lines of a multi-line side are indented
/// under the first. At most `explanation_limit` octets (engine::bounded_text): of a huge reply,
/// its start and its end.
std::string explain(const scenario::Expect& expect, const Received& received);

}  // namespace ehlo::engine
