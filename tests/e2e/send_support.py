"""Support for the ehlo-send end-to-end tests: running ehlo-send and reading its outcome. The
scripted SMTP servers that misbehave on purpose are the test kit's:
ScriptedServer(script, conversation=True) from ehlokit.scripted."""

import subprocess

from conftest import BIN_DIR

SEND_TIMEOUT = 60


def run_send(*args, stdin=None, timeout=SEND_TIMEOUT, program="ehlo-send"):
    """Runs ehlo-send (or `program`, e.g. ehlo-send-mutant) with `args`; returns the
    CompletedProcess (text output)."""
    command = [str(BIN_DIR / program), *map(str, args)]
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run(command, input=data, capture_output=True, timeout=timeout)
    result.stdout = result.stdout.decode(errors="replace")
    result.stderr = result.stderr.decode(errors="replace")
    return result


def outcome(result):
    """{mailbox: (verdict, rest)} from ehlo-send's stdout lines 'verdict <mailbox>: rest'."""
    found = {}
    for line in result.stdout.splitlines():
        verdict, _, rest = line.partition(" <")
        mailbox, _, why = rest.partition(">: ")
        found[mailbox] = (verdict, why)
    return found
