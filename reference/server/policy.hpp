// Layer: server (sans-I/O). What one server instance accepts: its name and domains, the
// size limits of RFC 5321 §4.5.3.1 (and the session limit of RFC 9422), the timeouts of
// RFC 5321 §4.5.3.2 and the ESMTP extensions it offers, whether it demands TLS (RFC 3207 §4), and
// its AUTH settings (RFC 4954, server/auth.hpp). Filled in from the command line by
// apps/server_main.cpp; read-only while the server runs.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "server/auth.hpp"

#ifdef EHLO_TEST_SEAMS
#include <functional>
#include <memory>
#endif

namespace ehlo::server {

#ifdef EHLO_TEST_SEAMS
class ConnectionHooks;  // server/connection_hooks.hpp
#endif

/// Size limits; the defaults are the minimums RFC 5321 §4.5.3.1 requires a server to accept.
/// The limits on local parts, domains and paths (RFC 5321 §4.5.3.1.1 to RFC 5321 §4.5.3.1.3) are
/// fixed in the parser (protocol/address.cpp): the server accepts exactly what the RFC asks of it.
struct Limits {
    std::size_t command_line = 512;                   ///< octets incl. CRLF RFC 5321 §4.5.3.1.4
    std::size_t text_line = 1000;                     ///< octets incl. CRLF RFC 5321 §4.5.3.1.6
    std::size_t max_recipients = 100;                 ///< at least 100 RFC 5321 §4.5.3.1.8
    std::size_t max_message_size = 10 * 1024 * 1024;  ///< octets of message data
    /// MAIL commands accepted in one session; announced as MAILMAX RFC 9422 §4.1.
    std::size_t max_transactions = 1000;
};

/// The ESMTP extensions the server can announce in EHLO RFC 5321 §4.1.1.1.
enum class Extension {
    pipelining,           ///< RFC 2920
    size,                 ///< RFC 1870
    eightbitmime,         ///< RFC 6152
    enhancedstatuscodes,  ///< RFC 2034
    smtputf8,             ///< RFC 6531
    limits,               ///< RFC 9422
    starttls,             ///< RFC 3207; offered only by a server that has a certificate
    auth,                 ///< RFC 4954; announced only while a mechanism can be offered
    chunking,             ///< RFC 3030 §2: BDAT
    binarymime,           ///< RFC 3030 §3; offered only together with CHUNKING
};

/// Server-side timeouts RFC 5321 §4.5.3.2. The RFC names client timeouts for each step
/// and asks the server to wait at least 5 minutes for the next command (RFC 5321 §4.5.3.2.7).
struct Timeouts {
    /// Time a client has to send a complete command line, from the previous reply
    /// RFC 5321 §4.5.3.2.7. Measured per line, not per byte, so a trickle cannot hold it.
    std::chrono::seconds command{300};
    /// Longest pause between two reads of message data; mirrors the client's 3-minute
    /// data block timeout RFC 5321 §4.5.3.2.5.
    std::chrono::seconds data_block{180};
    /// Octets per second a message's data must average, after a first allowance of one
    /// `data_block`: a client cannot hold a connection by trickling a message, one octet
    /// per data block timeout (serve/data_deadline.hpp). The RFC sets no such bound.
    std::size_t min_data_rate = 500;
    /// Time a client has to complete a TLS handshake, after STARTTLS's 220 or on connecting
    /// to the implicit TLS port; never longer than `command`. RFC 3207 names no limit; a
    /// real handshake takes well under a second, so a stalled one is not kept open long.
    std::chrono::seconds tls_handshake{30};
};

/// Everything a session needs to decide its replies.
struct Policy {
    std::string hostname = "localhost";  ///< our name in the greeting and Received:
    std::vector<std::string> domains;    ///< mail is accepted only for these (no relaying)
    /// A sink that drops every message (--discard) may take any domain: nothing is relayed.
    bool accept_any_domain = false;
    /// Addresses that moved (RFC 5321 §3.4): old mailbox -> new mailbox. A new mailbox in
    /// one of `domains` gets 251 and delivery there; any other gets 551.
    std::map<std::string, std::string> aliases;
    Limits limits;
    Timeouts timeouts;
    /// The extensions announced in EHLO; a missing one is neither announced nor honoured.
    /// STARTTLS is not in the default set: it is added when a certificate is configured.
    std::set<Extension> extensions{Extension::pipelining,   Extension::size,
                                   Extension::eightbitmime, Extension::enhancedstatuscodes,
                                   Extension::smtputf8,     Extension::limits,
                                   Extension::auth,         Extension::chunking,
                                   Extension::binarymime};
    /// Before TLS, refuse every command but EHLO, HELO, NOOP, RSET, QUIT and STARTTLS with
    /// 530 RFC 3207 §4; needs STARTTLS offered (or only implicit TLS ports).
    bool require_tls = false;
    /// The users and tokens AUTH checks against, whether it allows secrets in clear, and
    /// whether MAIL must wait for it (a submission listener) RFC 4954 §4 RFC 6409 §4.3.
    AuthSettings auth;

    bool offers(Extension extension) const { return extensions.count(extension) != 0; }

#ifdef EHLO_TEST_SEAMS
    /// Test builds only (server/connection_hooks.hpp): makes the hooks of each connection,
    /// which may rewrite its input, its step function and its replies.
    std::function<std::unique_ptr<ConnectionHooks>()> make_hooks;
#endif
};

}  // namespace ehlo::server
