// Layer: conformance/scenario. The checks ehlo-check makes on every client it judges, whatever
// the scenario: how its command lines end, and what its message data looks like. One row per
// check names the requirement of the catalog that allows its verdict, so a check FAILs a client
// only through a client-binding MUST (RFC 5321 §2.3.8, RFC 5321 §2.4; RFC 3030 §2) and WARNs
// through an implied rule or a SHOULD (RFC 5321 §4.5.2, RFC 5321 §4.5.3.1); RFC 5321 §4.1.1.4
// forbids an extra CRLF at the end. The engine runs them
// (engine/data_checks.hpp); the catalog resolves their rows (catalog.hpp).
#pragma once

#include <string_view>

namespace ehlo::scenario {

enum class ClientCheck {
    command_line_end,  ///< a command line ends in CRLF
    command_octets,    ///< octets above 127 in a command only with SMTPUTF8 on MAIL
    hello_ascii,       ///< the name in EHLO or HELO is ASCII, whatever was negotiated
    data_line_end,     ///< every line of the DATA text ends in CRLF
    chunk_line_end,    ///< every line of the BDAT text ends in CRLF
    dot_stuffing,      ///< a text line starting with a period gets one more
    data_complete,     ///< the message arrives whole, up to its last line
    extra_line_end,    ///< no empty line added after the message's last line
    line_length,       ///< no text line over 1000 octets, CRLF included
    eight_bit,         ///< octets above 127 only when BODY=8BITMIME, BINARYMIME or SMTPUTF8
    utf8_header,       ///< octets above 127 in the header section only with SMTPUTF8
    chunk_size,        ///< BDAT announces exactly the octets that follow
};

struct ClientCheckRow {
    ClientCheck check;
    std::string_view requirement;  ///< the id of the catalog row
    std::string_view rule;         ///< the rule, in a few words, for reasons
};

inline constexpr ClientCheckRow client_checks[] = {
    {ClientCheck::command_line_end, "5321-2.3.8-c", "a command line ends in CRLF"},
    {ClientCheck::command_octets, "5321-2.4-e",
     "octets above 127 in a command only after SMTPUTF8 on MAIL"},
    {ClientCheck::hello_ascii, "6531-3.7.1-a", "the name in EHLO or HELO is ASCII"},
    {ClientCheck::data_line_end, "5321-2.3.8-c", "every line of the mail data ends in CRLF"},
    {ClientCheck::chunk_line_end, "3030-2-l", "BDAT text has CRLF line ends"},
    {ClientCheck::dot_stuffing, "5321-4.5.2-c",
     "a text line that starts with a period gets one more"},
    {ClientCheck::data_complete, "5321-4.5.2-c", "the whole message arrives, up to its last line"},
    {ClientCheck::extra_line_end, "5321-4.1.1.4-b",
     "no extra CRLF before the end of the data: it would add an empty line"},
    {ClientCheck::line_length, "5321-4.5.3.1-b",
     "text lines stay within 1000 octets, CRLF included"},
    {ClientCheck::eight_bit, "5321-2.4-e",
     "octets above 127 only with BODY=8BITMIME, BODY=BINARYMIME or SMTPUTF8 on MAIL"},
    {ClientCheck::utf8_header, "6531-3.2-g", "a UTF-8 header section only after SMTPUTF8 on MAIL"},
    {ClientCheck::chunk_size, "3030-2-n", "BDAT announces exactly the octets that follow"},
};

/// The row of `check` in `client_checks`.
constexpr const ClientCheckRow& client_check_row(ClientCheck check) {
    for (const ClientCheckRow& row : client_checks) {
        if (row.check == check) return row;
    }
    return client_checks[0];
}

}  // namespace ehlo::scenario
