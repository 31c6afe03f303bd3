// Layer: conformance/scenario. The steps of a scenario file (docs/scenario-format.md) as plain
// values: what a `C:` line sends (bytes and variables), what an `S:` line accepts (reply codes
// after RFC 5321 §4.2, enhanced codes after RFC 3463 §2, EHLO keywords after RFC 5321 §4.1.1.1),
// and the other steps (wait, TLS, connections, repeats). Both roles use them: a client scenario
// (client_script.hpp) reuses the waits, TLS steps and repeats.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ehlo::scenario {

/// How strong the requirement a scenario tests is (RFC 2119 words, plus INFO for a choice the
/// RFC leaves open). It decides what a broken expectation is worth, see `broken_verdict`.
enum class Level { must, should, may, info };

/// The verdict attached to one alternative of an expected reply (`=> WARN`).
/// `fail` means "the requirement is broken", whatever the level makes of it.
enum class Verdict { pass, fail, warn, info };

/// A reference to the RFC section a scenario tests: `5321#4.1.4` is {5321, "4.1.4"}.
struct Ref {
    int rfc = 0;
    std::string section;  ///< digits and dots, or an appendix such as `D.1`
    friend bool operator==(const Ref&, const Ref&) = default;
};

/// A piece of a `C:` line: bytes sent as they are, or a variable filled in at run time.
struct Piece {
    enum class Kind { bytes, variable };
    Kind kind = Kind::bytes;
    std::string value;  ///< the bytes (escapes already decoded), or the variable's name
    friend bool operator==(const Piece&, const Piece&) = default;
};

/// What a client step sends: escapes decoded, variables kept by name.
using Text = std::vector<Piece>;

/// The variables a scenario may use, written `{name}` in `C:` lines. `{rcpt-domain}` is the
/// domain of `{rcpt}`, a domain the server accepts mail for (RFC 5321 §4.5.1 names
/// postmaster at each such domain). The last three derive from `{user}` and `{password}` for
/// AUTH (RFC 4954 §4): `{auth-plain}` is the base64 of the PLAIN message NUL user NUL password
/// (RFC 4616 §2), `{user-base64}` and `{password-base64}` the base64 of each, as AUTH LOGIN
/// sends them.
inline constexpr std::string_view variable_names[] = {
    "client",   "from",       "rcpt",        "rcpt-domain",    "user",
    "password", "auth-plain", "user-base64", "password-base64"};

/// Whether the variable `name` takes its value from the credentials (`--auth`).
bool is_credential_variable(std::string_view name);

/// `C:` sends a line and CRLF now, `C~` sends the bytes now without CRLF, and `C>` queues a
/// line (CRLF appended) that the next `S:` sends with the rest of the queue in one write.
struct Send {
    enum class Mode { line, raw, queued };
    Mode mode = Mode::line;
    Text text;
    friend bool operator==(const Send&, const Send&) = default;
};

/// An expected reply code: three characters, a digit 2-5 then digits or trailing `x`
/// (`250`, `25x`, `2xx`).
struct CodePattern {
    std::string pattern;
    bool matches(int code) const;
    friend bool operator==(const CodePattern&, const CodePattern&) = default;
};

/// An EHLO keyword that must be present (`+PIPELINING`) or absent (`-CHUNKING`) in the reply.
struct KeywordCheck {
    std::string keyword;  ///< upper case; keywords compare without case (RFC 5321 §4.1.1.1)
    bool present = true;
    friend bool operator==(const KeywordCheck&, const KeywordCheck&) = default;
};

/// One acceptable outcome of an `S:` step: a reply that fits, or the server closing.
struct Alternative {
    bool close = false;  ///< `<close>`: the connection ends with no reply
    /// `<same>`: a reply with the code of the previous reply read on the same connection (a
    /// case rule judged against the upper-case form, say). The run fills `code` with that
    /// code before matching; unfilled, it fits nothing.
    bool same = false;
    CodePattern code;
    std::string enhanced;  ///< RFC 3463 pattern such as `2.1.0` or `5.x.x`; empty for any
    /// Text patterns (glob, `*` any text, `\*` a star). One pattern may match any line of
    /// the reply; several (the multi-line form) must match the lines one for one.
    std::vector<std::string> lines;
    bool exact_lines = false;  ///< true for the multi-line form
    std::vector<KeywordCheck> keywords;
    Verdict verdict = Verdict::pass;
    friend bool operator==(const Alternative&, const Alternative&) = default;
};

/// `S:` expects one reply (single or multi-line) that fits one of the alternatives. Before it
/// reads, the engine sends the `C>` queue, if any.
struct Expect {
    std::vector<Alternative> alternatives;
    /// Never set by the parser: set on the steps the runner inserts to log in (`--auth`), where
    /// a reply that fits no alternative says nothing about the scenario. The scenario then ends
    /// in ERROR, with this text and the reply as its reason, not in its level's verdict.
    std::string error_when_broken;
    friend bool operator==(const Expect&, const Expect&) = default;
};

/// `wait 2s`: pause, sending nothing.
struct Wait {
    std::chrono::milliseconds duration{0};
    friend bool operator==(const Wait&, const Wait&) = default;
};

/// `tls` (implicit TLS, the first step of a connection, RFC 8314 §3) or `starttls` (the
/// handshake after the server's 220 to STARTTLS, RFC 3207 §4).
struct StartTls {
    bool implicit = false;
    friend bool operator==(const StartTls&, const StartTls&) = default;
};

/// `connection N`: the following steps use connection N, opened here the first time.
struct Connection {
    int number = 1;
    friend bool operator==(const Connection&, const Connection&) = default;
};

/// `close`: the client closes the current connection.
struct Close {
    friend bool operator==(const Close&, const Close&) = default;
};

/// `repeat N` ... `end` (or `N x STEP` on one line): the steps between run N times.
struct RepeatBegin {
    int count = 1;
    friend bool operator==(const RepeatBegin&, const RepeatBegin&) = default;
};
struct RepeatEnd {
    friend bool operator==(const RepeatEnd&, const RepeatEnd&) = default;
};

using Action =
    std::variant<Send, Expect, Wait, StartTls, Connection, Close, RepeatBegin, RepeatEnd>;

/// One step and the line of the file it comes from (for reports and wire logs).
struct Step {
    int line = 0;
    Action action;
};

}  // namespace ehlo::scenario
