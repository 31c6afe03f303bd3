// Layer: wire (sans-I/O). Reads the message data of one BDAT command: exactly the number of
// octets the command announced, taken from the stream right after the command's CRLF
// (RFC 3030 §2). The octets are binary: no dot-stuffing, no line framing, no octet with a
// special meaning, so nothing inside a chunk can end it early or be read as a command. What
// the octets are for (stored, or discarded after a refusal) is the server's business.
#pragma once

#include <cstdint>
#include <string_view>

namespace ehlo::wire {

/// Whether the chunk has been read to its announced end.
enum class ChunkEvent {
    need_more,  ///< all input consumed; octets of the chunk are still to come
    end,        ///< the last octet of the chunk was taken; bytes after it stay in the input
};

/// Counts off the octets of one BDAT chunk RFC 3030 §2.
///
/// The reader holds no data of its own: next() hands back a view of the part of the input
/// that belongs to the chunk, so memory stays bounded by what the caller reads at a time,
/// however large the announced size. A chunk of size 0 ends as soon as it starts.
class ChunkReader {
  public:
    /// Readies the reader for a chunk of `size` octets; any chunk in progress is forgotten.
    void start(std::uint64_t size);

    /// Takes the octets of the chunk from the front of `input` (at most what is still due)
    /// and returns them as `piece`, a view into the caller's input. Returns `end` once the
    /// last octet of the chunk is taken (also when it was taken by an earlier call, and at
    /// once for a chunk of size 0), `need_more` while octets are due. Bytes after the chunk
    /// stay in `input`: they are the next command line.
    ChunkEvent next(std::string_view& input, std::string_view& piece);

    /// A chunk was started and its end has not been reported by finish().
    bool active() const { return active_; }
    /// Octets of the current chunk still to come.
    std::uint64_t remaining() const { return remaining_; }
    /// Octets of the current chunk taken so far.
    std::uint64_t taken() const { return size_ - remaining_; }
    /// The announced size of the current (or last) chunk.
    std::uint64_t size() const { return size_; }
    /// Marks the chunk as done with: active() is false until the next start().
    void finish() { active_ = false; }

  private:
    std::uint64_t size_ = 0;
    std::uint64_t remaining_ = 0;
    bool active_ = false;
};

}  // namespace ehlo::wire
