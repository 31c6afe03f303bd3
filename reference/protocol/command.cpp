// Layer: protocol (sans-I/O). One command line (its CRLF already removed by wire/) to a typed
// Command, after the command syntax of RFC 5321 §4.1.1 and the argument ABNF of RFC 5321 §4.1.2,
// and STARTTLS of RFC 3207 §4, AUTH of RFC 4954 §4 (its arguments read by auth_syntax.cpp) and
// BDAT of RFC 3030 §2 (bdat_syntax.cpp). The verbs are those of the verb table
// (verb_table.hpp), matched without regard to case (RFC 5321 §2.4).
// Paths are read by address.cpp; whether a command is allowed now, and what the reply is, is
// the server's business (its state table and reply table).
//
// Where this parser is more lenient than the ABNF, on purpose:
//  - Trailing spaces and tabs are ignored: RFC 5321 §4.1.1 asks receivers to tolerate trailing
//    white space before the CRLF.
//  - "MAIL FROM: <a@b>" and "RCPT TO: <a@b>": one space after the colon is accepted. The ABNF
//    of RFC 5321 §4.1.1.2 to RFC 5321 §4.1.1.3 has none, but many deployed clients send it, and
//    refusing them would stop mail without making anything safer. Two spaces, or any other
//    deviation, are refused.
//  - HELO accepts an address literal like EHLO does. Its ABNF (RFC 5321 §4.1.1.1) says Domain only,
//    but the prose of the same section tells a client without a meaningful name to send a
//    literal with both commands.
//  - The String argument of VRFY and EXPN is taken as any non-empty text: clients send mailboxes
//    ("<a@b>") and names with spaces there, which are no Atom or Quoted-string (RFC 5321 §4.1.2).
//    NOOP and HELP take any text too (RFC 5321 §4.1.1.9 says a NOOP argument is ignored).
//  - With CommandOptions::allow_utf8, an esmtp-value may hold UTF8-non-ascii (RFC 6531 §3.3);
//    EHLO and HELO stay ASCII (RFC 6531 §3.7.1 has the client send LDH labels or A-labels).
// Everything else is strict: exactly one SP after the verb, no space before or after the path
// other than the one above, parameters separated by exactly one SP.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/auth_syntax.hpp"
#include "protocol/command.hpp"
#include "protocol/grammar.hpp"

namespace ehlo::protocol {
namespace {

using grammar::Scanner;

// RFC 5321 §4.1.1: receivers SHOULD tolerate trailing white space (SP and HTAB here).
std::string_view without_trailing_space(std::string_view line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
        line.remove_suffix(1);
    return line;
}

// The text after "VERB" SP, or nullopt when the verb stands alone. Trailing white space is
// trimmed first, so "NOOP " counts as a verb standing alone.
using Arguments = std::optional<std::string_view>;

template <typename T>
ParsedCommand accept(Verb verb, T command) {
    ParsedCommand result;
    result.verb = verb;
    result.command.emplace<T>(std::move(command));
    return result;
}

ParsedCommand reject(Verb verb, SyntaxError error, AddressError address = AddressError::none) {
    ParsedCommand result;
    result.verb = verb;
    result.error = error;
    result.address_error = address;
    return result;
}

// ---- EHLO, HELO: RFC 5321 §4.1.1.1 --------------------------------------------------------

// ehlo = "EHLO" SP ( Domain / address-literal ); helo = "HELO" SP Domain (and, leniently, an
// address literal: see the top of this file).
ParsedCommand parse_hello(Verb verb, Arguments args) {
    if (!args || !is_domain_or_address_literal(*args))
        return reject(verb, SyntaxError::bad_arguments);
    std::string domain(*args);
    if (verb == Verb::ehlo) return accept(verb, Ehlo{std::move(domain)});
    return accept(verb, Helo{std::move(domain)});
}

// ---- Parameters of MAIL and RCPT: RFC 5321 §4.1.2 ---------------------------------------

// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
bool esmtp_keyword(Scanner& s) {
    if (!grammar::is_let_dig(s.peek())) return false;
    s.eat_while([](char c) { return grammar::is_let_dig(c) || c == '-'; });
    return true;
}

// esmtp-value = 1*(%d33-60 / %d62-126): printable US-ASCII except "=", and with SMTPUTF8 also
// UTF8-non-ascii (RFC 6531 §3.3).
bool esmtp_value(Scanner& s) {
    std::size_t start = s.pos();
    while (s.eat_while([](char c) { return c >= 33 && c <= 126 && c != '='; }) > 0 ||
           s.eat_utf8_non_ascii()) {
    }
    return s.pos() > start;
}

// esmtp-param = esmtp-keyword ["=" esmtp-value]
bool esmtp_param(Scanner& s, Parameter& out) {
    std::size_t start = s.pos();
    if (!esmtp_keyword(s)) return false;
    out.keyword = std::string(s.since(start));
    if (!s.eat('=')) return true;
    std::size_t value_start = s.pos();
    if (!esmtp_value(s)) return false;
    out.value = std::string(s.since(value_start));
    out.has_value = true;
    return true;
}

// Mail-parameters = Rcpt-parameters = esmtp-param *(SP esmtp-param), to the end of the line.
// Repeated keywords are not refused here: the meaning of each keyword belongs to its extension.
bool esmtp_params(Scanner& s, std::vector<Parameter>& out) {
    do {
        Parameter parameter;
        if (!esmtp_param(s, parameter)) return false;
        out.push_back(std::move(parameter));
    } while (s.eat(' '));
    return s.at_end();
}

// ---- MAIL, RCPT: RFC 5321 §4.1.1.2 to RFC 5321 §4.1.1.3
// -----------------------------------------------------

// "FROM:" or "TO:" (any case), and the one optional space of the leniency described above.
bool path_keyword(Scanner& s, std::string_view keyword) {
    if (!s.eat_ci(keyword)) return false;
    s.eat(' ');
    return true;
}

// What may follow the path: nothing, or SP and the parameters.
SyntaxError after_path(Scanner& s, std::vector<Parameter>& parameters) {
    if (s.at_end()) return SyntaxError::none;
    if (!s.eat(' ')) return SyntaxError::bad_arguments;
    return esmtp_params(s, parameters) ? SyntaxError::none : SyntaxError::bad_parameter;
}

// mail = "MAIL FROM:" Reverse-path [SP Mail-parameters]
ParsedCommand parse_mail(Arguments args, CommandOptions options) {
    Scanner s(args.value_or(""), options.allow_utf8);
    if (!args || !path_keyword(s, "FROM:")) return reject(Verb::mail, SyntaxError::bad_arguments);
    Parsed<ReversePath> path = grammar::reverse_path(s);
    if (!path.value) return reject(Verb::mail, SyntaxError::bad_address, path.error);
    Mail mail{std::move(*path.value), {}};
    if (SyntaxError e = after_path(s, mail.parameters); e != SyntaxError::none)
        return reject(Verb::mail, e);
    return accept(Verb::mail, std::move(mail));
}

// rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path )
//        [SP Rcpt-parameters]
// The first alternative is a Forward-path already; grammar::forward_path reads the second.
ParsedCommand parse_rcpt(Arguments args, CommandOptions options) {
    Scanner s(args.value_or(""), options.allow_utf8);
    if (!args || !path_keyword(s, "TO:")) return reject(Verb::rcpt, SyntaxError::bad_arguments);
    Parsed<ForwardPath> path = grammar::forward_path(s);
    if (!path.value) return reject(Verb::rcpt, SyntaxError::bad_address, path.error);
    Rcpt rcpt{std::move(*path.value), {}};
    if (SyntaxError e = after_path(s, rcpt.parameters); e != SyntaxError::none)
        return reject(Verb::rcpt, e);
    return accept(Verb::rcpt, std::move(rcpt));
}

// A MAIL or RCPT that parsed took every 8-bit octet of its arguments as well-formed UTF-8 in
// the path or a parameter value, which only allow_utf8 permits (RFC 6531 §3.3).
ParsedCommand with_utf8_flag(ParsedCommand parsed, Arguments args) {
    parsed.has_utf8 = parsed.ok() && args && grammar::has_8bit(*args);
    return parsed;
}

// ---- The other verbs: RFC 5321 §4.1.1.4 to RFC 5321 §4.1.1.10
// -----------------------------------------

// data = "DATA", rset = "RSET", quit = "QUIT": nothing may follow; nor after "STARTTLS"
// (RFC 3207 §4: no parameters, else 501).
template <typename T>
ParsedCommand parse_bare(Verb verb, Arguments args) {
    if (args) return reject(verb, SyntaxError::bad_arguments);
    return accept(verb, T{});
}

// vrfy = "VRFY" SP String, expn = "EXPN" SP String: the argument is required.
// help = "HELP" [ SP String ], noop = "NOOP" [ SP String ]: it is optional.
// The text is kept as sent (see the top of this file for what is accepted as a String).
template <typename T>
ParsedCommand parse_string(Verb verb, Arguments args, bool required) {
    if (required && (!args || args->empty())) return reject(verb, SyntaxError::bad_arguments);
    return accept(verb, T{std::string(args.value_or(""))});
}

// auth-command = "AUTH" SP sasl-mech [SP initial-response] (RFC 4954 §4, RFC 4954 §8); the base64
// of the initial response is judged by the SASL layer, not here.
ParsedCommand parse_auth(Arguments args) {
    auto arguments = args ? parse_auth_arguments(*args) : std::nullopt;
    if (!arguments) return reject(Verb::auth, SyntaxError::bad_arguments);
    return accept(Verb::auth,
                  Auth{std::move(arguments->mechanism), std::move(arguments->initial_response)});
}

// bdat-cmd = "BDAT" SP chunk-size [SP end-marker] (RFC 3030 §2); the chunk that follows the
// line is read by the server, not here, and its size is kept even for a malformed line.
ParsedCommand parse_bdat(Arguments args) {
    auto arguments = args ? parse_bdat_arguments(*args) : std::nullopt;
    ParsedCommand parsed =
        arguments ? accept(Verb::bdat, *arguments) : reject(Verb::bdat, SyntaxError::bad_arguments);
    if (args) parsed.announced_chunk_size = announced_chunk_size(*args);
    return parsed;
}

}  // namespace

// A command is a verb, then either the end of the line or SP and its arguments (RFC 5321 §4.1.1).
ParsedCommand parse_command(std::string_view line) {
    return parse_command(line, CommandOptions{});
}

ParsedCommand parse_command(std::string_view line, CommandOptions options) {
    line = without_trailing_space(line);
    std::size_t space = line.find(' ');
    Verb verb = verb_named(line.substr(0, space));
    Arguments args;
    if (space != std::string_view::npos) args = line.substr(space + 1);

    switch (verb) {
        case Verb::ehlo:
        case Verb::helo:
            return parse_hello(verb, args);
        case Verb::mail:
            return with_utf8_flag(parse_mail(args, options), args);
        case Verb::rcpt:
            return with_utf8_flag(parse_rcpt(args, options), args);
        case Verb::data:
            return parse_bare<Data>(verb, args);
        case Verb::rset:
            return parse_bare<Rset>(verb, args);
        case Verb::quit:
            return parse_bare<Quit>(verb, args);
        case Verb::noop:
            return parse_string<Noop>(verb, args, false);
        case Verb::help:
            return parse_string<Help>(verb, args, false);
        case Verb::vrfy:
            return parse_string<Vrfy>(verb, args, true);
        case Verb::expn:
            return parse_string<Expn>(verb, args, true);
        case Verb::starttls:
            return parse_bare<StartTls>(verb, args);
        case Verb::auth:
            return parse_auth(args);
        case Verb::bdat:
            return parse_bdat(args);
        case Verb::unknown:
            break;
    }
    return ParsedCommand{};
}

}  // namespace ehlo::protocol
