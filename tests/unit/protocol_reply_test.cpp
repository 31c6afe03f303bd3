// The reply table: one row per ReplyId in order, codes and enhanced codes that agree in class
// (RFC 3463 §2), a section for each, and the wire form of single and multi-line replies with
// and without enhanced codes (RFC 5321 §4.2.1, RFC 2034 §3).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string_view>

#include "protocol/citation.hpp"
#include "protocol/reply.hpp"

using ehlo::protocol::make_reply;
using ehlo::protocol::parse_citation;
using ehlo::protocol::reply_table;
using ehlo::protocol::ReplyId;

TEST_CASE("the reply table has one row per id, in order", "[reply]") {
    const auto& table = reply_table();
    REQUIRE(table.size() == static_cast<std::size_t>(ReplyId::parameter_unknown) + 1);
    for (std::size_t i = 0; i < table.size(); ++i) {
        CHECK(static_cast<std::size_t>(table[i].id) == i);
    }
}

TEST_CASE("every row has a valid code, a text and an RFC section", "[reply]") {
    // RFC 5321, or the RFC of the extension the reply belongs to.
    const std::set<std::string_view> rfcs{"5321", "3207", "4954", "6531", "9422", "3030"};
    for (const auto& row : reply_table()) {
        INFO("code " << row.code << " " << row.text);
        CHECK(row.code >= 200);
        CHECK(row.code <= 599);
        CHECK_FALSE(row.text.empty());
        auto citation = parse_citation(row.section);
        REQUIRE(citation);
        CHECK(rfcs.count(citation->rfc) == 1);
        CHECK_FALSE(citation->section.empty());
    }
}

TEST_CASE("enhanced codes agree with the reply's class (RFC 3463 §2)", "[reply]") {
    std::size_t with_enhanced = 0;
    for (const auto& row : reply_table()) {
        if (row.enhanced.empty()) continue;
        ++with_enhanced;
        INFO(row.code << " " << row.enhanced);
        CHECK(row.enhanced[0] - '0' == row.code / 100);
        CHECK(std::count(row.enhanced.begin(), row.enhanced.end(), '.') == 2);
    }
    // Only the greeting, EHLO/HELO, 354 and AUTH's 334 (base64 alone, RFC 4954 §4) go without.
    CHECK(with_enhanced == reply_table().size() - 5);
}

TEST_CASE("replies format as the RFC's reply lines", "[reply]") {
    CHECK(make_reply(ReplyId::ok).format(false) == "250 OK\r\n");
    CHECK(make_reply(ReplyId::ok).format(true) == "250 2.0.0 OK\r\n");
    CHECK(make_reply(ReplyId::start_mail_input).format(true) ==
          "354 End data with <CR><LF>.<CR><LF>\r\n");
    auto multi = make_reply(ReplyId::ehlo_ok, {"host greets you", "PIPELINING", "8BITMIME"});
    CHECK(multi.format(true) == "250-host greets you\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
    auto help = make_reply(ReplyId::help, {"one", "two"});
    CHECK(help.format(true) == "214-2.0.0 one\r\n214 2.0.0 two\r\n");
}

TEST_CASE("replies carry the section that governs them", "[reply]") {
    CHECK(make_reply(ReplyId::too_many_recipients).section == "RFC 5321 §4.5.3.1.10");
    CHECK(make_reply(ReplyId::too_many_recipients).code == 452);
    CHECK(make_reply(ReplyId::relay_denied).code == 550);
    CHECK(make_reply(ReplyId::message_too_big).code == 552);
}
