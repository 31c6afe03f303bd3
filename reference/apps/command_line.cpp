// Layer: apps. What the programs' command lines share: see command_line.hpp. CMake compiles this
// one file with EHLO_VERSION (the project's version) and EHLO_COMMIT (cmake/version.cmake).
#include "apps/command_line.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <regex>
#include <vector>

#ifndef EHLO_VERSION
#error "EHLO_VERSION comes from CMake (cmake/version.cmake)"
#endif
#ifndef EHLO_COMMIT
#define EHLO_COMMIT "unknown"
#endif

namespace ehlo::apps {

namespace {

/// The number of one-character edits from `a` to `b` (Levenshtein distance).
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

/// "; did you mean --server?" for a misspelt `--sever`, or nothing when no option is close.
std::string suggestion(const std::string& given, const CLI::App& app) {
    std::string best;
    std::size_t best_distance = 3;  // at most two edits away
    for (const CLI::Option* option : app.get_options()) {
        for (const std::string& name : option->get_lnames()) {
            std::size_t distance = edit_distance(given, "--" + name);
            if (distance < best_distance) {
                best_distance = distance;
                best = "--" + name;
            }
        }
    }
    return best.empty() ? std::string() : "; did you mean " + best + "?";
}

/// "--server HOST[:PORT]": an option with the kind of value it takes; "MESSAGE-FILE" for an
/// argument.
std::string with_value(const CLI::Option& option) {
    if (option.get_positional() && !option.get_type_name().empty()) return option.get_type_name();
    std::string name = option.get_name();
    if (option.get_expected_max() == 0 || option.get_type_name().empty()) return name;
    return name + " " + option.get_type_name();
}

bool numeric_type(const std::string& type) {
    return type == "N" || type == "SECONDS" || type == "F" || type == "INT" || type == "UINT" ||
           type == "FLOAT" || type == "NUMBER";
}

/// A bound as CLI11 prints it ("0.001000") shortened ("0.001").
std::string short_number(const std::string& text) {
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (end == text.c_str()) return text;
    char shown[32];
    std::snprintf(shown, sizeof shown, "%.15g", value);
    return shown;
}

/// Words left over that no option took: an unknown option, or an argument too many.
std::string explain_extras(const std::vector<std::string>& extras, const CLI::App& app) {
    const std::string& first = extras.front();
    if (first.size() > 1 && first.front() == '-') {
        std::string name = first.substr(0, first.find('='));
        return "unknown option '" + name + "'" + suggestion(name, app);
    }
    std::string room;
    for (const CLI::Option* option : app.get_options())
        if (option->get_positional()) room += (room.empty() ? "" : " and ") + with_value(*option);
    if (room.empty()) return "unexpected argument '" + first + "': only options are taken";
    return "unexpected argument '" + first + "': there is room for one " + room +
           " only, and each option takes one value (repeat the option for more; quote a value "
           "with spaces)";
}

/// The required options not given, each with the kind of value it takes.
std::string explain_missing(const CLI::App& app) {
    std::vector<std::string> missing;
    for (const CLI::Option* option : app.get_options())
        if (option->get_required() && option->count() == 0) missing.push_back(with_value(*option));
    if (missing.empty()) return {};
    std::string list;
    for (std::size_t i = 0; i < missing.size(); ++i)
        list += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
    return "missing " + list + ": " + (missing.size() == 1 ? "it is" : "they are") + " required";
}

/// A value an option's check refused, CLI11's wording made plain.
std::string explain_value(const std::string& message) {
    static const std::regex range(R"(Value (.*) not in range (\S+) to (\S+))");
    static const std::regex unconverted(R"(Value (.*) could not be converted)");
    static const std::regex not_member(R"((.*) not in \{(.*)\})");
    std::smatch m;
    if (std::regex_match(message, m, range)) {
        std::string bounds = short_number(m[2]) + " to " + short_number(m[3]);
        char* end = nullptr;
        std::string value = m[1];
        std::strtod(value.c_str(), &end);
        bool number = !value.empty() && end == value.c_str() + value.size();
        return "'" + value + (number ? "' is out of range: give " : "' is not a number: give ") +
               "a number from " + bounds;
    }
    if (std::regex_match(message, m, unconverted)) return "'" + m[1].str() + "' is not a number";
    if (std::regex_match(message, m, not_member))
        return "'" + m[1].str() + "' is not one of " +
               std::regex_replace(m[2].str(), std::regex(","), ", ");
    const std::string no_file = "File does not exist: ", no_dir = "Directory does not exist: ";
    if (message.starts_with(no_file))
        return "no file '" + message.substr(no_file.size()) + "': check the path";
    if (message.starts_with(no_dir))
        return "no folder '" + message.substr(no_dir.size()) + "': check the path";
    if (message.starts_with("File is actually a directory: "))
        return "'" + message.substr(message.find(": ") + 2) + "' is a folder, not a file";
    return message;
}

/// "NAME: message": the option named by CLI11's message, and the rest.
const CLI::Option* named_option(const std::string& message, const CLI::App& app,
                                std::string& rest) {
    std::size_t colon = message.find(": ");
    if (colon == std::string::npos) return nullptr;
    rest = message.substr(colon + 2);
    return app.get_option_no_throw(message.substr(0, colon));
}

std::string explain_option_error(const CLI::ParseError& error, const CLI::App& app) {
    const std::string message = error.what();
    std::smatch m;
    static const std::regex value_missing(R"((\S+): \d+ required (\S+) missing)");
    static const std::regex unconvertible(R"(Could not convert: (\S+) = (.*))");
    static const std::regex pair(R"((\S+) (excludes|requires) (\S+))");
    if (std::regex_match(message, m, value_missing))
        return m[1].str() + " needs a value: " + m[1].str() + " " + m[2].str();
    if (std::regex_match(message, m, unconvertible)) {
        const CLI::Option* option = app.get_option_no_throw(m[1].str());
        if (option != nullptr && option->get_expected_max() == 0)
            return m[1].str() + " takes no value: write " + m[1].str() + " alone";
        bool number = option != nullptr && numeric_type(option->get_type_name());
        return m[1].str() + ": '" + m[2].str() + "' is not " + (number ? "a number" : "valid here");
    }
    if (std::regex_match(message, m, pair)) {
        if (m[2] == "excludes")
            return m[1].str() + " and " + m[3].str() + " exclude each other: give one of them";
        return m[1].str() + " goes with " + m[3].str() + ": add " + m[3].str() + ", or leave out " +
               m[1].str();
    }
    if (message.ends_with(": too many inputs for a flag") ||
        message.ends_with(" was given a disallowed flag override"))
        return message.substr(0, message.find_first_of(": ")) + " takes no value";
    std::string rest;
    if (const CLI::Option* option = named_option(message, app, rest))
        return option->get_name() + ": " + explain_value(rest);
    return message;
}

}  // namespace

const char* version_number() {
    return EHLO_VERSION;
}

std::string version_text(std::string_view program) {
    return std::string(program) + " " + EHLO_VERSION + "\ncommit: " + EHLO_COMMIT +
           "\nOpenSSL: " + OpenSSL_version(OPENSSL_VERSION);
}

std::string explain_parse_error(const CLI::ParseError& error, const CLI::App& app) {
    // CLI11 checks values and required options before it looks at the words left over: a
    // misspelt option (--sever) would be reported as a missing one (--server), and its value as
    // a stray argument. The misspelling is the mistake to name.
    const std::vector<std::string> extras = app.remaining();
    bool unknown_option =
        !extras.empty() && extras.front().size() > 1 && extras.front().front() == '-';
    if (unknown_option ||
        (!extras.empty() && (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr ||
                             dynamic_cast<const CLI::RequiredError*>(&error) != nullptr)))
        return explain_extras(extras, app);
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
        std::string missing = explain_missing(app);
        if (!missing.empty()) return missing;
    }
    return explain_option_error(error, app);
}

int usage_error(std::string_view program, const std::string& problem) {
    std::cerr << program << ": " << problem << "\nSee '" << program << " --help' for the options."
              << std::endl;
    return 2;
}

int parse_error_exit(const CLI::ParseError& error, CLI::App& app, std::string_view program) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success))
        return app.exit(error);  // --help, --version
    return usage_error(program, explain_parse_error(error, app));
}

}  // namespace ehlo::apps
