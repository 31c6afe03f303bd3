// Layer: protocol (sans-I/O). Mailboxes and paths after the ABNF of RFC 5321 §4.1.2, the
// address literals of RFC 5321 §4.1.3, the size limits of RFC 5321 §4.5.3.1.1 to
// RFC 5321 §4.5.3.1.3, and Postmaster (RFC 5321 §4.5.1). UTF-8 addresses (RFC 6531 §3.3) are parsed
// only when the caller asks for them with AddressSyntax; by default every 8-bit octet is refused
// (non_ascii), as without SMTPUTF8. U-labels are checked for well-formed UTF-8 and the LDH shape
// only: the IDNA2008 tables (RFC 5892), normalization and A-label conversion are left to the
// server's policy.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ehlo::protocol {

/// Why an address did not parse; each maps to one reply of the server's table.
enum class AddressError {
    none,
    syntax,               ///< not a Path / Mailbox of RFC 5321 §4.1.2
    local_part_too_long,  ///< over 64 octets RFC 5321 §4.5.3.1.1
    domain_too_long,      ///< over 255 octets RFC 5321 §4.5.3.1.2
    path_too_long,        ///< over 256 octets, "<" and ">" included RFC 5321 §4.5.3.1.3
    bad_address_literal,  ///< "[...]": no valid IPv4, IPv6 or general literal RFC 5321 §4.1.3
    non_ascii,            ///< 8-bit octets without SMTPUTF8 (RFC 6531 §3.2)
    invalid_utf8,         ///< with UTF-8 allowed, octets that are no well-formed UTF-8 (RFC 3629)
};

/// Which address grammar to read: RFC 5321 alone (the default), or with the UTF-8 extensions of
/// SMTPUTF8. With `utf8`, atext and qtextSMTP also take UTF8-non-ascii and a sub-domain may be
/// a U-label RFC 6531 §3.3; ill-formed UTF-8 is then an error of its own (invalid_utf8).
/// The size limits are counted in octets either way, not in characters.
struct AddressSyntax {
    bool utf8 = false;
};

/// A mailbox: Local-part "@" ( Domain / address-literal ) RFC 5321 §4.1.2.
struct Mailbox {
    /// The local part exactly as sent: a Dot-string, or a Quoted-string with its quotes and
    /// backslashes kept intact (RFC 5321 §2.4: only the destination host interprets it).
    std::string local_part;
    /// A domain name, or an address literal with its brackets ("[192.0.2.1]", "[IPv6:::1]").
    /// Empty only for the special "<Postmaster>" path.
    std::string domain;

    bool is_address_literal() const { return !domain.empty() && domain.front() == '['; }
    /// "local@domain", or "Postmaster" for the domainless form.
    std::string to_string() const;
    /// Whether the local part or the domain holds UTF-8 beyond ASCII RFC 6531 §3.3.
    bool has_utf8() const;
    friend bool operator==(const Mailbox&, const Mailbox&) = default;
};

/// Reverse-path of MAIL: a mailbox, or the null path "<>" RFC 5321 §4.5.5.
struct ReversePath {
    std::optional<Mailbox> mailbox;  ///< empty for "<>"
    bool is_null() const { return !mailbox.has_value(); }
    std::string to_string() const;  ///< with angle brackets: "<a@b>" or "<>"
};

/// Forward-path of RCPT: a mailbox, or "<Postmaster>" with no domain RFC 5321 §4.1.1.3.
struct ForwardPath {
    Mailbox mailbox;
    bool is_bare_postmaster() const { return mailbox.domain.empty(); }
};

template <typename T>
struct Parsed {
    std::optional<T> value;
    AddressError error = AddressError::none;
};

/// Parses a Reverse-path ("<>" or a Path). A source route ("<@a,@b:u@d>") is accepted and
/// dropped RFC 5321 §4.1.1.3. Limits are enforced; a text that fails to parse and holds an
/// 8-bit octet anywhere gives non_ascii.
Parsed<ReversePath> parse_reverse_path(std::string_view text);
/// As above, with the grammar `syntax` chooses (UTF-8 addresses of RFC 6531 §3.3).
Parsed<ReversePath> parse_reverse_path(std::string_view text, AddressSyntax syntax);

/// Parses a Forward-path: a Path or "<Postmaster>" (case-insensitive, no domain).
Parsed<ForwardPath> parse_forward_path(std::string_view text);
/// As above, with the grammar `syntax` chooses (UTF-8 addresses of RFC 6531 §3.3).
Parsed<ForwardPath> parse_forward_path(std::string_view text, AddressSyntax syntax);

/// Validates a Domain of RFC 5321 §4.1.2 (sub-domains of letters, digits and inner hyphens), of at
/// most 255 octets RFC 5321 §4.5.3.1.2.
bool is_domain(std::string_view text);
/// As above; with `syntax.utf8` a sub-domain may also be a U-label RFC 6531 §3.3.
bool is_domain(std::string_view text, AddressSyntax syntax);

/// Validates an address literal of RFC 5321 §4.1.3, brackets included: IPv4, "IPv6:" forms, or a
/// General-address-literal with a standardized-tag; at most 255 octets, as for a domain.
bool is_address_literal(std::string_view text);

/// Domain / address-literal as sent with EHLO or HELO RFC 5321 §4.1.1.1.
bool is_domain_or_address_literal(std::string_view text);

/// Case-insensitive ASCII comparison of domains (RFC 5321 §2.4: domains are case-insensitive).
bool domain_equal(std::string_view a, std::string_view b);

}  // namespace ehlo::protocol
