// Layer: wire (sans-I/O). Counts off the octets of one BDAT chunk (RFC 3030 §2): the chunk
// ends after exactly the announced number of octets, wherever the network happened to cut
// the stream, and nothing inside it (CR, LF, ".", NUL, a whole command line) has any meaning.
// Bytes past the end are left to the command line reader: when a client announces fewer
// octets than it sends, the surplus is read as command lines, which RFC 3030 §2 expects the
// server to refuse like any other bad line.
#include "wire/chunk_reader.hpp"

#include <algorithm>

namespace ehlo::wire {

void ChunkReader::start(std::uint64_t size) {
    size_ = size;
    remaining_ = size;
    active_ = true;
}

ChunkEvent ChunkReader::next(std::string_view& input, std::string_view& piece) {
    // Never more than the chunk still owes, whatever else the input holds.
    const std::uint64_t available = input.size();
    const auto count = static_cast<std::size_t>(std::min(available, remaining_));
    piece = input.substr(0, count);
    input.remove_prefix(count);
    remaining_ -= count;
    return remaining_ == 0 ? ChunkEvent::end : ChunkEvent::need_more;
}

}  // namespace ehlo::wire
