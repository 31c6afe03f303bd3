// Layer: serve (pure arithmetic, no I/O). The deadline of message data, the content after DATA
// or one BDAT chunk. RFC 5321 §4.5.3.2.5 and RFC 5321 §4.5.3.2.6 give the client a timeout per
// block of data it sends, and set no bound on a whole message: a client that sends one octet just
// before each data timeout would hold its connection for as long as its message may be big.
// So the server counts two things. No pause between reads may exceed the data block timeout
// (the RFC's rule, mirrored); and the data as a whole must keep up an average rate: it starts
// with one data block timeout of allowance and earns more with every octet, at
// `min_rate` octets per second (Postfix calls the same idea its minimum data rate). A client
// that keeps up the rate (500 octets a second by default) is never cut by it, however big its
// message; one that trickles is cut about one data block timeout after its data began.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace ehlo::serve {

/// When the client must have sent more message data.
class DataDeadline {
  public:
    using Clock = std::chrono::steady_clock;

    /// `pause`: the data block timeout; `min_rate`: octets per second earned (at least 1).
    DataDeadline(std::chrono::seconds pause, std::size_t min_rate)
        : pause_(pause), min_rate_(std::max<std::size_t>(min_rate, 1)) {}

    /// The data starts now: the first read may take the whole pause.
    void start(Clock::time_point now) { deadline_ = now + pause_; }

    /// `octets` arrived at `now`: their time is added, but the next read never gets more
    /// than the pause from now.
    void received(std::size_t octets, Clock::time_point now) {
        auto earned = std::chrono::microseconds(octets * 1'000'000 / min_rate_);
        deadline_ = std::min(deadline_ + earned, now + pause_);
    }

    /// The time by which the next octets must have arrived.
    Clock::time_point deadline() const { return deadline_; }

  private:
    std::chrono::seconds pause_;
    std::size_t min_rate_;
    Clock::time_point deadline_{};
};

}  // namespace ehlo::serve
