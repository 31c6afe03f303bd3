"""Part `hostile-peers` of tools/hardening: ehlo-check and ehlo-send against servers that
misbehave on purpose.

Each hostile server below is run against both programs with `--timeout T`. Checked for every
pair: the program ends within its timeout (plus a little for starting and stopping), says
clearly what went wrong (ehlo-check: ERROR; ehlo-send: the recipient deferred or refused,
with the reason), and its peak resident memory (VmHWM) stays within a bound, smaller than
what the server sends. The full run sends a 100 MiB line, `--quick` a 32 MiB one.
"""

import argparse
import os
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

from ehlokit.hardening import harness
from ehlokit.processes import status_kib
from ehlokit.programs import KitError, binary
from ehlokit.scripted import ScriptedServer

CHUNK = 1 << 20
LINE_OF_512 = b"220-" + b"g" * 506 + b"\r\n"  # the longest reply line allowed (RFC 5321 §4.5.3.1.5)
PEAK_LIMIT_KIB = 24 * 1024  # measured: 6 MiB (ehlo-send), 12 MiB (ehlo-check), whatever is sent
FULL_LINE_MIB = 100
QUICK_LINE_MIB = 32  # still more than the bound: a client that kept the line would fail
SLACK = 5.0  # seconds a program may take beyond its timeout (start, the QUIT, exit)
TIMEOUT = 2  # --timeout of every run, in seconds

SCENARIO = """title: the greeting, then QUIT
refs: 5321#4.3.1
requirements: 5321-4.3.1-d
level: MUST
requires: -

S: 220 *
C: QUIT
S: 221
"""


def send_forever(conn, stop, data):
    while not stop.is_set():
        conn.sendall(data)


def giant_reply(conn, stop, lines=100_000):
    """A greeting of 100,000 lines of 512 octets (51 MB), then its last line."""
    for _ in range(lines // 1000):
        if stop.is_set():
            return
        conn.sendall(LINE_OF_512 * 1000)
    conn.sendall(b"220 that was all\r\n")
    stop.wait(30)


def endless_reply(conn, stop):
    """A multi-line greeting that never ends."""
    send_forever(conn, stop, b"220-more to come\r\n" * 1000)


def byte_a_second(conn, stop):
    """A multi-line greeting that never ends, one octet a second."""
    text = b"220-slowly but surely\r\n"
    sent = 0
    while not stop.wait(1.0):
        conn.sendall(text[sent % len(text):][:1])
        sent += 1


def reset_mid_reply(conn, stop):
    """Half a multi-line greeting, then a TCP reset (SO_LINGER 0)."""
    conn.sendall(b"220-first line\r\n220-second li")
    time.sleep(0.2)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def huge_line(megabytes):
    """A greeting line of `megabytes` MiB that never ends."""
    def behave(conn, stop):
        conn.sendall(b"220 ")
        chunk = b"x" * CHUNK
        for _ in range(megabytes):
            if stop.is_set():
                return
            conn.sendall(chunk)
        stop.wait(30)
    behave.__name__ = behave.__doc__ = f"a {megabytes} MiB line"
    return behave


def after_ehlo(behave):
    """The same misbehaviour in the reply to EHLO, after a normal greeting."""
    def behave_later(conn, stop):
        conn.sendall(b"220 hostile.example.test\r\n")
        conn.settimeout(10)
        conn.recv(4096)  # EHLO
        behave(conn, stop)
    behave_later.__name__ = f"{behave.__name__}, after EHLO"
    return behave_later


def hostile_servers(megabytes):
    """(name, behave(conn, stop)) for every hostile server of a run."""
    line = huge_line(megabytes)
    behaviours = [giant_reply, endless_reply, byte_a_second, reset_mid_reply, line]
    behaviours += [after_ehlo(giant_reply), after_ehlo(line)]
    return [(b.__name__.replace("_", " "), b) for b in behaviours]


def run_measured(command, limit):
    """Runs `command`, killing it after `limit` seconds. Returns a dict: exit code (None if it
    had to be killed), seconds, stdout, stderr, and memory in KiB:

    - "peak_kib": the child's VmHWM (high-water mark of its resident set), read every few
      milliseconds while it runs;
    - "maxrss_kib": its ru_maxrss at exit, an upper bound of its peak: Linux counts in it the
      pages of this process, which forked it ("spawner_kib"), so it is exact only above that.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        spawner = status_kib(os.getpid(), "VmHWM")
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        killed, peak = False, 0
        while True:
            peak = max(peak, status_kib(process.pid, "VmHWM") or 0)
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > limit and not killed:
                process.kill()
                killed = True
            time.sleep(0.002)
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        seconds = time.monotonic() - started
        if usage.ru_maxrss > spawner:
            peak = max(peak, usage.ru_maxrss)  # it can only be the child's own
        out.seek(0)
        err.seek(0)
        return {"code": None if killed else process.returncode, "seconds": seconds,
                "peak_kib": peak, "maxrss_kib": usage.ru_maxrss, "spawner_kib": spawner,
                "stdout": out.read().decode(errors="replace"),
                "stderr": err.read().decode(errors="replace")}


def check_command(bin_dir, port, suite):
    return [str(bin_dir / "ehlo-check"), f"127.0.0.1:{port}", "--timeout", str(TIMEOUT),
            "--scenarios", str(suite)]


def send_command(bin_dir, port):
    return [str(bin_dir / "ehlo-send"), "--server", f"127.0.0.1:{port}", "--from",
            "alice@example.org", "--to", "bob@example.test", "--subject", "hostile", "--body",
            "hello", "--timeout", str(TIMEOUT)]


def write_suite(folder):
    """A one-scenario suite for ehlo-check; returns its folder."""
    root = Path(folder) / "suite"
    (root / "hostile").mkdir(parents=True)
    (root / "hostile" / "greeting.smtp").write_text(SCENARIO)
    return root


def clear_error(program, result):
    """The error the program gave, or None when it did not say clearly that it failed."""
    if program == "ehlo-check":
        if result["code"] not in (1, 2):
            return None
        for line in (result["stdout"] + result["stderr"]).splitlines():
            if line.startswith("ERROR") or "cannot" in line or "discovery" in line:
                return line.strip()
        return None
    # A malformed reply is a protocol error (76, refused); a lost connection or a timeout is
    # temporary (75, deferred).
    if result["code"] not in (75, 76) or "ehlo-send: " not in result["stderr"]:
        return None
    for line in result["stdout"].splitlines():
        if line.startswith(("deferred <bob@example.test>: ", "refused <bob@example.test>: ")):
            return line.strip()
    return None


def run_one(program, behave, bin_dir, suite, limit=TIMEOUT + SLACK + 5):
    """Runs `program` against a ScriptedServer that behaves so, killing it after `limit`
    seconds; returns its result with "error" added."""
    server = ScriptedServer(behave)
    try:
        if program == "ehlo-check":
            command = check_command(bin_dir, server.port, suite)
        else:
            command = send_command(bin_dir, server.port)
        result = run_measured(command, limit)
    finally:
        server.close()
    result["error"] = clear_error(program, result)
    return result


def problems_of(program, name, result, time_limit):
    found = []
    if result["code"] is None:
        found.append(f"{program} vs {name}: still running after {result['seconds']:.0f} s, "
                     "killed")
    elif result["seconds"] > time_limit:
        found.append(f"{program} vs {name}: took {result['seconds']:.1f} s, limit "
                     f"{time_limit:.0f} s")
    if result["code"] is not None and result["error"] is None:
        found.append(f"{program} vs {name}: exit {result['code']} without a clear error")
    if result["peak_kib"] > PEAK_LIMIT_KIB:
        found.append(f"{program} vs {name}: peak RSS {result['peak_kib']} KiB, limit "
                     f"{PEAK_LIMIT_KIB} KiB")
    elif result["spawner_kib"] < PEAK_LIMIT_KIB < result["maxrss_kib"]:
        # A peak between two readings of VmHWM: ru_maxrss is above what it inherited.
        found.append(f"{program} vs {name}: ru_maxrss {result['maxrss_kib']} KiB, limit "
                     f"{PEAK_LIMIT_KIB} KiB")
    return found


def main(argv):
    parser = argparse.ArgumentParser(prog="tools/hardening hostile-peers",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"a {QUICK_LINE_MIB} MiB line instead of {FULL_LINE_MIB} MiB")
    options = parser.parse_args(argv)
    try:
        bin_dir = binary("ehlo-check").parent
        binary("ehlo-send")
    except KitError as error:
        harness.say(f"hostile-peers: SKIP ({error})")
        return harness.SKIPPED
    problems = []
    with harness.ScratchFolder() as folder:
        suite = write_suite(folder)
        for name, behave in hostile_servers(QUICK_LINE_MIB if options.quick else FULL_LINE_MIB):
            for program in ("ehlo-check", "ehlo-send"):
                result = run_one(program, behave, bin_dir, suite)
                harness.say(f"  {program:<10} vs {name:<32} exit {result['code']}, "
                            f"{result['seconds']:5.1f} s, peak RSS {result['peak_kib']:6d} KiB:"
                            f" {result['error'] or '(no clear error)'}")
                problems += problems_of(program, name, result, TIMEOUT + SLACK)
    for problem in problems:
        harness.say("  problem: " + problem)
    return harness.verdict("hostile-peers", not problems,
                           f"{len(problems)} problem(s)" if problems else
                           f"every run ended within {TIMEOUT + SLACK:.0f} s and "
                           f"{PEAK_LIMIT_KIB // 1024} MiB")
