// Layer: conformance/check (I/O). See link.hpp: one connection to the target, read reply by
// reply within a deadline and in bounded memory.
#include "check/link.hpp"

#include <optional>
#include <span>
#include <utility>

namespace ehlo::check {

namespace {

using Clock = std::chrono::steady_clock;

std::string why_failed(const std::string& what, const net::IoResult& result) {
    return what + ": " + result.describe();
}

}  // namespace

Link::Link(asio::any_io_executor executor) : connection_(std::move(executor)) {}

asio::awaitable<std::string> Link::open(const Target& target, bool implicit_tls) {
    net::IoResult connected = co_await connection_.connect(target.address, target.timeout);
    if (!connected.ok()) co_return why_failed("cannot connect to " + target.shown, connected);
    if (!implicit_tls) co_return std::string{};
    if (target.tls_context == nullptr) co_return std::string("no TLS context for implicit TLS");
    net::IoResult shaken = co_await connection_.handshake(*target.tls_context, target.address.host,
                                                          target.verify, target.timeout);
    if (!shaken.ok()) co_return why_failed("TLS handshake", shaken);
    co_return std::string{};
}

asio::awaitable<std::string> Link::start_tls(const Target& target) {
    if (target.tls_context == nullptr) co_return std::string("no TLS context for STARTTLS");
    if (!pending_.empty() || held_ != 0) {
        // RFC 3207 §4.2: nothing may come between the 220 and the handshake. Whatever did is
        // dropped unread, never taken as part of the protected session.
        std::size_t extra = pending_.size() + held_;
        pending_.clear();
        held_ = 0;
        parser_ = wire::ReplyParser(max_reply_line, max_reply_lines);
        co_return "server sent " + std::to_string(extra) +
            " bytes after its 220 to STARTTLS, before the TLS handshake (RFC 3207 §4.2)";
    }
    net::IoResult shaken = co_await connection_.handshake(*target.tls_context, target.address.host,
                                                          target.verify, target.timeout);
    if (!shaken.ok()) co_return why_failed("TLS handshake", shaken);
    co_return std::string{};
}

asio::awaitable<Link::WriteOutcome> Link::write(std::string_view bytes, const Target& target) {
    net::IoResult written = co_await connection_.write(bytes, target.timeout);
    if (written.ok()) co_return WriteOutcome{};
    co_return WriteOutcome{why_failed("write", written), written.closed_by_peer()};
}

std::optional<engine::Received> Link::parse_pending() {
    std::string_view input = pending_;
    wire::ReplyParser::Event event = parser_.next(input);
    std::size_t consumed = pending_.size() - input.size();
    pending_.erase(0, consumed);
    switch (event) {
        case wire::ReplyParser::Event::reply:
            held_ = 0;
            return engine::Received::of(parser_.reply());
        case wire::ReplyParser::Event::malformed:
            held_ = 0;
            broken_ = true;
            pending_.clear();
            return engine::Received::malformed(parser_.error());
        case wire::ReplyParser::Event::need_more:
            held_ += consumed;
            break;
    }
    return std::nullopt;  // not yet: the caller reads more
}

asio::awaitable<engine::Received> Link::read_reply(std::chrono::milliseconds timeout) {
    if (broken_) {
        co_return engine::Received::malformed(
            "the connection is out of step after a malformed reply");
    }
    const auto deadline = Clock::now() + timeout;
    while (true) {
        if (!pending_.empty()) {
            if (std::optional<engine::Received> parsed = parse_pending()) co_return *parsed;
        }
        auto left = deadline - Clock::now();
        if (left <= Clock::duration::zero()) co_return engine::Received::timeout();
        net::IoResult read = co_await connection_.read_some(std::span<char>(buffer_), left);
        if (read.timed_out()) co_return engine::Received::timeout();
        if (!read.ok()) {
            connection_.close();
            if (held_ != 0) {
                held_ = 0;
                broken_ = true;
                co_return engine::Received::malformed("connection closed in the middle of a reply");
            }
            co_return engine::Received::closed();
        }
        pending_.append(buffer_.data(), read.bytes);
    }
}

}  // namespace ehlo::check
