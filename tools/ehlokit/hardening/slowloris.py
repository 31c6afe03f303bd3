"""Part `slowloris` of tools/hardening: many connections that send a byte every few seconds,
while normal deliveries go on.

ehlo-server is started with short `--timeout-command` and `--timeout-data`, and `--discard`
so that the latency is the server's and not the disk's. The latency of
normal deliveries (connect, EHLO, MAIL, RCPT, DATA, QUIT) is measured first on the idle server,
then, in the same run, while slow connections are held (a separate process drives them; every
connection that is cut is opened again, so the pressure lasts). Checked:

- the median and the 95th percentile of the delivery latency under the slow connections stay
  within twice those of the idle server;
- a connection that trickles a command line, a byte every few seconds without ever ending it,
  gets 421 and is closed when the command timeout has passed since the greeting: the time is
  for the whole line, not per byte (RFC 5321 §4.5.3.2.7), and never earlier;
- a connection that sends a burst of message data (16 KiB) and then goes silent gets 421 and
  is closed when the data timeout has passed since its last octet (RFC 5321 §4.5.3.2.6), never
  earlier;
- a connection that goes on trickling message data, each pause well inside the data timeout,
  gets 421 and is closed when about the data timeout has passed since its 354: the data as a
  whole must average `--min-data-rate` octets a second (serve/data_deadline.hpp), so it cannot
  hold its connection for as long as its message may be big.

The full run holds 1,000 slow connections (plus 50 data trickles), `--quick` 200 (plus 20),
with shorter timeouts.
"""

import argparse
import multiprocessing
import statistics
import time
from dataclasses import dataclass

from ehlokit.hardening import harness
from ehlokit.hardening.connections import deliver
from ehlokit.hardening.slow_clients import drive
from ehlokit.idle import raise_file_limit
from ehlokit.server import EhloServer

EARLY_SLACK = 0.25  # a cut this much before the timeout is still "at" it (timer granularity)
LATE_SLACK = 2.0  # and this much after (the driver may be busy opening other connections)
RATIO_LIMIT = 2.0  # latency under the slow connections, relative to the idle server


@dataclass
class Plan:
    """Sizes and times of one run, in connections and seconds."""
    slow: int  # slow connections held at once
    interval: float  # seconds between two octets of one slow connection
    command_timeout: int
    data_timeout: int
    data_share: float = 0.2  # part of the slow connections that trickle message data
    data_burst: int = 16384  # octets of data a `data` connection sends before going silent
    trickle: int = 0  # connections that trickle message data until they are cut
    samples: int = 150  # deliveries measured in each phase
    gap: float = 0.03  # seconds between two deliveries

    def server_args(self):
        return ["--timeout-command", str(self.command_timeout),
                "--timeout-data", str(self.data_timeout),
                "--max-connections", str(self.slow + self.trickle + 100)]


FULL = Plan(slow=1000, interval=3.0, command_timeout=15, data_timeout=10, trickle=50,
            samples=400, gap=0.05)
QUICK = Plan(slow=200, interval=1.0, command_timeout=4, data_timeout=3, trickle=20, samples=150,
             gap=0.03)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latencies(port, samples, gap):
    """Seconds each of `samples` deliveries took, `gap` seconds apart."""
    measured = []
    for _ in range(samples):
        measured.append(deliver(port))
        time.sleep(gap)
    return measured


def summary(values):
    return {"median": statistics.median(values), "p95": percentile(values, 0.95),
            "count": len(values)}


def measure(port, plan):
    """Idle latency, then latency under the slow connections, then their fate; a dict."""
    latencies(port, 20, plan.gap)  # warm-up: first connections, caches
    report = {"plan": plan, "idle": summary(latencies(port, plan.samples, plan.gap))}
    context = multiprocessing.get_context("fork")
    ready, stop = context.Event(), context.Event()
    results = context.Queue()
    driver = context.Process(target=drive, args=(port, plan, ready, stop, results))
    driver.start()
    try:
        if not ready.wait(60):
            raise RuntimeError("the slow connections were not all open within 60 s")
        started = time.monotonic()
        loaded = latencies(port, plan.samples, plan.gap)
        # The first connections must have met their timeout while deliveries were measured.
        rest = plan.command_timeout + LATE_SLACK - (time.monotonic() - started)
        if rest > 0:
            loaded += latencies(port, int(rest / (plan.gap + 0.005)) + 1, plan.gap)
        report["loaded"] = summary(loaded)
        stop.set()
        report["slow"] = results.get(timeout=plan.command_timeout + plan.data_timeout + 60)
    finally:
        stop.set()
        driver.join(10)
        if driver.is_alive():
            driver.kill()
            driver.join()
    return report


def judge_cuts(outcomes, plan):
    """Problems with how the slow connections ended; and the cut times per kind."""
    problems = []
    cuts = {"line": [], "data": []}
    limits = {"line": plan.command_timeout, "data": plan.data_timeout}
    if plan.trickle:
        cuts["trickle"] = []
        limits["trickle"] = plan.data_timeout  # plus 2 ms an octet earns, within LATE_SLACK
    for outcome in outcomes:
        kind = outcome["kind"]
        if kind not in cuts or outcome["reply_at"] is None:
            continue  # still open when the run ended, or never set up
        after = outcome["reply_at"] - outcome["since"]
        cuts[kind].append(after)
        if not outcome["reply"].startswith("421"):
            problems.append(f"a {kind} connection got {outcome['reply']!r}, 421 expected")
        elif after < limits[kind] - EARLY_SLACK:
            problems.append(f"a {kind} connection got 421 after {after:.2f} s, before its "
                            f"{limits[kind]} s timeout")
        elif after > limits[kind] + LATE_SLACK:
            problems.append(f"a {kind} connection got 421 after {after:.2f} s, "
                            f"timeout {limits[kind]} s")
        if not outcome["closed"]:
            problems.append(f"a {kind} connection was not closed after its 421")
    for kind, times in cuts.items():
        if not times:
            problems.append(f"no {kind} connection was cut during the run")
    return problems, cuts


def problems_of(report, floor=0.0):
    """Everything that fails the check, as text; empty when it passed. A latency below
    `floor` seconds counts as `floor` in the ratios (timer noise of a busy machine)."""
    problems, _ = judge_cuts(report["slow"]["outcomes"], report["plan"])
    if report["slow"]["errors"]:
        problems.append(f"{len(report['slow']['errors'])} slow connection(s) could not be "
                        f"set up, first: {report['slow']['errors'][0]}")
    for key in ("median", "p95"):
        ratio = max(floor, report["loaded"][key]) / max(floor, report["idle"][key])
        if ratio > RATIO_LIMIT:
            problems.append(f"delivery latency {key} is {ratio:.2f} times the idle one")
    return problems


def describe(report):
    plan, idle, loaded, slow = report["plan"], report["idle"], report["loaded"], report["slow"]
    _, cuts = judge_cuts(slow["outcomes"], plan)
    lines = [f"slow connections: {plan.slow} at once, one octet every {plan.interval:g} s; "
             f"--timeout-command {plan.command_timeout} --timeout-data {plan.data_timeout}; "
             f"{slow['opened']} opened in all, most open at once {slow['most']}"]
    for key in ("median", "p95"):
        lines.append(f"delivery latency {key:<6}: idle {idle[key] * 1000:7.2f} ms, "
                     f"under slowloris {loaded[key] * 1000:7.2f} ms, ratio "
                     f"{loaded[key] / idle[key]:.2f} ({idle['count']} and {loaded['count']} "
                     f"deliveries)")
    for kind, what in (("line", "command line trickled, 421 after the greeting"),
                       ("data", "data then silence, 421 after the last octet"),
                       ("trickle", "data trickled on, 421 after the 354")):
        if cuts.get(kind):
            lines.append(f"{what}: {len(cuts[kind])} cuts, {min(cuts[kind]):.2f} s to "
                         f"{max(cuts[kind]):.2f} s (median {statistics.median(cuts[kind]):.2f})")
    return lines


def main(argv):
    parser = argparse.ArgumentParser(prog="tools/hardening slowloris",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK.slow} slow connections and shorter timeouts instead of "
                             f"{FULL.slow}")
    options = parser.parse_args(argv)
    plan = QUICK if options.quick else FULL
    needed = plan.slow + plan.trickle + 300
    if raise_file_limit(needed) < needed:
        harness.say(f"slowloris: SKIP (the open-file limit is below {needed})")
        return harness.SKIPPED
    server = EhloServer(["--discard", *plan.server_args()])
    try:
        server.start()
        report = measure(server.port, plan)
    finally:
        status = server.stop()
    for line in describe(report):
        harness.say("  " + line)
    problems = problems_of(report)
    if status != 0:
        problems.append(f"ehlo-server exited with {status} after SIGTERM")
    for problem in problems[:20]:
        harness.say("  problem: " + problem)
    ratio = report["loaded"]["median"] / report["idle"]["median"]
    return harness.verdict("slowloris", not problems,
                           f"{plan.slow} slow connections, median latency ratio {ratio:.2f}")
