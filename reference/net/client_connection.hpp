// Layer: net (client side). One SMTP client connection over Asio C++20 coroutines: resolve
// and connect `HOST:PORT` with a deadline, plain or implicit TLS (RFC 8314 §3), the upgrade of
// an open plain connection after STARTTLS (RFC 3207 §4), writes, reads with a deadline, close.
// Every operation ends by its deadline, so a peer that stalls costs time, never a hang. It
// knows nothing of SMTP's dialogue: reply parsing is wire::ReplyParser's, the commands and
// what to make of the replies belong to the caller (ehlo-check's driver, ehlo-send).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>

#include "net/address.hpp"

namespace ehlo::net {

/// How long one operation may take at most.
using Timeout = std::chrono::steady_clock::duration;

/// What an operation of a ClientConnection came to.
struct IoResult {
    std::error_code error;  ///< empty on success; `asio::error::timed_out` at the deadline
    std::size_t bytes = 0;  ///< bytes read or written
    std::string detail;     ///< for TLS failures: OpenSSL's reason, when it gave one

    bool ok() const { return !error; }
    bool timed_out() const;
    /// A peer that closed the connection (end of stream, reset, or a TLS close).
    bool closed_by_peer() const;
    /// One line for a report: "timed out", "connection refused", "certificate verify failed".
    std::string describe() const;
};

/// A client connection to an SMTP server: TCP, then possibly TLS on top of it.
///
/// Use from coroutines on one executor; at most one read and one write at a time. Before a
/// TLS handshake reads and writes go to the TCP socket, afterwards through the TLS stream.
class ClientConnection {
  public:
    explicit ClientConnection(asio::any_io_executor executor);
    ~ClientConnection();
    ClientConnection(const ClientConnection&) = delete;
    ClientConnection& operator=(const ClientConnection&) = delete;

    /// Resolves `target` and connects to the first address that answers, all within
    /// `timeout`.
    asio::awaitable<IoResult> connect(const HostPort& target, Timeout timeout);

    /// The client side of a TLS handshake on the open connection, within `timeout`: right
    /// after `connect` for implicit TLS RFC 8314 §3, or after the server's 220 to STARTTLS
    /// RFC 3207 §4. `context` must outlive the connection; the server must present a
    /// certificate for `server_name` when `verify` is set (net::expect_server_name).
    asio::awaitable<IoResult> handshake(asio::ssl::context& context, const std::string& server_name,
                                        bool verify, Timeout timeout);

    /// Takes over `socket`, a connection accepted from a client: ehlo-check plays the server
    /// for the clients it judges, and reads and writes them as any other connection.
    void adopt(asio::ip::tcp::socket socket);
    /// The server side of a TLS handshake on an adopted connection, within `timeout`:
    /// implicit TLS RFC 8314 §3, or after the 220 to STARTTLS RFC 3207 §4.
    asio::awaitable<IoResult> accept_handshake(asio::ssl::context& context, Timeout timeout);
    /// Writes all of `bytes` within `timeout`.
    asio::awaitable<IoResult> write(std::string_view bytes, Timeout timeout);

    /// Reads what is there, at most `buffer.size()` bytes, waiting at most `timeout` for the
    /// first byte. A peer that closed gives `closed_by_peer()`.
    asio::awaitable<IoResult> read_some(std::span<char> buffer, Timeout timeout);

    /// Closes at once, without a TLS close_notify (a peer that stalls cannot hold it up).
    void close();

    bool is_open() const;
    /// Bytes received and not read yet, on a plain TCP connection; 0 under TLS, where what
    /// waits may be TLS records that carry no data.
    std::size_t bytes_waiting() const;
    /// Whether a TLS handshake succeeded on this connection.
    bool tls() const { return tls_active_; }
    /// This end of the connection as an address literal RFC 5321 §4.1.3: `[127.0.0.1]`,
    /// `[IPv6:::1]`; empty when not connected.
    std::string local_address_literal() const;
    /// The TLS version and cipher after a handshake ("TLSv1.3 TLS_AES_256_GCM_SHA384").
    std::string tls_description() const;

  private:
    using TlsStream = asio::ssl::stream<asio::ip::tcp::socket&>;

    asio::any_io_executor executor_;
    asio::ip::tcp::socket socket_;
    std::unique_ptr<TlsStream> tls_;
    bool tls_active_ = false;
};

}  // namespace ehlo::net
