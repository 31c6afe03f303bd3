// Unit tests for protocol/address: every production of RFC 5321 §4.1.2 and RFC 5321 §4.1.3 with
// valid and invalid examples, the size limits of RFC 5321 §4.5.3.1.1 to RFC 5321 §4.5.3.1.3 at and
// one past their bounds, the Postmaster forms of RFC 5321 §4.1.1.3, the refusal of 8-bit octets
// without SMTPUTF8, and the UTF-8 local parts and U-labels of RFC 6531 §3.3 when they are allowed.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "address_samples.hpp"
#include "protocol/address.hpp"

using namespace ehlo::protocol;

using ehlo::test::domain_of_length;

namespace {

struct Case {
    std::string_view text;
    AddressError error;
};

// The mailbox of a forward path that must parse.
Mailbox forward(std::string_view text) {
    Parsed<ForwardPath> parsed = parse_forward_path(text);
    INFO(text);
    REQUIRE(parsed.error == AddressError::none);
    REQUIRE(parsed.value.has_value());
    return parsed.value->mailbox;
}

AddressError forward_error(std::string_view text) {
    Parsed<ForwardPath> parsed = parse_forward_path(text);
    CHECK(parsed.value.has_value() == (parsed.error == AddressError::none));
    return parsed.error;
}

AddressError reverse_error(std::string_view text) {
    Parsed<ReversePath> parsed = parse_reverse_path(text);
    CHECK(parsed.value.has_value() == (parsed.error == AddressError::none));
    return parsed.error;
}

}  // namespace

TEST_CASE("Dot-string local parts", "[address][rfc5321-4.1.2]") {
    CHECK(forward("<user@example.com>") == Mailbox{"user", "example.com"});
    CHECK(forward("<first.last@example.com>") == Mailbox{"first.last", "example.com"});
    CHECK(forward("<1@example.com>") == Mailbox{"1", "example.com"});
    // Every atext character of RFC 5322 §3.2.3.
    CHECK(forward("<a!#$%&'*+-/=?^_`{|}~z@example.com>").local_part == "a!#$%&'*+-/=?^_`{|}~z");
    CHECK(forward("<User.Name@Example.COM>") == Mailbox{"User.Name", "Example.COM"});

    for (std::string_view bad :
         {"<.a@example.com>", "<a.@example.com>", "<a..b@example.com>", "<a b@example.com>",
          "<a(b)@example.com>", "<a,b@example.com>", "<a:b@example.com>", "<a;b@example.com>",
          "<a[b@example.com>", "<a\\b@example.com>", "<a\"b\"@example.com>", "<a<b@example.com>"}) {
        INFO(bad);
        CHECK(forward_error(bad) == AddressError::syntax);
    }
}

TEST_CASE("Quoted-string local parts are kept as sent", "[address][rfc5321-4.1.2]") {
    CHECK(forward("<\"a b\"@example.com>") == Mailbox{"\"a b\"", "example.com"});
    CHECK(forward("<\"\"@example.com>").local_part == "\"\"");
    CHECK(forward("<\"a\\\"b\"@example.com>").local_part == "\"a\\\"b\"");  // \"
    CHECK(forward("<\"a\\\\b\"@example.com>").local_part == "\"a\\\\b\"");  // \\ .
    CHECK(forward("<\"Joe\\,Smith\"@example.com>").local_part == "\"Joe\\,Smith\"");
    CHECK(forward("<\"\\ \"@example.com>").local_part == "\"\\ \"");  // escaped SP
    CHECK(forward("<\"a@b>c\"@example.com>") == Mailbox{"\"a@b>c\"", "example.com"});
    CHECK(forward("<\"a..b.\"@example.com>").local_part == "\"a..b.\"");

    for (std::string_view bad :
         {"<\"ab@example.com>", "<\"ab\\\"@example.com>", "<\"a\"b@example.com>",
          "<\"a\".b@example.com>", "<\"a\tb\"@example.com>", "<\"a\\\tb\"@example.com>",
          "<\"a\x01\"@example.com>", "<\"a\x7f\"@example.com>", "<\"a\"\"b\"@example.com>"}) {
        INFO(bad);
        CHECK(forward_error(bad) == AddressError::syntax);
    }
}

TEST_CASE("Domains", "[address][rfc5321-4.1.2]") {
    for (std::string_view good : {"example.com", "a", "A-1.b", "a-b-c.d", "1.2.3.4", "a--b.c",
                                  "xn--bcher-kva.example", "EXAMPLE.COM", "123abc.net"}) {
        INFO(good);
        CHECK(is_domain(good));
        CHECK(forward("<u@" + std::string(good) + ">").domain == good);
    }
    for (std::string_view bad : {"", "-a.com", "a-.com", "a.-b", ".a", "a.", "a..b", "a_b.com",
                                 "a b", "a,b", "a.b-", "-"}) {
        INFO(bad);
        CHECK_FALSE(is_domain(bad));
        CHECK(forward_error("<u@" + std::string(bad) + ">") == AddressError::syntax);
    }
    CHECK_FALSE(is_domain("[192.0.2.1]"));
    CHECK(is_domain(domain_of_length(255)));
    CHECK_FALSE(is_domain(domain_of_length(256)));
}

TEST_CASE("Domains compare case-insensitively", "[address][rfc5321-2.4]") {
    CHECK(domain_equal("Example.COM", "example.com"));
    CHECK(domain_equal("", ""));
    CHECK(domain_equal("[IPv6:::A]", "[ipv6:::a]"));
    CHECK_FALSE(domain_equal("example.com", "example.org"));
    CHECK_FALSE(domain_equal("example.com", "example.com."));
    CHECK_FALSE(domain_equal("a-b", "a_b"));
}

TEST_CASE("IPv4 address literals", "[address][rfc5321-4.1.3]") {
    for (std::string_view good :
         {"[0.0.0.0]", "[255.255.255.255]", "[192.0.2.1]", "[001.002.003.004]", "[10.0.0.255]"}) {
        INFO(good);
        CHECK(is_address_literal(good));
        CHECK(is_domain_or_address_literal(good));
    }
    for (std::string_view bad :
         {"[256.0.0.1]", "[1.2.3.256]", "[1.256.3.4]", "[1.2.3]", "[1.2.3.4.5]", "[1.2.3.]",
          "[.1.2.3]", "[1..2.3]", "[0001.2.3.4]", "[1.2.3.a]", "[]", "[1.2.3.4", "1.2.3.4]",
          "[ 1.2.3.4]", "[-1.2.3.4]", "[1.2.3.4]x", "[[1.2.3.4]]", "[999.1.1.1]"}) {
        INFO(bad);
        CHECK_FALSE(is_address_literal(bad));
    }
    Mailbox m = forward("<u@[192.0.2.1]>");
    CHECK(m == Mailbox{"u", "[192.0.2.1]"});
    CHECK(m.is_address_literal());
    CHECK_FALSE(forward("<u@example.com>").is_address_literal());
    CHECK(forward_error("<u@[256.0.0.1]>") == AddressError::bad_address_literal);
    CHECK(forward_error("<u@[1.2.3]>") == AddressError::bad_address_literal);
    CHECK(forward_error("<u@[1.2.3.4>") == AddressError::bad_address_literal);
}

TEST_CASE("IPv6 address literals, every form", "[address][rfc5321-4.1.3]") {
    for (std::string_view good : {
             "[IPv6:2001:db8:0:0:0:0:0:1]",      // IPv6-full
             "[IPv6:ffff:FFFF:abcd:0:0:0:0:1]",  // IPv6-full, 4-digit groups, both cases
             "[IPv6:::]",                        // IPv6-comp, nothing around "::"
             "[IPv6:::1]", "[IPv6:1::]", "[IPv6:2001:db8::1]",
             "[IPv6:1:2:3:4:5:6::]",             // IPv6-comp, six groups before
             "[IPv6:::1:2:3:4:5:6]",             // six groups after
             "[IPv6:1:2:3::4:5:6]",              // six groups around
             "[IPv6:0:0:0:0:0:ffff:192.0.2.1]",  // IPv6v4-full
             "[IPv6:::192.0.2.1]",               // IPv6v4-comp
             "[IPv6:::ffff:192.0.2.1]",
             "[IPv6:1:2:3:4::192.0.2.1]",   // four groups before
             "[IPv6:::1:2:3:4:192.0.2.1]",  // four groups after
             "[IPv6:1:2::3:4:192.0.2.1]",   // four groups around
             "[ipv6:::1]", "[IPV6:::1]",    // ABNF strings are case-insensitive
         }) {
        INFO(good);
        CHECK(is_address_literal(good));
    }
    for (std::string_view bad : {
             "[IPv6:1:2:3:4:5:6:7]",      // full with seven groups
             "[IPv6:1:2:3:4:5:6:7:8:9]",  // full with nine groups
             "[IPv6:12345::1]",           // five hex digits
             "[IPv6:g::1]",               // not hex
             "[IPv6:1:2:3:4:5:6:7::]",    // comp with seven groups
             "[IPv6:::1:2:3:4:5:6:7]",
             "[IPv6:1:2:3:4::5:6:7]",
             "[IPv6:1::2::3]",                  // two "::"
             "[IPv6:1:::2]",                    // ":::"
             "[IPv6::1:2:3:4:5:6:7]",           // a lone leading colon
             "[IPv6:1:2:3:4:5:6:7:]",           // a lone trailing colon
             "[IPv6:1:2:3:4:5:192.0.2.1]",      // v4-full with five groups
             "[IPv6:1:2:3:4:5:6:7:192.0.2.1]",  // v4-full with seven groups
             "[IPv6:1:2:3:4::5:192.0.2.1]",     // v4-comp with five groups
             "[IPv6:1:2:3:4:5::192.0.2.1]",
             "[IPv6:::256.0.0.1]",
             "[IPv6:::1.2.3]",    // a bad IPv4 part
             "[IPv6:1.2.3.4::]",  // IPv4 not at the end
             "[IPv6:::1.2.3.4:1]",
             "[IPv6:]",
             "[IPv6::]",
             "[IPv6]",       // nothing, or no tag separator
             "[::1]",        // no tag
             "[IPv6: ::1]",  // space is no dcontent
         }) {
        INFO(bad);
        CHECK_FALSE(is_address_literal(bad));
    }
    CHECK(forward("<u@[IPv6:2001:db8::1]>") == Mailbox{"u", "[IPv6:2001:db8::1]"});
    CHECK(forward_error("<u@[IPv6:1::2::3]>") == AddressError::bad_address_literal);
}

TEST_CASE("General address literals", "[address][rfc5321-4.1.3]") {
    for (std::string_view good : {"[x-tag:anything]", "[X400:c=us;a=b]", "[tag:a>b]", "[t:x]",
                                  "[-tag:x]", "[1tag:!~]", "[IPv6x:zzz]",
                                  // Syntactically a tag "2001" (an Ldh-str) and content.
                                  "[2001:db8::1]"}) {
        INFO(good);
        CHECK(is_address_literal(good));
    }
    for (std::string_view bad :
         {"[tag:]", "[:x]", "[tag-:x]", "[ta_g:x]", "[tag:a b]", "[tag:a[b]", "[tag:a\\b]",
          "[ta.g:x]", "[IPv6:zzz]", "[ipv6:zzz]"}) {  // "IPv6" must be IPv6
        INFO(bad);
        CHECK_FALSE(is_address_literal(bad));
    }
    // A ">" inside a literal does not end the path.
    CHECK(forward("<u@[tag:a>b]>") == Mailbox{"u", "[tag:a>b]"});
    CHECK(forward_error("<u@[tag:]>") == AddressError::bad_address_literal);
}

TEST_CASE("Source routes are accepted and dropped", "[address][rfc5321-4.1.2]") {
    CHECK(forward("<@a.example:u@d.example>") == Mailbox{"u", "d.example"});
    CHECK(forward("<@a.example,@b.example:u@d.example>") == Mailbox{"u", "d.example"});
    Parsed<ReversePath> reverse = parse_reverse_path("<@relay.example:u@d.example>");
    REQUIRE(reverse.value.has_value());
    CHECK(reverse.value->to_string() == "<u@d.example>");

    for (std::string_view bad :
         {"<@a:>", "<@a u@d>", "<@a,u@d>", "<@:u@d>", "<@a,:u@d>", "<@a,,@b:u@d>",
          "<@[192.0.2.1]:u@d>", "<@a:@b:u@d>", "<@a-:u@d>", "<:u@d>", "<@a;@b:u@d>"}) {
        INFO(bad);
        CHECK(forward_error(bad) == AddressError::syntax);
        CHECK(reverse_error(bad) == AddressError::syntax);
    }
}

TEST_CASE("Postmaster without a domain, in any case", "[address][rfc5321-4.1.1.3]") {
    for (std::string_view sent : {"Postmaster", "postmaster", "POSTMASTER", "PostMaster"}) {
        Parsed<ForwardPath> parsed = parse_forward_path("<" + std::string(sent) + ">");
        REQUIRE(parsed.value.has_value());
        CHECK(parsed.value->mailbox == Mailbox{std::string(sent), ""});
        CHECK(parsed.value->is_bare_postmaster());
        CHECK(parsed.value->mailbox.to_string() == sent);
    }
    Parsed<ForwardPath> with_domain = parse_forward_path("<Postmaster@example.com>");
    REQUIRE(with_domain.value.has_value());
    CHECK(with_domain.value->mailbox == Mailbox{"Postmaster", "example.com"});
    CHECK_FALSE(with_domain.value->is_bare_postmaster());

    for (std::string_view bad :
         {"<Postmaster >", "< Postmaster>", "<Post master>", "<Postmasters>", "<@a:Postmaster>",
          "<Postmaster@>", "Postmaster", "<Postmaster", "<\"Postmaster\">"}) {
        INFO(bad);
        CHECK(forward_error(bad) == AddressError::syntax);
    }
    // Only RCPT knows this special form: it is no reverse-path.
    CHECK(reverse_error("<Postmaster>") == AddressError::syntax);
}

TEST_CASE("The null reverse-path", "[address][rfc5321-4.5.5]") {
    Parsed<ReversePath> null = parse_reverse_path("<>");
    REQUIRE(null.value.has_value());
    CHECK(null.value->is_null());
    CHECK(null.value->to_string() == "<>");
    CHECK(forward_error("<>") == AddressError::syntax);
    for (std::string_view bad : {"< >", "<>x", "<> ", "<", ">", "", "<<>>", "<@>"}) {
        INFO(bad);
        CHECK(reverse_error(bad) == AddressError::syntax);
    }
}

TEST_CASE("Path framing", "[address][rfc5321-4.1.2]") {
    for (std::string_view bad :
         {"u@example.com", "<u@example.com", "u@example.com>", "<u@example.com>>",
          "<<u@example.com>>", " <u@example.com>", "<u@example.com> ", "<u>", "<@example.com>",
          "<u@>", "<u@@example.com>", "<u@a@example.com>", "<u @example.com>", "<u@ example.com>",
          "<u@example.com >"}) {
        INFO(bad);
        CHECK(forward_error(bad) == AddressError::syntax);
        CHECK(reverse_error(bad) == AddressError::syntax);
    }
    CHECK(forward_error(std::string_view("<u@exa\0mple.com>", 16)) == AddressError::syntax);
    CHECK(forward_error("<u\x01@example.com>") == AddressError::syntax);
}

TEST_CASE("Local part limit: 64 octets", "[address][rfc5321-4.5.3.1.1]") {
    std::string at_limit(64, 'l');
    CHECK(forward("<" + at_limit + "@example.com>").local_part == at_limit);
    CHECK(forward_error("<" + at_limit + "l@example.com>") == AddressError::local_part_too_long);
    CHECK(reverse_error("<" + at_limit + "l@example.com>") == AddressError::local_part_too_long);
    // A quoted local part counts its quotes and backslashes: octets as sent.
    std::string quoted = "\"" + std::string(60, 'q') + "\\ \"";  // 64 octets
    REQUIRE(quoted.size() == 64);
    CHECK(forward("<" + quoted + "@example.com>").local_part == quoted);
    CHECK(forward_error("<\"q" + quoted.substr(1) + "@example.com>") ==
          AddressError::local_part_too_long);
}

TEST_CASE("Domain limit: 255 octets", "[address][rfc5321-4.5.3.1.2]") {
    // A 255-octet domain always makes a path longer than 256 octets.
    CHECK(forward_error("<u@" + domain_of_length(255) + ">") == AddressError::path_too_long);
    CHECK(forward_error("<u@" + domain_of_length(256) + ">") == AddressError::domain_too_long);
    // A literal is a "domain name or number" too.
    std::string literal_255 = "[x:" + std::string(251, 'v') + "]";
    REQUIRE(literal_255.size() == 255);
    CHECK(is_address_literal(literal_255));
    CHECK_FALSE(is_address_literal("[x:v" + literal_255.substr(3)));
    CHECK_FALSE(is_domain_or_address_literal("[x:v" + literal_255.substr(3)));
    CHECK(forward_error("<u@[x:v" + literal_255.substr(3) + ">") == AddressError::domain_too_long);
    // The first limit broken is the one reported.
    CHECK(forward_error("<" + std::string(65, 'l') + "@" + domain_of_length(256) + ">") ==
          AddressError::local_part_too_long);
}

TEST_CASE("Path limit: 256 octets with the angle brackets", "[address][rfc5321-4.5.3.1.3]") {
    std::string local(64, 'l');
    std::string at_limit = "<" + local + "@" + domain_of_length(189) + ">";
    REQUIRE(at_limit.size() == 256);
    CHECK(forward(at_limit).domain == domain_of_length(189));
    CHECK(reverse_error(at_limit) == AddressError::none);
    std::string past = "<" + local + "@" + domain_of_length(190) + ">";
    CHECK(forward_error(past) == AddressError::path_too_long);
    CHECK(reverse_error(past) == AddressError::path_too_long);

    // The source route counts too, although it is dropped.
    std::string tail = ":u@example.com>";
    std::string route_at_limit = "<@" + domain_of_length(256 - 2 - tail.size()) + tail;
    REQUIRE(route_at_limit.size() == 256);
    CHECK(forward(route_at_limit) == Mailbox{"u", "example.com"});
    std::string route_past = "<@" + domain_of_length(257 - 2 - tail.size()) + tail;
    CHECK(forward_error(route_past) == AddressError::path_too_long);
}

TEST_CASE("8-bit octets are refused without SMTPUTF8", "[address][rfc6531-3.2]") {
    for (std::string_view bad :
         {"<j\xc3\xb6rg@example.com>", "<u@ex\xc3\xa4mple.com>", "<\"\xc3\xa9\"@example.com>",
          "<u@[192.0.2.1\xc3\xa9]>", "<u@example.com>\xc3\xa9", "<@r\xc3\xa9:u@example.com>",
          "<\xff>"}) {
        INFO(bad);
        CHECK(forward_error(bad) == AddressError::non_ascii);
        CHECK(reverse_error(bad) == AddressError::non_ascii);
    }
    CHECK_FALSE(is_domain("ex\xc3\xa4mple.com"));
    CHECK_FALSE(is_address_literal("[tag:\xc3\xa4]"));
}

TEST_CASE("Mailboxes and paths print back as sent", "[address]") {
    CHECK(Mailbox{"a", "example.com"}.to_string() == "a@example.com");
    CHECK(Mailbox{"\"a b\"", "[192.0.2.1]"}.to_string() == "\"a b\"@[192.0.2.1]");
    CHECK(Mailbox{"Postmaster", ""}.to_string() == "Postmaster");
    CHECK(ReversePath{Mailbox{"a", "example.com"}}.to_string() == "<a@example.com>");
    CHECK(ReversePath{}.to_string() == "<>");
    Parsed<ReversePath> parsed = parse_reverse_path("<\"x\\\"y\"@[IPv6:::1]>");
    REQUIRE(parsed.value.has_value());
    CHECK(parsed.value->to_string() == "<\"x\\\"y\"@[IPv6:::1]>");
}

TEST_CASE("UTF-8 local parts and U-labels with SMTPUTF8", "[address][rfc6531-3.3]") {
    AddressSyntax utf8{.utf8 = true};
    auto parsed = [&](std::string_view text) {
        Parsed<ForwardPath> p = parse_forward_path(text, utf8);
        INFO(text);
        REQUIRE(p.error == AddressError::none);
        REQUIRE(parse_reverse_path(text, utf8).error == AddressError::none);
        return p.value->mailbox;
    };
    CHECK(parsed("<j\xc3\xb6rg@example.com>") == Mailbox{"j\xc3\xb6rg", "example.com"});
    CHECK(parsed("<\xe7\x94\xa8\xe6\x88\xb7.\xf0\x9f\x98\x80@example.com>").local_part ==
          "\xe7\x94\xa8\xe6\x88\xb7.\xf0\x9f\x98\x80");
    CHECK(parsed("<\"J\xc3\xb6rg M\xc3\xbcller\"@example.com>").local_part ==
          "\"J\xc3\xb6rg M\xc3\xbcller\"");
    CHECK(parsed("<u@b\xc3\xbc\x63her.example>").domain == "b\xc3\xbc\x63her.example");
    CHECK(parsed("<u@\xe4\xbe\x8b-\xe3\x81\x88.xn--bcher-kva.example>").domain ==
          "\xe4\xbe\x8b-\xe3\x81\x88.xn--bcher-kva.example");
    CHECK(parsed("<@r\xc3\xa9lais.example:u@example.com>") == Mailbox{"u", "example.com"});
    CHECK(parsed("<u@example.com>").has_utf8() == false);
    CHECK(parsed("<j\xc3\xb6rg@example.com>").has_utf8());
    CHECK(parsed("<u@\xc3\xa4.example>").has_utf8());
    CHECK(is_domain("\xc3\xa4.example", utf8));
    CHECK_FALSE(is_domain("\xc3\xa4.example"));

    for (std::string_view bad :
         {"<u@-\xc3\xa4.example>", "<u@\xc3\xa4-.example>", "<u@\xc3\xa4..example>",
          "<j\xc3\xb6rg.@example.com>", "<\"\\\xc3\xa9\"@example.com>", "<u@\xc3\xa4_b.example>"}) {
        INFO(bad);  // the ASCII rules around the UTF-8 still hold; a quoted-pair stays ASCII
        CHECK(parse_forward_path(bad, utf8).error == AddressError::syntax);
        CHECK(parse_forward_path(bad).error == AddressError::non_ascii);
    }
    // Address literals stay ASCII (RFC 6531 §3.3 widens sub-domain, not dcontent).
    CHECK(parse_forward_path("<u@[tag:\xc3\xa4]>", utf8).error ==
          AddressError::bad_address_literal);
}

TEST_CASE("With SMTPUTF8 allowed, ASCII paths parse as before", "[address][rfc6531-3.3]") {
    AddressSyntax utf8{.utf8 = true};
    for (std::string_view text :
         {"<user@example.com>", "<\"a b\"@[192.0.2.1]>", "<a-.com@b>", "<u@a-.com>", "<u@-a>",
          "<u@a..b>", "<Postmaster>", "<>", "<@a:u@d>", "<u@d>x", "<u@a_b>", "<u@xn--a.b>"}) {
        INFO(text);
        CHECK(parse_forward_path(text, utf8).error == parse_forward_path(text).error);
        CHECK(parse_reverse_path(text, utf8).error == parse_reverse_path(text).error);
    }
}
