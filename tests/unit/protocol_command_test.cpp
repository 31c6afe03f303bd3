// Unit tests for protocol/command: every verb of RFC 5321 §4.1.1 with good and bad arguments,
// case-insensitive verbs and keywords (RFC 5321 §2.4), the esmtp-param syntax of RFC 5321 §4.1.2,
// and the leniencies the parser documents (trailing white space, one SP after "FROM:" / "TO:", an
// address literal with HELO, any text as a VRFY / EXPN String); also the UTF-8 paths and the
// has_utf8 flag of RFC 6531 §3.3 with CommandOptions::allow_utf8.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <variant>

#include "protocol/command.hpp"

using namespace ehlo::protocol;

namespace {

// The typed command of a line that must parse.
template <typename T>
T parsed_as(std::string_view line, Verb verb) {
    ParsedCommand parsed = parse_command(line);
    INFO(line);
    REQUIRE(parsed.ok());
    REQUIRE(parsed.verb == verb);
    REQUIRE(parsed.error == SyntaxError::none);
    REQUIRE(parsed.address_error == AddressError::none);
    REQUIRE(std::holds_alternative<T>(parsed.command));
    return std::get<T>(parsed.command);
}

// A line with a known verb that must fail, and how.
void check_rejected(std::string_view line, Verb verb, SyntaxError error,
                    AddressError address = AddressError::none) {
    ParsedCommand parsed = parse_command(line);
    INFO(line);
    CHECK_FALSE(parsed.ok());
    CHECK(parsed.verb == verb);
    CHECK(parsed.error == error);
    CHECK(parsed.address_error == address);
}

}  // namespace

TEST_CASE("Verb names", "[command]") {
    CHECK(verb_name(Verb::ehlo) == "EHLO");
    CHECK(verb_name(Verb::helo) == "HELO");
    CHECK(verb_name(Verb::mail) == "MAIL");
    CHECK(verb_name(Verb::rcpt) == "RCPT");
    CHECK(verb_name(Verb::data) == "DATA");
    CHECK(verb_name(Verb::rset) == "RSET");
    CHECK(verb_name(Verb::noop) == "NOOP");
    CHECK(verb_name(Verb::quit) == "QUIT");
    CHECK(verb_name(Verb::vrfy) == "VRFY");
    CHECK(verb_name(Verb::expn) == "EXPN");
    CHECK(verb_name(Verb::help) == "HELP");
    CHECK(verb_name(Verb::unknown) == "?");
}

TEST_CASE("Verbs are case-insensitive", "[command][rfc5321-2.4]") {
    for (int i = 0; i < verb_count - 1; ++i) {
        auto verb = static_cast<Verb>(i);
        std::string upper(verb_name(verb));
        std::string lower = upper;
        for (char& c : lower)
            c = static_cast<char>(c - 'A' + 'a');
        std::string mixed = lower;
        mixed[0] = upper[0];
        for (const std::string& name : {upper, lower, mixed}) {
            INFO(name);
            CHECK(parse_command(name).verb == verb);
            CHECK(parse_command(name + " x").verb == verb);
        }
    }
}

TEST_CASE("Unknown verbs", "[command][rfc5321-4.1.1]") {
    for (std::string_view line : {"", "FOO", "FOO bar", "EHLOX example.com", " EHLO example.com",
                                  "MAILFROM:<a@example.com>", "EHLO\texample.com", "STARTTLSX",
                                  "AUTHX PLAIN", "BDATX 10", "TURN", "E HLO", "EHL"}) {
        INFO(line);
        ParsedCommand parsed = parse_command(line);
        CHECK(parsed.verb == Verb::unknown);
        CHECK(parsed.error == SyntaxError::none);
        CHECK_FALSE(parsed.ok());
    }
}

TEST_CASE("AUTH takes a mechanism and an optional initial response", "[command][rfc4954-4]") {
    using ehlo::protocol::Auth;
    Auth bare = parsed_as<Auth>("AUTH PLAIN", Verb::auth);
    CHECK(bare.mechanism == "PLAIN");
    CHECK_FALSE(bare.initial_response);
    Auth with = parsed_as<Auth>("auth scram-sha-256 biwsbj11c2Vy ", Verb::auth);
    CHECK(with.mechanism == "scram-sha-256");
    CHECK(with.initial_response == "biwsbj11c2Vy");
    CHECK(parsed_as<Auth>("AUTH EXTERNAL =", Verb::auth).initial_response == "=");
    for (std::string_view bad : {"AUTH", "AUTH ", "AUTH  PLAIN", "AUTH PLAIN a b", "AUTH PL.AIN"}) {
        INFO(bad);
        ParsedCommand parsed = parse_command(bad);
        CHECK(parsed.verb == Verb::auth);
        CHECK(parsed.error == SyntaxError::bad_arguments);
    }
}

TEST_CASE("EHLO takes a domain or an address literal", "[command][rfc5321-4.1.1.1]") {
    CHECK(parsed_as<Ehlo>("EHLO client.example", Verb::ehlo).domain == "client.example");
    CHECK(parsed_as<Ehlo>("ehlo Client.Example", Verb::ehlo).domain == "Client.Example");
    CHECK(parsed_as<Ehlo>("EHLO [192.0.2.1]", Verb::ehlo).domain == "[192.0.2.1]");
    CHECK(parsed_as<Ehlo>("EHLO [IPv6:2001:db8::1]", Verb::ehlo).domain == "[IPv6:2001:db8::1]");
    CHECK(parsed_as<Ehlo>("EHLO localhost", Verb::ehlo).domain == "localhost");
    for (std::string_view bad :
         {"EHLO", "EHLO ", "EHLO  client.example", "EHLO client.example x", "EHLO -client.example",
          "EHLO client_example", "EHLO [256.0.0.1]", "EHLO [IPv6:1::2::3]", "EHLO client.example.",
          "EHLO <a@b>", "EHLO cl\xc3\xa9nt.example"}) {
        check_rejected(bad, Verb::ehlo, SyntaxError::bad_arguments);
    }
}

TEST_CASE("HELO takes a domain, and leniently an address literal", "[command][rfc5321-4.1.1.1]") {
    CHECK(parsed_as<Helo>("HELO client.example", Verb::helo).domain == "client.example");
    CHECK(parsed_as<Helo>("helo client.example", Verb::helo).domain == "client.example");
    CHECK(parsed_as<Helo>("HELO [192.0.2.1]", Verb::helo).domain == "[192.0.2.1]");
    for (std::string_view bad : {"HELO", "HELO ", "HELO a_b", "HELO a b", "HELO [1.2.3]"})
        check_rejected(bad, Verb::helo, SyntaxError::bad_arguments);
}

TEST_CASE("Trailing white space is tolerated", "[command][rfc5321-4.1.1]") {
    CHECK(parsed_as<Ehlo>("EHLO client.example  ", Verb::ehlo).domain == "client.example");
    CHECK(parsed_as<Ehlo>("EHLO client.example\t", Verb::ehlo).domain == "client.example");
    parsed_as<Quit>("QUIT ", Verb::quit);
    parsed_as<Data>("DATA \t ", Verb::data);
    CHECK(parsed_as<Noop>("NOOP  ", Verb::noop).argument.empty());
    CHECK(parsed_as<Noop>("NOOP x \t", Verb::noop).argument == "x");
    Mail mail = parsed_as<Mail>("MAIL FROM:<a@example.com> SIZE=10 ", Verb::mail);
    REQUIRE(mail.parameters.size() == 1);
    CHECK(mail.parameters[0].value == "10");
}

TEST_CASE("MAIL FROM with a reverse-path", "[command][rfc5321-4.1.1.2]") {
    Mail mail = parsed_as<Mail>("MAIL FROM:<Smith@bar.com>", Verb::mail);
    REQUIRE_FALSE(mail.reverse_path.is_null());
    CHECK(*mail.reverse_path.mailbox == Mailbox{"Smith", "bar.com"});
    CHECK(mail.parameters.empty());

    CHECK(parsed_as<Mail>("MAIL FROM:<>", Verb::mail).reverse_path.is_null());
    CHECK(parsed_as<Mail>("mail from:<a@example.com>", Verb::mail).reverse_path.to_string() ==
          "<a@example.com>");
    CHECK(parsed_as<Mail>("Mail From:<a@example.com>", Verb::mail).reverse_path.to_string() ==
          "<a@example.com>");
    CHECK(parsed_as<Mail>("MAIL FROM:<@relay.example:a@example.com>", Verb::mail)
              .reverse_path.to_string() == "<a@example.com>");
    CHECK(parsed_as<Mail>("MAIL FROM:<\"a b\"@example.com>", Verb::mail)
              .reverse_path.mailbox->local_part == "\"a b\"");
    CHECK(parsed_as<Mail>("MAIL FROM:<a@[tag:x>y]>", Verb::mail).reverse_path.mailbox->domain ==
          "[tag:x>y]");
}

TEST_CASE("One SP after FROM: and TO: is tolerated, no more", "[command][rfc5321-4.1.1.2]") {
    CHECK(parsed_as<Mail>("MAIL FROM: <a@example.com>", Verb::mail).reverse_path.to_string() ==
          "<a@example.com>");
    CHECK(parsed_as<Mail>("MAIL FROM: <>", Verb::mail).reverse_path.is_null());
    CHECK(parsed_as<Rcpt>("RCPT TO: <b@example.com>", Verb::rcpt).forward_path.mailbox ==
          Mailbox{"b", "example.com"});
    check_rejected("MAIL FROM:  <a@example.com>", Verb::mail, SyntaxError::bad_address,
                   AddressError::syntax);
    check_rejected("MAIL FROM:\t<a@example.com>", Verb::mail, SyntaxError::bad_address,
                   AddressError::syntax);
    check_rejected("RCPT TO:  <b@example.com>", Verb::rcpt, SyntaxError::bad_address,
                   AddressError::syntax);
}

TEST_CASE("MAIL with bad arguments or a bad path", "[command][rfc5321-4.1.1.2]") {
    for (std::string_view bad :
         {"MAIL", "MAIL ", "MAIL FROM", "MAIL TO:<a@example.com>", "MAIL FROM :<a@example.com>",
          "MAIL  FROM:<a@example.com>", "MAIL FROM<a@example.com>", "MAIL FROM:<a@example.com>x",
          "MAIL FROM:<a@example.com>>", "MAIL FROM:<>x"}) {
        check_rejected(bad, Verb::mail, SyntaxError::bad_arguments);
    }
    check_rejected("MAIL FROM:", Verb::mail, SyntaxError::bad_address, AddressError::syntax);
    check_rejected("MAIL FROM:a@example.com", Verb::mail, SyntaxError::bad_address,
                   AddressError::syntax);
    check_rejected("MAIL FROM:<a@example.com", Verb::mail, SyntaxError::bad_address,
                   AddressError::syntax);
    check_rejected("MAIL FROM:<Postmaster>", Verb::mail, SyntaxError::bad_address,
                   AddressError::syntax);
    check_rejected("MAIL FROM:<a@[192.0.2.256]>", Verb::mail, SyntaxError::bad_address,
                   AddressError::bad_address_literal);
    check_rejected("MAIL FROM:<" + std::string(65, 'l') + "@example.com>", Verb::mail,
                   SyntaxError::bad_address, AddressError::local_part_too_long);
    check_rejected("MAIL FROM:<j\xc3\xb6rg@example.com> SIZE=1", Verb::mail,
                   SyntaxError::bad_address, AddressError::non_ascii);
}

TEST_CASE("MAIL and RCPT parameters", "[command][rfc5321-4.1.2]") {
    Mail mail =
        parsed_as<Mail>("MAIL FROM:<a@example.com> SIZE=1000 body=8BITMIME SMTPUTF8", Verb::mail);
    REQUIRE(mail.parameters.size() == 3);
    CHECK(mail.parameters[0].keyword == "SIZE");
    CHECK(mail.parameters[0].value == "1000");
    CHECK(mail.parameters[0].has_value);
    CHECK(mail.parameters[1].keyword == "body");
    CHECK(mail.parameters[1].value == "8BITMIME");
    CHECK(mail.parameters[2].keyword == "SMTPUTF8");
    CHECK(mail.parameters[2].value.empty());
    CHECK_FALSE(mail.parameters[2].has_value);

    Mail null_sender = parsed_as<Mail>("MAIL FROM:<> AUTH=<> X-1=!~", Verb::mail);
    REQUIRE(null_sender.parameters.size() == 2);
    CHECK(null_sender.parameters[0].value == "<>");
    CHECK(null_sender.parameters[1].keyword == "X-1");
    CHECK(null_sender.parameters[1].value == "!~");

    Rcpt rcpt = parsed_as<Rcpt>(
        "RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE "
        "ORCPT=rfc822;b+40example.com",
        Verb::rcpt);
    REQUIRE(rcpt.parameters.size() == 2);
    CHECK(rcpt.parameters[0].value == "SUCCESS,FAILURE");
    CHECK(rcpt.parameters[1].keyword == "ORCPT");
    CHECK(rcpt.parameters[1].value == "rfc822;b+40example.com");
    // Repeated keywords are the extension's business, not the parser's.
    CHECK(parsed_as<Mail>("MAIL FROM:<> SIZE=1 SIZE=2", Verb::mail).parameters.size() == 2);

    for (std::string_view params :
         {" SIZE=", " =1", " SIZE==1", " SIZE=a=b", " SI_ZE=1", " -SIZE=1", " SIZE=1  BODY=7BIT",
          "  SIZE=1", " SIZE=\x01", " X=\xc3\xa9", " SIZE=1 =", " SIZE\t=1",
          " SIZE=1\tBODY=7BIT"}) {
        check_rejected("MAIL FROM:<a@example.com>" + std::string(params), Verb::mail,
                       SyntaxError::bad_parameter);
        check_rejected("RCPT TO:<b@example.com>" + std::string(params), Verb::rcpt,
                       SyntaxError::bad_parameter);
    }
}

TEST_CASE("RCPT TO with a forward-path", "[command][rfc5321-4.1.1.3]") {
    Rcpt rcpt = parsed_as<Rcpt>("RCPT TO:<Jones@foo.com>", Verb::rcpt);
    CHECK(rcpt.forward_path.mailbox == Mailbox{"Jones", "foo.com"});
    CHECK_FALSE(rcpt.forward_path.is_bare_postmaster());
    CHECK(rcpt.parameters.empty());
    CHECK(parsed_as<Rcpt>("rcpt to:<@a.example,@b.example:c@d.example>", Verb::rcpt)
              .forward_path.mailbox == Mailbox{"c", "d.example"});
    CHECK(parsed_as<Rcpt>("RCPT TO:<u@[IPv6:::1]>", Verb::rcpt).forward_path.mailbox.domain ==
          "[IPv6:::1]");

    for (std::string_view bad : {"RCPT", "RCPT TO", "RCPT FROM:<b@example.com>",
                                 "RCPT TO<b@example.com>", "RCPT TO:<b@example.com>x"}) {
        check_rejected(bad, Verb::rcpt, SyntaxError::bad_arguments);
    }
    check_rejected("RCPT TO:<>", Verb::rcpt, SyntaxError::bad_address, AddressError::syntax);
    check_rejected("RCPT TO:b@example.com", Verb::rcpt, SyntaxError::bad_address,
                   AddressError::syntax);
    check_rejected("RCPT TO:<b@" + std::string(256, 'd') + ">", Verb::rcpt,
                   SyntaxError::bad_address, AddressError::domain_too_long);
    check_rejected("RCPT TO:<b@" + std::string(253, 'd') + ">", Verb::rcpt,
                   SyntaxError::bad_address, AddressError::path_too_long);
    check_rejected("RCPT TO:<b@ex\xc3\xa4mple.com>", Verb::rcpt, SyntaxError::bad_address,
                   AddressError::non_ascii);
}

TEST_CASE("RCPT to Postmaster", "[command][rfc5321-4.1.1.3][rfc5321-4.5.1]") {
    Rcpt bare = parsed_as<Rcpt>("RCPT TO:<Postmaster>", Verb::rcpt);
    CHECK(bare.forward_path.is_bare_postmaster());
    CHECK(bare.forward_path.mailbox == Mailbox{"Postmaster", ""});
    CHECK(parsed_as<Rcpt>("RCPT TO:<postMASTER>", Verb::rcpt).forward_path.mailbox ==
          Mailbox{"postMASTER", ""});
    Rcpt with_parameter = parsed_as<Rcpt>("RCPT TO:<Postmaster> NOTIFY=NEVER", Verb::rcpt);
    CHECK(with_parameter.forward_path.is_bare_postmaster());
    REQUIRE(with_parameter.parameters.size() == 1);
    CHECK(with_parameter.parameters[0].keyword == "NOTIFY");

    Rcpt with_domain = parsed_as<Rcpt>("RCPT TO:<Postmaster@foo.com>", Verb::rcpt);
    CHECK_FALSE(with_domain.forward_path.is_bare_postmaster());
    CHECK(with_domain.forward_path.mailbox == Mailbox{"Postmaster", "foo.com"});

    check_rejected("RCPT TO:<Postmaster>x", Verb::rcpt, SyntaxError::bad_arguments);
    check_rejected("RCPT TO:<Post master>", Verb::rcpt, SyntaxError::bad_address,
                   AddressError::syntax);
}

TEST_CASE("DATA, RSET and QUIT take no arguments", "[command][rfc5321-4.1.1.4]") {
    parsed_as<Data>("DATA", Verb::data);
    parsed_as<Data>("data", Verb::data);
    parsed_as<Rset>("RSET", Verb::rset);
    parsed_as<Rset>("rset", Verb::rset);
    parsed_as<Quit>("QUIT", Verb::quit);
    parsed_as<Quit>("Quit", Verb::quit);
    check_rejected("DATA x", Verb::data, SyntaxError::bad_arguments);
    check_rejected("DATA  x", Verb::data, SyntaxError::bad_arguments);
    check_rejected("RSET now", Verb::rset, SyntaxError::bad_arguments);
    check_rejected("QUIT bye", Verb::quit, SyntaxError::bad_arguments);
    check_rejected("QUIT :)", Verb::quit, SyntaxError::bad_arguments);
}

TEST_CASE("NOOP and HELP take an optional string", "[command][rfc5321-4.1.1.8]") {
    CHECK(parsed_as<Noop>("NOOP", Verb::noop).argument.empty());
    CHECK(parsed_as<Noop>("noop hello world", Verb::noop).argument == "hello world");
    CHECK(parsed_as<Noop>("NOOP \"quoted\"", Verb::noop).argument == "\"quoted\"");
    CHECK(parsed_as<Noop>("NOOP  two spaces", Verb::noop).argument == " two spaces");
    CHECK(parsed_as<Help>("HELP", Verb::help).argument.empty());
    CHECK(parsed_as<Help>("help MAIL", Verb::help).argument == "MAIL");
    CHECK(parsed_as<Help>("HELP ", Verb::help).argument.empty());
}

TEST_CASE("VRFY and EXPN require a string", "[command][rfc5321-4.1.1.6]") {
    CHECK(parsed_as<Vrfy>("VRFY Crispin", Verb::vrfy).argument == "Crispin");
    CHECK(parsed_as<Vrfy>("vrfy <Admin.MRC@foo.com>", Verb::vrfy).argument ==
          "<Admin.MRC@foo.com>");
    CHECK(parsed_as<Vrfy>("VRFY Mark Crispin", Verb::vrfy).argument == "Mark Crispin");
    CHECK(parsed_as<Vrfy>("VRFY \"Joe\\,Smith\"", Verb::vrfy).argument == "\"Joe\\,Smith\"");
    CHECK(parsed_as<Expn>("EXPN Example-People", Verb::expn).argument == "Example-People");
    CHECK(parsed_as<Expn>("expn list", Verb::expn).argument == "list");
    for (std::string_view bad : {"VRFY", "VRFY ", "VRFY \t"})
        check_rejected(bad, Verb::vrfy, SyntaxError::bad_arguments);
    for (std::string_view bad : {"EXPN", "EXPN  "})
        check_rejected(bad, Verb::expn, SyntaxError::bad_arguments);
}

TEST_CASE("ok() needs a known verb and no error", "[command]") {
    CHECK(parse_command("NOOP").ok());
    CHECK_FALSE(parse_command("NOPE").ok());
    CHECK_FALSE(parse_command("DATA now").ok());
    ParsedCommand defaulted;
    CHECK_FALSE(defaulted.ok());
}

TEST_CASE("MAIL and RCPT with UTF-8 paths when allowed", "[command][rfc6531-3.3]") {
    CommandOptions utf8{.allow_utf8 = true};
    ParsedCommand mail =
        parse_command("MAIL FROM:<j\xc3\xb6rg@b\xc3\xbc\x63her.example> SMTPUTF8", utf8);
    REQUIRE(mail.ok());
    CHECK(mail.has_utf8);
    const Mail& m = std::get<Mail>(mail.command);
    CHECK(m.reverse_path.mailbox == Mailbox{"j\xc3\xb6rg", "b\xc3\xbc\x63her.example"});
    REQUIRE(m.parameters.size() == 1);
    CHECK(m.parameters[0].keyword == "SMTPUTF8");

    ParsedCommand rcpt = parse_command("RCPT TO:<\"\xe7\x94\xa8 \xe6\x88\xb7\"@example.com>", utf8);
    REQUIRE(rcpt.ok());
    CHECK(rcpt.has_utf8);
    CHECK(std::get<Rcpt>(rcpt.command).forward_path.mailbox.local_part ==
          "\"\xe7\x94\xa8 \xe6\x88\xb7\"");

    // An esmtp-value may hold UTF-8 too (RFC 6531 §3.3), and that alone sets has_utf8.
    ParsedCommand value = parse_command("RCPT TO:<b@example.com> X=\xc3\xa9t\xc3\xa9", utf8);
    REQUIRE(value.ok());
    CHECK(value.has_utf8);
    CHECK(std::get<Rcpt>(value.command).parameters[0].value == "\xc3\xa9t\xc3\xa9");

    // ASCII lines parse as before and do not claim UTF-8.
    for (std::string_view line : {"MAIL FROM:<a@example.com> SMTPUTF8", "MAIL FROM:<>",
                                  "RCPT TO:<Postmaster>", "RCPT TO:<b@example.com> NOTIFY=NEVER"}) {
        INFO(line);
        ParsedCommand parsed = parse_command(line, utf8);
        CHECK(parsed.ok());
        CHECK_FALSE(parsed.has_utf8);
    }
    // EHLO stays ASCII (RFC 6531 §3.7.1), and other verbs never set the flag.
    CHECK(parse_command("EHLO b\xc3\xbc\x63her.example", utf8).error == SyntaxError::bad_arguments);
    CHECK_FALSE(parse_command("NOOP \xc3\xa9", utf8).has_utf8);
}

TEST_CASE("UTF-8 paths: invalid UTF-8, and the default stays ASCII", "[command][rfc6531-3.2]") {
    CommandOptions utf8{.allow_utf8 = true};
    for (std::string_view line :
         {"MAIL FROM:<j\xc3rg@example.com>", "MAIL FROM:<u@\xed\xa0\x80.example> SMTPUTF8",
          "RCPT TO:<\xc0\x80@example.com>", "RCPT TO:<\"\xf4\x90\x80\x80\"@example.com>",
          "RCPT TO:<u@example.com\x80>"}) {
        INFO(line);
        ParsedCommand parsed = parse_command(line, utf8);
        CHECK_FALSE(parsed.ok());
        CHECK(parsed.error == SyntaxError::bad_address);
        CHECK(parsed.address_error == AddressError::invalid_utf8);
        CHECK_FALSE(parsed.has_utf8);
        // Without the option: the 8-bit octet is what is wrong, as before.
        CHECK(parse_command(line).address_error == AddressError::non_ascii);
    }
    check_rejected("RCPT TO:<b@example.com> X=\xc3", Verb::rcpt, SyntaxError::bad_parameter);
    CHECK(parse_command("RCPT TO:<b@example.com> X=\xc3", utf8).error ==
          SyntaxError::bad_parameter);

    // Well-formed UTF-8 without the option: refused as non_ascii, never flagged.
    for (std::string_view line :
         {"MAIL FROM:<j\xc3\xb6rg@example.com> SMTPUTF8", "RCPT TO:<u@b\xc3\xbc\x63her.example>"}) {
        INFO(line);
        ParsedCommand parsed = parse_command(line);
        CHECK(parsed.error == SyntaxError::bad_address);
        CHECK(parsed.address_error == AddressError::non_ascii);
        CHECK_FALSE(parsed.has_utf8);
        CHECK(parse_command(line, CommandOptions{}).address_error == AddressError::non_ascii);
    }
    CHECK(parse_command("RCPT TO:<b@example.com> X=\xc3\xa9").error == SyntaxError::bad_parameter);
    // The limits count octets: 32 two-octet characters fill a local part of 64.
    std::string local;
    for (int i = 0; i < 32; ++i)
        local += "\xc3\xa9";
    CHECK(parse_command("RCPT TO:<" + local + "@example.com>", utf8).ok());
    CHECK(parse_command("RCPT TO:<" + local + "x@example.com>", utf8).address_error ==
          AddressError::local_part_too_long);
}

TEST_CASE("BDAT takes a chunk size and an optional LAST", "[command][rfc3030-2]") {
    using ehlo::protocol::Bdat;
    Bdat chunk = parsed_as<Bdat>("BDAT 86", Verb::bdat);
    CHECK(chunk.chunk_size == 86);
    CHECK_FALSE(chunk.last);
    Bdat last = parsed_as<Bdat>("bdat 0 last ", Verb::bdat);
    CHECK(last.chunk_size == 0);
    CHECK(last.last);
    for (std::string_view line : {"BDAT", "BDAT LAST", "BDAT 5 NOW", "BDAT x", "BDAT 5 LAST 6"}) {
        INFO(line);
        ParsedCommand parsed = parse_command(line);
        CHECK(parsed.verb == Verb::bdat);
        CHECK(parsed.error == SyntaxError::bad_arguments);
    }
}
