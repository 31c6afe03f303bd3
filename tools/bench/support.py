"""What every part of the benchmark uses: output, the error type, the programs it runs,
processes, ports and working folders. Starting the servers, and reading a socket or a
process's memory, are the test kit's (tools/ehlokit).
"""

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from ehlokit.processes import read_line
from ehlokit.programs import KitError

SMTP_SOURCE = "/usr/sbin/smtp-source"
SMTP_SINK = "/usr/sbin/smtp-sink"
POSTFIX = "/usr/sbin/postfix"

DOMAIN = "example.test"
ADDRESS = "bench@" + DOMAIN


def say(text=""):
    print(text, flush=True)


class BenchError(KitError):
    """A target could not be started or measured; the message says why. Catching KitError
    catches it and the kit's own errors (a server or a peer that would not start)."""


# ---------------------------------------------------------------------------------------------
# Processes and ports


def wait_for_port(port, process=None, timeout=15.0):
    """Waits until 127.0.0.1:port accepts and sends a 220 greeting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BenchError(f"exited with status {process.returncode} before it accepted")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if read_line(s).startswith(b"220"):
                    s.sendall(b"QUIT\r\n")
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise BenchError(f"nothing greeted on 127.0.0.1:{port} within {timeout:.0f} s")


def describe_exit(code):
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


def tail(path, lines=8):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# Working folders


def make_workdir():
    """The run's working directory under $TMPDIR; every target gets a folder inside it."""
    workdir = Path(tempfile.mkdtemp(prefix="ehlo-bench-"))
    workdir.chmod(0o755)  # Postfix's daemons drop root and must reach their queue
    return workdir


def filesystem_type(path):
    """The type of the file system that holds `path` (tmpfs, ext4, ...), or "?"."""
    return subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True,
                          text=True).stdout.strip() or "?"


def scratch_folder(workdir, prefix):
    """A new, empty folder inside the working directory, for one instance of a target."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=workdir))


def remove_unless_kept(folder, keep):
    """Removes a folder and everything in it, unless --keep asked to keep it."""
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
