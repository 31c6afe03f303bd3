// Layer: protocol (sans-I/O), internal to protocol/. The small scanner and the shared ABNF
// productions of RFC 5321 §4.1.2 and RFC 5321 §4.1.3 that address.cpp, address_literal.cpp and
// command.cpp build on. Not part of the public interface: include address.hpp or command.hpp.
// A Scanner made with `utf8` set also reads the UTF-8 extensions of RFC 6531 §3.3.
//
// Style: one function per ABNF production, named after it. A production takes the Scanner,
// and on success moves it past what it matched; on failure it leaves the Scanner where it was.
#pragma once

#include <cstddef>
#include <string_view>

#include "protocol/address.hpp"

namespace ehlo::protocol::grammar {

/// A read position in one piece of text (a command line, or a path), and whether the
/// productions read from it accept UTF8-non-ascii where RFC 6531 allows it RFC 6531 §3.3.
class Scanner {
  public:
    explicit Scanner(std::string_view text, bool utf8 = false) : text_(text), utf8_(utf8) {}

    bool utf8() const { return utf8_; }
    bool at_end() const { return pos_ == text_.size(); }
    /// The next octet, or '\0' at the end (no production accepts '\0').
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    std::size_t pos() const { return pos_; }
    void reset(std::size_t pos) { pos_ = pos; }
    void advance() { ++pos_; }
    std::string_view rest() const { return text_.substr(pos_); }
    /// The text matched since `start`, a position taken earlier with pos().
    std::string_view since(std::size_t start) const { return text_.substr(start, pos_ - start); }

    /// Consumes `c` if it is next.
    bool eat(char c);
    /// Consumes `word` if it is next, compared case-insensitively (RFC 5234 §2.3: quoted
    /// strings in ABNF are case-insensitive).
    bool eat_ci(std::string_view word);
    /// Consumes one well-formed UTF8-non-ascii character (2 to 4 octets) if it is next and the
    /// scanner accepts UTF-8; never consumes an ill-formed sequence RFC 6531 §3.3.
    bool eat_utf8_non_ascii();
    /// Consumes the longest run of octets for which `pred` holds; returns how many.
    template <typename Pred>
    std::size_t eat_while(Pred pred) {
        std::size_t start = pos_;
        while (!at_end() && pred(text_[pos_]))
            ++pos_;
        return pos_ - start;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
    bool utf8_ = false;
};

// Character classes of RFC 5234 §B.1 and RFC 5322 §3.2.3, ASCII only.
bool is_alpha(char c);
bool is_digit(char c);
bool is_hexdig(char c);
bool is_let_dig(char c);  ///< Let-dig = ALPHA / DIGIT
bool is_atext(char c);    ///< atext of RFC 5322 §3.2.3
bool is_8bit(char c);     ///< an octet with the high bit set
bool has_8bit(std::string_view text);
/// ASCII case-insensitive equality (RFC 5321 §2.4).
bool equal_ci(std::string_view a, std::string_view b);

// Productions of RFC 5321 §4.1.2 (address.cpp).
bool ldh_str(Scanner& s);  ///< Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig
/// sub-domain = Let-dig [Ldh-str], and with a UTF-8 scanner also U-label RFC 6531 §3.3
bool sub_domain(Scanner& s);
bool domain(Scanner& s);  ///< Domain = sub-domain *("." sub-domain)

// Productions of RFC 5321 §4.1.3 (address_literal.cpp).
/// address-literal = "[" ( IPv4 / IPv6 / General-address-literal ) "]"
bool address_literal(Scanner& s);
bool ipv4_address_literal(std::string_view text);  ///< Snum 3("." Snum), the whole text
bool ipv6_addr(std::string_view text);             ///< IPv6-addr, the whole text

/// Reverse-path = Path / "<>", read from the scanner's position; the line may go on after it.
/// On failure the error says why (see `octet_error`).
Parsed<ReversePath> reverse_path(Scanner& s);
/// Forward-path = Path, or the special "<Postmaster>" of RFC 5321 §4.1.1.3, as above.
Parsed<ForwardPath> forward_path(Scanner& s);

/// The error to report for a path that failed with `found`, given the text from the path on.
/// Without UTF-8 no production accepts an 8-bit octet, so any in `text` make it non_ascii
/// (RFC 6531 §3.2); with UTF-8, ill-formed UTF-8 in `text` makes it invalid_utf8.
AddressError octet_error(AddressError found, std::string_view text, bool utf8);

}  // namespace ehlo::protocol::grammar
