// Fuzz target: wire::ReplyParser and wire::format_reply, the text form of replies
// RFC 5321 §4.2. Two checks, chosen by the settings byte:
//  - parse: the stream is read as replies (cut into reads as the input says); every reply
//    with a three-digit code of 100 or more is formatted and parsed again to the same value,
//    and the same stream read whole gives the same replies and errors;
//  - format: a reply built from the input (any text, CR, LF and NUL included) is formatted
//    and parsed back: the framing holds, and the text comes back with those octets as spaces.
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "wire/reply_codec.hpp"

namespace {

using ehlo::fuzz::check;
using ehlo::wire::ReplyParser;
using ehlo::wire::WireReply;

struct Parsed {
    std::vector<WireReply> replies;
    std::vector<std::string> errors;
    friend bool operator==(const Parsed&, const Parsed&) = default;
};

void parse_feed(ReplyParser& parser, std::string_view feed, Parsed& out) {
    while (!feed.empty()) {
        const auto event = parser.next(feed);
        if (event == ReplyParser::Event::need_more) {
            check(feed.empty(), "need_more left input unread");
        } else if (event == ReplyParser::Event::reply) {
            out.replies.push_back(parser.reply());
        } else {
            out.errors.push_back(parser.error());
        }
    }
}

// One reply read from `text`, which must hold exactly one, of at most `max_lines` lines.
WireReply parse_one(std::string_view text, std::size_t max_line, std::size_t max_lines = 1000) {
    ReplyParser parser(max_line, max_lines);
    check(parser.next(text) == ReplyParser::Event::reply && text.empty(),
          "a formatted reply does not parse as one reply");
    return parser.reply();
}

void parse_stream(std::string_view input, std::size_t max_line) {
    const std::vector<std::string_view> feeds = ehlo::fuzz::split_feeds(input);
    ReplyParser cut_parser(max_line, 8);
    Parsed cut;
    for (std::string_view feed : feeds)
        parse_feed(cut_parser, feed, cut);
    ReplyParser whole_parser(max_line, 8);
    Parsed whole;
    parse_feed(whole_parser, ehlo::fuzz::join(feeds), whole);
    check(cut == whole, "the replies depend on how the stream is cut");

    for (const WireReply& reply : whole.replies) {
        check(reply.code >= 0 && reply.code <= 999 && !reply.lines.empty(), "a bad reply value");
        if (reply.code < 100) continue;  // format_reply wants three digits
        check(parse_one(ehlo::wire::format_reply(reply), max_line) == reply,
              "parse -> format -> parse changed the reply");
    }
}

void format_built(std::string_view input) {
    WireReply reply;
    reply.code = 100 + static_cast<int>(input.size() % 900);
    while (!input.empty()) {
        const std::size_t cut = input.find('|');
        reply.lines.emplace_back(input.substr(0, cut));
        input.remove_prefix(cut == std::string_view::npos ? input.size() : cut + 1);
    }
    WireReply expected = reply;
    for (std::string& line : expected.lines)
        for (char& c : line)
            if (c == '\r' || c == '\n' || c == '\0') c = ' ';
    if (expected.lines.empty()) expected.lines.emplace_back();
    // As many lines as were built: the parser's bound on lines is not what is checked here.
    check(parse_one(ehlo::wire::format_reply(reply), 1 << 20, expected.lines.size()) == expected,
          "format -> parse did not give the reply back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = ehlo::fuzz::as_text(data, size);
    const std::uint8_t settings = ehlo::fuzz::take_settings(input);
    if (settings & 0x80) {
        format_built(input);
    } else {
        parse_stream(input, settings % 64 == 0 ? 512 : settings % 64 + 4);
    }
    return 0;
}
