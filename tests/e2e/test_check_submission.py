"""ehlo-check against a submission port (RFC 6409 §4.3: MAIL before AUTH gets 530): with
--auth the runner logs in before MAIL (AUTH PLAIN, RFC 4616 §2) in every scenario that is not
about AUTH, and SKIPs those that must send MAIL without login, so the whole suite gives no
FAIL on ehlo-server's --submission listener; on its port 25 no finding changes with --auth; a
wrong password gives ERROR, not FAIL. The target is ehlo-server with STARTTLS, a users file
and a submission listener."""

import json

from check_support import run_check
from conftest import DOMAIN
# The server with STARTTLS, users and a submission listener, and its port, are test_auth.py's.
from test_auth import PASSWORD, auth_server, credentials, submission_port  # noqa: F401
from test_tls import certificate, start_tls_server  # noqa: F401

RCPT = f"someone@{DOMAIN}"
AUTH = f"alice:{PASSWORD}"
# The demo's pace: the target is ours, on loopback.
PACE = ["--jobs", "4", "--max-connections", "16", "--rate", "0"]
RUN_TIMEOUT = 600
NOT_LOGGED_IN = "; run without --auth to check it"


def check(port, cert, report, *args):
    """Runs the suite against 127.0.0.1:PORT over STARTTLS: the console, and the JSON run."""
    result = run_check(f"127.0.0.1:{port}", "--starttls", "--ca-file", cert, "--rcpt", RCPT,
                       "--json", report, *PACE, *args, timeout=RUN_TIMEOUT)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result, json.loads(report.read_text())


def findings(run) -> str:
    return "\n".join(f'{s["verdict"]} {s["id"]}: {s["reason"]}' for s in run["scenarios"]
                     if s["verdict"] not in ("PASS", "SKIP"))


def logged_in(scenario) -> bool:
    return any(line["side"] == "client" and line["text"].startswith("AUTH PLAIN ")
               for line in scenario["log"])


def test_the_suite_logs_in_on_the_submission_port(auth_server, certificate, tmp_path):  # noqa: F811
    port = submission_port(auth_server)
    # Without --auth the port refuses every MAIL: the scenarios that send one FAIL.
    result, before = check(port, certificate[0], tmp_path / "before.json")
    print("without --auth:", before["tally"])
    assert before["tally"]["FAIL"] > 100, findings(before)
    assert "530 5.7.0" in findings(before)
    assert "logging in" not in result.stdout

    result, run = check(port, certificate[0], tmp_path / "after.json", "--auth", AUTH)
    print("with --auth:", run["tally"])
    assert result.returncode == 0, findings(run)
    assert result.stdout.count("logging in as alice before MAIL (AUTH PLAIN)") == 1
    assert run["tally"]["FAIL"] == 0, findings(run)
    assert run["tally"]["ERROR"] == 0, findings(run)
    assert run["tally"]["PASS"] > 300, run["tally"]
    # The inserted lines are in the wire log like any other, before the MAIL.
    twice = next(s for s in run["scenarios"] if s["id"] == "rfc5321/4.1.4/mail-twice")
    sent = [line["text"] for line in twice["log"] if line["side"] == "client"]
    assert sent[1].startswith("AUTH PLAIN ") and sent[2].startswith("MAIL FROM:"), sent
    assert sum(map(logged_in, run["scenarios"])) > 200
    # The scenarios that cannot log in are SKIPped, saying how to check them.
    skipped = {s["id"]: s["reason"] for s in run["scenarios"]
               if s["reason"].endswith(NOT_LOGGED_IN)}
    print("\n".join(f"{i}: {r}" for i, r in sorted(skipped.items())))
    assert "rfc5321/4.1.1.1/helo-then-transaction" in skipped
    assert all(s["verdict"] == "SKIP" for s in run["scenarios"] if s["id"] in skipped)


def test_port_25_keeps_its_findings_with_auth(auth_server, certificate, tmp_path):  # noqa: F811
    _, without = check(auth_server.port, certificate[0], tmp_path / "without.json")
    result, with_auth = check(auth_server.port, certificate[0], tmp_path / "with.json",
                              "--auth", AUTH)
    print("without --auth:", without["tally"])
    print("with --auth:", with_auth["tally"])
    assert "logging in as alice before MAIL (AUTH PLAIN)" in result.stdout
    before = {s["id"]: s for s in without["scenarios"]}
    changed = []
    for after in with_auth["scenarios"]:
        was = before[after["id"]]
        if after["verdict"] == was["verdict"]:
            continue
        changed.append(f'{after["id"]}: {was["verdict"]} -> {after["verdict"]}')
        # --auth gives the credentials the AUTH scenarios need, and SKIPs those that must
        # send MAIL without login; no other verdict moves.
        if was["verdict"] == "SKIP":
            assert was["reason"].endswith("give --auth"), (was, after)
        else:
            assert after["verdict"] == "SKIP" and after["reason"].endswith(NOT_LOGGED_IN), \
                (was, after)
    print("\n".join(changed))
    assert findings(with_auth) == findings(without)
    assert sum(map(logged_in, with_auth["scenarios"])) > 200


def test_without_starttls_the_run_says_it_cannot_log_in(auth_server, certificate):  # noqa: F811
    # ehlo-server offers PLAIN and LOGIN only under TLS (docs/auth.md).
    result = run_check(f"127.0.0.1:{submission_port(auth_server)}", "--ca-file", certificate[0],
                       "--rcpt", RCPT, "--auth", AUTH, "--only", "rfc5321/4.1.4/mail-twice")
    assert "not logging in before MAIL" in result.stdout, result.stdout + result.stderr
    assert "give --starttls to log in after it" in result.stdout
    assert result.returncode == 1  # the 530 to MAIL, judged as written


def test_a_refused_login_is_an_error_not_a_fail(auth_server, certificate, tmp_path):  # noqa: F811
    port = submission_port(auth_server)
    result, run = check(port, certificate[0], tmp_path / "wrong.json",
                        "--auth", "alice:not the password", "--only", "rfc5321/4.1.4/*")
    assert result.returncode == 1
    assert run["tally"]["FAIL"] == 0, findings(run)
    assert run["tally"]["ERROR"] > 5, run["tally"]
    reasons = {s["reason"] for s in run["scenarios"] if s["verdict"] == "ERROR"}
    assert reasons == {"login with --auth failed: 535 5.7.8 Authentication credentials invalid"}
