"""Runs the conformance suite against the reference server and against each of its mutants
(ehlo-server-mutant --mutant NAME), and says which scenarios caught which mutant; and the
client scenarios against ehlo-send and each of its mutants (ehlo-send-mutant --mutant NAME),
run by ehlo-check --exec.

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
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ehlokit import clients
from ehlokit.certificates import make_certificate
from ehlokit.server import EhloServer, users_line

DOMAIN = "ehlo-demo.test"
HOSTNAME = "mx.ehlo-demo.test"
RCPT = f"postmaster@{DOMAIN}"
USER, PASSWORD = "mutant", "mutant-password"
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
        self.cert, self.key = make_certificate(self.folder, HOSTNAME)
        self.users = self.folder / "users"
        self.users.write_text(users_line(USER, PASSWORD, bin_dir=self.bin_dir) + "\n")

    def server(self, mutant=None):
        """The unbroken server, or the mutant `mutant`, not started yet."""
        args = ["--discard", "--threads", "1", "--tls-cert", self.cert, "--tls-key", self.key,
                "--users", self.users, "--allow-plaintext-auth", *SERVER_TIMEOUTS]
        if mutant is None:
            return EhloServer(args, hostname=HOSTNAME, domain=DOMAIN, bin_dir=self.bin_dir)
        return EhloServer(["--mutant", mutant, *args], hostname=HOSTNAME, domain=DOMAIN,
                          program="ehlo-server-mutant", bin_dir=self.bin_dir)

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def check(setup, mutant=None):
    """{scenario id: verdict} of the whole suite against the server or the mutant."""
    server = setup.server(mutant).start()
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


# ehlo-check's settings for client scenarios: many at once, each client on its own port.
CLIENT_CHECK_OPTIONS = ["--jobs", "8", "--timeout", "5"]


def client_commands(bin_dir, mutant=None):
    """The --exec options that run ehlo-send, or its mutant `mutant`, for every ask."""
    send = clients.CLIENTS["ehlo-send"]
    program = str(Path(bin_dir) / "ehlo-send")
    replacement = program if mutant is None else (
        f"{Path(bin_dir) / 'ehlo-send-mutant'} --mutant {mutant}")
    options = []
    for ask, option in (("plain", "--exec"), ("starttls", "--exec-starttls"),
                        ("tls", "--exec-tls"), ("auth", "--exec-auth")):
        command = send.command(ask).replace(program, replacement, 1)
        options += [option, command]
    return options


def check_client(bin_dir, folder, mutant=None):
    """{scenario id: verdict} of the client scenarios against ehlo-send or the mutant."""
    report = Path(folder) / f"client-{mutant or 'reference'}.json"
    subprocess.run([str(Path(bin_dir) / "ehlo-check"), *client_commands(bin_dir, mutant),
                    *CLIENT_CHECK_OPTIONS, "--json", str(report)],
                   capture_output=True, text=True, timeout=600)
    if not report.is_file():
        raise RuntimeError(f"ehlo-check wrote no report for {mutant or 'ehlo-send'}")
    results = json.loads(report.read_text())["scenarios"]
    return {result["id"]: result["verdict"] for result in results}


def list_mutants(bin_dir, program="ehlo-server-mutant"):
    """[(name, section, rule)] as ehlo-server-mutant --list (or `program`) prints them."""
    out = subprocess.run([str(Path(bin_dir) / program), "--list"],
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


def run_clients(bin_dir, parallel=None, mutants=None):
    """The client scenarios against ehlo-send and its mutants; `mutants` narrows the run."""
    start = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="ehlo-client-mutants-"))
    os.environ.setdefault("EHLO_BIN_DIR", str(bin_dir))  # the kit fills in ehlo-send's path
    try:
        baseline = check_client(bin_dir, folder)
        rows = list_mutants(bin_dir, "ehlo-send-mutant")
        if mutants:
            rows = [row for row in rows if row[0] in mutants]
        workers = parallel or int(os.environ.get("EHLO_MUTANT_JOBS", "3"))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = dict(zip([r[0] for r in rows],
                               pool.map(lambda row: check_client(bin_dir, folder, row[0]), rows)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Matrix(baseline, results, rows, time.monotonic() - start)
