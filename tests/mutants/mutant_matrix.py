"""Runs the conformance suite against the reference server and against each of its mutants
(ehlo-server-mutant --mutant NAME), and says which scenarios caught which mutant.

A scenario catches a mutant when its verdict against the mutant is worse than against the
unbroken server: PASS -> INFO, WARN, FAIL or ERROR; INFO -> WARN, FAIL or ERROR; WARN -> FAIL or
ERROR. SKIP is never a catch (the scenario did not run). Used by tests/e2e/test_mutants.py and
tools/mutants; docs/mutants.md explains the design.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DOMAIN = "ehlo-demo.test"
HOSTNAME = "mx.ehlo-demo.test"
RCPT = f"postmaster@{DOMAIN}"
USER, PASSWORD = "mutant", "mutant-password"
LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")
MUTANT_LINE = re.compile(r"(\S+)\s+(RFC \d+(?: §\S+)?)\s+(.*)")
RANK = {"PASS": 0, "INFO": 1, "WARN": 2, "FAIL": 3, "ERROR": 3}
# ehlo-check's settings: many scenarios at once on loopback, and a short wait for a reply, so a
# mutant that never answers costs seconds, not minutes. The time-out scenarios (tagged slow)
# run too, their pauses scaled to a hundredth (290 s become 2.9 s) against servers that wait
# 5 s for a command or for data: the unbroken server outlasts every pause, a mutant with a
# shorter time-out does not.
CHECK_OPTIONS = ["--jobs", "8", "--max-connections", "16", "--rate", "0", "--timeout", "5",
                 "--slow", "--time-scale", "0.01"]
SERVER_TIMEOUTS = ["--timeout-command", "5", "--timeout-data", "5"]


def caught(baseline_verdict, mutant_verdict):
    """Whether the verdict against the mutant is worse than against the unbroken server."""
    if baseline_verdict not in RANK or mutant_verdict not in RANK:
        return False
    return RANK[mutant_verdict] > RANK[baseline_verdict]


def read_uncaught(path):
    """The tracked list of scenarios known to catch no mutant: {id: reason}."""
    listed = {}
    for line in Path(path).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        scenario, _, reason = line.partition("\t")
        listed[scenario.strip()] = reason.strip()
    return listed


class Setup:
    """The files every server and every check of one run share: a certificate for STARTTLS
    (verified by ehlo-check with --ca-file) and a users file for AUTH."""

    def __init__(self, bin_dir):
        self.bin_dir = Path(bin_dir)
        self.folder = Path(tempfile.mkdtemp(prefix="ehlo-mutants-"))
        self.cert, self.key = self.folder / "cert.pem", self.folder / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-keyout", str(self.key), "-out", str(self.cert),
                        "-subj", f"/CN={HOSTNAME}",
                        "-addext", f"subjectAltName=DNS:{HOSTNAME},IP:127.0.0.1"],
                       check=True, capture_output=True)
        line = subprocess.run([str(self.bin_dir / "ehlo-server"), "--hash-password", USER],
                              input=PASSWORD + "\n", capture_output=True, text=True, check=True)
        self.users = self.folder / "users"
        self.users.write_text(line.stdout)

    def server_args(self):
        return ["--listen", "127.0.0.1:0", "--hostname", HOSTNAME, "--domain", DOMAIN,
                "--discard", "--threads", "1", "--tls-cert", str(self.cert),
                "--tls-key", str(self.key), "--users", str(self.users),
                "--allow-plaintext-auth", *SERVER_TIMEOUTS]

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)


class Server:
    """One server process (the unbroken one, or a mutant) on a free loopback port."""

    def __init__(self, setup, mutant=None):
        if mutant is None:
            command = [str(setup.bin_dir / "ehlo-server")]
        else:
            command = [str(setup.bin_dir / "ehlo-server-mutant"), "--mutant", mutant]
        self.proc = subprocess.Popen(command + setup.server_args(), stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.port = None
        ready = threading.Event()

        def read():
            for line in self.proc.stdout:
                match = LISTENING.fullmatch(line.strip())
                if match and self.port is None:
                    self.port = int(match.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(10) or self.port is None:
            self.stop()
            raise RuntimeError(f"{' '.join(command)} did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def check(setup, mutant=None):
    """{scenario id: verdict} of the whole suite against the server or the mutant."""
    server = Server(setup, mutant)
    report = setup.folder / f"{mutant or 'reference'}.json"
    try:
        subprocess.run([str(setup.bin_dir / "ehlo-check"), f"127.0.0.1:{server.port}",
                        "--rcpt", RCPT, "--ca-file", str(setup.cert),
                        "--auth", f"{USER}:{PASSWORD}", *CHECK_OPTIONS, "--json", str(report)],
                       capture_output=True, text=True, timeout=300)
    finally:
        server.stop()
    if not report.is_file():
        raise RuntimeError(f"ehlo-check wrote no report for {mutant or 'the reference server'}")
    results = json.loads(report.read_text())["scenarios"]
    return {result["id"]: result["verdict"] for result in results}


def list_mutants(bin_dir):
    """[(name, section, rule)] as ehlo-server-mutant --list prints them."""
    out = subprocess.run([str(Path(bin_dir) / "ehlo-server-mutant"), "--list"],
                         capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():  # a name, a citation ("RFC 5321 §4.1.4"), the rule
        name, section, rule = MUTANT_LINE.match(line).groups()
        rows.append((name, section, rule))
    return rows


class Matrix:
    """The suite against the unbroken server and against every mutant."""

    def __init__(self, baseline, verdicts, mutants, seconds):
        self.baseline = baseline  # {scenario: verdict}
        self.verdicts = verdicts  # {mutant: {scenario: verdict}}
        self.mutants = mutants    # [(name, section, rule)]
        self.seconds = seconds
        self.catches = {name: sorted(s for s, v in verdicts[name].items()
                                     if caught(baseline.get(s), v))
                        for name, _, _ in mutants}

    def uncaught_mutants(self):
        return [name for name, _, _ in self.mutants if not self.catches[name]]

    def passing_scenarios(self):
        return sorted(s for s, v in self.baseline.items() if v == "PASS")

    def catchers(self):
        """The scenarios that caught at least one mutant."""
        return {s for found in self.catches.values() for s in found}

    def idle_scenarios(self):
        """Scenarios the unbroken server PASSes that catch no mutant."""
        found = self.catchers()
        return [s for s in self.passing_scenarios() if s not in found]


def run(bin_dir, parallel=None, mutants=None):
    """Runs everything; `mutants` narrows the run to some names."""
    start = time.monotonic()
    setup = Setup(bin_dir)
    try:
        baseline = check(setup)
        rows = list_mutants(bin_dir)
        if mutants:
            rows = [row for row in rows if row[0] in mutants]
        workers = parallel or int(os.environ.get("EHLO_MUTANT_JOBS", "6"))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = dict(zip([r[0] for r in rows],
                               pool.map(lambda row: check(setup, row[0]), rows)))
    finally:
        setup.remove()
    return Matrix(baseline, results, rows, time.monotonic() - start)
