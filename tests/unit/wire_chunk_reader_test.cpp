// Unit tests of wire::ChunkReader: a BDAT chunk is exactly the announced number of octets
// after the command line (RFC 3030 §2), whatever they hold: CRLF "." CRLF, bare CR and LF,
// NUL and whole command lines are chunk data, and the octets after the chunk are left for the
// command reader. Every input is fed in every chunking (wire_split.hpp) and must give the
// same result; large chunks check that the reader keeps nothing of its own.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "wire/chunk_reader.hpp"
#include "wire_split.hpp"

namespace {

using namespace std::literals;
using ehlo::test::chunkings;
using ehlo::test::Chunks;
using ehlo::test::describe;
using ehlo::test::visible;
using ehlo::wire::ChunkEvent;
using ehlo::wire::ChunkReader;

/// What a reader made of a whole input.
struct Result {
    bool ended = false;  ///< the chunk's last octet was taken
    std::string data;    ///< the chunk's octets, as handed on
    std::string rest;    ///< the input left after the chunk
    std::size_t pieces = 0;
};

Result read_chunk(const Chunks& chunks, std::uint64_t size) {
    ChunkReader reader;
    reader.start(size);
    Result result;
    for (std::string_view push : chunks) {
        if (!result.ended) {
            std::string_view piece;
            ChunkEvent event = reader.next(push, piece);
            result.data += piece;
            if (!piece.empty()) ++result.pieces;
            if (event == ChunkEvent::end) {
                result.ended = true;
            } else {
                REQUIRE(push.empty());  // need_more only once the push is used up
            }
        }
        result.rest += push;
    }
    // With no input at all, a chunk of size 0 still ends when asked.
    std::string_view none;
    std::string_view piece;
    if (!result.ended && reader.next(none, piece) == ChunkEvent::end) result.ended = true;
    return result;
}

/// Asserts that `input`, however it is cut, gives a chunk of its first `size` octets and
/// leaves the rest.
void check(std::string_view input, std::uint64_t size) {
    const auto cut = static_cast<std::size_t>(std::min<std::uint64_t>(size, input.size()));
    for (const Chunks& chunks : chunkings(input)) {
        INFO("input " << visible(input.substr(0, 80)) << " cut as " << describe(chunks) << ", size "
                      << size);
        Result result = read_chunk(chunks, size);
        CHECK(result.ended == (size <= input.size()));
        CHECK(visible(result.data) == visible(input.substr(0, cut)));
        CHECK(visible(result.rest) == visible(input.substr(cut)));
    }
}

}  // namespace

TEST_CASE("a chunk is exactly the announced octets, the rest is the next command",
          "[wire][chunk]") {
    check("Subject: hi\r\n\r\nbody\r\nQUIT\r\n", 21);
    check("abcdefBDAT 3 LAST\r\nxyz", 6);
}

TEST_CASE("the end-of-data line of DATA means nothing inside a chunk", "[wire][chunk]") {
    check("a\r\n.\r\nMAIL FROM:<x@y>\r\n", 23);
    check("\r\n.\r\n", 5);
    check(".\r\n", 3);
}

TEST_CASE("bare CR, bare LF, NUL and 8-bit octets are ordinary chunk data", "[wire][chunk]") {
    check("a\nb\rc\0d\xff\r\r\n\n.\n"sv, 15);
    check("\0\0\0\0NOOP\r\n"sv, 4);
}

TEST_CASE("a command line inside a chunk is data, never a command", "[wire][chunk]") {
    // The chunk after a refused RCPT holds "QUIT": it must be swallowed whole.
    check("QUIT\r\nRSET\r\n", 6);
}

TEST_CASE("a chunk of size 0 ends at once and takes nothing", "[wire][chunk]") {
    check("", 0);
    check("QUIT\r\n", 0);
    ChunkReader reader;
    reader.start(0);
    std::string_view input;
    std::string_view piece = "x";
    CHECK(reader.next(input, piece) == ChunkEvent::end);
    CHECK(piece.empty());
}

TEST_CASE("a chunk announced larger than what arrived waits for more", "[wire][chunk]") {
    // A client that sends fewer octets than it announced: the rest it sends is chunk data,
    // and silence is a matter for the server's data timeout (RFC 3030 §2).
    check("short", 9);
    check("QUIT\r\n", 100);
}

TEST_CASE("the reader reports progress and stays at the end", "[wire][chunk]") {
    ChunkReader reader;
    CHECK_FALSE(reader.active());
    reader.start(10);
    CHECK(reader.active());
    std::string_view input = "0123";
    std::string_view piece;
    CHECK(reader.next(input, piece) == ChunkEvent::need_more);
    CHECK(piece == "0123");
    CHECK(reader.taken() == 4);
    CHECK(reader.remaining() == 6);
    input = "456789NOOP\r\n";
    CHECK(reader.next(input, piece) == ChunkEvent::end);
    CHECK(piece == "456789");
    CHECK(input == "NOOP\r\n");
    // Once ended, nothing more is taken until the next start().
    CHECK(reader.next(input, piece) == ChunkEvent::end);
    CHECK(piece.empty());
    CHECK(input == "NOOP\r\n");
    CHECK(reader.size() == 10);
    reader.finish();
    CHECK_FALSE(reader.active());
    reader.start(2);
    CHECK(reader.next(input, piece) == ChunkEvent::end);
    CHECK(piece == "NO");
}

TEST_CASE("a huge announced size streams through without being held", "[wire][chunk]") {
    // Sizes beyond memory (and beyond 32 bits) are only counted: each piece is a view of
    // the caller's buffer.
    ChunkReader reader;
    const std::uint64_t size = (std::uint64_t{1} << 40) + 3;
    reader.start(size);
    std::string buffer(64 * 1024, 'x');
    std::uint64_t seen = 0;
    for (int i = 0; i < 64; ++i) {
        std::string_view input = buffer;
        std::string_view piece;
        CHECK(reader.next(input, piece) == ChunkEvent::need_more);
        CHECK(piece.data() == buffer.data());
        seen += piece.size();
    }
    CHECK(reader.taken() == seen);
    CHECK(reader.remaining() == size - seen);
}
