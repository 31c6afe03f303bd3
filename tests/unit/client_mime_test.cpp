// Unit tests of what ehlo-send adds to a message (client/mime.hpp): header fields checked and
// set (RFC 5322 §2.2), and attachments that make it multipart/mixed (RFC 2046 §5.1.3) with base64
// parts (RFC 2045 §6.8) and file names (RFC 2183 §2.3, RFC 2231 §4).
#include <catch2/catch.hpp>

#include <string>

#include "client/mime.hpp"
#include "sasl/base64.hpp"

using namespace ehlo;

TEST_CASE("a header field is 'Name: value' with a name of printable ASCII", "[client][mime]") {
    CHECK(client::header_field_problem("X-Test: yes").empty());
    CHECK(client::header_field_problem("X-Empty:").empty());
    CHECK(client::header_field_problem("no colon").find("Name: value") != std::string::npos);
    CHECK(client::header_field_problem("X Test: yes").find("RFC 5322 §2.2") != std::string::npos);
    CHECK(client::header_field_problem(": yes").find("no header field name") != std::string::npos);
    CHECK(client::header_field_problem("X-Test: a\r\nBcc: x@example.test").find("line break") !=
          std::string::npos);
    CHECK_FALSE(client::header_field_problem("X-T\xc3\xa4st: yes").empty());
}

TEST_CASE("a header field is added at the end of the header section", "[client][mime]") {
    const std::string message = "Subject: hi\r\nTo: <b@example.test>\r\n\r\nbody\r\n";
    CHECK(client::set_header_field(message, "X-Test: 1") ==
          "Subject: hi\r\nTo: <b@example.test>\r\nX-Test: 1\r\n\r\nbody\r\n");
}

TEST_CASE("a header field replaces one of the same name, folded lines and all", "[client][mime]") {
    const std::string message = "subject: old\r\n  and folded\r\nTo: <b@example.test>\r\n\r\nb\r\n";
    CHECK(client::set_header_field(message, "Subject: new") ==
          "To: <b@example.test>\r\nSubject: new\r\n\r\nb\r\n");
}

TEST_CASE("a message without header fields gets a header section", "[client][mime]") {
    CHECK(client::set_header_field("just text\r\n", "Subject: s") ==
          "Subject: s\r\n\r\njust text\r\n");
    CHECK(client::set_header_field("", "Subject: s") == "Subject: s\r\n\r\n");
}

TEST_CASE("an attachment's type is text/plain only for printable ASCII", "[client][mime]") {
    CHECK(client::attachment_type("line\r\nline\n\tx\n") == "text/plain; charset=US-ASCII");
    CHECK(client::attachment_type(std::string("a\0b", 3)) == "application/octet-stream");
    CHECK(client::attachment_type("caf\xc3\xa9") == "application/octet-stream");
    CHECK(client::attachment_type(std::string(999, 'x')) == "application/octet-stream");
    CHECK(client::attachment_type("") == "application/octet-stream");
}

TEST_CASE("attachments make the message multipart/mixed", "[client][mime]") {
    const std::string message =
        "Subject: files\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nK\xc3\xb6ln\r\n";
    const std::string binary(
        "\x00\x01\xff"
        "abc",
        6);
    const std::string text =
        client::attach_files(message, {{"data.bin", binary}, {"notes.txt", "a\nb\n"}}, "u1");
    const std::string b = "=_u1";
    CHECK(
        text.starts_with("Subject: files\r\nMIME-Version: 1.0\r\n"
                         "Content-Type: multipart/mixed; boundary=\"=_u1\"\r\n\r\n"));
    // The message's own Content-* fields go with its body into the first part.
    CHECK(text.find("\r\n\r\n--" + b +
                    "\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: 8bit\r\n\r\nK\xc3\xb6ln\r\n\r\n--" +
                    b + "\r\n") != std::string::npos);
    CHECK(text.find("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: "
                    "base64\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\n\r\n" +
                    sasl::base64_encode(binary) + "\r\n") != std::string::npos);
    // Text goes in its canonical form, CRLF RFC 2046 §4.1.1.
    CHECK(text.find(sasl::base64_encode("a\r\nb\r\n")) != std::string::npos);
    CHECK(text.ends_with("\r\n--" + b + "--\r\n"));
    CHECK(text.find("MIME-Version") == text.rfind("MIME-Version"));  // only once, on top
}

TEST_CASE("the first part is text/plain when the message had no Content-Type", "[client][mime]") {
    const std::string text =
        client::attach_files("Subject: s\r\n\r\nhi\r\n", {{"a.txt", "x"}}, "u2");
    CHECK(text.find("--=_u2\r\nContent-Type: text/plain; charset=US-ASCII\r\n\r\nhi\r\n") !=
          std::string::npos);
}

TEST_CASE("base64 lines are 76 characters; the boundary never occurs in the body",
          "[client][mime]") {
    const std::string text = client::attach_files("Subject: s\r\n\r\n--=_u3 looks alike\r\n",
                                                  {{"big.bin", std::string(300, '\x80')}}, "u3");
    CHECK(text.find("boundary=\"=_u30\"") != std::string::npos);
    std::size_t start = text.find("\r\n\r\n", text.find("big.bin")) + 4;
    CHECK(text.find("\r\n", start) - start == 76);
}

TEST_CASE("a file name beyond plain ASCII is written after RFC 2231", "[client][mime]") {
    const std::string text =
        client::attach_files("Subject: s\r\n\r\n", {{"K\xc3\xb6ln \"1\".txt", "x"}}, "u4");
    CHECK(text.find("filename*=UTF-8''K%C3%B6ln%20%221%22.txt") != std::string::npos);
}
