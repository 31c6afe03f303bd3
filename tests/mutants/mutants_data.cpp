// Mutants of how bytes become lines and messages: the end of message data and the endings
// used for SMTP smuggling (RFC 5321 §4.1.1.4), dot-stuffing (RFC 5321 §4.5.2), line ends
// (RFC 5321 §2.3.8), a command split over several reads (RFC 5321 §2.4), and commands sent in one
// group (RFC 2920 §3.1). They rewrite the bytes read before the server frames them.
#include <string>

#include "mutant.hpp"

namespace ehlo::mutants {

namespace {

constexpr std::string_view end_of_data = "\r\n.\r\n";

Mutant data_ending(std::string name, std::string ending, std::string shown,
                   std::optional<char> unless_after) {
    return on_input(std::move(name), "RFC 5321 §4.1.1.4",
                    "\"" + shown + "\" inside message data ends it",
                    [ending, unless_after](InputContext& input) {
                        if (input.session.state == State::data) {
                            replace_all(input.bytes, ending, end_of_data, unless_after);
                        }
                    });
}

/// The commands of one read after the first are dropped.
void first_command_only(InputContext& input) {
    if (input.in_data() || input.session.state == State::starting_tls) return;
    std::size_t end = input.bytes.find('\n');
    if (end != std::string::npos) input.bytes.resize(end + 1);
}

}  // namespace

void add_data_mutants(std::vector<Mutant>& out) {
    out.push_back(data_ending("data-ends-lf-dot-lf", "\n.\n", "<LF>.<LF>", '\r'));
    out.push_back(data_ending("data-ends-crlf-dot-lf", "\r\n.\n", "<CRLF>.<LF>", std::nullopt));
    out.push_back(data_ending("data-ends-lf-dot-crlf", "\n.\r\n", "<LF>.<CRLF>", '\r'));
    out.push_back(on_input("dot-stuffed-line-ends-data", "RFC 5321 §4.5.2",
                           "a dot-stuffed line (\"..\") ends the message data",
                           [](InputContext& input) {
                               if (input.session.state == State::data) {
                                   replace_all(input.bytes, "\r\n..", end_of_data);
                               }
                           }));
    out.push_back(on_input("bare-lf-ends-command", "RFC 5321 §2.3.8",
                           "a bare LF ends a command line", [](InputContext& input) {
                               if (!input.in_data()) replace_all(input.bytes, "\n", "\r\n", '\r');
                           }));
    out.push_back(
        on_input("split-command-dropped", "RFC 5321 §2.4",
                 "a read without a line end is dropped, so a command split over two writes "
                 "is lost",
                 [](InputContext& input) {
                     if (!input.in_data() && input.bytes.find('\n') == std::string::npos) {
                         input.bytes.clear();
                     }
                 }));
    out.push_back(
        on_input("pipelining-first-only", "RFC 2920 §3.1",
                 "of commands sent together only the first is read; the others are dropped",
                 first_command_only));
}

}  // namespace ehlo::mutants
