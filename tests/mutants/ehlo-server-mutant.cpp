// ehlo-server-mutant: the reference server with one rule broken on purpose, for showing that
// the conformance suite catches it (docs/mutants.md). Never a server to use.
//
//   ehlo-server-mutant --list
//   ehlo-server-mutant --mutant NAME [ehlo-server options]
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "apps/server_main.hpp"
#include "mutant.hpp"
#include "mutant_arguments.hpp"
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
    mutants::MutantArguments args = mutants::read_mutant_arguments(argc, argv);
    if (args.list) {
        list_mutants();
        return 0;
    }
    if (!args.problem.empty()) return usage(args.problem);
    const mutants::Mutant* mutant = mutants::find_mutant(args.name);
    if (!mutant) return usage("no mutant '" + args.name + "'; see --list");
    apps::ServerVariant variant;
    variant.program = "ehlo-server-mutant";
    variant.description = "Ehlo reference SMTP server with one rule broken: " + mutant->name;
    variant.adjust_policy = [mutant](server::Policy& policy) {
        if (mutant->policy) mutant->policy(policy);
        policy.make_hooks = [mutant] { return mutants::make_hooks(*mutant); };
    };
    return apps::run_server(static_cast<int>(args.rest.size()) - 1, args.rest.data(), variant);
}
