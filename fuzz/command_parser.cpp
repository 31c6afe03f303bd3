// Fuzz target: protocol::parse_command, one command line to a typed command
// RFC 5321 §4.1.1 RFC 5321 §4.1.2, with and without the UTF-8 grammar of RFC 6531 §3.3.
// Checks: parse -> format -> parse gives the same command (the canonical form below is
// itself a fixpoint); an unknown verb carries no error; has_utf8 comes only with allow_utf8,
// and only when the line holds an 8-bit octet; a path that parsed keeps the size limits of
// RFC 5321 §4.5.3.1.
#include <string>
#include <variant>

#include "fuzz_input.hpp"
#include "protocol/command.hpp"

namespace {

using namespace ehlo::protocol;
using ehlo::fuzz::check;

std::string with_parameters(std::string line, const std::vector<Parameter>& parameters) {
    for (const Parameter& parameter : parameters) {
        line += " " + parameter.keyword;
        if (parameter.has_value) line += "=" + parameter.value;
    }
    return line;
}

std::string with_argument(std::string_view verb, const std::string& argument) {
    return argument.empty() ? std::string(verb) : std::string(verb) + " " + argument;
}

// The command as a client would send it, without CRLF: one SP after the verb, no space after
// the colon, the source route dropped.
struct Formatter {
    std::string operator()(const Ehlo& c) const { return "EHLO " + c.domain; }
    std::string operator()(const Helo& c) const { return "HELO " + c.domain; }
    std::string operator()(const Mail& c) const {
        return with_parameters("MAIL FROM:" + c.reverse_path.to_string(), c.parameters);
    }
    std::string operator()(const Rcpt& c) const {
        return with_parameters("RCPT TO:<" + c.forward_path.mailbox.to_string() + ">",
                               c.parameters);
    }
    std::string operator()(const Data&) const { return "DATA"; }
    std::string operator()(const Rset&) const { return "RSET"; }
    std::string operator()(const Noop& c) const { return with_argument("NOOP", c.argument); }
    std::string operator()(const Quit&) const { return "QUIT"; }
    std::string operator()(const Vrfy& c) const { return with_argument("VRFY", c.argument); }
    std::string operator()(const Expn& c) const { return with_argument("EXPN", c.argument); }
    std::string operator()(const Help& c) const { return with_argument("HELP", c.argument); }
    std::string operator()(const StartTls&) const { return "STARTTLS"; }
    std::string operator()(const Auth& c) const {
        return "AUTH " + c.mechanism + (c.initial_response ? " " + *c.initial_response : "");
    }
    std::string operator()(const Bdat& c) const {
        return "BDAT " + std::to_string(c.chunk_size) + (c.last ? " LAST" : "");
    }
};

std::string format(const ParsedCommand& parsed) {
    return std::visit(Formatter{}, parsed.command);
}

void check_limits(const Mailbox& mailbox) {
    check(mailbox.local_part.size() <= 64, "local part over 64 octets");
    check(mailbox.domain.size() <= 255, "domain over 255 octets");
    check(mailbox.to_string().size() + 2 <= 256, "path over 256 octets");
}

// The mailboxes of a MAIL or RCPT, which must be equal after the round trip.
const Mailbox* mailbox_of(const ParsedCommand& parsed) {
    if (const auto* mail = std::get_if<Mail>(&parsed.command))
        return mail->reverse_path.mailbox ? &*mail->reverse_path.mailbox : nullptr;
    if (const auto* rcpt = std::get_if<Rcpt>(&parsed.command)) return &rcpt->forward_path.mailbox;
    return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view line = ehlo::fuzz::as_text(data, size);
    const CommandOptions options{.allow_utf8 = (ehlo::fuzz::take_settings(line) & 1) != 0};

    const ParsedCommand parsed = parse_command(line, options);
    if (parsed.verb == Verb::unknown) {
        check(parsed.error == SyntaxError::none, "an unknown verb with a syntax error");
        return 0;
    }
    check(!parsed.has_utf8 || options.allow_utf8, "has_utf8 without allow_utf8");
    if (!parsed.ok()) {
        check(!parsed.has_utf8, "has_utf8 on a line that did not parse");
        check((parsed.error == SyntaxError::bad_address) ==
                  (parsed.address_error != AddressError::none),
              "bad_address and address_error disagree");
        return 0;
    }
    const Mailbox* mailbox = mailbox_of(parsed);
    if (mailbox) check_limits(*mailbox);

    const std::string canonical = format(parsed);
    const ParsedCommand again = parse_command(canonical, options);
    check(again.ok() && again.verb == parsed.verb, "the canonical form does not parse");
    check(format(again) == canonical, "parse -> format -> parse changed the command");
    // The canonical form drops the source route, and any UTF-8 in it.
    check(!again.has_utf8 || parsed.has_utf8, "the round trip added has_utf8");
    const Mailbox* mailbox_again = mailbox_of(again);
    check((mailbox == nullptr) == (mailbox_again == nullptr), "the round trip lost the path");
    if (mailbox) check(*mailbox == *mailbox_again, "the round trip changed the mailbox");
    return 0;
}
