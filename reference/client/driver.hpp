// Layer: client (I/O). The driver of the client state machine: it connects with
// net::ClientConnection, reads replies with wire::ReplyParser, feeds them to client::step and
// writes what step gives, one pipelined group per write (RFC 2920 §3.1). It runs the TLS
// handshake of implicit TLS (RFC 8314 §3) and after STARTTLS's 220, dropping whatever came
// before the handshake (RFC 3207 §4.2), and waits per step as long as RFC 5321 §4.5.3.2 allows.
// What to send and what the replies mean are the session's; printing outcomes is the app's.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <asio/ssl/context.hpp>

#include "client/session.hpp"
#include "net/address.hpp"

namespace ehlo::client {

/// How long to wait for each step, after RFC 5321 §4.5.3.2.
struct Timeouts {
    std::chrono::seconds connect{60};
    std::chrono::seconds greeting{300};  ///< RFC 5321 §4.5.3.2.1: 5 minutes
    std::chrono::seconds command{300};   ///< MAIL, RCPT and the rest RFC 5321 §4.5.3.2.2
    std::chrono::seconds data{120};      ///< the 354 to DATA RFC 5321 §4.5.3.2.4
    std::chrono::seconds data_end{600};  ///< after the end of data RFC 5321 §4.5.3.2.6
    /// All of them set to `limit` (ehlo-send's --timeout).
    static Timeouts all(std::chrono::seconds limit) { return {limit, limit, limit, limit, limit}; }
};

/// Where to send and how.
struct Target {
    net::HostPort address;
    asio::ssl::context* tls_context = nullptr;  ///< needed for STARTTLS and implicit TLS
    bool verify = true;                         ///< check the certificate and the name
    /// The name sent as SNI (RFC 6066 §3) and looked for in the certificate; empty for the host
    /// of `address`.
    std::string server_name;
    Timeouts timeouts;
};

/// Receives each printed trace line (without a line end); empty for no trace.
using TraceSink = std::function<void(const std::string&)>;

/// Runs `session` to its end over a new connection to `target`. Never throws for network
/// trouble: a failed connect, a time-out or a TLS failure become events of the session.
void run(Session& session, const Target& target, const TraceSink& trace);

}  // namespace ehlo::client
