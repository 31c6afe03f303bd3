// Layer: client (sans-I/O). The vocabulary of the client state machine (session.hpp): the
// user's settings (TLS after RFC 3207 and RFC 8314, AUTH after RFC 4954, DSN after
// RFC 3461 §4), the envelope, the outcome per recipient, the events fed in and the commands given
// out, and the exit codes of ehlo-send. No behaviour here. Test builds add the maker of the
// session's hooks (client/client_hooks.hpp), compiled only with EHLO_TEST_SEAMS.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "client/extensions.hpp"
#include "client/message.hpp"
#include "sasl/client_mechanisms.hpp"
#include "wire/reply_codec.hpp"

namespace ehlo::client {

#ifdef EHLO_TEST_SEAMS
class ClientHooks;  // client/client_hooks.hpp
#endif

/// How the client uses TLS.
enum class TlsMode {
    none,                    ///< plain text throughout
    starttls_opportunistic,  ///< STARTTLS when the server offers it, else plain RFC 3207 §4
    starttls_required,       ///< STARTTLS or nothing: give up when it is not offered
    implicit,                ///< TLS from the first octet RFC 8314 §3; the driver does it
};

/// DSN requests RFC 3461 §4; sent only to a server that offers DSN.
struct DsnRequest {
    std::string notify;  ///< "NEVER" or a list of SUCCESS, FAILURE, DELAY RFC 3461 §4.1
    std::string ret;     ///< "FULL" or "HDRS" RFC 3461 §4.3
    std::string envid;   ///< the envelope id, sent as xtext RFC 3461 §4.4
    bool orcpt = false;  ///< send ORCPT=rfc822;address with each RCPT RFC 3461 §4.2
    bool any() const { return !notify.empty() || !ret.empty() || !envid.empty() || orcpt; }
};

/// Where to stop and say QUIT (ehlo-send's --quit-after, after swaks): after the reply to that
/// step, before the next command; `none` runs the whole session.
enum class QuitAfter {
    none,
    greeting,  ///< the greeting RFC 5321 §4.3.1 (a client may send nothing before it)
    ehlo,      ///< the first EHLO or HELO RFC 5321 §4.1.1.1
    tls,       ///< TLS and the EHLO after it RFC 3207 §4.2
    auth,      ///< a successful AUTH RFC 4954 §4
    mail,      ///< MAIL RFC 5321 §4.1.1.2
    rcpt,      ///< every RCPT RFC 5321 §4.1.1.3
};

/// Makes the client side of a mechanism by name, or null when it cannot (missing secret).
using MechanismFactory =
    std::function<std::unique_ptr<sasl::ClientMechanism>(std::string_view mechanism)>;

/// The choices of the user, fixed for one session.
struct Settings {
    /// The EHLO argument RFC 5321 §4.1.1.1. Empty: the driver names the client by the address
    /// literal of its end of the connection once connected (RFC 5321 §4.1.4: a client without
    /// a primary host name uses an address literal).
    std::string client_domain = "localhost";
    TlsMode tls = TlsMode::none;
    bool authenticate = false;   ///< AUTH before MAIL RFC 4954 §4
    std::string auth_mechanism;  ///< empty: the strongest offered that the factory makes
    MechanismFactory make_mechanism;
    bool use_pipelining = true;        ///< when offered
    bool use_chunking = true;          ///< when offered
    std::size_t chunk_size = 1 << 20;  ///< octets per BDAT chunk
    DsnRequest dsn;
    QuitAfter quit_after = QuitAfter::none;  ///< stop early, with QUIT, after this step
#ifdef EHLO_TEST_SEAMS
    /// Test builds only (client/client_hooks.hpp): makes the session's hooks, which may rewrite
    /// its replies, commands and message data and overturn its choices.
    std::function<std::unique_ptr<ClientHooks>()> make_hooks;
#endif
};

/// One transaction's envelope: mailboxes without angle brackets; an empty reverse path is the
/// null path "<>" RFC 5321 §4.5.5.
struct Envelope {
    std::string reverse_path;
    std::vector<std::string> forward_paths;
};

/// Why a session ended without delivering to everyone, beyond the replies to recipients.
enum class Failure {
    none,
    temporary,    ///< a 4xx reply, 421, a lost connection or a time-out: try again later
    permanent,    ///< the server refused with 5xx
    protocol,     ///< a reply out of order, malformed, or with a code SMTP does not define
    tls,          ///< STARTTLS required but not offered or refused, or the handshake failed
    auth,         ///< AUTH not offered, no common mechanism, or the credentials were refused
    unsupported,  ///< the message needs SIZE, 8BITMIME or SMTPUTF8 the server lacks
};

/// What became of one recipient.
struct RecipientOutcome {
    enum class State { pending, rcpt_accepted, delivered, refused };
    std::string mailbox;
    State state = State::pending;
    wire::WireReply reply;  ///< the reply that decided it; code 0 when none came
    std::string note;       ///< why, when no reply tells (e.g. "connection closed")
    /// When the session failed without a reply for this recipient: why.
    Failure cause = Failure::none;
    /// Refused by a 4xx reply, or without a reply for a temporary cause (a lost connection, a
    /// time-out): worth trying again later.
    bool temporary() const {
        if (reply.code != 0) return reply.code >= 400 && reply.code < 500;
        return cause == Failure::none || cause == Failure::temporary;
    }
};

/// Exit codes in the style of sysexits.h (2 stays the usage error of every Ehlo program).
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int usage = 2;
inline constexpr int data_error = 65;     ///< EX_DATAERR: the message cannot be sent as it is
inline constexpr int no_input = 66;       ///< EX_NOINPUT: the message file cannot be read
inline constexpr int unavailable = 69;    ///< EX_UNAVAILABLE: refused for good; or TLS, SIZE...
inline constexpr int software = 70;       ///< EX_SOFTWARE: an internal error
inline constexpr int temporary = 75;      ///< EX_TEMPFAIL: 4xx, 421, lost connection, time-out
inline constexpr int protocol = 76;       ///< EX_PROTOCOL: the server broke the protocol
inline constexpr int no_permission = 77;  ///< EX_NOPERM: authentication failed
}  // namespace exit_code

/// One command (or block of message data) to write, with what the trace shows of it.
struct Command {
    std::string bytes;         ///< exactly what goes on the wire, CRLF included
    std::string shown;         ///< the trace's text: the command, data or secrets summarised
    std::string_view section;  ///< the RFC section that governs it, e.g. "RFC 5321 §4.1.1.2"
};

/// What the driver should do after a step.
struct Output {
    std::vector<Command> commands;  ///< write these in one go (one pipelined group)
    bool start_tls = false;         ///< run the TLS handshake, then step TlsStarted
    bool close = false;             ///< close the connection; the session is over
};

/// Events the driver feeds into step().
struct TlsStarted {};
struct ConnectionLost {
    std::string why;              ///< "closed by the server", "timed out", "malformed reply: ..."
    bool protocol_error = false;  ///< the server broke the protocol (a malformed reply)
};
/// The TLS handshake failed (certificate not trusted, wrong name, no common version).
struct TlsFailed {
    std::string why;
};
using Event = std::variant<wire::WireReply, TlsStarted, ConnectionLost, TlsFailed>;

}  // namespace ehlo::client
