"""A real MTA as the client: Postfix and Exim, started on the loopback by the test kit's peers
with relay_to=, relay mail for relay.test to ehlo-server, which runs with a test certificate,
--require-tls and --trace. A message injected into the MTA by SMTP must arrive in ehlo-server's
Maildir byte for byte, and the MTA's session must have used STARTTLS and PIPELINING, and
CHUNKING where that MTA's client has it.

What each side can show:
- ehlo-server's --trace shows the MTA's dialogue line by line: EHLO, STARTTLS, the handshake,
  the second EHLO and what it announced, MAIL, RCPT, DATA (or BDAT). It records commands, not
  reads, so it cannot show whether MAIL, RCPT and DATA came in one batch: pipelining is read
  from the MTA's own log (Postfix's dialogue log, where MAIL, RCPT and DATA are all written
  before the first reply is read; Exim's delivery line, whose "L" field says it pipelined).
- The Received: header ehlo-server writes says "with ESMTPS" for a session under TLS.
- CHUNKING: ehlo-server announces it; Exim's client then sends the message with BDAT.
  Postfix 3.7 has BDAT in its server only, its client always sends DATA. The test reads the
  EHLO reply the MTA got after STARTTLS and expects BDAT from a client that has it when
  CHUNKING was announced there, DATA else.
Postfix and Exim need root (they are skipped without it) and Exim needs tools/setup.
"""

import os
import re
import time
import uuid

import pytest

# The MTAs whose SMTP client sends BDAT when the server announces CHUNKING (RFC 3030 §2).
CLIENTS_WITH_BDAT = {"exim"}

from ehlokit import peers
from ehlokit.maildir import DELIVERED

RELAY_DOMAIN = "relay.test"
SENDER = "alice@example.org"
RECIPIENT = "someone@" + RELAY_DOMAIN
ARRIVAL_TIMEOUT = 30.0
# "[3] C: MAIL FROM:<...>     RFC 5321 §4.1.1.2", "[3] -- TLS handshake done: ...":
# the connection, the direction (C, S, or -- for a note) and the text without the citation.
TRACE_LINE = re.compile(r"\[(\d+)\] (C|S|--):? (.*?)(?:\s{2,}RFC [^\n]*)?$")
# What the MTA may add above the message it was given: its own Received: header(s).
ADDED_HEADERS = re.compile(rb"(?:Received: [^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*)+")

# A body that a careless relay would change: a line with a leading dot (dot-stuffing at both
# hops), trailing white space, a long line and an empty last line.
BODY = ("Hello from a real MTA.\r\n"
        ".a line that starts with a dot\r\n"
        "..and one with two\r\n"
        "trailing spaces   \r\n"
        + "x" * 900 + "\r\n"
        "\r\n")


def message(message_id):
    return ("From: Alice <alice@example.org>\r\n"
            f"To: <{RECIPIENT}>\r\n"
            "Subject: relayed over TLS\r\n"
            "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
            f"Message-ID: <{message_id}@example.org>\r\n"
            "\r\n" + BODY).encode()


@pytest.fixture
def relay_server(start_server, peer_certificate):
    """ehlo-server for relay.test that accepts mail only under TLS, with --trace."""
    cert, key = peer_certificate
    return start_server("--domain", RELAY_DOMAIN, "--tls-cert", str(cert),
                        "--tls-key", str(key), "--require-tls", "--trace")


@pytest.fixture(params=["postfix", "exim"])
def relay_mta(request, relay_server):
    """Postfix or Exim, relaying relay.test to relay_server over STARTTLS."""
    kind = peers.PEERS[request.param]
    if kind.needs_root and os.geteuid() != 0:
        pytest.skip(f"{request.param}: needs root to start")
    mta = kind(relay_to=("127.0.0.1", relay_server.port, RELAY_DOMAIN))
    try:
        mta.start()
    except peers.PeerError as error:
        pytest.fail(str(error), pytrace=False)
    yield mta
    print(mta.log())  # pytest shows it when the test failed
    mta.stop()


def wait_arrival(server, mta):
    """The file of the one message ehlo-server stored, polled for up to ARRIVAL_TIMEOUT."""
    deadline = time.monotonic() + ARRIVAL_TIMEOUT
    while time.monotonic() < deadline:
        files = sorted(server.maildir.glob("*/*/new/*"))
        if files:
            return files
        time.sleep(0.2)
    pytest.fail(f"nothing arrived in {ARRIVAL_TIMEOUT:.0f} s\n{server.output()}\n{mta.log()}")


def session_lines(server, marker):
    """The trace lines (direction, text) of the one connection whose client sent a command
    that starts with `marker`."""
    parsed = [m.groups() for line in list(server.stdout_lines)
              if (m := TRACE_LINE.match(line))]
    ids = {conn for conn, direction, text in parsed
           if direction == "C" and text.startswith(marker)}
    assert len(ids) == 1, f"no single session with {marker!r}:\n{server.output()}"
    return [(direction, text) for conn, direction, text in parsed if conn in ids]


def index_of(lines, direction, prefix, start=0):
    for number in range(start, len(lines)):
        if lines[number][0] == direction and lines[number][1].upper().startswith(
                prefix.upper()):
            return number
    raise AssertionError(f"no {direction}: {prefix} after line {start} in {lines}")


def ehlo_keywords(lines, ehlo_at):
    """The keywords of the 250 reply that answers the EHLO at line `ehlo_at`."""
    keywords = set()
    for direction, text in lines[ehlo_at + 1:]:
        if direction != "S":
            break
        if text[:4] in ("250-", "250 "):
            keywords.add(text[4:].split()[0].upper() if text[4:].split() else "")
        if text.startswith("250 "):
            break
    return keywords


def test_mta_relays_over_starttls_byte_intact(relay_server, relay_mta):
    data = message(uuid.uuid4().hex)
    relay_mta.submit(SENDER, RECIPIENT, data)
    files = wait_arrival(relay_server, relay_mta)
    assert len(files) == 1, files
    assert files[0].parent.parent.name == "someone", files[0]
    stored = DELIVERED.fullmatch(files[0].read_bytes())
    assert stored, files[0].read_bytes()[:600]
    assert stored["sender"] == SENDER.encode()
    assert b" with ESMTPS " in stored["received"], stored["received"]
    # Byte-intact: the MTA only adds its own Received: above; what it was given follows.
    assert stored["data"].endswith(data), f"the message changed on the way:\n{stored['data']!r}"
    assert ADDED_HEADERS.fullmatch(stored["data"][:-len(data)]), stored["data"][:-len(data)]


def test_mta_session_used_starttls_then_pipelining(relay_server, relay_mta):
    relay_mta.submit(SENDER, RECIPIENT, message(uuid.uuid4().hex))
    wait_arrival(relay_server, relay_mta)
    lines = session_lines(relay_server, f"MAIL FROM:<{SENDER}>")
    first_ehlo = index_of(lines, "C", "EHLO ")
    assert "STARTTLS" in ehlo_keywords(lines, first_ehlo)
    starttls = index_of(lines, "C", "STARTTLS", first_ehlo)
    assert lines[starttls + 1][1].startswith("220"), lines[starttls + 1]
    handshake = index_of(lines, "--", "TLS HANDSHAKE DONE", starttls)
    second_ehlo = index_of(lines, "C", "EHLO ", handshake)
    offered = ehlo_keywords(lines, second_ehlo)
    assert "PIPELINING" in offered and "STARTTLS" not in offered, offered
    mail = index_of(lines, "C", "MAIL FROM:", second_ehlo)
    index_of(lines, "C", f"RCPT TO:<{RECIPIENT}>", mail)
    commands = [text.split()[0].upper() for direction, text in lines[mail:]
                if direction == "C" and text]
    if "CHUNKING" in offered and relay_mta.name in CLIENTS_WITH_BDAT:
        assert "BDAT" in commands and "DATA" not in commands, commands
    else:
        assert "DATA" in commands and "BDAT" not in commands, commands
    assert_pipelined(relay_mta)


def logged(mta, text, timeout=10.0):
    """The MTA's whole log, once it holds `text` (MTAs log a delivery after the fact)."""
    deadline = time.monotonic() + timeout
    while text not in (log := mta.log(limit=None)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return log


def assert_pipelined(mta):
    """The MTA's own log says it sent MAIL, RCPT and DATA before it read the first reply."""
    if mta.name == "postfix":
        assert_postfix_pipelined(logged(mta, "status=sent"))
    else:
        assert_exim_pipelined(logged(mta, " => "))


def assert_exim_pipelined(log):
    """Exim's delivery line ("=> someone@relay.test ... X=TLS1.3:... L C=...") names the TLS
    session (X=) and says L (L* for early pipelining) when it pipelined."""
    deliveries = [line for line in log.splitlines() if " => " in line]
    assert deliveries, log
    fields = deliveries[-1].split()
    assert any(field.startswith("X=TLS") for field in fields), deliveries[-1]
    assert "L" in fields or "L*" in fields, f"no L (pipelining) in {deliveries[-1]}"


def assert_postfix_pipelined(log):
    """In Postfix's dialogue log ("> host: command", "< host: reply"), the lines after the
    second EHLO's reply: MAIL, RCPT and DATA go out before the first reply comes back."""
    dialogue = re.findall(r"smtp\[\d+\]: ([<>]) [^:]+:\d+: (\S+)", log)
    assert dialogue, f"no dialogue in Postfix's log:\n{log}"
    steps = [(way, word.upper()) for way, word in dialogue]
    mail = max(n for n, step in enumerate(steps) if step == (">", "MAIL"))
    sent_first = []
    for way, word in steps[mail:]:
        if way == "<":
            break
        sent_first.append(word)
    assert sent_first[:3] == ["MAIL", "RCPT", "DATA"], (sent_first, steps)
    assert "TLS connection established to" in log, log
