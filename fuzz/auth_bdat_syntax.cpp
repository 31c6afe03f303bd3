// Fuzz target: the arguments AUTH and BDAT add to commands: parse_auth_arguments and the
// xtext of MAIL's AUTH= parameter RFC 4954 §4 RFC 4954 §5 RFC 3461 §4, and
// parse_bdat_arguments and announced_chunk_size RFC 3030 §2.
// Checks: a parsed mechanism is a sasl-mech RFC 4422 §3.1 and the arguments format back to
// the same value; xtext decodes what the client's encoder wrote, and a decoded xtext encodes
// back to a text that decodes to it; a BDAT that parses announces the size it parsed, and
// its canonical form parses to the same value.
#include <string>

#include "client/session.hpp"
#include "fuzz_input.hpp"
#include "protocol/auth_syntax.hpp"
#include "protocol/bdat_syntax.hpp"

namespace {

using namespace ehlo::protocol;
using ehlo::fuzz::check;

void auth(std::string_view text) {
    std::optional<AuthArguments> arguments = parse_auth_arguments(text);
    if (!arguments) return;
    check(is_mechanism_name(arguments->mechanism), "a parsed mechanism is no sasl-mech");
    check(arguments->mechanism.size() <= max_mechanism_name, "a mechanism name over 20");
    std::string canonical = arguments->mechanism;
    if (arguments->initial_response) canonical += " " + *arguments->initial_response;
    std::optional<AuthArguments> again = parse_auth_arguments(canonical);
    check(again && again->mechanism == arguments->mechanism &&
              again->initial_response == arguments->initial_response,
          "AUTH: parse -> format -> parse changed the arguments");
}

void xtext(std::string_view text) {
    check(xtext_decode(ehlo::client::xtext(text)) == std::string(text),
          "xtext: encode -> decode lost octets");
    if (std::optional<std::string> decoded = xtext_decode(text))
        check(xtext_decode(ehlo::client::xtext(*decoded)) == decoded,
              "xtext: decode -> encode -> decode changed the value");
    is_auth_parameter(text);
}

void bdat(std::string_view text) {
    std::optional<Bdat> parsed = parse_bdat_arguments(text);
    std::optional<std::uint64_t> announced = announced_chunk_size(text);
    if (!parsed) return;
    check(announced && *announced == parsed->chunk_size, "BDAT announces another size");
    std::string canonical = std::to_string(parsed->chunk_size) + (parsed->last ? " LAST" : "");
    std::optional<Bdat> again = parse_bdat_arguments(canonical);
    check(again && again->chunk_size == parsed->chunk_size && again->last == parsed->last,
          "BDAT: parse -> format -> parse changed the arguments");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = ehlo::fuzz::as_text(data, size);
    switch (ehlo::fuzz::take_settings(text) % 3) {
        case 0:
            auth(text);
            break;
        case 1:
            xtext(text);
            break;
        default:
            bdat(text);
            break;
    }
    return 0;
}
