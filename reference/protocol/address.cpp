// Layer: protocol (sans-I/O). Mailboxes and paths: the ABNF of RFC 5321 §4.1.2, read by a small
// recursive descent with one function per production; the size limits of RFC 5321 §4.5.3.1.1 to
// RFC 5321 §4.5.3.1.3; and the special "<Postmaster>" of RFC 5321 §4.1.1.3 and RFC 5321 §4.5.1.
// Address literals are in address_literal.cpp. It says whether an address is well formed, never
// whether it is local, known or allowed: that is the server's policy. 8-bit octets are refused
// (non_ascii) unless the caller allows the UTF-8 addresses of RFC 6531 §3.3 (AddressSyntax): then
// atext and qtextSMTP also take UTF8-non-ascii, and a sub-domain may be a U-label, checked as
// well-formed UTF-8 in the LDH shape only (no IDNA2008 tables, see address.hpp). Limits are in
// octets either way.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "protocol/address.hpp"
#include "protocol/grammar.hpp"
#include "protocol/utf8.hpp"

namespace ehlo::protocol {
namespace grammar {

// ---- Character classes ------------------------------------------------------------------

bool is_alpha(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_hexdig(char c) {
    return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}
bool is_let_dig(char c) {
    return is_alpha(c) || is_digit(c);
}

bool is_atext(char c) {
    constexpr std::string_view specials_allowed = "!#$%&'*+-/=?^_`{|}~";
    return is_let_dig(c) || specials_allowed.find(c) != std::string_view::npos;
}

bool is_8bit(char c) {
    return static_cast<unsigned char>(c) >= 0x80;
}

bool has_8bit(std::string_view text) {
    for (char c : text)
        if (is_8bit(c)) return true;
    return false;
}

static char to_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool equal_ci(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    return true;
}

// ---- Scanner ------------------------------------------------------------------------------

bool Scanner::eat(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
}

bool Scanner::eat_utf8_non_ascii() {
    if (!utf8_) return false;
    std::size_t length = utf8_non_ascii_length(rest());
    pos_ += length;
    return length > 0;
}

bool Scanner::eat_ci(std::string_view word) {
    if (!equal_ci(text_.substr(pos_, word.size()), word)) return false;
    pos_ += word.size();
    return true;
}

// ---- Domain, RFC 5321 §4.1.2 ------------------------------------------------------------

// Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig. Taken greedily: where a Domain or tag may end,
// a hyphen can never follow, so giving back a trailing hyphen would not help any caller.
bool ldh_str(Scanner& s) {
    std::size_t start = s.pos();
    s.eat_while([](char c) { return is_let_dig(c) || c == '-'; });
    std::string_view run = s.since(start);
    if (!run.empty() && is_let_dig(run.back())) return true;
    s.reset(start);
    return false;
}

namespace {

// One Let-dig, or with a UTF-8 scanner one UTF8-non-ascii character.
bool let_dig_or_utf8(Scanner& s) {
    if (!is_let_dig(s.peek())) return s.eat_utf8_non_ascii();
    s.advance();
    return true;
}

// U-label (RFC 6531 §3.3, from RFC 5890 §2.3.2.1), read as the LDH shape widened to UTF-8: a
// run of Let-dig, "-" and UTF8-non-ascii that neither starts nor ends with "-". An all-ASCII
// run is an ordinary Let-dig [Ldh-str], so this reads both alternatives of sub-domain. The
// IDNA2008 rules a real U-label obeys (RFC 5891 §5.4: allowed code points, NFC, no "--" in
// the third and fourth positions, 63 octets as an A-label) are not checked here.
bool u_label(Scanner& s) {
    std::size_t start = s.pos();
    if (!let_dig_or_utf8(s)) return false;
    bool ends_in_hyphen = false;
    for (;;) {
        if (let_dig_or_utf8(s)) {
            ends_in_hyphen = false;
        } else if (s.eat('-')) {
            ends_in_hyphen = true;
        } else {
            break;
        }
    }
    if (!ends_in_hyphen) return true;
    s.reset(start);  // as ldh_str: a trailing hyphen fails the whole label
    return false;
}

}  // namespace

// sub-domain = Let-dig [Ldh-str], and with SMTPUTF8 also U-label (RFC 6531 §3.3)
bool sub_domain(Scanner& s) {
    if (s.utf8()) return u_label(s);
    if (!is_let_dig(s.peek())) return false;
    std::size_t start = s.pos();
    s.advance();
    if (s.peek() == '-' || is_let_dig(s.peek())) {
        if (!ldh_str(s)) {
            s.reset(start);
            return false;
        }
    }
    return true;
}

// Domain = sub-domain *("." sub-domain)
bool domain(Scanner& s) {
    if (!sub_domain(s)) return false;
    for (;;) {
        std::size_t before_dot = s.pos();
        if (!s.eat('.')) return true;
        if (!sub_domain(s)) {
            s.reset(before_dot);
            return true;
        }
    }
}

namespace {

// The size limits of RFC 5321 §4.5.3.1.1 to RFC 5321 §4.5.3.1.3, in octets.
constexpr std::size_t max_local_part = 64;
constexpr std::size_t max_domain = 255;
constexpr std::size_t max_path = 256;  // "<" and ">" included

// ---- Local-part, RFC 5321 §4.1.2 --------------------------------------------------------

// Atom = 1*atext, where with SMTPUTF8 atext also takes UTF8-non-ascii (RFC 6531 §3.3)
bool atom(Scanner& s) {
    std::size_t start = s.pos();
    while (s.eat_while(is_atext) > 0 || s.eat_utf8_non_ascii()) {
    }
    return s.pos() > start;
}

// Dot-string = Atom *("." Atom)
bool dot_string(Scanner& s) {
    if (!atom(s)) return false;
    for (;;) {
        std::size_t before_dot = s.pos();
        if (!s.eat('.')) return true;
        if (!atom(s)) {
            s.reset(before_dot);
            return true;
        }
    }
}

// qtextSMTP = %d32-33 / %d35-91 / %d93-126: printable or space, but no '"' and no '\'.
bool is_qtext_smtp(char c) {
    return c >= 32 && c <= 126 && c != '"' && c != '\\';
}

// Quoted-string = DQUOTE *QcontentSMTP DQUOTE, where QcontentSMTP = qtextSMTP /
// quoted-pairSMTP, and quoted-pairSMTP = "\" followed by an octet in %d32-126.
// With SMTPUTF8, qtextSMTP also takes UTF8-non-ascii (RFC 6531 §3.3); a quoted-pair stays ASCII.
bool quoted_string(Scanner& s) {
    std::size_t start = s.pos();
    if (!s.eat('"')) return false;
    for (;;) {
        char c = s.peek();
        if (c == '"') {
            s.advance();
            return true;
        }
        if (c == '\\') {
            s.advance();
            c = s.peek();
            if (c < 32 || c > 126) break;  // also the end of the text ('\0')
        } else if (s.eat_utf8_non_ascii()) {
            continue;
        } else if (!is_qtext_smtp(c)) {
            break;
        }
        s.advance();
    }
    s.reset(start);
    return false;
}

// Local-part = Dot-string / Quoted-string
bool local_part(Scanner& s) {
    return s.peek() == '"' ? quoted_string(s) : dot_string(s);
}

// ---- Mailbox and Path, RFC 5321 §4.1.2 --------------------------------------------------

// Mailbox = Local-part "@" ( Domain / address-literal )
AddressError mailbox(Scanner& s, Mailbox& out) {
    std::size_t start = s.pos();
    if (!local_part(s)) return AddressError::syntax;
    out.local_part = std::string(s.since(start));
    if (!s.eat('@')) return AddressError::syntax;
    std::size_t domain_start = s.pos();
    if (s.peek() == '[') {
        if (!address_literal(s)) return AddressError::bad_address_literal;
    } else if (!domain(s)) {
        return AddressError::syntax;
    }
    out.domain = std::string(s.since(domain_start));
    return AddressError::none;
}

// At-domain = "@" Domain
bool at_domain(Scanner& s) {
    std::size_t start = s.pos();
    if (s.eat('@') && domain(s)) return true;
    s.reset(start);
    return false;
}

// A-d-l = At-domain *( "," At-domain ): the source route. Servers must accept it and should
// ignore it (RFC 5321 §4.1.2, RFC 5321 §F.2), so the caller drops it.
bool a_d_l(Scanner& s) {
    if (!at_domain(s)) return false;
    while (s.eat(','))
        if (!at_domain(s)) return false;
    return true;
}

AddressError check_limits(const Mailbox& m, std::size_t path_length) {
    if (m.local_part.size() > max_local_part) return AddressError::local_part_too_long;
    if (m.domain.size() > max_domain) return AddressError::domain_too_long;
    if (path_length > max_path) return AddressError::path_too_long;
    return AddressError::none;
}

// Path = "<" [ A-d-l ":" ] Mailbox ">", with the limits of RFC 5321 §4.5.3.1.1 to
// RFC 5321 §4.5.3.1.3. Unlike the productions above, path and mailbox may leave the scanner
// anywhere when they fail: reverse_path and forward_path below put it back.
AddressError path(Scanner& s, Mailbox& out) {
    std::size_t start = s.pos();
    if (!s.eat('<')) return AddressError::syntax;
    if (s.peek() == '@' && !(a_d_l(s) && s.eat(':'))) return AddressError::syntax;
    if (AddressError e = mailbox(s, out); e != AddressError::none) return e;
    if (!s.eat('>')) return AddressError::syntax;
    return check_limits(out, s.pos() - start);
}

template <typename T>
Parsed<T> failure(Scanner& s, std::size_t start, AddressError error) {
    s.reset(start);
    return {std::nullopt, octet_error(error, s.rest(), s.utf8())};
}

}  // namespace

// Without SMTPUTF8 no production accepts an 8-bit octet, so a failure where one is present is
// reported as non_ascii: that, not the syntax, is what the client must change (RFC 6531 §3.2).
// With it, ill-formed UTF-8 is what must change (RFC 6531 §3.2 asks for UTF-8 of RFC 3629).
AddressError octet_error(AddressError found, std::string_view text, bool utf8) {
    if (!has_8bit(text)) return found;
    if (!utf8) return AddressError::non_ascii;
    return is_valid_utf8(text) ? found : AddressError::invalid_utf8;
}

// Reverse-path = Path / "<>"
Parsed<ReversePath> reverse_path(Scanner& s) {
    std::size_t start = s.pos();
    if (s.eat_ci("<>")) return {ReversePath{}, AddressError::none};
    Mailbox m;
    if (AddressError e = path(s, m); e != AddressError::none)
        return failure<ReversePath>(s, start, e);
    return {ReversePath{std::move(m)}, AddressError::none};
}

// Forward-path = Path, or "<Postmaster>" (any case, no domain) after RFC 5321 §4.1.1.3.
Parsed<ForwardPath> forward_path(Scanner& s) {
    std::size_t start = s.pos();
    if (s.eat_ci("<Postmaster>")) {
        std::string_view sent = s.since(start);  // kept as sent, without "<" and ">"
        return {ForwardPath{Mailbox{std::string(sent.substr(1, sent.size() - 2)), ""}},
                AddressError::none};
    }
    Mailbox m;
    if (AddressError e = path(s, m); e != AddressError::none)
        return failure<ForwardPath>(s, start, e);
    return {ForwardPath{std::move(m)}, AddressError::none};
}

}  // namespace grammar

// ---- The public interface -----------------------------------------------------------------

std::string Mailbox::to_string() const {
    if (domain.empty()) return local_part;
    return local_part + "@" + domain;
}

bool Mailbox::has_utf8() const {
    return grammar::has_8bit(local_part) || grammar::has_8bit(domain);
}

std::string ReversePath::to_string() const {
    if (is_null()) return "<>";
    // Built by appending: GCC 12's -Wrestrict misfires on "<" + std::string + ">".
    std::string text = "<";
    text.append(mailbox->to_string()).append(">");
    return text;
}

namespace {

// Parses `text` as exactly one path: anything after the path is a syntax error.
template <typename T, typename Production>
Parsed<T> parse_whole(std::string_view text, AddressSyntax syntax, Production production) {
    grammar::Scanner s(text, syntax.utf8);
    Parsed<T> result = production(s);
    if (result.value && !s.at_end())
        return {std::nullopt, grammar::octet_error(AddressError::syntax, text, syntax.utf8)};
    return result;
}

// A whole-text check: `production` must match all of `text`, within the domain limit of
// RFC 5321 §4.5.3.1.2 (a domain name or number: literals count too).
bool matches_whole(std::string_view text, bool (*production)(grammar::Scanner&),
                   AddressSyntax syntax = {}) {
    grammar::Scanner s(text, syntax.utf8);
    return text.size() <= 255 && production(s) && s.at_end();
}

}  // namespace

Parsed<ReversePath> parse_reverse_path(std::string_view text) {
    return parse_reverse_path(text, AddressSyntax{});
}

Parsed<ReversePath> parse_reverse_path(std::string_view text, AddressSyntax syntax) {
    return parse_whole<ReversePath>(text, syntax, grammar::reverse_path);
}

Parsed<ForwardPath> parse_forward_path(std::string_view text) {
    return parse_forward_path(text, AddressSyntax{});
}

Parsed<ForwardPath> parse_forward_path(std::string_view text, AddressSyntax syntax) {
    return parse_whole<ForwardPath>(text, syntax, grammar::forward_path);
}

bool is_domain(std::string_view text) {
    return is_domain(text, AddressSyntax{});
}

bool is_domain(std::string_view text, AddressSyntax syntax) {
    return matches_whole(text, grammar::domain, syntax);
}

bool is_address_literal(std::string_view text) {
    return matches_whole(text, grammar::address_literal);
}

bool is_domain_or_address_literal(std::string_view text) {
    return is_domain(text) || is_address_literal(text);
}

bool domain_equal(std::string_view a, std::string_view b) {
    return grammar::equal_ci(a, b);
}

}  // namespace ehlo::protocol
