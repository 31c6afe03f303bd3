"""Shared helpers of the hardening parts: ehlo-server on a loopback port (start, SIGKILL,
restart on the same port, clean stop), its peak memory, a scratch folder, a test certificate
and the output conventions. Standard library only.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

HOSTNAME = "mx.example.test"
DOMAIN = "example.test"
LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")
PASSED, FAILED, SKIPPED = 0, 1, 77


class HardeningError(Exception):
    """The check could not be carried out (a server that would not start, a missing tool)."""


def say(text=""):
    print(text, flush=True)


def verdict(name, passed, detail=""):
    """Prints the closing line of a part and returns its exit status."""
    say(f"{name}: {'PASS' if passed else 'FAIL'}" + (f" ({detail})" if detail else ""))
    return PASSED if passed else FAILED


def bin_dir() -> Path:
    repo = Path(__file__).resolve().parents[2]
    return Path(os.environ.get("EHLO_BIN_DIR", repo / "build"))


def binary(name) -> Path:
    path = bin_dir() / name
    if not os.access(path, os.X_OK):
        raise HardeningError(f"{path} not found: build it, or set EHLO_BIN_DIR / --bin-dir")
    return path


class ScratchFolder:
    """A temporary folder, removed on exit of the `with` block (also on an exception)."""

    def __init__(self, prefix="ehlo-hardening-"):
        self.path = Path(tempfile.mkdtemp(prefix=prefix))

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


class Server:
    """One ehlo-server process. `args` are the options after --listen/--hostname/--domain;
    `port` 0 picks a free one, which `restart()` then reuses."""

    def __init__(self, args, port=0, log_path=None, start_timeout=10.0):
        self.args = list(args)
        self.port = port
        self.implicit_tls_port = None  # with --smtps HOST:PORT
        self.log_path = Path(log_path) if log_path else None
        self.start_timeout = start_timeout
        self.process = None
        self.starts = 0

    def start(self):
        command = [str(binary("ehlo-server")), "--listen", f"127.0.0.1:{self.port}",
                   "--hostname", HOSTNAME, "--domain", DOMAIN, *self.args]
        with open(self.log_path or os.devnull, "ab") as err:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err)
        self.starts += 1
        port = self._read_port()
        if port is None:
            self.kill()
            raise HardeningError(f"ehlo-server did not start: {' '.join(command)}")
        self.port = port
        return self

    def _read_port(self):
        """Reads stdout until 'listening on ...'; then drains it in the background."""
        found, wanted = [], 2 if "--smtps" in self.args else 1
        ready = threading.Event()

        def read(process=self.process):
            for raw in process.stdout:
                line = raw.decode(errors="replace")
                match = LISTENING.search(line)
                if match and "implicit TLS" in line:
                    self.implicit_tls_port = int(match.group(1))
                elif match and not found:
                    found.append(int(match.group(1)))
                if found and (wanted == 1 or self.implicit_tls_port):
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        ready.wait(self.start_timeout)
        return found[0] if found else None

    @property
    def pid(self):
        return self.process.pid

    def running(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL, and wait for the process to be gone."""
        if self.running():
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def restart(self, attempts=50):
        """Starts again on the same port (the port may take a moment to be free)."""
        for _ in range(attempts):
            try:
                return self.start()
            except HardeningError:
                time.sleep(0.1)
        raise HardeningError(f"ehlo-server did not start again on port {self.port}")

    def stop(self, timeout=15.0):
        """SIGTERM (a clean stop); SIGKILL after `timeout`. Returns the exit status."""
        if self.process is None:
            return None
        if self.running():
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return -signal.SIGKILL

    def status_kib(self, field):
        """A field of /proc/PID/status in KiB (VmHWM is the peak resident set, VmRSS now)."""
        text = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
        if not match:
            raise HardeningError(f"no {field} in /proc/{self.pid}/status")
        return int(match.group(1))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def make_certificate(folder: Path):
    """A self-signed RSA 2048 certificate for HOSTNAME and 127.0.0.1; returns (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    result = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365",
         "-subj", f"/CN={HOSTNAME}", "-addext", f"subjectAltName=DNS:{HOSTNAME},IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)], capture_output=True)
    if result.returncode != 0:
        raise HardeningError("openssl req failed: " + result.stderr.decode(errors="replace"))
    return cert, key
