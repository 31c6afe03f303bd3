// Two families, one mutant per verb: "accept-VERB" answers every refusal of that verb with
// success (the replies a command may get, RFC 5321 §4.3.2), and "refuse-VERB" answers every
// success of that verb with 550 and lets the command change nothing. They let every scenario
// that expects a verb to succeed, or to fail, catch a mutant.
#include <string>

#include "mutant.hpp"

namespace ehlo::mutants {

namespace {

struct VerbInfo {
    Verb verb;
    const char* name;     ///< lower case, for the mutant's name
    const char* section;  ///< the section that defines the verb
};

constexpr VerbInfo verbs[] = {
    {Verb::ehlo, "ehlo", "5321#4.1.1.1"},     {Verb::helo, "helo", "5321#4.1.1.1"},
    {Verb::mail, "mail", "5321#4.1.1.2"},     {Verb::rcpt, "rcpt", "5321#4.1.1.3"},
    {Verb::data, "data", "5321#4.1.1.4"},     {Verb::rset, "rset", "5321#4.1.1.5"},
    {Verb::vrfy, "vrfy", "5321#4.1.1.6"},     {Verb::expn, "expn", "5321#4.1.1.7"},
    {Verb::help, "help", "5321#4.1.1.8"},     {Verb::noop, "noop", "5321#4.1.1.9"},
    {Verb::quit, "quit", "5321#4.1.1.10"},    {Verb::starttls, "starttls", "3207#4"},
    {Verb::auth, "auth", "4954#4"},           {Verb::bdat, "bdat", "3030#2"},
    {Verb::unknown, "unknown", "5321#4.2.4"},
};

/// The reply to this verb is in this step: its command line, or for BDAT the end of its
/// chunk, for AUTH the client's responses.
bool answers(const StepContext& step, Verb verb) {
    if (step.verb != verb) return false;
    return step.on == On::command || (verb == Verb::bdat && step.on == On::chunk_end) ||
           (verb == Verb::auth && step.on == On::auth_response);
}

Mutant accept(const VerbInfo& info) {
    std::string upper_name = upper(info.name);
    Verb verb = info.verb;
    return on_step("accept-" + std::string(info.name), info.section,
                   "every 4xx or 5xx reply to " + upper_name + " becomes success",
                   [verb](StepContext& step) {
                       if (!answers(step, verb) || step.code() < 400) return;
                       if (verb == Verb::data) return step.reply(354, "", "Start mail input");
                       if (verb == Verb::auth) return step.reply(235, "2.7.0", "Authenticated");
                       step.reply(250, "2.0.0", "OK");
                   });
}

/// A BDAT whose chunk is about to be read is turned into a refused one: the chunk is read and
/// discarded, then answered 550.
void refuse_chunk(StepContext& step) {
    if (step.session.state != State::chunk || step.session.chunk.refused) return;
    server::Chunk chunk = step.session.chunk;
    step.undo();
    chunk.refused = true;
    chunk.resume = step.before.state;
    chunk.reply = protocol::Reply{protocol::ReplyId::ok, 550, "5.0.0", {"Refused"}, "mutant"};
    step.session.chunk = std::move(chunk);
    step.session.state = State::chunk;
}

Mutant refuse(const VerbInfo& info) {
    std::string upper_name = upper(info.name);
    Verb verb = info.verb;
    return on_step(
        "refuse-" + std::string(info.name), info.section,
        "every success reply to " + upper_name + " becomes 550, and the command does nothing",
        [verb](StepContext& step) {
            if (verb == Verb::bdat && step.is(Verb::bdat)) return refuse_chunk(step);
            if (!answers(step, verb) || step.code() == 0 || step.code() >= 400) return;
            step.undo();
            step.reply(550, "5.0.0", "Refused");
        });
}

}  // namespace

void add_verb_mutants(std::vector<Mutant>& out) {
    for (const VerbInfo& info : verbs) {
        // NOOP is never refused, so there is nothing to accept.
        if (info.verb != Verb::noop) out.push_back(accept(info));
    }
    for (const VerbInfo& info : verbs) {
        // An unknown command never succeeds, and EXPN's 252 (cannot expand) refused is still a
        // reply the RFC allows (§3.5.2), so there is nothing to refuse.
        if (info.verb != Verb::unknown && info.verb != Verb::expn) out.push_back(refuse(info));
    }
}

}  // namespace ehlo::mutants
