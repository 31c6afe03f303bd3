// ehlo-check's login before MAIL under --auth (conformance/check/login.hpp): the AUTH PLAIN
// or AUTH LOGIN exchange (RFC 4954 §4, RFC 4616 §2) inserted after EHLO and before the first
// MAIL of each connection, again after STARTTLS (RFC 3207 §4.2), never in HELO sessions, in
// scenarios about AUTH or in those tagged `unauthenticated`; a failed login gives ERROR.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "check/login.hpp"
#include "engine_run_driver.hpp"
#include "scenario/scenario_parser.hpp"

using namespace ehlo;
using check::LoginMechanism;
using check::LoginOffer;

namespace {

scenario::Scenario make(const std::string& steps, const std::string& header_extra = "") {
    std::string text = "title: t\nrefs: 5321#4.1.4\nlevel: MUST\n";
    text += header_extra.find("requires:") == std::string::npos ? "requires: -\n" : "";
    text += header_extra + steps;
    auto parsed = scenario::parse_scenario(text, "test/login");
    for (const auto& e : parsed.errors)
        UNSCOPED_INFO(e.line << ": " << e.message);
    REQUIRE(parsed.errors.empty());
    return parsed.scenario;
}

std::string text_of(const scenario::Text& text) {
    std::string out;
    for (const scenario::Piece& piece : text)
        out += piece.kind == scenario::Piece::Kind::bytes ? piece.value : "{" + piece.value + "}";
    return out;
}

/// The steps as lines close to the file's notation; an inserted `S:` is marked `(login)`.
std::vector<std::string> render(const scenario::Scenario& scenario) {
    std::vector<std::string> lines;
    for (const scenario::Step& step : scenario.steps) {
        const auto& action = step.action;
        if (const auto* send = std::get_if<scenario::Send>(&action)) {
            const char* marker = send->mode == scenario::Send::Mode::queued ? "C> "
                                 : send->mode == scenario::Send::Mode::raw  ? "C~ "
                                                                            : "C: ";
            lines.push_back(marker + text_of(send->text));
        } else if (const auto* expect = std::get_if<scenario::Expect>(&action)) {
            lines.push_back("S: " + expect->alternatives.front().code.pattern +
                            (expect->error_when_broken.empty() ? "" : " (login)"));
        } else if (const auto* tls = std::get_if<scenario::StartTls>(&action)) {
            lines.push_back(tls->implicit ? "tls" : "starttls");
        } else if (const auto* connection = std::get_if<scenario::Connection>(&action)) {
            lines.push_back("connection " + std::to_string(connection->number));
        } else if (const auto* repeat = std::get_if<scenario::RepeatBegin>(&action)) {
            lines.push_back("repeat " + std::to_string(repeat->count));
        } else if (std::holds_alternative<scenario::RepeatEnd>(action)) {
            lines.push_back("end");
        } else {
            lines.push_back("other");
        }
    }
    return lines;
}

using Lines = std::vector<std::string>;

const LoginOffer plain_in_tls{LoginMechanism::none, LoginMechanism::plain};
const LoginOffer plain_always{LoginMechanism::plain, LoginMechanism::plain};

const std::string session = "S: 220 *\nC: EHLO {client}\nS: 250\n";

}  // namespace

TEST_CASE("the AUTH line of the EHLO reply gives the mechanism: PLAIN first, then LOGIN",
          "[check][login]") {
    CHECK(check::login_mechanism({"PIPELINING", "AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN"}) ==
          LoginMechanism::plain);
    CHECK(check::login_mechanism({"auth login plain"}) == LoginMechanism::plain);
    CHECK(check::login_mechanism({"AUTH CRAM-MD5 LOGIN"}) == LoginMechanism::login);
    CHECK(check::login_mechanism({"AUTH SCRAM-SHA-256 CRAM-MD5"}) == LoginMechanism::none);
    CHECK(check::login_mechanism({"AUTH=PLAIN LOGIN", "SIZE 1000"}) == LoginMechanism::none);
    CHECK(check::login_mechanism({"XPLAIN", "PLAIN"}) == LoginMechanism::none);
    CHECK(check::login_mechanism({}) == LoginMechanism::none);
}

TEST_CASE("AUTH PLAIN goes after the EHLO reply and before the first MAIL only", "[check][login]") {
    auto scenario = make(session +
                         "C: NOOP\nS: 250\nC: MAIL FROM:<{from}>\nS: 250\nC: RSET\nS: 250\n"
                         "C: MAIL FROM:<{from}>\nS: 250\nC: QUIT\nS: 221\n");
    auto rewritten = check::with_login(scenario, plain_in_tls, true);
    CHECK(render(rewritten) == Lines{"S: 220", "C: EHLO {client}", "S: 250", "C: NOOP", "S: 250",
                                     "C: AUTH PLAIN {auth-plain}", "S: 235 (login)",
                                     "C: MAIL FROM:<{from}>", "S: 250", "C: RSET", "S: 250",
                                     "C: MAIL FROM:<{from}>", "S: 250", "C: QUIT", "S: 221"});
    // The inserted steps carry the line of the MAIL they come before.
    CHECK(rewritten.steps[5].line == scenario.steps[5].line);
    CHECK(rewritten.id == scenario.id);
    CHECK(rewritten.title == scenario.title);
}

TEST_CASE("lower case and raw MAIL lines get the login too", "[check][login]") {
    auto lower = make("S: 220 *\nC: ehlo {client}\nS: 250\nC~ mail from:<{from}>\\r\\n\nS: 250\n");
    CHECK(render(check::with_login(lower, plain_in_tls, true)) ==
          Lines{"S: 220", "C: ehlo {client}", "S: 250", "C: AUTH PLAIN {auth-plain}",
                "S: 235 (login)", "C~ mail from:<{from}>\r\n", "S: 250"});
}

TEST_CASE("AUTH LOGIN answers both challenges when PLAIN is not offered", "[check][login]") {
    auto scenario = make(session + "C: MAIL FROM:<{from}>\nS: 250\n");
    LoginOffer login_only{LoginMechanism::none, LoginMechanism::login};
    CHECK(render(check::with_login(scenario, login_only, true)) ==
          Lines{"S: 220", "C: EHLO {client}", "S: 250", "C: AUTH LOGIN", "S: 334 (login)",
                "C: {user-base64}", "S: 334 (login)", "C: {password-base64}", "S: 235 (login)",
                "C: MAIL FROM:<{from}>", "S: 250"});
}

TEST_CASE("a pipelined MAIL gets the login before its group's first C>", "[check][login]") {
    auto scenario = make(session +
                             "C> RSET\nC> MAIL FROM:<{from}>\nC> RCPT TO:<{rcpt}>\n"
                             "S: 250\nS: 250\nS: 250\n",
                         "requires: PIPELINING\n");
    CHECK(render(check::with_login(scenario, plain_in_tls, true)) ==
          Lines{"S: 220", "C: EHLO {client}", "S: 250", "C: AUTH PLAIN {auth-plain}",
                "S: 235 (login)", "C> RSET", "C> MAIL FROM:<{from}>", "C> RCPT TO:<{rcpt}>",
                "S: 250", "S: 250", "S: 250"});
}

TEST_CASE("nothing goes where the EHLO and the MAIL share a group", "[check][login]") {
    auto scenario = make("S: 220 *\nC> EHLO {client}\nC> MAIL FROM:<{from}>\nS: 250\nS: 250\n",
                         "requires: PIPELINING\n");
    CHECK(render(check::with_login(scenario, plain_always, true)) == render(scenario));
}

TEST_CASE("a MAIL in a repeat block gets one login before the block", "[check][login]") {
    auto scenario = make(session +
                         "repeat 3\nC: MAIL FROM:<{from}>\nS: 250\nC: RSET\nS: 250\n"
                         "end\n");
    CHECK(render(check::with_login(scenario, plain_in_tls, true)) ==
          Lines{"S: 220", "C: EHLO {client}", "S: 250", "C: AUTH PLAIN {auth-plain}",
                "S: 235 (login)", "repeat 3", "C: MAIL FROM:<{from}>", "S: 250", "C: RSET",
                "S: 250", "end"});
    auto ehlo_inside = make(
        "S: 220 *\nrepeat 2\nC: EHLO {client}\nS: 250\n"
        "C: MAIL FROM:<{from}>\nS: 250\nend\n");
    CHECK(render(check::with_login(ehlo_inside, plain_in_tls, true)) == render(ehlo_inside));
}

TEST_CASE("after STARTTLS the login follows the second EHLO, with the mechanisms under TLS",
          "[check][login]") {
    auto scenario = make(session +
                             "C: STARTTLS\nS: 220\nstarttls\nC: EHLO {client}\nS: 250\n"
                             "C: MAIL FROM:<{from}>\nS: 250\n",
                         "requires: STARTTLS\n");
    // Not in TLS at the start: no mechanism before the upgrade, PLAIN after it.
    CHECK(render(check::with_login(scenario, plain_in_tls, false)) ==
          Lines{"S: 220", "C: EHLO {client}", "S: 250", "C: STARTTLS", "S: 220", "starttls",
                "C: EHLO {client}", "S: 250", "C: AUTH PLAIN {auth-plain}", "S: 235 (login)",
                "C: MAIL FROM:<{from}>", "S: 250"});
    // The handshake forgets a login (RFC 3207 §4.2): a MAIL on each side logs in on each side.
    auto both = make(session +
                         "C: MAIL FROM:<{from}>\nS: 250\nC: RSET\nS: 250\n"
                         "C: STARTTLS\nS: 220\nstarttls\nC: EHLO {client}\nS: 250\n"
                         "C: MAIL FROM:<{from}>\nS: 250\n",
                     "requires: STARTTLS\n");
    LoginOffer login_then_plain{LoginMechanism::login, LoginMechanism::plain};
    auto lines = render(check::with_login(both, login_then_plain, false));
    CHECK(std::count(lines.begin(), lines.end(), "C: AUTH LOGIN") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "C: AUTH PLAIN {auth-plain}") == 1);
    CHECK(lines[3] == "C: AUTH LOGIN");
    CHECK(lines[18] == "C: AUTH PLAIN {auth-plain}");
    CHECK(lines[17] == "S: 250");
}

TEST_CASE("each connection logs in on its own", "[check][login]") {
    auto scenario = make(session + "C: MAIL FROM:<{from}>\nS: 250\nconnection 2\n" + session +
                         "C: MAIL FROM:<{from}>\nS: 250\nconnection 1\nC: RSET\nS: 250\n"
                         "C: MAIL FROM:<{from}>\nS: 250\n");
    CHECK(render(check::with_login(scenario, plain_in_tls, true)) ==
          Lines{"S: 220",
                "C: EHLO {client}",
                "S: 250",
                "C: AUTH PLAIN {auth-plain}",
                "S: 235 (login)",
                "C: MAIL FROM:<{from}>",
                "S: 250",
                "connection 2",
                "S: 220",
                "C: EHLO {client}",
                "S: 250",
                "C: AUTH PLAIN {auth-plain}",
                "S: 235 (login)",
                "C: MAIL FROM:<{from}>",
                "S: 250",
                "connection 1",
                "C: RSET",
                "S: 250",
                "C: MAIL FROM:<{from}>",
                "S: 250"});
}

TEST_CASE("HELO-only sessions, MAIL before any greeting and missing mechanisms get no login",
          "[check][login]") {
    auto helo = make("S: 220 *\nC: HELO {client}\nS: 250\nC: MAIL FROM:<{from}>\nS: 250\n");
    CHECK(render(check::with_login(helo, plain_always, true)) == render(helo));
    auto no_greeting = make("S: 220 *\nC: MAIL FROM:<{from}>\nS: 503\n");
    CHECK(render(check::with_login(no_greeting, plain_always, true)) == render(no_greeting));
    auto plain = make(session + "C: MAIL FROM:<{from}>\nS: 250\n");
    CHECK(render(check::with_login(plain, plain_in_tls, false)) == render(plain));
}

TEST_CASE("after EHLO then HELO the login goes before the HELO", "[check][login]") {
    auto scenario = make(session +
                         "C: NOOP\nS: 250\nC: HELO {client}\nS: 250\n"
                         "C: MAIL FROM:<{from}>\nS: 250\n");
    CHECK(render(check::with_login(scenario, plain_in_tls, true)) ==
          Lines{"S: 220", "C: EHLO {client}", "S: 250", "C: NOOP", "S: 250",
                "C: AUTH PLAIN {auth-plain}", "S: 235 (login)", "C: HELO {client}", "S: 250",
                "C: MAIL FROM:<{from}>", "S: 250"});
    auto helo_first = make(
        "S: 220 *\nC: HELO {client}\nS: 250\nC: EHLO {client}\nS: 250\n"
        "C: MAIL FROM:<{from}>\nS: 250\n");
    CHECK(render(check::with_login(helo_first, plain_in_tls, true))[5] ==
          "C: AUTH PLAIN {auth-plain}");
}

TEST_CASE("scenarios about AUTH, and those tagged unauthenticated, run as written",
          "[check][login]") {
    const std::string mail = session + "C: MAIL FROM:<{from}>\nS: 250\n";
    CHECK_FALSE(check::runs_without_login(make(mail)));
    CHECK_FALSE(check::runs_without_login(make(mail, "tags: sequence\n")));
    CHECK(check::runs_without_login(make(mail, "tags: unauthenticated\n")));
    CHECK(check::runs_without_login(make(mail, "tags: auth\n")));
    CHECK(check::runs_without_login(make(mail, "requires: AUTH\n")));
    CHECK(check::runs_without_login(make(session + "C: auth cram-md5\nS: 334\n")));
    CHECK(check::runs_without_login(make(session + "C: {user-base64}\nS: 334\n")));

    auto about_auth = make(session +
                           "C: AUTH PLAIN {auth-plain}\nS: 235\n"
                           "C: MAIL FROM:<{from}>\nS: 250\n");
    auto unauthenticated = make(mail, "tags: unauthenticated\n");
    auto ordinary = make(mail);
    auto skipped = make(mail);
    std::vector<check::Planned> plan(4);
    plan[0].scenario = &about_auth;
    plan[1].scenario = &unauthenticated;
    plan[2].scenario = &ordinary;
    plan[3].scenario = &skipped;
    plan[3].skip = "requires CHUNKING, not advertised";
    plan[2].settings.upgrade_first = true;
    check::Login login{"alice", plain_in_tls, LoginMechanism::plain, true};
    std::deque<scenario::Scenario> store;
    check::add_logins(plan, login, check::TlsMode::starttls, store);
    CHECK(plan[0].scenario == &about_auth);
    CHECK_FALSE(plan[0].skip);
    CHECK(plan[1].scenario == &unauthenticated);
    CHECK(plan[3].scenario == &skipped);
    CHECK(plan[3].skip == "requires CHUNKING, not advertised");
    REQUIRE(store.size() == 1);
    CHECK(plan[2].scenario == &store.front());
    CHECK_FALSE(plan[2].skip);
    CHECK(render(*plan[2].scenario)[3] == "C: AUTH PLAIN {auth-plain}");
    // A server that requires a login refuses the MAIL of the unauthenticated scenario.
    CHECK(plan[1].skip ==
          "tagged unauthenticated: sends MAIL without login; run without --auth to check it");

    // Where MAIL needs no login (discovery saw no 530 to it), such a scenario runs as written.
    std::vector<check::Planned> port_25(1);
    port_25[0].scenario = &unauthenticated;
    login.required = false;
    check::add_logins(port_25, login, check::TlsMode::starttls, store);
    CHECK(port_25[0].scenario == &unauthenticated);
    CHECK_FALSE(port_25[0].skip);
}

TEST_CASE("in a run that logs in, a MAIL that cannot follow a login is SKIPped", "[check][login]") {
    const std::string mail = "C: MAIL FROM:<{from}>\nS: 250\n";
    auto skip = [](const scenario::Scenario& written, LoginOffer offer, bool starts_in_tls) {
        return check::mail_without_login(written, check::with_login(written, offer, starts_in_tls))
            .value_or("runs");
    };
    CHECK(skip(make(session + mail), plain_in_tls, true) == "runs");
    CHECK(skip(make("S: 220 *\n" + mail), plain_in_tls, true) == "runs");
    CHECK(skip(make("S: 220 *\nC: HELO {client}\nS: 250\n" + mail), plain_in_tls, true) ==
          "sends MAIL after HELO, where AUTH cannot log in; run without --auth to check it");
    // Scenarios about AUTH are not rewritten: judged as written.
    auto auth_after_mail = make(session + mail + "C: AUTH PLAIN AGEAYg==\nS: 503\n");
    CHECK(check::mail_without_login(auth_after_mail, auth_after_mail) ==
          "about AUTH: sends MAIL before logging in; run without --auth to check it");
    auto auth_first = make(session + "C: AUTH PLAIN {auth-plain}\nS: 235\n" + mail);
    CHECK_FALSE(check::mail_without_login(auth_first, auth_first));
    // No mechanism before TLS: the MAIL before the scenario's own STARTTLS cannot log in.
    auto plaintext = make(session + mail +
                              "C: RSET\nS: 250\nC: STARTTLS\nS: 220\n"
                              "starttls\nC: EHLO {client}\nS: 250\n" +
                              mail,
                          "requires: STARTTLS\n");
    CHECK(skip(plaintext, plain_in_tls, false) ==
          "sends MAIL where no login was inserted; run without --auth to check it");
    CHECK(skip(plaintext, plain_always, false) == "runs");
    // The handshake forgets a login: the MAIL after it needs one of its own.
    auto forgotten = make(session +
                              "C: AUTH PLAIN {auth-plain}\nS: 235\nC: STARTTLS\n"
                              "S: 220\nstarttls\nC: EHLO {client}\nS: 250\n" +
                              mail,
                          "requires: STARTTLS\n");
    CHECK(check::mail_without_login(forgotten, forgotten));
}

TEST_CASE("the run logs in only with --auth and PLAIN or LOGIN where the scenarios run",
          "[check][login]") {
    check::Discovery found;
    found.keyword_lines = {"PIPELINING", "STARTTLS", "AUTH SCRAM-SHA-256 CRAM-MD5"};
    found.keyword_lines_after_tls = {"PIPELINING", "AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN"};
    CHECK_FALSE(check::plan_login("", found, check::TlsMode::starttls));
    // Port 25 without --starttls: PLAIN only after STARTTLS, so no login.
    CHECK_FALSE(check::plan_login("alice:secret", found, check::TlsMode::none));
    auto login = check::plan_login("alice:secret", found, check::TlsMode::starttls);
    REQUIRE(login);
    CHECK(login->user == "alice");
    CHECK(login->offer.without_tls == LoginMechanism::none);
    CHECK(login->offer.with_tls == LoginMechanism::plain);
    CHECK(check::describe(*login) == "logging in as alice before MAIL (AUTH PLAIN)");
    // Implicit TLS: the first EHLO reply is already under TLS.
    found.keyword_lines = {"AUTH LOGIN"};
    auto implicit = check::plan_login("bob:pw:with:colons", found, check::TlsMode::implicit);
    REQUIRE(implicit);
    CHECK(implicit->user == "bob");
    CHECK(implicit->offer.with_tls == LoginMechanism::login);
    CHECK(check::describe(*implicit) == "logging in as bob before MAIL (AUTH LOGIN)");
}

TEST_CASE("a failed inserted login ends the scenario in ERROR, a good one runs on",
          "[check][login]") {
    auto scenario = check::with_login(
        engine_test::parse("S: 220 *\nC: EHLO {client}\nS: 250\nC: MAIL FROM:<{from}>\n"
                           "S: 250\nC: QUIT\nS: 221\n"),
        plain_in_tls, true);
    auto variables = engine_test::variables;
    variables["auth-plain"] = "AGFsaWNlAHNlY3JldA==";

    engine_test::Driver refused;
    refused.replies = {engine_test::reply(220, {"mx"}), engine_test::reply(250, {"mx", "AUTH"}),
                       engine_test::reply(535, {"5.7.8 Authentication credentials invalid"})};
    auto result = refused.run(scenario, variables);
    CHECK(result.verdict == engine::Verdict::error);
    CHECK(result.reason ==
          "login with --auth failed: 535 5.7.8 Authentication credentials invalid");
    // The wire log shows the inserted line like any other.
    CHECK(std::count(refused.trace.begin(), refused.trace.end(),
                     "write 1 AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n") == 1);

    engine_test::Driver closed;
    closed.replies = {engine_test::reply(220, {"mx"}), engine_test::reply(250, {"mx"}),
                      engine::Received::closed()};
    CHECK(closed.run(scenario, variables).verdict == engine::Verdict::error);

    engine_test::Driver accepted;
    accepted.replies = {engine_test::reply(220, {"mx"}), engine_test::reply(250, {"mx"}),
                        engine_test::reply(235, {"2.7.0 ok"}), engine_test::reply(250, {"ok"}),
                        engine_test::reply(221, {"bye"})};
    CHECK(accepted.run(scenario, variables).verdict == engine::Verdict::pass);

    // Without the login, the same 530 to MAIL is the scenario's own FAIL.
    engine_test::Driver submission;
    submission.replies = {engine_test::reply(220, {"mx"}), engine_test::reply(250, {"mx"}),
                          engine_test::reply(530, {"5.7.0 Authentication required"})};
    CHECK(submission
              .run(engine_test::parse("S: 220 *\nC: EHLO {client}\nS: 250\n"
                                      "C: MAIL FROM:<{from}>\nS: 250\n"))
              .verdict == engine::Verdict::fail);
}

TEST_CASE("RCPT, DATA, BDAT, VRFY or EXPN sent before any MAIL get the login before them",
          "[check][login]") {
    // A submission server may refuse each with 530 before a login: the command must meet
    // the rule under test, not the login rule.
    for (const char* command :
         {"RCPT TO:<{rcpt}>", "DATA", "BDAT 5 LAST", "VRFY postmaster", "EXPN staff"}) {
        auto scenario =
            make(session + "C: " + command + "\nS: 503\nC: MAIL FROM:<{from}>\nS: 250\n");
        CHECK(render(check::with_login(scenario, plain_in_tls, true)) ==
              Lines{"S: 220", "C: EHLO {client}", "S: 250", "C: AUTH PLAIN {auth-plain}",
                    "S: 235 (login)", std::string("C: ") + command, "S: 503",
                    "C: MAIL FROM:<{from}>", "S: 250"});
    }
}
