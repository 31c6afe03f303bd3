// Mutants of the session: the greeting, QUIT and the close, the order of commands
// (RFC 5321 §4.1.4), what resets a transaction and what must not, the special mailboxes
// (RFC 5321 §4.5.1, RFC 5321 §4.5.5), relaying (RFC 5321 §3.6.2), and the session's limits and
// timeouts (RFC 5321 §4.5.3).
#include <string>

#include "mutant.hpp"

namespace ehlo::mutants {

namespace {

bool in_transaction(State state) {
    return state == State::mail || state == State::recipients;
}

/// The transaction survives a command that must clear it.
void keep_transaction(StepContext& step) {
    if (!in_transaction(step.before.state) || step.code() >= 400) return;
    set_state(step.session, step.before.state);
    step.session.envelope = step.before.envelope;
}

/// The transaction is cleared by a command that must leave it alone.
void clear_transaction(StepContext& step) {
    if (!in_transaction(step.session.state)) return;
    set_state(step.session, State::greeted);
    step.session.envelope = server::Envelope{};
}

/// Whether a RCPT names the postmaster without a domain, in any case.
bool bare_postmaster(std::string_view line) {
    return upper(path_of(line)) == "POSTMASTER";
}

void add_order(std::vector<Mutant>& out) {
    out.push_back(on_step("rcpt-before-mail-250", "RFC 5321 §4.1.4",
                          "RCPT before MAIL is answered 250", [](StepContext& step) {
                              bool early = step.before.state == State::connected ||
                                           step.before.state == State::greeted;
                              if (step.is(Verb::rcpt) && early) step.reply(250, "2.1.5", "OK");
                          }));
    out.push_back(on_step("data-before-rcpt-354", "RFC 5321 §4.1.4",
                          "DATA before any RCPT is answered 354", [](StepContext& step) {
                              if (step.is(Verb::data) && step.before.state == State::mail) {
                                  step.reply(354, "", "Start mail input");
                              }
                          }));
    out.push_back(on_step("mail-in-transaction-250", "RFC 5321 §4.1.4",
                          "a second MAIL inside a transaction is accepted and starts a new one",
                          [](StepContext& step) {
                              if (step.is(Verb::mail) && in_transaction(step.before.state) &&
                                  step.code() == 503) {
                                  step.session.envelope = server::Envelope{};
                                  set_state(step.session, State::mail);
                                  step.reply(250, "2.1.0", "OK");
                              }
                          }));
    out.push_back(on_step("ehlo-keeps-transaction", "RFC 5321 §4.1.4",
                          "EHLO inside a transaction does not clear it", [](StepContext& step) {
                              if (step.is(Verb::ehlo)) keep_transaction(step);
                          }));
    out.push_back(on_step("helo-keeps-transaction", "RFC 5321 §4.1.4",
                          "HELO inside a transaction does not clear it", [](StepContext& step) {
                              if (step.is(Verb::helo)) keep_transaction(step);
                          }));
    out.push_back(on_step("rset-keeps-recipients", "RFC 5321 §4.1.1.5",
                          "RSET answers 250 but keeps the sender and the recipients",
                          [](StepContext& step) {
                              if (step.is(Verb::rset)) keep_transaction(step);
                          }));
    out.push_back(on_step(
        "data-end-keeps-transaction", "RFC 5321 §4.1.1.4",
        "after a message is accepted its sender and recipients stay", [](StepContext& step) {
            if (step.on != On::stored || step.code() != 250) return;
            step.session.envelope.recipients = step.before.envelope.recipients;
            step.session.envelope.reverse_path = step.before.envelope.reverse_path;
            set_state(step.session, State::recipients);
        }));
}

void add_resets(std::vector<Mutant>& out) {
    struct Keeper {
        Verb verb;
        const char* name;
        const char* section;
    };
    const Keeper keepers[] = {{Verb::noop, "noop", "RFC 5321 §4.1.1.9"},
                              {Verb::vrfy, "vrfy", "RFC 5321 §4.1.1.6"},
                              {Verb::help, "help", "RFC 5321 §4.1.1.8"}};
    for (const Keeper& keeper : keepers) {
        Verb verb = keeper.verb;
        out.push_back(on_step(std::string(keeper.name) + "-clears-transaction", keeper.section,
                              upper(keeper.name) + " inside a transaction clears it",
                              [verb](StepContext& step) {
                                  if (step.is(verb)) clear_transaction(step);
                              }));
    }
}

void add_greeting_and_close(std::vector<Mutant>& out) {
    out.push_back(on_step("greeting-554", "RFC 5321 §3.1", "the greeting is 554 instead of 220",
                          [](StepContext& step) {
                              if (step.on == On::greeting && step.code() == 220)
                                  step.reply(554, "", "");
                          }));
    out.push_back(on_step("quit-no-reply", "RFC 5321 §4.1.1.10",
                          "QUIT closes the connection without 221", [](StepContext& step) {
                              if (step.is(Verb::quit) && step.code() == 221)
                                  step.outcome.reply.reset();
                          }));
    out.push_back(on_step("quit-keeps-open", "RFC 5321 §4.1.1.10",
                          "QUIT is answered 221 but the connection stays open",
                          [](StepContext& step) {
                              if (!step.is(Verb::quit) || step.code() != 221) return;
                              auto reply = std::move(step.outcome.reply);
                              step.undo();
                              step.outcome.reply = std::move(reply);
                          }));
    out.push_back(on_step("close-after-error", "RFC 5321 §3.8",
                          "the connection is closed after any 5xx reply to a command",
                          [](StepContext& step) {
                              if (step.on == On::command && step.code() >= 500) step.close();
                          }));
    out.push_back(on_step("close-after-long-line", "RFC 5321 §4.5.3.1.4",
                          "an over-long command line closes the connection", [](StepContext& step) {
                              if (step.on == On::line_fault && step.code() >= 500) step.close();
                          }));
}

void add_mailboxes(std::vector<Mutant>& out) {
    out.push_back(on_step("postmaster-refused", "RFC 5321 §4.5.1",
                          "RCPT TO:<Postmaster> is refused with 550", [](StepContext& step) {
                              if (step.is(Verb::rcpt) && bare_postmaster(step.line)) {
                                  step.undo();
                                  step.reply(550, "5.1.1", "No such user");
                              }
                          }));
    out.push_back(on_step("postmaster-case-sensitive", "RFC 5321 §4.5.1",
                          "only the exact spelling <Postmaster> is accepted",
                          [](StepContext& step) {
                              if (step.is(Verb::rcpt) && bare_postmaster(step.line) &&
                                  path_of(step.line) != "Postmaster") {
                                  step.undo();
                                  step.reply(550, "5.1.1", "No such user");
                              }
                          }));
    out.push_back(on_step("null-sender-refused", "RFC 5321 §4.5.5",
                          "MAIL FROM:<> is refused with 550", [](StepContext& step) {
                              if (step.is(Verb::mail) &&
                                  step.line.find("<>") != std::string::npos) {
                                  step.undo();
                                  step.reply(550, "5.1.8", "Sender refused");
                              }
                          }));
    out.push_back(with_policy("relay-accepted", "RFC 5321 §3.6.2",
                              "mail for any domain is accepted (open relay)",
                              [](server::Policy& policy) { policy.accept_any_domain = true; }));
}

void add_limits(std::vector<Mutant>& out) {
    out.push_back(with_policy("line-limit-500", "RFC 5321 §4.5.3.1.4",
                              "command lines over 500 octets are refused (the minimum is 512)",
                              [](server::Policy& policy) { policy.limits.command_line = 500; }));
    out.push_back(with_policy("text-line-limit-900", "RFC 5321 §4.5.3.1.6",
                              "text lines over 900 octets are refused (the minimum is 1000)",
                              [](server::Policy& policy) { policy.limits.text_line = 900; }));
    out.push_back(
        with_policy("message-limit-60000", "RFC 5321 §4.5.3.1.7",
                    "messages over 60000 octets are refused (the minimum is 64K)",
                    [](server::Policy& policy) { policy.limits.max_message_size = 60000; }));
    out.push_back(with_policy("recipients-limit-50", "RFC 5321 §4.5.3.1.8",
                              "only 50 recipients per message (the minimum is 100)",
                              [](server::Policy& policy) { policy.limits.max_recipients = 50; }));
    out.push_back(with_policy(
        "timeout-command-2s", "RFC 5321 §4.5.3.2.7",
        "the server waits only 2 seconds for a command (5 minutes is the minimum)",
        [](server::Policy& policy) { policy.timeouts.command = std::chrono::seconds(2); }));
    out.push_back(with_policy(
        "timeout-data-1s", "RFC 5321 §4.5.3.2.5",
        "the server waits only 1 second for more message data (3 minutes is the "
        "client's data block timeout)",
        [](server::Policy& policy) { policy.timeouts.data_block = std::chrono::seconds(1); }));
    out.push_back(on_step("local-part-limit-63", "RFC 5321 §4.5.3.1.1",
                          "a local-part of 64 octets is refused", [](StepContext& step) {
                              if (!step.is(Verb::mail) && !step.is(Verb::rcpt)) return;
                              std::string_view path = path_of(step.line);
                              if (path.find('@') != std::string_view::npos &&
                                  path.find('@') >= 64) {
                                  step.undo();
                                  step.reply(501, "5.1.3", "Local part too long");
                              }
                          }));
    out.push_back(on_step("domain-limit-254", "RFC 5321 §4.5.3.1.2",
                          "a domain of 255 octets is refused", [](StepContext& step) {
                              bool greeting = step.is(Verb::ehlo) || step.is(Verb::helo);
                              if (greeting && step.line.size() >= 5 + 255) {
                                  step.undo();
                                  step.reply(501, "5.5.4", "Domain too long");
                              }
                          }));
    out.push_back(on_step("path-limit-255", "RFC 5321 §4.5.3.1.3",
                          "a path of 256 octets (with its brackets) is refused",
                          [](StepContext& step) {
                              bool address = step.is(Verb::mail) || step.is(Verb::rcpt);
                              if (address && path_of(step.line).size() + 2 >= 256) {
                                  step.undo();
                                  step.reply(501, "5.1.3", "Path too long");
                              }
                          }));
}

}  // namespace

void add_session_mutants(std::vector<Mutant>& out) {
    add_order(out);
    add_resets(out);
    add_greeting_and_close(out);
    add_mailboxes(out);
    add_limits(out);
}

}  // namespace ehlo::mutants
