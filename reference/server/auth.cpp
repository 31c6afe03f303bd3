// Layer: server (sans-I/O but for the default random source). The rules of SMTP AUTH on
// the server side, RFC 4954: the offer (RFC 4954 §3, RFC 4954 §4: no secret in clear before TLS),
// the refusals before an exchange (RFC 4954 §4, RFC 4954 §6), the exchange over continuation lines
// (RFC 4954 §4), the submission rule (RFC 6409 §4.3) and the AUTH= parameter of MAIL (RFC 4954 §5).
// The SASL mechanisms themselves are in sasl/; turning the outcomes into replies of the reply table
// is the verbs' job.
#include "server/auth.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace ehlo::server {
namespace {

/// The SASL context of one exchange; the random text is drawn once per exchange.
sasl::Context context_for(const AuthSettings& settings, const AuthPlace& place,
                          std::string random) {
    sasl::Context context;
    context.users = settings.users.get();
    context.tokens = settings.tokens.get();
    context.hostname = std::string(place.hostname);
    context.random = std::move(random);
    context.now = place.now;
    return context;
}

bool same_name(std::string_view a, std::string_view b) {
    return protocol::domain_equal(a, b);  // ASCII, without regard to case (RFC 4954 §8)
}

/// The exchange is over once it succeeds or fails; only a Challenge keeps it.
sasl::Step settle(AuthState& state, sasl::Step step) {
    if (std::holds_alternative<sasl::Challenge>(step)) return step;
    state.exchange.reset();
    if (auto* success = std::get_if<sasl::Success>(&step)) state.identity = success->identity;
    return step;
}

}  // namespace

bool exposes_secret(std::string_view mechanism) {
    return sasl::sends_password_in_clear(mechanism) || same_name(mechanism, "OAUTHBEARER");
}

std::vector<std::string_view> offered_mechanisms(const AuthSettings& settings, bool tls) {
    sasl::Context stores;
    stores.users = settings.users.get();
    stores.tokens = settings.tokens.get();
    std::vector<std::string_view> names = sasl::mechanism_names(stores);
    // Without TLS, a secret that crosses the wire in clear may be read by anyone on the path:
    // such mechanisms are not offered unless the configuration insists (RFC 4954 §4).
    if (!tls && !settings.allow_plaintext) std::erase_if(names, exposes_secret);
    return names;
}

std::optional<std::string> auth_keyword(const AuthSettings& settings, bool tls) {
    const auto names = offered_mechanisms(settings, tls);
    if (names.empty()) return std::nullopt;
    std::string keyword = "AUTH";
    for (std::string_view name : names)
        keyword += " " + std::string(name);
    return keyword;
}

std::optional<AuthRefusal> refuse_auth(const AuthSettings& settings, const AuthFacts& facts,
                                       std::string_view mechanism) {
    if (!settings.enabled()) return AuthRefusal::not_offered;
    // AUTH is a service extension, which only EHLO negotiates (RFC 5321 §2.2.1).
    if (!facts.extended) return AuthRefusal::need_ehlo;
    // One successful AUTH per session (RFC 4954 §4).
    if (facts.authenticated) return AuthRefusal::already_authenticated;
    const auto known = offered_mechanisms(settings, true);
    const bool have = std::any_of(known.begin(), known.end(), [&](std::string_view name) {
        return same_name(name, mechanism);
    });
    if (!have) return AuthRefusal::unknown_mechanism;  // 504 (RFC 4954 §4)
    // A mechanism we have but do not offer in clear: say why, with 538 (RFC 4954 §6).
    if (!facts.tls && !settings.allow_plaintext && exposes_secret(mechanism)) {
        return AuthRefusal::encryption_required;
    }
    return std::nullopt;
}

sasl::Step start_auth(AuthState& state, const AuthSettings& settings,
                      const protocol::AuthArguments& arguments, const AuthPlace& place) {
    state.exchange.reset();
    std::string random = settings.random ? settings.random() : openssl_random_text();
    // No fresh randomness, no safe challenge or nonce: a temporary failure (RFC 4954 §6).
    if (random.empty()) return sasl::Failed{sasl::Failure::temporary};
    state.exchange =
        sasl::make_exchange(arguments.mechanism, context_for(settings, place, std::move(random)));
    if (!state.exchange) return sasl::Failed{sasl::Failure::malformed};  // refuse_auth() let it by
    std::optional<std::string_view> initial;
    if (arguments.initial_response) initial = *arguments.initial_response;
    return settle(state, sasl::begin(*state.exchange, initial));
}

sasl::Step continue_auth(AuthState& state, std::string_view line) {
    if (!state.exchange) return sasl::Failed{sasl::Failure::malformed};
    return settle(state, sasl::feed(*state.exchange, line));
}

sasl::Step fail_auth(AuthState& state, sasl::Failure reason) {
    state.exchange.reset();
    return sasl::Failed{reason};
}

std::string challenge_text(const sasl::Challenge& challenge) {
    return sasl::base64_encode(challenge.bytes);
}

bool needs_auth_first(const AuthSettings& settings, const AuthState& state, protocol::Verb verb) {
    return settings.required && !state.authenticated() && verb == protocol::Verb::mail;
}

bool accepts_auth_parameter(const AuthSettings& settings, std::string_view value) {
    // Servers that offer AUTH take the parameter even from a client that did not
    // authenticate; one that trusts no client treats every value as AUTH=<> (RFC 4954 §5).
    return settings.enabled() && protocol::is_auth_parameter(value);
}

std::string openssl_random_text() {
    unsigned char octets[18];
    if (RAND_bytes(octets, sizeof octets) != 1) return {};
    // Base64 of 18 octets is 24 characters of A-Z a-z 0-9 + /, with no padding.
    return sasl::base64_encode(
        std::string_view(reinterpret_cast<const char*>(octets), sizeof octets));
}

std::string hash_password_line(std::string_view name, std::string_view password,
                               bool with_cram_md5) {
    if (password.empty()) throw std::runtime_error("the password is empty");
    // The users file separates its fields with spaces and tabs (sasl/credentials.hpp).
    if (name.find_first_of(" \t") != std::string_view::npos) {
        throw std::runtime_error("a user name cannot hold a space or a tab");
    }
    unsigned char salt[16];
    if (RAND_bytes(salt, sizeof salt) != 1) throw std::runtime_error("no random salt available");
    const std::string_view salt_text(reinterpret_cast<const char*>(salt), sizeof salt);
    const std::string line = sasl::format_user_record(
        sasl::make_user_record(name, password, salt_text, sasl::min_iterations, with_cram_md5));
    // The line must read back: this catches a name with spaces or control characters.
    const auto check = sasl::parse_users(line);
    if (!check.errors.empty()) throw std::runtime_error(check.errors.front().message);
    return line;
}

}  // namespace ehlo::server
