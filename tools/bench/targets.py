"""The servers under test: ehlo-server (--discard or --maildir), Postfix's smtp-sink and a
private Postfix instance. Each can start, count what it accepted, and stop. The throughput part
measures all of them; the idle-connection test uses ehlo-server and smtp-sink.
"""

import os
import pwd
import re
import signal
import subprocess
import time

from support import (DOMAIN, POSTFIX, SMTP_SINK, BenchError, describe_exit, free_port,
                     stop_process, tail, wait_for_port)


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
        self.binary = binary
        self.mode = mode
        self.extra = list(extra)
        self.label = f"ehlo-server --{mode}"
        self.maildir = workdir / "maildir"
        self.process = None

    def start(self):
        cmd = [str(self.binary), "--listen", "127.0.0.1:0", "--hostname", "mx." + DOMAIN,
               "--domain", DOMAIN]
        if self.mode == "maildir":
            self.maildir.mkdir()
            cmd += ["--maildir", str(self.maildir)]
        else:
            cmd += ["--discard"]
        cmd += self.extra
        self.stdout = self.workdir / "stdout"
        self.stderr = self.workdir / "stderr"
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.process = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            match = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.stdout.read_text())
            if match:
                self.port = int(match.group(1))
                return
            if self.process.poll() is not None:
                raise BenchError(f"{self.label} exited with status {self.process.returncode}:\n"
                                 + tail(self.stderr))
            time.sleep(0.05)
        raise BenchError(f"{self.label} did not print 'listening on ...' within 15 s")

    def accepted(self):
        if self.mode != "maildir":
            return None
        return sum(len(os.listdir(folder)) for folder in self.maildir.glob("**/new"))

    def stop(self):
        if self.process is not None:
            stop_process(self.process)
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
    """Postfix's smtp-sink: reads each message and throws it away, in memory."""

    label = "smtp-sink (Postfix)"

    def __init__(self, workdir, sessions=256):
        super().__init__(workdir)
        self.sessions = sessions  # -m: connections served at once; more wait in the backlog

    def start(self):
        self.port = free_port()
        cmd = [SMTP_SINK]
        if os.geteuid() == 0:
            cmd += ["-u", "nobody"]  # it refuses to run as root without a user to become
        cmd += ["-m", str(self.sessions), "-c", f"127.0.0.1:{self.port}", "1000"]
        self.stdout = self.workdir / "counter"
        self.stderr = self.workdir / "stderr"
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.process = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        wait_for_port(self.port, self.process)
        self.base = self._counter()

    def _counter(self):
        # -c writes "sess=N quit=N mesg=N" with a carriage return after each update.
        found = re.findall(rb"mesg=(\d+)", self.stdout.read_bytes())
        return int(found[-1]) if found else 0

    def accepted(self):
        return self._counter()

    def stop(self):
        if getattr(self, "process", None) is not None:
            stop_process(self.process)

    def problems(self):
        return tail(self.stderr, 10**6).splitlines() if hasattr(self, "stderr") else []


MAIN_CF = """\
# A private Postfix for the benchmark: loopback only, no DNS, durable queue, and every message
# delivered to the discard transport once queued (nothing leaves the machine).
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
maillog_file = {maillog}
maillog_file_prefixes = {workdir}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.{domain}
mydomain = {domain}
myorigin = {domain}
mydestination = {domain}
mynetworks = 127.0.0.0/8
local_recipient_maps =
alias_maps =
alias_database =
local_transport = discard:
default_transport = discard:
relay_transport = discard:
virtual_transport = discard:
smtp_dns_support_level = disabled
smtp_host_lookup = native
lmtp_host_lookup = native
smtpd_peername_lookup = no
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
biff = no
"""

# Only the services this setup uses; none runs chrooted, and there is no smtp client at all.
MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
"""


class Postfix(Target):
    """Postfix as an MTA: smtpd, cleanup and its queue, which fsyncs each message before 250."""

    label = "postfix (durable queue)"

    def start(self):
        self.port = free_port()
        self.conf = self.workdir / "conf"
        queue, data = self.workdir / "queue", self.workdir / "data"
        self.maillog = self.workdir / "maillog"
        for folder in (self.conf, queue, data):
            folder.mkdir()
        owner = pwd.getpwnam("postfix")
        os.chown(data, owner.pw_uid, owner.pw_gid)
        (self.conf / "main.cf").write_text(MAIN_CF.format(
            queue=queue, data=data, maillog=self.maillog, workdir=self.workdir, domain=DOMAIN))
        (self.conf / "master.cf").write_text(MASTER_CF.format(port=self.port))
        self.master_pid_file = queue / "pid" / "master.pid"
        result = subprocess.run([POSTFIX, "-c", str(self.conf), "start"], capture_output=True,
                                text=True, timeout=60)
        if result.returncode != 0:
            raise BenchError("postfix start failed:\n" + tail(self.maillog))
        wait_for_port(self.port)
        self.base = self.accepted()

    def accepted(self):
        # cleanup logs one message-id line per message it queued.
        try:
            text = self.maillog.read_text(errors="replace")
        except OSError:
            return 0
        return len(re.findall(r"postfix/cleanup\[\d+\]: \w+: message-id=", text))

    def wait_logged(self, expected, timeout=15.0):
        """Postfix logs through postlogd, after the fact: waits for the log to catch up."""
        deadline = time.monotonic() + timeout
        while self.accepted() < expected and time.monotonic() < deadline:
            time.sleep(0.2)

    def master_pid(self):
        try:
            return int(self.master_pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        if not (getattr(self, "conf", None) and (self.conf / "main.cf").exists()):
            return
        pid = self.master_pid()
        subprocess.run([POSTFIX, "-c", str(self.conf), "stop"], capture_output=True, timeout=60)
        if pid is None:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)

    def problems(self):
        text = tail(self.maillog, 10**6)
        return [line for line in text.splitlines()
                if re.search(r"\b(warning|error|fatal|panic):", line)
                and "not owned by" not in line]
