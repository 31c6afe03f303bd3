// Layer: sasl (sans-I/O). SCRAM-SHA-256, server side: RFC 7677 §3 over RFC 5802 §3 (the
// keys and proofs), RFC 5802 §5 (the messages), RFC 5802 §7 (their ABNF). No channel binding (the
// -PLUS variant is not offered), no `m=` extensions, and no SASLprep of names or passwords.
// In SMTP the server-final message travels in a 334 challenge (RFC 4954 §4); a wrong proof
// ends the exchange with 535 at once rather than with an `e=` server-final message.
#include <cctype>
#include <vector>

#include "sasl/crypto.hpp"
#include "sasl/gs2.hpp"
#include "sasl/mechanisms.hpp"

namespace ehlo::sasl {
namespace {

/// One `x=value` attribute of a SCRAM message RFC 5802 §5.1.
struct Attribute {
    char name;
    std::string_view value;
};

/// Splits `text` at commas into attributes; no value if any part is not `letter=...`.
std::optional<std::vector<Attribute>> attributes_of(std::string_view text) {
    std::vector<Attribute> attributes;
    while (true) {
        const auto comma = text.find(',');
        const std::string_view part = text.substr(0, comma);
        if (part.size() < 2 || part[1] != '=' ||
            !std::isalpha(static_cast<unsigned char>(part[0]))) {
            return std::nullopt;
        }
        attributes.push_back({part[0], part.substr(2)});
        if (comma == std::string_view::npos) return attributes;
        text.remove_prefix(comma + 1);
    }
}

/// A nonce is printable ASCII except the comma RFC 5802 §7.
bool good_nonce(std::string_view nonce) {
    if (nonce.empty()) return false;
    for (char c : nonce) {
        if (c < 0x21 || c > 0x7e || c == ',') return false;
    }
    return true;
}

/// The record an unknown user gets, so the server-first message looks like a real one
/// (RFC 5802 §9). Its salt depends on the name only, so asking twice gives the same answer.
UserRecord made_up_record(std::string_view username) {
    UserRecord record;
    record.name = std::string(username);
    record.iterations = min_iterations;
    record.salt = sha256("ehlo unknown SCRAM user\n" + record.name).substr(0, 16);
    record.stored_key = std::string(32, '\0');
    record.server_key = std::string(32, '\0');
    return record;
}

std::string xor_bytes(std::string_view a, std::string_view b) {
    std::string out(a);
    for (std::size_t i = 0; i < out.size() && i < b.size(); ++i)
        out[i] ^= b[i];
    return out;
}

}  // namespace

Step ScramSha256Exchange::start(std::optional<std::string_view> initial) {
    if (initial) return client_first(*initial);
    want_ = Want::client_first;
    return Challenge{};
}

Step ScramSha256Exchange::next(std::string_view response) {
    const Want want = want_;
    want_ = Want::nothing;
    switch (want) {
        case Want::client_first:
            return client_first(response);
        case Want::client_final:
            return client_final(response);
        case Want::acknowledgement:  // the client's empty answer to the server-final message
            if (!response.empty()) return Failed{Failure::malformed};
            return Success{user_.name};
        case Want::nothing:
            break;
    }
    return Failed{Failure::malformed};
}

/// client-first-message = gs2-header `n=` username `,r=` c-nonce [`,` extensions].
Step ScramSha256Exchange::client_first(std::string_view message) {
    const auto header = parse_gs2_header(message);
    if (!header) return Failed{Failure::malformed};
    const std::string_view bare = message.substr(header->length);
    const auto attributes = attributes_of(bare);
    // A leading `m=` is a mandatory extension we do not know: the exchange must fail.
    if (!attributes || attributes->size() < 2 || (*attributes)[0].name != 'n' ||
        (*attributes)[1].name != 'r' || !good_nonce((*attributes)[1].value)) {
        return Failed{Failure::malformed};
    }
    const auto username = decode_saslname((*attributes)[0].value);
    if (!username) return Failed{Failure::malformed};
    // Acting for another identity needs rights this server does not grant.
    if (!header->authzid.empty() && header->authzid != *username) {
        return Failed{Failure::invalid_credentials};
    }
    const UserRecord* record = users_.find(*username);
    known_ = record != nullptr;
    user_ = known_ ? *record : made_up_record(*username);
    gs2_header_ = std::string(message.substr(0, header->length));
    client_first_bare_ = std::string(bare);
    nonce_ = std::string((*attributes)[1].value) + server_nonce_;
    server_first_ = "r=" + nonce_ + ",s=" + base64_encode(user_.salt) +
                    ",i=" + std::to_string(user_.iterations);
    want_ = Want::client_final;
    return Challenge{server_first_};
}

/// client-final-message = `c=` base64(gs2-header) `,r=` nonce [`,` extensions] `,p=` proof.
Step ScramSha256Exchange::client_final(std::string_view message) {
    const auto proof_at = message.rfind(",p=");
    if (proof_at == std::string_view::npos) return Failed{Failure::malformed};
    const std::string_view without_proof = message.substr(0, proof_at);
    const auto proof = base64_decode(message.substr(proof_at + 3));
    const auto attributes = attributes_of(without_proof);
    if (!proof || proof->size() != 32 || !attributes || attributes->size() < 2 ||
        (*attributes)[0].name != 'c' || (*attributes)[1].name != 'r') {
        return Failed{Failure::malformed};
    }
    // Without channel binding, c= repeats the GS2 header; r= must be the combined nonce.
    const auto binding = base64_decode((*attributes)[0].value);
    if (!binding || *binding != gs2_header_ || (*attributes)[1].value != nonce_) {
        return Failed{Failure::malformed};
    }
    // RFC 5802 §3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); check H(ClientKey).
    const std::string auth_message =
        client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
    const std::string client_key = xor_bytes(*proof, hmac_sha256(user_.stored_key, auth_message));
    if (!equal_constant_time(sha256(client_key), user_.stored_key) || !known_) {
        return Failed{Failure::invalid_credentials};
    }
    want_ = Want::acknowledgement;
    return Challenge{"v=" + base64_encode(hmac_sha256(user_.server_key, auth_message))};
}

}  // namespace ehlo::sasl
