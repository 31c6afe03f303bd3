// Layer: serve. The server's listening side: binds its addresses (the SMTP port, an implicit
// TLS port, RFC 8314 §3, and a submission port with a policy of its own, RFC 6409), accepts
// connections on one thread and hands each to one of N worker threads (one io_context each), where
// a SessionDriver runs it. It enforces the connection limit (421 instead of the greeting,
// RFC 5321 §3.1) and stops cleanly on SIGTERM or SIGINT (421 to every session, RFC 5321 §3.8). The
// SMTP dialogue and the TLS handshake are left to session_driver.hpp and server::Connection, the
// TLS settings to net/tls_context.hpp.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include "net/address.hpp"
#include "serve/session_driver.hpp"

namespace ehlo::serve {

struct ListenerOptions {
    net::HostPort listen{"127.0.0.1", 2525};
    /// A port where TLS starts at once, before the greeting (`--smtps`) RFC 8314 §3; needs
    /// the Listener's TLS context.
    std::optional<net::HostPort> smtps;
    /// A message submission port (`--submission`) RFC 6409 §4.3: its sessions follow the
    /// Listener's submission policy, which requires AUTH before MAIL.
    std::optional<net::HostPort> submission;
    unsigned threads = 0;                ///< worker threads; 0: one per hardware thread
    std::size_t max_connections = 1000;  ///< sessions at once; more get 421 at once
    bool trace = false;                  ///< print the dialogue (--trace) on stdout
};

/// Accepts SMTP connections and runs them until a stop signal.
class Listener {
  public:
    /// `policy`, `store` and `tls` (the certificate for STARTTLS and implicit TLS; null for
    /// none) must outlive the listener.
    /// `submission_policy` serves the submission port and must be given with one.
    Listener(ListenerOptions options, const server::Policy& policy, server::Store& store,
             asio::ssl::context* tls = nullptr, const server::Policy* submission_policy = nullptr);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    /// Binds and listens on every address; from here on the system queues connections.
    /// Throws std::runtime_error naming the address and the reason if it cannot.
    void bind();
    /// The SMTP address really bound (with the port the system chose for port 0), as text.
    std::string address() const;
    /// The implicit TLS address really bound, if there is one.
    std::optional<std::string> smtps_address() const;
    /// The submission address really bound, if there is one.
    std::optional<std::string> submission_address() const;
    /// Serves until SIGTERM or SIGINT, then lets the sessions finish, at most for the data
    /// timeout (a second signal ends the wait), and returns.
    void run();

  private:
    struct Worker;
    /// One listening address, and whether TLS starts before the greeting there.
    struct Port {
        net::HostPort address;
        bool implicit_tls;
        asio::ip::tcp::acceptor acceptor;
        const SessionContext* context;  ///< the policy of its sessions
    };

    void bind(Port& port);
    asio::awaitable<void> accept_loop(Port& port);
    asio::awaitable<void> serve(Worker& worker, asio::ip::tcp::socket socket, server::Peer peer,
                                const Port& port);
    void admit(Worker& worker, asio::ip::tcp::socket socket, const Port& port);
    void refuse(asio::ip::tcp::socket socket, server::Peer peer);
    void session_ended();
    void wait_for_signal();
    void begin_stop();
    void finish();
    void give_up();

    ListenerOptions options_;
    const server::Policy& policy_;
    Tracer tracer_;
    asio::thread_pool blocking_;  ///< commits (fsync) run here, off the event loops
    SessionContext context_;
    std::optional<SessionContext> submission_context_;  ///< with the submission policy
    std::vector<std::unique_ptr<Worker>> workers_;
    asio::io_context accept_context_{1};        ///< the acceptors, the signals, the drain timer
    std::vector<std::unique_ptr<Port>> ports_;  ///< the SMTP port first
    asio::signal_set signals_;
    asio::steady_timer drain_timer_;
    std::atomic<std::size_t> live_{0};  ///< sessions running on all workers
    std::atomic<bool> stopping_{false};
    bool finished_ = false;
    std::uint64_t next_id_ = 0;
    std::size_t next_worker_ = 0;
};

}  // namespace ehlo::serve
