// Layer: client (I/O). The driver of ehlo-send: see driver.hpp. In test builds the session's
// hooks (client/client_hooks.hpp) may have it keep the bytes sent before a TLS handshake.
#include "client/driver.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <span>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

#include "client/trace.hpp"
#include "net/client_connection.hpp"

namespace ehlo::client {

namespace {

/// The longest reply line read, CRLF included. A server's lines must fit in 512 octets
/// RFC 5321 §4.5.3.1.5, but the limits of RFC 5321 §4.5.3.1 are sizes to accept, and the RFC asks
/// for no limits where it can be helped; a bound is still needed against a hostile server,
/// so the client takes 16 times that, as ehlo-check does.
constexpr std::size_t max_reply_line = 8192;

/// One connection's run: the loop of read reply, step, write commands.
class Run {
  public:
    Run(Session& session, const Target& target, const TraceSink& trace,
        asio::any_io_executor executor)
        : session_(session), target_(target), trace_(trace), connection_(std::move(executor)) {}

    asio::awaitable<void> operator()() {
        net::IoResult connected =
            co_await connection_.connect(target_.address, target_.timeouts.connect);
        if (!connected.ok()) {
            Event lost =
                ConnectionLost{"cannot connect to " + target_.address.host + ":" +
                               std::to_string(target_.address.port) + ": " + connected.describe()};
            co_await take(std::move(lost));
            co_return;
        }
        note("connected to " + target_.address.host + ":" + std::to_string(target_.address.port));
        if (session_.needs_client_name()) session_.name_client(connection_.local_address_literal());
        if (session_.tls_active()) {
            bool shaken = co_await handshake();
            if (!shaken) co_return;
        }
        while (!session_.done()) {
            Event event = co_await next_event();
            co_await take(event);
        }
        connection_.close();
    }

  private:
    void note(const std::string& text) {
        if (trace_) trace_(format_trace_note(text));
    }

    /// The TLS handshake; false (and the session told) when it failed.
    asio::awaitable<bool> handshake() {
        if (target_.tls_context == nullptr) {
            Event failed = TlsFailed{"no TLS context"};
            co_await take(std::move(failed));
            co_return false;
        }
        const std::string& name =
            target_.server_name.empty() ? target_.address.host : target_.server_name;
        net::IoResult shaken = co_await connection_.handshake(
            *target_.tls_context, name, target_.verify, target_.timeouts.command);
        if (!shaken.ok()) {
            Event failed = TlsFailed{shaken.detail.empty() ? shaken.describe() : shaken.detail};
            co_await take(std::move(failed));
            co_return false;
        }
        note("TLS started: " + connection_.tls_description());
        co_return true;
    }

    /// How long the reply now awaited may take RFC 5321 §4.5.3.2.
    net::Timeout wait_limit() const {
        std::string_view section = session_.awaiting_section();
        if (section == "RFC 5321 §4.3.1") return target_.timeouts.greeting;
        if (section == "RFC 5321 §4.1.1.4" || section == "RFC 3030 §2")
            return target_.timeouts.data_end;
        return target_.timeouts.command;
    }

    /// The next reply, or why none came. The wait limit holds for the whole reply, not for
    /// each read, so a server that sends one octet at a time cannot hold the client longer
    /// RFC 5321 §4.5.3.2.
    asio::awaitable<Event> next_event() {
        const auto deadline = std::chrono::steady_clock::now() + wait_limit();
        for (;;) {
            std::string_view input = pending_;
            auto parsed = parser_.next(input);
            pending_.erase(0, pending_.size() - input.size());
            // Events are built in named variables: GCC 12 mishandles temporaries in co_return.
            if (parsed == wire::ReplyParser::Event::reply) {
                Event reply = parser_.reply();
                co_return reply;
            }
            if (parsed == wire::ReplyParser::Event::malformed) {
                Event lost = ConnectionLost{"malformed reply (" + parser_.error() + ")", true};
                co_return lost;
            }
            auto left = deadline - std::chrono::steady_clock::now();
            if (left <= net::Timeout::zero()) {
                Event lost = ConnectionLost{"timed out waiting for the server's reply"};
                co_return lost;
            }
            std::array<char, 16384> buffer;
            net::IoResult read = co_await connection_.read_some(buffer, left);
            if (!read.ok()) {
                std::string why =
                    read.closed_by_peer() ? "the server closed the connection" : read.describe();
                Event lost = ConnectionLost{why};
                co_return lost;
            }
            pending_.append(buffer.data(), read.bytes);
        }
    }

    /// Feeds one event to the session and carries out what it asks, following up on TLS.
    asio::awaitable<void> take(Event event) {
        if (auto* reply = std::get_if<wire::WireReply>(&event); reply && trace_)
            trace_(format_trace_reply(*reply, session_.awaiting_section()));
        if (auto* lost = std::get_if<ConnectionLost>(&event)) note(lost->why);
        Output out = step(session_, event);
        co_await carry_out(std::move(out));
    }

    asio::awaitable<void> carry_out(Output out) {
        std::string bytes;
        for (const Command& command : out.commands) {
            if (trace_) trace_(format_trace_line('C', command.shown, command.section));
            bytes += command.bytes;
        }
        if (!bytes.empty()) {
            net::IoResult written = co_await connection_.write(bytes, target_.timeouts.command);
            if (!written.ok()) {
                Event lost = ConnectionLost{"cannot write: " + written.describe()};
                co_await take(std::move(lost));
                co_return;
            }
        }
        if (out.close) {
            connection_.close();
            co_return;
        }
        if (out.start_tls) co_await start_tls();
    }

    asio::awaitable<void> start_tls() {
#ifdef EHLO_TEST_SEAMS
        if (session_.decide(Decision::drop_before_tls, true)) drop_plaintext();
#else
        drop_plaintext();
#endif
        bool shaken = co_await handshake();
        if (shaken) {
            Event started = TlsStarted{};
            co_await take(std::move(started));
        }
    }

    /// Forgets what the server sent before the TLS handshake: those bytes are never trusted
    /// RFC 3207 §4.2, nor is a partial line the parser holds.
    void drop_plaintext() {
        if (!pending_.empty()) {
            note("dropped " + std::to_string(pending_.size()) +
                 " octets the server sent before the TLS handshake (RFC 3207 §4.2)");
            pending_.clear();
        }
        parser_ = wire::ReplyParser(max_reply_line);
    }

    Session& session_;
    const Target& target_;
    const TraceSink& trace_;
    net::ClientConnection connection_;
    wire::ReplyParser parser_{max_reply_line};
    std::string pending_;
};

}  // namespace

void run(Session& session, const Target& target, const TraceSink& trace) {
    asio::io_context context(1);
    auto finished = asio::co_spawn(
        context,
        [&]() -> asio::awaitable<void> {
            Run one(session, target, trace, context.get_executor());
            co_await one();
        },
        asio::use_future);
    context.run();
    finished.get();
}

}  // namespace ehlo::client
