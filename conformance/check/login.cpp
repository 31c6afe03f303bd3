// Layer: conformance/check (pure). See login.hpp: the AUTH exchange inserted before MAIL when
// the run has `--auth` (RFC 6409 §4.3, RFC 4954 §4, RFC 4616 §2).
#include "check/login.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <map>
#include <optional>
#include <utility>

#include "scenario/text.hpp"

namespace ehlo::check {

namespace {

using scenario::upper;

/// The bytes a client step starts with, up to its first variable, in upper case.
std::string leading_bytes(const scenario::Text& text) {
    std::string bytes;
    for (const scenario::Piece& piece : text) {
        if (piece.kind != scenario::Piece::Kind::bytes) break;
        bytes += piece.value;
    }
    return upper(bytes);
}

/// Whether the line `bytes` (upper case) is the command `verb`: the verb, then a blank or
/// the end.
bool is_command(const std::string& bytes, const std::string& verb) {
    return bytes.rfind(verb, 0) == 0 &&
           (bytes.size() == verb.size() || bytes[verb.size()] == ' ' || bytes[verb.size()] == '\t');
}

/// A command a submission server may refuse before a login (RFC 6409 §4.3, RFC 4954 §6:
/// 530): MAIL, RCPT, DATA or BDAT sent out of sequence before it, VRFY and EXPN. The login
/// goes before the first of them.
bool needs_login(const std::string& bytes) {
    return bytes.rfind("MAIL", 0) == 0 || is_command(bytes, "RCPT") || is_command(bytes, "DATA") ||
           is_command(bytes, "BDAT") || is_command(bytes, "VRFY") || is_command(bytes, "EXPN");
}

bool has_tag(const scenario::Scenario& scenario, const std::string& tag) {
    return std::find(scenario.tags.begin(), scenario.tags.end(), tag) != scenario.tags.end();
}

scenario::Step send_step(int line, std::string bytes, std::string variable) {
    scenario::Text text{{scenario::Piece::Kind::bytes, std::move(bytes)}};
    if (!variable.empty()) text.push_back({scenario::Piece::Kind::variable, std::move(variable)});
    return {line, scenario::Send{scenario::Send::Mode::line, std::move(text)}};
}

scenario::Step expect_step(int line, const std::string& code) {
    scenario::Alternative alternative;
    alternative.code.pattern = code;
    scenario::Expect expect{{alternative}, "login with --auth failed"};
    return {line, std::move(expect)};
}

/// The steps of one login, RFC 4954 §4: PLAIN with its initial response (RFC 4616 §2), or
/// LOGIN answering the two 334 challenges with the user and the password.
std::vector<scenario::Step> login_steps(LoginMechanism mechanism, int line) {
    if (mechanism == LoginMechanism::plain) {
        return {send_step(line, "AUTH PLAIN ", "auth-plain"), expect_step(line, "235")};
    }
    return {send_step(line, "AUTH LOGIN", ""),      expect_step(line, "334"),
            send_step(line, "", "user-base64"),     expect_step(line, "334"),
            send_step(line, "", "password-base64"), expect_step(line, "235")};
}

/// One connection as the rewrite sees it.
struct ConnectionState {
    bool tls = false;
    bool ehlo = false;        ///< the last greeting sent on it was EHLO
    std::size_t ehlo_at = 0;  ///< the index of that EHLO in the rewritten steps
    /// After EHLO then HELO: where a login may still go, before the HELO (AUTH needs the
    /// extensions EHLO negotiated, RFC 5321 §2.2.1).
    std::optional<std::size_t> before_helo;
    bool logged_in = false;
};

/// Walks the steps once, copying them, and inserts a login where login.hpp says.
class Rewrite {
  public:
    Rewrite(const LoginOffer& offer, bool starts_in_tls)
        : offer_(offer), starts_in_tls_(starts_in_tls) {}

    std::vector<scenario::Step> run(const std::vector<scenario::Step>& steps) {
        for (const scenario::Step& step : steps) {
            next_line_ = step.line;
            if (const auto* send = std::get_if<scenario::Send>(&step.action)) {
                on_send(*send);
            } else {
                on_other(step.action);
            }
            out_.push_back(step);
        }
        return std::move(out_);
    }

  private:
    ConnectionState& connection() {
        auto [found, added] = connections_.try_emplace(current_);
        if (added) found->second.tls = starts_in_tls_;
        return found->second;
    }

    void on_other(const scenario::Action& action) {
        if (const auto* number = std::get_if<scenario::Connection>(&action)) {
            current_ = number->number;
        } else if (std::holds_alternative<scenario::StartTls>(action)) {
            // RFC 3207 §4.2: after the handshake the client greets again and the server
            // forgets what it knew, a login included.
            ConnectionState& state = connection();
            state = ConnectionState{};
            state.tls = true;
        } else if (std::holds_alternative<scenario::RepeatBegin>(action)) {
            repeat_at_ = out_.size();
        } else if (std::holds_alternative<scenario::RepeatEnd>(action)) {
            repeat_at_.reset();
        } else if (std::holds_alternative<scenario::Expect>(action)) {
            group_at_.reset();  // this S: sends the queue
        }
    }

    void on_send(const scenario::Send& send) {
        const bool queued = send.mode == scenario::Send::Mode::queued;
        if (queued && !group_at_) group_at_ = out_.size();
        const std::string bytes = leading_bytes(send.text);
        ConnectionState& state = connection();
        if (is_command(bytes, "EHLO")) {
            state.ehlo = true;
            state.ehlo_at = out_.size();
            state.before_helo.reset();
        } else if (is_command(bytes, "HELO")) {
            if (state.ehlo) state.before_helo = earliest(queued);
            state.ehlo = false;
        } else if (needs_login(bytes) && !state.logged_in) {
            if (state.ehlo) log_in(state, earliest(queued));
            if (!state.ehlo && state.before_helo) log_in(state, *state.before_helo);
        }
    }

    /// Where a step about to be copied can be preceded by a login: before it, or before its
    /// group of `C>` lines or its repeat block when it is in one.
    std::size_t earliest(bool queued) const {
        std::size_t at = out_.size();
        if (queued && group_at_) at = std::min(at, *group_at_);
        if (repeat_at_) at = std::min(at, *repeat_at_);
        return at;
    }

    /// Inserts a login at `at`, when that is after the connection's EHLO and the connection
    /// has a mechanism; the indexes kept move with the steps after `at`.
    void log_in(ConnectionState& state, std::size_t at) {
        const LoginMechanism mechanism = state.tls ? offer_.with_tls : offer_.without_tls;
        if (mechanism == LoginMechanism::none || at <= state.ehlo_at) return;
        const int line = at < out_.size() ? out_[at].line : next_line_;
        std::vector<scenario::Step> login = login_steps(mechanism, line);
        out_.insert(out_.begin() + static_cast<std::ptrdiff_t>(at), login.begin(), login.end());
        auto shift = [&](std::size_t& index) {
            if (index >= at) index += login.size();
        };
        if (group_at_) shift(*group_at_);
        if (repeat_at_) shift(*repeat_at_);
        for (auto& [number, other] : connections_) {
            shift(other.ehlo_at);
            if (other.before_helo) shift(*other.before_helo);
        }
        state.logged_in = true;
    }

    LoginOffer offer_;
    bool starts_in_tls_ = false;
    std::vector<scenario::Step> out_;
    std::map<int, ConnectionState> connections_;
    int current_ = 1;
    int next_line_ = 0;                     ///< the line of the step about to be copied
    std::optional<std::size_t> repeat_at_;  ///< the open `repeat` block's first step
    std::optional<std::size_t> group_at_;   ///< the first `C>` of the queue not sent yet
};

/// How a client line changes what the scan of `mail_without_login` knows of a connection.
struct ScannedConnection {
    bool greeted = false;
    bool helo = false;  ///< the last greeting was HELO
    bool logged_in = false;
};

/// The first MAIL sent after a greeting on a connection that has sent no AUTH (inserted or
/// the scenario's own) since it opened or since its STARTTLS handshake: 0 for none, else 1
/// after EHLO, 2 after HELO.
int first_mail_without_login(const scenario::Scenario& scenario) {
    std::map<int, ScannedConnection> sessions;
    int current = 1;
    for (const scenario::Step& step : scenario.steps) {
        if (const auto* number = std::get_if<scenario::Connection>(&step.action)) {
            current = number->number;
        } else if (std::holds_alternative<scenario::StartTls>(step.action)) {
            sessions[current] = ScannedConnection{};
        } else if (const auto* send = std::get_if<scenario::Send>(&step.action)) {
            ScannedConnection& session = sessions[current];
            const std::string bytes = leading_bytes(send->text);
            if (is_command(bytes, "EHLO") || is_command(bytes, "HELO")) {
                session.greeted = true;
                session.helo = is_command(bytes, "HELO");
            } else if (is_command(bytes, "AUTH")) {
                session.logged_in = true;
            } else if (needs_login(bytes) && session.greeted && !session.logged_in) {
                return session.helo ? 2 : 1;
            }
        }
    }
    return 0;
}

}  // namespace

std::optional<std::string> mail_without_login(const scenario::Scenario& scenario,
                                              const scenario::Scenario& to_run) {
    const int found = first_mail_without_login(to_run);
    if (found == 0) return std::nullopt;
    std::string why = "sends MAIL where no login was inserted";
    if (has_tag(scenario, "unauthenticated")) {
        why = "tagged unauthenticated: sends MAIL without login";
    } else if (runs_without_login(scenario)) {
        why = "about AUTH: sends MAIL before logging in";
    } else if (found == 2) {
        why = "sends MAIL after HELO, where AUTH cannot log in";
    }
    return why + "; run without --auth to check it";
}

LoginMechanism login_mechanism(const std::vector<std::string>& ehlo_lines) {
    if (offers(ehlo_lines, "AUTH=PLAIN")) return LoginMechanism::plain;
    if (offers(ehlo_lines, "AUTH=LOGIN")) return LoginMechanism::login;
    return LoginMechanism::none;
}

std::string to_string(LoginMechanism mechanism) {
    switch (mechanism) {
        case LoginMechanism::plain:
            return "AUTH PLAIN";
        case LoginMechanism::login:
            return "AUTH LOGIN";
        case LoginMechanism::none:
            break;
    }
    return "";
}

bool runs_without_login(const scenario::Scenario& scenario) {
    if (has_tag(scenario, "auth") || has_tag(scenario, "unauthenticated")) return true;
    for (const std::string& keyword : scenario.requires_keywords) {
        if (keyword == "AUTH" || keyword.rfind("AUTH=", 0) == 0) return true;
    }
    for (const std::string& name : scenario::variables_used(scenario)) {
        if (scenario::is_credential_variable(name)) return true;
    }
    return std::any_of(scenario.steps.begin(), scenario.steps.end(), [](const auto& step) {
        const auto* send = std::get_if<scenario::Send>(&step.action);
        return send != nullptr && is_command(leading_bytes(send->text), "AUTH");
    });
}

scenario::Scenario with_login(const scenario::Scenario& scenario, const LoginOffer& offer,
                              bool starts_in_tls) {
    scenario::Scenario rewritten = scenario;
    rewritten.steps = Rewrite(offer, starts_in_tls).run(scenario.steps);
    return rewritten;
}

std::optional<Login> plan_login(const std::string& auth, const Discovery& found, TlsMode tls) {
    if (auth.empty()) return std::nullopt;
    Login login;
    login.user = auth.substr(0, auth.find(':'));
    if (tls == TlsMode::implicit) {
        login.offer.with_tls = login_mechanism(found.keyword_lines);
    } else {
        login.offer.without_tls = login_mechanism(found.keyword_lines);
        login.offer.with_tls = login_mechanism(found.keyword_lines_after_tls);
    }
    login.where_scenarios_run =
        tls == TlsMode::none ? login.offer.without_tls : login.offer.with_tls;
    login.required = found.mail_needs_login;
    if (login.where_scenarios_run == LoginMechanism::none) return std::nullopt;
    return login;
}

std::string describe(const Login& login) {
    return "logging in as " + login.user + " before MAIL (" + to_string(login.where_scenarios_run) +
           ")";
}

void add_logins(std::vector<Planned>& plan, const Login& login, TlsMode tls,
                std::deque<scenario::Scenario>& store) {
    for (Planned& planned : plan) {
        if (planned.skip) continue;
        const scenario::Scenario& written = *planned.scenario;
        if (!runs_without_login(written)) {
            const bool starts_in_tls = tls == TlsMode::implicit || planned.settings.upgrade_first;
            store.push_back(with_login(written, login.offer, starts_in_tls));
            planned.scenario = &store.back();
        }
        if (login.required) planned.skip = mail_without_login(written, *planned.scenario);
    }
}

}  // namespace ehlo::check
