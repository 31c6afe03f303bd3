// Layer: conformance/scenario. See client_script.hpp: the fixed parts of client scenarios, the
// default message and the standard opening, written in the scenario notation itself.
#include "scenario/client_script.hpp"

#include <stdexcept>

#include "scenario/client_step_parser.hpp"

namespace ehlo::scenario {

namespace {

// The standard opening, in the notation of a client scenario. HELO is allowed with a WARN:
// a client should begin with EHLO (RFC 5321 §4.1.1.1), and may fall back to HELO (RFC 5321 §3.2).
// The EHLO reply offers only what every scenario after the opening can live with: no PIPELINING,
// so the client waits for each reply (RFC 5321 §4.3.1), and no STARTTLS or AUTH.
constexpr std::string_view opening_text[] = {
    "S: 220 {server} ESMTP ehlo-check",
    "C: EHLO * | HELO * => WARN 5321-4.1.1.1-c",
    "S: 250-{server} greets you",
    "S: 250-8BITMIME",
    "S: 250-SIZE 10485760",
    "S: 250 ENHANCEDSTATUSCODES",
    "C: MAIL FROM:<*>* | MAIL FROM: <*>* => WARN",
    "S: 250 2.1.0 Sender OK",
};

std::vector<ClientStep> parse_opening() {
    std::vector<ClientStep> steps;
    std::vector<ParseError> errors;
    ClientStepParser parser(steps, errors);
    for (std::string_view line : opening_text)
        parser.line(0, line);
    parser.finish();
    if (!errors.empty()) throw std::logic_error("standard opening: " + errors.front().message);
    return steps;
}

}  // namespace

std::string_view default_message() {
    return "From: <{from}>\r\n"
           "To: <{rcpt}>\r\n"
           "Date: Mon, 7 Dec 2026 12:00:00 +0000\r\n"
           "Message-ID: <message@ehlo-check.test>\r\n"
           "Subject: ehlo-check\r\n"
           "\r\n"
           "A test message from ehlo-check.\r\n"
           ".A line that starts with a period.\r\n"
           ".\r\n"
           "..Two periods.\r\n"
           "The last line of the message.\r\n";
}

std::string_view standard_opening_requirement() {
    return "5321-4.1.1.1-c";
}

const std::vector<ClientStep>& standard_opening() {
    static const std::vector<ClientStep> steps = parse_opening();
    return steps;
}

std::string listen_local_part(std::string_view id) {
    if (id.starts_with("client/")) id.remove_prefix(7);
    std::string local(id);
    for (char& c : local)
        if (c == '/') c = '.';
    return local;
}

std::string_view to_string(Ask ask) {
    switch (ask) {
        case Ask::plain:
            return "plain";
        case Ask::starttls:
            return "starttls";
        case Ask::tls:
            return "tls";
        case Ask::auth:
            return "auth";
    }
    return "plain";
}

std::string_view to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::either:
            return "either";
        case Outcome::delivered:
            return "delivered";
        case Outcome::refused:
            return "refused";
    }
    return "either";
}

}  // namespace ehlo::scenario
