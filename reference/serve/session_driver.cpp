// Layer: serve (the server's I/O glue). One connection's coroutine: see session_driver.hpp.
// The loop reads like the dialogue of RFC 5321 §3.3: greet, then read what the client sent,
// let the Connection answer it, carry out its actions, write the answers, and again. The TLS
// handshake (RFC 3207 §4, RFC 8314 §3) is one more action with its own deadline.
#include "serve/session_driver.hpp"

#include <algorithm>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <openssl/ssl.h>

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/dispatch.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "server/trace_format.hpp"

namespace ehlo::serve {

using asio::ip::tcp;
using server::Action;

void Tracer::print(std::uint64_t connection_id, const std::vector<server::TraceLine>& lines) {
    std::lock_guard lock(mutex_);
    for (const server::TraceLine& line : lines) {
        out_ << server::format_trace_line(connection_id, line) << '\n';
    }
    out_.flush();
}

void Tracer::note(std::uint64_t connection_id, std::string_view note) {
    std::lock_guard lock(mutex_);
    out_ << server::format_trace_note(connection_id, note) << '\n';
    out_.flush();
}

namespace {

/// A store that throws is a local error: 451, the client will try again RFC 5321 §4.2.3.
std::optional<protocol::Reply> commit_or_451(server::PendingMessage& message) {
    try {
        return message.commit();
    } catch (const std::exception& error) {
        std::cerr << "ehlo-server: commit failed: " << error.what() << std::endl;
        return protocol::make_reply(protocol::ReplyId::local_error);
    }
}

/// Runs `message->commit()` on `pool` and completes with its result on the caller's
/// executor. The task owns the message, so it stays valid whatever happens to the session.
template <typename Token>
auto commit_on(asio::thread_pool& pool, std::shared_ptr<server::PendingMessage> message,
               Token&& token) {
    using Result = std::optional<protocol::Reply>;
    auto start = [&pool, message = std::move(message)](auto handler) mutable {
        auto work = asio::make_work_guard(asio::get_associated_executor(handler));
        asio::post(pool, [message = std::move(message), handler = std::move(handler),
                          work = std::move(work)]() mutable {
            Result failure = commit_or_451(*message);
            auto executor = work.get_executor();
            asio::dispatch(executor,
                           [handler = std::move(handler), failure = std::move(failure)]() mutable {
                               std::move(handler)(std::move(failure));
                           });
        });
    };
    return asio::async_initiate<Token, void(Result)>(std::move(start), token);
}

}  // namespace

SessionDriver::SessionDriver(asio::ip::tcp::socket socket, server::Peer peer,
                             const SessionContext& context, ReadBuffer& buffer, bool implicit_tls)
    : socket_(std::move(socket)),
      implicit_tls_(implicit_tls),
      timer_(socket_.get_executor(), SteadyClock::time_point::max()),
      context_(context),
      buffer_(buffer),
      connection_(context.policy, std::move(peer), context.tracer != nullptr),
      command_deadline_(SteadyClock::now() + context.policy.timeouts.command),
      data_deadline_(context.policy.timeouts.data_block, context.policy.timeouts.min_data_rate) {
    // read() waits for readability, then reads without blocking into the worker's buffer.
    // Replies are already batched, so Nagle's delay would only add latency.
    std::error_code ignored;
    socket_.non_blocking(true, ignored);
    socket_.set_option(tcp::no_delay(true), ignored);
}

asio::awaitable<void> SessionDriver::run() {
    using namespace asio::experimental::awaitable_operators;
    note("connected from " + connection_.session().peer.address);
    // Whichever ends first ends the other: the dialogue (the client quit or went away) or the
    // watchdog (a deadline passed, or the server is stopping). The operator waits for the first
    // of the two to *succeed*, so neither may end by throwing: that one would be ignored and
    // the session left waiting for the other.
    auto ended = co_await (converse() || watchdog());
    if (ended.index() == 1) last_words(std::get<1>(ended));
    // A transaction not yet answered is dropped; one already answered stays RFC 5321 §4.1.1.10.
    if (pending_) pending_->abort();
    pending_.reset();
    close();
    note("closed");
}

asio::awaitable<void> SessionDriver::converse() {
    // The dialogue ends here, whatever ends it: a lost connection ends it without an
    // exception (see flush() and read()); a store that fails, or a bug, ends it with one.
    const std::uint64_t id = connection_.session().peer.connection_id;
    try {
        co_await dialogue();
    } catch (const std::system_error& error) {
        // operation_aborted: the watchdog ended the dialogue, and says why.
        if (error.code() != asio::error::operation_aborted) {
            std::cerr << "ehlo-server: connection " << id << ": " << error.what() << std::endl;
        }
    } catch (const std::exception& error) {
        std::cerr << "ehlo-server: connection " << id << ": " << error.what() << std::endl;
    }
}

void SessionDriver::request_stop() {
    stopping_ = true;
    // A session waiting for a command is told at once; one in the middle of a message
    // finishes it first (dialogue() checks stopping_ after each answer).
    if (phase_ == Phase::reading && may_stop_now()) {
        stop_now_ = true;
        timer_.cancel();
    }
}

asio::awaitable<void> SessionDriver::dialogue() {
    // On an implicit TLS port the handshake comes first RFC 8314 §3; then the greeting
    // RFC 5321 §3.1, then one round per batch of input.
    if (implicit_tls_ && !co_await handshake()) co_return;
    bool open = co_await carry_out(connection_.start(server::Clock::now(), implicit_tls_));
    while (open) {
        if (!co_await flush()) co_return;  // the connection is lost
        if (stopping_ && may_stop_now()) {
            co_await carry_out(connection_.shutting_down());  // 421 RFC 5321 §3.8
            co_return;
        }
        std::string_view input = co_await read();
        if (input.empty()) co_return;  // the client closed the connection, or it is lost
        open = co_await feed(input);
    }
}

asio::awaitable<std::string_view> SessionDriver::read() {
    // Commands: one deadline for the whole line, counted from our last reply, so a client
    // cannot hold the connection by trickling octets RFC 5321 §4.5.3.2.7. Message data (a
    // BDAT chunk too, RFC 3030 §2): no pause longer than the data block timeout
    // RFC 5321 §4.5.3.2.5, and a minimum average rate (serve/data_deadline.hpp).
    bool in_data =
        connection_.state() == server::State::data || connection_.state() == server::State::chunk;
    // A new stretch of data (after the 354, or a chunk after the previous one's reply) gets
    // an allowance of its own; the rest of a stretch goes on with the deadline it has.
    if (!in_data) {
        data_started_ = false;
    } else if (!data_started_) {
        data_deadline_.start(SteadyClock::now());
        data_started_ = true;
    }
    arm(in_data ? data_deadline_.deadline() : command_deadline_);
    phase_ = Phase::reading;
    std::string_view input;
    if (tls_) {
        input = co_await read_tls();
    } else {
        input = co_await read_plain();
    }
    phase_ = Phase::working;
    if (in_data) data_deadline_.received(input.size(), SteadyClock::now());
    co_return input;
}

asio::awaitable<std::string_view> SessionDriver::read_plain() {
    std::error_code error;
    std::size_t size = 0;
    do {
        co_await socket_.async_wait(tcp::socket::wait_read,
                                    asio::redirect_error(asio::use_awaitable, error));
        if (!error) size = socket_.read_some(asio::buffer(buffer_), error);
    } while (error == asio::error::would_block);
    if (error) {
        connection_lost(error);  // end of stream, or a reset
        co_return std::string_view{};
    }
    co_return std::string_view(buffer_.data(), size);
}

asio::awaitable<std::string_view> SessionDriver::read_tls() {
    // A plain read into the session's own buffer: OpenSSL may hold decrypted input that the
    // socket no longer shows, so a wait for readability could wait forever.
    std::error_code error;
    std::size_t size = co_await tls_->async_read_some(
        asio::buffer(*tls_buffer_), asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        connection_lost(error);  // end of stream, close_notify, a reset, ...
        co_return std::string_view{};
    }
    co_return std::string_view(tls_buffer_->data(), size);
}

asio::awaitable<bool> SessionDriver::handshake() {
    // Only a server with a certificate offers STARTTLS or listens for implicit TLS.
    if (!context_.tls) co_return false;
    tls_ = std::make_unique<TlsStream>(socket_, *context_.tls);
    // A stalled handshake holds a connection like a silent client: it gets the shorter of
    // the handshake and command timeouts, then the connection is closed, never left half-open.
    const server::Timeouts& timeouts = context_.policy.timeouts;
    arm(SteadyClock::now() + std::min(timeouts.tls_handshake, timeouts.command));
    phase_ = Phase::handshaking;
    std::error_code error;
    co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                   asio::redirect_error(asio::use_awaitable, error));
    phase_ = Phase::working;
    if (error) {
        note("TLS handshake failed: " + error.message());
        co_return false;
    }
    tls_up_ = true;
    tls_buffer_ = std::make_unique<ReadBuffer>();
    SSL* ssl = tls_->native_handle();
    note(std::string("TLS handshake done: ") + SSL_get_version(ssl) + " " +
         SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    command_deadline_ = SteadyClock::now() + timeouts.command;
    co_return true;
}

asio::awaitable<bool> SessionDriver::feed(std::string_view input) {
    std::string rest;  // input behind a message's end waits here while the store commits
#ifdef EHLO_TEST_SEAMS
    input = connection_.filter_input(input, rest);  // server/connection_hooks.hpp
#endif
    while (!input.empty()) {
        server::Output out = connection_.receive(input, server::Clock::now());
        if (connection_.awaiting_commit() && !input.empty()) {
            rest = std::string(input);  // other sessions reuse the read buffer meanwhile
            input = rest;
        }
        if (!co_await carry_out(std::move(out))) co_return false;
    }
    co_return true;
}

asio::awaitable<bool> SessionDriver::carry_out(server::Output out) {
    trace(out);
    replies_ += out.replies;  // written together when the input is used up (RFC 2920 §3.1)
    if (!out.replies.empty()) data_started_ = false;  // any data that follows is a new stretch
    for (const Action& action : out.actions) {
        if (action.kind == Action::Kind::commit_message) {
            if (!co_await commit()) co_return false;
        } else if (action.kind == Action::Kind::start_tls) {
            // The 220 goes out in the clear; the Connection has already dropped whatever
            // came after STARTTLS, and the next read is from TLS RFC 3207 §4.2.
            if (!co_await flush()) co_return false;
            if (!co_await handshake()) co_return false;
            if (!co_await carry_out(connection_.tls_started())) co_return false;
        } else {
            store_action(action);
        }
    }
    if (out.close) {
        co_await flush();  // the last words; the session ends whether they arrive or not
        co_return false;
    }
    co_return true;
}

void SessionDriver::store_action(const Action& action) {
    switch (action.kind) {
        case Action::Kind::begin_message:
            pending_ = context_.store.begin(connection_.session().envelope, action.data);
            break;
        case Action::Kind::append_data:
            if (pending_) pending_->append(action.data);
            break;
        case Action::Kind::abort_message:
            if (pending_) pending_->abort();
            pending_.reset();
            break;
        case Action::Kind::commit_message:  // commit() waits for it
        case Action::Kind::close:           // Output::close says the same
        case Action::Kind::start_tls:       // carry_out() does the handshake
            break;
    }
}

asio::awaitable<bool> SessionDriver::commit() {
    // The server owns the message only once it is durable, so 250 waits for the store
    // RFC 5321 §6.1; the replies before it need not wait. No deadline runs meanwhile: a
    // 451 sent while the store might still succeed would only cause a second delivery.
    // A client already gone was promised nothing: the message is dropped, not stored.
    if (!co_await flush()) co_return false;
    if (!pending_) throw std::logic_error("commit_message without begin_message");
    arm(SteadyClock::time_point::max());
    phase_ = Phase::committing;
    std::shared_ptr<server::PendingMessage> message = std::move(pending_);
    auto failure = co_await commit_on(context_.blocking, std::move(message), asio::use_awaitable);
    phase_ = Phase::working;
    co_return co_await carry_out(connection_.stored(std::move(failure)));
}

asio::awaitable<bool> SessionDriver::flush() {
    // False when the connection is lost: a failed write ends the session as a failed read
    // does, the client can no longer hear us RFC 5321 §4.1.1.10.
    if (replies_.empty()) co_return true;
    arm(SteadyClock::now() + context_.policy.timeouts.command);  // a client that never reads
    phase_ = Phase::writing;
    std::error_code error;
    auto written = asio::redirect_error(asio::use_awaitable, error);
    if (tls_) {
        co_await asio::async_write(*tls_, asio::buffer(replies_), written);
    } else {
        co_await asio::async_write(socket_, asio::buffer(replies_), written);
    }
    phase_ = Phase::working;
    if (error) {
        connection_lost(error);  // a reset, a broken pipe, ...
        co_return false;
    }
    replies_.clear();
    if (replies_.capacity() > 4096) replies_.shrink_to_fit();  // after a long pipeline
    command_deadline_ = SteadyClock::now() + context_.policy.timeouts.command;
    co_return true;
}

asio::awaitable<SessionDriver::Interrupt> SessionDriver::watchdog() {
    for (;;) {
        // arm() moves the deadline by cancelling this wait: the clock decides, not the error.
        std::error_code ignored;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        auto state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none) co_return Interrupt::none;
        if (stop_now_) {
            if (phase_ == Phase::reading && may_stop_now()) co_return Interrupt::shutdown;
            stop_now_ = false;  // input came first: dialogue() stops once it is answered
        }
        if (timer_.expiry() <= SteadyClock::now()) {
            // Decided here, while the dialogue still waits: once cancelled, it waits no more.
            co_return phase_ == Phase::reading ? Interrupt::timeout : Interrupt::unheard;
        }
    }
}

void SessionDriver::last_words(Interrupt why) {
    if (why != Interrupt::timeout && why != Interrupt::shutdown) return;
    server::Output out = why == Interrupt::timeout ? connection_.timed_out()       // 421
                                                   : connection_.shutting_down();  // 421
    trace(out);
    for (const Action& action : out.actions)
        store_action(action);
    std::error_code ignored;  // one attempt, without waiting for a peer that may not read
    if (tls_up_) {
        asio::write(*tls_, asio::buffer(out.replies), ignored);
    } else {
        asio::write(socket_, asio::buffer(out.replies), ignored);
    }
}

void SessionDriver::arm(SteadyClock::time_point deadline) {
    if (timer_.expiry() != deadline) timer_.expires_at(deadline);
}

void SessionDriver::trace(const server::Output& out) {
    if (context_.tracer && !out.trace.empty()) {
        context_.tracer->print(connection_.session().peer.connection_id, out.trace);
    }
}

void SessionDriver::note(std::string_view text) {
    if (context_.tracer) context_.tracer->note(connection_.session().peer.connection_id, text);
}

void SessionDriver::connection_lost(const std::error_code& error) {
    // The end of the stream is the client closing, and an aborted wait is the watchdog's
    // doing: neither is news. Anything else (a reset, a broken pipe, a TLS alert) is.
    if (error == asio::error::eof || error == asio::error::operation_aborted) return;
    note("connection lost: " + error.message());
}

bool SessionDriver::may_stop_now() const {
    // Outside a message a 421 loses nothing the client was told was accepted; a command
    // line half received is simply not answered.
    server::State state = connection_.state();
    return state != server::State::data && state != server::State::chunk &&
           state != server::State::closed && !connection_.awaiting_commit();
}

void SessionDriver::close() {
    std::error_code ignored;
    // One attempt at TLS's close_notify; the socket does not block, so a peer that does not
    // answer with its own costs nothing.
    if (tls_up_) tls_->shutdown(ignored);
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    timer_.cancel();
}

}  // namespace ehlo::serve
