// Layer: conformance/scenario (pure). The requirement catalog (docs/requirements.tsv): one row
// per normative statement of the RFCs the suite covers, with a stable id, its RFC 2119 keyword
// and the side it binds. Scenarios cite rows (`requirements:`), and what a scenario may
// conclude follows from them: only a row that binds the server with MUST, MUST NOT, REQUIRED,
// SHALL or SHALL NOT lets a broken expectation FAIL; a SHOULD row gives WARN at most, a MAY row
// INFO, and a row that binds the client or a relay, or no row at all, WARN at most. Reading the
// suite's files is left to scenario_parser.hpp, checking a scenario against the catalog to
// scenario_lint.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace ehlo::scenario {

/// One row of the catalog.
struct Requirement {
    std::string id;       ///< `5321-4.1.4-c`: RFC, section, a letter per statement
    int rfc = 0;          ///< 5321
    std::string section;  ///< `4.1.4`
    std::string keyword;  ///< as the RFC writes it: `MUST`, `SHOULD NOT`, `must`, `implied`, ...
    std::string binds;    ///< `server`, `client`, `both` or `relay`
    std::string summary;  ///< the statement, in a sentence of our own
};

/// The rows of the catalog, in file order.
class Catalog {
  public:
    /// Reads the tab-separated text of docs/requirements.tsv (a header line, then rows of
    /// id, rfc, section, keyword, binds, observable, why_not, summary). Rows it cannot read
    /// are listed in `errors()`.
    static Catalog parse(std::string_view tsv);

    /// The row named `id`, or null.
    const Requirement* find(std::string_view id) const;
    const std::vector<Requirement>& rows() const { return rows_; }
    const std::vector<std::string>& errors() const { return errors_; }

  private:
    std::vector<Requirement> rows_;
    std::vector<std::string> errors_;
};

/// The catalog built into the program, from docs/requirements.tsv at build time.
const Catalog& builtin_catalog();

/// The strongest verdict a broken expectation may earn through `row` when `judged` is the side
/// under test, as a level: `must` (FAIL) for a MUST, MUST NOT, REQUIRED, SHALL or SHALL NOT
/// that binds that side or both; `should` (WARN) for such a SHOULD, SHOULD NOT, RECOMMENDED or
/// an implied rule; `may` (INFO) for MAY or OPTIONAL; `should` (WARN) for any row binding only
/// the other side or a relay.
Level allowed_level(const Requirement& row, Role judged = Role::server);

/// The weaker of two levels (MUST is the strongest, INFO the weakest).
Level weaker(Level a, Level b);

/// What applying the catalog to a scenario gives: the ids it cites that the catalog lacks.
struct CatalogCheck {
    std::vector<std::string> unknown;
};

/// Fills `scenario.cited` from `scenario.requirements` and sets `scenario.ceiling`, the
/// strongest level any cited row allows (`should` when it cites none); the level the run
/// judges by is `effective_level(scenario)`. For a client scenario it also fills
/// `scenario.check_rows`, the rows of the checks every client gets (client_checks.hpp).
CatalogCheck apply_catalog(Scenario& scenario, const Catalog& catalog);

/// The level a run judges `scenario` by: the weaker of its `level:` and its ceiling.
Level effective_level(const Scenario& scenario);

/// The row of `cited` that allows `level`, the first such in the order cited; null when none
/// does.
const CitedRequirement* row_allowing(const std::vector<CitedRequirement>& cited, Level level);

}  // namespace ehlo::scenario
