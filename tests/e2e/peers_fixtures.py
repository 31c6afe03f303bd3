"""Fixtures for the end-to-end tests: third-party SMTP servers (Postfix, smtp-sink, Exim,
OpenSMTPD, aiosmtpd, Exim with AUTH, Twisted, Dovecot's submission service) started on free
loopback ports by the test kit's peers (tools/ehlokit/peers.py).

Each `<name>_peer` fixture starts its peer once per session and stops it at the end; `peer` is
the same, parametrised over all eight (tests that use it run once per peer). Peers that can
offer STARTTLS do so with the certificate of `peer_certificate` (CN mx.example.test, SAN
127.0.0.1). Postfix, Exim, OpenSMTPD and Dovecot need root and tools/setup (skipped without
root).
conftest.py imports these fixtures.
"""

import os
import tempfile
from pathlib import Path

import pytest

from ehlokit import peers
from ehlokit.certificates import make_certificate

PEER_NAMES = ["postfix", "smtp-sink", "exim", "opensmtpd", "aiosmtpd", "exim-auth", "twisted",
              "dovecot"]


@pytest.fixture(scope="session")
def peer_certificate():
    """(cert, key): a self-signed certificate for mx.example.test and 127.0.0.1."""
    with tempfile.TemporaryDirectory(prefix="ehlo-peer-cert-") as folder:
        Path(folder).chmod(0o755)
        yield make_certificate(folder)


def start_peer(name, certificate):
    """Starts one peer (with STARTTLS when it can) or skips/fails with the reason."""
    kind = peers.PEERS[name]
    if kind.needs_root and os.geteuid() != 0:
        pytest.skip(f"{name}: needs root to start")
    tls = {}
    if kind.supports_tls:
        tls = {"tls_cert": certificate[0], "tls_key": certificate[1]}
    try:
        return kind(**tls).start()
    except peers.PeerError as error:
        pytest.fail(str(error), pytrace=False)


def _peer_fixture(name):
    @pytest.fixture(scope="session", name=name.replace("-", "_") + "_peer")
    def fixture(peer_certificate):
        running = start_peer(name, peer_certificate)
        yield running
        running.stop()
    return fixture


postfix_peer = _peer_fixture("postfix")
smtp_sink_peer = _peer_fixture("smtp-sink")
exim_peer = _peer_fixture("exim")
opensmtpd_peer = _peer_fixture("opensmtpd")
aiosmtpd_peer = _peer_fixture("aiosmtpd")
exim_auth_peer = _peer_fixture("exim-auth")
twisted_peer = _peer_fixture("twisted")
dovecot_peer = _peer_fixture("dovecot")


@pytest.fixture(scope="session", params=PEER_NAMES)
def peer(request):
    """Each peer in turn (the same instance as its `<name>_peer` fixture)."""
    return request.getfixturevalue(request.param.replace("-", "_") + "_peer")
