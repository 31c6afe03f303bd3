// Layer: protocol (sans-I/O). The syntax CHUNKING adds to commands (RFC 3030 §2): the
// arguments of `BDAT chunk-size [LAST]`. Reading the chunk's octets belongs to wire/
// (ChunkReader); whether BDAT is allowed now, and what it answers, to the server.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ehlo::protocol {

/// BDAT: a chunk of message data of `chunk_size` octets follows the command line at once;
/// `last` marks the final chunk of the message RFC 3030 §2.
struct Bdat {
    std::uint64_t chunk_size = 0;  ///< octets of data right after the command line
    bool last = false;             ///< the end-marker LAST: the message ends with this chunk
};

/// Parses the text after "BDAT ": chunk-size (one or more digits), then optionally one SP and
/// the end-marker LAST, in any case (ABNF literals are case-insensitive) RFC 3030 §2.
/// Nothing for any other shape: a syntax error, 501. A chunk-size too large for 64 bits is
/// also nothing: no real chunk is that large, and the server could not count it.
std::optional<Bdat> parse_bdat_arguments(std::string_view text);

/// The number of octets a BDAT line announces, even when the rest of the line is malformed:
/// the digits that open `text`, up to a SP or the end. The server must read and discard a
/// refused chunk before it answers RFC 3030 §2, so it needs the size whenever it can be read.
/// Nothing when `text` does not open with a readable chunk-size; the octets that follow are
/// then read as command lines, as by a server without CHUNKING.
std::optional<std::uint64_t> announced_chunk_size(std::string_view text);

}  // namespace ehlo::protocol
