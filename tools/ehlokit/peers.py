"""Third-party SMTP servers from Debian 12 started on loopback as test peers: Postfix, Postfix's
smtp-sink, Exim (two set-ups), OpenSMTPD, aiosmtpd, Twisted and Dovecot's submission service.

Every peer has one interface: `PEERS[name](...).start()` picks a free port on 127.0.0.1 (or
takes the one given), writes all its state (configuration, queue, log, Maildir) into a working
folder, waits for its 220 greeting and returns itself with `.port`; `.stop()` stops it by its
PID or its own stop command; `.delivered()` lists the messages it delivered. Each one accepts
mail for one domain (`example.test`) from any sender and refuses to relay elsewhere, like an MX
(smtp-sink excepted: it accepts everything and keeps only a copy; and Dovecot, a submission
server, which serves a client only after AUTH with its `account`, then relays anything to a
smtp-sink of its own). Postfix and Exim can also be made relays: `relay_to=(host, port,
domain)` has them accept mail for that domain too and pass it on to host:port over STARTTLS
(required; relay_tls="may" uses it only when offered), so a server under test gets an MTA as
client; with domain None they keep nothing and relay every message from the loopback there
(clients.start_relay). `.submit()` hands any peer a message by SMTP.

Postfix and smtp-sink come from the installed `postfix` package; Exim and OpenSMTPD from the
.debs that tools/setup unpacks into build/peers/root (they conflict with Postfix as packages);
aiosmtpd and Twisted from Debian's python3-aiosmtpd and python3-twisted; Dovecot from
dovecot-core and dovecot-submissiond. Postfix, Exim, OpenSMTPD and Dovecot need root. The
configurations are in peer_configs.py; docs/interop.md tells each peer's quirks.
"""

import os
import pwd
import shutil
import smtplib
import subprocess
import tempfile
import time
from pathlib import Path

from ehlokit import peer_configs
from ehlokit.maildir import message_files
from ehlokit.processes import free_port, greets, port_is_free, stop_process, wait_pid_gone
from ehlokit.programs import DOMAIN, HOSTNAME, KitError, source_dir

HERE = Path(__file__).resolve().parent
PEERS_ROOT = Path(os.environ.get("EHLO_PEERS_ROOT", source_dir() / "build" / "peers" / "root"))
POSTFIX = "/usr/sbin/postfix"
SMTP_SINK = "/usr/sbin/smtp-sink"
DOVECOT = "/usr/sbin/dovecot"
PYTHON = "/usr/bin/python3"  # Debian's, with python3-aiosmtpd
NOBODY = 65534
START_TIMEOUT = 20.0


class PeerError(KitError):
    """A peer could not be started; the message says why and, where it can, what to do."""


def chown(path, user):
    entry = pwd.getpwnam(user) if isinstance(user, str) else pwd.getpwuid(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


class Peer:
    """A server started on 127.0.0.1 with all its state in `workdir` (a new temporary folder
    when none is given, removed again by stop() unless keep=True)."""

    name = ""
    needs_root = True
    supports_tls = True
    supports_relay = False
    account = None  # (user, password) when it offers AUTH with an account
    accepts = "mail for *@{domain} from anyone; relaying refused"

    def __init__(self, workdir=None, port=None, domain=DOMAIN, tls_cert=None, tls_key=None,
                 keep=False, relay_to=None, relay_tls="encrypt"):
        self.own_workdir = workdir is None
        self.workdir = Path(workdir) if workdir else None
        self.requested_port = port
        self.port = None
        self.domain = domain
        self.tls_cert, self.tls_key = tls_cert, tls_key
        self.keep = keep
        self.relay_to = relay_to  # (host, port, domain or None for all): relay it there
        if relay_tls not in ("encrypt", "may"):
            raise PeerError(f"relay_tls={relay_tls!r}: 'encrypt' or 'may'")
        self.relay_tls = relay_tls
        self.process = None
        self.maildir = None

    # -- what every peer offers

    def start(self):
        """Starts the peer and waits for its greeting; returns self. Raises PeerError."""
        self._check_can_run()
        if self.tls_cert and not self.supports_tls:
            raise PeerError(f"{self.name}: no STARTTLS in this set-up (see docs/interop.md)")
        if self.relay_to and not self.supports_relay:
            raise PeerError(f"{self.name}: cannot relay in this set-up (Postfix and Exim can)")
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix=f"ehlo-peer-{self.name}-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o755)  # daemons that drop root must reach their folders
        self._check_reachable()
        attempts = 1 if self.requested_port else 3  # a free port can be taken meanwhile
        for attempt in range(attempts):
            self.port = self.requested_port or free_port()
            try:
                if not port_is_free(self.port):  # or its greeting would be another server's
                    raise PeerError(f"{self.name}: port {self.port} on 127.0.0.1 is in use")
                self._launch()
                self._await_greeting()
                return self
            except PeerError as error:
                self._halt()
                if attempt + 1 == attempts or "in use" not in str(error) + self.log():
                    self._remove_workdir()
                    raise
        return self

    def stop(self):
        """Stops the peer (idempotent) and removes its own temporary working folder."""
        self._halt()
        self._remove_workdir()

    def delivered(self):
        """The files of the messages it delivered so far (delivery may lag behind the 250)."""
        return message_files(self.maildir) if self.maildir else []

    def submit(self, sender, recipients, data, helo="client.example.org", timeout=30):
        """Hands the peer one message by SMTP, as any client would (Python's smtplib: the
        data's line ends as they are, dot-stuffed). Raises smtplib.SMTPException when a
        recipient or the message is refused."""
        recipients = [recipients] if isinstance(recipients, str) else list(recipients)
        with smtplib.SMTP("127.0.0.1", self.port, local_hostname=helo,
                          timeout=timeout) as client:
            refused = client.sendmail(sender, recipients, data)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)

    def wait_delivered(self, count, timeout=15.0):
        """Polls until at least `count` messages are delivered; returns them (maybe fewer)."""
        deadline = time.monotonic() + timeout
        while len(self.delivered()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.delivered()

    def log(self, limit=6000):
        """What the peer logged (for a failing test's report): the last `limit` characters of
        each log file, or all of them with limit=None."""
        parts = []
        for path in self._log_files():
            try:
                text = path.read_text(errors="replace")
                parts.append(f"--- {path.name}\n" + (text[-limit:] if limit else text))
            except OSError:
                pass
        return "\n".join(parts)

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()

    # -- what each peer defines

    def _launch(self):
        raise NotImplementedError

    def _halt(self):
        if self.process is not None:
            stop_process(self.process)

    def _log_files(self):
        return [self.workdir / "output.txt", self.workdir / "errors.txt"] if self.workdir else []

    def _running(self):
        return self.process is None or self.process.poll() is None

    # -- shared steps

    def _check_can_run(self):
        if self.needs_root and os.geteuid() != 0:
            raise PeerError(f"{self.name}: needs root (it starts as root and drops privileges)")

    def _check_reachable(self):
        """The daemons drop root (to postfix, Debian-exim, nobody...): every folder above the
        working folder must let other users through."""
        if os.geteuid() != 0:
            return
        for folder in self.workdir.resolve().parents:
            if not folder.stat().st_mode & 0o001:
                raise PeerError(f"{self.name}: {folder} is closed to other users (mode "
                                f"{folder.stat().st_mode & 0o777:o}), so the peer's daemons "
                                f"cannot reach {self.workdir}: use a working folder under "
                                "/tmp, or chmod o+x the folders above it")

    def _popen(self, command, **kwargs):
        """Starts the peer's process: its output goes to output.txt, its errors to errors.txt."""
        with open(self.workdir / "output.txt", "ab") as out, \
                open(self.workdir / "errors.txt", "ab") as err:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out,
                                            stderr=err, **kwargs)

    def _await_greeting(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not self._running():
                raise PeerError(f"{self.name} exited before it greeted on port {self.port}\n"
                                f"{self.log()}")
            if greets(self.port):
                return
            time.sleep(0.1)
        raise PeerError(f"{self.name}: no 220 greeting on 127.0.0.1:{self.port} within "
                        f"{START_TIMEOUT:.0f} s\n{self.log()}")

    def _new_maildir(self, owner):
        self.maildir = self.workdir / "maildir"
        for sub in ("", "new", "cur", "tmp"):
            (self.maildir / sub).mkdir(exist_ok=True)
            chown(self.maildir / sub, owner)

    def _remove_workdir(self):
        if self.own_workdir and not self.keep and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _private_program(self, relative):
        program = PEERS_ROOT / relative
        if not os.access(program, os.X_OK):
            raise PeerError(f"{self.name}: {program} not found: run tools/setup, which unpacks "
                            "Exim and OpenSMTPD there (or set EHLO_PEERS_ROOT)")
        return program


class Postfix(Peer):
    """A private Postfix instance: `postfix -c DIR start`, smtpd on 127.0.0.1:PORT.

    delivery="maildir": every recipient in the domain goes to one Maildir (owner uid 65534)
    through the virtual(8) agent, asynchronously. delivery="discard" (the benchmark's): the
    domain is local and every transport is discard, with the loopback as mynetworks.
    """

    name = "postfix"
    supports_relay = True

    def __init__(self, *args, delivery="maildir", **kwargs):
        super().__init__(*args, **kwargs)
        self.delivery = delivery

    def _launch(self):
        if not os.access(POSTFIX, os.X_OK):
            raise PeerError("postfix: not installed: run tools/setup")
        self.conf = self.workdir / "conf"
        queue, data = self.workdir / "queue", self.workdir / "data"
        for folder in (self.conf, queue, data):
            folder.mkdir(exist_ok=True)
        chown(data, "postfix")
        self.maillog = self.workdir / "maillog"
        if self.delivery == "maildir":
            self._new_maildir(NOBODY)
        (self.conf / "main.cf").write_text(peer_configs.postfix_main_cf(
            self.workdir, self.domain, self.delivery, self.tls_cert, self.tls_key,
            self.relay_to, self.relay_tls))
        (self.conf / "master.cf").write_text(peer_configs.postfix_master_cf(self.port,
                                                                            self.relay_to))
        self.master_pid_file = queue / "pid" / "master.pid"
        result = subprocess.run([POSTFIX, "-c", str(self.conf), "start"], capture_output=True,
                                text=True, timeout=60)
        if result.returncode != 0:
            raise PeerError(f"postfix start failed:\n{result.stderr}\n{self.log()}")

    def master_pid(self):
        try:
            return int(self.master_pid_file.read_text().split()[0])
        except (AttributeError, OSError, ValueError, IndexError):
            return None

    def _halt(self):
        if not (getattr(self, "conf", None) and (self.conf / "main.cf").exists()):
            return
        pid = self.master_pid()
        subprocess.run([POSTFIX, "-c", str(self.conf), "stop"], capture_output=True, timeout=60)
        if pid is not None:
            wait_pid_gone(pid)
        self.conf = None

    def _running(self):
        pid = self.master_pid()
        if pid is None:
            return True  # not written yet
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False

    def queued(self):
        """Messages cleanup has queued so far, counted from the log (logged after the fact)."""
        try:
            text = self.maillog.read_text(errors="replace")
        except OSError:
            return 0
        return text.count(": message-id=")

    def _log_files(self):
        return [self.workdir / "maillog"] if self.workdir else []


class SmtpSink(Peer):
    """Postfix's smtp-sink: accepts every command and message; keeps a copy of each in
    dump/ when dump=True (the default); counter=True prints its counters on output.txt."""

    name = "smtp-sink"
    needs_root = False
    supports_tls = False
    accepts = "every message to anyone (a sink: no relaying check)"

    def __init__(self, *args, sessions=256, dump=True, counter=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = sessions  # -m: connections served at once; more wait in the backlog
        self.dump = dump
        self.counter = counter

    def _launch(self):
        if not os.access(SMTP_SINK, os.X_OK):
            raise PeerError("smtp-sink: not found: it comes with Postfix; run tools/setup")
        command = [SMTP_SINK, "-h", HOSTNAME, "-m", str(self.sessions)]
        if os.geteuid() == 0:
            command += ["-u", "nobody"]  # it refuses to run as root without a user to become
        if self.dump:
            self.dump_dir = self.workdir / "dump"
            self.dump_dir.mkdir(exist_ok=True)
            if os.geteuid() == 0:
                chown(self.dump_dir, NOBODY)
            command += ["-d", f"{self.dump_dir}/msg."]
        if self.counter:
            command += ["-c"]
        command += [f"127.0.0.1:{self.port}", "1000"]
        self._popen(command)

    def delivered(self):
        if not self.dump:
            return []
        return sorted(self.dump_dir.glob("msg.*"), key=lambda f: f.stat().st_mtime)


class Exim(Peer):
    """Exim 4 from the private tree: `exim4 -C CONF -bdf -oX PORT` in the foreground.

    With a -C file outside its trusted list it drops root for Debian-exim, so its spool, log
    and Maildir belong to that user; the configuration itself must belong to root.
    """

    name = "exim"
    supports_relay = True

    def _launch(self):
        exim = self._private_program("usr/sbin/exim4")
        for sub in ("spool", "log"):
            (self.workdir / sub).mkdir(exist_ok=True)
            chown(self.workdir / sub, "Debian-exim")
        self._new_maildir("Debian-exim")
        tls = {}
        if self.tls_cert:
            tls = {"cert": self._copy_for("Debian-exim", self.tls_cert, "cert.pem"),
                   "key": self._copy_for("Debian-exim", self.tls_key, "key.pem")}
        conf = self.workdir / "exim.conf"
        conf.write_text(self._conf_text(exim, tls))
        conf.chmod(0o644)
        self._popen([str(exim), "-C", str(conf), "-bdf", "-oX", str(self.port)])

    def _conf_text(self, exim, tls):
        return peer_configs.exim_conf(exim, self.workdir, self.domain, tls, self.relay_to,
                                      self.relay_tls)

    def _copy_for(self, user, source, name):
        target = self.workdir / name
        shutil.copyfile(source, target)
        target.chmod(0o600)
        chown(target, user)
        return target

    def _log_files(self):
        return [*super()._log_files(), *sorted((self.workdir / "log").glob("*log"))]


class OpenSMTPD(Peer):
    """OpenSMTPD from the private tree: `smtpd -d -f CONF` in the foreground, no TLS.

    smtpd has fixed paths: its helpers in /usr/libexec/opensmtpd, its queue in /var/spool/smtpd,
    its control socket in /run, its chroot in /var/lib/opensmtpd/empty, and it resolves every
    client's name through /etc/resolv.conf. It runs in a private mount namespace (unshare)
    where those paths are folders of its working folder or the private tree, and resolv.conf
    says "lookup file" (no DNS: no stall): nothing on the machine changes, and several can run.
    """

    name = "opensmtpd"
    supports_tls = False  # Debian 12's 6.8.0p2 fails every STARTTLS handshake with OpenSSL 3
    HIDDEN = ("/usr/libexec", "/var/spool", "/var/lib", "/run", "/var/run")

    def _launch(self):
        smtpd = self._private_program("usr/sbin/smtpd")
        self._check_not_hidden()
        for sub in ("spool/smtpd", "run", "varlib/opensmtpd/empty"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        (self.workdir / "spool/smtpd").chmod(0o711)
        (self.workdir / "resolv.conf").write_text("lookup file\nnameserver 127.0.0.1\n")
        self._new_maildir(NOBODY)
        conf = self.workdir / "smtpd.conf"
        conf.write_text(peer_configs.opensmtpd_conf(self.workdir, self.domain, self.port))
        conf.chmod(0o644)
        self._popen(["unshare", "--mount", "--propagation", "private", "--",
                     "sh", "-c", peer_configs.OPENSMTPD_MOUNTS, "opensmtpd",
                     str(self.workdir), str(PEERS_ROOT), str(smtpd)])

    def _check_not_hidden(self):
        paths = (self.workdir.resolve(), PEERS_ROOT.resolve(),
                 Path("/etc/resolv.conf").resolve())
        for path in paths:
            if any(str(path).startswith(hidden + "/") for hidden in self.HIDDEN):
                raise PeerError(f"opensmtpd: {path} lies under a folder its mount namespace "
                                f"replaces ({', '.join(self.HIDDEN)}): use another folder")


class Aiosmtpd(Peer):
    """aiosmtpd_peer.py: aiosmtpd's SMTP class with a handler that keeps one Maildir."""

    name = "aiosmtpd"
    needs_root = False

    def _launch(self):
        self.maildir = self.workdir / "maildir"
        command = [PYTHON, str(HERE / "aiosmtpd_peer.py"), "--port", str(self.port),
                   "--domain", self.domain, "--hostname", HOSTNAME, "--maildir",
                   str(self.maildir)]
        if self.tls_cert:
            command += ["--tls-cert", str(self.tls_cert), "--tls-key", str(self.tls_key)]
        self._popen(command, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


class EximAuth(Exim):
    """The second Exim set-up: the same MX with AUTH (PLAIN, LOGIN, CRAM-MD5) for one account,
    `account`, offered but not required; VRFY answered; PRDR and DSN offered, CHUNKING and
    SMTPUTF8 not; 10 MB and 50 recipients at most."""

    name = "exim-auth"
    supports_relay = False
    account = ("peer-user", "peer-secret")

    def _conf_text(self, exim, tls):
        return peer_configs.exim_auth_conf(exim, self.workdir, self.domain, tls, self.account)


class Twisted(Peer):
    """twisted_peer.py: Twisted's ESMTP class with a delivery that keeps one Maildir."""

    name = "twisted"
    needs_root = False

    def _launch(self):
        self.maildir = self.workdir / "maildir"
        command = [PYTHON, str(HERE / "twisted_peer.py"), "--port", str(self.port),
                   "--domain", self.domain, "--hostname", HOSTNAME, "--maildir",
                   str(self.maildir)]
        if self.tls_cert:
            command += ["--tls-cert", str(self.tls_cert), "--tls-key", str(self.tls_key)]
        self._popen(command, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


class DovecotSubmission(Peer):
    """Dovecot's submission service: `dovecot -F -c CONF` in the foreground, with a smtp-sink
    (started first, on its own free port) as the relay it hands every message to. Clients must
    log in (AUTH PLAIN or LOGIN) with `account` before MAIL; what it relayed is in the sink's
    dump."""

    name = "dovecot"
    account = ("peer-user", "peer-secret")
    accepts = ("mail to anyone from a client logged in as peer-user:peer-secret, relayed to a "
               "smtp-sink beside it")

    def _launch(self):
        if not os.access(DOVECOT, os.X_OK):
            raise PeerError("dovecot: not installed: run tools/setup (dovecot-submissiond)")
        self.sink = SmtpSink(self.workdir / "sink").start()
        for sub in ("run", "state", "home"):
            (self.workdir / sub).mkdir(exist_ok=True)
        chown(self.workdir / "home", NOBODY)
        users = self.workdir / "users"
        users.write_text(f"{self.account[0]}:{{PLAIN}}{self.account[1]}::::::\n")
        users.chmod(0o644)
        conf = self.workdir / "dovecot.conf"
        conf.write_text(peer_configs.dovecot_conf(self.workdir, self.domain, self.port,
                                                  self.sink.port, self.tls_cert, self.tls_key))
        self._popen([DOVECOT, "-F", "-c", str(conf)])

    def _halt(self):
        super()._halt()
        if getattr(self, "sink", None) is not None:
            self.sink.stop()
            self.sink = None

    def delivered(self):
        return self.sink.delivered() if getattr(self, "sink", None) else []

    def _log_files(self):
        return [*super()._log_files(), self.workdir / "dovecot.log"] if self.workdir else []


PEERS = {peer.name: peer for peer in (Postfix, SmtpSink, Exim, OpenSMTPD, Aiosmtpd, EximAuth,
                                      Twisted, DovecotSubmission)}
