"""The summary table at the end of a run: throughput, ratios, memory per idle connection,
failures and what the servers wrote on their error output.
"""

import os
import re
from pathlib import Path

from ehlokit.idle import kib_per_connection
from support import say

LABELS = [
    ("discard", "ehlo-server --discard"),
    ("smtp-sink", "smtp-sink (Postfix)"),
    ("maildir", "ehlo-server --maildir"),
    ("postfix", "postfix (durable queue)"),
]

RATIOS = [
    ("discard", "smtp-sink", 0.5, "protocol cost, no storage"),
    ("maildir", "postfix", 2.0, "durable acceptance: fsync before 250"),
]


def best(runs):
    return max(runs, key=lambda run: run[2]) if runs else None


def load_average():
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def summary(options, results, failures, memory, problems, workdir_fs, load_before):
    """Prints the summary; returns the exit status: 0 if every measurement ran, else 1."""
    say()
    say("=" * 78)
    say("Ehlo benchmark summary")
    say(f"  {os.cpu_count()} CPUs, working directory on {workdir_fs}; load average "
        f"{load_before} before, {load_average()} after (work by others skews absolute rates)")
    say(f"  smtp-source: {options.sessions} sessions, {options.size}-byte messages, one message "
        f"per connection; best of {options.rounds} round(s) of ~{options.seconds:g} s")
    say()
    rates = print_throughput(options, results, failures)
    say()
    print_ratios(rates)
    say()
    status = print_memory(memory)
    if failures:
        status = 1
        print_failures(failures)
    print_server_messages(problems)
    say("=" * 78)
    return status


def print_throughput(options, results, failures):
    """The best round of every target, and the rate of each round; returns the best rates."""
    say(f"  {'throughput':<28}{'messages':>9}{'seconds':>9}{'msg/s':>10}{'ms/msg':>9}"
        f"   rounds (msg/s)")
    rates = {}
    for name, label in LABELS:
        if name in failures and not results.get(name):
            say(f"  {label:<28}{'FAILED':>9}   {failures[name][:60]}")
            continue
        run = best(results.get(name, []))
        if run is None:
            say(f"  {label:<28}{'skipped':>9}")
            continue
        messages, elapsed, rate = run
        rates[name] = rate
        # Little's law: with S sessions always busy, each message takes S / rate seconds.
        latency = options.sessions / rate * 1000
        rounds = " ".join(f"{r[2]:.0f}" for r in results[name])
        say(f"  {label:<28}{messages:>9}{elapsed:>9.2f}{rate:>10.1f}{latency:>9.1f}   {rounds}")
    say("  (ms/msg: the mean time one session spends per message, sessions / rate)")
    return rates


def print_ratios(rates):
    say("  ratios (same run, same client)")
    for top, bottom, aim, meaning in RATIOS:
        if top in rates and bottom in rates:
            ratio = rates[top] / rates[bottom]
            verdict = "meets the aim" if ratio >= aim else "BELOW the aim"
            say(f"    {top + ' / ' + bottom:<22}{ratio:>7.2f}   aim >= {aim:g}: {verdict}"
                f"   ({meaning})")
        else:
            say(f"    {top + ' / ' + bottom:<22}{'n/a':>7}   (a target is missing)")


def print_memory(memory):
    """Memory per idle connection of each target; returns 1 if a test failed, else 0."""
    say("  memory per idle connection (RSS, after reading the 220 greeting)")
    status = 0
    for name in ("ehlo", "smtp-sink"):
        report = memory.get(name)
        if report is None:
            continue
        if "failed" in report:
            say(f"    {report['label']:<26} FAILED: {report['failed']}")
            status = 1
            continue
        say(f"    {report['label']:<26}{kib_per_connection(report):>7.1f} KiB/connection   "
            f"({report['opened']} held; RSS {report['before']} -> {report['held']} -> "
            f"{report['after']} KiB after closing; new client: {report['probe'][:30]!r})")
        if report["error"]:
            say(f"      error while opening: {report['error']}")
            status = 1
        if not report["probe"].startswith("220"):
            say("      the server did not greet a new client while the idle ones were held")
            status = 1
    print_memory_ratio(memory)
    return status


def print_memory_ratio(memory):
    """Ehlo's memory per idle connection against smtp-sink's, when both were measured."""
    if "ehlo" in memory and "smtp-sink" in memory and "failed" not in memory["ehlo"] \
            and "failed" not in memory["smtp-sink"]:
        per_ehlo = kib_per_connection(memory["ehlo"])
        per_sink = kib_per_connection(memory["smtp-sink"])
        if per_sink > 0:
            say(f"    ehlo / smtp-sink {per_ehlo / per_sink:>16.2f}   (lower is leaner)")


def print_failures(failures):
    say()
    say("  failures")
    for name, text in failures.items():
        say(f"    {name}: {text}")


def print_server_messages(problems):
    """What the servers wrote on their error output, grouped by kind, most frequent first."""
    reported = {name: lines for name, lines in problems.items() if lines}
    if not reported:
        return
    say()
    say("  messages from the servers (stderr, or Postfix warnings)")
    for name, lines in reported.items():
        say(f"    {name}: {len(lines)} line(s)")
        for first, n in sorted(kinds_of(lines), key=lambda kind: -kind[1])[:8]:
            say(f"      {n:6d} x {first[:160]}")


def kinds_of(lines):
    """Lines that differ only in numbers count as one kind: (first line of a kind, count)."""
    kinds = {}
    for line in lines:
        key = re.sub(r"\d+", "N", line)
        first, n = kinds.get(key, (line, 0))
        kinds[key] = (first, n + 1)
    return kinds.values()
