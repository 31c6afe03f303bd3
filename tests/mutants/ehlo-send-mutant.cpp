// ehlo-send-mutant: the reference client with one rule broken on purpose, for showing that a
// test of SMTP clients catches it (docs/mutants.md, Client mutants). Never a client to use.
//
//   ehlo-send-mutant --list
//   ehlo-send-mutant --mutant NAME [ehlo-send options]
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "apps/send_main.hpp"
#include "client_mutant.hpp"
#include "mutant_arguments.hpp"
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
    mutants::MutantArguments args = mutants::read_mutant_arguments(argc, argv);
    if (args.list) {
        list_mutants();
        return 0;
    }
    if (!args.problem.empty()) return usage(args.problem);
    const client_mutants::ClientMutant* mutant = client_mutants::find_client_mutant(args.name);
    if (!mutant) return usage("no mutant '" + args.name + "'; see --list");
    apps::SendVariant variant;
    variant.program = "ehlo-send-mutant";
    variant.description = "Ehlo reference SMTP client with one rule broken: " + mutant->name;
    variant.adjust_settings = [mutant](client::Settings& settings) {
        settings.make_hooks = [mutant] { return client_mutants::make_client_hooks(*mutant); };
    };
    return apps::run_send(static_cast<int>(args.rest.size()) - 1, args.rest.data(), variant);
}
