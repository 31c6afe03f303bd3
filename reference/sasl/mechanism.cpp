// Layer: sasl (sans-I/O). What is common to every exchange: the failure replies of
// RFC 4954 §6, the decoding of AUTH lines per RFC 4954 §4 before a mechanism sees them, the
// table of mechanisms, and the UTF-8 check (RFC 3629 §4) the mechanisms share.
#include "sasl/mechanism.hpp"

#include <algorithm>
#include <cctype>

#include "sasl/mechanisms.hpp"

namespace ehlo::sasl {

FailureReply reply_for(Failure reason) {
    switch (reason) {
        case Failure::malformed:
            return {501, "5.5.2", "Malformed authentication response"};
        case Failure::bad_base64:
            return {501, "5.5.2", "Cannot decode base64 response"};
        case Failure::cancelled:
            return {501, "5.0.0", "Authentication cancelled"};
        case Failure::unexpected_initial:
            return {501, "5.7.0", "This mechanism takes no initial response"};
        case Failure::too_long:
            return {500, "5.5.6", "Authentication exchange line is too long"};
        case Failure::invalid_credentials:
            return {535, "5.7.8", "Authentication credentials invalid"};
        case Failure::too_weak:
            return {534, "5.7.9", "Authentication mechanism is too weak"};
        case Failure::encryption_required:
            return {538, "5.7.11", "Encryption required for requested authentication mechanism"};
        case Failure::temporary:
            return {454, "4.7.0", "Temporary authentication failure"};
    }
    return {535, "5.7.8", "Authentication credentials invalid"};
}

namespace {

/// The failure for a line that never reaches the mechanism, or none for data.
std::optional<Failure> refusal(const ClientResponse& response) {
    switch (response.kind) {
        case ClientResponse::Kind::data:
            return std::nullopt;
        case ClientResponse::Kind::cancel:
            return Failure::cancelled;
        case ClientResponse::Kind::bad:
            return Failure::bad_base64;
        case ClientResponse::Kind::too_long:
            return Failure::too_long;
    }
    return Failure::malformed;
}

bool same_name(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::toupper(static_cast<unsigned char>(x)) ==
               std::toupper(static_cast<unsigned char>(y));
    });
}

}  // namespace

Step begin(Exchange& exchange, std::optional<std::string_view> initial_argument) {
    if (!initial_argument) return exchange.start(std::nullopt);
    const ClientResponse response = parse_initial_response(*initial_argument);
    if (auto failure = refusal(response)) return Failed{*failure};
    return exchange.start(response.bytes);
}

Step feed(Exchange& exchange, std::string_view line) {
    const ClientResponse response = parse_response(line);
    if (auto failure = refusal(response)) return Failed{*failure};
    return exchange.next(response.bytes);
}

std::vector<std::string_view> mechanism_names(const Context& context) {
    std::vector<std::string_view> names;
    if (context.users) names.insert(names.end(), {"SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN"});
    if (context.tokens) names.push_back("OAUTHBEARER");
    return names;
}

bool sends_password_in_clear(std::string_view mechanism) {
    return same_name(mechanism, "PLAIN") || same_name(mechanism, "LOGIN");
}

std::unique_ptr<Exchange> make_exchange(std::string_view mechanism, const Context& context) {
    if (context.users) {
        const Credentials& users = *context.users;
        if (same_name(mechanism, "PLAIN")) return std::make_unique<PlainExchange>(users);
        if (same_name(mechanism, "LOGIN")) return std::make_unique<LoginExchange>(users);
        if (same_name(mechanism, "CRAM-MD5")) {
            return std::make_unique<CramMd5Exchange>(
                users, cram_md5_challenge(context.random, context.now, context.hostname));
        }
        if (same_name(mechanism, "SCRAM-SHA-256")) {
            return std::make_unique<ScramSha256Exchange>(users, context.random);
        }
    }
    if (context.tokens && same_name(mechanism, "OAUTHBEARER")) {
        return std::make_unique<OAuthBearerExchange>(*context.tokens);
    }
    return nullptr;
}

}  // namespace ehlo::sasl
