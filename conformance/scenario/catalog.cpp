// Layer: conformance/scenario (pure). See catalog.hpp: the requirement catalog and the ceiling
// its rows put on a scenario's verdicts.
#include "scenario/catalog.hpp"

#include <algorithm>
#include <cctype>

#include "scenario/client_checks.hpp"
#include "scenario/text.hpp"

namespace ehlo::scenario {

namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> fields;
    while (true) {
        const auto tab = line.find('\t');
        fields.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) return fields;
        line.remove_prefix(tab + 1);
    }
}

bool binds_server(std::string_view binds) {
    return binds == "server" || binds == "both";
}

bool binds_client(std::string_view binds) {
    return binds == "client" || binds == "both";
}

// One data line of the TSV into `row`; false when it does not have the eight columns.
bool parse_row(std::string_view line, Requirement& row) {
    const auto fields = split_tabs(line);
    if (fields.size() != 8 || fields[0].empty()) return false;
    const auto rfc = fields[1];
    if (rfc.empty() ||
        !std::all_of(rfc.begin(), rfc.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    row = {std::string(fields[0]), std::stoi(std::string(rfc)), std::string(fields[2]),
           std::string(fields[3]), std::string(fields[4]),      std::string(fields[7])};
    return true;
}

}  // namespace

Catalog Catalog::parse(std::string_view tsv) {
    Catalog catalog;
    int number = 0;
    while (!tsv.empty()) {
        const auto end = tsv.find('\n');
        auto line = tsv.substr(0, end);
        tsv = end == std::string_view::npos ? std::string_view{} : tsv.substr(end + 1);
        ++number;
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (number == 1 || line.empty()) continue;  // the header names the columns
        Requirement row;
        if (!parse_row(line, row)) {
            catalog.errors_.push_back("requirements.tsv:" + std::to_string(number) +
                                      ": not eight tab-separated columns with an id and an RFC");
        } else if (catalog.find(row.id) != nullptr) {
            catalog.errors_.push_back("requirements.tsv:" + std::to_string(number) + ": id " +
                                      row.id + " given twice");
        } else {
            catalog.rows_.push_back(std::move(row));
        }
    }
    return catalog;
}

const Requirement* Catalog::find(std::string_view id) const {
    const auto found = std::find_if(rows_.begin(), rows_.end(),
                                    [&](const Requirement& row) { return row.id == id; });
    return found == rows_.end() ? nullptr : &*found;
}

// RFC 2119 §1 to RFC 2119 §5 name the keywords; a row binding only the client or a relay is not the
// server's to keep, so it never lets a server FAIL.
Level allowed_level(const Requirement& row, Role judged) {
    const bool binds_judged =
        judged == Role::server ? binds_server(row.binds) : binds_client(row.binds);
    if (!binds_judged) return Level::should;
    const std::string keyword = upper(row.keyword);
    if (keyword == "MUST" || keyword == "MUST NOT" || keyword == "REQUIRED" || keyword == "SHALL" ||
        keyword == "SHALL NOT") {
        return Level::must;
    }
    if (keyword == "MAY" || keyword == "OPTIONAL") return Level::may;
    return Level::should;  // SHOULD, SHOULD NOT, RECOMMENDED, and rules only implied
}

Level weaker(Level a, Level b) {
    return a < b ? b : a;  // declared MUST first: a larger value is weaker
}

namespace {

// The rows of the checks every client gets, each once; a row the catalog lacks is reported
// like one the scenario cites.
void add_check_rows(Scenario& scenario, const Catalog& catalog, CatalogCheck& check) {
    scenario.check_rows.clear();
    for (const ClientCheckRow& entry : client_checks) {
        const std::string id(entry.requirement);
        const auto known = [&](const CitedRequirement& row) { return row.id == id; };
        if (std::any_of(scenario.check_rows.begin(), scenario.check_rows.end(), known)) continue;
        const Requirement* row = catalog.find(id);
        if (row == nullptr) {
            check.unknown.push_back(id);
            continue;
        }
        scenario.check_rows.push_back(
            {row->id, row->keyword, row->binds, row->summary, allowed_level(*row, Role::client)});
    }
}

}  // namespace

CatalogCheck apply_catalog(Scenario& scenario, const Catalog& catalog) {
    CatalogCheck check;
    scenario.cited.clear();
    scenario.ceiling = Level::should;  // no row: WARN at most
    bool first = true;
    for (const std::string& id : scenario.requirements) {
        const Requirement* row = catalog.find(id);
        if (row == nullptr) {
            check.unknown.push_back(id);
            continue;
        }
        const Level allows = allowed_level(*row, scenario.role);
        scenario.cited.push_back({row->id, row->keyword, row->binds, row->summary, allows});
        scenario.ceiling = first ? allows : std::min(scenario.ceiling, allows);
        first = false;
    }
    if (scenario.role == Role::client) add_check_rows(scenario, catalog, check);
    return check;
}

Level effective_level(const Scenario& scenario) {
    return weaker(scenario.level, scenario.ceiling);
}

const CitedRequirement* row_allowing(const std::vector<CitedRequirement>& cited, Level level) {
    const auto found = std::find_if(cited.begin(), cited.end(), [&](const CitedRequirement& row) {
        return row.allows <= level;
    });
    return found == cited.end() ? nullptr : &*found;
}

}  // namespace ehlo::scenario
