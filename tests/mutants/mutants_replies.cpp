// Mutants of the replies: their form (RFC 5321 §4.2, RFC 5321 §4.2.1), the reply to unknown
// commands and to syntax (RFC 5321 §4.2.4, RFC 5321 §2.4), and the enhanced status codes (RFC 2034,
// RFC 3463).
#include <string>

#include "mutant.hpp"
#include "server/extensions.hpp"

namespace ehlo::mutants {

namespace {

/// Whether the reply text spans several lines.
bool multi_line(const std::string& text) {
    std::size_t end = text.find("\r\n");
    return end != std::string::npos && end + 2 < text.size();
}

/// Whether the verb of a command line is written in upper case.
bool verb_in_upper_case(std::string_view line) {
    std::string_view verb = line.substr(0, line.find(' '));
    return upper(verb) == verb;
}

void add_form(std::vector<Mutant>& out) {
    out.push_back(on_replies("multiline-mixed-codes", "RFC 5321 §4.2.1",
                             "the second line of a multi-line reply has another code",
                             [](const server::Session&, std::string& text) {
                                 if (!multi_line(text) || text.size() < 4) return;
                                 std::size_t second = text.find("\r\n") + 2;
                                 char& digit = text[second + 2];
                                 digit = digit == '9' ? '8' : static_cast<char>(digit + 1);
                             }));
    out.push_back(on_replies("multiline-no-hyphen", "RFC 5321 §4.2.1",
                             "the lines of a multi-line reply all end with a space after the code",
                             [](const server::Session&, std::string& text) {
                                 if (!multi_line(text)) return;
                                 for (std::size_t at = 0; at + 3 < text.size();
                                      at = text.find("\r\n", at) + 2) {
                                     if (text[at + 3] == '-') text[at + 3] = ' ';
                                 }
                             }));
    out.push_back(on_replies(
        "reply-bare-lf", "RFC 5321 §2.3.8", "replies end with LF instead of CRLF",
        [](const server::Session&, std::string& text) { replace_all(text, "\r\n", "\n"); }));
    out.push_back(on_replies("reply-no-space", "RFC 5321 §4.2",
                             "a one-line reply has no space after its code",
                             [](const server::Session&, std::string& text) {
                                 if (!multi_line(text) && text.size() > 4 && text[3] == ' ') {
                                     text.erase(3, 1);
                                 }
                             }));
}

void add_commands(std::vector<Mutant>& out) {
    out.push_back(on_step("unknown-command-502", "RFC 5321 §4.2.4",
                          "an unrecognized command is answered 502 instead of 500",
                          [](StepContext& step) {
                              if (step.is(Verb::unknown) && step.code() == 500)
                                  step.reply(502, "5.5.1", "");
                          }));
    out.push_back(on_step("verbs-case-sensitive", "RFC 5321 §2.4",
                          "commands not in upper case are refused with 500", [](StepContext& step) {
                              if (step.on != On::command || verb_in_upper_case(step.line)) return;
                              step.undo();
                              step.reply(500, "5.5.2", "Command unrecognized");
                          }));
    out.push_back(
        on_step("trailing-space-refused", "RFC 5321 §4.1.1",
                "a command line ending with a space is refused with 501", [](StepContext& step) {
                    if (step.on != On::command || step.line.empty() || step.line.back() != ' ') {
                        return;
                    }
                    step.undo();
                    step.reply(501, "5.5.4", "Syntax error");
                }));
    out.push_back(on_step("helo-lists-extensions", "RFC 5321 §4.1.1.1",
                          "the reply to HELO lists the EHLO keywords", [](StepContext& step) {
                              if (!step.is(Verb::helo) || step.code() != 250) return;
                              for (const std::string& line :
                                   server::ehlo_keywords(step.policy, step.session))
                                  step.outcome.reply->lines.push_back(line);
                          }));
}

void add_enhanced(std::vector<Mutant>& out) {
    out.push_back(on_step("enhanced-codes-missing", "RFC 2034 §4",
                          "replies carry no enhanced status code although ENHANCEDSTATUSCODES is "
                          "advertised",
                          [](StepContext& step) {
                              if (step.outcome.reply) step.outcome.reply->enhanced.clear();
                          }));
    out.push_back(
        on_step("enhanced-codes-wrong-class", "RFC 2034 §4",
                "the class of each enhanced code differs from the reply's (2 for 4xx/5xx, "
                "5 for 2xx)",
                [](StepContext& step) {
                    if (!step.outcome.reply || step.outcome.reply->enhanced.empty()) return;
                    step.outcome.reply->enhanced[0] = step.code() >= 400 ? '2' : '5';
                }));
    out.push_back(on_step("enhanced-codes-ehlo-only", "RFC 2034 §4",
                          "after HELO, replies carry no enhanced status code",
                          [](StepContext& step) {
                              if (step.outcome.reply && !step.session.extended) {
                                  step.outcome.reply->enhanced.clear();
                              }
                          }));
}

}  // namespace

void add_reply_mutants(std::vector<Mutant>& out) {
    add_form(out);
    add_commands(out);
    add_enhanced(out);
}

}  // namespace ehlo::mutants
