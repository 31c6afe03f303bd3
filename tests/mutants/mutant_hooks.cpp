// The hooks through which a mutant acts on one connection, the list of all mutants, and the
// helpers the mutants share.
#include <algorithm>
#include <cctype>
#include <utility>
#include <variant>

#include "mutant.hpp"

namespace ehlo::mutants {

namespace {

/// Which event `event` is, for StepContext::on.
On event_kind(const server::Event& event) {
    namespace ev = server::event;
    if (std::holds_alternative<ev::Connected>(event)) return On::greeting;
    if (std::holds_alternative<ev::CommandLine>(event)) return On::command;
    if (std::holds_alternative<ev::LineFault>(event)) return On::line_fault;
    if (std::holds_alternative<ev::AuthResponse>(event)) return On::auth_response;
    if (std::holds_alternative<ev::DataEnd>(event)) return On::data_end;
    if (std::holds_alternative<ev::ChunkEnd>(event)) return On::chunk_end;
    if (std::holds_alternative<ev::Stored>(event)) return On::stored;
    if (std::holds_alternative<ev::TlsStarted>(event)) return On::tls_started;
    return On::other;
}

Snapshot snapshot(const server::Session& session) {
    return Snapshot{session.state, session.envelope, session.client_domain, session.extended,
                    session.auth.authenticated()};
}

/// One connection's view of one mutant.
class MutantHooks final : public server::ConnectionHooks {
  public:
    explicit MutantHooks(const Mutant& mutant) : mutant_(mutant) {}

    void received(const server::Session& session, std::string& bytes) override {
        if (!mutant_.input) return;
        InputContext context{session, bytes, held_};
        mutant_.input(context);
    }

    server::Outcome step(server::Session& session, server::Event event,
                         const server::Policy& policy) override {
        if (!mutant_.step) return server::step(session, std::move(event), policy);
        const On on = event_kind(event);
        std::string line;
        if (const auto* command = std::get_if<server::event::CommandLine>(&event)) {
            line = std::string(command->line);
            last_verb_ = command->parsed.verb;
        }
        const Snapshot before = snapshot(session);
        server::Outcome outcome = server::step(session, std::move(event), policy);
        StepContext context{on, last_verb_, line, before, session, policy, outcome};
        mutant_.step(context);
        return outcome;
    }

    void replying(const server::Session& session, std::string& text) override {
        if (mutant_.replies) mutant_.replies(session, text);
    }

  private:
    const Mutant& mutant_;
    Verb last_verb_ = Verb::unknown;
    std::string held_;
};

std::vector<Mutant> build_all() {
    std::vector<Mutant> all;
    add_verb_mutants(all);
    add_session_mutants(all);
    add_reply_mutants(all);
    add_data_mutants(all);
    add_extension_mutants(all);
    return all;
}

}  // namespace

void StepContext::reply(int code, std::string enhanced, std::string text) {
    std::vector<std::string> lines{std::move(text)};
    if (lines.front().empty() && outcome.reply) lines = outcome.reply->lines;
    outcome.reply = protocol::Reply{protocol::ReplyId::ok, code, std::move(enhanced),
                                    std::move(lines), "mutant"};
}

void StepContext::undo() {
    server::force_state_for_mutants(session, before.state);
    session.envelope = before.envelope;
    session.client_domain = before.client_domain;
    session.extended = before.extended;
    if (!before.authenticated) session.auth.identity.reset();
    if (before.state != State::authenticating) session.auth.exchange.reset();
    outcome.actions.clear();
    outcome.edges.clear();
}

void StepContext::close() {
    outcome.actions.push_back({server::Action::Kind::close, {}});
}

void set_state(server::Session& session, State state) {
    server::force_state_for_mutants(session, state);
}

const std::vector<Mutant>& all_mutants() {
    static const std::vector<Mutant> all = build_all();
    return all;
}

const Mutant* find_mutant(std::string_view name) {
    for (const Mutant& mutant : all_mutants()) {
        if (mutant.name == name) return &mutant;
    }
    return nullptr;
}

std::unique_ptr<server::ConnectionHooks> make_hooks(const Mutant& mutant) {
    return std::make_unique<MutantHooks>(mutant);
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string_view path_of(std::string_view line) {
    auto open = line.find('<');
    auto close = line.find('>', open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos) return {};
    return line.substr(open + 1, close - open - 1);
}

void replace_all(std::string& text, std::string_view from, std::string_view to,
                 std::optional<char> unless_after) {
    std::size_t at = 0;
    while ((at = text.find(from, at)) != std::string::npos) {
        if (unless_after && at > 0 && text[at - 1] == *unless_after) {
            at += 1;
            continue;
        }
        text.replace(at, from.size(), to);
        at += to.size();
    }
}

}  // namespace ehlo::mutants

namespace ehlo::server {

// The escape of state.hpp, here and nowhere else: a mutant breaks the state tables on purpose.
void force_state_for_mutants(Session& session, State to) {
    session.state.value_ = to;
}

}  // namespace ehlo::server
