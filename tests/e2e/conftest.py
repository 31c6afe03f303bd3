"""Fixtures for the end-to-end tests: a real ehlo-server on a free loopback port.

CTest sets EHLO_BIN_DIR (the build directory holding ehlo-server) and EHLO_SOURCE_DIR.
Run by hand from the repository root: EHLO_BIN_DIR=build pytest-3 tests/e2e
Set EHLO_E2E_TRACE=1 to start the servers with --trace (shown when a test fails).
"""

import os
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("EHLO_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BIN_DIR = Path(os.environ.get("EHLO_BIN_DIR", SOURCE_DIR / "build"))
HOSTNAME = "mx.example.test"
DOMAIN = "example.test"
LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")
START_TIMEOUT = 10
STOP_TIMEOUT = 10


class EhloServer:
    """One ehlo-server process delivering into its own Maildir root."""

    def __init__(self, workdir: Path, args):
        workdir.mkdir(parents=True)
        self.maildir = workdir / "maildir"
        self.port = None
        self.stdout_lines = []
        self._stderr_path = workdir / "stderr.txt"
        self._listening = threading.Event()
        command = [str(BIN_DIR / "ehlo-server"), "--listen", "127.0.0.1:0",
                   "--hostname", HOSTNAME, "--domain", DOMAIN,
                   "--maildir", str(self.maildir), *args]
        if os.environ.get("EHLO_E2E_TRACE") == "1" and "--trace" not in args:
            command.append("--trace")
        with open(self._stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self._wait_until_listening()

    def _read_stdout(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            self.stdout_lines.append(line)
            match = LISTENING.fullmatch(line)
            if match and self.port is None:
                self.port = int(match.group(1))
                self._listening.set()
        self._listening.set()  # end of output: the server has gone

    def _wait_until_listening(self):
        if not self._listening.wait(START_TIMEOUT) or self.port is None:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"ehlo-server did not print 'listening on ...'\n{self.output()}")

    def running(self) -> bool:
        return self.proc.poll() is None

    def terminate(self):
        """Sends SIGTERM (a clean stop) without waiting."""
        if self.running():
            self.proc.send_signal(signal.SIGTERM)

    def stop(self, timeout=STOP_TIMEOUT) -> int:
        """Stops the server with SIGTERM (unless it already exited) and returns its exit code."""
        if self.proc.poll() is None:
            self.terminate()
        return self.wait(timeout)

    def wait(self, timeout=STOP_TIMEOUT) -> int:
        """Waits for the server to exit by itself and returns its exit code."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -signal.SIGKILL

    def output(self) -> str:
        stderr = self._stderr_path.read_text(errors="replace")
        return "--- stdout\n" + "\n".join(self.stdout_lines) + "\n--- stderr\n" + stderr


@pytest.fixture
def start_server(tmp_path):
    """Starts ehlo-server with extra arguments; every server is stopped (SIGTERM) and must
    exit with 0 at teardown."""
    if not (BIN_DIR / "ehlo-server").is_file():
        pytest.fail(f"no ehlo-server in {BIN_DIR}: build it, or set EHLO_BIN_DIR")
    servers = []

    def start(*args):
        server = EhloServer(tmp_path / f"server{len(servers)}", args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        code = server.stop()
        print(server.output())  # pytest shows it when the test failed
        assert code == 0, f"ehlo-server exited with {code}\n{server.output()}"


@pytest.fixture
def server(start_server):
    """An ehlo-server with the default limits."""
    return start_server()


# Third-party SMTP servers as peers (Postfix, smtp-sink, Exim, OpenSMTPD, aiosmtpd, Exim with
# AUTH, Twisted, Dovecot's submission service).
from peers_fixtures import (aiosmtpd_peer, dovecot_peer, exim_auth_peer,  # noqa: E402,F401
                            exim_peer, opensmtpd_peer, peer, peer_certificate, postfix_peer,
                            smtp_sink_peer, twisted_peer)
