// Layer: conformance/scenario (pure). The lint of a scenario: what makes its verdicts claims a
// reader can trust, checked before it runs against anyone. A scenario must cite the catalog
// rows it tests (catalog.hpp); `level: MUST`, or an alternative marked `=> FAIL`, needs a cited
// row that binds the server with MUST (a client's MUST is not the server's); and `requires:`
// must name every extension, parameter and SASL mechanism its commands use
// (RFC 5321 §4.1.1.1: a client uses only what the EHLO reply offers), unless the scenario is tagged
// `unadvertised` because it sends something unoffered on purpose to see it refused.
// `ehlo-check --lint` runs it over a suite; the build's tests run it over the built-in one.
#pragma once

#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace ehlo::scenario {

/// What the scenario's commands use, as `requires:` would name it: `CHUNKING` for BDAT,
/// `AUTH=PLAIN` for AUTH PLAIN, `SIZE` for a SIZE= parameter, `PIPELINING` for `C>`, ...
/// Each once, in order of first use.
std::vector<std::string> extensions_used(const Scenario& scenario);

/// Whether `requires` (upper case) covers `used`: the same word, or for a bare keyword any
/// `KEYWORD=...` of it.
bool requires_covers(const std::vector<std::string>& requires_keywords, const std::string& used);

/// The problems of `scenario`, once `apply_catalog` has filled its cited rows; one sentence
/// each, naming the line when there is one. None for a clean scenario.
std::vector<std::string> lint(const Scenario& scenario);

}  // namespace ehlo::scenario
