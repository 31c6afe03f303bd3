// Layer: sasl (sans-I/O). GS2 header (RFC 5801 §4) and saslname (RFC 5802 §5.1) parsing,
// shared by SCRAM-SHA-256 and OAUTHBEARER.
#include "sasl/gs2.hpp"

#include "sasl/credentials.hpp"

namespace ehlo::sasl {

std::optional<std::string> decode_saslname(std::string_view text) {
    std::string name;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ',' || text[i] == '\0') return std::nullopt;
        if (text[i] != '=') {
            name += text[i];
        } else if (text.substr(i, 3) == "=2C") {
            name += ',';
            i += 2;
        } else if (text.substr(i, 3) == "=3D") {
            name += '=';
            i += 2;
        } else {
            return std::nullopt;
        }
    }
    if (name.empty() || !is_utf8(name)) return std::nullopt;
    return name;
}

std::optional<Gs2Header> parse_gs2_header(std::string_view message) {
    // gs2-cbind-flag: `n` (client has no channel binding) or `y` (it has, but believes the
    // server has none). `p=...` asks for binding, which this server never offers.
    if (message.size() < 2 || (message[0] != 'n' && message[0] != 'y') || message[1] != ',') {
        return std::nullopt;
    }
    const auto end = message.find(',', 2);
    if (end == std::string_view::npos) return std::nullopt;
    Gs2Header header;
    header.length = end + 1;
    const std::string_view authzid = message.substr(2, end - 2);
    if (authzid.empty()) return header;
    if (!authzid.starts_with("a=")) return std::nullopt;
    auto name = decode_saslname(authzid.substr(2));
    if (!name) return std::nullopt;
    header.authzid = std::move(*name);
    return header;
}

}  // namespace ehlo::sasl
