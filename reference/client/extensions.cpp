// Layer: client (sans-I/O). Reading the EHLO keywords: see extensions.hpp.
#include "client/extensions.hpp"

#include <cctype>
#include <charconv>
#include <sstream>

namespace ehlo::client {

namespace {

std::string upper(std::string text) {
    for (char& c : text)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

/// The words of `line`, split at spaces (and at '=' after an "AUTH=" keyword).
std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> found;
    std::istringstream in(line);
    for (std::string word; in >> word;)
        found.push_back(word);
    return found;
}

/// A keyword starts with a letter or digit and goes on with letters, digits and '-'
/// RFC 5321 §4.1.1.1.
bool is_keyword(const std::string& word) {
    if (word.empty() || !std::isalnum(static_cast<unsigned char>(word[0]))) return false;
    for (char c : word)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    return true;
}

void read_size(Extensions& offered, const std::vector<std::string>& parameters) {
    std::uint64_t limit = 0;
    if (!parameters.empty()) {
        const std::string& text = parameters.front();
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
        if (error != std::errc{} || end != text.data() + text.size()) limit = 0;
    }
    offered.size = limit;
}

void read_keyword(Extensions& offered, const std::string& keyword,
                  const std::vector<std::string>& parameters) {
    if (keyword == "PIPELINING")
        offered.pipelining = true;
    else if (keyword == "CHUNKING")
        offered.chunking = true;
    else if (keyword == "8BITMIME")
        offered.eight_bit_mime = true;
    else if (keyword == "SMTPUTF8")
        offered.smtputf8 = true;
    else if (keyword == "DSN")
        offered.dsn = true;
    else if (keyword == "STARTTLS")
        offered.starttls = true;
    else if (keyword == "ENHANCEDSTATUSCODES")
        offered.enhanced_status_codes = true;
    else if (keyword == "SIZE")
        read_size(offered, parameters);
    else if (keyword == "AUTH") {
        for (const std::string& mechanism : parameters) {
            std::string name = upper(mechanism);
            bool known = false;
            for (const std::string& seen : offered.auth)
                known = known || seen == name;
            if (!known) offered.auth.push_back(name);
        }
    }
}

}  // namespace

Extensions parse_extensions(const wire::WireReply& reply) {
    Extensions offered;
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        std::vector<std::string> parts = words(reply.lines[i]);
        if (parts.empty()) continue;
        std::string keyword = upper(parts.front());
        if (keyword.starts_with("AUTH=")) {  // the pre-standard spelling
            parts.front() = keyword.substr(5);
            keyword = "AUTH";
        } else {
            parts.erase(parts.begin());
        }
        if (!is_keyword(keyword)) continue;
        offered.keywords.push_back(keyword);
        read_keyword(offered, keyword, parts);
    }
    return offered;
}

}  // namespace ehlo::client
