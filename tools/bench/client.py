"""Client throughput: ehlo-send in a loop, one process per message, next to swaks and Postfix's
smtp-source doing the same, all sending to the same smtp-sink on 127.0.0.1. Prints messages per
second for each and the ratios (machines differ; read the ratios, not the rates).

    tools/bench/client [--messages N] [--size OCTETS] [--keep]

Uses build/ehlo-send, or $EHLO_BIN_DIR/ehlo-send. smtp-source is measured twice: once per
process like the others (-m 1 in a loop), and once sending every message from one process
(-m N), the ceiling of a client that pays no process start-up. Exit 0 when every run sent
every message. `tools/bench/client` runs this file with tools/ on Python's module path, for
the test kit (tools/ehlokit), which starts the smtp-sink.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from support import ADDRESS, SMTP_SOURCE, BenchError, make_workdir, remove_unless_kept, say
from targets import SmtpSink

REPO = Path(__file__).resolve().parents[2]
EHLO_SEND = Path(os.environ.get("EHLO_BIN_DIR", REPO / "build")) / "ehlo-send"
SWAKS = "/usr/bin/swaks"


def loop(make_command, messages, body):
    """Runs one process per message; returns messages per second. Raises BenchError."""
    started = time.monotonic()
    for _ in range(messages):
        result = subprocess.run(make_command(body), capture_output=True, timeout=60)
        if result.returncode != 0:
            raise BenchError(f"{make_command(body)[0]} exited with {result.returncode}: "
                             + result.stderr.decode(errors="replace")[-400:])
    return messages / (time.monotonic() - started)


def clients(port):
    server = f"127.0.0.1:{port}"
    return {
        "ehlo-send": lambda body: [str(EHLO_SEND), "--server", server, "--from", ADDRESS,
                                   "--to", ADDRESS, "--subject", "bench", "--body", body],
        "swaks": lambda body: [SWAKS, "--server", server, "--from", ADDRESS, "--to", ADDRESS,
                               "--body", body, "--silent", "2"],
        "smtp-source -m 1": lambda body: [SMTP_SOURCE, "-s", "1", "-m", "1", "-l",
                                          str(len(body)), "-f", ADDRESS, "-t", ADDRESS, server],
    }


def one_process(port, messages, size):
    started = time.monotonic()
    subprocess.run([SMTP_SOURCE, "-s", "1", "-m", str(messages), "-l", str(size), "-f",
                    ADDRESS, "-t", ADDRESS, f"127.0.0.1:{port}"], check=True, timeout=120,
                   capture_output=True)
    return messages / (time.monotonic() - started)


def main():
    parser = argparse.ArgumentParser(prog="tools/bench/client",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    if not EHLO_SEND.is_file():
        sys.exit(f"no {EHLO_SEND}: build it, or set EHLO_BIN_DIR")
    workdir = make_workdir()
    sink = SmtpSink(workdir)
    rates = {}
    try:
        sink.start()
        body = ("x" * 71 + "\n") * max(1, options.size // 72)
        for name, command in clients(sink.port).items():
            rates[name] = loop(command, options.messages, body)
            say(f"{name:22} {rates[name]:8.1f} messages/s")
        rates["smtp-source -m N"] = one_process(sink.port, options.messages, options.size)
        say(f"{'smtp-source -m N':22} {rates['smtp-source -m N']:8.1f} messages/s "
            "(one process for all)")
    except (BenchError, subprocess.SubprocessError) as error:
        say(f"failed: {error}")
        return 1
    finally:
        sink.stop()
        remove_unless_kept(workdir, options.keep)
    say()
    for other in ("swaks", "smtp-source -m 1", "smtp-source -m N"):
        say(f"ehlo-send / {other:18} {rates['ehlo-send'] / rates[other]:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
