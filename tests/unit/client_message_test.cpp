// Unit tests of client/message: line ends made CRLF (RFC 5321 §2.3.8), the line limit
// (RFC 5321 §4.5.3.1.6), dot-stuffing and the end mark (RFC 5321 §4.5.2, RFC 5321 §4.1.1.4), the
// detection of 8-bit and UTF-8 header content (RFC 6152 §3, RFC 6532 §3), and composed messages
// (RFC 5322 §3.3, RFC 5322 §3.6).
#include <catch2/catch.hpp>

#include <string>

#include "client/message.hpp"

namespace {

using ehlo::client::compose_message;
using ehlo::client::Composition;
using ehlo::client::dot_stuff;
using ehlo::client::format_date;
using ehlo::client::MessageError;
using ehlo::client::prepare_message;

}  // namespace

TEST_CASE("line ends become CRLF whatever the input used", "[client][message]") {
    CHECK(prepare_message("a\nb\n").data == "a\r\nb\r\n");
    CHECK(prepare_message("a\r\nb\r\n").data == "a\r\nb\r\n");
    CHECK(prepare_message("a\rb\r").data == "a\r\nb\r\n");
    CHECK(prepare_message("a\r\n\nb").data == "a\r\n\r\nb\r\n");
    CHECK(prepare_message("no end").data == "no end\r\n");
    CHECK(prepare_message("").data.empty());
    CHECK(prepare_message("a\n\r\n").data == "a\r\n\r\n");
}

TEST_CASE("a line of 998 octets passes, one of 999 is refused with its number",
          "[client][message]") {
    std::string ok(998, 'x');
    CHECK(prepare_message("head\n" + ok + "\n").error == MessageError::none);
    auto too_long = prepare_message("head\n\n" + ok + "y\nmore\n");
    CHECK(too_long.error == MessageError::line_too_long);
    CHECK(too_long.error_line == 3);
    CHECK(too_long.describe_error().find("line 3") != std::string::npos);
    CHECK(too_long.describe_error().find("RFC 5321 §4.5.3.1.6") != std::string::npos);
}

TEST_CASE("a NUL octet is refused", "[client][message]") {
    using namespace std::literals;
    auto message = prepare_message("a\nb\0c\n"sv);
    CHECK(message.error == MessageError::nul_octet);
    CHECK(message.error_line == 2);
}

TEST_CASE("8-bit octets and UTF-8 headers are told apart", "[client][message]") {
    auto ascii = prepare_message("Subject: hi\n\nbody\n");
    CHECK_FALSE(ascii.eight_bit);
    CHECK_FALSE(ascii.utf8_headers);
    auto body = prepare_message("Subject: hi\n\nGrüße\n");
    CHECK(body.eight_bit);
    CHECK_FALSE(body.utf8_headers);
    auto header = prepare_message("Subject: Grüße\n\nbody\n");
    CHECK(header.eight_bit);
    CHECK(header.utf8_headers);
    auto no_header = prepare_message("\nGrüße\n");
    CHECK_FALSE(no_header.utf8_headers);
    auto only_header = prepare_message("Subject: Grüße");
    CHECK(only_header.utf8_headers);
}

TEST_CASE("dot-stuffing doubles a leading dot and appends the end mark", "[client][message]") {
    CHECK(dot_stuff("a\r\n") == "a\r\n.\r\n");
    CHECK(dot_stuff(".\r\n") == "..\r\n.\r\n");
    CHECK(dot_stuff(".hidden\r\nx.y\r\n..\r\n") == "..hidden\r\nx.y\r\n...\r\n.\r\n");
    CHECK(dot_stuff("") == ".\r\n");
    CHECK(dot_stuff("a\r\n.\r\nb\r\n") == "a\r\n..\r\nb\r\n.\r\n");
}

TEST_CASE("dates follow RFC 5322 §3.3", "[client][message]") {
    CHECK(format_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK(format_date(951782400) == "Tue, 29 Feb 2000 00:00:00 +0000");
    CHECK(format_date(1795326080) == "Sun, 22 Nov 2026 05:41:20 +0000");
    CHECK(format_date(1795326080, 60) == "Sun, 22 Nov 2026 06:41:20 +0100");
    CHECK(format_date(1795326080, -330) == "Sun, 22 Nov 2026 00:11:20 -0530");
    CHECK(format_date(-1) == "Wed, 31 Dec 1969 23:59:59 +0000");
}

TEST_CASE("a composed message carries Date, From, To, Subject and Message-ID",
          "[client][message]") {
    Composition parts;
    parts.from = "alice@example.org";
    parts.to = {"bob@example.test", "carol@example.test"};
    parts.subject = "Hello";
    parts.body = "line one\nline two\n";
    parts.date = 0;
    parts.unique = "abc123";
    parts.domain = "client.example.org";
    std::string text = compose_message(parts);
    CHECK(
        text.starts_with("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\nFrom: <alice@example.org>\r\n"
                         "To: <bob@example.test>,\r\n <carol@example.test>\r\n"
                         "Subject: Hello\r\nMessage-ID: <abc123@client.example.org>\r\n\r\n"));
    CHECK(text.ends_with("\r\n\r\nline one\nline two\n"));
    auto prepared = prepare_message(text);
    CHECK_FALSE(prepared.eight_bit);
    CHECK(prepared.error == MessageError::none);
}

TEST_CASE("a UTF-8 subject is encoded, a UTF-8 body declared", "[client][message]") {
    Composition parts;
    parts.from = "alice@example.org";
    parts.to = {"bob@example.test"};
    parts.subject = "Grüße aus Köln";
    parts.body = "Schöne Grüße\n";
    parts.unique = "u";
    parts.domain = "d.example";
    std::string text = compose_message(parts);
    CHECK(text.find("Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n") != std::string::npos);
    CHECK(text.find("Content-Type: text/plain; charset=UTF-8\r\n") != std::string::npos);
    CHECK(text.find("Content-Transfer-Encoding: 8bit\r\n") != std::string::npos);
    auto prepared = prepare_message(text);
    CHECK(prepared.eight_bit);
    CHECK_FALSE(prepared.utf8_headers);
}

TEST_CASE("a long UTF-8 subject is split into words between characters", "[client][message]") {
    Composition parts;
    parts.subject = std::string(40, 'a') + "ééééééééééééééé";
    parts.unique = "u";
    parts.domain = "d";
    std::string text = compose_message(parts);
    auto prepared = prepare_message(text);
    CHECK_FALSE(prepared.utf8_headers);
    CHECK(text.find("?=\r\n =?UTF-8?B?") != std::string::npos);
}
