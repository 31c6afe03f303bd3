// Test support for the sans-I/O layers (wire/, protocol/): the ways of cutting one input into
// pushes. A reader must give the same result however the network happens to cut the stream
// (docs/architecture.md), so each test feeds its input whole, split in two at every offset,
// octet by octet and, when short, split in three at every pair of offsets.
#pragma once

#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace ehlo::test {

/// One way of cutting an input: the pushes, in order.
using Chunks = std::vector<std::string_view>;

/// Every chunking of `input` described above. Inputs up to `pair_limit` octets are also cut at
/// every pair of offsets. Empty pushes are included on purpose: a reader must accept them.
inline std::vector<Chunks> chunkings(std::string_view input, std::size_t pair_limit = 48) {
    std::vector<Chunks> ways;
    const std::size_t n = input.size();
    ways.push_back({input});
    for (std::size_t i = 0; i <= n; ++i) {
        ways.push_back({input.substr(0, i), input.substr(i)});
    }
    Chunks octets;
    for (std::size_t i = 0; i < n; ++i)
        octets.push_back(input.substr(i, 1));
    ways.push_back(octets);
    if (n <= pair_limit) {
        for (std::size_t i = 0; i <= n; ++i) {
            for (std::size_t j = i; j <= n; ++j) {
                ways.push_back({input.substr(0, i), input.substr(i, j - i), input.substr(j)});
            }
        }
    }
    return ways;
}

/// The chunk sizes of one way, for failure messages: "[3|0|12]".
inline std::string describe(const Chunks& chunks) {
    std::ostringstream text;
    text << '[';
    for (std::size_t i = 0; i < chunks.size(); ++i)
        text << (i ? "|" : "") << chunks[i].size();
    text << ']';
    return text.str();
}

/// Makes control octets visible in failure messages: "a\r\n" becomes "a<CR><LF>".
inline std::string visible(std::string_view bytes) {
    std::string text;
    for (const char c : bytes) {
        if (c == '\r') {
            text += "<CR>";
        } else if (c == '\n') {
            text += "<LF>";
        } else if (c == '\0') {
            text += "<NUL>";
        } else {
            text.push_back(c);
        }
    }
    return text;
}

}  // namespace ehlo::test
