// Mutants of the ESMTP extensions: the keywords EHLO announces and their syntax (SIZE,
// RFC 1870 §3; 8BITMIME, RFC 6152 §2; SMTPUTF8, RFC 6531 §3.1), the MAIL parameters they bring
// (one "refuse-param-NAME" per parameter: advertised, but refused), and STARTTLS
// (RFC 3207 §4.2: what the client sent in clear never becomes a command, and the session starts
// afresh).
#include <algorithm>
#include <string>

#include "mutant.hpp"

namespace ehlo::mutants {

namespace {

/// Applies `edit` to each keyword line of an EHLO reply (the lines after the greeting line).
template <typename Edit>
void edit_keywords(StepContext& step, Edit edit) {
    if (!step.is(Verb::ehlo) || step.code() != 250) return;
    auto& lines = step.outcome.reply->lines;
    for (std::size_t i = 1; i < lines.size(); ++i)
        edit(lines[i]);
    lines.erase(std::remove(lines.begin() + 1, lines.end(), std::string()), lines.end());
}

/// Whether a MAIL line carries the parameter `keyword` (given in upper case).
bool has_parameter(std::string_view line, std::string_view keyword) {
    std::string text = upper(line);
    std::size_t close = text.find('>');
    if (close == std::string::npos) return false;
    std::size_t at = text.find(" " + std::string(keyword), close);
    if (at == std::string::npos) return false;
    std::size_t end = at + 1 + keyword.size();
    return end == text.size() || text[end] == '=' || text[end] == ' ';
}

Mutant refuse_parameter(std::string keyword, std::string section) {
    return on_step("refuse-param-" + keyword, std::move(section),
                   "the MAIL parameter " + keyword + " is refused with 555 although advertised",
                   [keyword](StepContext& step) {
                       if (!step.is(Verb::mail) || step.code() >= 400) return;
                       if (!has_parameter(step.line, keyword)) return;
                       step.undo();
                       step.reply(555, "5.5.4", "Parameter not recognized");
                   });
}

void add_keywords(std::vector<Mutant>& out) {
    out.push_back(on_step("size-not-a-number", "RFC 1870 §3",
                          "SIZE is advertised with a value that is no number",
                          [](StepContext& step) {
                              edit_keywords(step, [](std::string& line) {
                                  if (line.rfind("SIZE ", 0) == 0) line = "SIZE unlimited";
                              });
                          }));
    out.push_back(on_step("size-joined-by-equals", "RFC 1870 §3",
                          "SIZE is advertised as SIZE=n, not SIZE n", [](StepContext& step) {
                              edit_keywords(step, [](std::string& line) {
                                  if (line.rfind("SIZE ", 0) == 0) line[4] = '=';
                              });
                          }));
    out.push_back(on_step("eightbitmime-parameter", "RFC 6152 §2",
                          "8BITMIME is advertised with a parameter", [](StepContext& step) {
                              edit_keywords(step, [](std::string& line) {
                                  if (line == "8BITMIME") line += " YES";
                              });
                          }));
    out.push_back(on_step("eightbitmime-hidden", "RFC 6531 §3.1",
                          "8BITMIME is not advertised (it is still honoured), though SMTPUTF8 is",
                          [](StepContext& step) {
                              edit_keywords(step, [](std::string& line) {
                                  if (line == "8BITMIME") line.clear();
                              });
                          }));
    out.push_back(on_step("smtputf8-parameter", "RFC 6531 §3.1",
                          "SMTPUTF8 is advertised with a parameter", [](StepContext& step) {
                              edit_keywords(step, [](std::string& line) {
                                  if (line == "SMTPUTF8") line += " YES";
                              });
                          }));
}

void add_parameters(std::vector<Mutant>& out) {
    out.push_back(refuse_parameter("SIZE", "RFC 1870 §6"));
    out.push_back(refuse_parameter("BODY", "RFC 6152 §3"));
    out.push_back(refuse_parameter("SMTPUTF8", "RFC 6531 §3.4"));
    out.push_back(refuse_parameter("AUTH", "RFC 4954 §5"));
    out.push_back(on_step("size-not-enforced", "RFC 1870 §6",
                          "MAIL declaring a SIZE over the limit gets 250", [](StepContext& step) {
                              if (step.is(Verb::mail) && step.code() == 552)
                                  step.reply(250, "2.1.0", "OK");
                          }));
    out.push_back(on_step("parameter-errors-accepted", "RFC 5321 §4.1.1.11",
                          "MAIL with a malformed or unknown parameter value (SIZE=abc, BODY=JUNK) "
                          "gets 250",
                          [](StepContext& step) {
                              bool faulty = step.code() == 501 || step.code() == 555;
                              if (step.is(Verb::mail) && faulty &&
                                  step.line.find('=') != std::string::npos) {
                                  step.reply(250, "2.1.0", "OK");
                              }
                          }));
    out.push_back(on_step("parameters-case-sensitive", "RFC 5321 §2.4",
                          "MAIL parameters not in upper case are refused with 555",
                          [](StepContext& step) {
                              if (!step.is(Verb::mail) || step.code() >= 400) return;
                              std::string_view line = step.line;
                              std::size_t close = line.find('>');
                              if (close == std::string_view::npos) return;
                              std::string_view parameters = line.substr(close + 1);
                              if (upper(parameters) == parameters) return;
                              step.undo();
                              step.reply(555, "5.5.4", "Parameter not recognized");
                          }));
    out.push_back(on_step(
        "utf8-sender-refused", "RFC 6531 §3.4",
        "a UTF-8 sender is refused even with the SMTPUTF8 parameter", [](StepContext& step) {
            if (!step.is(Verb::mail) || step.code() >= 400) return;
            std::string_view path = path_of(step.line);
            bool utf8 = std::any_of(path.begin(), path.end(),
                                    [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
            if (!utf8) return;
            step.undo();
            step.reply(553, "5.6.7", "Address not accepted");
        }));
}

/// Keeps what followed STARTTLS in the same read, and feeds it after the handshake, as if the
/// client had sent it inside TLS.
void keep_plaintext(InputContext& input) {
    if (input.session.tls && !input.held.empty()) {
        input.bytes = std::move(input.held) + input.bytes;
        input.held.clear();
        return;
    }
    if (input.in_data() || input.session.tls) return;
    std::size_t at = upper(input.bytes).find("STARTTLS\r\n");
    if (at == std::string::npos || at + 10 == input.bytes.size()) return;
    input.held = input.bytes.substr(at + 10);
    input.bytes.resize(at + 10);
}

void add_starttls(std::vector<Mutant>& out) {
    out.push_back(on_input("starttls-plaintext-kept", "RFC 3207 §4.2",
                           "commands sent in clear right after STARTTLS run once TLS is up",
                           keep_plaintext));
    out.push_back(on_step("starttls-advertised-in-tls", "RFC 3207 §4.2",
                          "EHLO inside TLS still advertises STARTTLS", [](StepContext& step) {
                              if (!step.is(Verb::ehlo) || step.code() != 250 || !step.session.tls)
                                  return;
                              step.outcome.reply->lines.push_back("STARTTLS");
                          }));
    out.push_back(on_step("starttls-keeps-session", "RFC 3207 §4.2",
                          "after the TLS handshake the session goes on without a new EHLO",
                          [](StepContext& step) {
                              if (step.on != On::tls_started) return;
                              set_state(step.session, State::greeted);
                              step.session.extended = true;
                          }));
}

}  // namespace

void add_extension_mutants(std::vector<Mutant>& out) {
    add_keywords(out);
    add_parameters(out);
    add_starttls(out);
}

}  // namespace ehlo::mutants
