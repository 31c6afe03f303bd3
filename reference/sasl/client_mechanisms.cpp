// Layer: sasl (sans-I/O). The client mechanisms: see client_mechanisms.hpp.
#include "sasl/client_mechanisms.hpp"

#include <cctype>
#include <charconv>
#include <map>

#include "sasl/base64.hpp"
#include "sasl/credentials.hpp"
#include "sasl/crypto.hpp"

namespace ehlo::sasl {

namespace {

/// PLAIN RFC 4616 §2: NUL authcid NUL passwd in the initial response (no authzid).
class PlainClient final : public ClientMechanism {
  public:
    explicit PlainClient(ClientCredentials credentials) : credentials_(std::move(credentials)) {}
    std::string_view name() const override { return "PLAIN"; }
    std::optional<std::string> initial_response() override {
        return std::string(1, '\0') + credentials_.username + '\0' + credentials_.password;
    }
    std::optional<std::string> respond(std::string_view challenge) override {
        if (!challenge.empty()) return std::nullopt;  // only an empty challenge is sensible
        return initial_response();
    }

  private:
    ClientCredentials credentials_;
};

/// LOGIN: the user name to the first prompt, the password to the second.
class LoginClient final : public ClientMechanism {
  public:
    explicit LoginClient(ClientCredentials credentials) : credentials_(std::move(credentials)) {}
    std::string_view name() const override { return "LOGIN"; }
    std::optional<std::string> initial_response() override { return std::nullopt; }
    std::optional<std::string> respond(std::string_view) override {
        switch (answered_++) {
            case 0:
                return credentials_.username;
            case 1:
                return credentials_.password;
            default:
                return std::nullopt;
        }
    }

  private:
    ClientCredentials credentials_;
    int answered_ = 0;
};

/// CRAM-MD5 RFC 2195 §2: "user" SP the hex HMAC-MD5 of the challenge keyed by the password.
class CramMd5Client final : public ClientMechanism {
  public:
    explicit CramMd5Client(ClientCredentials credentials) : credentials_(std::move(credentials)) {}
    std::string_view name() const override { return "CRAM-MD5"; }
    std::optional<std::string> initial_response() override { return std::nullopt; }
    std::optional<std::string> respond(std::string_view challenge) override {
        if (answered_ || challenge.empty()) return std::nullopt;
        answered_ = true;
        return credentials_.username + " " + to_hex(hmac_md5(credentials_.password, challenge));
    }

  private:
    ClientCredentials credentials_;
    bool answered_ = false;
};

/// The `k=value` attributes of a SCRAM message RFC 5802 §5.1.
std::map<char, std::string> scram_attributes(std::string_view message) {
    std::map<char, std::string> attributes;
    while (!message.empty()) {
        std::size_t comma = message.find(',');
        std::string_view part = message.substr(0, comma);
        if (part.size() >= 2 && part[1] == '=') attributes.emplace(part[0], part.substr(2));
        if (comma == std::string_view::npos) break;
        message.remove_prefix(comma + 1);
    }
    return attributes;
}

/// The iteration count of a server-first message: a posit-number RFC 5802 §7 of at most
/// max_iterations, since the server's choice sets the work the client does.
std::optional<int> iteration_count(std::string_view text) {
    int count = 0;
    const char* end = text.data() + text.size();
    if (text.empty() || text.front() < '1' || text.front() > '9') return std::nullopt;
    const auto [stop, error] = std::from_chars(text.data(), end, count);
    if (error != std::errc{} || stop != end || count > max_iterations) return std::nullopt;
    return count;
}

std::string exclusive_or(std::string a, std::string_view b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        a[i] = static_cast<char>(a[i] ^ b[i]);
    return a;
}

/// SCRAM-SHA-256 RFC 7677 §3: client-first, client-final with the proof, then the check of
/// the server's signature, answered with an empty response RFC 4954 §4.
class ScramSha256Client final : public ClientMechanism {
  public:
    ScramSha256Client(ClientCredentials credentials, std::string nonce)
        : credentials_(std::move(credentials)), nonce_(std::move(nonce)) {}
    std::string_view name() const override { return "SCRAM-SHA-256"; }
    std::optional<std::string> initial_response() override {
        client_first_bare_ = "n=" + encode_saslname(credentials_.username) + ",r=" + nonce_;
        step_ = 1;
        return "n,," + client_first_bare_;  // no channel binding, no authzid RFC 5802 §7
    }
    std::optional<std::string> respond(std::string_view challenge) override {
        if (step_ == 0) {
            initial_response();
            if (challenge.empty()) return "n,," + client_first_bare_;
        }
        if (step_ == 1) return client_final(challenge);
        if (step_ == 2) return check_server_final(challenge);
        return std::nullopt;
    }
    bool server_verified() const override { return verified_; }

  private:
    std::optional<std::string> client_final(std::string_view server_first) {
        auto attributes = scram_attributes(server_first);
        auto salt = base64_decode(attributes['s']);
        std::optional<int> iterations = iteration_count(attributes['i']);
        const std::string& nonce = attributes['r'];
        if (!salt || !iterations || !nonce.starts_with(nonce_) || nonce == nonce_)
            return std::nullopt;  // a nonce that does not extend ours is an attack RFC 5802 §5.1
        std::string salted = pbkdf2_sha256(credentials_.password, *salt, *iterations);
        std::string client_key = hmac_sha256(salted, "Client Key");
        std::string without_proof = "c=biws,r=" + nonce;  // "biws" is base64 of "n,,"
        auth_message_ = client_first_bare_ + "," + std::string(server_first) + "," + without_proof;
        server_key_ = hmac_sha256(salted, "Server Key");
        std::string signature = hmac_sha256(sha256(client_key), auth_message_);
        step_ = 2;
        return without_proof + ",p=" + base64_encode(exclusive_or(client_key, signature));
    }
    std::optional<std::string> check_server_final(std::string_view server_final) {
        auto attributes = scram_attributes(server_final);
        auto signature = base64_decode(attributes['v']);
        step_ = 3;
        if (!signature || !equal_constant_time(*signature, hmac_sha256(server_key_, auth_message_)))
            return std::nullopt;  // the server does not know the password: cancel
        verified_ = true;
        return std::string();
    }

    ClientCredentials credentials_;
    std::string nonce_;
    int step_ = 0;
    std::string client_first_bare_, auth_message_, server_key_;
    bool verified_ = false;
};

/// OAUTHBEARER RFC 7628 §3.1 and XOAUTH2: the token in the initial response; after an error
/// challenge (JSON), the dummy response that lets the server send its failure RFC 7628 §3.2.3.
class BearerClient final : public ClientMechanism {
  public:
    BearerClient(ClientCredentials credentials, bool xoauth2)
        : credentials_(std::move(credentials)), xoauth2_(xoauth2) {}
    std::string_view name() const override { return xoauth2_ ? "XOAUTH2" : "OAUTHBEARER"; }
    std::optional<std::string> initial_response() override {
        const std::string& user = credentials_.username;
        if (xoauth2_)
            return "user=" + user +
                   "\x01"
                   "auth=Bearer " +
                   credentials_.token + "\x01\x01";
        std::string message = "n,a=" + encode_saslname(user) + ",\x01";
        if (!credentials_.host.empty()) message += "host=" + credentials_.host + "\x01";
        if (credentials_.port != 0) message += "port=" + std::to_string(credentials_.port) + "\x01";
        return message + "auth=Bearer " + credentials_.token + "\x01\x01";
    }
    std::optional<std::string> respond(std::string_view challenge) override {
        if (challenge.empty() && !sent_) {
            sent_ = true;
            return initial_response();
        }
        return xoauth2_ ? std::string() : std::string("\x01");
    }

  private:
    ClientCredentials credentials_;
    bool xoauth2_;
    bool sent_ = false;
};

std::string upper(std::string_view text) {
    std::string result(text);
    for (char& c : result)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return result;
}

}  // namespace

std::vector<std::string_view> client_mechanism_preference() {
    return {"SCRAM-SHA-256", "OAUTHBEARER", "XOAUTH2", "CRAM-MD5", "PLAIN", "LOGIN"};
}

std::string encode_saslname(std::string_view name) {
    std::string encoded;
    for (char c : name) {
        if (c == '=')
            encoded += "=3D";
        else if (c == ',')
            encoded += "=2C";
        else
            encoded += c;
    }
    return encoded;
}

std::unique_ptr<ClientMechanism> make_client_mechanism(std::string_view mechanism,
                                                       const ClientCredentials& credentials,
                                                       std::string nonce) {
    std::string name = upper(mechanism);
    if (name == "OAUTHBEARER" || name == "XOAUTH2") {
        if (credentials.token.empty()) return nullptr;
        return std::make_unique<BearerClient>(credentials, name == "XOAUTH2");
    }
    if (credentials.password.empty()) return nullptr;
    if (name == "PLAIN") return std::make_unique<PlainClient>(credentials);
    if (name == "LOGIN") return std::make_unique<LoginClient>(credentials);
    if (name == "CRAM-MD5") return std::make_unique<CramMd5Client>(credentials);
    if (name == "SCRAM-SHA-256")
        return std::make_unique<ScramSha256Client>(credentials, std::move(nonce));
    return nullptr;
}

}  // namespace ehlo::sasl
