// Test support for the server's AUTH tests: settings with a users table (alice with a
// CRAM-MD5 secret, bob without), a tokens table (carol), a fixed random text, and the
// client side of SCRAM-SHA-256 (RFC 5802 §3) to compute a proof as a real client would.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "sasl/crypto.hpp"
#include "sasl_support.hpp"
#include "server/auth.hpp"

namespace ehlo::test {

/// Users alice/wonderland and bob/builder, the token `t0ken-c4rol` of carol, and the random
/// text "fixedrandom"; nothing in clear before TLS.
inline server::AuthSettings auth_settings() {
    server::AuthSettings settings;
    settings.users = std::shared_ptr<const sasl::Credentials>(&sasl_users(), [](auto*) {});
    auto tokens = std::make_shared<sasl::Tokens>();
    tokens->add("carol", "t0ken-c4rol");
    settings.tokens = std::move(tokens);
    settings.random = [] { return std::string("fixedrandom"); };
    return settings;
}

/// The value of `key=` in a SCRAM message such as "r=...,s=...,i=...".
inline std::string scram_attribute(std::string_view message, char key) {
    const std::string prefix = std::string(1, key) + "=";
    std::size_t at = message.starts_with(prefix) ? 0 : message.find("," + prefix);
    if (at == std::string_view::npos) return {};
    if (at != 0) ++at;
    const auto end = message.find(',', at);
    return std::string(message.substr(at + 2, end == std::string_view::npos ? end : end - at - 2));
}

/// The client-final message for `password`, and the ServerSignature the server must send
/// back RFC 5802 §3; `client_first` has the GS2 header "n,,".
inline std::pair<std::string, std::string> scram_client_final(std::string_view client_first,
                                                              std::string_view server_first,
                                                              std::string_view password) {
    const std::string salt = *sasl::base64_decode(scram_attribute(server_first, 's'));
    const int iterations = std::stoi(scram_attribute(server_first, 'i'));
    const std::string salted = sasl::pbkdf2_sha256(password, salt, iterations);
    const std::string client_key = sasl::hmac_sha256(salted, "Client Key");
    const std::string without_proof = "c=biws,r=" + scram_attribute(server_first, 'r');
    const std::string auth_message =
        std::string(client_first.substr(3)) + "," + std::string(server_first) + "," + without_proof;
    std::string proof = sasl::hmac_sha256(sasl::sha256(client_key), auth_message);
    for (std::size_t i = 0; i < proof.size(); ++i)
        proof[i] = static_cast<char>(proof[i] ^ client_key[i]);
    const std::string server_key = sasl::hmac_sha256(salted, "Server Key");
    return {without_proof + ",p=" + sasl::base64_encode(proof),
            sasl::hmac_sha256(server_key, auth_message)};
}

}  // namespace ehlo::test
