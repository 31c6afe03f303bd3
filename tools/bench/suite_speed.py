"""How fast ehlo-check runs the whole suite, one scenario at a time and eight at once.

Starts `ehlo-server --discard` on a free loopback port and runs `ehlo-check` against it with
`--jobs 1` and with `--jobs 8`, in turn, for a few rounds (the order alternates, so a slow
moment of the machine does not always hit the same side). Connection caps are lifted
(`--max-connections 64 --rate 0`): the server is our own. Prints scenarios per second for each
round, the best of each, and the ratio jobs 8 / jobs 1, which is the figure to read: absolute
rates depend on the machine. Scenarios tagged `slow` are left out, as in a default run.

    tools/bench/suite_speed [--rounds N]

Uses build/ (or $EHLO_BIN_DIR) for ehlo-server and ehlo-check. `tools/bench/suite_speed` runs
this file with tools/ on Python's module path, for the test kit (tools/ehlokit), which starts
the server.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the kit

from ehlokit.programs import KitError  # noqa: E402
from ehlokit.server import EhloServer  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def binaries():
    bin_dir = Path(os.environ.get("EHLO_BIN_DIR", REPO / "build"))
    found = {name: bin_dir / name for name in ("ehlo-server", "ehlo-check")}
    for path in found.values():
        if not os.access(path, os.X_OK):
            sys.exit(f"suite_speed: {path} not found; run tools/setup or set EHLO_BIN_DIR")
    return found


def start_server(binary):
    """ehlo-server --discard on a free port; returns the kit's EhloServer, started."""
    try:
        return EhloServer(["--discard", "--max-connections", "2000"], program=binary.name,
                          bin_dir=binary.parent).start()
    except KitError as error:
        sys.exit(f"suite_speed: {error}")


def run_suite(check, port, jobs, report):
    """One run of the suite; returns (scenarios run, seconds, verdict counts)."""
    command = [str(check), f"127.0.0.1:{port}", "--rcpt", "bench@example.test",
               "--jobs", str(jobs), "--max-connections", "64", "--rate", "0",
               "--timeout", "10", "--json", str(report)]
    started = time.monotonic()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    seconds = time.monotonic() - started
    if result.returncode not in (0, 1):
        sys.exit(f"suite_speed: ehlo-check exited {result.returncode}: {result.stderr}")
    scenarios = json.loads(report.read_text())["scenarios"]
    verdicts = {}
    for scenario in scenarios:
        verdicts[scenario["verdict"]] = verdicts.get(scenario["verdict"], 0) + 1
    ran = sum(count for verdict, count in verdicts.items() if verdict != "SKIP")
    return ran, seconds, verdicts


def main():
    parser = argparse.ArgumentParser(prog="tools/bench/suite_speed", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each (3)")
    rounds = parser.parse_args().rounds
    found = binaries()
    server = start_server(found["ehlo-server"])
    best = {1: 0.0, 8: 0.0}
    try:
        with tempfile.TemporaryDirectory() as work:
            for round_number in range(rounds):
                order = (1, 8) if round_number % 2 == 0 else (8, 1)
                for jobs in order:
                    ran, seconds, verdicts = run_suite(found["ehlo-check"], server.port, jobs,
                                                       Path(work) / f"report-{jobs}.json")
                    rate = ran / seconds
                    best[jobs] = max(best[jobs], rate)
                    print(f"round {round_number + 1}  --jobs {jobs}: {ran} scenarios in "
                          f"{seconds:.2f} s = {rate:.1f} scenarios/s  {verdicts}")
    finally:
        server.stop()
    print(f"best: --jobs 1 {best[1]:.1f} scenarios/s, --jobs 8 {best[8]:.1f} scenarios/s, "
          f"ratio {best[8] / best[1]:.2f}")


if __name__ == "__main__":
    main()
