// Layer: conformance/check. See app.hpp: one run of ehlo-check, from options to exit status.
#include "check/app.hpp"

#include <cctype>
#include <chrono>
#include <ctime>
#include <deque>
#include <fstream>
#include <optional>
#include <utility>
#include <vector>

#include "check/baseline.hpp"
#include "check/client_listen.hpp"
#include "check/client_mode.hpp"
#include "check/coverage.hpp"
#include "check/discovery.hpp"
#include "check/login.hpp"
#include "check/scheduler.hpp"
#include "check/selection.hpp"
#include "net/tls_context.hpp"
#include "report/format.hpp"
#include "scenario/scenario_lint.hpp"

namespace ehlo::check {

namespace {

using Clock = std::chrono::steady_clock;

/// What the run reads before it reaches the target: the suite, the scenarios chosen from it,
/// and the baseline.
struct Prepared {
    Suite suite;
    std::vector<const scenario::Scenario*> chosen;
    Baseline baseline;
};

std::string utc_now() {
    std::time_t now = std::time(nullptr);
    std::tm parts{};
    gmtime_r(&now, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

std::string join(const std::vector<std::string>& words) {
    std::string text;
    for (const std::string& word : words)
        text += (text.empty() ? "" : " ") + word;
    return text.empty() ? "(none)" : text;
}

Filter make_filter(const Options& options) {
    Filter filter;
    filter.role = options.judges_clients() ? scenario::Role::client : scenario::Role::server;
    filter.only = options.only;
    filter.tags = options.tags;
    filter.slow = options.slow;
    if (!options.level.empty()) {
        std::string level;
        for (char c : options.level)
            level += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (level == "MUST") filter.level = scenario::Level::must;
        if (level == "SHOULD") filter.level = scenario::Level::should;
        if (level == "MAY") filter.level = scenario::Level::may;
        if (level == "INFO") filter.level = scenario::Level::info;
    }
    return filter;
}

/// `--lint`: each problem of each scenario on a line of `err`; 1 when there is any.
int lint_scenarios(const std::vector<const scenario::Scenario*>& chosen, std::ostream& out,
                   std::ostream& err) {
    std::size_t problems = 0;
    for (const scenario::Scenario* scenario : chosen) {
        for (const std::string& problem : scenario::lint(*scenario)) {
            err << scenario->id << ": " << problem << "\n";
            ++problems;
        }
    }
    out << "lint: " << chosen.size() << " scenarios, " << problems << " problems\n";
    return problems == 0 ? exit_ok : exit_findings;
}

/// The ids of every scenario of the suite, whatever the role.
std::vector<std::string> suite_ids(const Suite& suite) {
    std::vector<std::string> ids;
    for (const scenario::Scenario& scenario : suite.scenarios)
        ids.push_back(scenario.id);
    return ids;
}

/// Loads the suite and reads the baseline, whose ids must all be the suite's; nothing after
/// telling `err` why the run cannot start.
std::optional<Prepared> prepare(const Options& options, const Environment& environment,
                                std::ostream& err) {
    auto dir = scenarios_dir(options.scenarios, environment.scenarios_env, environment.program,
                             built_in_suite_locations());
    if (!dir) {
        err << "ehlo-check: cannot find the scenarios; give --scenarios DIR or set "
               "EHLO_SCENARIOS\n";
        return std::nullopt;
    }
    Prepared prepared;
    prepared.suite = load_suite(*dir);
    for (const std::string& error : prepared.suite.errors)
        err << error << "\n";
    if (!prepared.suite.errors.empty()) {
        err << "ehlo-check: the scenarios in " << dir->string()
            << " have errors (above); fix them, or give --scenarios DIR\n";
        return std::nullopt;
    }
    if (!options.baseline.empty()) {
        prepared.baseline = load_baseline(options.baseline);
        if (prepared.baseline.ok()) check_ids(prepared.baseline, suite_ids(prepared.suite));
        for (const std::string& error : prepared.baseline.errors)
            err << error << "\n";
        if (!prepared.baseline.ok()) {
            err << "ehlo-check: fix the baseline file, or leave out --baseline\n";
            return std::nullopt;
        }
    }
    return prepared;
}

scenario::Variables make_variables(const Options& options, const std::string& rcpt) {
    scenario::Variables variables{{"client", options.client}, {"from", options.from}};
    variables.merge(recipient_variables(rcpt));
    variables.merge(credential_variables(options.auth));
    return variables;
}

Schedule make_schedule(const Options& options, bool demo) {
    Schedule schedule;
    schedule.jobs = options.jobs.value_or(demo ? 4 : 1);
    schedule.max_connections = options.max_connections.value_or(demo ? 16 : 4);
    schedule.rate = options.rate.value_or(demo ? 0 : 10);
    return schedule;
}

std::vector<Planned> make_plan(const std::vector<const scenario::Scenario*>& chosen,
                               const Gates& gates) {
    std::vector<Planned> plan;
    for (const scenario::Scenario* scenario : chosen) {
        Planned planned;
        planned.scenario = scenario;
        planned.skip = skip_reason(*scenario, gates);
        planned.settings.upgrade_first = gates.tls == TlsMode::starttls &&
                                         !has_tls_step(*scenario, false) &&
                                         !has_tls_step(*scenario, true);
        plan.push_back(std::move(planned));
    }
    return plan;
}

/// `text` from the server made safe for a terminal: control bytes and broken UTF-8 as `\xHH`;
/// the lines of a multi-line greeting under one another.
std::string shown(const std::string& text) {
    std::string out;
    for (char c : report::printable(text, true))
        out += c == '\n' ? std::string("\n          ") : std::string(1, c);
    return out;
}

void print_discovery(std::ostream& out, const std::string& target, const Discovery& found,
                     bool demo) {
    out << "target: " << target << (demo ? " (the in-process reference server)" : "") << "\n";
    if (!found.tried_tls && !found.tls_description.empty()) {
        out << "TLS: " << found.tls_description << "\n";
    }
    if (!found.greeting.empty()) out << "greeting: " << shown(found.greeting) << "\n";
    out << "keywords: " << shown(join(found.keywords)) << "\n";
    if (found.tried_tls && found.tls_problem.empty()) {
        out << "after STARTTLS (" << found.tls_description
            << "): " << shown(join(found.keywords_after_tls)) << "\n";
    }
}

/// With `--auth`: says how the scenarios log in, and inserts the login into those of `plan`
/// that are not about AUTH (login.hpp), keeping the rewritten scenarios in `store`.
void log_in_before_mail(const Options& options, const Discovery& found, TlsMode tls,
                        std::vector<Planned>& plan, std::deque<scenario::Scenario>& store,
                        std::ostream& out) {
    if (std::optional<Login> login = plan_login(options.auth, found, tls)) {
        out << describe(*login) << "\n";
        add_logins(plan, *login, tls, store);
    } else if (!options.auth.empty()) {
        bool upgradable = tls == TlsMode::none && has_keyword(found.keywords, "STARTTLS");
        out << "not logging in before MAIL: the target offers neither AUTH PLAIN nor AUTH LOGIN"
            << (tls == TlsMode::starttls ? " after STARTTLS" : "")
            << (upgradable ? " before STARTTLS; give --starttls to log in after it" : "") << "\n";
    }
}

/// Target, TLS and the reachable address; nothing after telling `err` why not.
std::optional<Target> make_target(const Options& options, const std::string& address,
                                  asio::ssl::context& tls, std::ostream& err) {
    Target target;
    try {
        target.address = net::parse_host_port(address);
    } catch (const net::AddressError& error) {
        err << "ehlo-check: " << error.what() << "\n";
        return std::nullopt;
    }
    target.shown = address;
    target.tls =
        options.tls ? TlsMode::implicit : (options.starttls ? TlsMode::starttls : TlsMode::none);
    target.tls_context = &tls;
    target.verify = !options.insecure;
    target.tls_name = options.tls_name;
    target.ca_file = options.ca_file;
    target.timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout * 1000));
    target.client_name = options.client;
    if (!options.auth.empty()) target.login_probe_sender = options.from;
    target.time_scale = options.time_scale;
    return target;
}

/// Why discovery could not connect, and what to do about it.
std::string connect_advice(const Discovery& found) {
    if (found.connect_error.find("certificate") != std::string::npos) return "";  // said
    return "; check HOST:PORT (and --tls); the demo runs only without a target";
}

/// Discovers the target; nothing after telling `err` why the run cannot go on.
std::optional<Discovery> discover_target(const Options& options, const Target& target,
                                         std::ostream& err) {
    Discovery found = discover_blocking(target);
    if (!found.connect_error.empty()) {
        err << "ehlo-check: " << found.connect_error << connect_advice(found) << "\n";
        return std::nullopt;
    }
    if (options.starttls && !found.tls_problem.empty()) {
        bool certificate = found.tls_problem.find("certificate") != std::string::npos;
        err << "ehlo-check: --starttls: " << found.tls_problem
            << (certificate ? "" : "; leave out --starttls") << "\n";
        return std::nullopt;
    }
    if (!found.problem.empty()) {
        err << "ehlo-check: discovery: " << found.problem << "; running without EHLO keywords\n";
    } else if (!found.tls_problem.empty()) {
        bool certificate = found.tls_problem.find("certificate") != std::string::npos;
        err << "ehlo-check: discovery: STARTTLS: " << found.tls_problem
            << (certificate ? " (until then, the scenarios that do STARTTLS end in ERROR)" : "")
            << "\n";
    }
    return found;
}

/// Runs the plan, reporting as results come, and fills the run's record.
engine::RunResult run_plan(const Options& options, const std::vector<Planned>& plan,
                           const scenario::Variables& variables, const Target& target,
                           const Discovery& found, report::Reporter& reporter) {
    engine::RunResult run;
    run.target = target.shown;
    run.tool_version = version_number;
    run.started_at = utc_now();
    run.greeting = found.greeting;
    run.keywords = found.keywords;
    run.keywords_after_tls = found.keywords_after_tls;
    run.time_scale = options.time_scale;
    Clock::time_point start = Clock::now();
    reporter.started(static_cast<int>(plan.size()));
    run.results = run_all(plan, variables, target, make_schedule(options, options.target.empty()),
                          [&](const engine::ScenarioResult& r) { reporter.scenario_finished(r); });
    run.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return run;
}

/// What the run left out and why: the results without a verdict the user can act on, then
/// the scenarios of the suite that were not selected.
std::vector<engine::NotRun> lost_coverage(const Options& options, const Prepared& prepared,
                                          const engine::RunResult& run, const Target& target) {
    std::vector<engine::NotRun> groups =
        not_run_groups(run.results, run.keywords_after_tls, target);
    std::vector<engine::NotRun> left_out =
        not_selected(prepared.suite.scenarios, make_filter(options));
    groups.insert(groups.end(), left_out.begin(), left_out.end());
    return groups;
}

/// The client TLS context of `--insecure` and `--ca-file`; nothing after telling `err`.
std::optional<asio::ssl::context> make_tls(const Options& options, std::ostream& err) {
    net::ClientTlsOptions tls_options;
    tls_options.verify = !options.insecure;
    if (!options.ca_file.empty()) tls_options.ca_file = options.ca_file;
    try {
        return net::client_tls_context(tls_options);
    } catch (const net::TlsSetupError& error) {
        err << "ehlo-check: " << error.what() << "; check --ca-file\n";
        return std::nullopt;
    }
}

/// Starts the demo server when no target is given; false after telling `err` it cannot.
bool start_demo_if_asked(const Options& options, const Environment& environment,
                         std::unique_ptr<DemoServer>& demo, std::ostream& err) {
    if (!options.target.empty()) return true;
    try {
        demo = environment.start_demo();
        return true;
    } catch (const std::exception& error) {
        err << "ehlo-check: cannot start the demo server: " << error.what() << "\n";
        return false;
    }
}

int run_target(const Options& options, const Environment& environment, Prepared& prepared,
               std::ostream& out, std::ostream& err) {
    std::optional<asio::ssl::context> tls = make_tls(options, err);
    std::unique_ptr<DemoServer> demo;
    if (!tls || !start_demo_if_asked(options, environment, demo, err)) return exit_cannot;
    bool own = demo != nullptr;
    std::string address = own ? demo->address() : options.target;
    std::string rcpt = options.rcpt.empty() && own ? demo->mailbox() : options.rcpt;
    std::optional<Target> target = make_target(options, address, *tls, err);
    if (!target) return exit_cannot;
    std::optional<Discovery> found = discover_target(options, *target, err);
    if (!found) return exit_cannot;
    print_discovery(out, address, *found, own);

    Gates gates{target->tls,
                found->keyword_lines,
                found->keyword_lines_after_tls,
                make_variables(options, rcpt),
                make_schedule(options, own).max_connections,
                options.no_delivery,
                own};
    std::vector<Planned> plan = make_plan(prepared.chosen, gates);
    std::deque<scenario::Scenario> with_logins;  // the plan's scenarios with a login inserted
    log_in_before_mail(options, *found, target->tls, plan, with_logins, out);
    try {
        std::unique_ptr<report::Reporter> reporter =
            marking(environment.make_reporter(options, out), prepared.baseline);
        engine::RunResult run =
            run_plan(options, plan, gates.variables, *target, *found, *reporter);
        run.not_run = lost_coverage(options, prepared, run, *target);
        mark_run(run, prepared.baseline);
        reporter->finished(run);
        return conclude(run, options.write_baseline, err);
    } catch (const report::ReportError& error) {
        err << "ehlo-check: " << error.what() << "\n";
        return exit_cannot;
    }
}

/// `--exec` or `--listen`: the client scenarios, with ehlo-check as the server.
int run_client_check(const Options& options, const Environment& environment, Prepared& prepared,
                     std::ostream& out, std::ostream& err) {
    try {
        std::unique_ptr<report::Reporter> reporter =
            marking(environment.make_reporter(options, out), prepared.baseline);
        engine::RunResult run = run_clients(options, prepared.chosen, *reporter, out);
        // A named target: a temporary one here makes GCC 12 at -O3 warn that its host may be
        // used uninitialized (-Wmaybe-uninitialized, a false positive).
        const Target no_target;
        run.not_run = not_run_groups(run.results, {}, no_target);
        std::vector<engine::NotRun> left_out =
            not_selected(prepared.suite.scenarios, make_filter(options));
        run.not_run.insert(run.not_run.end(), left_out.begin(), left_out.end());
        mark_run(run, prepared.baseline);
        reporter->finished(run);
        return conclude(run, options.write_baseline, err);
    } catch (const report::ReportError& error) {
        err << "ehlo-check: " << error.what() << "\n";
    } catch (const std::exception& error) {
        err << "ehlo-check: " << error.what() << "\n";
    }
    return exit_cannot;
}

/// `--list`: each chosen scenario, id and title; under `--listen`, the address that picks it.
void list_scenarios(const Options& options, const std::vector<const scenario::Scenario*>& chosen,
                    std::ostream& out) {
    for (const scenario::Scenario* s : chosen) {
        if (!options.listen.empty()) {
            if (!listenable(*s)) continue;
            out << scenario::listen_local_part(s->id) << "@" << client_values(options).server
                << "  " << s->title << "\n";
        } else {
            out << s->id << "  " << s->title << "\n";
        }
    }
}

}  // namespace

int run_check(const Options& options, const Environment& environment, std::ostream& out,
              std::ostream& err) {
    std::optional<Prepared> prepared = prepare(options, environment, err);
    if (!prepared) return exit_cannot;
    prepared->chosen = select(prepared->suite.scenarios, make_filter(options));
    if (options.lint) return lint_scenarios(prepared->chosen, out, err);
    if (options.list) {
        list_scenarios(options, prepared->chosen, out);
        return exit_ok;
    }
    if (prepared->chosen.empty()) {
        err << "ehlo-check: no scenario fits --only, --tag and --level; see them with --list\n";
        return exit_cannot;
    }
    if (options.judges_clients())
        return run_client_check(options, environment, *prepared, out, err);
    return run_target(options, environment, *prepared, out, err);
}

}  // namespace ehlo::check
