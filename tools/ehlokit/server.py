"""ehlo-server (or ehlo-server-mutant) on 127.0.0.1: the one way the tests and the tools start
it, and its users file.

    server = EhloServer(["--maildir", folder]).start()     # or: with EhloServer([...]) as server:
    server.port, server.smtps_port, server.submission_port, server.pid, server.maildir
    server.stop()                                           # SIGTERM; returns the exit status

The command is `ehlo-server --listen 127.0.0.1:PORT --hostname mx.example.test --domain
example.test ARGS...`; the options in ARGS come later, so they win (another --domain, say).
start() reads the server's standard output until it has printed `listening on 127.0.0.1:PORT`
for each listener the arguments ask for (the main one, `(implicit TLS)` with --smtps,
`(submission)` with --submission), and keeps every line it prints in `stdout_lines`.
"""

import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

from ehlokit.programs import DOMAIN, HOSTNAME, KitError, binary
from ehlokit.processes import status_kib

LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)(?: \((.+)\))?")
# The listeners an option adds, by the label the server prints after the address.
EXTRA_LISTENERS = {"--smtps": "implicit TLS", "--submission": "submission"}
START_TIMEOUT = 10.0
STOP_TIMEOUT = 15.0


class EhloServer:
    """One server process. `args` are the options after --listen, --hostname and --domain;
    `port` 0 picks a free one, which restart() then reuses. `program` is the binary in
    `bin_dir` (default: EHLO_BIN_DIR). The server's standard error goes to `stderr_path`
    (appended; nowhere when None), and output() shows it."""

    def __init__(self, args=(), *, port=0, hostname=HOSTNAME, domain=DOMAIN,
                 program="ehlo-server", bin_dir=None, stderr_path=None,
                 start_timeout=START_TIMEOUT):
        self.args = [str(arg) for arg in args]
        self.port = port
        self.hostname, self.domain = hostname, domain
        self.program, self.bin_dir = program, bin_dir
        self.stderr_path = Path(stderr_path) if stderr_path else None
        self.start_timeout = start_timeout
        self.process = None
        self.starts = 0
        self.listening = {}  # label ("" for the main listener) -> port, of the last start
        self.stdout_lines = []  # of every start
        self.reader = None  # the thread that reads the standard output of the last start

    def command(self):
        return [str(binary(self.program, self.bin_dir)), "--listen", f"127.0.0.1:{self.port}",
                "--hostname", self.hostname, "--domain", self.domain, *self.args]

    def start(self):
        """Starts the process and waits for its listeners; returns self. Raises KitError (with
        what the server printed) when they are not all there within `start_timeout`."""
        command = self.command()
        wanted = {""} | {label for option, label in EXTRA_LISTENERS.items()
                         if option in self.args}
        listening, ready = {}, threading.Event()
        with open(self.stderr_path or os.devnull, "ab") as stderr:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=stderr)
        self.starts += 1
        self.listening = listening
        self.reader = threading.Thread(target=self._read_stdout,
                                       args=(self.process, listening, wanted, ready), daemon=True)
        self.reader.start()
        ready.wait(self.start_timeout)
        if not wanted <= listening.keys():
            self.kill()
            raise KitError(f"{self.program} did not print 'listening on ...' for "
                           f"{' and '.join(sorted(label or 'its port' for label in wanted))} "
                           f"within {self.start_timeout:.0f} s: {' '.join(command)}\n"
                           + self.output())
        self.port = listening[""]
        return self

    def _read_stdout(self, process, listening, wanted, ready):
        for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            self.stdout_lines.append(line)
            match = LISTENING.fullmatch(line)
            if match:
                listening.setdefault(match.group(2) or "", int(match.group(1)))
                if wanted <= listening.keys():
                    ready.set()
        ready.set()  # end of output: the server has gone

    @property
    def maildir(self):
        """The folder given with --maildir (the last one), or None."""
        folders = [self.args[i + 1] for i, arg in enumerate(self.args[:-1]) if arg == "--maildir"]
        return Path(folders[-1]) if folders else None

    @property
    def smtps_port(self):
        """The implicit TLS listener's port (with --smtps), or None."""
        return self.listening.get("implicit TLS")

    @property
    def submission_port(self):
        """The submission listener's port (with --submission), or None."""
        return self.listening.get("submission")

    @property
    def pid(self):
        return self.process.pid

    def running(self):
        return self.process is not None and self.process.poll() is None

    def restart(self, attempts=50):
        """Starts again on the same port (the port may take a moment to be free)."""
        for _ in range(attempts):
            try:
                return self.start()
            except KitError:
                time.sleep(0.1)
        raise KitError(f"{self.program} did not start again on port {self.port}")

    def terminate(self):
        """Sends SIGTERM (a clean stop) without waiting."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)

    def kill(self):
        """SIGKILL, and waits for the process to be gone."""
        if self.running():
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def wait(self, timeout=STOP_TIMEOUT):
        """Waits for the process to exit by itself; SIGKILL after `timeout`. Returns the exit
        status (-9 when it had to be killed). Then `stdout_lines` holds all it printed."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            code = -signal.SIGKILL
        self.reader.join(timeout)
        return code

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM (unless it has exited already), then wait(timeout). Returns the exit status,
        or None when it was never started."""
        if self.process is None:
            return None
        self.terminate()
        return self.wait(timeout)

    def status_kib(self, field):
        """A field of /proc/PID/status in KiB (VmHWM is the peak resident set, VmRSS now)."""
        value = status_kib(self.pid, field)
        if value is None:
            raise KitError(f"no {field} in /proc/{self.pid}/status")
        return value

    def output(self):
        """What the server printed: its standard output, then its standard error."""
        try:
            stderr = self.stderr_path.read_text(errors="replace") if self.stderr_path \
                else "(not kept)"
        except OSError:
            stderr = ""
        return "--- stdout\n" + "\n".join(self.stdout_lines) + "\n--- stderr\n" + stderr

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def users_line(name, password, cram=False, bin_dir=None):
    """A line of a users file (--users) for `name`, made by the server's own --hash-password
    (with --with-cram-md5 when `cram`). Raises KitError when the server refuses."""
    command = [str(binary("ehlo-server", bin_dir)), "--hash-password", name]
    if cram:
        command.append("--with-cram-md5")
    result = subprocess.run(command, input=password + "\n", capture_output=True, text=True,
                            timeout=30)
    if result.returncode != 0:
        raise KitError(f"ehlo-server --hash-password {name}: {result.stderr.strip()}")
    return result.stdout.strip()
