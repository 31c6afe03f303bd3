// Unit tests of sasl/base64: the strict base64 of RFC 4954 §4 (RFC 4648 §4 alphabet, padding
// only at the end, no stray characters), `=` as an empty initial response, `*` to cancel, and
// the 12288-octet line bound.
#include <catch2/catch.hpp>

#include <string>

#include "sasl/base64.hpp"

namespace {

using ehlo::sasl::base64_decode;
using ehlo::sasl::base64_encode;
using ehlo::sasl::ClientResponse;
using ehlo::sasl::max_response_line;
using ehlo::sasl::parse_initial_response;
using ehlo::sasl::parse_response;

TEST_CASE("base64 encodes the RFC 4648 §10 test vectors", "[sasl][base64]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode(std::string("\0\xff\xfe", 3)) == "AP/+");
}

TEST_CASE("base64 decodes what it encodes, all octet values included", "[sasl][base64]") {
    std::string all;
    for (int i = 0; i < 256; ++i)
        all += static_cast<char>(i);
    for (std::size_t n = 0; n <= all.size(); n += 37) {
        const std::string part = all.substr(0, n);
        CHECK(base64_decode(base64_encode(part)) == part);
    }
    CHECK(base64_decode("Zm9vYmE=") == "fooba");
    CHECK(base64_decode("Zm9vYg==") == "foob");
    CHECK(base64_decode("") == "");
}

TEST_CASE("base64 decoding is strict as RFC 4954 §4 asks", "[sasl][base64]") {
    CHECK_FALSE(base64_decode("Zm9"));       // length not a multiple of four
    CHECK_FALSE(base64_decode("Zm9v\r\n"));  // line breaks are not in the alphabet
    CHECK_FALSE(base64_decode("Zm 9v"));     // nor spaces
    CHECK_FALSE(base64_decode("Zm9v-_=="));  // nor the URL-safe alphabet
    CHECK_FALSE(base64_decode("=AAA"));      // the RFC's own examples of misplaced padding
    CHECK_FALSE(base64_decode("AAA=BBBB"));
    CHECK_FALSE(base64_decode("A==="));  // three pad characters
    CHECK_FALSE(base64_decode("===="));
    CHECK_FALSE(base64_decode("Zh=="));  // non-zero bits under the padding
    CHECK_FALSE(base64_decode("Zm9="));
    CHECK_FALSE(base64_decode(std::string("Zm9\0", 4)));
}

TEST_CASE("a continuation line: data, empty, cancel, bad, too long", "[sasl][base64]") {
    auto data = parse_response("Zm9v");
    CHECK(data.kind == ClientResponse::Kind::data);
    CHECK(data.bytes == "foo");

    auto empty = parse_response("");
    CHECK(empty.kind == ClientResponse::Kind::data);
    CHECK(empty.bytes.empty());

    CHECK(parse_response("*").kind == ClientResponse::Kind::cancel);
    CHECK(parse_response("**").kind == ClientResponse::Kind::bad);
    CHECK(parse_response("=").kind == ClientResponse::Kind::bad);  // `=` only as initial
    CHECK(parse_response("Zm9v*").kind == ClientResponse::Kind::bad);

    const std::string longest(max_response_line, 'A');
    CHECK(parse_response(longest).kind == ClientResponse::Kind::data);
    CHECK(parse_response(longest + "AAAA").kind == ClientResponse::Kind::too_long);
}

TEST_CASE("an initial response: `=` is present but empty", "[sasl][base64]") {
    auto empty = parse_initial_response("=");
    CHECK(empty.kind == ClientResponse::Kind::data);
    CHECK(empty.bytes.empty());
    CHECK(parse_initial_response("Zm9v").bytes == "foo");
    CHECK(parse_initial_response("*").kind == ClientResponse::Kind::bad);
    CHECK(parse_initial_response("").kind == ClientResponse::Kind::bad);
    CHECK(parse_initial_response("==").kind == ClientResponse::Kind::bad);
    CHECK(parse_initial_response(std::string(max_response_line + 4, 'A')).kind ==
          ClientResponse::Kind::too_long);
}

}  // namespace
