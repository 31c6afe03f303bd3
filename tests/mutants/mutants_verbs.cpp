// Two families, one mutant per verb: "accept-VERB" answers every refusal of that verb with
// success (the replies a command may get, RFC 5321 §4.3.2), and "refuse-VERB" answers every
// success of that verb with 550 and lets the command change nothing. They let every scenario
// that expects a verb to succeed, or to fail, catch a mutant.
#include <cctype>
#include <string>
#include <vector>

#include "mutant.hpp"

namespace ehlo::mutants {

namespace {

/// A verb as the mutants name it, from the verb table, and Verb::unknown for any other word.
struct VerbInfo {
    Verb verb;
    std::string name;     ///< lower case, for the mutant's name
    std::string section;  ///< the section that defines the verb
};

std::vector<VerbInfo> all_verbs() {
    std::vector<VerbInfo> out;
    for (const protocol::VerbRow& row : protocol::verb_table) {
        std::string name(row.name);
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.push_back({row.verb, name, std::string(row.section)});
    }
    out.push_back({Verb::unknown, "unknown", std::string(protocol::unknown_verb_section)});
    return out;
}

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
    return on_step("accept-" + info.name, info.section,
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
    // As the server does with a BDAT it refuses: read the chunk, then answer.
    step.outcome.edges.push_back(
        server::enter(step.session, State::chunk, server::Trigger::bdat_refused));
}

Mutant refuse(const VerbInfo& info) {
    std::string upper_name = upper(info.name);
    Verb verb = info.verb;
    return on_step(
        "refuse-" + info.name, info.section,
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
    const std::vector<VerbInfo> verbs = all_verbs();
    for (const VerbInfo& info : verbs) {
        // NOOP is never refused, so there is nothing to accept.
        if (info.verb != Verb::noop) out.push_back(accept(info));
    }
    for (const VerbInfo& info : verbs) {
        // An unknown command never succeeds, and EXPN's 252 (cannot expand) refused is still a
        // reply the RFC allows (RFC 5321 §3.5.2), so there is nothing to refuse.
        if (info.verb != Verb::unknown && info.verb != Verb::expn) out.push_back(refuse(info));
    }
}

}  // namespace ehlo::mutants
