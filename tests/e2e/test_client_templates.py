"""The real clients of the test kit's table (tools/ehlokit/clients.py) against the real
ehlo-server, by their own command templates, filled and run the way `ehlo-check --exec` runs
them: every placeholder shell-quoted, the command through /bin/sh -c. The certificate is
signed by a test CA, and {ca-file} is that CA; the paths hold a space and the password a
space, both quotes and a "$", so a template that quotes badly fails.

For every client and every ask it can do, the client must exit 0 and the message must be in
the recipient's Maildir from the sender, its body intact (lines that start with ".", one
that holds only "."; RFC 5321 §4.5.2), and the whole message intact, unless the table says
what the client alters. The envelope differs from the From: and To: of the message, so a
client that takes either from the header is caught (or must say so in the table).

The starttls ask must fail when the server offers no STARTTLS (RFC 3207 §4: the client
requires it), the TLS asks when the certificate is signed by another CA, and the starttls ask
when it is for another name (unless the table says the client does not check names). The
plain ask must deliver when STARTTLS is offered too. Postfix and Exim, as relays, pass a
message on to ehlo-server. A client whose program is missing is skipped.
"""

import os
import re
import time
from types import SimpleNamespace

import pytest

from ehlokit import clients, maildir
from ehlokit.certificates import make_signed_certificate
from ehlokit.clients import (ADDS_EMPTY_LAST_LINE, ASKS, CLIENTS, HEADER_RECIPIENTS,
                             PLACEHOLDERS, REWRITES_HEADERS, SENDER_FROM_HEADER, fill,
                             run_command)
from ehlokit.programs import KitError
from ehlokit.server import EhloServer, users_line

SENDER = "bounces@example.org"
RECIPIENT = "bob@example.test"
HEADER_FROM, HEADER_TO = "alice@example.org", "team@example.test"
USER = "carol"
PASSWORD = "pa ss'wo\"rd$HOME"
HEADER = (b"From: Alice <alice@example.org>\r\n"
          b"To: Team <team@example.test>\r\n"
          b"Subject: client templates\r\n"
          b"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
          b"Message-ID: <templates@example.org>\r\n")
BODY = (b".one leading dot\r\n"
        b".\r\n"
        b"..two leading dots\r\n"
        b"a line with a . inside\r\n"
        b"\r\n"
        b"last line\r\n")
MESSAGE = HEADER + b"\r\n" + BODY
KEPT_HEADERS = (b"Subject: client templates\r\n", b"Message-ID: <templates@example.org>\r\n")
ARRIVAL_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0

SUPPORTED = [(name, ask) for name, client in CLIENTS.items() for ask in ASKS
             if client.templates[ask] is not None]
WITH = {ask: [name for name, client in CLIENTS.items() if client.templates[ask] is not None]
        for ask in ASKS}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """The test CA and its certificate for mx.example.test and 127.0.0.1; a certificate from
    another CA; one from the test CA for another name only."""
    root = tmp_path_factory.mktemp("certificates")
    folders = {name: root / name for name in ("test ca", "other ca", "other name")}
    for folder in folders.values():
        folder.mkdir()
    ca, cert, key = make_signed_certificate(folders["test ca"])
    _, other_cert, other_key = make_signed_certificate(folders["other ca"])
    _, name_cert, name_key = make_signed_certificate(
        folders["other name"], name="other.example.test", ip=False,
        ca=(ca, folders["test ca"] / "ca-key.pem"))
    return SimpleNamespace(ca=ca, good=(cert, key), other_ca=(other_cert, other_key),
                           other_name=(name_cert, name_key))


def usable(name):
    """The client, or a skip when its program is missing."""
    client = CLIENTS[name]
    missing = client.missing()
    if missing:
        pytest.skip(f"{name}: {missing} is not there (tools/setup installs it)")
    return client


@pytest.fixture
def start_any_server(tmp_path):
    """start_server without its check that each server exits 0 on SIGTERM, for clients that
    are meant to break off mid-session: these tests are about the client."""
    servers = []

    def start(*args):
        workdir = tmp_path / f"any-server{len(servers)}"
        workdir.mkdir()
        server = EhloServer(["--maildir", workdir / "maildir", *args],
                            stderr_path=workdir / "stderr.txt")
        servers.append(server)
        try:
            return server.start()
        except KitError as error:
            pytest.fail(str(error), pytrace=False)

    yield start
    for server in servers:
        server.stop(timeout=STOP_TIMEOUT)


def start(launch, tmp_path, ask, certificate=None):
    """ehlo-server for `ask`, started by `launch` (a fixture's start function): with
    `certificate` (cert, key) STARTTLS and the implicit TLS port, and for auth the users
    file; returns (server, the port the client must use)."""
    args = []
    if certificate:
        args += ["--tls-cert", certificate[0], "--tls-key", certificate[1],
                 "--smtps", "127.0.0.1:0"]
    if ask == "auth":
        users = tmp_path / "users"
        users.write_text(users_line(USER, PASSWORD, cram=True) + "\n")
        args += ["--users", users]
    server = launch(*args)
    return server, server.smtps_port if ask == "tls" else server.port


def run(client, ask, port, tmp_path, ca):
    """The client's template for `ask`, filled and run; returns the CompletedProcess."""
    folder = tmp_path / "client files"
    folder.mkdir(exist_ok=True)
    message = folder / "message.eml"
    message.write_bytes(MESSAGE)
    home = tmp_path / "home"  # where a mail user agent may keep anything
    home.mkdir(exist_ok=True)
    command = fill(client.command(ask), {
        "host": "127.0.0.1", "port": port, "from": SENDER, "rcpt": RECIPIENT,
        "message": message, "user": USER, "password": PASSWORD, "ca-file": ca})
    result = run_command(command, env={**os.environ, "HOME": str(home)}, cwd=folder)
    result.command = command
    return result


def said(result):
    return (f"{result.command}\nexit {result.returncode}\n--- stdout\n"
            f"{result.stdout.decode(errors='replace')[-3000:]}\n--- stderr\n"
            f"{result.stderr.decode(errors='replace')[-3000:]}")


def assert_message_intact(client, root):
    """One message for RECIPIENT from SENDER, and none for anyone else, with MESSAGE as the
    client may alter it (client.alters)."""
    files = maildir.messages(root, RECIPIENT)
    assert len(files) == 1, f"{len(files)} messages: {maildir.all_messages(root)}"
    also = 1 if HEADER_RECIPIENTS in client.alters else 0
    assert len(maildir.messages(root, HEADER_TO)) == also, maildir.all_messages(root)
    assert len(maildir.all_messages(root)) == 1 + also, maildir.all_messages(root)
    stored = maildir.DELIVERED.fullmatch(files[0])
    assert stored, files[0][:400]
    sender = HEADER_FROM if SENDER_FROM_HEADER in client.alters else SENDER
    assert stored["sender"] == sender.encode()
    data = stored["data"]
    expected_body = BODY + (b"\r\n" if ADDS_EMPTY_LAST_LINE in client.alters else b"")
    if REWRITES_HEADERS not in client.alters:
        assert data == HEADER + b"\r\n" + expected_body, f"the message changed:\n{data!r}"
        return
    header, separator, body = data.partition(b"\r\n\r\n")
    assert separator and body == expected_body, f"the body changed:\n{data!r}"
    for line in KEPT_HEADERS:
        assert line in header + b"\r\n", f"{line!r} lost:\n{header!r}"


def assert_nothing_delivered(root):
    assert maildir.all_messages(root) == []


@pytest.mark.parametrize("name,ask", SUPPORTED, ids=[f"{n}-{a}" for n, a in SUPPORTED])
def test_template_delivers(name, ask, start_server, certificates, tmp_path):
    client = usable(name)
    server, port = start(start_server, tmp_path, ask,
                         None if ask == "plain" else certificates.good)
    result = run(client, ask, port, tmp_path, certificates.ca)
    assert result.returncode == 0, said(result)
    assert_message_intact(client, server.maildir)


@pytest.mark.parametrize("name", WITH["plain"])
def test_plain_template_delivers_when_starttls_is_offered(name, start_server, certificates,
                                                         tmp_path):
    """The plain ask stays plain (or at least delivers) when STARTTLS is on offer with a
    certificate the client was not told to trust."""
    client = usable(name)
    server, port = start(start_server, tmp_path, "plain", certificates.other_ca)
    result = run(client, "plain", port, tmp_path, certificates.ca)
    assert result.returncode == 0, said(result)
    assert_message_intact(client, server.maildir)


@pytest.mark.parametrize("name", WITH["starttls"])
def test_starttls_template_requires_starttls(name, start_any_server, certificates, tmp_path):
    """No certificate, so no STARTTLS: the client must give up, not send in plain text."""
    client = usable(name)
    server, port = start(start_any_server, tmp_path, "starttls")
    result = run(client, "starttls", port, tmp_path, certificates.ca)
    assert result.returncode != 0, said(result)
    assert_nothing_delivered(server.maildir)


TLS_ASKS = [(name, ask) for name, ask in SUPPORTED if ask in ("starttls", "tls")]


@pytest.mark.parametrize("name,ask", TLS_ASKS, ids=[f"{n}-{a}" for n, a in TLS_ASKS])
def test_tls_template_refuses_a_certificate_of_another_ca(name, ask, start_any_server,
                                                          certificates, tmp_path):
    client = usable(name)
    server, port = start(start_any_server, tmp_path, ask, certificates.other_ca)
    result = run(client, ask, port, tmp_path, certificates.ca)
    assert result.returncode != 0, said(result)
    assert_nothing_delivered(server.maildir)


@pytest.mark.parametrize("name", WITH["starttls"])
def test_starttls_template_checks_the_host_name(name, start_any_server, certificates,
                                                tmp_path):
    """A certificate from the right CA for another name: refused by a client that checks the
    name, taken by one the table says does not (client.checks_host_name)."""
    client = usable(name)
    server, port = start(start_any_server, tmp_path, "starttls", certificates.other_name)
    result = run(client, "starttls", port, tmp_path, certificates.ca)
    if client.checks_host_name:
        assert result.returncode != 0, said(result)
        assert_nothing_delivered(server.maildir)
    else:
        assert result.returncode == 0, said(result)
        assert_message_intact(client, server.maildir)


# -- the table itself

ANY_PLACEHOLDER = re.compile(r"\{[a-z-]+\}")
NEEDED = {"plain": {"host", "port", "from", "rcpt", "message"}}
NEEDED["tls"] = NEEDED["starttls"] = NEEDED["plain"] | {"ca-file"}
NEEDED["auth"] = NEEDED["starttls"] | {"user", "password"}


def quoted_offsets(command):
    """The offsets of `command` that /bin/sh reads inside single or double quotes."""
    inside, quote, escaped = set(), None, False
    for offset, char in enumerate(command):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote and char == quote:
            quote = None
        elif not quote and char in "'\"":
            quote = char
        elif quote:
            inside.add(offset)
    return inside


@pytest.mark.parametrize("name,ask", SUPPORTED, ids=[f"{n}-{a}" for n, a in SUPPORTED])
def test_template_uses_the_placeholders_unquoted(name, ask):
    template = CLIENTS[name].templates[ask]
    used = {match.group()[1:-1] for match in ANY_PLACEHOLDER.finditer(template)}
    assert used <= set(PLACEHOLDERS), f"unknown placeholders {used - set(PLACEHOLDERS)}"
    assert NEEDED[ask] <= used, f"{ask} without {NEEDED[ask] - used}: {template}"
    inside = quoted_offsets(template)
    for match in ANY_PLACEHOLDER.finditer(template):
        assert match.start() not in inside, f"{match.group()} is quoted in: {template}"


def test_fill_quotes_every_value_and_wants_them_all():
    assert fill("x {password} {port}{ca-file}", {"password": "a b'c", "port": 25,
                                                 "ca-file": "/ca.pem"}) \
        == "x 'a b'\"'\"'c' 25/ca.pem"
    with pytest.raises(KitError):
        fill("x {user}", {})


# -- Postfix and Exim as relays

@pytest.mark.parametrize("name", clients.RELAYS)
def test_relay_passes_a_message_on(name, start_server, certificates, tmp_path):
    """The MTA relays every message from the loopback to ehlo-server (STARTTLS when offered);
    the message arrives with only the relay's Received: header added above it."""
    if os.geteuid() != 0:
        pytest.skip(f"{name}: needs root to start")
    server, port = start(start_server, tmp_path, "starttls", certificates.good)
    try:
        relay = clients.start_relay(name, port)
    except KitError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        relay.submit(SENDER, RECIPIENT, MESSAGE)
        files = wait_for_message(server.maildir)
        assert len(files) == 1, f"{files}\n{relay.log()}"
        stored = maildir.DELIVERED.fullmatch(files[0].read_bytes())
        assert stored and stored["sender"] == SENDER.encode(), files[0].read_bytes()[:400]
        assert b" with ESMTPS " in stored["received"], stored["received"]
        assert re.fullmatch(rb"(?:Received: [^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*)+",
                            stored["data"][:-len(MESSAGE)]), stored["data"]
        assert stored["data"].endswith(MESSAGE), f"the message changed:\n{stored['data']!r}"
    finally:
        print(relay.log())  # pytest shows it when the test failed
        relay.stop()


def wait_for_message(root):
    """The message files under `root`, polled until there is one (a relay delivers after its
    250), for up to ARRIVAL_TIMEOUT."""
    deadline = time.monotonic() + ARRIVAL_TIMEOUT
    while not maildir.all_messages(root) and time.monotonic() < deadline:
        time.sleep(0.2)
    return maildir.all_messages(root)
