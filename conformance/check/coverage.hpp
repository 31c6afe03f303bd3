// Layer: conformance/check (pure). The coverage a run loses, said in one place rather than left
// to a quiet exit 0: the scenarios of the suite that were not selected (tagged `slow` without
// `--slow`; outside `--only`, `--tag`, `--level`), those SKIPped, grouped by what would run them
// (`need --rcpt`, `need --auth`, `add --starttls`), and the ERRORs a TLS setting explains (a
// certificate the runner does not trust, RFC 3207 §4.1). The SKIP reasons themselves are
// selection.hpp's, the certificate hints link.hpp's; printing the groups is the reports'.
#pragma once

#include <string>
#include <vector>

#include "check/link.hpp"
#include "check/selection.hpp"
#include "engine/result.hpp"

namespace ehlo::check {

/// The scenarios of `suite` that `filter` leaves out: those tagged `slow` that `--slow` would
/// add, and the others outside `--only`, `--tag` or `--level`. No group for a count of 0.
std::vector<engine::NotRun> not_selected(const std::vector<scenario::Scenario>& suite,
                                         const Filter& filter);

/// What would run a scenario SKIPped for `reason` ("uses {rcpt}; give --rcpt" gives
/// "need --rcpt"). `keywords_after_tls` are the target's keywords after STARTTLS, and `tls`
/// the run's mode: a keyword advertised only after STARTTLS asks for `--starttls`.
std::string skip_group(const std::string& reason,
                       const std::vector<std::string>& keywords_after_tls, TlsMode tls);

/// The results that gave no verdict for a reason the user can act on, grouped: the SKIPs by
/// `skip_group`, the ERRORs of a certificate that does not verify by their hint. Groups are
/// ordered ERROR first, then by count, largest first.
std::vector<engine::NotRun> not_run_groups(const std::vector<engine::ScenarioResult>& results,
                                           const std::vector<std::string>& keywords_after_tls,
                                           const Target& target);

}  // namespace ehlo::check
