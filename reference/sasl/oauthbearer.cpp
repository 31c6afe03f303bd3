// Layer: sasl (sans-I/O). OAUTHBEARER, server side: RFC 7628 §3.1 (the client message: a
// GS2 header, then `key=value` pairs each ended by 0x01, one of them `auth=Bearer token`),
// RFC 7628 §3.2.2 (the JSON error challenge) and RFC 7628 §3.2.3 (the client's 0x01 answer to it).
// Tokens are looked up in a table: validating them with an authorisation server is left to others,
// and the error carries only its status (no `scope` or `openid-configuration` discovery).
#include <cctype>
#include <vector>

#include "sasl/gs2.hpp"
#include "sasl/mechanisms.hpp"

namespace ehlo::sasl {
namespace {

constexpr char kvsep = '\x01';

/// The error challenge: a JSON object with the RFC 6750 §3.1 status RFC 7628 §3.2.2.
constexpr std::string_view invalid_token = R"({"status":"invalid_token"})";

/// A key is one or more ASCII letters RFC 7628 §3.1.
bool good_key(std::string_view key) {
    if (key.empty()) return false;
    for (char c : key) {
        if (!std::isalpha(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

/// A value is printable ASCII, SP, HTAB, CR or LF RFC 7628 §3.1.
bool good_value(std::string_view value) {
    for (char c : value) {
        if ((c < 0x20 || c > 0x7e) && c != '\t' && c != '\r' && c != '\n') return false;
    }
    return true;
}

/// The token of an `auth` value `Bearer` 1*SP b64token (RFC 6750 §2.1), scheme in any case.
std::optional<std::string_view> bearer_token(std::string_view value) {
    constexpr std::string_view scheme = "bearer";
    if (value.size() <= scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i]) return std::nullopt;
    }
    value.remove_prefix(scheme.size());
    const auto start = value.find_first_not_of(' ');
    if (start == 0 || start == std::string_view::npos) return std::nullopt;
    value.remove_prefix(start);
    for (char c : value) {
        if (!std::isalnum(static_cast<unsigned char>(c)) &&
            std::string_view("-._~+/=").find(c) == std::string_view::npos) {
            return std::nullopt;
        }
    }
    return value;
}

/// Finds the `auth` value in `pairs` (the part after the GS2 header's 0x01): each pair ends
/// with 0x01, and one more 0x01 ends the list. No value if the list is malformed or has no
/// `auth` pair.
std::optional<std::string_view> auth_value(std::string_view pairs) {
    std::optional<std::string_view> auth;
    while (!pairs.empty() && pairs.front() != kvsep) {
        const auto end = pairs.find(kvsep);
        if (end == std::string_view::npos) return std::nullopt;
        const std::string_view pair = pairs.substr(0, end);
        const auto equals = pair.find('=');
        if (equals == std::string_view::npos) return std::nullopt;
        const std::string_view key = pair.substr(0, equals), value = pair.substr(equals + 1);
        if (!good_key(key) || !good_value(value)) return std::nullopt;
        if (key == "auth") {
            if (auth) return std::nullopt;  // two auth pairs are ambiguous
            auth = value;
        }
        pairs.remove_prefix(end + 1);
    }
    if (pairs != std::string_view(&kvsep, 1)) return std::nullopt;  // exactly one final 0x01
    return auth;
}

}  // namespace

Step OAuthBearerExchange::start(std::optional<std::string_view> initial) {
    if (initial) return check(*initial);
    want_ = Want::message;
    return Challenge{};
}

Step OAuthBearerExchange::next(std::string_view response) {
    const Want want = want_;
    want_ = Want::nothing;
    switch (want) {
        case Want::message:
            return check(response);
        case Want::dummy:  // RFC 7628 §3.2.3: the client acknowledges the error with 0x01
            if (response != std::string_view(&kvsep, 1)) return Failed{Failure::malformed};
            return Failed{Failure::invalid_credentials};
        case Want::nothing:
            break;
    }
    return Failed{Failure::malformed};
}

Step OAuthBearerExchange::check(std::string_view message) {
    const auto header = parse_gs2_header(message);
    if (!header || message.size() <= header->length || message[header->length] != kvsep) {
        return Failed{Failure::malformed};
    }
    const auto auth = auth_value(message.substr(header->length + 1));
    if (!auth) return Failed{Failure::malformed};
    const auto token = bearer_token(*auth);
    if (!token) return Failed{Failure::malformed};
    auto user = tokens_.user_for(*token);
    // A token of another user than the authzid names is refused like an unknown token.
    if (!user || (!header->authzid.empty() && header->authzid != *user)) {
        want_ = Want::dummy;
        return Challenge{std::string(invalid_token)};
    }
    return Success{std::move(*user)};
}

}  // namespace ehlo::sasl
