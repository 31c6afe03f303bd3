// The hooks through which a client mutant acts on one session, the list of all client mutants,
// and the helpers they share.
#include "client_mutant.hpp"

namespace ehlo::client_mutants {

namespace {

/// One session's view of one mutant.
class ClientMutantHooks final : public client::ClientHooks {
  public:
    explicit ClientMutantHooks(const ClientMutant& mutant) : mutant_(mutant) {}

    void received(const client::Session& session, wire::WireReply& reply) override {
        if (mutant_.reply) mutant_.reply(session, reply);
    }
    void sending_command(const client::Session& session, std::string& line) override {
        if (mutant_.command) mutant_.command(session, line);
    }
    void sending_data(const client::Session& session, std::string& data) override {
        if (mutant_.data) mutant_.data(session, data);
    }
    bool decide(const client::Session& session, Decision decision, bool chosen) override {
        if (!mutant_.choose || decision != mutant_.decision) return chosen;
        bool choice = mutant_.choose(session, chosen, overturned_);
        if (choice != chosen) ++overturned_;
        return choice;
    }

  private:
    const ClientMutant& mutant_;
    std::size_t overturned_ = 0;
};

std::vector<ClientMutant> build_all() {
    std::vector<ClientMutant> all;
    add_client_wire_mutants(all);
    add_client_reply_mutants(all);
    add_client_extension_mutants(all);
    return all;
}

}  // namespace

const std::vector<ClientMutant>& all_client_mutants() {
    static const std::vector<ClientMutant> all = build_all();
    return all;
}

const ClientMutant* find_client_mutant(std::string_view name) {
    for (const ClientMutant& mutant : all_client_mutants()) {
        if (mutant.name == name) return &mutant;
    }
    return nullptr;
}

std::unique_ptr<client::ClientHooks> make_client_hooks(const ClientMutant& mutant) {
    return std::make_unique<ClientMutantHooks>(mutant);
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    std::size_t at = 0;
    while ((at = text.find(from, at)) != std::string::npos) {
        text.replace(at, from.size(), to);
        at += to.size();
    }
}

}  // namespace ehlo::client_mutants
