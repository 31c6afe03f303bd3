"""Helpers of the ehlo-check end-to-end tests: running the binary, writing a suite of
scenarios into a temporary folder, reading the console's verdicts. The servers a test scripts
(hostile ones, a small STARTTLS server) are the test kit's ScriptedServer (ehlokit.scripted)."""

import subprocess

import pytest

from conftest import BIN_DIR
# The one-scenario suite of the hostile-peers check (the greeting, then QUIT).
from ehlokit.hardening.hostile_peers import SCENARIO as GREETING_AND_QUIT  # noqa: F401

WRONG_REPLY = """title: expects NOOP to be refused, which no server does
refs: 5321#4.1.1.9
requirements: 5321-4.3.1-d
level: MUST
requires: -

S: 220 *
C: EHLO {client}
S: 250
C: NOOP
S: 500
"""

SENDS_MESSAGE = """title: one message to {rcpt}
refs: 5321#4.1.1.4
requirements: 5321-4.1.1.4-f
level: MUST
requires: -

S: 220 *
C: EHLO {client}
S: 250
C: MAIL FROM:<{from}>
S: 250
C: RCPT TO:<{rcpt}>
S: 250 | 251
C: DATA
S: 354
C~ Subject: t\\r\\n\\r\\nhello\\r\\n.\\r\\n
S: 250
C: QUIT
S: 221
"""

# A keyword the reference server does not announce (it has no DSN), so the scenario is SKIP.
NEEDS_DSN = """title: needs DSN
refs: 3461#4
level: MUST
requires: DSN

S: 220 *
C: QUIT
S: 221
"""


def run_check(*args, timeout=60):
    binary = BIN_DIR / "ehlo-check"
    if not binary.is_file():
        pytest.fail(f"no ehlo-check in {BIN_DIR}: build it, or set EHLO_BIN_DIR")
    return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def verdict_of(stdout, scenario_id):
    """The verdict the console printed for `scenario_id`, or None."""
    for line in stdout.splitlines():
        words = line.split()
        if len(words) >= 2 and words[1].rstrip(":") == scenario_id:
            return words[0]
    return None


def suite(tmp_path, **files):
    """A scenarios folder under tmp_path with one file per keyword: name=text."""
    root = tmp_path / "suite"
    for name, text in files.items():
        path = root / "mine" / f"{name}.smtp"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
