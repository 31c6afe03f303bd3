// Fuzzing support shared by the targets of fuzz/: reading the fuzzer's bytes as settings and a
// sequence of feeds, and stopping on a broken invariant.
//
// The stateful targets (server and client state machines) take their input as one byte of
// settings, then the bytes to feed, cut into separate reads at each "\0\xff" marker. The
// marker lets the fuzzer try every way a stream can be split across reads; fuzz/smtp.dict
// lists it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace ehlo::fuzz {

/// The bytes the fuzzer gives, as a view.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Where a stream is cut into two reads.
inline constexpr std::string_view feed_marker{"\0\xff", 2};

/// The reads that `input` stands for: the text between markers. Empty reads are dropped
/// unless `keep_empty` (for targets where an empty feed means something, such as an empty
/// SASL response).
inline std::vector<std::string_view> split_feeds(std::string_view input, bool keep_empty = false) {
    std::vector<std::string_view> feeds;
    while (!input.empty()) {
        std::size_t cut = input.find(feed_marker);
        std::string_view feed = input.substr(0, cut);
        if (!feed.empty() || keep_empty) feeds.push_back(feed);
        if (cut == std::string_view::npos) break;
        input.remove_prefix(cut + feed_marker.size());
    }
    return feeds;
}

/// The feeds as one stream again.
inline std::string join(const std::vector<std::string_view>& feeds) {
    std::string joined;
    for (std::string_view feed : feeds)
        joined.append(feed);
    return joined;
}

/// Takes the first byte of `input` as settings bits (0 when empty).
inline std::uint8_t take_settings(std::string_view& input) {
    if (input.empty()) return 0;
    auto settings = static_cast<std::uint8_t>(input.front());
    input.remove_prefix(1);
    return settings;
}

/// Stops the run with a message when an invariant does not hold: libFuzzer takes the abort as
/// a crash and saves the input.
inline void check(bool holds, const char* what) {
    if (holds) return;
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
}

}  // namespace ehlo::fuzz
