// Fuzz target: the decoders of sasl/: strict base64 and the AUTH response lines
// RFC 4954 §4, the GS2 header and saslname escapes RFC 5802 §5.1, and the users and tokens
// files. Checks: base64 is canonical (a text that decodes is the encoding of what it decodes
// to, and any octets survive encode -> decode); a response line decodes as its kind says; a
// saslname that decodes encodes back to itself; a users file line that parses is written
// back by format_user_record and parses to the same record.
#include <string>

#include "fuzz_input.hpp"
#include "sasl/base64.hpp"
#include "sasl/client_mechanisms.hpp"
#include "sasl/credentials.hpp"
#include "sasl/gs2.hpp"

namespace {

using namespace ehlo::sasl;
using ehlo::fuzz::check;

void base64(std::string_view text) {
    if (std::optional<std::string> decoded = base64_decode(text))
        check(base64_encode(*decoded) == text, "base64: decode -> encode is not the identity");
    check(base64_decode(base64_encode(text)) == std::string(text),
          "base64: encode -> decode lost octets");
}

void responses(std::string_view text) {
    const ClientResponse response = parse_response(text);
    using Kind = ClientResponse::Kind;
    if (text.size() > max_response_line) {
        check(response.kind == Kind::too_long, "an over-long response line was read");
    } else if (text == "*") {
        check(response.kind == Kind::cancel, "* did not cancel");
    } else {
        const std::optional<std::string> decoded = base64_decode(text);
        check((response.kind == Kind::data) == decoded.has_value(), "response kind is wrong");
        if (decoded) check(response.bytes == *decoded, "response bytes differ from base64");
    }
    const ClientResponse initial = parse_initial_response(text);
    if (text == "=") check(initial.kind == Kind::data && initial.bytes.empty(), "= is not empty");
    if (text == "*") check(initial.kind == Kind::bad, "* accepted as an initial response");
}

void gs2(std::string_view text) {
    if (std::optional<Gs2Header> header = parse_gs2_header(text))
        check(header->length >= 2 && header->length <= text.size(), "GS2 header length");
    if (std::optional<std::string> name = decode_saslname(text)) {
        check(!name->empty(), "an empty saslname decoded");
        check(encode_saslname(*name) == text, "saslname: decode -> encode changed the text");
    }
}

// A users-file line that parses alone comes back from format_user_record, and the written
// line parses to the same record.
void users_line(std::string_view line) {
    const UsersFile one = parse_users(line);
    if (one.users.size() != 1) return;
    const UserRecord* record = one.users.find(line.substr(0, line.find_first_of(" \t")));
    if (!record) return;
    const UsersFile again = parse_users(format_user_record(*record));
    const UserRecord* reread = again.users.find(record->name);
    check(again.errors.empty() && reread, "a formatted users line does not parse");
    check(reread->iterations == record->iterations && reread->salt == record->salt &&
              reread->stored_key == record->stored_key &&
              reread->server_key == record->server_key &&
              reread->cram_md5_secret == record->cram_md5_secret,
          "users file: parse -> format -> parse changed the record");
}

void users_file(std::string_view text) {
    parse_users(text);
    parse_tokens(text);
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        users_line(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = ehlo::fuzz::as_text(data, size);
    switch (ehlo::fuzz::take_settings(text) % 4) {
        case 0:
            base64(text);
            break;
        case 1:
            responses(text);
            break;
        case 2:
            gs2(text);
            break;
        default:
            users_file(text);
            break;
    }
    return 0;
}
