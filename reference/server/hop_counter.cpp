// Layer: server (sans-I/O). See hop_counter.hpp.
#include "server/hop_counter.hpp"

#include <algorithm>
#include <cctype>

namespace ehlo::server {

namespace {

constexpr std::string_view received_name = "received:";

bool starts_received_field(std::string_view line_start) {
    if (line_start.size() < received_name.size()) return false;
    return std::equal(
        received_name.begin(), received_name.end(), line_start.begin(),
        [](char want, char got) { return want == std::tolower(static_cast<unsigned char>(got)); });
}

}  // namespace

void HopCounter::feed(std::string_view data) {
    for (char octet : data) {
        if (!in_header_) return;  // only the header section counts RFC 5322 §2.1
        if (octet == '\n') {
            end_line();
            continue;
        }
        if (octet == '\r') continue;
        if (line_start_.size() < received_name.size()) line_start_ += octet;
        ++line_length_;
    }
}

void HopCounter::end_line() {
    if (line_length_ == 0) {
        in_header_ = false;  // the empty line that ends the header section
    } else if (starts_received_field(line_start_)) {
        ++received_;  // RFC 5321 §6.3
    }
    line_start_.clear();
    line_length_ = 0;
}

}  // namespace ehlo::server
