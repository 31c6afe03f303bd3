// Layer: conformance/check (I/O). One connection from a client under test, as ehlo-check sees it
// when it plays the server: a net::ClientConnection that adopted the accepted socket, and the
// bytes read but not yet taken. It reads what ClientRun asks for (a line, the mail data up to
// the line of one period, a BDAT chunk of a given size, RFC 5321 §4.1.1.4, RFC 3030 §2), each
// within a deadline and in bounded memory, so a client that floods, stalls or hangs up costs
// time, never a hang or unbounded memory. What the bytes mean is the engine's (client_run.hpp).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string>

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>

#include "engine/client_run.hpp"
#include "net/client_connection.hpp"

namespace ehlo::check {

/// The most ehlo-check reads as one line (AUTH responses of RFC 4954 §4 may be long).
inline constexpr std::size_t max_client_line = 64 * 1024;
/// The most it reads as the mail data or one BDAT chunk.
inline constexpr std::size_t max_client_data = 32 * 1024 * 1024;

class ClientLink {
  public:
    explicit ClientLink(asio::any_io_executor executor) : connection_(executor) {}

    void adopt(asio::ip::tcp::socket socket) { connection_.adopt(std::move(socket)); }
    /// The server side of the TLS handshake. Bytes the client sent before it (read past its
    /// STARTTLS line) make it fail: the client did not wait for the 220 (RFC 3207 §4). Empty
    /// on success, else why it failed.
    asio::awaitable<std::string> handshake(asio::ssl::context& context,
                                           std::chrono::milliseconds timeout);
    /// Writes `bytes`; empty on success, else why not.
    asio::awaitable<std::string> write(const std::string& bytes, std::chrono::milliseconds timeout);

    asio::awaitable<engine::ClientInput> read_line(std::chrono::milliseconds timeout);
    /// Lines up to and including one that holds only a period (its CR optional).
    asio::awaitable<engine::ClientInput> read_data(std::chrono::milliseconds timeout);
    asio::awaitable<engine::ClientInput> read_octets(std::size_t count,
                                                     std::chrono::milliseconds timeout);
    /// Waits `duration` for input without taking it: `quiet`, `closed`, or `bytes` (kept for
    /// the next read).
    asio::awaitable<engine::ClientInput> watch(std::chrono::milliseconds duration);

    /// For `--listen`: from now on, keep every byte read and written, so the connection's
    /// start can be played again to the scenario its recipient picks.
    void start_recording() { recording_ = true; }
    /// Plays the recorded start again: its input is read again, and writes that repeat the
    /// recorded output are not sent a second time. Recording stops.
    void replay();

    void close() { connection_.close(); }
    bool is_open() const { return connection_.is_open(); }
    std::string tls_description() const { return connection_.tls_description(); }

  private:
    /// Reads once more into `pending_` until `deadline`; false when nothing came (time-out,
    /// close), with `input` saying which.
    asio::awaitable<bool> fill(std::chrono::steady_clock::time_point deadline,
                               engine::ClientInput& input);

    /// `bytes`, taken off the front of `pending_`, is read: recorded when recording.
    engine::ClientInput take(std::size_t bytes);

    net::ClientConnection connection_;
    std::string pending_;
    bool recording_ = false;
    std::string read_record_;     ///< what was read while recording
    std::string written_record_;  ///< what was written while recording
    std::string already_sent_;    ///< during a replay: recorded output not yet written again
    std::array<char, 16384> buffer_{};
};

}  // namespace ehlo::check
