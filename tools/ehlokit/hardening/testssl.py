"""testssl.sh against ehlo-server's two TLS listeners on loopback: STARTTLS on the SMTP port
(`testssl --starttls smtp`, RFC 3207) and implicit TLS on the --smtps port (RFC 8314 §3).
The server gets a fresh self-signed RSA 2048 certificate for mx.example.test.

What must hold, read from testssl's JSON findings:
- no protocol below TLS 1.2 (SSLv2, SSLv3, TLS 1.0, TLS 1.1 "not offered");
- no weak cipher: NULL, anonymous, export, LOW, 3DES/IDEA and obsolete CBC suites "not
  offered";
- no other finding of severity LOW or above, except those that only describe the test
  certificate (self-signed, no CRL/OCSP, no CAA record: listed, not counted).
testssl.sh 3.0 has no STARTTLS injection test, so the part makes its own, on the STARTTLS
port: "STARTTLS" and "EHLO" in one packet; after the handshake no reply may come for the
EHLO sent in the clear (RFC 3207 §4.2 obliges the server to discard it, CVE-2011-0411).

    tools/hardening testssl [--quick]

The full run is testssl's default run on each listener (about 2-3 minutes each); --quick
runs only its protocol and cipher-category checks (-p -s) and the injection check.
"""

import argparse
import json
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

from ehlokit.certificates import make_certificate
from ehlokit.hardening.harness import (FAILED, SKIPPED, HardeningError, ScratchFolder, say,
                                       verdict)
from ehlokit.programs import KitError
from ehlokit.server import EhloServer

TESTSSL = "testssl"
OLD_PROTOCOLS = ("SSLv2", "SSLv3", "TLS1", "TLS1_1")
WEAK_CIPHER_CATEGORIES = ("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT",
                          "cipherlist_LOW", "cipherlist_3DES_IDEA", "cipherlist_AVERAGE")
COUNTED_SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
# Findings about the throwaway certificate of the test, not about the server's TLS settings.
CERTIFICATE_ONLY = ("cert_chain_of_trust", "cert_revocation", "cert_ocspRevoked",
                    "cert_crlDistributionPoints", "cert_ocspURL", "OCSP_stapling",
                    "DNS_CAArecord", "cert_trust")


def run_testssl(target, starttls, quick, json_path, timeout):
    """Runs testssl.sh on 127.0.0.1:port; returns its findings (a list of dicts)."""
    command = [TESTSSL, "--quiet", "--color", "0", "--warnings", "off", "--ip", "one",
               "--jsonfile", str(json_path)]
    if quick:
        command += ["-p", "-s"]
    if starttls:
        command += ["--starttls", "smtp"]
    command.append(target)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise HardeningError(f"testssl did not finish within {timeout} s: {' '.join(command)}")
    if not json_path.is_file():
        raise HardeningError(f"testssl wrote no findings (exit {result.returncode}): "
                             + (result.stderr or result.stdout)[-500:])
    return json.loads(json_path.read_text())


def judge(findings):
    """Returns (problems, certificate-only findings, a few figures) for one listener."""
    by_id = {finding["id"]: finding for finding in findings}
    problems, certificate = [], []
    by_name = OLD_PROTOCOLS + WEAK_CIPHER_CATEGORIES  # judged by their finding, below
    for name in by_name:
        finding = by_id.get(name)
        if finding is None:
            problems.append(f"{name}: not tested")
        elif not finding["finding"].startswith("not offered"):
            problems.append(f"{name}: {finding['finding']}")
    for finding in findings:
        if finding["severity"] not in COUNTED_SEVERITIES or finding["id"] in by_name:
            continue
        line = f"{finding['id']} [{finding['severity']}]: {finding['finding']}"
        if finding["id"] in CERTIFICATE_ONLY:
            certificate.append(line)
        else:
            problems.append(line)
    offered = [name for name in ("TLS1_2", "TLS1_3")
               if by_id.get(name, {}).get("finding", "").startswith("offered")]
    figures = {"findings": len(findings), "protocols offered": " ".join(offered) or "none",
               "severity LOW+": sum(f["severity"] in COUNTED_SEVERITIES for f in findings)}
    suites = [f["finding"].split()[1] for f in findings if f["id"].startswith("cipher_x")]
    if suites:
        figures["suites offered"] = " ".join(suites)
    return problems, certificate, figures


def starttls_injection(port, certificate):
    """Sends STARTTLS and an EHLO in one packet. Returns a problem, or None if the EHLO sent
    in the clear got no reply after the handshake."""
    context = ssl.create_default_context(cafile=str(certificate))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        stream = sock.makefile("rb", buffering=0)
        read_reply(stream)  # 220 greeting
        sock.sendall(b"EHLO client.example.org\r\n")
        read_reply(stream)
        sock.sendall(b"STARTTLS\r\nEHLO injected.example.org\r\n")
        answer = read_reply(stream)
        if not answer.startswith(b"220"):
            return f"STARTTLS answered {answer[:40]!r}"
        with context.wrap_socket(sock, server_hostname="mx.example.test") as tls:
            tls.settimeout(1.5)
            try:
                early = tls.recv(4096)
            except (socket.timeout, TimeoutError):
                early = b""
            if early:
                return f"a reply to the injected EHLO came after the handshake: {early[:60]!r}"
            tls.settimeout(10)
            tls.sendall(b"EHLO client.example.org\r\n")
            time.sleep(0.3)
            reply = tls.recv(65536)
            if not reply.startswith(b"250"):
                return f"EHLO after the handshake answered {reply[:60]!r}"
    return None


def read_reply(stream):
    """One whole (multi-line) reply, read without reading ahead."""
    reply = line = stream.readline()
    while line[3:4] == b"-":
        line = stream.readline()
        reply += line
    return reply


def check_listener(label, target, starttls, quick, workdir):
    started = time.monotonic()
    findings = run_testssl(target, starttls, quick, workdir / f"{label}.json",
                           timeout=900)
    problems, certificate, figures = judge(findings)
    figures["seconds"] = round(time.monotonic() - started)
    say(f"  {label} ({target}):")
    for key, value in figures.items():
        say(f"    {key:20} {value}")
    for line in certificate:
        say(f"    test certificate only: {line}")
    for problem in problems:
        say(f"    problem: {problem}")
    return problems


def run(workdir: Path, quick: bool):
    """Both listeners and the injection check; returns the list of problems."""
    certificate, key = make_certificate(workdir)
    args = ["--discard", "--tls-cert", str(certificate), "--tls-key", str(key),
            "--smtps", "127.0.0.1:0"]
    with EhloServer(args) as server:  # it waits for the implicit TLS listener too
        problems = check_listener("STARTTLS", f"127.0.0.1:{server.port}", True, quick,
                                  workdir)
        problems += check_listener("implicit TLS", f"127.0.0.1:{server.smtps_port}",
                                   False, quick, workdir)
        injection = starttls_injection(server.port, certificate)
    say(f"  STARTTLS injection (own check): {injection or 'no reply to the injected EHLO'}")
    return problems + ([injection] if injection else [])


def main(argv):
    parser = argparse.ArgumentParser(prog="tools/hardening testssl",
                                     description="testssl.sh on both TLS listeners.")
    parser.add_argument("--quick", action="store_true",
                        help="protocols and cipher categories only (-p -s), and the injection")
    arguments = parser.parse_args(argv)
    if shutil.which(TESTSSL) is None:
        say("testssl: SKIP (no testssl; tools/setup installs the testssl.sh package)")
        return SKIPPED
    say(f"testssl: {'protocols and cipher categories' if arguments.quick else 'default run'} "
        "on the STARTTLS and the implicit TLS listener")
    try:
        with ScratchFolder("ehlo-testssl-") as workdir:
            problems = run(workdir, arguments.quick)
    except KitError as error:
        say(f"testssl: FAIL ({error})")
        return FAILED
    return verdict("testssl", not problems, f"{len(problems)} problems")
