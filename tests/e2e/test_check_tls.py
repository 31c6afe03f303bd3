"""ehlo-check and TLS: discovery of the keywords after STARTTLS (RFC 3207 §4.2), --starttls
(every connection upgraded before the scenario, `requires` judged after the upgrade),
certificate checking (verified by default, --ca-file, --insecure), and a server that sends
bytes between its 220 to STARTTLS and the handshake. The target is a small scripted STARTTLS
server with a self-signed certificate made for the test.
"""

import socket
import ssl

import pytest

from check_support import GREETING_AND_QUIT, run_check, suite, verdict_of
from ehlokit.certificates import make_certificate
from ehlokit.scripted import ScriptedServer

AFTER_TLS = """title: after the upgrade, AUTH and no second STARTTLS
refs: 3207#4.2
requirements: 3207-4.2-g
level: MUST
requires: AUTH

S: 220 *
C: EHLO {client}
S: 250 +AUTH -STARTTLS
C: QUIT
S: 221
"""

OWN_STARTTLS = """title: STARTTLS, then EHLO again
refs: 3207#4
requirements: 3207-4.2-a
level: MUST
requires: STARTTLS

S: 220 *
C: EHLO {client}
S: 250 +STARTTLS
C: STARTTLS
S: 220
starttls
C: EHLO {client}
S: 250 -STARTTLS
C: QUIT
S: 221
"""


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """(cert, key): self-signed, for mx.example.test and 127.0.0.1."""
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def named_certificate(tmp_path_factory):
    """(cert, key): self-signed, naming mx.example.test only, not 127.0.0.1."""
    return make_certificate(tmp_path_factory.mktemp("named"), ip=False)


def starttls_server(cert, key, extra=b"", implicit=False, names=None):
    """A scripted server offering STARTTLS, then AUTH PLAIN inside TLS. `extra` is sent right
    after the 220 to STARTTLS, before the handshake (a fault, RFC 3207 §4.2). With `implicit`
    TLS starts at once (RFC 8314 §3). `names`, a list, collects the SNI of each handshake."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if names is not None:
        context.sni_callback = lambda sock, name, ctx: names.append(name)

    def behave(conn, stop):
        conn.settimeout(10)
        if implicit:
            conn = context.wrap_socket(conn, server_side=True)
        conn.sendall(b"220 mx.example.test ESMTP\r\n")
        reader, secure = conn.makefile("rb"), implicit
        while line := reader.readline():
            verb = line.strip().upper()
            if verb.startswith(b"EHLO"):
                offer = b"250 AUTH PLAIN\r\n" if secure else b"250 STARTTLS\r\n"
                conn.sendall(b"250-mx.example.test\r\n250-PIPELINING\r\n" + offer)
            elif verb == b"STARTTLS" and not secure:
                conn.sendall(b"220 go ahead\r\n" + extra)
                conn = context.wrap_socket(conn, server_side=True)
                reader, secure = conn.makefile("rb"), True
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"500 unknown\r\n")

    return ScriptedServer(behave)


@pytest.fixture
def tls_target(certificate):
    server = starttls_server(*certificate)
    yield f"127.0.0.1:{server.port}"
    server.close()


def test_discovery_reads_the_keywords_after_starttls(tmp_path, tls_target):
    result = run_check(tls_target, "--insecure", "--scenarios",
                       suite(tmp_path, greeting=GREETING_AND_QUIT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "after STARTTLS (TLS" in result.stdout
    assert "AUTH" in result.stdout


def test_without_starttls_requires_is_judged_before_the_upgrade(tmp_path, tls_target):
    result = run_check(tls_target, "--insecure", "--scenarios",
                       suite(tmp_path, auth=AFTER_TLS))
    assert verdict_of(result.stdout, "mine/auth") == "SKIP"
    assert "requires AUTH, not advertised" in result.stdout


def test_starttls_upgrades_each_connection_first(tmp_path, tls_target):
    result = run_check(tls_target, "--starttls", "--insecure", "--scenarios",
                       suite(tmp_path, auth=AFTER_TLS, greeting=GREETING_AND_QUIT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdict_of(result.stdout, "mine/auth") == "PASS"
    assert verdict_of(result.stdout, "mine/greeting") == "PASS"


def test_a_scenario_doing_its_own_starttls(tmp_path, tls_target):
    result = run_check(tls_target, "--insecure", "--scenarios",
                       suite(tmp_path, own=OWN_STARTTLS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdict_of(result.stdout, "mine/own") == "PASS"


def test_an_unknown_certificate_stops_starttls_with_the_fix(tmp_path, tls_target):
    result = run_check(tls_target, "--starttls", "--scenarios",
                       suite(tmp_path, greeting=GREETING_AND_QUIT))
    assert result.returncode == 2
    assert "certificate verify failed" in result.stderr
    assert "--ca-file" in result.stderr


def test_starttls_scenarios_without_a_trusted_certificate_say_why(tmp_path, tls_target):
    # Without --starttls, a scenario doing its own STARTTLS still needs the certificate
    # verified: the ERROR, the discovery message and the summary name the fix.
    result = run_check(tls_target, "--scenarios", suite(tmp_path, own=OWN_STARTTLS))
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdict_of(result.stdout, "mine/own") == "ERROR"
    fix = "give --ca-file FILE with the CA that signed it, or --insecure"
    error_line = next(line for line in result.stdout.splitlines() if line.startswith("ERROR"))
    assert "certificate verify failed" in error_line and fix in error_line
    assert "discovery: STARTTLS:" in result.stderr and fix in result.stderr
    assert f"1 ERROR: the runner does not trust the certificate: {fix}" in result.stdout


def test_a_ca_file_that_does_not_verify_is_not_told_to_give_a_ca_file(tmp_path, tls_target,
                                                                      named_certificate):
    result = run_check(tls_target, "--starttls", "--ca-file", named_certificate[0],
                       "--scenarios", suite(tmp_path, greeting=GREETING_AND_QUIT))
    assert result.returncode == 2
    assert "does not verify against the CAs of --ca-file" in result.stderr
    assert "--tls-name" in result.stderr
    assert "give --ca-file" not in result.stderr


def test_tls_name_for_a_target_given_by_address(tmp_path, named_certificate):
    names = []
    server = starttls_server(*named_certificate, names=names)
    target = f"127.0.0.1:{server.port}"
    scenarios = suite(tmp_path, greeting=GREETING_AND_QUIT, own=OWN_STARTTLS)
    try:
        without = run_check(target, "--starttls", "--ca-file", named_certificate[0],
                            "--scenarios", scenarios)
        with_name = run_check(target, "--starttls", "--ca-file", named_certificate[0],
                              "--tls-name", "mx.example.test", "--scenarios", scenarios)
    finally:
        server.close()
    assert without.returncode == 2
    assert "does not name 127.0.0.1: give --tls-name NAME" in without.stderr
    assert with_name.returncode == 0, with_name.stdout + with_name.stderr
    assert verdict_of(with_name.stdout, "mine/own") == "PASS"
    # Without the option no SNI (an address is never sent as SNI, RFC 6066 §3; the run stopped
    # after discovery); with it, the name on every handshake: discovery, the upgrade before the
    # greeting scenario, and the scenario's own STARTTLS.
    assert names == [None] + ["mx.example.test"] * 3


def test_ca_file_trusts_the_certificate(tmp_path, tls_target, certificate):
    result = run_check(tls_target, "--starttls", "--ca-file", certificate[0], "--scenarios",
                       suite(tmp_path, greeting=GREETING_AND_QUIT))
    assert result.returncode == 0, result.stdout + result.stderr


def test_bytes_before_the_handshake_are_reported(tmp_path, certificate):
    server = starttls_server(*certificate, extra=b"250 injected\r\n")
    try:
        result = run_check(f"127.0.0.1:{server.port}", "--insecure", "--timeout", "5",
                           "--scenarios", suite(tmp_path, own=OWN_STARTTLS))
    finally:
        server.close()
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdict_of(result.stdout, "mine/own") == "ERROR"
    assert "bytes after its 220 to STARTTLS, before the TLS handshake" in result.stdout


IMPLICIT = """title: implicit TLS, then the greeting
refs: 8314#3
requirements: 8314-3-a
level: MUST
requires: -

tls
S: 220 *
C: QUIT
S: 221
"""


def test_implicit_tls_target(tmp_path, certificate):
    server = starttls_server(*certificate, implicit=True)
    try:
        result = run_check(f"127.0.0.1:{server.port}", "--tls", "--ca-file", certificate[0],
                           "--scenarios", suite(tmp_path, implicit=IMPLICIT,
                                                greeting=GREETING_AND_QUIT, auth=AFTER_TLS))
    finally:
        server.close()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TLS: TLSv1." in result.stdout
    for scenario in ("implicit", "greeting", "auth"):
        assert verdict_of(result.stdout, f"mine/{scenario}") == "PASS"


def test_implicit_tls_with_an_unknown_certificate_exits_2(tmp_path, certificate):
    server = starttls_server(*certificate, implicit=True)
    try:
        result = run_check(f"127.0.0.1:{server.port}", "--tls", "--scenarios",
                           suite(tmp_path, greeting=GREETING_AND_QUIT))
    finally:
        server.close()
    assert result.returncode == 2
    assert "certificate verify failed" in result.stderr
    assert "--ca-file" in result.stderr


def test_implicit_tls_scenarios_need_tls(tmp_path):
    result = run_check("--scenarios", suite(tmp_path, implicit=IMPLICIT))
    assert result.returncode == 0
    assert verdict_of(result.stdout, "mine/implicit") == "SKIP"
    assert "uses implicit TLS; check a TLS port with --tls" in result.stdout


def test_tls_to_a_plain_port_ends_in_a_clear_error(tmp_path):
    plain = ScriptedServer(lambda conn, stop: conn.sendall(b"220 plain\r\n") or stop.wait(5))
    try:
        result = run_check(f"127.0.0.1:{plain.port}", "--tls", "--insecure", "--timeout", "3",
                           "--scenarios", suite(tmp_path, greeting=GREETING_AND_QUIT))
    finally:
        plain.close()
    assert result.returncode == 2
    assert "TLS handshake" in result.stderr


def test_the_scripted_server_really_speaks_tls(certificate, tls_target):
    """A check of the test's own server with Python's TLS client."""
    host, port = tls_target.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        reader = conn.makefile("rb")
        assert reader.readline().startswith(b"220")
        conn.sendall(b"STARTTLS\r\n")
        assert reader.readline().startswith(b"220")
        context = ssl.create_default_context(cafile=str(certificate[0]))
        with context.wrap_socket(conn, server_hostname="mx.example.test") as secure:
            secure.sendall(b"QUIT\r\n")
            assert secure.recv(100).startswith(b"221")
