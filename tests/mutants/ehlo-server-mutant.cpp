// ehlo-server-mutant: the reference server with one rule broken on purpose, for showing that
// the conformance suite catches it (docs/mutants.md). Never a server to use.
//
//   ehlo-server-mutant --list
//   ehlo-server-mutant --mutant NAME [ehlo-server options]
#include <cstring>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "apps/server_main.hpp"
#include "mutant.hpp"
#include "protocol/citation.hpp"

namespace {

using namespace ehlo;

void list_mutants() {
    for (const mutants::Mutant& mutant : mutants::all_mutants()) {
        std::cout << std::left << std::setw(30) << mutant.name << ' ' << std::setw(21)
                  << protocol::citation_text(mutant.section) << ' ' << mutant.rule << '\n';
    }
}

int usage(const std::string& problem) {
    std::cerr << "ehlo-server-mutant: " << problem
              << "\nUsage: ehlo-server-mutant --list | --mutant NAME [ehlo-server options]"
              << std::endl;
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    // --mutant NAME and --list are ours; every other argument goes to the server.
    std::vector<char*> rest{argv[0]};
    const mutants::Mutant* mutant = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--list") == 0) {
            list_mutants();
            return 0;
        }
        if (std::strcmp(argv[i], "--mutant") != 0) {
            rest.push_back(argv[i]);
            continue;
        }
        if (i + 1 == argc) return usage("--mutant needs a NAME");
        mutant = mutants::find_mutant(argv[++i]);
        if (!mutant) return usage(std::string("no mutant '") + argv[i] + "'; see --list");
    }
    if (!mutant) return usage("name the mutant with --mutant NAME");
    apps::ServerVariant variant;
    variant.program = "ehlo-server-mutant";
    variant.description = "Ehlo reference SMTP server with one rule broken: " + mutant->name;
    variant.adjust_policy = [mutant](server::Policy& policy) {
        if (mutant->policy) mutant->policy(policy);
        policy.make_hooks = [mutant] { return mutants::make_hooks(*mutant); };
    };
    rest.push_back(nullptr);
    return apps::run_server(static_cast<int>(rest.size()) - 1, rest.data(), variant);
}
