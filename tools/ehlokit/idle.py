"""Idle connections: many clients that read their 220 greeting and then say nothing, and the
resident memory a server keeps for them. The benchmark (tools/bench) and the `connections`
hardening check open them the same way."""

import resource
import socket

from ehlokit.processes import read_line, status_kib
from ehlokit.programs import KitError


def rss_kib(pid):
    """The resident set size of a process, in KiB, from /proc/PID/status."""
    value = status_kib(pid, "VmRSS")
    if value is None:
        raise KitError(f"no VmRSS for process {pid}")
    return value


def kib_per_connection(report):
    """The growth of RSS while the connections were held, per connection opened, in KiB."""
    return (report["held"] - report["before"]) / max(1, report["opened"])


def raise_file_limit(wanted):
    """Raises RLIMIT_NOFILE for this process and its children; returns the limit it got."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(wanted, soft), max(wanted, hard)))
        return wanted
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard


def open_idle(port, count, held, report):
    """Opens up to `count` connections that read the greeting, appending them to `held`.

    Counts them in report["opened"]; stops at the first error and puts it in report["error"].
    """
    for _ in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            held.append(s)
            greeting = read_line(s)
        except OSError as error:
            report["error"] = f"connection {len(held) + 1}: {error}"
            break
        if not greeting.startswith(b"220"):
            report["error"] = (f"connection {len(held)}: greeting "
                               f"{greeting[:80]!r}, 220 expected")
            break
        report["opened"] += 1
