// Layer: conformance/scenario. The scenario file as a whole (docs/scenario-format.md): lines,
// comments, the header fields and the checks that need every line; steps are read by
// StepParser. Also finds and reads the files of the suite, whose ids are their paths.
#include "scenario/scenario_parser.hpp"
#include "scenario/text.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "scenario/client_step_parser.hpp"
#include "scenario/step_parser.hpp"

namespace ehlo::scenario {

namespace {

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    while (!(s = trim(s)).empty()) {
        const auto end = s.find_first_of(" \t");
        out.push_back(s.substr(0, end));
        s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
    }
    return out;
}

bool all_of(std::string_view s, bool (*pred)(char)) {
    return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool digit(char c) {
    return c >= '0' && c <= '9';
}
bool tag_char(char c) {
    return digit(c) || (c >= 'a' && c <= 'z') || c == '-';
}

// `5321#4.1.4`, `5321#D.1`: an RFC number, `#`, a section (an appendix is a capital letter).
bool parse_ref(std::string_view word, Ref& ref) {
    const auto hash = word.find('#');
    if (hash == std::string_view::npos || !all_of(word.substr(0, hash), digit) || word[0] == '0' ||
        hash > 5) {
        return false;
    }
    const auto section = word.substr(hash + 1);
    std::size_t start = 0;
    for (std::size_t part = 0; start <= section.size(); ++part) {
        const auto dot = std::min(section.find('.', start), section.size());
        const auto piece = section.substr(start, dot - start);
        const bool appendix = part == 0 && piece.size() == 1 && piece[0] >= 'A' && piece[0] <= 'Z';
        if (!appendix && !all_of(piece, digit)) return false;
        start = dot + 1;
    }
    ref = {std::stoi(std::string(word.substr(0, hash))), std::string(section)};
    return true;
}

constexpr std::string_view asks_words[] = {"plain", "starttls", "tls", "auth"};
constexpr std::string_view outcome_words[] = {"either", "delivered", "refused"};

// Reads the header fields into a scenario and knows which were given where.
class HeaderParser {
  public:
    HeaderParser(Scenario& scenario, std::vector<ParseError>& errors)
        : scenario_(scenario), errors_(errors) {}

    void field(int number, std::string_view name, std::string_view value);
    void finish();

  private:
    void refs(int number, std::string_view value);
    void requirements(int number, std::string_view value);
    void level(int number, std::string_view value);
    void requires_field(int number, std::string_view value);
    void tags(int number, std::string_view value);
    void role(int number, std::string_view value);
    void client_field(int number, std::string_view name, std::string_view value);
    void message(int number, std::string_view value);
    void error(int number, std::string message) { errors_.push_back({number, std::move(message)}); }

    Scenario& scenario_;
    std::vector<ParseError>& errors_;
    std::vector<std::pair<std::string, int>> seen_;
};

void HeaderParser::field(int number, std::string_view name, std::string_view value) {
    static constexpr std::string_view known[] = {"title",    "refs",    "requirements", "level",
                                                 "requires", "tags",    "role",         "asks",
                                                 "outcome",  "message", "opening",      "refusal"};
    if (std::find(std::begin(known), std::end(known), name) == std::end(known)) {
        return error(number,
                     "unknown header field '" + std::string(name) +
                         "' (known: title, refs, requirements, level, requires, tags, "
                         "role, and for role: client asks, outcome, message, opening, refusal)");
    }
    for (const auto& [seen, line] : seen_) {
        if (seen == name) {
            return error(number, "header field '" + seen + "' given twice (first on line " +
                                     std::to_string(line) + ")");
        }
    }
    seen_.emplace_back(name, number);
    if (value.empty()) return error(number, "header field '" + std::string(name) + "' is empty");
    if (name == "title") scenario_.title = std::string(value);
    if (name == "refs") refs(number, value);
    if (name == "requirements") requirements(number, value);
    if (name == "level") level(number, value);
    if (name == "requires") requires_field(number, value);
    if (name == "tags") tags(number, value);
    if (name == "role") role(number, value);
    if (name == "asks" || name == "outcome" || name == "message" || name == "opening" ||
        name == "refusal") {
        client_field(number, name, value);
    }
}

void HeaderParser::role(int number, std::string_view value) {
    if (value == "client") {
        scenario_.role = Role::client;
    } else if (value != "server") {
        error(number, "role is server (the default) or client, not '" + std::string(value) + "'");
    }
}

// The fields of a client scenario; `role: client` must come before them.
void HeaderParser::client_field(int number, std::string_view name, std::string_view value) {
    if (scenario_.role != Role::client) {
        return error(number, std::string(name) +
                                 " belongs to a client scenario: put "
                                 "role: client before it");
    }
    ClientScript& client = scenario_.client;
    const std::string given(value);
    if (name == "asks") {
        const auto ask = std::find(std::begin(asks_words), std::end(asks_words), value);
        if (ask == std::end(asks_words)) {
            return error(number, "asks is plain, starttls, tls or auth, not '" + given + "'");
        }
        client.ask = static_cast<Ask>(ask - std::begin(asks_words));
    } else if (name == "outcome") {
        const auto outcome = std::find(std::begin(outcome_words), std::end(outcome_words), value);
        if (outcome == std::end(outcome_words)) {
            return error(number, "outcome is either, delivered or refused, not '" + given + "'");
        }
        client.outcome = static_cast<Outcome>(outcome - std::begin(outcome_words));
    } else if (name == "refusal") {
        if (value != "allowed") return error(number, "refusal is allowed, not '" + given + "'");
        client.refusal_allowed = true;
    } else if (name == "opening") {
        if (value != "standard") return error(number, "opening is standard, not '" + given + "'");
        client.standard_opening = true;
    } else {
        message(number, value);
    }
}

void HeaderParser::message(int number, std::string_view value) {
    std::string why;
    auto text = parse_text(value, message_variable_names, why);
    if (!text) return error(number, "message: " + why);
    scenario_.client.message = std::move(*text);
}

void HeaderParser::refs(int number, std::string_view value) {
    for (auto word : words(value)) {
        Ref ref;
        if (!parse_ref(word, ref)) {
            return error(number, "'" + std::string(word) +
                                     "' is not a reference like 5321#4.1.4 (RFC#section)");
        }
        scenario_.refs.push_back(ref);
    }
}

// Catalog row ids such as `5321-4.1.4-c`; whether the catalog has them is checked when the
// suite is loaded (catalog.hpp), so this only reads their shape.
void HeaderParser::requirements(int number, std::string_view value) {
    for (auto word : words(value)) {
        if (!is_requirement_id(word)) {
            return error(number, "'" + std::string(word) +
                                     "' is not a requirement id like 5321-4.1.4-c "
                                     "(a row of docs/requirements.tsv)");
        }
        scenario_.requirements.emplace_back(word);
    }
}

void HeaderParser::level(int number, std::string_view value) {
    if (value == "MUST") {
        scenario_.level = Level::must;
    } else if (value == "SHOULD") {
        scenario_.level = Level::should;
    } else if (value == "MAY") {
        scenario_.level = Level::may;
    } else if (value == "INFO") {
        scenario_.level = Level::info;
    } else {
        error(number, "level is MUST, SHOULD, MAY or INFO, not '" + std::string(value) + "'");
    }
}

void HeaderParser::requires_field(int number, std::string_view value) {
    if (value == "-") return;
    for (auto word : words(value)) {
        if (!is_requirement_of_target(word)) {
            return error(number,
                         "requires lists EHLO keywords (PIPELINING STARTTLS), a keyword with one "
                         "of its parameters (AUTH=PLAIN, LIMITS=RCPTMAX) or -, not '" +
                             std::string(word) + "'");
        }
        std::string keyword(word);
        for (auto& c : keyword)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        scenario_.requires_keywords.push_back(keyword);
    }
}

void HeaderParser::tags(int number, std::string_view value) {
    for (auto word : words(value)) {
        if (!all_of(word, tag_char)) {
            return error(number, "a tag is lower-case letters, digits and -, not '" +
                                     std::string(word) + "'");
        }
        scenario_.tags.emplace_back(word);
    }
}

void HeaderParser::finish() {
    for (std::string_view name : {"title", "refs", "level", "requires"}) {
        const bool given = std::any_of(seen_.begin(), seen_.end(),
                                       [&](const auto& seen) { return seen.first == name; });
        if (!given) error(1, "missing header field '" + std::string(name) + "'");
    }
    if (scenario_.role == Role::client) {
        if (!scenario_.requires_keywords.empty()) {
            error(1, "a client scenario requires nothing of its target: write requires: -");
        }
        if (scenario_.client.message.empty()) {
            std::string why;
            scenario_.client.message = *parse_text(default_message(), message_variable_names, why);
        }
    }
}

// `opening: standard` puts the standard opening before the scenario's own steps, and its row
// among the scenario's.
void add_opening(Scenario& scenario) {
    ClientScript& client = scenario.client;
    if (!client.standard_opening) return;
    const auto& opening = standard_opening();
    client.steps.insert(client.steps.begin(), opening.begin(), opening.end());
    const std::string row(standard_opening_requirement());
    auto& rows = scenario.requirements;
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
}

// `name: value` with a lower-case name: a header field (steps are upper case or have no colon).
bool split_field(std::string_view line, std::string_view& name, std::string_view& value) {
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
        return false;
    }
    value = trim(line.substr(colon + 1));
    return true;
}

}  // namespace

ParseResult parse_scenario(std::string_view text, std::string id) {
    ParseResult result;
    result.scenario.id = std::move(id);
    HeaderParser header(result.scenario, result.errors);
    StepParser steps(result.scenario.steps, result.errors);
    ClientStepParser client_steps(result.scenario.client.steps, result.errors);
    const auto& role = result.scenario.role;
    int number = 0;
    int first_step = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++number;
        if (line.ends_with('\r')) line.remove_suffix(1);
        const auto content = trim(line);
        if (content.empty() || content.starts_with('#')) continue;
        std::string_view name;
        std::string_view value;
        if (split_field(content, name, value)) {
            if (first_step == 0) {
                header.field(number, name, value);
            } else {
                result.errors.push_back({number, "header field '" + std::string(name) +
                                                     "' after the first step (line " +
                                                     std::to_string(first_step) + ")"});
            }
            continue;
        }
        if (first_step == 0) first_step = number;
        if (role == Role::client) {
            client_steps.line(number, line);
        } else {
            steps.line(number, line);
        }
    }
    header.finish();
    if (role == Role::client) {
        client_steps.finish();
        add_opening(result.scenario);
    } else {
        steps.finish();
    }
    if (first_step == 0) result.errors.push_back({1, "no steps: a scenario needs C: and S: lines"});
    std::stable_sort(result.errors.begin(), result.errors.end(),
                     [](const auto& a, const auto& b) { return a.line < b.line; });
    return result;
}

std::string format_error(std::string_view file, const ParseError& error) {
    return std::string(file) + ":" + std::to_string(error.line) + ": " + error.message;
}

std::string scenario_id(const std::filesystem::path& root, const std::filesystem::path& file) {
    auto relative = file.lexically_relative(root);
    if (relative.extension() == ".smtp") relative.replace_extension();
    return relative.generic_string();
}

LoadResult load_scenario(const std::filesystem::path& root, const std::filesystem::path& file) {
    LoadResult result;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        result.errors.push_back(file.string() + ": cannot be read");
        return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = parse_scenario(text.str(), scenario_id(root, file));
    for (const auto& error : parsed.errors) {
        result.errors.push_back(format_error(file.string(), error));
    }
    result.scenario = std::move(parsed.scenario);
    return result;
}

std::vector<std::filesystem::path> find_scenario_files(const std::filesystem::path& root) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file() && entry.path().extension() == ".smtp") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace ehlo::scenario
