"""ehlo-check against the third-party peers and against ehlo-server: each peer must get the
verdicts recorded in docs/results/verdicts.json (written by tools/results, every one that is
not PASS explained in docs/results/README.md), so a change of the suite or of the runner that
changes a verdict shows here. The exit status must follow the verdicts (1 with a FAIL or an
ERROR, else 0; docs/ehlo-check.md). ehlo-server itself must pass every MUST scenario (an INFO,
a choice the RFC leaves open, counts as passing).
"""

import json

import pytest

from check_support import run_check
from conftest import SOURCE_DIR

VERDICTS = json.loads((SOURCE_DIR / "docs" / "results" / "verdicts.json").read_text())
RCPT = "someone@example.test"
# The options tools/results runs with: four scenarios at once (OpenSMTPD's listen backlog of
# 5 is enough for ehlo-check's default of 4 connections), no rate limit, a short time-out.
OPTIONS = ["--jobs", "4", "--rate", "0", "--timeout", "10"]
PEERS = ["postfix", "smtp-sink", "exim", "opensmtpd", "aiosmtpd", "exim-auth", "twisted",
         "dovecot"]


def check_json(port, tmp_path, certificate, account=None):
    """Runs the suite against 127.0.0.1:port; returns (exit status, the JSON report). The test
    certificate is self-signed, its own CA: the STARTTLS scenarios verify it with --ca-file.
    A peer with an account is checked with --auth, as tools/results does."""
    report = tmp_path / "run.json"
    auth = ["--auth", ":".join(account)] if account else []
    result = run_check(f"127.0.0.1:{port}", "--rcpt", RCPT, "--json", report,
                       "--scenarios", SOURCE_DIR / "scenarios", "--ca-file", certificate[0],
                       *OPTIONS, *auth, timeout=300)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.returncode, json.loads(report.read_text())


def expected_status(verdicts):
    return 1 if {"FAIL", "ERROR"} & set(verdicts.values()) else 0


def differences(found, recorded):
    """Lines naming each scenario whose verdict is not the recorded one."""
    return [f"{scenario}: recorded {recorded.get(scenario, '-')}, got {found.get(scenario, '-')}"
            for scenario in sorted(set(found) | set(recorded))
            if found.get(scenario) != recorded.get(scenario)]


@pytest.mark.parametrize("name", PEERS)
def test_peer_gets_the_recorded_verdicts(name, request, tmp_path, peer_certificate):
    peer = request.getfixturevalue(name.replace("-", "_") + "_peer")
    status, report = check_json(peer.port, tmp_path, peer_certificate, peer.account)
    found = {s["id"]: s["verdict"] for s in report["scenarios"]}
    reasons = {s["id"]: s.get("reason", "") for s in report["scenarios"]}
    changed = differences(found, VERDICTS[name])
    assert not changed, "\n".join(f"{line} ({reasons.get(line.split(':')[0], '')})"
                                  for line in changed)
    assert status == expected_status(found)


def test_ehlo_server_passes_every_must_scenario(start_server, tmp_path, peer_certificate):
    cert, key = peer_certificate
    server = start_server("--tls-cert", str(cert), "--tls-key", str(key))
    status, report = check_json(server.port, tmp_path, peer_certificate)
    verdicts = {s["id"]: s["verdict"] for s in report["scenarios"]}
    assert status == expected_status(verdicts)
    failing = [f"{s['id']}: {s['verdict']}: {s.get('reason', '')}" for s in report["scenarios"]
               if s["level"] == "MUST" and s["verdict"] in ("FAIL", "WARN", "ERROR")]
    assert not failing, "\n".join(failing)
    assert "ERROR" not in verdicts.values()
