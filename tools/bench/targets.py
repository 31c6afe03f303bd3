"""The servers under test: ehlo-server (--discard or --maildir), Postfix's smtp-sink and a
private Postfix instance, all three started by the test kit (tools/ehlokit: its EhloServer and
its peers, which the end-to-end tests use too). Each can start, count what it accepted, and
stop. The throughput part measures all of them; the idle-connection test uses ehlo-server and
smtp-sink.
"""

import os
import re
import signal
import time

from ehlokit import peers, server
from ehlokit.programs import KitError
from support import BenchError, describe_exit, tail


class Target:
    """A server under test. `label` names it in the report."""

    label = ""

    def __init__(self, workdir):
        self.workdir = workdir
        self.port = None

    def start(self):
        raise NotImplementedError

    def accepted(self):
        """Messages the target says it accepted so far, or None if it cannot tell."""
        return None

    def stop(self):
        raise NotImplementedError

    def problems(self):
        """Lines the target wrote on its error output (for the report)."""
        return []

    def died(self):
        """Says so if the target's process ended by itself."""
        process = getattr(self, "process", None)
        if process is not None and process.poll() is not None:
            return f"{self.label} {describe_exit(process.returncode)} during the run"
        return None


class EhloServer(Target):
    """ehlo-server with --discard or --maildir DIR."""

    def __init__(self, workdir, binary, mode, extra=()):
        super().__init__(workdir)
        self.mode = mode
        self.label = f"ehlo-server --{mode}"
        self.maildir = workdir / "maildir"
        self.stderr = workdir / "stderr"
        where = ["--maildir", self.maildir] if mode == "maildir" else ["--discard"]
        self.server = server.EhloServer([*where, *extra], program=binary.name,
                                        bin_dir=binary.parent, stderr_path=self.stderr,
                                        start_timeout=15)
        self.process = None

    def start(self):
        if self.mode == "maildir":
            self.maildir.mkdir()
        try:
            self.server.start()
        except KitError as error:
            raise BenchError(f"{self.label}: {error}") from None
        self.port, self.process = self.server.port, self.server.process

    def accepted(self):
        if self.mode != "maildir":
            return None
        return sum(len(os.listdir(folder)) for folder in self.maildir.glob("**/new"))

    def stop(self):
        if self.process is not None:
            self.server.stop()
            if self.process.returncode not in (0, -signal.SIGTERM):
                self.stopped_badly = self.process.returncode

    def problems(self):
        lines = tail(self.stderr, 10**6).splitlines() if self.process else []
        lines = [line for line in lines if line.strip()]
        code = getattr(self, "stopped_badly", None)
        if code is not None:
            lines.append(f"({describe_exit(code)}; exit status 0 after SIGTERM expected)")
        return lines


class SmtpSink(Target):
    """Postfix's smtp-sink (started by the kit's peers.py): reads each message and throws
    it away, in memory; its -c counter says how many it got."""

    label = "smtp-sink (Postfix)"

    def __init__(self, workdir, sessions=256):
        super().__init__(workdir)
        self.peer = peers.SmtpSink(workdir, sessions=sessions, dump=False, counter=True)
        self.process = None

    def start(self):
        start_peer(self.peer)
        self.port, self.process = self.peer.port, self.peer.process
        self.base = self._counter()

    def _counter(self):
        # -c writes "sess=N quit=N mesg=N" with a carriage return after each update.
        found = re.findall(rb"mesg=(\d+)", (self.workdir / "output.txt").read_bytes())
        return int(found[-1]) if found else 0

    def accepted(self):
        return self._counter()

    def stop(self):
        self.peer.stop()

    def problems(self):
        return tail(self.workdir / "errors.txt", 10**6).splitlines()


class Postfix(Target):
    """Postfix as an MTA: smtpd, cleanup and its queue, which fsyncs each message before 250.
    The private instance of the kit's peers.py, with every transport set to discard."""

    label = "postfix (durable queue)"

    def __init__(self, workdir, tls_cert=None, tls_key=None):
        super().__init__(workdir)  # with a certificate, smtpd offers STARTTLS (tls_cost)
        self.peer = peers.Postfix(workdir, delivery="discard", tls_cert=tls_cert,
                                  tls_key=tls_key)

    def start(self):
        start_peer(self.peer)
        self.port = self.peer.port
        self.base = self.accepted()

    def accepted(self):
        # cleanup logs one message-id line per message it queued.
        return self.peer.queued()

    def wait_logged(self, expected, timeout=15.0):
        """Postfix logs through postlogd, after the fact: waits for the log to catch up."""
        deadline = time.monotonic() + timeout
        while self.accepted() < expected and time.monotonic() < deadline:
            time.sleep(0.2)

    def stop(self):
        self.peer.stop()

    def problems(self):
        text = tail(self.workdir / "maillog", 10**6)
        return [line for line in text.splitlines()
                if re.search(r"\b(warning|error|fatal|panic):", line)
                and "not owned by" not in line]


def start_peer(peer):
    try:
        peer.start()
    except peers.PeerError as error:
        raise BenchError(str(error)) from None
