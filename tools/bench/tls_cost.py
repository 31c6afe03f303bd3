"""What TLS costs per session: the throughput bench's sessions, in the clear and with STARTTLS.

The load client is tls_sessions.py (asyncio and ssl; smtp-source has no TLS): 20 sessions in
parallel, each connect, greeting, EHLO, [STARTTLS, handshake, EHLO], MAIL, RCPT, DATA, 1 KiB,
QUIT, new ones started for --seconds. The targets carry a self-signed certificate in both
modes, so the only difference is the client's STARTTLS. Each round measures every target in
the clear and with STARTTLS, each on a fresh instance, the order reversed in every other round;
the best round of each counts. The figure to read is plain / STARTTLS: how many plain
sessions cost as much as one with TLS. The client shares the CPUs and is slower than
smtp-source, so for ehlo-server the CPU time the server itself spent per session (from
/proc/PID/stat) is shown too, and its ratio: that one does not depend on the client.

    tools/bench/tls_cost [--seconds S] [--rounds N] [--parallel P] [--size OCTETS] [--quick]

Targets: `ehlo-server --discard` (build/ or $EHLO_BIN_DIR), and the private Postfix of the
test kit's peers.py (every transport discard, STARTTLS offered) when run as root. Everything
stays on 127.0.0.1; servers are stopped and the working directory removed on exit.
`tools/bench/tls_cost` runs this file with tools/ on Python's module path, for the kit.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ next to the modules below

from ehlokit.certificates import make_certificate  # noqa: E402
from ehlokit.programs import KitError  # noqa: E402
from support import POSTFIX, BenchError, make_workdir, say, scratch_folder  # noqa: E402
from targets import EhloServer, Postfix  # noqa: E402
from tls_sessions import run_load  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
MODES = (("plain", False), ("STARTTLS", True))


def parse_arguments():
    parser = argparse.ArgumentParser(
        prog="tools/bench/tls_cost",
        description="Sessions per second in the clear and with STARTTLS, same client, "
                    "alternating rounds; the ratio is the TLS cost per session.")
    parser.add_argument("--quick", action="store_true", help="1 round of 3 s per measurement")
    parser.add_argument("--seconds", type=float, default=None,
                        help="start new sessions for this long per measurement (default 8)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds (default 3)")
    parser.add_argument("--parallel", type=int, default=20, help="sessions at once (20)")
    parser.add_argument("--size", type=int, default=1024, help="message body in octets (1024)")
    parser.add_argument("--processes", type=int, default=2,
                        help="client processes the sessions are shared out over (2)")
    parser.add_argument("--no-postfix", action="store_true", help="measure ehlo-server only")
    options = parser.parse_args()
    options.seconds = options.seconds or (3.0 if options.quick else 8.0)
    options.rounds = options.rounds or (1 if options.quick else 3)
    return options


def find_binary():
    binary = Path(os.environ.get("EHLO_BIN_DIR", REPO / "build")) / "ehlo-server"
    if not os.access(binary, os.X_OK):
        sys.exit(f"tls_cost: {binary} not found; run tools/setup or set EHLO_BIN_DIR")
    return binary


def targets(binary, cert, key, options):
    """(name, factory) for each target; the factory takes a fresh folder."""
    tls = ["--tls-cert", str(cert), "--tls-key", str(key),
           "--max-connections", str(options.parallel * 10)]
    found = [("ehlo-server --discard",
              lambda folder: EhloServer(folder, binary, "discard", extra=tls))]
    if options.no_postfix:
        return found
    if os.geteuid() == 0 and os.access(POSTFIX, os.X_OK):
        found.append(("postfix (durable queue)",
                      lambda folder: Postfix(folder, tls_cert=cert, tls_key=key)))
    else:
        say("postfix: skipped (needs root and Postfix installed)")
    return found


def cpu_seconds(target):
    """User + system CPU time of the target's own process so far, or None (Postfix: many)."""
    process = getattr(target, "process", None)
    if not isinstance(target, EhloServer) or process is None:
        return None
    with open(f"/proc/{process.pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(make, folder, starttls, options):
    """One measurement on a fresh instance: a short warm-up, then the timed load.
    Returns (sessions, seconds, server CPU seconds or None)."""
    target = make(folder)
    try:
        target.start()
        run_load(target.port, starttls, min(1.0, options.seconds), options.parallel,
                 options.size, options.processes)
        cpu_before = cpu_seconds(target)
        counts = run_load(target.port, starttls, options.seconds, options.parallel,
                          options.size, options.processes)
        cpu = None if cpu_before is None else cpu_seconds(target) - cpu_before
    finally:
        target.stop()
    if counts["failed"]:
        raise BenchError(f"{counts['failed']} of {counts['ok'] + counts['failed']} sessions "
                         f"failed; the first: {counts['first error']}")
    return counts["ok"], counts["seconds"], cpu, counts["client cpu"]


def run_rounds(workdir, found, options):
    """Every target in both modes per round; returns {(name, mode): [rates]}, the server's
    CPU milliseconds per session {(name, mode): [ms]}, and the failures."""
    rates, cpu_ms, failures = {}, {}, {}
    runs = [(name, make, mode, starttls) for name, make in found for mode, starttls in MODES]
    for round_number in range(1, options.rounds + 1):
        ordered = runs if round_number % 2 else list(reversed(runs))
        for name, make, mode, starttls in ordered:
            if (name, mode) in failures:
                continue
            folder = scratch_folder(workdir, "tls-")
            folder.chmod(0o755)
            try:
                sessions, seconds, cpu, client_cpu = measure(make, folder, starttls, options)
            except KitError as error:  # BenchError, or a peer that would not start
                failures[(name, mode)] = str(error)
                say(f"  round {round_number}  {name:<24} {mode:<9} FAILED: {error}")
                continue
            rate = sessions / seconds
            rates.setdefault((name, mode), []).append(rate)
            cpu_note = ""
            if cpu is not None:
                cpu_ms.setdefault((name, mode), []).append(1000 * cpu / sessions)
                cpu_note = f"; server CPU {1000 * cpu / sessions:.3f} ms/session"
            say(f"  round {round_number}  {name:<24} {mode:<9} {sessions:6d} sessions in "
                f"{seconds:5.2f} s = {rate:7.1f} sessions/s{cpu_note}; client CPU "
                f"{1000 * client_cpu / sessions:.3f} ms/session")
    return rates, cpu_ms, failures


def summary(rates, cpu_ms, found, options):
    say()
    say(f"  TLS cost per session ({options.parallel} in parallel, {options.size}-octet "
        f"messages, best of {options.rounds} round(s))")
    say(f"  {'target':<24} {'plain/s':>9} {'STARTTLS/s':>11} {'plain/STARTTLS':>15}   "
        "rounds plain | STARTTLS")
    for name, _ in found:
        plain, tls = rates.get((name, "plain")), rates.get((name, "STARTTLS"))
        if not plain or not tls:
            say(f"  {name:<24} (incomplete)")
            continue
        ratio = max(plain) / max(tls)
        spread = (" ".join(f"{r:.0f}" for r in plain) + " | "
                  + " ".join(f"{r:.0f}" for r in tls))
        say(f"  {name:<24} {max(plain):9.1f} {max(tls):11.1f} {ratio:15.2f}   {spread}")
    for name, _ in found:
        plain, tls = cpu_ms.get((name, "plain")), cpu_ms.get((name, "STARTTLS"))
        if plain and tls:
            say(f"  {name:<24} server CPU per session: plain {min(plain):.3f} ms, STARTTLS "
                f"{min(tls):.3f} ms, STARTTLS / plain {min(tls) / min(plain):.2f} "
                "(least of the rounds)")


def main():
    options = parse_arguments()
    binary = find_binary()
    workdir = make_workdir()
    try:
        cert, key = make_certificate(workdir)
        found = targets(binary, cert, key, options)
        say(f"ehlo-server: {binary}")
        say(f"{options.rounds} round(s), {options.seconds:g} s per measurement")
        rates, cpu_ms, failures = run_rounds(workdir, found, options)
        summary(rates, cpu_ms, found, options)
        for (name, mode), error in failures.items():
            say(f"  FAILED {name} {mode}: {error}")
        return 1 if failures else 0
    except KeyboardInterrupt:
        say("tls_cost: interrupted; servers stopped, working directory removed")
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
