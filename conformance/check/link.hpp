// Layer: conformance/check (I/O). One connection to the target as the runner sees it: a
// net::ClientConnection plus the reply parser and the bytes read past the last reply. It reads
// whole replies (RFC 5321 §4.2: multi-line with `-` continuation) within one deadline and in
// bounded memory, so a hostile server (endless replies, giant lines, a byte a second, a close
// in the middle of a reply) ends in a time-out or a malformed reply, never a hang. What to send
// and how to judge the replies is left to the engine (driver.hpp) and to discovery.hpp.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ssl/context.hpp>

#include "engine/reply_match.hpp"
#include "net/address.hpp"
#include "net/client_connection.hpp"
#include "wire/reply_codec.hpp"

namespace ehlo::check {

/// How the runner reaches the target (`--starttls`, `--tls`).
enum class TlsMode { none, starttls, implicit };

/// Where and how to connect: the same for discovery and for every scenario.
struct Target {
    net::HostPort address;
    std::string shown;  ///< `HOST:PORT` as given, for messages
    TlsMode tls = TlsMode::none;
    /// The client TLS context (`--insecure`, `--ca-file`); must outlive every connection.
    asio::ssl::context* tls_context = nullptr;
    bool verify = true;  ///< check the server's certificate and name
    /// `--tls-name`: the name sent as SNI and verified in the certificate; empty for the host
    /// of `address`.
    std::string tls_name;
    std::string ca_file;  ///< `--ca-file` as given, for the hints of failed handshakes
    /// The limit of each step: connecting, a handshake, a write, and one whole reply.
    std::chrono::milliseconds timeout{30000};
    std::string client_name = "client.ehlo-check.test";  ///< for EHLO outside the scenarios
    double time_scale = 1.0;  ///< `--time-scale`: multiplies every `wait`
    /// Under `--auth`: the sender with which discovery asks whether MAIL needs a login
    /// first (discovery.hpp); empty for no such question.
    std::string login_probe_sender;
};

/// The name a TLS handshake with `target` sends as SNI and verifies: `--tls-name`, else the
/// host of `HOST:PORT` RFC 6066 §3.
const std::string& tls_server_name(const Target& target);

/// What a user can do about a failed handshake whose error is `error`: for a certificate that
/// does not verify, why and the option that helps (`--ca-file`, `--tls-name`, `--insecure`),
/// after "; ". Empty for other failures.
std::string certificate_hint(const std::string& error, const Target& target);

/// The longest reply line the runner reads (CRLF included): far above the 512 octets of
/// RFC 5321 §4.5.3.1.5, so a long but honest line is judged, not cut off.
inline constexpr std::size_t max_reply_line = 8192;
/// The most lines one reply may have before it counts as malformed.
inline constexpr std::size_t max_reply_lines = 1000;

/// One connection to the target, read reply by reply.
class Link {
  public:
    explicit Link(asio::any_io_executor executor);

    /// TCP connect, then for implicit TLS the handshake RFC 8314 §3. On failure: one line
    /// saying why ("connection refused", "TLS handshake: certificate verify failed").
    asio::awaitable<std::string> open(const Target& target, bool implicit_tls);

    /// The TLS handshake after the server's 220 to STARTTLS RFC 3207 §4. Bytes the server
    /// sent after that 220 and before the handshake are a fault RFC 3207 §4.2: they are
    /// dropped and named in the answer. Empty on success, else why it failed.
    asio::awaitable<std::string> start_tls(const Target& target);

    /// What a write came to: `error` is empty on success, else why it failed; `peer_closed`
    /// says the failure was the server closing or resetting the connection.
    struct WriteOutcome {
        std::string error;
        bool peer_closed = false;
    };
    /// Writes `bytes` within the target's timeout.
    asio::awaitable<WriteOutcome> write(std::string_view bytes, const Target& target);

    /// Reads one whole reply within `timeout`, counted from now for the whole reply, not per
    /// byte. A close between replies is `closed`, a close inside one is `malformed`.
    asio::awaitable<engine::Received> read_reply(std::chrono::milliseconds timeout);

    /// Whether reply bytes have arrived that no `read_reply` took yet: read past the last
    /// reply, or waiting on the plain TCP socket.
    bool has_unread() const {
        return !pending_.empty() || held_ != 0 || connection_.bytes_waiting() > 0;
    }

    void close() { connection_.close(); }
    bool is_open() const { return connection_.is_open(); }
    /// "TLSv1.3 TLS_AES_256_GCM_SHA384" once TLS is up; empty before.
    std::string tls_description() const { return connection_.tls_description(); }

  private:
    /// The next reply from `pending_`, or nothing when more bytes are needed.
    std::optional<engine::Received> parse_pending();

    net::ClientConnection connection_;
    wire::ReplyParser parser_{max_reply_line, max_reply_lines};
    std::string pending_;   ///< bytes read and not yet parsed: at most one read's worth
    std::size_t held_ = 0;  ///< bytes of an unfinished reply the parser holds
    bool broken_ = false;   ///< a malformed reply put the stream out of step
    std::array<char, 4096> buffer_{};
};

}  // namespace ehlo::check
