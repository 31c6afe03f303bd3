// Fuzz target: protocol::parse_reverse_path and parse_forward_path, the paths of MAIL and RCPT
// RFC 5321 §4.1.2, with and without the UTF-8 grammar of RFC 6531 §3.3, and the domain and
// address-literal checks of EHLO RFC 5321 §4.1.3.
// Checks: a path that parsed is within the limits of RFC 5321 §4.5.3.1.1 to RFC 5321 §4.5.3.1.3;
// its domain is a Domain or an address literal; without UTF-8 it holds no 8-bit octet; writing it
// back as "<" mailbox ">" and parsing again gives the same mailbox; an error is never `none`.
#include <string>

#include "fuzz_input.hpp"
#include "protocol/address.hpp"

namespace {

using namespace ehlo::protocol;
using ehlo::fuzz::check;

void check_mailbox(const Mailbox& mailbox, AddressSyntax syntax) {
    check(mailbox.local_part.size() <= 64, "local part over 64 octets");
    check(mailbox.domain.size() <= 255, "domain over 255 octets");
    check(!mailbox.local_part.empty(), "empty local part");
    if (!syntax.utf8) check(!mailbox.has_utf8(), "8-bit octets without UTF-8");
    if (mailbox.domain.empty()) return;  // <Postmaster>
    check(is_domain(mailbox.domain, syntax) || is_address_literal(mailbox.domain),
          "the domain is no Domain and no address literal");
}

void reverse(std::string_view text, AddressSyntax syntax) {
    Parsed<ReversePath> parsed = parse_reverse_path(text, syntax);
    check(parsed.value.has_value() == (parsed.error == AddressError::none),
          "value and error disagree");
    if (!parsed.value || parsed.value->is_null()) return;
    check_mailbox(*parsed.value->mailbox, syntax);
    check(!parsed.value->mailbox->domain.empty(), "a reverse path without a domain");
    Parsed<ReversePath> again = parse_reverse_path(parsed.value->to_string(), syntax);
    check(again.value && !again.value->is_null() && *again.value->mailbox == *parsed.value->mailbox,
          "reverse path: parse -> format -> parse changed the mailbox");
}

void forward(std::string_view text, AddressSyntax syntax) {
    Parsed<ForwardPath> parsed = parse_forward_path(text, syntax);
    check(parsed.value.has_value() == (parsed.error == AddressError::none),
          "value and error disagree");
    if (!parsed.value) return;
    const Mailbox& mailbox = parsed.value->mailbox;
    check_mailbox(mailbox, syntax);
    Parsed<ForwardPath> again = parse_forward_path("<" + mailbox.to_string() + ">", syntax);
    check(again.value && again.value->mailbox == mailbox,
          "forward path: parse -> format -> parse changed the mailbox");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = ehlo::fuzz::as_text(data, size);
    const AddressSyntax syntax{.utf8 = (ehlo::fuzz::take_settings(text) & 1) != 0};
    reverse(text, syntax);
    forward(text, syntax);
    if (is_domain_or_address_literal(text)) check(text.size() <= 255, "a domain over 255 octets");
    if (is_domain(text, syntax)) {
        std::string upper(text);
        for (char& c : upper)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
        check(domain_equal(text, upper), "domain_equal is not case-insensitive");
    }
    return 0;
}
