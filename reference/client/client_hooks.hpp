// Layer: client (sans-I/O), test builds only. The seam of client::Session: one hooks object per
// session, made by Settings::make_hooks, that may rewrite each reply as parsed, each command
// line and the message data before they are written, and stand in for a few choices of the
// client (whether to pipeline, RFC 2920 §3.1; whether to insist on STARTTLS, RFC 3207 §6; what
// to do around the TLS handshake, RFC 3207 §4.2; whether to authenticate, RFC 4954 §4; whether
// to say QUIT, RFC 5321 §4.1.1.10). The client mutants of tests/mutants break one rule each
// through it (docs/mutants.md, Client mutants).
//
// As the server's seam (server/connection_hooks.hpp), it is compiled only where EHLO_TEST_SEAMS
// is defined: the client's libraries are built once more with it (ehlo_client_seams,
// ehlo_send_main_seams), which only test programs link. ehlo-send carries no hooks member, no
// hook call and no Settings::make_hooks; the CTest test seams_absent checks its symbols.
#pragma once

#ifndef EHLO_TEST_SEAMS
#error "client/client_hooks.hpp is for test builds only: define EHLO_TEST_SEAMS"
#endif

#include <string>

#include "wire/reply_codec.hpp"

namespace ehlo::client {

class Session;  // client/session.hpp

/// The choices of the client a test build may overturn.
enum class Decision {
    /// Send MAIL, every RCPT and DATA as one group: PIPELINING offered and wanted RFC 2920 §3.1.
    pipeline,
    /// Give up when STARTTLS is required but not offered RFC 3207 §6.
    require_tls,
    /// Say EHLO again after the TLS handshake, forgetting the keywords before it RFC 3207 §4.2.
    hello_after_tls,
    /// Drop what the server sent between STARTTLS's 220 and the handshake RFC 3207 §4.2; asked
    /// by the driver.
    drop_before_tls,
    /// Send AUTH now: asked after each EHLO and after AUTH succeeded RFC 4954 §4.
    authenticate,
    /// End the session with QUIT, rather than closing at once RFC 5321 §4.1.1.10.
    say_quit,
};

/// What a test build may change in one session. Each default changes nothing.
class ClientHooks {
  public:
    virtual ~ClientHooks() = default;
    /// Each reply as parsed, before the session acts on it (Session::awaiting() tells which
    /// command it answers). The trace still shows the reply as it came.
    virtual void received(const Session& /*session*/, wire::WireReply& /*reply*/) {}
    /// Each command line, CRLF included, before it is written: AUTH's responses and BDAT's verb
    /// line too.
    virtual void sending_command(const Session& /*session*/, std::string& /*line*/) {}
    /// The message data as it goes out: after DATA's 354 dot-stuffed, with the end mark; with
    /// BDAT each chunk's octets, before its verb line announces their size.
    virtual void sending_data(const Session& /*session*/, std::string& /*data*/) {}
    /// Stands in for `decision`, whose value in the unbroken client is `chosen`.
    virtual bool decide(const Session& /*session*/, Decision /*decision*/, bool chosen) {
        return chosen;
    }
};

}  // namespace ehlo::client
