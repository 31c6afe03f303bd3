"""Memory per idle connection: how much resident memory a server keeps for each connection
that has read its 220 greeting and then says nothing. Opening them and reading the memory are
the test kit's (ehlokit.idle), which the `connections` hardening check shares.
"""

import socket
import time

from ehlokit.idle import kib_per_connection, open_idle, raise_file_limit, rss_kib
from ehlokit.processes import read_line
from ehlokit.programs import KitError
from support import remove_unless_kept, say, scratch_folder, wait_for_port
from targets import EhloServer, SmtpSink


def probe_greeting(port):
    """What one more client gets on connecting: the greeting line, or why there was none."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as probe:
            probe.settimeout(5)
            greeting = read_line(probe)[:60].decode(errors="replace").strip()
            probe.sendall(b"QUIT\r\n")
            return greeting
    except OSError as error:
        return f"no answer ({error})"


def idle_connections(target, pid, count):
    """Opens `count` connections that read the greeting and then say nothing.

    Returns a dict: RSS before, while held, after closing (KiB), connections opened, whether a
    new client still got 220 while they were held, and the first error if any.
    """
    # One full session first, so memory allocated once (not per connection) is in "before".
    wait_for_port(target.port)
    time.sleep(0.5)
    report = {"before": rss_kib(pid), "opened": 0, "error": None}
    held = []
    try:
        open_idle(target.port, count, held, report)
        time.sleep(1.0)
        report["held"] = rss_kib(pid)
        report["probe"] = probe_greeting(target.port)
    finally:
        for s in held:
            s.close()
    time.sleep(1.0)
    report["after"] = rss_kib(pid)
    return report


def measure_idle(target, count):
    """Starts the target and measures it with `count` idle connections; returns the report."""
    target.start()
    report = idle_connections(target, target.process.pid, count)
    report["label"] = target.label
    say(f"  {target.label:<26} {report['opened']:5d} idle connections: RSS "
        f"{report['before']} -> {report['held']} KiB = "
        f"{kib_per_connection(report):.1f} KiB per connection; "
        f"new client got: {report['probe']!r}"
        + (f"; ERROR {report['error']}" if report["error"] else ""))
    return report


def run_memory(options, workdir, binary):
    got = raise_file_limit(options.idle + 200)
    count = min(options.idle, got - 200)
    if count < options.idle:
        say(f"  the open-file limit is {got}: holding {count} connections, not {options.idle}")
    targets = [
        ("ehlo", lambda d: EhloServer(d, binary, "discard",
                                       ["--max-connections", str(count + 1000)])),
        ("smtp-sink", lambda d: SmtpSink(d, sessions=count + 1000)),
    ]
    reports = {}
    problems = {}
    for name, make in targets:
        folder = scratch_folder(workdir, "idle-" + name + "-")
        target = make(folder)
        try:
            reports[name] = measure_idle(target, count)
        except KitError as error:
            reports[name] = {"label": target.label, "failed": str(error)}
            say(f"  {target.label:<26} FAILED: {error}")
        finally:
            target.stop()
            problems[name] = target.problems()
            remove_unless_kept(folder, options.keep)
    return reports, problems
