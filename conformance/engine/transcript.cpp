// Layer: conformance/engine (pure). Turns written bytes and read replies into wire-log lines
// (CRLF as the line end of RFC 5321 §2.3.8, replies as in RFC 5321 §4.2.1), keeps the log bounded,
// and writes the reason line of a step: what the reply answered (the greeting of RFC 5321 §3.1, or
// a command), what came back (as reply_match.hpp describes it) and what was expected.
// See transcript.hpp; the scenario run decides what is logged and which step decides.
#include "engine/transcript.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace ehlo::engine {

std::string escape_bytes(std::string_view bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto is_control = [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    };
    std::string out;
    out.reserve(bytes.size());
    while (!bytes.empty()) {
        // Plain runs are copied whole: replies of 8 KiB lines go through here.
        const auto control = std::find_if(bytes.begin(), bytes.end(), is_control);
        out.append(bytes.begin(), control);
        bytes.remove_prefix(static_cast<std::size_t>(control - bytes.begin()));
        if (bytes.empty()) break;
        const auto byte = static_cast<unsigned char>(bytes.front());
        out += "\\x";
        out += hex[byte >> 4];
        out += hex[byte & 0x0f];
        bytes.remove_prefix(1);
    }
    return out;
}

std::vector<std::string> client_log_lines(std::string_view bytes) {
    std::vector<std::string> lines;
    while (!bytes.empty()) {
        const auto end = bytes.find("\r\n");
        if (end == std::string_view::npos) {
            lines.push_back(escape_bytes(bytes));
            break;
        }
        lines.push_back(escape_bytes(bytes.substr(0, end)));
        bytes.remove_prefix(end + 2);
    }
    return lines;
}

std::vector<std::string> server_log_lines(const wire::WireReply& reply) {
    const std::string code = std::to_string(reply.code);
    if (reply.lines.empty()) return {code};
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < reply.lines.size(); ++i) {
        const bool last = i + 1 == reply.lines.size();
        if (last && reply.lines[i].empty()) {
            lines.push_back(code);
        } else {
            lines.push_back(code + (last ? " " : "-") + escape_bytes(reply.lines[i]));
        }
    }
    return lines;
}

namespace {

/// `pos` moved back so that text[0, pos) does not end inside a `\xHH` or a UTF-8 character.
std::size_t safe_cut(std::string_view text, std::size_t pos) {
    while (pos > 0 && pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80)
        --pos;
    for (std::size_t back = 1; back <= 3 && back <= pos; ++back) {
        if (text[pos - back] == '\\' && pos - back + 1 < text.size() &&
            text[pos - back + 1] == 'x') {
            return pos - back;
        }
    }
    return pos;
}

/// A line of the log cut to `limit` octets, saying how many were left out.
void cut_line(std::string& text, std::size_t limit) {
    if (text.size() <= limit) return;
    const std::size_t keep = safe_cut(text, limit);
    const std::size_t left_out = text.size() - keep;
    text.resize(keep);
    text += " [... " + std::to_string(left_out) + " octets left out]";
}

}  // namespace

Transcript::Transcript(TranscriptLimits limits) : limits_(limits) {}

Transcript::Transcript(std::size_t head, std::size_t tail) {
    limits_.head_lines = head;
    limits_.tail_lines = tail;
}

void Transcript::add(LogLine line) {
    cut_line(line.text, limits_.line_octets);
    const std::size_t size = line.text.size();
    if (!head_full_ && head_.size() < limits_.head_lines &&
        head_octets_ + size <= limits_.head_octets) {
        head_octets_ += size;
        head_.push_back(std::move(line));
        return;
    }
    head_full_ = true;
    tail_octets_ += size;
    tail_.push_back(std::move(line));
    while (tail_.size() > limits_.tail_lines ||
           (tail_.size() > 1 && tail_octets_ > limits_.tail_octets)) {
        tail_octets_ -= tail_.front().text.size();
        tail_.pop_front();
        ++dropped_;
    }
}

std::vector<LogLine> Transcript::lines() const {
    std::vector<LogLine> out(head_);
    if (dropped_ > 0) {
        // The note stands where the first kept line of the tail begins.
        LogLine note;
        note.side = LogLine::Side::note;
        note.text = "log truncated: " + std::to_string(dropped_) + " lines left out";
        if (!tail_.empty()) {
            note.at = tail_.front().at;
            note.connection = tail_.front().connection;
        }
        out.push_back(std::move(note));
    }
    out.insert(out.end(), tail_.begin(), tail_.end());
    return out;
}

std::string bounded_text(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return std::string(text);
    const std::size_t tail_size = limit / 4;
    std::size_t head_end = safe_cut(text, limit - tail_size);
    if (const auto newline = text.rfind('\n', head_end);
        newline != std::string_view::npos && newline > head_end / 2) {
        head_end = newline;  // the head ends with a whole line
    }
    std::size_t tail_start = text.size() - tail_size;
    if (const auto newline = text.find('\n', tail_start); newline != std::string_view::npos) {
        tail_start = newline + 1;  // the tail starts with a whole line
    } else {
        tail_start = safe_cut(text, tail_start);
    }
    return std::string(text.substr(0, head_end)) + "\n          [" +
           std::to_string(tail_start - head_end) + " octets left out]\n" +
           std::string(text.substr(tail_start));
}

namespace {

constexpr std::size_t reason_line_limit = 200;  // octets of a reply line quoted in a reason

// The lines of a multi-line description, joined into one line.
std::string one_line(std::string_view text, std::string_view separator) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') {
            out += separator;
        } else {
            out += c;
        }
    }
    return out;
}

std::string quoted_command(const std::string& command) {
    return command.empty() ? std::string("an empty line") : shorten(command);
}

// The first line of what was received, and how many lines followed it.
std::string received_text(const Received& received) {
    const std::string all = describe(received);
    const auto end = all.find('\n');
    if (end == std::string::npos) return shorten(all, reason_line_limit);
    std::size_t more = 0;
    for (const char c : all)
        more += c == '\n' ? 1 : 0;
    return shorten(all.substr(0, end), reason_line_limit) + " (and " + std::to_string(more) +
           " more line" + (more == 1 ? "" : "s") + ")";
}

std::string what_came(const Received& received, const Answered& answered) {
    if (received.kind == Received::Kind::closed) {
        std::string out = "the server closed the connection";
        if (answered.command)
            return out + " instead of answering " + quoted_command(*answered.command);
        if (answered.greeting) return out + " instead of greeting";
        return out;
    }
    std::string subject = "the reply";
    if (answered.command) {
        subject = "the reply to " + quoted_command(*answered.command);
    } else if (answered.greeting) {
        subject = "the greeting";
    }
    return subject + " was " + received_text(received);
}

}  // namespace

std::string shorten(std::string_view command, std::size_t limit) {
    if (command.size() <= limit) return std::string(command);
    return std::string(command.substr(0, limit)) + "...";
}

std::string step_reason(const scenario::Expect& expect, const Received& received,
                        const Match& match, const Answered& answered) {
    const std::string came = what_came(received, answered);
    if (!match.alternative || *match.alternative >= expect.alternatives.size()) {
        return came + "; expected " + one_line(describe(expect), " / ");
    }
    const auto& alternative = expect.alternatives[*match.alternative];
    return came + "; it fits " + one_line(describe(alternative), " / ");
}

}  // namespace ehlo::engine
