// Layer: serve (the server's I/O glue). One coroutine per connection moves bytes between a TCP
// socket and the pure server::Connection, and carries out its actions against a Store: the
// commit (an fsync) runs on a thread pool so the event loop never waits for the disk. It
// does the TLS handshake, after STARTTLS's 220 (RFC 3207 §4) or before the greeting on an
// implicit TLS port (RFC 8314 §3), under a deadline; a failed or stalled handshake closes the
// connection. It enforces the server timeouts of RFC 5321 §4.5.3.2 and answers 421 when they
// expire or the server stops (RFC 5321 §3.8). A connection lost while reading or writing ends
// the session at once, any transaction still open dropped (RFC 5321 §4.1.1.10). Every SMTP rule
// is left to server::Connection; accepting, the connection limit and the signals are left to
// listener.hpp, the TLS settings to net/tls_context.hpp.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include "serve/data_deadline.hpp"
#include "server/connection.hpp"
#include "server/store.hpp"

namespace ehlo::serve {

/// Prints the `--trace` dialogue of every session, one batch at a time (thread-safe).
class Tracer {
  public:
    explicit Tracer(std::ostream& out) : out_(out) {}
    void print(std::uint64_t connection_id, const std::vector<server::TraceLine>& lines);
    void note(std::uint64_t connection_id, std::string_view note);

  private:
    std::mutex mutex_;
    std::ostream& out_;
};

/// What all sessions of one server share. Everything here outlives every session.
struct SessionContext {
    const server::Policy& policy;
    server::Store& store;
    asio::thread_pool& blocking;  ///< runs PendingMessage::commit()
    Tracer* tracer = nullptr;     ///< null unless --trace
    /// The server's certificate and TLS settings (net::server_tls_context); null without
    /// a certificate, and then STARTTLS is not offered.
    asio::ssl::context* tls = nullptr;
};

/// Input is read into a buffer that belongs to the worker thread, not to the session: a
/// session only needs it between a read and the end of processing what was read, so an idle
/// connection holds no read buffer at all. This needs a wait for readability followed by a
/// read that does not block, which TLS cannot do (OpenSSL may already hold decrypted data
/// the socket no longer shows), so a TLS session reads into a buffer of its own.
using ReadBuffer = std::array<char, 16 * 1024>;

/// One SMTP connection, from greeting to close.
class SessionDriver {
  public:
    /// `implicit_tls`: the connection came in on an implicit TLS port, so the handshake comes
    /// before the greeting RFC 8314 §3; it needs `context.tls`.
    SessionDriver(asio::ip::tcp::socket socket, server::Peer peer, const SessionContext& context,
                  ReadBuffer& buffer, bool implicit_tls = false);
    SessionDriver(const SessionDriver&) = delete;
    SessionDriver& operator=(const SessionDriver&) = delete;

    /// Runs the dialogue until either side closes or the connection is lost; never throws.
    asio::awaitable<void> run();

    /// Asks the session to end with 421 RFC 5321 §3.8: at once if it waits for a command,
    /// else once the message in progress is answered. Call on the session's thread.
    void request_stop();

  private:
    using SteadyClock = std::chrono::steady_clock;
    /// Why the watchdog ended the dialogue. Only a session waiting for input is told why
    /// (timeout, shutdown); one stuck in a write or a handshake cannot hear it (unheard).
    enum class Interrupt { none, timeout, shutdown, unheard };
    /// What the session is waiting for; only a wait for input may be interrupted.
    enum class Phase { working, reading, writing, committing, handshaking };
    using TlsStream = asio::ssl::stream<asio::ip::tcp::socket&>;

    asio::awaitable<void> converse();
    asio::awaitable<void> dialogue();
    asio::awaitable<std::string_view> read();
    asio::awaitable<std::string_view> read_plain();
    asio::awaitable<std::string_view> read_tls();
    asio::awaitable<bool> handshake();
    asio::awaitable<bool> feed(std::string_view input);
    asio::awaitable<bool> carry_out(server::Output out);
    asio::awaitable<bool> commit();
    asio::awaitable<bool> flush();
    asio::awaitable<Interrupt> watchdog();

    void store_action(const server::Action& action);
    void last_words(Interrupt why);
    void arm(SteadyClock::time_point deadline);
    void trace(const server::Output& out);
    void note(std::string_view text);
    void connection_lost(const std::error_code& error);
    bool may_stop_now() const;
    void close();

    asio::ip::tcp::socket socket_;
    std::unique_ptr<TlsStream> tls_;          ///< over socket_, from the start of the handshake
    std::unique_ptr<ReadBuffer> tls_buffer_;  ///< the TLS session's own read buffer
    bool tls_up_ = false;                     ///< the handshake succeeded
    bool implicit_tls_;
    asio::steady_timer timer_;  ///< the deadline of the current wait; watchdog() waits on it
    const SessionContext& context_;
    ReadBuffer& buffer_;
    server::Connection connection_;
    std::unique_ptr<server::PendingMessage> pending_;
    std::string replies_;  ///< replies not yet written (pipelined replies go out together)
    SteadyClock::time_point command_deadline_;
    DataDeadline data_deadline_;  ///< while message data is read
    bool data_started_ = false;   ///< data_deadline_ runs for the data being read
    Phase phase_ = Phase::working;
    bool stopping_ = false;  ///< a stop was requested
    bool stop_now_ = false;  ///< ... and the watchdog is to interrupt the wait for input
};

}  // namespace ehlo::serve
