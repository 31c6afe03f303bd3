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

/// The failure of a handshake, with what to do about it when the certificate was the cause.
std::string handshake_failed(const net::IoResult& result, const Target& target) {
    std::string error = why_failed("TLS handshake", result);
    return error + certificate_hint(error, target);
}

bool mentions(const std::string& text, std::string_view word) {
    return text.find(word) != std::string::npos;
}

}  // namespace

const std::string& tls_server_name(const Target& target) {
    return target.tls_name.empty() ? target.address.host : target.tls_name;
}

std::string certificate_hint(const std::string& error, const Target& target) {
    if (!mentions(error, "certificate verify failed")) return {};
    const std::string& name = tls_server_name(target);
    if (mentions(error, "hostname mismatch") || mentions(error, "IP address mismatch")) {
        return "; the certificate does not name " + name +
               ": give --tls-name NAME with a name it holds, or --insecure";
    }
    if (!target.ca_file.empty()) {
        return "; the certificate does not verify against the CAs of --ca-file " + target.ca_file +
               ": give the CA that signed it (and --tls-name NAME if it " +
               "names another host than " + name + "), or --insecure";
    }
    return "; the runner does not trust the certificate: give --ca-file FILE with the CA "
           "that signed it, or --insecure";
}

Link::Link(asio::any_io_executor executor) : connection_(std::move(executor)) {}

asio::awaitable<std::string> Link::open(const Target& target, bool implicit_tls) {
    net::IoResult connected = co_await connection_.connect(target.address, target.timeout);
    if (!connected.ok()) co_return why_failed("cannot connect to " + target.shown, connected);
    if (!implicit_tls) co_return std::string{};
    if (target.tls_context == nullptr) co_return std::string("no TLS context for implicit TLS");
    net::IoResult shaken = co_await connection_.handshake(
        *target.tls_context, tls_server_name(target), target.verify, target.timeout);
    if (!shaken.ok()) co_return handshake_failed(shaken, target);
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
    net::IoResult shaken = co_await connection_.handshake(
        *target.tls_context, tls_server_name(target), target.verify, target.timeout);
    if (!shaken.ok()) co_return handshake_failed(shaken, target);
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
