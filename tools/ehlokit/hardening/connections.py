"""Part `connections` of tools/hardening: thousands of idle connections held by ehlo-server.

The server is started with `--max-connections N` and N connections are opened, each reading
its 220 greeting and then saying nothing. Measured and checked:

- the resident memory the server keeps per idle connection (VmRSS before and while held);
- one more connection gets 421 in place of the greeting (RFC 5321 §3.1) at once, and is closed;
- the held connections still answer (NOOP gets 250 on a sample of them);
- once one connection is closed, a normal delivery goes through at once, while the others
  are still held, and reaches the Maildir.

The full run holds 10,000 connections, `--quick` 2,000. The pieces that open and probe idle
connections are those of the kit's idle.py, which the benchmark uses too.
"""

import argparse
import smtplib
import socket
import time

from ehlokit.hardening import harness
from ehlokit.idle import kib_per_connection, open_idle, raise_file_limit, rss_kib
from ehlokit.processes import read_line
from ehlokit.server import EhloServer

FULL_COUNT = 10_000
QUICK_COUNT = 2_000
SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"
MESSAGE = b"From: <alice@example.org>\r\nSubject: load\r\n\r\nHello while the server is busy.\r\n"
REFUSAL_LIMIT = 1.0  # seconds within which a connection over the limit must have its 421
SAMPLE = 20  # held connections asked for a NOOP while the server is full


def deliver(port, timeout=10.0):
    """One message by smtplib (EHLO, MAIL, RCPT, DATA, QUIT); returns the seconds it took.

    Raises smtplib.SMTPException or OSError when it does not go through."""
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", port, local_hostname="client.example.org",
                      timeout=timeout) as client:
        refused = client.sendmail(SENDER, [RECIPIENT], MESSAGE)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
    return time.monotonic() - started


def deliver_once_a_slot_is_free(port, within=5.0):
    """Delivers, retrying while the server still counts the connection just closed (421).

    Returns (seconds from the first attempt to the 250, refusals before it)."""
    started = time.monotonic()
    refusals = 0
    while True:
        try:
            deliver(port)
            return time.monotonic() - started, refusals
        except smtplib.SMTPConnectError as error:
            if error.smtp_code != 421 or time.monotonic() - started > within:
                raise
            refusals += 1
            time.sleep(0.02)


def over_the_limit(port):
    """What a connection past --max-connections gets: (first line, seconds, closed after)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as extra:
        extra.settimeout(5)
        line = read_line(extra)
        seconds = time.monotonic() - started
        try:
            closed = extra.recv(1) == b""
        except ConnectionResetError:
            closed = True
        except OSError:
            closed = False
    return line.decode(errors="replace").strip(), seconds, closed


def noop_answers(held, sample=SAMPLE):
    """How many of `sample` held connections, spread over all, answer NOOP with 250."""
    step = max(1, len(held) // sample)
    answered = 0
    for conn in held[::step][:sample]:
        try:
            conn.sendall(b"NOOP\r\n")
            answered += read_line(conn).startswith(b"250")
        except OSError:
            pass
    return answered, min(sample, len(held[::step]))


def hold_a_full_server(port, pid, count):
    """Fills a server started with `--max-connections count` and checks it as described at
    the top; returns the figures as a dict (an "error" key when it could not be filled)."""
    deliver(port)  # one whole session first: memory allocated once is in "before"
    time.sleep(0.5)
    report = {"count": count, "before": rss_kib(pid), "opened": 0, "error": None}
    held = []
    try:
        started = time.monotonic()
        open_idle(port, count, held, report)
        report["open_seconds"] = time.monotonic() - started
        time.sleep(1.0)
        report["held"] = rss_kib(pid)
        if report["opened"] == count:
            report["extra"] = over_the_limit(port)
            report["noop"] = noop_answers(held)
            held.pop(0).close()  # frees one slot
            report["delivery"] = deliver_once_a_slot_is_free(port)
            report["still_held"] = noop_answers(held)
    finally:
        for conn in held:
            conn.close()
    time.sleep(1.0)
    report["after"] = rss_kib(pid)
    return report


def problems_of(report):
    """What went wrong in a report of hold_a_full_server(); empty when all held."""
    if report["error"] or report["opened"] != report["count"]:
        return [f"opened {report['opened']} of {report['count']}: {report['error']}"]
    found = []
    line, seconds, closed = report["extra"]
    if not line.startswith("421"):
        found.append(f"connection over the limit got {line!r}, 421 expected")
    elif seconds > REFUSAL_LIMIT:
        found.append(f"the 421 over the limit took {seconds:.2f} s")
    if not closed:
        found.append("the connection over the limit was not closed after its 421")
    for key in ("noop", "still_held"):
        answered, asked = report[key]
        if answered != asked:
            found.append(f"only {answered} of {asked} held connections answered NOOP ({key})")
    return found


def describe(report):
    """The figures of a report as lines of text."""
    lines = [f"idle connections held: {report['opened']} of {report['count']}"
             + (f" in {report['open_seconds']:.1f} s" if "open_seconds" in report else "")]
    if "held" in report:
        lines.append(f"server RSS: {report['before']} KiB before, {report['held']} KiB while "
                     f"held, {report['after']} KiB after closing them = "
                     f"{kib_per_connection(report):.1f} KiB per idle connection")
    if "extra" in report:
        line, seconds, closed = report["extra"]
        lines.append(f"connection {report['count'] + 1}: {line!r} after {seconds * 1000:.1f} ms"
                     f"{', then closed' if closed else ', NOT closed'}")
        lines.append("NOOP on held connections: {}/{} before, {}/{} after the delivery".format(
            *report["noop"], *report["still_held"]))
        seconds, refusals = report["delivery"]
        lines.append(f"delivery once one slot was freed: 250 after {seconds * 1000:.1f} ms "
                     f"({refusals} refusal(s) while the server counted the closed one)")
    return lines


def main(argv):
    parser = argparse.ArgumentParser(prog="tools/hardening connections",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_COUNT} connections instead of {FULL_COUNT}")
    parser.add_argument("--count", type=int, help="connections to hold")
    options = parser.parse_args(argv)
    count = options.count or (QUICK_COUNT if options.quick else FULL_COUNT)
    limit = raise_file_limit(count + 200)  # the server inherits it, and raises its own
    if limit < count + 200:
        harness.say(f"connections: SKIP (the open-file limit is {limit}, "
                    f"{count + 200} needed)")
        return harness.SKIPPED
    with harness.ScratchFolder() as folder:
        maildir = folder / "maildir"
        server = EhloServer(["--maildir", maildir, "--max-connections", count])
        try:
            server.start()
            report = hold_a_full_server(server.port, server.pid, count)
            report["peak"] = server.status_kib("VmHWM")
        finally:
            status = server.stop()
        delivered = sum(1 for _ in maildir.glob("*/*/new/*"))
    for line in describe(report):
        harness.say("  " + line)
    harness.say(f"  server peak RSS (VmHWM) {report['peak']} KiB; exit status after SIGTERM "
                f"{status}; messages in the Maildir {delivered} (2 expected)")
    problems = problems_of(report)
    if status != 0:
        problems.append(f"ehlo-server exited with {status} after SIGTERM")
    if delivered != 2:
        problems.append(f"{delivered} messages in the Maildir, 2 expected")
    for problem in problems:
        harness.say("  problem: " + problem)
    return harness.verdict("connections", not problems,
                           f"{report['opened']} idle, "
                           f"{kib_per_connection(report):.1f} KiB per connection")
