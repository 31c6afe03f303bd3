// Layer: conformance/scenario. The model of a scenario written from the other side
// (`role: client`, docs/scenario-format.md, "Client scenarios"): ehlo-check plays the server
// and judges the SMTP client that connects to it. `S:` lines are replies ehlo-check sends,
// `C:` lines what the client must send; `data` and `chunk` read the message the client
// transfers and check it (RFC 5321 §4.5.2 transparency, RFC 5321 §2.3.8 line ends, RFC 3030 §2
// chunk sizes). Parsing is client_step_parser.hpp's; running the steps is engine/client_run.hpp's.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scenario/step_types.hpp"

namespace ehlo::scenario {

/// Which side a scenario judges: `server` (the default: ehlo-check is the client) or `client`
/// (ehlo-check plays the server).
enum class Role { server, client };

/// What the caller asks of the client under test (`asks:`), which decides the command that
/// runs it: plain SMTP (`--exec`), STARTTLS required and the certificate verified
/// (`--exec-starttls`), implicit TLS (`--exec-tls`, RFC 8314 §3), or STARTTLS and a login
/// (`--exec-auth`, RFC 4954).
enum class Ask { plain, starttls, tls, auth };

/// What the client should tell its caller (`outcome:`), compared with its exit status: the
/// message was `delivered` (exit 0), `refused` (not 0), or `either`.
enum class Outcome { either, delivered, refused };

/// `S: text` sends `text` and CRLF; `S~ bytes` sends the bytes exactly. Both are one write.
struct Reply {
    bool raw = false;
    Text text;
    friend bool operator==(const Reply&, const Reply&) = default;
};

/// One acceptable line of a `C:` step: a glob pattern for the command line (CRLF removed;
/// letters compare without case; `{from}`, `{rcpt}` and the other variables stand for their
/// values), or `<close>`, the client closing the connection.
struct LineAlternative {
    bool close = false;
    std::string pattern;
    Verdict verdict = Verdict::pass;
    /// `=> FAIL 5321-4.1.1.10-c`: the row of `requirements:` that this verdict rests on; it is
    /// then the verdict's ceiling and the row the report names. Empty for the scenario's rows.
    std::string requirement;
    /// `-> NAME`: when this alternative fits, the run goes on at the label `@NAME`, so one
    /// scenario follows each path the RFC allows (the client quits, or resets and goes on).
    std::string jump;
    friend bool operator==(const LineAlternative&, const LineAlternative&) = default;
};

/// `C:` reads one line from the client and matches it against the alternatives, left to right.
/// A line that fits none leaves the script: the scenario ends in ERROR, since the client took
/// a path the scenario does not judge. Only an alternative marked `=> FAIL` (or WARN, INFO)
/// judges a wrong line.
struct Command {
    std::vector<LineAlternative> alternatives;
    friend bool operator==(const Command&, const Command&) = default;
};

/// `silent 500ms`: the client must send nothing for this long (it waits for a reply,
/// RFC 5321 §4.3.1); bytes within it break the step, at the scenario's level.
struct Silence {
    std::chrono::milliseconds duration{0};
    friend bool operator==(const Silence&, const Silence&) = default;
};

/// `data`: read the mail data up to the line holding only a period (RFC 5321 §4.1.1.4) and
/// check it (see engine/data_checks.hpp).
struct MailData {
    friend bool operator==(const MailData&, const MailData&) = default;
};

/// `chunk`: read exactly the octets the last `BDAT` line announced (RFC 3030 §2).
struct Chunk {
    friend bool operator==(const Chunk&, const Chunk&) = default;
};

/// `@NAME`: a label that `-> NAME` jumps to; a step that does nothing when reached in order.
struct Label {
    std::string name;
    friend bool operator==(const Label&, const Label&) = default;
};

/// `stop`: the scenario ends here (ehlo-check closes the connection), as a path ends before
/// the label of another path.
struct Stop {
    friend bool operator==(const Stop&, const Stop&) = default;
};

using ClientAction = std::variant<Reply, Command, Silence, MailData, Chunk, Wait, StartTls, Close,
                                  RepeatBegin, RepeatEnd, Label, Stop>;

/// One step and the line of the file it comes from; 0 for the steps of the standard opening.
struct ClientStep {
    int line = 0;
    ClientAction action;
    friend bool operator==(const ClientStep&, const ClientStep&) = default;
};

/// What a client scenario holds besides the common header.
struct ClientScript {
    Ask ask = Ask::plain;
    Outcome outcome = Outcome::either;
    /// The message the client is asked to send (`{message}`): escapes decoded, `{from}` and
    /// `{rcpt}` kept as variables, filled in when the runner writes the file.
    Text message;
    /// `opening: standard`: the scenario starts with the standard opening (standard_opening()),
    /// up to the reply to MAIL, so `ehlo-check --listen` can pick it by the recipient.
    bool standard_opening = false;
    /// `refusal: allowed`: the client may refuse the message before it connects (exit not 0):
    /// a message it cannot send as it is, which it may convert or refuse. That earns INFO.
    bool refusal_allowed = false;
    std::vector<ClientStep> steps;
    friend bool operator==(const ClientScript&, const ClientScript&) = default;
};

/// The message a client scenario sends when it names none, in the notation of `message:`
/// (escapes, `{from}` and `{rcpt}`): a header, a blank line, a body whose lines test
/// transparency (a line starting with a period, a line holding only one), ending in a last
/// line the data checks look for (RFC 5321 §4.5.2).
std::string_view default_message();

/// The variables `message:` may use.
inline constexpr std::string_view message_variable_names[] = {"from", "rcpt"};

/// The variables of a client scenario: what the client is told to send (`{from}`, `{rcpt}`,
/// `{user}`, `{password}` and the AUTH forms derived from them) and `{server}`, the name
/// ehlo-check gives itself in its greeting.
inline constexpr std::string_view client_variable_names[] = {
    "from", "rcpt", "server", "user", "password", "auth-plain", "user-base64", "password-base64"};

/// The steps of the standard opening: the greeting, EHLO (HELO earns a WARN,
/// RFC 5321 §4.1.1.1) answered with 8BITMIME, SIZE and ENHANCEDSTATUSCODES, and MAIL answered 250.
const std::vector<ClientStep>& standard_opening();

/// The row the standard opening's verdicts rest on (a client should begin with EHLO): a
/// scenario with the opening cites it, whether it names it or not.
std::string_view standard_opening_requirement();

/// The local part a client scenario answers to under `ehlo-check --listen`: its id without the
/// leading `client/`, with `/` turned into `.` (`rfc5321.4.5.2.dot-stuffing`).
std::string listen_local_part(std::string_view id);

std::string_view to_string(Ask ask);
std::string_view to_string(Outcome outcome);

}  // namespace ehlo::scenario
