// Fuzz target: wire::LineReader, the framing of command lines RFC 5321 §2.3.8.
// Checks: a reader gives the same events and lines however the stream is cut into reads; a
// `line` holds no CR, LF or NUL and fits the limit with its CRLF RFC 5321 §4.5.3.1.4; every
// event but need_more consumes at least one octet, and need_more consumes everything.
#include <string>
#include <utility>
#include <vector>

#include "fuzz_input.hpp"
#include "wire/line_reader.hpp"

namespace {

using ehlo::fuzz::check;
using ehlo::wire::LineEvent;

using Events = std::vector<std::pair<LineEvent, std::string>>;

void read_all(ehlo::wire::LineReader& reader, std::string_view input, Events& events) {
    while (!input.empty()) {
        const std::size_t before = input.size();
        LineEvent event = reader.next(input);
        if (event == LineEvent::need_more) {
            check(input.empty(), "need_more left input unread");
            return;
        }
        check(input.size() < before, "an event consumed nothing");
        std::string text = event == LineEvent::line ? reader.line() : std::string();
        if (event == LineEvent::line) {
            check(text.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
                  "a line holds CR, LF or NUL");
            check(text.size() + 2 <= reader.max_line(), "a line over the limit");
        }
        events.emplace_back(event, std::move(text));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = ehlo::fuzz::as_text(data, size);
    const std::uint8_t settings = ehlo::fuzz::take_settings(input);
    // Small limits reach the over-long paths quickly; 0 stands for the RFC's 512.
    const std::size_t max_line = settings % 64 == 0 ? 512 : settings % 64 + 2;

    const std::vector<std::string_view> feeds = ehlo::fuzz::split_feeds(input);
    ehlo::wire::LineReader whole_reader(max_line);
    Events whole;
    read_all(whole_reader, ehlo::fuzz::join(feeds), whole);

    ehlo::wire::LineReader cut_reader(max_line);
    Events cut;
    for (std::string_view feed : feeds)
        read_all(cut_reader, feed, cut);
    check(whole == cut, "the events depend on how the stream is cut");
    check(whole_reader.mid_line() == cut_reader.mid_line(), "mid_line depends on the cuts");
    return 0;
}
