// The command line both mutant programs share: `--list`, or `--mutant NAME` among the options
// of the program they wrap (ehlo-server's or ehlo-send's), which get every other argument.
#pragma once

#include <cstring>
#include <string>
#include <vector>

namespace ehlo::mutants {

/// What the mutant program was asked: to list the mutants, or to run one named `name` with
/// `rest` as the wrapped program's arguments (argv[0] first, a null pointer last). `problem`
/// says what is wrong with the command line, when something is.
struct MutantArguments {
    bool list = false;
    std::string name;
    std::vector<char*> rest;
    std::string problem;
};

inline MutantArguments read_mutant_arguments(int argc, char** argv) {
    MutantArguments args;
    args.rest.push_back(argv[0]);
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--list") == 0) {
            args.list = true;
            return args;
        }
        if (std::strcmp(argv[i], "--mutant") != 0) {
            args.rest.push_back(argv[i]);
        } else if (i + 1 == argc) {
            args.problem = "--mutant needs a NAME";
            return args;
        } else {
            args.name = argv[++i];
        }
    }
    if (args.name.empty()) args.problem = "name the mutant with --mutant NAME";
    args.rest.push_back(nullptr);
    return args;
}

}  // namespace ehlo::mutants
