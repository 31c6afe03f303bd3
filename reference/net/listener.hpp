// Layer: net. The server's listening side: binds one address, accepts connections on one
// thread and hands each to one of N worker threads (one io_context each), where a
// SessionDriver runs it. It enforces the connection limit (421 instead of the greeting,
// RFC 5321 §3.1) and stops cleanly on SIGTERM or SIGINT (421 to every session, §3.8).
// The SMTP dialogue itself is left to session_driver.hpp and server::Connection.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include "net/address.hpp"
#include "net/session_driver.hpp"

namespace ehlo::net {

struct ListenerOptions {
    HostPort listen{"127.0.0.1", 2525};
    unsigned threads = 0;                ///< worker threads; 0: one per hardware thread
    std::size_t max_connections = 1000;  ///< sessions at once; more get 421 at once
    bool trace = false;                  ///< print the dialogue (--trace) on stdout
};

/// Accepts SMTP connections and runs them until a stop signal.
class Listener {
  public:
    /// `policy` and `store` must outlive the listener.
    Listener(ListenerOptions options, const server::Policy& policy, server::Store& store);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    /// Binds and listens; from here on the system queues connections. Throws
    /// std::runtime_error naming the address and the reason if it cannot.
    void bind();
    /// The address really bound (with the port the system chose for port 0), as text.
    std::string address() const;
    /// Serves until SIGTERM or SIGINT, then lets the sessions finish, at most for the data
    /// timeout (a second signal ends the wait), and returns.
    void run();

  private:
    struct Worker;

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(Worker& worker, asio::ip::tcp::socket socket, server::Peer peer);
    void admit(Worker& worker, asio::ip::tcp::socket socket);
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
    std::vector<std::unique_ptr<Worker>> workers_;
    asio::io_context accept_context_{1};  ///< the acceptor, the signals, the drain timer
    asio::ip::tcp::acceptor acceptor_;
    asio::signal_set signals_;
    asio::steady_timer drain_timer_;
    std::atomic<std::size_t> live_{0};  ///< sessions running on all workers
    std::atomic<bool> stopping_{false};
    bool finished_ = false;
    std::uint64_t next_id_ = 0;
    std::size_t next_worker_ = 0;
};

}  // namespace ehlo::net
