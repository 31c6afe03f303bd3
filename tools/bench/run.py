"""Ehlo's benchmark: throughput and memory per idle connection, side by side with Postfix.

Every target is measured in the same run, on the same machine, with the same load generator
(Postfix's smtp-source), so the numbers to read are the ratios between targets, not the
absolute rates. See tools/bench/README.md for what is measured and how to read it.

    tools/bench/run            the full run (about 2-3 minutes)
    tools/bench/run --quick    a smoke run (under a minute)
    tools/bench/run --help     every option

Everything runs on 127.0.0.1. Servers are started on free ports, stopped by their PID, and the
working directory is removed on exit, also on Ctrl-C. `tools/bench/run` runs this file with
tools/ on Python's module path, for the test kit (tools/ehlokit); the modules below are found
beside it.
"""

import argparse
import os
import shutil
import signal
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ next to the modules below

from idle_memory import run_memory  # noqa: E402
from report import load_average, summary  # noqa: E402
from support import (POSTFIX, SMTP_SINK, SMTP_SOURCE, filesystem_type,  # noqa: E402
                     make_workdir, say)
from targets import EhloServer, Postfix, SmtpSink  # noqa: E402
from throughput import run_throughput  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def parse_arguments():
    parser = argparse.ArgumentParser(
        prog="tools/bench/run",
        description="Throughput and memory per idle connection of ehlo-server, side by side "
                    "with Postfix's smtp-sink and Postfix itself, on loopback. Read the ratios.")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 1 round of ~3 s per target, 2000 idle connections")
    parser.add_argument("--seconds", type=float, default=None,
                        help="aim for this long per measured run (default 10)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="run every target this many times, in turn; best counts (default 2)")
    parser.add_argument("--sessions", type=int, default=20, help="parallel sessions (20)")
    parser.add_argument("--size", type=int, default=1024, help="message body in bytes (1024)")
    parser.add_argument("--idle", type=int, default=None,
                        help="idle connections for the memory test (default 5000)")
    parser.add_argument("--only", choices=["throughput", "memory"],
                        help="run one of the two parts")
    parser.add_argument("--keep", action="store_true",
                        help="keep the working directory (Maildirs, logs) and print its path")
    options = parser.parse_args()
    quick = options.quick
    options.seconds = options.seconds or (3.0 if quick else 10.0)
    options.rounds = options.rounds or (1 if quick else 2)
    options.idle = options.idle or (2000 if quick else 5000)
    # Rounds after the first start only while the throughput part is inside this budget.
    options.budget = max(30.0, options.seconds * 4 * 5)
    if options.seconds <= 0 or options.rounds <= 0 or options.idle <= 0:
        parser.error("--seconds, --rounds and --idle must be positive")
    return options


def find_binary():
    bin_dir = Path(os.environ.get("EHLO_BIN_DIR", REPO / "build"))
    binary = bin_dir / "ehlo-server"
    if not os.access(binary, os.X_OK):
        sys.exit(f"bench: {binary} not found. Run tools/setup to build it into build/, "
                 "or point EHLO_BIN_DIR at the directory that holds ehlo-server.")
    for tool in (SMTP_SOURCE, SMTP_SINK):
        if not os.access(tool, os.X_OK):
            sys.exit(f"bench: {tool} not found: it comes with Postfix; run tools/setup.")
    return binary


def on_signal(number, _frame):
    raise KeyboardInterrupt(f"signal {number}")


def throughput_targets(binary):
    """The throughput targets as (name, factory); Postfix only as root and when installed."""
    targets = [
        ("discard", lambda d: EhloServer(d, binary, "discard")),
        ("smtp-sink", lambda d: SmtpSink(d)),
        ("maildir", lambda d: EhloServer(d, binary, "maildir")),
    ]
    if os.geteuid() == 0 and os.access(POSTFIX, os.X_OK):
        targets.append(("postfix", lambda d: Postfix(d)))
    else:
        say("  postfix: skipped (needs root and Postfix installed, to start a private "
            "instance)")
    return targets


def run_parts(options, binary, workdir, workdir_fs):
    """Runs throughput and memory (or the one --only asks for); returns what summary takes."""
    say(f"ehlo-server: {binary}")
    if workdir_fs in ("tmpfs", "ramfs"):
        say(f"note: {workdir} is on {workdir_fs}: fsync costs nothing there, so the durable "
            "targets look faster than on a disk (set TMPDIR to a disk-backed directory)")
    results, failures, problems, memory = {}, {}, {}, {}
    if options.only != "memory":
        say(f"throughput ({options.rounds} round(s), ~{options.seconds:g} s per target)")
        targets = throughput_targets(binary)
        results, failures, problems = run_throughput(targets, options, workdir)
    if options.only != "throughput":
        say(f"memory per idle connection ({options.idle} connections)")
        memory, memory_problems = run_memory(options, workdir, binary)
        for name, lines in memory_problems.items():
            problems.setdefault("idle " + name, []).extend(lines)
    return results, failures, memory, problems


def main():
    options = parse_arguments()
    binary = find_binary()
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, on_signal)
    workdir = make_workdir()
    workdir_fs = filesystem_type(workdir)
    started = time.monotonic()
    load_before = load_average()
    try:
        results, failures, memory, problems = run_parts(options, binary, workdir, workdir_fs)
        status = summary(options, results, failures, memory, problems, workdir_fs,
                         load_before)
        say(f"total time: {time.monotonic() - started:.0f} s")
        return status
    except KeyboardInterrupt:
        say("bench: interrupted; servers stopped, working directory removed")
        return 130
    finally:
        if options.keep:
            say(f"working directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
