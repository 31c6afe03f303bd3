"""testssl.sh's protocol and cipher-category checks (-p -s) against ehlo-server's STARTTLS
listener: nothing below TLS 1.2, no NULL, anonymous, export, LOW, 3DES/IDEA or CBC suite, no
finding of severity LOW or above; and the STARTTLS injection check (RFC 3207 §4.2). Skipped
when testssl.sh is not installed (tools/setup installs it). The implicit TLS listener shares
the same TLS settings; `tools/hardening testssl` runs testssl's full run on both listeners.
"""

import shutil

import pytest

from ehlokit.certificates import make_certificate
from ehlokit.hardening import testssl
from ehlokit.server import EhloServer


@pytest.fixture
def tls_server(tmp_path):
    certificate, key = make_certificate(tmp_path)
    with EhloServer(["--discard", "--tls-cert", certificate, "--tls-key", key]) as server:
        yield server, certificate


def test_judge_flags_an_old_protocol_and_a_weak_suite():
    findings = [{"id": name, "severity": "OK", "finding": "not offered"}
                for name in testssl.OLD_PROTOCOLS + testssl.WEAK_CIPHER_CATEGORIES]
    findings[2] = {"id": "TLS1", "severity": "LOW", "finding": "offered (deprecated)"}
    findings[-1] = {"id": "cipherlist_AVERAGE", "severity": "LOW", "finding": "offered"}
    findings.append({"id": "cert_chain_of_trust", "severity": "CRITICAL",
                     "finding": "failed (self signed)."})
    problems, certificate, _ = testssl.judge(findings)
    assert any(problem.startswith("TLS1:") for problem in problems), problems
    assert any(problem.startswith("cipherlist_AVERAGE:") for problem in problems), problems
    assert certificate == ["cert_chain_of_trust [CRITICAL]: failed (self signed)."]


@pytest.mark.skipif(shutil.which(testssl.TESTSSL) is None, reason="testssl.sh not installed")
def test_testssl_finds_no_old_protocol_and_no_weak_cipher(tls_server, tmp_path):
    server, _ = tls_server
    findings = testssl.run_testssl(f"127.0.0.1:{server.port}", True, True,
                                   tmp_path / "findings.json", timeout=240)
    problems, _, figures = testssl.judge(findings)
    print(figures)
    assert not problems, problems
    assert figures["protocols offered"] == "TLS1_2 TLS1_3"


def test_plaintext_after_starttls_is_discarded(tls_server):
    server, certificate = tls_server
    assert testssl.starttls_injection(server.port, certificate) is None
