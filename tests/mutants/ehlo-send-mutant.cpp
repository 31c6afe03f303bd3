// ehlo-send-mutant: the reference client with one rule broken on purpose, for showing that a
// test of SMTP clients catches it (docs/mutants.md, Client mutants). Never a client to use.
//
//   ehlo-send-mutant --list
//   ehlo-send-mutant --mutant NAME [ehlo-send options]
#include <cstring>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "apps/send_main.hpp"
#include "client_mutant.hpp"
#include "protocol/citation.hpp"

namespace {

using namespace ehlo;

void list_mutants() {
    for (const client_mutants::ClientMutant& mutant : client_mutants::all_client_mutants()) {
        std::cout << std::left << std::setw(30) << mutant.name << ' ' << std::setw(21)
                  << protocol::citation_text(mutant.section) << ' ' << mutant.rule << '\n';
    }
}

int usage(const std::string& problem) {
    std::cerr << "ehlo-send-mutant: " << problem
              << "\nUsage: ehlo-send-mutant --list | --mutant NAME [ehlo-send options]"
              << std::endl;
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    // --mutant NAME and --list are ours; every other argument goes to the client.
    std::vector<char*> rest{argv[0]};
    const client_mutants::ClientMutant* mutant = nullptr;
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
        mutant = client_mutants::find_client_mutant(argv[++i]);
        if (!mutant) return usage(std::string("no mutant '") + argv[i] + "'; see --list");
    }
    if (!mutant) return usage("name the mutant with --mutant NAME");
    apps::SendVariant variant;
    variant.program = "ehlo-send-mutant";
    variant.description = "Ehlo reference SMTP client with one rule broken: " + mutant->name;
    variant.adjust_settings = [mutant](client::Settings& settings) {
        settings.make_hooks = [mutant] { return client_mutants::make_client_hooks(*mutant); };
    };
    rest.push_back(nullptr);
    return apps::run_send(static_cast<int>(rest.size()) - 1, rest.data(), variant);
}
