// Layer: conformance/check (pure). Logging in before MAIL when the run has `--auth`: a
// submission server refuses MAIL before AUTH (RFC 6409 §4.3, `530` after RFC 4954 §6), so
// every scenario that is not itself about AUTH gets an AUTH exchange inserted on each
// connection, after its EHLO and before its first MAIL: AUTH PLAIN with an initial response
// (RFC 4616 §2, RFC 4954 §4), or AUTH LOGIN when PLAIN is not offered. The inserted replies
// never judge the target: a failed login ends the scenario in ERROR. Scenarios tagged
// `unauthenticated` need a session without login and are left as written. Which scenarios
// run is selection.hpp's; running them is the engine's.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "check/discovery.hpp"
#include "check/link.hpp"
#include "check/scheduler.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::check {

/// The SASL mechanism the runner logs in with; `none` when it cannot log in.
enum class LoginMechanism { none, plain, login };

/// The mechanism to log in with, from the lines of an EHLO reply after the first (keywords
/// with their parameters): PLAIN when the `AUTH` line lists it, else LOGIN, else none
/// RFC 4954 §3. Mechanism names compare without case.
LoginMechanism login_mechanism(const std::vector<std::string>& ehlo_lines);

/// `AUTH PLAIN`, `AUTH LOGIN`, or empty for none.
std::string to_string(LoginMechanism mechanism);

/// The mechanism for each kind of connection: a server may offer more after STARTTLS
/// RFC 4954 §3 (ehlo-server offers PLAIN and LOGIN only under TLS).
struct LoginOffer {
    LoginMechanism without_tls = LoginMechanism::none;
    LoginMechanism with_tls = LoginMechanism::none;
};

/// Whether `scenario` runs as written, with no login inserted: it is about AUTH itself (a
/// client line starts with AUTH, `requires` names AUTH or `AUTH=...`, it uses the credential
/// variables, or it is tagged `auth`), or it is tagged `unauthenticated` (it needs a session
/// without login, such as a refusal to relay).
bool runs_without_login(const scenario::Scenario& scenario);

/// `scenario` with the login steps inserted, on each connection, before the first line that
/// starts with MAIL (`C:`, `C~` or `C>`) after an EHLO exchange, while the connection is not
/// logged in yet. A pipelined MAIL gets the login before its group's first `C>`, a MAIL in a
/// `repeat` block before the block. The STARTTLS handshake forgets a login RFC 3207 §4.2, so
/// a connection logs in again after it. AUTH is an extension, so it needs EHLO
/// (RFC 5321 §2.2.1): a session greeted with HELO only gets no login, and one greeted with
/// EHLO then HELO gets it before the HELO. Nothing is inserted where the EHLO and the MAIL
/// share a group or a repeat block, or where `offer` has no mechanism for the connection.
/// `starts_in_tls`: the connections are in TLS from their first step (implicit TLS, or
/// upgraded by the runner). The inserted `S:` steps carry `error_when_broken`, so a failed
/// login gives ERROR.
scenario::Scenario with_login(const scenario::Scenario& scenario, const LoginOffer& offer,
                              bool starts_in_tls);

/// Why `scenario`, run as `to_run` (itself, or its `with_login`), cannot run in a run that
/// logs in, or nothing: `to_run` sends MAIL after a greeting on a connection that sent no
/// AUTH before (since it opened, or since its STARTTLS handshake). A server that requires a
/// login refuses that MAIL (`530`, RFC 4954 §6) whatever the scenario tests, so it is
/// SKIPped, with the hint to run it without `--auth`: after HELO only, in a scenario about
/// AUTH or tagged `unauthenticated`, or where no login could be inserted.
std::optional<std::string> mail_without_login(const scenario::Scenario& scenario,
                                              const scenario::Scenario& to_run);

/// How a run logs in.
struct Login {
    std::string user;
    LoginOffer offer;
    /// The mechanism where the scenarios run (after STARTTLS under `--starttls`).
    LoginMechanism where_scenarios_run = LoginMechanism::none;
    /// The target refused a MAIL before login there (`Discovery::mail_needs_login`): a
    /// scenario that still sends MAIL without one is SKIPped rather than run.
    bool required = false;
};

/// The login of a run with `--auth USER:PASS` (`auth`), after what discovery `found` under
/// `tls`: nothing without `--auth`, or when the target offers neither PLAIN nor LOGIN where
/// the scenarios run (the keywords after STARTTLS under `--starttls`, else the first ones).
std::optional<Login> plan_login(const std::string& auth, const Discovery& found, TlsMode tls);

/// The line for the console: `logging in as alice before MAIL (AUTH PLAIN)`.
std::string describe(const Login& login);

/// Rewrites, with `with_login`, every scenario of `plan` that is not SKIPped and does not run
/// without login, and, where the target requires a login (`Login::required`), SKIPs those
/// that still send MAIL without one (`mail_without_login`); elsewhere they run as written.
/// The rewritten scenarios are kept in `store`, which must outlive the run.
void add_logins(std::vector<Planned>& plan, const Login& login, TlsMode tls,
                std::deque<scenario::Scenario>& store);

}  // namespace ehlo::check
