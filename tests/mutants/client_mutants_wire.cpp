// Client mutants of how commands and data go on the wire: line ends (RFC 5321 §2.3.8),
// dot-stuffing (RFC 5321 §4.5.2), the size BDAT announces (RFC 3030 §2), commands sent without
// waiting when PIPELINING is not offered (RFC 5321 §4.3.1), and the QUIT that ends a session
// (RFC 5321 §4.1.1.10). They rewrite the commands or the data, or overturn a choice.
#include <string>

#include "client_mutant.hpp"

namespace ehlo::client_mutants {

namespace {

/// The end of DATA's message data, which bare-lf-in-data keeps so that the data still ends.
constexpr std::string_view end_of_data = "\r\n.\r\n";

/// Undoes the dot-stuffing of DATA's message data: ".." at the start of a line becomes ".".
void unstuff(const client::Session& session, std::string& data) {
    if (session.used_chunking()) return;  // BDAT data is never stuffed
    if (data.starts_with("..")) data.erase(0, 1);
    replace_all(data, "\r\n..", "\r\n.");
}

/// Every CRLF of the message's lines becomes a bare LF; DATA's end mark stays.
void bare_lf_lines(const client::Session& session, std::string& data) {
    std::size_t kept = session.used_chunking() ? 0 : end_of_data.size();
    if (data.size() < kept) return;
    std::string lines = data.substr(0, data.size() - kept);
    replace_all(lines, "\r\n", "\n");
    data = lines + data.substr(data.size() - kept);
}

/// "BDAT 120 LAST" announces 119 octets, and the 120 still follow.
void announce_one_less(const client::Session&, std::string& line) {
    if (!line.starts_with("BDAT ")) return;
    std::size_t digits = line.find_first_not_of("0123456789", 5);
    std::size_t size = std::stoul(line.substr(5, digits - 5));
    if (size > 0) line.replace(5, digits - 5, std::to_string(size - 1));
}

}  // namespace

void add_client_wire_mutants(std::vector<ClientMutant>& out) {
    out.push_back(on_data("no-dot-stuffing", "RFC 5321 §4.5.2",
                          "a line of the message that starts with \".\" goes without a second "
                          "\".\"",
                          unstuff));
    out.push_back(on_data("bare-lf-in-data", "RFC 5321 §2.3.8",
                          "the lines of the message are sent ended by a bare LF", bare_lf_lines));
    out.push_back(on_command("bare-lf-commands", "RFC 5321 §2.3.8",
                             "command lines are sent ended by a bare LF",
                             [](const client::Session&, std::string& line) {
                                 if (line.ends_with("\r\n")) line.erase(line.size() - 2, 1);
                             }));
    out.push_back(on_command("bdat-wrong-size", "RFC 3030 §2",
                             "BDAT announces one octet fewer than the chunk it sends",
                             announce_one_less));
    out.push_back(on_decision("pipelines-without-pipelining", "RFC 5321 §4.3.1",
                              "MAIL, RCPT and DATA go in one group although the server does not "
                              "offer PIPELINING",
                              Decision::pipeline,
                              [](const client::Session&, bool, std::size_t) { return true; }));
    out.push_back(on_decision(
        "no-quit", "RFC 5321 §4.1.1.10", "the client closes the connection without sending QUIT",
        Decision::say_quit, [](const client::Session&, bool, std::size_t) { return false; }));
}

}  // namespace ehlo::client_mutants
