// Layer: server (sans-I/O). Counts the Received: fields at the top of a message while its
// data streams in, so a looping message can be refused at the end of data RFC 5321 §6.3.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ehlo::server {

/// More Received: fields than this, and the message is taken for a loop. RFC 5321 §6.3 asks
/// for a large threshold, normally at least 100 RFC 5321 §6.3.
inline constexpr std::size_t max_received_fields = 100;

/// Reads the header section of a message (up to its first empty line) in pieces of any size
/// and counts the lines that start a Received: field (the name compares without case).
class HopCounter {
  public:
    /// The next octets of the message, as they arrive.
    void feed(std::string_view data);
    /// Received: fields seen so far.
    std::size_t received() const { return received_; }
    /// True when the count says the message loops.
    bool looping() const { return received_ > max_received_fields; }

  private:
    void end_line();

    std::size_t received_ = 0;
    bool in_header_ = true;   ///< no empty line seen yet
    std::string line_start_;  ///< the first octets of the current line (at most the field name)
    std::size_t line_length_ = 0;  ///< octets of the current line so far, CR excluded
};

}  // namespace ehlo::server
