// Fuzz target: wire::ChunkReader, the counted octets of a BDAT chunk RFC 3030 §2.
// Checks: the pieces are exactly the first `size` octets of the stream, whatever the cuts;
// the chunk ends when, and only when, the announced octets were taken; the bytes after it stay
// in the input; taken() + remaining() is always the size.
#include <algorithm>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "wire/chunk_reader.hpp"

namespace {

using ehlo::fuzz::check;
using ehlo::wire::ChunkEvent;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = ehlo::fuzz::as_text(data, size);
    const std::uint8_t settings = ehlo::fuzz::take_settings(input);
    const std::vector<std::string_view> feeds = ehlo::fuzz::split_feeds(input);
    const std::string joined = ehlo::fuzz::join(feeds);
    // Sizes around the input's length reach both "ends inside" and "needs more".
    const std::uint64_t chunk_size = settings < 0xf0 ? settings : joined.size() + settings - 0xf0;

    ehlo::wire::ChunkReader reader;
    reader.start(chunk_size);
    std::string pieces, rest;
    bool ended = false;
    for (std::string_view feed : feeds) {
        if (ended) {
            rest.append(feed);
            continue;
        }
        std::string_view piece;
        ChunkEvent event = reader.next(feed, piece);
        pieces.append(piece);
        check(reader.taken() + reader.remaining() == chunk_size, "taken + remaining != size");
        check(reader.taken() == pieces.size(), "taken() differs from the octets handed out");
        ended = event == ChunkEvent::end;
        check(ended == (reader.remaining() == 0), "end reported with octets still due");
        if (!ended) check(feed.empty(), "need_more left input unread");
        rest.append(feed);
    }
    if (chunk_size == 0 && feeds.empty()) {
        std::string_view nothing;
        std::string_view piece;
        check(reader.next(nothing, piece) == ChunkEvent::end, "an empty chunk did not end");
        ended = true;
    }
    const std::size_t expected = std::min<std::uint64_t>(chunk_size, joined.size());
    check(pieces == joined.substr(0, expected), "the pieces are not the stream's first octets");
    check(rest == joined.substr(expected), "octets after the chunk were lost or taken");
    check(ended == (joined.size() >= chunk_size), "the chunk ended at the wrong octet");
    return 0;
}
