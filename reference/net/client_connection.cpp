// Layer: net (client side). See client_connection.hpp. Each operation races its deadline
// (a steady_timer) with `||` from Asio's awaitable operators: whichever ends first cancels the
// other, so no operation outlives its time limit.
#include "net/client_connection.hpp"

#include <openssl/ssl.h>

#include <optional>
#include <tuple>
#include <utility>

#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "net/tls_context.hpp"

namespace ehlo::net {

namespace {

using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto no_throw = asio::experimental::as_tuple(asio::use_awaitable);

/// Runs `operation` (an awaitable that does not throw on I/O errors) until `timeout`; nothing
/// when the deadline came first.
template <typename T>
asio::awaitable<std::optional<T>> within(asio::awaitable<T> operation, Timeout timeout) {
    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    auto first = co_await (std::move(operation) || timer.async_wait(no_throw));
    if (first.index() == 1) co_return std::nullopt;
    co_return std::get<0>(std::move(first));
}

IoResult timed_out_result() {
    return IoResult{asio::error::timed_out, 0, {}};
}

}  // namespace

bool IoResult::timed_out() const {
    return error == asio::error::timed_out;
}

bool IoResult::closed_by_peer() const {
    return error == asio::error::eof || error == asio::error::connection_reset ||
           error == asio::error::broken_pipe || error == asio::ssl::error::stream_truncated;
}

std::string IoResult::describe() const {
    if (!error) return "ok";
    if (timed_out()) return "timed out";
    if (error == asio::error::eof) return "connection closed by the server";
    if (!detail.empty()) return detail;
    return error.message();
}

ClientConnection::ClientConnection(asio::any_io_executor executor)
    : executor_(executor), socket_(executor) {}

ClientConnection::~ClientConnection() {
    close();
}

asio::awaitable<IoResult> ClientConnection::connect(const HostPort& target, Timeout timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    tcp::resolver resolver(executor_);
    // Name resolution cannot be cancelled in Asio: a slow resolver may outlast the deadline,
    // numeric addresses never do.
    auto resolved = co_await within(
        resolver.async_resolve(target.host, std::to_string(target.port), no_throw), timeout);
    if (!resolved) co_return timed_out_result();
    auto [resolve_error, endpoints] = std::move(*resolved);
    if (resolve_error) co_return IoResult{resolve_error, 0, {}};
    auto left = deadline - std::chrono::steady_clock::now();
    auto connected = co_await within(asio::async_connect(socket_, endpoints, no_throw), left);
    if (!connected) {
        close();
        co_return timed_out_result();
    }
    co_return IoResult{std::get<0>(*connected), 0, {}};
}

asio::awaitable<IoResult> ClientConnection::handshake(asio::ssl::context& context,
                                                      const std::string& server_name, bool verify,
                                                      Timeout timeout) {
    tls_ = std::make_unique<TlsStream>(socket_, context);
    try {
        expect_server_name(tls_->native_handle(), server_name, verify);
    } catch (const TlsSetupError& error) {
        co_return IoResult{asio::error::invalid_argument, 0, error.what()};
    }
    auto done =
        co_await within(tls_->async_handshake(asio::ssl::stream_base::client, no_throw), timeout);
    if (!done) co_return timed_out_result();
    auto [error] = *done;
    if (error) {
        std::string detail = error.message();
        long verified = SSL_get_verify_result(tls_->native_handle());
        if (verify && verified != X509_V_OK) {
            detail = std::string("certificate verify failed: ") +
                     X509_verify_cert_error_string(verified);
        }
        co_return IoResult{error, 0, detail};
    }
    tls_active_ = true;
    co_return IoResult{};
}

void ClientConnection::adopt(asio::ip::tcp::socket socket) {
    close();
    socket_ = std::move(socket);
}

asio::awaitable<IoResult> ClientConnection::accept_handshake(asio::ssl::context& context,
                                                             Timeout timeout) {
    tls_ = std::make_unique<TlsStream>(socket_, context);
    auto done =
        co_await within(tls_->async_handshake(asio::ssl::stream_base::server, no_throw), timeout);
    if (!done) co_return timed_out_result();
    auto [error] = *done;
    if (error) co_return IoResult{error, 0, error.message()};
    tls_active_ = true;
    co_return IoResult{};
}

asio::awaitable<IoResult> ClientConnection::write(std::string_view bytes, Timeout timeout) {
    auto buffer = asio::buffer(bytes.data(), bytes.size());
    std::optional<std::tuple<std::error_code, std::size_t>> done;
    if (tls_active_) {
        done = co_await within(asio::async_write(*tls_, buffer, no_throw), timeout);
    } else {
        done = co_await within(asio::async_write(socket_, buffer, no_throw), timeout);
    }
    if (!done) co_return timed_out_result();
    auto [error, written] = *done;
    co_return IoResult{error, written, {}};
}

asio::awaitable<IoResult> ClientConnection::read_some(std::span<char> buffer, Timeout timeout) {
    auto target = asio::buffer(buffer.data(), buffer.size());
    std::optional<std::tuple<std::error_code, std::size_t>> done;
    if (tls_active_) {
        done = co_await within(tls_->async_read_some(target, no_throw), timeout);
    } else {
        done = co_await within(socket_.async_read_some(target, no_throw), timeout);
    }
    if (!done) co_return timed_out_result();
    auto [error, read] = *done;
    co_return IoResult{error, read, {}};
}

void ClientConnection::close() {
    std::error_code ignored;
    if (socket_.is_open()) {
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }
    tls_active_ = false;
}

bool ClientConnection::is_open() const {
    return socket_.is_open();
}

std::size_t ClientConnection::bytes_waiting() const {
    if (tls_active_ || !socket_.is_open()) return 0;
    asio::error_code error;
    const std::size_t waiting = socket_.available(error);
    return error ? 0 : waiting;
}

std::string ClientConnection::local_address_literal() const {
    std::error_code error;
    const auto local = socket_.local_endpoint(error);
    if (error) return {};
    const asio::ip::address address = local.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return "[" + asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string() +
               "]";
    }
    return address.is_v6() ? "[IPv6:" + address.to_string() + "]" : "[" + address.to_string() + "]";
}

std::string ClientConnection::tls_description() const {
    if (!tls_active_) return {};
    SSL* ssl = tls_->native_handle();
    return std::string(SSL_get_version(ssl)) + " " + SSL_get_cipher_name(ssl);
}

}  // namespace ehlo::net
