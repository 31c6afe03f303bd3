// Layer: conformance/check (pure but for reading the suite's files). Which scenarios run, and
// which are SKIPped with a reason before they start: the suite is every `.smtp` file under the
// scenarios folder; `--only`, `--tag`, `--level` and `--slow` narrow it; then the target and
// the options may rule a scenario out: a keyword of `requires` not advertised in the EHLO reply
// (RFC 5321 §4.1.1.1), a variable without a value, more connections than `--max-connections`,
// TLS of the wrong kind (RFC 3207, RFC 8314 §3), a message under `--no-delivery`, or a message
// to anyone but `--rcpt`. Running the rest is left to scheduler.hpp and driver.hpp.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "check/link.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::check {

/// The scenarios of a suite, or what is wrong with its files (`file:line: what`).
struct Suite {
    std::vector<scenario::Scenario> scenarios;  ///< sorted by id
    std::vector<std::string> errors;
};

/// Loads every `.smtp` file under `root`. A missing folder or a file with errors gives errors.
Suite load_suite(const std::filesystem::path& root);

/// Where a program looks for the built-in suite when neither `--scenarios` nor
/// `$EHLO_SCENARIOS` says: paths fixed when it was built.
struct SuiteLocations {
    /// The installed suite, relative to the executable's folder (`../share/ehlo/scenarios`
    /// from `bin/`), so an install moved to another prefix still finds it.
    std::string installed;
    /// The folder the program was built in, and the suite of the source tree it was built from:
    /// used only while the program is still in that folder, so an installed copy never reads
    /// the source tree.
    std::string build_dir;
    std::string source;
};

/// The locations this build gave the suite: its install folder and its source tree.
SuiteLocations built_in_suite_locations();

/// Where the suite is, the first that applies: `option` (`--scenarios DIR`), `environment`
/// (`$EHLO_SCENARIOS`), `scenarios/` next to the folder of the executable `program` (so
/// `build/ehlo-check` in a checkout finds the checkout's suite), the installed suite
/// (`where.installed`), the source tree's suite for a program in its build folder. Nothing
/// when none of the last three exists.
std::optional<std::filesystem::path> scenarios_dir(const std::string& option,
                                                   const std::string& environment,
                                                   const std::filesystem::path& program,
                                                   const SuiteLocations& where);

/// What the user asked for by id, tag and level.
struct Filter {
    std::vector<std::string> only;  ///< globs on ids (scenario::glob_match); any may match
    std::vector<std::string> tags;  ///< a scenario with any of them
    /// The weakest level to run: MUST runs MUST only, SHOULD runs MUST and SHOULD, ...
    std::optional<scenario::Level> level;
    bool slow = false;  ///< run scenarios tagged `slow` too (also when `tags` names `slow`)
    /// The side judged: a server run takes the server scenarios, `--exec` and `--listen` the
    /// client scenarios (`role: client`); the others are neither run nor counted.
    scenario::Role role = scenario::Role::server;
};

/// Whether `scenario` passes `filter`.
bool selected(const scenario::Scenario& scenario, const Filter& filter);

/// The scenarios of `suite` that pass `filter`, in id order.
std::vector<const scenario::Scenario*> select(const std::vector<scenario::Scenario>& suite,
                                              const Filter& filter);

/// What the target and the options allow.
struct Gates {
    TlsMode tls = TlsMode::none;
    /// The EHLO lines from discovery (`Discovery::keyword_lines`): keyword and parameters,
    /// upper case; before and after STARTTLS.
    std::vector<std::string> keywords;
    std::vector<std::string> keywords_after_tls;
    scenario::Variables variables;  ///< only those with a value
    std::size_t max_connections = 1;
    bool no_delivery = false;
    /// The target is ours (the in-process demo): any recipient may get a message.
    bool own_target = false;
};

/// Why `scenario` cannot run under `gates` ("requires CHUNKING, not advertised"), or nothing
/// when it can.
std::optional<std::string> skip_reason(const scenario::Scenario& scenario, const Gates& gates);

/// Whether the scenario could complete a message: it sends a line starting with DATA
/// RFC 5321 §4.1.1.4 or BDAT RFC 3030 §2. Conservative: whether the server accepts is not
/// considered.
bool sends_message(const scenario::Scenario& scenario);

/// The addresses of the scenario's `RCPT TO:<...>` lines, variables written `{name}`.
std::vector<std::string> recipients(const scenario::Scenario& scenario);

/// Whether `address` is `{rcpt}` or in a domain that reaches no one: `.invalid`, `.test`,
/// `.example`, `.localhost` (RFC 2606 §2, RFC 6761 §6) or example.com, .net, .org (RFC 2606 §3).
bool harmless_recipient(const std::string& address);

/// How many connections the scenario holds at most (the highest `connection N`).
std::size_t connections_needed(const scenario::Scenario& scenario);

/// Whether the scenario has a `tls` step (`implicit`) or a `starttls` step (not `implicit`).
bool has_tls_step(const scenario::Scenario& scenario, bool implicit);

}  // namespace ehlo::check
