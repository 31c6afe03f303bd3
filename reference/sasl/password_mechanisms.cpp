// Layer: sasl (sans-I/O). The mechanisms that check a password or a shared secret:
// PLAIN (RFC 4616 §2), LOGIN (draft-murchison-sasl-login, never an RFC but widely deployed)
// and CRAM-MD5 (RFC 2195 §2). PLAIN and LOGIN carry the password in clear: the server should
// offer them only under TLS (RFC 4954 §4, RFC 4954 §7).
#include <cctype>

#include "sasl/crypto.hpp"
#include "sasl/mechanisms.hpp"

namespace ehlo::sasl {
namespace {

/// RFC 4616 §2 makes servers accept at least 255 octets per part; we accept exactly that.
constexpr std::size_t max_part = 255;

/// A name or password part: 1 to 255 octets of UTF-8 without NUL RFC 4616 §2.
bool good_part(std::string_view part) {
    return !part.empty() && part.size() <= max_part && part.find('\0') == std::string_view::npos &&
           is_utf8(part);
}

Step verdict(const Credentials& users, std::string_view user, std::string_view password) {
    if (!users.verify_password(user, password)) return Failed{Failure::invalid_credentials};
    return Success{std::string(user)};
}

}  // namespace

// PLAIN: RFC 4616 §2. Without an initial response the server sends an empty challenge
// (`334 ` in SMTP, RFC 4954 §4) and the message comes as the response.

Step PlainExchange::start(std::optional<std::string_view> initial) {
    if (initial) return check(*initial);
    waiting_ = true;
    return Challenge{};
}

Step PlainExchange::next(std::string_view response) {
    if (!waiting_) return Failed{Failure::malformed};
    waiting_ = false;
    return check(response);
}

Step PlainExchange::check(std::string_view message) {
    const auto first = message.find('\0');
    if (first == std::string_view::npos) return Failed{Failure::malformed};
    const auto second = message.find('\0', first + 1);
    if (second == std::string_view::npos) return Failed{Failure::malformed};
    const std::string_view authzid = message.substr(0, first);
    const std::string_view authcid = message.substr(first + 1, second - first - 1);
    const std::string_view passwd = message.substr(second + 1);
    if (!authzid.empty() && !good_part(authzid)) return Failed{Failure::malformed};
    if (!good_part(authcid) || !good_part(passwd)) return Failed{Failure::malformed};
    // Check the password first, so a refused authzid costs as much as a wrong password.
    Step step = verdict(users_, authcid, passwd);
    if (!authzid.empty() && authzid != authcid) return Failed{Failure::invalid_credentials};
    return step;
}

// LOGIN: the server asks `Username:` then `Password:`, each answer a bare string.

Step LoginExchange::start(std::optional<std::string_view> initial) {
    if (initial) return take_username(*initial);
    want_ = Want::username;
    return Challenge{"Username:"};
}

Step LoginExchange::next(std::string_view response) {
    switch (want_) {
        case Want::username:
            return take_username(response);
        case Want::password: {
            want_ = Want::nothing;
            if (!good_part(response)) return Failed{Failure::malformed};
            return verdict(users_, username_, response);
        }
        case Want::nothing:
            break;
    }
    return Failed{Failure::malformed};
}

Step LoginExchange::take_username(std::string_view username) {
    if (!good_part(username)) {
        want_ = Want::nothing;
        return Failed{Failure::malformed};
    }
    username_ = std::string(username);
    want_ = Want::password;
    return Challenge{"Password:"};
}

// CRAM-MD5: RFC 2195 §2.

std::string cram_md5_challenge(std::string_view random, std::int64_t now,
                               std::string_view hostname) {
    return "<" + std::string(random) + "." + std::to_string(now) + "@" + std::string(hostname) +
           ">";
}

Step CramMd5Exchange::start(std::optional<std::string_view> initial) {
    // The server speaks first, so an initial response is refused with 501 (RFC 4954 §4).
    if (initial) return Failed{Failure::unexpected_initial};
    waiting_ = true;
    return Challenge{challenge_};
}

Step CramMd5Exchange::next(std::string_view response) {
    if (!waiting_) return Failed{Failure::malformed};
    waiting_ = false;
    // `user SP digest`: the digest is the last word, 32 lower-case hex digits.
    const auto space = response.rfind(' ');
    if (space == std::string_view::npos) return Failed{Failure::malformed};
    const std::string_view user = response.substr(0, space);
    const std::string_view digest = response.substr(space + 1);
    if (!good_part(user) || digest.size() != 32) return Failed{Failure::malformed};
    for (char c : digest) {
        if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) {
            return Failed{Failure::malformed};
        }
    }
    // A user without a secret (or no user at all) is checked against an empty key, so every
    // refusal costs one HMAC and reads the same.
    const UserRecord* record = users_.find(user);
    const bool has_secret = record != nullptr && record->cram_md5_secret.has_value();
    const std::string_view secret = has_secret ? *record->cram_md5_secret : std::string_view{};
    const std::string expected = to_hex(hmac_md5(secret, challenge_));
    if (!equal_constant_time(expected, digest) || !has_secret) {
        return Failed{Failure::invalid_credentials};
    }
    return Success{std::string(user)};
}

}  // namespace ehlo::sasl
