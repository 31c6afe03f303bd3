// Layer: conformance/engine (pure, no I/O). The checks on what a client sends (the table of
// them is scenario/client_checks.hpp): the line ends of a command line (RFC 5321 §2.3.8), and
// the message data of DATA or BDAT: CRLF line ends (RFC 5321 §2.3.8, RFC 3030 §2), periods
// doubled at the start of text lines (RFC 5321 §4.5.2), the message whole up to its last line,
// text lines within 1000 octets (RFC 5321 §4.5.3.1.6), and 8-bit octets only when declared on
// MAIL (RFC 5321 §2.4, RFC 6152 §3). Which verdict a finding earns is the run's (client_run.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenario/client_checks.hpp"

namespace ehlo::engine {

/// One check broken, and where: `line 3 ends in a bare LF`.
struct DataFinding {
    scenario::ClientCheck check;
    std::string detail;
    friend bool operator==(const DataFinding&, const DataFinding&) = default;
};

/// How a command line ended: nothing when in CRLF, else a finding (a bare LF, or a CR
/// inside the line).
std::vector<DataFinding> check_command_line(std::string_view line);

/// What the client declared on MAIL that bears on its data.
struct Declared {
    bool eight_bit = false;  ///< BODY=8BITMIME, BODY=BINARYMIME or SMTPUTF8
    bool binary = false;     ///< BODY=BINARYMIME: no lines to check (RFC 3030 §3)
    bool smtputf8 = false;   ///< SMTPUTF8: UTF-8 in addresses and header (RFC 6531 §3.4)
};

/// The octets of a command line (without its line end): above 127 only after SMTPUTF8 on
/// MAIL (RFC 5321 §2.4, RFC 6531 §3.4; a MAIL line may declare it itself), and never in the
/// name of EHLO or HELO (RFC 6531 §3.7.1).
std::vector<DataFinding> check_command_octets(std::string_view line, Declared declared);

/// Checks the mail data of DATA, `raw` as received up to and including the line holding only
/// a period. `last_line` is the message's last line (without its CRLF): after the periods are
/// undone, it must be the last line before the end (nothing cut, nothing lost).
std::vector<DataFinding> check_mail_data(std::string_view raw, std::string_view last_line,
                                         Declared declared);

/// Checks the text of all the BDAT chunks of a message, put together (no periods to undo).
std::vector<DataFinding> check_chunked_data(std::string_view text, std::string_view last_line,
                                            Declared declared);

/// What a MAIL line declares (`MAIL FROM:<a> BODY=8BITMIME SMTPUTF8`); parameters compare
/// without case.
Declared declared_by_mail(std::string_view mail_line);

/// The size on a BDAT line (`BDAT 1024 LAST`) and whether it is the last chunk; false when
/// the line holds no size.
bool parse_bdat_line(std::string_view line, std::size_t& size, bool& last);

}  // namespace ehlo::engine
