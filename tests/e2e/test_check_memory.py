"""ehlo-check's memory against a server whose every reply is as large as the runner reads: 1000
lines (link.hpp's max_reply_lines) of 8192 octets each, CRLF included (max_reply_line). Such
replies are legal to the runner's reader, so every scenario runs to a verdict and keeps a wire
log; the run as a whole must still stay within a bound in octets (each wire log keeps a head
and a tail, engine/transcript.hpp). The full suite runs with --rcpt, four jobs at once and no
rate limit; the peak resident set of ehlo-check (VmHWM, read while it runs, and its ru_maxrss)
must stay under 256 MiB. Before the logs were bounded in octets, the same run passed 4 GiB.
"""

import os
import re
import subprocess
import tempfile
import time

from conftest import BIN_DIR
from ehlokit.processes import status_kib
from ehlokit.scripted import ScriptedServer

LINES = 1000
LINE_OCTETS = 8192  # CRLF included
PEAK_LIMIT_KIB = 256 * 1024
# About 17 GB pass from the server to the runner: minutes with an optimised build, half an
# hour with a debug build on a busy machine.
SECONDS = 3600
KEYWORDS = [b"PIPELINING", b"SIZE 10240000", b"8BITMIME", b"SMTPUTF8", b"CHUNKING",
            b"ENHANCEDSTATUSCODES", b"DSN", b"AUTH PLAIN LOGIN", b"VRFY", b"HELP"]


def fat_reply(code, first=()):
    """A reply of LINES lines of LINE_OCTETS octets each; its first lines are `first`."""
    lines = []
    for i in range(LINES):
        text = first[i] if i < len(first) else b"X-FAT-" + str(i).encode()
        if i >= len(first):
            text += b" " + b"x" * (LINE_OCTETS - 4 - len(text) - 1 - 2)
        lines.append(str(code).encode() + (b" " if i == LINES - 1 else b"-") + text + b"\r\n")
    return b"".join(lines)


REPLIES = {code: fat_reply(code) for code in (220, 221, 250, 354)}
REPLIES["EHLO"] = fat_reply(250, [b"mx.fat.test"] + KEYWORDS)


def read_data(reader):
    """Reads message data up to the line holding a single dot (RFC 5321 §4.1.1.4)."""
    while line := reader.readline():
        if line in (b".\r\n", b".\n"):
            return True
    return False


def fat_server(conn, stop):
    conn.settimeout(60)
    conn.sendall(REPLIES[220])
    reader = conn.makefile("rb")
    while not stop.is_set() and (line := reader.readline()):
        verb = line.split(b" ", 1)[0].strip().upper()
        if verb in (b"EHLO", b"HELO"):
            conn.sendall(REPLIES["EHLO"])
        elif verb == b"DATA":
            conn.sendall(REPLIES[354])
            if not read_data(reader):
                return
            conn.sendall(REPLIES[250])
        elif verb == b"BDAT" and re.fullmatch(rb"BDAT (\d+)( LAST)?\s*", line, re.I):
            reader.read(int(line.split()[1]))
            conn.sendall(REPLIES[250])
        elif verb == b"QUIT":
            conn.sendall(REPLIES[221])
            return
        else:
            conn.sendall(REPLIES[250])


def run_watched(command, limit_kib, seconds):
    """Runs `command`, reading its VmHWM every 20 ms; kills it as soon as that passes
    `limit_kib` (a regression fails in seconds, not at the end of the suite) or after
    `seconds`. Returns (exit code or None when killed, peak KiB, seconds, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        peak, killed = 0, False
        while True:
            peak = max(peak, status_kib(process.pid, "VmHWM") or 0)
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            late = time.monotonic() - started > seconds
            if (peak > limit_kib or late) and not killed:
                process.kill()
                killed = True
            time.sleep(0.02)
        # ru_maxrss of the child alone: a peak between two readings shows there.
        peak = max(peak, usage.ru_maxrss)
        out.seek(0)
        err.seek(0)
        code = None if killed else os.waitstatus_to_exitcode(status)
        return (code, peak, time.monotonic() - started, out.read().decode(errors="replace"),
                err.read().decode(errors="replace"))


def test_fat_replies_keep_the_whole_run_under_256_mib():
    server = ScriptedServer(fat_server)
    try:
        command = [str(BIN_DIR / "ehlo-check"), f"127.0.0.1:{server.port}",
                   "--rcpt", "bob@fat.test", "--jobs", "4", "--rate", "0", "--timeout", "60"]
        code, peak, seconds, stdout, stderr = run_watched(command, PEAK_LIMIT_KIB, SECONDS)
    finally:
        server.close()
    by_id = {}  # the first line of each scenario: the details repeat FAIL, WARN and ERROR
    for line in stdout.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ("PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"):
            by_id.setdefault(words[1].rstrip(":"), words[0])
    verdicts = list(by_id.values())
    print(f"exit {code}, {seconds:.0f} s, peak {peak} KiB, {len(verdicts)} verdicts")
    print(stdout[-2000:], stderr[-2000:])
    assert peak < PEAK_LIMIT_KIB, f"peak {peak} KiB after {len(verdicts)} scenarios"
    assert code in (0, 1), f"killed after {seconds:.0f} s, {len(verdicts)} scenarios done"
    assert re.search(r"^\d+ scenarios: ", stdout, re.M)
    # The fat replies were read and judged, not refused: most scenarios reached a verdict.
    judged = sum(1 for verdict in verdicts if verdict in ("PASS", "FAIL", "WARN", "INFO"))
    assert judged > len(verdicts) / 2
