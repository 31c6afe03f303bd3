"""Throughput: smtp-source sends one message per connection to each target in turn, over
several rounds, and the rate of every round is kept.
"""

import subprocess
import time

from support import (ADDRESS, DOMAIN, SMTP_SOURCE, BenchError, remove_unless_kept, say,
                     scratch_folder)
from targets import Postfix

MAX_MESSAGES = 25000  # per run: stays well inside the ephemeral port range of one client


def smtp_source(port, messages, options, timeout):
    """Sends `messages` messages, one per connection, over `options.sessions` sessions.

    Returns the wall-clock seconds; raises BenchError if smtp-source failed (it stops at the
    first reply that is not the expected success, so exit status 0 means every message got 250).
    """
    cmd = [SMTP_SOURCE, "-s", str(options.sessions), "-l", str(options.size),
           "-m", str(messages), "-M", "client." + DOMAIN, "-f", ADDRESS, "-t", ADDRESS,
           f"127.0.0.1:{port}"]
    started = time.monotonic()
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"smtp-source did not finish {messages} messages in {timeout:.0f} s")
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise BenchError(f"smtp-source exited with status {result.returncode}: "
                         + (result.stderr.strip() or result.stdout.strip())[-600:])
    return elapsed


def measure(target, estimate, options):
    """A warm-up, then one measured run. Returns (messages, seconds, messages sent in all)."""
    # Warm up, and learn roughly how fast the target is so the run lasts about --seconds.
    warm = 200
    elapsed = smtp_source(target.port, warm, options, timeout=120)
    sent = warm
    if estimate is None:
        estimate = warm / elapsed
        if elapsed < 0.5:
            more = min(MAX_MESSAGES, max(warm, int(estimate)))
            elapsed = smtp_source(target.port, more, options, timeout=120)
            sent += more
            estimate = more / elapsed
    messages = max(options.sessions * 10, min(MAX_MESSAGES, int(estimate * options.seconds)))
    elapsed = smtp_source(target.port, messages, options,
                          timeout=max(60.0, 6 * options.seconds))
    return messages, elapsed, sent + messages


def measure_round(target, estimate, options, round_number):
    """Starts the target, measures it and checks its count; returns (messages, seconds, rate)."""
    target.start()
    base = getattr(target, "base", 0)
    messages, elapsed, total = measure(target, estimate, options)
    if isinstance(target, Postfix):
        target.wait_logged(base + total)
    counted = target.accepted()
    if counted is not None and counted - base != total:
        raise BenchError(f"smtp-source got 250 for {total} messages but the target "
                         f"counts {counted - base}")
    rate = messages / elapsed
    check = ("" if counted is None else
             f"; the target counts {counted - base} of the {total} sent with warm-up")
    say(f"  round {round_number}  {target.label:<26} {messages:6d} messages in "
        f"{elapsed:6.2f} s = {rate:8.1f} msg/s{check}")
    return messages, elapsed, rate


def run_throughput(targets, options, workdir):
    """Each round runs every target once, in turn, each on a fresh instance.

    Even rounds go in the reverse order, so a machine that gets busier or quieter during the
    run favours no target. Once the time budget is spent, later rounds are skipped.
    """
    results = {name: [] for name, _ in targets}
    estimates = {}
    failures = {}
    problems = {}
    deadline = time.monotonic() + options.budget
    for round_number in range(1, options.rounds + 1):
        if round_number > 1 and time.monotonic() > deadline:
            say(f"  rounds {round_number} to {options.rounds} skipped: the time budget of "
                f"{options.budget:.0f} s is spent")
            break
        ordered = targets if round_number % 2 else list(reversed(targets))
        for name, make in ordered:
            if name in failures:
                continue
            folder = scratch_folder(workdir, name + "-")
            folder.chmod(0o755)
            target = make(folder)
            try:
                run = measure_round(target, estimates.get(name), options, round_number)
                estimates[name] = run[2]
                results[name].append(run)
            except BenchError as error:
                death = target.died()
                failures[name] = str(error) + (f" ({death})" if death else "")
                say(f"  round {round_number}  {target.label:<26} FAILED: {failures[name]}")
            finally:
                target.stop()
                problems.setdefault(name, []).extend(target.problems())
                remove_unless_kept(folder, options.keep)
    return results, failures, problems
