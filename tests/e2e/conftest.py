"""Fixtures for the end-to-end tests: a real ehlo-server on a free loopback port, started by
the test kit (tools/ehlokit, put on the module path by pytest.ini).

CTest sets EHLO_BIN_DIR (the build directory holding ehlo-server) and EHLO_SOURCE_DIR.
Run by hand from the repository root: EHLO_BIN_DIR=build pytest-3 tests/e2e
Set EHLO_E2E_TRACE=1 to start the servers with --trace (shown when a test fails).
"""

import os

import pytest

from ehlokit.programs import DOMAIN, HOSTNAME, KitError, bin_dir, source_dir  # noqa: F401
from ehlokit.server import EhloServer

SOURCE_DIR = source_dir()
BIN_DIR = bin_dir()


@pytest.fixture
def start_server(tmp_path):
    """Starts ehlo-server with extra arguments, delivering into its own Maildir root
    (`server.maildir`); every server is stopped (SIGTERM) and must exit with 0 at teardown."""
    if not (BIN_DIR / "ehlo-server").is_file():
        pytest.fail(f"no ehlo-server in {BIN_DIR}: build it, or set EHLO_BIN_DIR")
    servers = []

    def start(*args):
        workdir = tmp_path / f"server{len(servers)}"
        workdir.mkdir(parents=True)
        trace = os.environ.get("EHLO_E2E_TRACE") == "1" and "--trace" not in args
        server = EhloServer(["--maildir", workdir / "maildir", *args,
                             *(["--trace"] if trace else [])],
                            stderr_path=workdir / "stderr.txt")
        try:
            server.start()
        except KitError as error:
            pytest.fail(str(error))
        servers.append(server)
        return server

    yield start
    for server in servers:
        code = server.stop()
        print(server.output())  # pytest shows it when the test failed
        assert code == 0, f"ehlo-server exited with {code}\n{server.output()}"


@pytest.fixture
def server(start_server):
    """An ehlo-server with the default limits."""
    return start_server()


# Third-party SMTP servers as peers (Postfix, smtp-sink, Exim, OpenSMTPD, aiosmtpd, Exim with
# AUTH, Twisted, Dovecot's submission service).
from peers_fixtures import (aiosmtpd_peer, dovecot_peer, exim_auth_peer,  # noqa: E402,F401
                            exim_peer, opensmtpd_peer, peer, peer_certificate, postfix_peer,
                            smtp_sink_peer, twisted_peer)
