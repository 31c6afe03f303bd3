// Layer: conformance/check (I/O). See client_link.hpp: reading a client under test.
#include "check/client_link.hpp"

#include <algorithm>
#include <utility>

namespace ehlo::check {

namespace {

using Clock = std::chrono::steady_clock;
using engine::ClientInput;

// Where the mail data ends in `text`: after the first line that holds only a period, its CR
// optional (RFC 5321 §4.1.1.4; a bare-LF client is still read to its end, and judged for it).
std::size_t end_of_data(std::string_view text) {
    std::size_t start = 0;
    while (start < text.size()) {
        const auto lf = text.find('\n', start);
        if (lf == std::string_view::npos) return std::string_view::npos;
        const auto line = text.substr(start, lf - start);
        if (line == "." || line == ".\r") return lf + 1;
        start = lf + 1;
    }
    return std::string_view::npos;
}

}  // namespace

asio::awaitable<bool> ClientLink::fill(Clock::time_point deadline, ClientInput& input) {
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) {
        input = ClientInput::timed_out(pending_);
        co_return false;
    }
    const net::IoResult read = co_await connection_.read_some(buffer_, left);
    if (read.ok() && read.bytes > 0) {
        pending_.append(buffer_.data(), read.bytes);
        co_return true;
    }
    if (read.timed_out()) {
        input = ClientInput::timed_out(pending_);
    } else {
        input = ClientInput::closed(pending_);
    }
    pending_.clear();
    co_return false;
}

asio::awaitable<std::string> ClientLink::handshake(asio::ssl::context& context,
                                                   std::chrono::milliseconds timeout) {
    if (!pending_.empty()) {
        co_return "the client sent " + std::to_string(pending_.size()) +
            " bytes after its STARTTLS before the 220 came, and no TLS handshake could follow";
    }
    const net::IoResult done = co_await connection_.accept_handshake(context, timeout);
    co_return done.ok() ? std::string() : "TLS handshake with the client: " + done.describe();
}

engine::ClientInput ClientLink::take(std::size_t bytes) {
    ClientInput input = ClientInput::of(pending_.substr(0, bytes));
    pending_.erase(0, bytes);
    if (recording_) read_record_ += input.bytes;
    return input;
}

void ClientLink::replay() {
    recording_ = false;
    pending_ = std::exchange(read_record_, {}) + pending_;
    already_sent_ = std::exchange(written_record_, {});
}

asio::awaitable<std::string> ClientLink::write(const std::string& bytes,
                                               std::chrono::milliseconds timeout) {
    if (!already_sent_.empty() && already_sent_.starts_with(bytes)) {
        already_sent_.erase(0, bytes.size());
        co_return std::string();
    }
    already_sent_.clear();
    if (recording_) written_record_ += bytes;
    const net::IoResult done = co_await connection_.write(bytes, timeout);
    co_return done.ok() ? std::string() : done.describe();
}

asio::awaitable<ClientInput> ClientLink::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    ClientInput input;
    for (;;) {
        const auto lf = pending_.find('\n');
        if (lf != std::string::npos) {
            co_return take(lf + 1);
        }
        if (pending_.size() > max_client_line) co_return ClientInput::too_long();
        if (!co_await fill(deadline, input)) co_return input;
    }
}

asio::awaitable<ClientInput> ClientLink::read_data(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    ClientInput input;
    for (;;) {
        const auto end = end_of_data(pending_);
        if (end != std::string::npos) {
            co_return take(end);
        }
        if (pending_.size() > max_client_data) co_return ClientInput::too_long();
        if (!co_await fill(deadline, input)) co_return input;
    }
}

asio::awaitable<ClientInput> ClientLink::read_octets(std::size_t count,
                                                     std::chrono::milliseconds timeout) {
    if (count > max_client_data) co_return ClientInput::too_long();
    const auto deadline = Clock::now() + timeout;
    ClientInput input;
    while (pending_.size() < count) {
        if (!co_await fill(deadline, input)) co_return input;
    }
    co_return take(count);
}

asio::awaitable<ClientInput> ClientLink::watch(std::chrono::milliseconds duration) {
    if (!pending_.empty()) co_return ClientInput::of(pending_);
    ClientInput input;
    if (co_await fill(Clock::now() + duration, input)) co_return ClientInput::of(pending_);
    if (input.kind == ClientInput::Kind::timed_out) co_return ClientInput::quiet();
    co_return input;
}

}  // namespace ehlo::check
