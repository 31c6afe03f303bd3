// Layer: client (sans-I/O). Header fields and attachments added to a message: see mime.hpp.
#include "client/mime.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "client/message.hpp"
#include "sasl/base64.hpp"

namespace ehlo::client {

namespace {

/// A message cut in two: the header section (its lines, each ended by CRLF) and the body
/// (after the empty line that ends the header section, RFC 5322 §2.1).
struct Sections {
    std::string_view header;
    std::string_view body;
};

/// Whether `name` is a field name: printable US-ASCII but the colon RFC 5322 §2.2.
bool is_field_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(),
                                        [](char c) { return c >= '!' && c <= '~' && c != ':'; });
}

bool is_field_line(std::string_view line) {
    std::size_t colon = line.find(':');
    return colon != std::string_view::npos && is_field_name(line.substr(0, colon));
}

/// The header section is the leading run of field lines and their folded continuations
/// RFC 5322 §2.2.3; a message without one is all body.
Sections split(std::string_view message) {
    std::size_t pos = 0;
    while (pos < message.size()) {
        std::size_t end = message.find("\r\n", pos);
        if (end == std::string_view::npos) end = message.size();
        std::string_view line = message.substr(pos, end - pos);
        if (line.empty()) return {message.substr(0, pos), message.substr(end + 2)};
        bool folded = pos > 0 && (line.front() == ' ' || line.front() == '\t');
        if (!folded && !is_field_line(line)) break;
        pos = std::min(end + 2, message.size());
    }
    return {message.substr(0, pos), message.substr(pos)};
}

/// The fields of a header section, each with its folded lines and final CRLF.
std::vector<std::string> fields_of(std::string_view header) {
    std::vector<std::string> fields;
    std::size_t pos = 0;
    while (pos < header.size()) {
        std::size_t end = header.find("\r\n", pos);
        end = end == std::string_view::npos ? header.size() : end + 2;
        std::string_view line = header.substr(pos, end - pos);
        if (!fields.empty() && (line.front() == ' ' || line.front() == '\t'))
            fields.back() += line;
        else
            fields.emplace_back(line);
        pos = end;
    }
    return fields;
}

/// The field's name in lower case: field names are compared without case.
std::string lower_name(std::string_view field) {
    std::string name(field.substr(0, field.find(':')));
    for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
}

std::string join(const std::vector<std::string>& fields) {
    std::string text;
    for (const std::string& field : fields)
        text += field;
    return text;
}

/// A filename parameter RFC 2183 §2.3: quoted when plain ASCII, else in the extended form of
/// RFC 2231 §4 (UTF-8, percent-encoded).
std::string filename_parameter(std::string_view name) {
    bool plain = std::all_of(name.begin(), name.end(),
                             [](char c) { return c >= ' ' && c <= '~' && c != '"' && c != '\\'; });
    if (plain) return "filename=\"" + std::string(name) + "\"";
    std::string encoded = "filename*=UTF-8''";
    for (char c : name) {
        auto octet = static_cast<unsigned char>(c);
        if (std::isalnum(octet) || std::string_view("!#$&+-.^_`|~").find(c) != std::string::npos) {
            encoded += c;
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", octet);
            encoded += hex;
        }
    }
    return encoded;
}

/// Base64 in lines of 76 characters, each ended by CRLF RFC 2045 §6.8.
std::string base64_lines(std::string_view content) {
    std::string encoded = sasl::base64_encode(content);
    std::string lines;
    for (std::size_t pos = 0; pos < encoded.size(); pos += 76)
        lines += encoded.substr(pos, 76) + "\r\n";
    return lines;
}

/// Text in its canonical form, every line ended by CRLF RFC 2046 §4.1.1.
std::string canonical_text(std::string_view text) {
    return prepare_message(text).data;
}

std::string attachment_part(const Attachment& file) {
    std::string type = attachment_type(file.content);
    bool text = type.starts_with("text/");
    return "Content-Type: " + type + "\r\nContent-Transfer-Encoding: base64\r\n" +
           "Content-Disposition: attachment; " + filename_parameter(file.filename) + "\r\n\r\n" +
           base64_lines(text ? canonical_text(file.content) : file.content);
}

}  // namespace

std::string header_field_problem(std::string_view field) {
    std::size_t colon = field.find(':');
    if (colon == std::string_view::npos)
        return "'" + std::string(field) + "' is no header field: write 'Name: value'";
    if (!is_field_name(field.substr(0, colon)))
        return "'" + std::string(field.substr(0, colon)) +
               "' is no header field name: printable ASCII without spaces or a colon "
               "(RFC 5322 §2.2), e.g. X-Test";
    if (field.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
        return "a header field value holds no line break or NUL";
    return {};
}

std::string set_header_field(std::string_view message, std::string_view field) {
    Sections sections = split(message);
    std::vector<std::string> fields = fields_of(sections.header);
    const std::string name = lower_name(field);
    std::erase_if(fields, [&name](const std::string& f) { return lower_name(f) == name; });
    fields.push_back(std::string(field) + "\r\n");
    return join(fields) + "\r\n" + std::string(sections.body);
}

std::string attachment_type(std::string_view content) {
    std::size_t line = 0;
    for (char c : content) {
        bool printable = (c >= ' ' && c <= '~') || c == '\t' || c == '\r' || c == '\n';
        line = c == '\n' ? 0 : line + 1;
        if (!printable || line > 998) return "application/octet-stream";
    }
    return content.empty() ? "application/octet-stream" : "text/plain; charset=US-ASCII";
}

std::string attach_files(std::string_view message, const std::vector<Attachment>& attachments,
                         const std::string& unique) {
    Sections sections = split(message);
    std::vector<std::string> top, first_part;
    for (std::string& field : fields_of(sections.header)) {
        std::string name = lower_name(field);
        if (name.starts_with("content-"))
            first_part.push_back(std::move(field));
        else if (name != "mime-version")
            top.push_back(std::move(field));
    }
    if (first_part.empty()) {
        bool eight_bit = has_8bit(sections.body);
        first_part.push_back(std::string("Content-Type: text/plain; charset=") +
                             (eight_bit ? "UTF-8" : "US-ASCII") + "\r\n");
        if (eight_bit) first_part.push_back("Content-Transfer-Encoding: 8bit\r\n");
    }
    std::string boundary = "=_" + unique;
    while (sections.body.find("--" + boundary) != std::string_view::npos)
        boundary += '0';
    std::string text = join(top) + "MIME-Version: 1.0\r\n" +
                       "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
    // The CRLF before each delimiter belongs to the delimiter RFC 2046 §5.1.1.
    text += "--" + boundary + "\r\n" + join(first_part) + "\r\n" + std::string(sections.body);
    for (const Attachment& file : attachments)
        text += "\r\n--" + boundary + "\r\n" + attachment_part(file);
    text += "\r\n--" + boundary + "--\r\n";
    return text;
}

}  // namespace ehlo::client
