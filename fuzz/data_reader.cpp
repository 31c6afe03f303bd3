// Fuzz target: wire::DataReader, the message data after DATA RFC 5321 §4.1.1.4.
// Checks: the same data, event, faults and left-over bytes however the stream is cut into
// reads; after `end`, the reader consumes nothing more; and for data without faults,
// dot-stuffing what was read (the client's client::dot_stuff, RFC 5321 §4.5.2) and reading
// it again gives back the same data, ending exactly at the end mark.
#include <string>
#include <vector>

#include "client/message.hpp"
#include "fuzz_input.hpp"
#include "wire/data_reader.hpp"

namespace {

using ehlo::fuzz::check;
using ehlo::wire::DataEvent;
using ehlo::wire::DataReader;

struct Read {
    std::string data;
    DataEvent event = DataEvent::need_more;
    std::string rest;  // the bytes after the end mark, left unread
};

// Feeds `feeds` in order until the end of data; the rest of the last feed and the feeds after
// it are left over.
Read read_feeds(DataReader& reader, const std::vector<std::string_view>& feeds) {
    Read read;
    for (std::string_view feed : feeds) {
        if (read.event == DataEvent::end) {
            read.rest.append(feed);
            continue;
        }
        read.event = reader.next(feed, read.data);
        if (read.event == DataEvent::need_more) check(feed.empty(), "need_more left input unread");
        read.rest.append(feed);
    }
    return read;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = ehlo::fuzz::as_text(data, size);
    const std::uint8_t settings = ehlo::fuzz::take_settings(input);
    const std::size_t max_line = settings % 64 == 0 ? 1000 : settings % 64 + 2;
    const std::vector<std::string_view> feeds = ehlo::fuzz::split_feeds(input);
    const std::string joined = ehlo::fuzz::join(feeds);

    DataReader whole_reader(max_line);
    const Read whole = read_feeds(whole_reader, {joined});
    DataReader cut_reader(max_line);
    const Read cut = read_feeds(cut_reader, feeds);
    check(whole.data == cut.data && whole.event == cut.event && whole.rest == cut.rest,
          "the data depends on how the stream is cut");
    check(whole_reader.faults() == cut_reader.faults(), "the faults depend on the cuts");
    if (whole.event != DataEvent::end) return 0;

    std::string_view more = "more data\r\n.\r\n";
    std::string after;
    check(whole_reader.next(more, after) == DataEvent::end && after.empty() && more.size() == 14,
          "the reader read on after the end of data");

    if (whole_reader.faults().any()) return 0;
    check(whole.data.empty() || whole.data.ends_with("\r\n"), "data does not end with CRLF");
    const std::string stuffed = ehlo::client::dot_stuff(whole.data);
    DataReader again(max_line);
    const Read reread = read_feeds(again, {stuffed});
    check(reread.event == DataEvent::end && reread.rest.empty() && reread.data == whole.data,
          "dot-stuffing and reading again changed the data");
    return 0;
}
