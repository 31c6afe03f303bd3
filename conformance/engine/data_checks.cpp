// Layer: conformance/engine (pure). See data_checks.hpp: the checks on a client's command lines
// and message data. Each function reports the first place each check breaks, so a long message
// gives a short reason.
#include "engine/data_checks.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace ehlo::engine {

namespace {

using scenario::ClientCheck;

constexpr std::size_t max_text_line = 1000;  // octets, CRLF included: RFC 5321 §4.5.3.1.6

// The lines of `text`, each with its ending (LF, CRLF, or none for a last piece).
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto lf = text.find('\n');
        const auto end = lf == std::string_view::npos ? text.size() : lf + 1;
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end);
    }
    return lines;
}

std::string at_line(std::size_t index) {
    return "line " + std::to_string(index + 1);
}

// The first line that does not end in CRLF or holds a lone CR, for `check`.
std::optional<DataFinding> first_bad_line_end(const std::vector<std::string_view>& lines,
                                              ClientCheck check) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto line = lines[i];
        const bool crlf = line.ends_with("\r\n");
        const auto body = crlf ? line.substr(0, line.size() - 2) : line;
        if (body.find('\r') != std::string_view::npos) {
            return DataFinding{check, at_line(i) + " holds a CR that no LF follows"};
        }
        if (!crlf && line.ends_with('\n')) {
            return DataFinding{check, at_line(i) + " ends in a bare LF"};
        }
        if (!line.ends_with('\n')) return DataFinding{check, at_line(i) + " has no line end"};
    }
    return std::nullopt;
}

// A stuffed line counts without the period the client added (RFC 5321 §4.5.2): the limit is
// the text line's.
std::optional<DataFinding> first_long_line(const std::vector<std::string_view>& lines,
                                           bool stuffed) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::size_t added = stuffed && lines[i].starts_with("..") ? 1 : 0;
        if (lines[i].size() - added > max_text_line) {
            return DataFinding{ClientCheck::line_length, at_line(i) + " has " +
                                                             std::to_string(lines[i].size()) +
                                                             " octets with its line end"};
        }
    }
    return std::nullopt;
}

std::optional<DataFinding> first_eight_bit(const std::vector<std::string_view>& lines,
                                           Declared declared) {
    if (declared.eight_bit) return std::nullopt;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto high = std::find_if(lines[i].begin(), lines[i].end(),
                                       [](char c) { return static_cast<unsigned char>(c) > 127; });
        if (high != lines[i].end()) {
            return DataFinding{ClientCheck::eight_bit,
                               at_line(i) +
                                   " holds an octet above 127, and MAIL declared "
                                   "neither BODY=8BITMIME nor SMTPUTF8"};
        }
    }
    return std::nullopt;
}

// RFC 6531 §3.2: without SMTPUTF8 the header section stays ASCII (8BITMIME allows 8-bit
// bodies only).
std::optional<DataFinding> first_utf8_header(const std::vector<std::string_view>& lines,
                                             Declared declared) {
    if (declared.smtputf8) return std::nullopt;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i] == "\r\n" || lines[i] == "\n") break;  // the end of the header section
        const bool high = std::any_of(lines[i].begin(), lines[i].end(),
                                      [](char c) { return static_cast<unsigned char>(c) > 127; });
        if (high) {
            return DataFinding{ClientCheck::utf8_header,
                               at_line(i) +
                                   ", in the header section, holds an octet above 127, "
                                   "and MAIL declared no SMTPUTF8"};
        }
    }
    return std::nullopt;
}

std::string_view without_line_end(std::string_view line) {
    if (line.ends_with('\n')) line.remove_suffix(1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    return line;
}

// The last text line must be the message's last line; `text` lines as they were sent. Empty
// lines after it are an extra CRLF, which RFC 5321 §4.1.1.4 forbids.
std::optional<DataFinding> check_complete(const std::vector<std::string_view>& text,
                                          std::string_view last_line, bool stuffed) {
    std::size_t end = text.size();
    while (end > 0 && without_line_end(text[end - 1]).empty() && !last_line.empty())
        --end;
    std::string_view got = end == 0 ? std::string_view{} : without_line_end(text[end - 1]);
    if (stuffed && got.starts_with('.')) got.remove_prefix(1);
    if (got == last_line && end < text.size()) {
        return DataFinding{
            ClientCheck::extra_line_end,
            std::to_string(text.size() - end) + " empty line(s) after the message's last line"};
    }
    if (got == last_line) return std::nullopt;
    return DataFinding{ClientCheck::data_complete, "the text ends with \"" +
                                                       std::string(got.substr(0, 60)) +
                                                       "\", not with the message's last line \"" +
                                                       std::string(last_line.substr(0, 60)) +
                                                       "\": the message was cut short or changed"};
}

void add(std::vector<DataFinding>& findings, std::optional<DataFinding> finding) {
    if (finding) findings.push_back(std::move(*finding));
}

std::vector<DataFinding> check_text(const std::vector<std::string_view>& text,
                                    std::string_view last_line, Declared declared, bool stuffed) {
    std::vector<DataFinding> findings;
    if (!declared.binary) {
        add(findings, first_bad_line_end(text, stuffed ? ClientCheck::data_line_end
                                                       : ClientCheck::chunk_line_end));
    }
    add(findings, check_complete(text, last_line, stuffed));
    if (!declared.binary) add(findings, first_long_line(text, stuffed));
    add(findings, first_eight_bit(text, declared));
    add(findings, first_utf8_header(text, declared));
    return findings;
}

}  // namespace

std::vector<DataFinding> check_command_line(std::string_view line) {
    std::vector<DataFinding> findings;
    add(findings, first_bad_line_end({line}, ClientCheck::command_line_end));
    return findings;
}

std::vector<DataFinding> check_command_octets(std::string_view line, Declared declared) {
    const auto high = std::find_if(line.begin(), line.end(),
                                   [](char c) { return static_cast<unsigned char>(c) > 127; });
    if (high == line.end()) return {};
    std::string verb(line.substr(0, 5));
    for (char& c : verb)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (verb == "EHLO " || verb == "HELO ") {
        return {{ClientCheck::hello_ascii,
                 "the name in " + verb.substr(0, 4) + " holds an octet above 127"}};
    }
    if (verb == "MAIL ") declared = declared_by_mail(line);
    if (declared.smtputf8) return {};
    return {{ClientCheck::command_octets,
             verb.substr(0, 4) + " holds an octet above 127, and MAIL declared no SMTPUTF8"}};
}

std::vector<DataFinding> check_mail_data(std::string_view raw, std::string_view last_line,
                                         Declared declared) {
    std::vector<std::string_view> text = lines_of(raw);
    if (!text.empty()) text.pop_back();  // the line of one period that ends the data
    std::vector<DataFinding> findings;
    // RFC 5321 §4.5.2: a client doubles a leading period, so a text line that starts with one
    // period and not two was sent as it was written.
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i].starts_with('.') && !text[i].starts_with("..")) {
            findings.push_back({ClientCheck::dot_stuffing,
                                at_line(i) + " starts with a single period: it was not doubled"});
            break;
        }
    }
    auto rest = check_text(text, last_line, declared, true);
    findings.insert(findings.end(), rest.begin(), rest.end());
    return findings;
}

std::vector<DataFinding> check_chunked_data(std::string_view text, std::string_view last_line,
                                            Declared declared) {
    return check_text(lines_of(text), last_line, declared, false);
}

Declared declared_by_mail(std::string_view mail_line) {
    std::string upper(mail_line);
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto close = upper.find('>');
    const std::string params = close == std::string::npos ? "" : upper.substr(close + 1) + " ";
    Declared declared;
    for (const char* word : {" BODY=8BITMIME ", " BODY=BINARYMIME ", " SMTPUTF8 "}) {
        if (params.find(word) != std::string::npos) declared.eight_bit = true;
    }
    declared.binary = params.find(" BODY=BINARYMIME ") != std::string::npos;
    declared.smtputf8 = params.find(" SMTPUTF8 ") != std::string::npos;
    return declared;
}

bool parse_bdat_line(std::string_view line, std::size_t& size, bool& last) {
    line = without_line_end(line);
    if (line.size() < 6 || !std::equal(line.begin(), line.begin() + 5, "BDAT ",
                                       [](char a, char b) { return std::toupper(a) == b; })) {
        return false;
    }
    line.remove_prefix(5);
    const auto end = std::min(line.find(' '), line.size());
    const auto digits = line.substr(0, end);
    if (digits.empty() || digits.size() > 12 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    size = std::stoull(std::string(digits));
    std::string rest(line.substr(end));
    for (char& c : rest)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    last = rest == " LAST";
    return true;
}

}  // namespace ehlo::engine
