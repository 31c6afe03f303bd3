// Layer: serve. Accepting, the connection limit, the worker threads and the orderly stop: see
// listener.hpp.
#include "serve/listener.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <utility>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

namespace ehlo::serve {

using asio::ip::tcp;

/// One worker thread: its io_context and the sessions that run on it. Only the worker's
/// thread touches `sessions` and `stopping`.
struct Listener::Worker {
    ReadBuffer buffer{};  ///< shared by the worker's sessions, see session_driver.hpp
    std::unordered_set<SessionDriver*> sessions;
    bool stopping = false;
    asio::io_context context{1};  // after `sessions`: destroyed first, with its sessions
    asio::executor_work_guard<asio::io_context::executor_type> work{context.get_executor()};
    std::thread thread;
};

namespace {

/// Each connection is a file descriptor: take all the system allows this process.
void raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

/// Commits spend their time waiting for the disk (fsync), not computing, so many of them
/// in flight at once keep the disk busy; this many threads run them.
constexpr unsigned commit_threads = 16;

unsigned worker_count(unsigned asked) {
    if (asked != 0) return asked;
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Listener::Listener(ListenerOptions options, const server::Policy& policy, server::Store& store,
                   asio::ssl::context* tls, const server::Policy* submission_policy)
    : options_(std::move(options)),
      policy_(policy),
      tracer_(std::cout),
      blocking_(commit_threads),
      context_{policy, store, blocking_, options_.trace ? &tracer_ : nullptr, tls},
      signals_(accept_context_, SIGINT, SIGTERM),
      drain_timer_(accept_context_) {
    for (unsigned i = 0; i < worker_count(options_.threads); ++i) {
        workers_.push_back(std::make_unique<Worker>());
    }
    ports_.push_back(std::make_unique<Port>(
        Port{options_.listen, false, tcp::acceptor(accept_context_), &context_}));
    if (options_.smtps) {
        if (!tls) throw std::logic_error("an implicit TLS port needs a TLS context");
        ports_.push_back(std::make_unique<Port>(
            Port{*options_.smtps, true, tcp::acceptor(accept_context_), &context_}));
    }
    if (options_.submission) {
        if (!submission_policy) throw std::logic_error("a submission port needs its policy");
        submission_context_.emplace(
            SessionContext{*submission_policy, store, blocking_, context_.tracer, tls});
        ports_.push_back(std::make_unique<Port>(Port{
            *options_.submission, false, tcp::acceptor(accept_context_), &*submission_context_}));
    }
}

Listener::~Listener() {
    // run() joins the threads; if it never ran, or threw, stop and join them here.
    for (auto& worker : workers_) {
        worker->context.stop();
        if (worker->thread.joinable()) worker->thread.join();
    }
    blocking_.join();
}

void Listener::bind() {
    raise_open_file_limit();
    for (auto& port : ports_)
        bind(*port);
}

void Listener::bind(Port& port) {
    const net::HostPort& listen = port.address;
    tcp::acceptor& acceptor = port.acceptor;
    bool v6 = listen.host.find(':') != std::string::npos;
    std::string host = v6 ? "[" + listen.host + "]" : listen.host;
    std::string shown = host + ":" + std::to_string(listen.port);
    try {
        tcp::resolver resolver(accept_context_);
        auto found = resolver.resolve(listen.host, std::to_string(listen.port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service);
        tcp::endpoint endpoint = found.begin()->endpoint();
        acceptor.open(endpoint.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(asio::socket_base::max_listen_connections);
    } catch (const std::system_error& error) {
        throw std::runtime_error("cannot listen on " + shown + ": " + error.code().message());
    }
}

std::string Listener::address() const {
    return net::format_endpoint(ports_.front()->acceptor.local_endpoint());
}

std::optional<std::string> Listener::smtps_address() const {
    for (const auto& port : ports_) {
        if (port->implicit_tls) return net::format_endpoint(port->acceptor.local_endpoint());
    }
    return std::nullopt;
}

std::optional<std::string> Listener::submission_address() const {
    if (!submission_context_) return std::nullopt;
    for (const auto& port : ports_) {
        if (port->context == &*submission_context_) {
            return net::format_endpoint(port->acceptor.local_endpoint());
        }
    }
    return std::nullopt;
}

void Listener::run() {
    for (auto& worker : workers_) {
        worker->thread = std::thread([w = worker.get()] { w->context.run(); });
    }
    for (auto& port : ports_)
        asio::co_spawn(accept_context_, accept_loop(*port), asio::detached);
    wait_for_signal();
    accept_context_.run();
    for (auto& worker : workers_)
        worker->thread.join();
    blocking_.join();
}

asio::awaitable<void> Listener::accept_loop(Port& port) {
    asio::steady_timer pause(accept_context_);
    while (port.acceptor.is_open()) {
        Worker& worker = *workers_[next_worker_++ % workers_.size()];  // round robin
        std::error_code error;
        tcp::socket socket = co_await port.acceptor.async_accept(
            worker.context, asio::redirect_error(asio::use_awaitable, error));
        if (error == asio::error::operation_aborted) break;  // the acceptor was closed
        if (error) {
            // Out of descriptors, say: the connection stays queued, so wait before retrying.
            std::cerr << "ehlo-server: accept: " << error.message() << std::endl;
            pause.expires_after(std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, error));
            continue;
        }
        admit(worker, std::move(socket), port);
    }
}

void Listener::admit(Worker& worker, tcp::socket socket, const Port& port) {
    const bool implicit_tls = port.implicit_tls;
    std::error_code error;
    tcp::endpoint remote = socket.remote_endpoint(error);
    if (error) return;  // the client is already gone
    server::Peer peer{net::address_text(remote.address()), ++next_id_};
    if (live_.load() >= options_.max_connections) {
        // On an implicit TLS port a 421 would first need a handshake, the very work the
        // limit is there to save: the connection is just closed.
        if (implicit_tls) {
            socket.close(error);
            return;
        }
        refuse(std::move(socket), std::move(peer));
        return;
    }
    ++live_;
    asio::co_spawn(worker.context, serve(worker, std::move(socket), std::move(peer), port),
                   asio::detached);
}

asio::awaitable<void> Listener::serve(Worker& worker, tcp::socket socket, server::Peer peer,
                                      const Port& port) {
    SessionDriver session(std::move(socket), std::move(peer), *port.context, worker.buffer,
                          port.implicit_tls);
    worker.sessions.insert(&session);
    if (worker.stopping) session.request_stop();
    co_await session.run();
    worker.sessions.erase(&session);
    session_ended();
}

void Listener::refuse(tcp::socket socket, server::Peer peer) {
    // Over the limit: 421 in place of the greeting RFC 5321 §3.1, written without waiting.
    server::Connection connection(policy_, peer, options_.trace);
    server::Output out = connection.refuse();
    if (options_.trace) tracer_.print(peer.connection_id, out.trace);
    std::error_code ignored;
    socket.non_blocking(true, ignored);
    asio::write(socket, asio::buffer(out.replies), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

void Listener::session_ended() {
    // Called on a worker thread; finish() runs on the accept thread.
    if (--live_ == 0 && stopping_) asio::post(accept_context_, [this] { finish(); });
}

void Listener::wait_for_signal() {
    signals_.async_wait([this](std::error_code error, int) {
        if (error) return;
        if (stopping_) {
            give_up();  // a second signal: do not wait for the sessions
            return;
        }
        begin_stop();
        wait_for_signal();
    });
}

void Listener::begin_stop() {
    stopping_ = true;
    std::error_code ignored;
    for (auto& port : ports_)
        port->acceptor.close(ignored);
    for (auto& worker : workers_) {
        asio::post(worker->context, [w = worker.get()] {
            w->stopping = true;
            for (SessionDriver* session : w->sessions)
                session->request_stop();
        });
    }
    // Sessions in the middle of a message finish it; none may take longer than the data
    // timeout, after which the process stops anyway.
    drain_timer_.expires_after(policy_.timeouts.data_block);
    drain_timer_.async_wait([this](std::error_code error) {
        if (!error) give_up();
    });
    if (live_ == 0) finish();
}

void Listener::finish() {
    if (finished_) return;
    finished_ = true;
    drain_timer_.cancel();
    signals_.cancel();
    for (auto& worker : workers_)
        worker->work.reset();  // run() returns once idle
    accept_context_.stop();
}

void Listener::give_up() {
    std::cerr << "ehlo-server: stopping with " << live_.load() << " session(s) still open"
              << std::endl;
    for (auto& worker : workers_)
        worker->context.stop();
    accept_context_.stop();
}

}  // namespace ehlo::serve
