// Layer: client (sans-I/O). Preparing and composing messages: see message.hpp.
#include "client/message.hpp"

#include <array>
#include <cstdio>

#include "sasl/base64.hpp"

namespace ehlo::client {

namespace {

/// Days since 1970-01-01 to a civil date (the proleptic Gregorian calendar).
struct CivilDate {
    std::int64_t year;
    int month;  // 1..12
    int day;    // 1..31
};

CivilDate civil_from_days(std::int64_t days) {
    days += 719468;
    std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    auto day_of_era = static_cast<unsigned>(days - era * 146097);
    unsigned year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    unsigned shifted_month = (5 * day_of_year + 2) / 153;
    int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
    int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
    std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2);
    return {year, month, day};
}

/// Whether the header section (up to the first empty line) holds 8-bit octets.
bool header_has_8bit(std::string_view data) {
    std::size_t end = data.find("\r\n\r\n");
    if (data.starts_with("\r\n")) return false;
    return has_8bit(data.substr(0, end == std::string_view::npos ? data.size() : end));
}

std::string address_list(const std::vector<std::string>& mailboxes) {
    std::string list;
    for (const std::string& mailbox : mailboxes) {
        if (!list.empty()) list += ",\r\n ";  // folded RFC 5322 §3.2.2
        list += "<" + mailbox + ">";
    }
    return list;
}

/// An unstructured header value: as is when ASCII, else one or more encoded-words of at most
/// 75 octets each (RFC 2047 §2), split between UTF-8 characters.
std::string encode_unstructured(std::string_view text) {
    if (!has_8bit(text)) return std::string(text);
    std::string encoded;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t length = std::min<std::size_t>(45, text.size() - start);
        while (start + length < text.size() &&
               (static_cast<unsigned char>(text[start + length]) & 0xC0) == 0x80)
            --length;  // never split a multi-octet character
        if (!encoded.empty()) encoded += "\r\n ";
        encoded += "=?UTF-8?B?" + sasl::base64_encode(text.substr(start, length)) + "?=";
        start += length;
    }
    return encoded;
}

}  // namespace

bool has_8bit(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) > 127) return true;
    return false;
}

std::string PreparedMessage::describe_error() const {
    std::string where = "line " + std::to_string(error_line);
    switch (error) {
        case MessageError::none:
            return {};
        case MessageError::line_too_long:
            return where +
                   " is longer than 998 octets, the limit of RFC 5321 §4.5.3.1.6; wrap it "
                   "or encode the content (quoted-printable or base64)";
        case MessageError::nul_octet:
            return where +
                   " holds a NUL octet, which SMTP cannot carry (RFC 5321 §4.5.2); encode "
                   "the content";
    }
    return {};
}

PreparedMessage prepare_message(std::string_view input) {
    PreparedMessage message;
    message.data.reserve(input.size() + input.size() / 32 + 2);
    std::size_t line = 1;
    std::size_t line_length = 0;
    auto fail = [&](MessageError error) {
        if (message.error == MessageError::none) {
            message.error = error;
            message.error_line = line;
        }
    };
    for (std::size_t i = 0; i < input.size(); ++i) {
        char c = input[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < input.size() && input[i + 1] == '\n') ++i;
            message.data += "\r\n";
            ++line;
            line_length = 0;
            continue;
        }
        if (c == '\0') fail(MessageError::nul_octet);
        if (++line_length + 2 > max_line_octets) fail(MessageError::line_too_long);
        message.data += c;
    }
    if (!message.data.empty() && !message.data.ends_with("\r\n")) message.data += "\r\n";
    message.eight_bit = has_8bit(message.data);
    message.utf8_headers = header_has_8bit(message.data);
    return message;
}

std::string dot_stuff(std::string_view data) {
    std::string stuffed;
    stuffed.reserve(data.size() + data.size() / 64 + 5);
    bool line_start = true;
    for (char c : data) {
        if (line_start && c == '.') stuffed += '.';
        stuffed += c;
        line_start = c == '\n';
    }
    stuffed += ".\r\n";
    return stuffed;
}

std::string format_date(std::int64_t seconds, int offset_minutes) {
    static constexpr std::array<const char*, 7> days{"Thu", "Fri", "Sat", "Sun",
                                                     "Mon", "Tue", "Wed"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::int64_t local = seconds + std::int64_t{offset_minutes} * 60;
    std::int64_t day_number = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    std::int64_t second_of_day = local - day_number * 86400;
    CivilDate date = civil_from_days(day_number);
    int weekday = static_cast<int>(((day_number % 7) + 7) % 7);
    int offset = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    char text[64];
    std::snprintf(text, sizeof text, "%s, %02d %s %04lld %02d:%02d:%02d %c%02d%02d", days[weekday],
                  date.day, months[date.month - 1], static_cast<long long>(date.year),
                  static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                  static_cast<int>(second_of_day % 60), offset_minutes < 0 ? '-' : '+', offset / 60,
                  offset % 60);
    return text;
}

std::string compose_message(const Composition& parts) {
    std::string message;
    message += "Date: " + format_date(parts.date, parts.offset_minutes) + "\r\n";
    message += "From: <" + parts.from + ">\r\n";
    message += "To: " + address_list(parts.to) + "\r\n";
    message += "Subject: " + encode_unstructured(parts.subject) + "\r\n";
    message += "Message-ID: <" + parts.unique + "@" + parts.domain + ">\r\n";
    if (has_8bit(parts.body)) {
        message += "MIME-Version: 1.0\r\n";
        message += "Content-Type: text/plain; charset=UTF-8\r\n";
        message += "Content-Transfer-Encoding: 8bit\r\n";
    }
    message += "\r\n";
    message += parts.body;
    return message;
}

}  // namespace ehlo::client
