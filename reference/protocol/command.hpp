// Layer: protocol (sans-I/O). Typed SMTP commands from one command line, after the command
// syntax of RFC 5321 §4.1.1 and RFC 5321 §4.1.2 (verbs are case-insensitive, RFC 5321 §2.4),
// STARTTLS of RFC 3207 §4, AUTH of RFC 4954 §4 and BDAT of RFC 3030 §2. It says what a line means,
// never whether it is allowed now: that is the server's state table.
//
// UTF-8 (RFC 6531): whether a transaction may use UTF-8 addresses depends on the SMTPUTF8
// parameter of its MAIL (RFC 6531 §3.4), which only the server knows across commands. So the
// parser does not decide: parse_command(line) keeps the ASCII grammar of RFC 5321 (an 8-bit
// octet in a path is AddressError::non_ascii), and parse_command(line, {.allow_utf8 = true})
// reads the UTF-8 grammar of RFC 6531 §3.3 and sets ParsedCommand::has_utf8 when the line
// used it. A server offering SMTPUTF8 parses with the option and refuses a line that has_utf8
// in a transaction whose MAIL had no SMTPUTF8 parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/address.hpp"
#include "protocol/bdat_syntax.hpp"
#include "protocol/verb_table.hpp"

namespace ehlo::protocol {

/// An esmtp-param of MAIL or RCPT: esmtp-keyword ["=" esmtp-value] RFC 5321 §4.1.2.
struct Parameter {
    std::string keyword;  ///< as sent; compare case-insensitively
    std::string value;
    bool has_value = false;
};

/// EHLO with the client's domain or address literal RFC 5321 §4.1.1.1.
struct Ehlo {
    std::string domain;
};
/// HELO, the RFC 821 greeting RFC 5321 §4.1.1.1.
struct Helo {
    std::string domain;
};
/// MAIL FROM: opens a transaction RFC 5321 §4.1.1.2.
struct Mail {
    ReversePath reverse_path;
    std::vector<Parameter> parameters;
};
/// RCPT TO: names one recipient RFC 5321 §4.1.1.3.
struct Rcpt {
    ForwardPath forward_path;
    std::vector<Parameter> parameters;
};
struct Data {};  ///< RFC 5321 §4.1.1.4
struct Rset {};  ///< RFC 5321 §4.1.1.5
/// NOOP: any argument is allowed and ignored RFC 5321 §4.1.1.9.
struct Noop {
    std::string argument;
};
struct Quit {};  ///< RFC 5321 §4.1.1.10
/// VRFY with the user or mailbox to verify RFC 5321 §4.1.1.6.
struct Vrfy {
    std::string argument;
};
/// EXPN with the mailing list to expand RFC 5321 §4.1.1.7.
struct Expn {
    std::string argument;
};
/// HELP with an optional topic RFC 5321 §4.1.1.8.
struct Help {
    std::string argument;
};

/// STARTTLS: upgrade the connection to TLS; it takes no parameters RFC 3207 §4.
struct StartTls {};

/// AUTH: begin a SASL exchange with a mechanism and an optional initial response RFC 4954 §4.
struct Auth {
    std::string mechanism;                        ///< as sent; compare without regard to case
    std::optional<std::string> initial_response;  ///< undecoded: base64, or "=" for empty
};

using Command = std::variant<Ehlo, Helo, Mail, Rcpt, Data, Rset, Noop, Quit, Vrfy, Expn, Help,
                             StartTls, Auth, Bdat>;

/// Why a line with a known verb did not parse.
enum class SyntaxError {
    none,
    bad_arguments,  ///< arguments malformed or missing / unexpected RFC 5321 §4.2.2 (501)
    bad_address,    ///< the path is malformed; `address_error` says how
    bad_parameter,  ///< an esmtp-param is malformed (501)
};

/// How parse_command reads a line; the default is the ASCII grammar of RFC 5321.
struct CommandOptions {
    /// Read the paths and esmtp-values of MAIL and RCPT with the UTF-8 of RFC 6531 §3.3: a
    /// local part or U-label domain in UTF-8 parses, ill-formed UTF-8 is invalid_utf8.
    bool allow_utf8 = false;
};

/// The result of parsing one command line.
struct ParsedCommand {
    Verb verb = Verb::unknown;
    Command command;  ///< meaningful only when `error == none` and `verb != unknown`
    SyntaxError error = SyntaxError::none;
    AddressError address_error = AddressError::none;
    /// A MAIL or RCPT that parsed with UTF-8 beyond ASCII in its path or parameters; only ever
    /// set with CommandOptions::allow_utf8 RFC 6531 §3.3.
    bool has_utf8 = false;
    /// For BDAT: the size of the chunk the line announces, even when the rest of the line is
    /// malformed, since a refused BDAT's chunk is still read and discarded RFC 3030 §2
    /// (protocol::announced_chunk_size). Nothing when no size can be read, and for other verbs.
    std::optional<std::uint64_t> announced_chunk_size;
    bool ok() const { return verb != Verb::unknown && error == SyntaxError::none; }
};

/// Parses one command line (without its CRLF).
ParsedCommand parse_command(std::string_view line);
/// As above, reading MAIL and RCPT as `options` say (UTF-8 addresses of RFC 6531 §3.3).
ParsedCommand parse_command(std::string_view line, CommandOptions options);

}  // namespace ehlo::protocol
