"""The client mutants (ehlo-send-mutant, docs/mutants.md, Client mutants) on the wire: for each
mutant, ehlo-send and the mutant send the same message to the same kind of recording server
(ehlokit.recording), and the octets the server received differ the way the mutant's name says,
while ehlo-send keeps the rule. Every mutant that --list names has its test here; an unknown
name exits 2.
"""

import subprocess

import pytest

from conftest import BIN_DIR
from ehlokit.recording import RecordingServer
from send_support import run_send

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"
MESSAGE = "Subject: client mutants\r\n\r\nHello.\r\n.dot at the start\r\nBye.\r\n"
EIGHT_BIT = "Subject: client mutants\r\n\r\nCaf\u00e9 cr\u00e8me.\r\n"
UTF8_HEADER = "Subject: caf\u00e9\r\n\r\nHello.\r\n"


@pytest.fixture(scope="module", autouse=True)
def programs():
    for program in ("ehlo-send", "ehlo-send-mutant"):
        if not (BIN_DIR / program).is_file():
            pytest.fail(f"no {program} in {BIN_DIR}: build it, or set EHLO_BIN_DIR")


@pytest.fixture
def send_both(tmp_path):
    """send_both(mutant, *args, message=MESSAGE, to=(RECIPIENT,), **server): sends `message`
    with ehlo-send and with ehlo-send-mutant --mutant `mutant`, each to a RecordingServer(**server);
    returns (plain, broken): each the server's Session with the client's result as `.result`."""
    def send_both(mutant, *args, message=MESSAGE, to=(RECIPIENT,), **server):
        path = tmp_path / "message.eml"
        path.write_bytes(message.encode())
        recipients = [a for r in to for a in ("--to", r)]
        sessions = []
        for program, extra in (("ehlo-send", ()), ("ehlo-send-mutant", ("--mutant", mutant))):
            with RecordingServer(**server) as recorder:
                result = run_send(*extra, "--server", recorder.address(), "--from", SENDER,
                                  *recipients, "--timeout", "20", *args, path, program=program)
            session = recorder.session
            assert session is not None, f"{program} never connected: {result.stderr}"
            session.result = result
            sessions.append(session)
        return sessions
    return send_both


def data_sent(session):
    """The message data the server received, by DATA or BDAT."""
    return b"".join(session.messages) + b"".join(octets for _, octets in session.chunks)


def mail_line(session):
    return next(c for c in session.commands if c.startswith("MAIL FROM:"))


# How commands and data go on the wire.

def test_no_dot_stuffing(send_both):
    plain, broken = send_both("no-dot-stuffing")
    assert b"\r\n..dot at the start\r\n" in data_sent(plain)
    assert b"\r\n.dot at the start\r\n" in data_sent(broken)


def test_bare_lf_in_data(send_both):
    plain, broken = send_both("bare-lf-in-data")
    assert data_sent(plain).count(b"\n") == data_sent(plain).count(b"\r\n") > 0
    assert data_sent(broken).count(b"\r\n") == 1  # the one before the end mark's dot
    assert b"Hello.\n..dot at the start\nBye.\r\n" in data_sent(broken)


def test_bare_lf_commands(send_both):
    plain, broken = send_both("bare-lf-commands")
    assert all(line.endswith(b"\r\n") for line in plain.lines)
    assert broken.lines and not any(line.endswith(b"\r\n") for line in broken.lines)
    assert all(line.endswith(b"\n") for line in broken.lines)


def test_bdat_wrong_size(send_both):
    plain, broken = send_both("bdat-wrong-size", keywords=("CHUNKING",))
    size = len(MESSAGE.encode())
    assert [announced for announced, _ in plain.chunks] == [size]
    assert plain.chunks[0][1] == MESSAGE.encode()
    assert [announced for announced, _ in broken.chunks] == [size - 1]
    # The octet the size left out came next, where the server reads a command line.
    assert broken.lines[broken.commands.index(f"BDAT {size - 1} LAST") + 1] == b"\n"


def test_pipelines_without_pipelining(send_both):
    plain, broken = send_both("pipelines-without-pipelining", keywords=("8BITMIME",))
    assert plain.early == []
    assert broken.early == [f"RCPT TO:<{RECIPIENT}>", "DATA"]


def test_no_quit(send_both):
    plain, broken = send_both("no-quit")
    assert plain.commands[-1] == "QUIT" and not plain.closed_without_quit
    assert "QUIT" not in broken.commands and broken.closed_without_quit
    assert plain.result.returncode == broken.result.returncode == 0


# How replies are read and acted on.

def test_unknown_code_as_failure(send_both):
    plain, broken = send_both("unknown-code-as-failure", replies={"MAIL": "259 2.1.0 odd but ok"})
    assert plain.commands[2] == f"RCPT TO:<{RECIPIENT}>"  # 2yz: go on
    assert plain.result.returncode == 0
    assert broken.commands[2] == "QUIT"
    assert broken.result.returncode != 0


def test_multiline_first_line_only(send_both):
    plain, broken = send_both("multiline-first-line-only", keywords=("PIPELINING", "SIZE 100000"))
    assert mail_line(plain).startswith(f"MAIL FROM:<{SENDER}> SIZE=") and plain.early
    assert mail_line(broken) == f"MAIL FROM:<{SENDER}>" and broken.early == []


def test_ignores_421(send_both):
    carol = "carol@example.test"
    plain, broken = send_both("ignores-421", to=(RECIPIENT, carol),
                              replies={"RCPT": ["421 4.3.2 shutting down", "250 2.1.5 ok"]})
    assert plain.commands[-1] == f"RCPT TO:<{RECIPIENT}>" and plain.closed_without_quit
    assert plain.result.returncode == 75
    assert f"RCPT TO:<{carol}>" in broken.commands


def test_ignores_rcpt_refusal(send_both):
    plain, broken = send_both("ignores-rcpt-refusal", replies={"RCPT": "550 5.1.1 no such user"})
    assert "DATA" not in plain.commands and plain.messages == []
    assert plain.result.returncode == 69 and plain.result.stdout.startswith("refused")
    assert "DATA" in broken.commands and broken.messages
    assert broken.result.returncode == 0 and broken.result.stdout.startswith("accepted")


def test_data_after_refused_data(send_both):
    plain, broken = send_both("data-after-refused-data", replies={"DATA": "451 4.3.0 try later"})
    after_data = plain.commands[plain.commands.index("DATA") + 1:]
    assert after_data == ["QUIT"]
    after_data = broken.commands[broken.commands.index("DATA") + 1:]
    assert after_data[:2] == ["Subject: client mutants", ""]


# The extensions.

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    from ehlokit.certificates import make_certificate
    return make_certificate(tmp_path_factory.mktemp("recorder-cert"))


def test_starttls_downgrade(send_both):
    plain, broken = send_both("starttls-downgrade", "--starttls=required")
    assert plain.commands == ["EHLO [127.0.0.1]", "QUIT"] and plain.result.returncode == 69
    assert broken.messages and broken.result.returncode == 0


def test_starttls_keeps_buffer(send_both, certificate):
    plain, broken = send_both("starttls-keeps-buffer", "--starttls", "--ca-file", certificate[0],
                              tls=certificate, before_tls=b"250 injected\r\n",
                              tls_keywords=("SIZE 100000",))
    assert plain.under_tls()[:2] == ["EHLO [127.0.0.1]", mail_line(plain)]
    assert mail_line(plain).startswith(f"MAIL FROM:<{SENDER}> SIZE=")
    # The injected 250, which offers no SIZE, was read as the reply to EHLO under TLS.
    assert broken.under_tls()[:2] == ["EHLO [127.0.0.1]", f"MAIL FROM:<{SENDER}>"]


def test_no_ehlo_after_starttls(send_both, certificate):
    plain, broken = send_both("no-ehlo-after-starttls", "--starttls", "--ca-file", certificate[0],
                              tls=certificate)
    assert plain.under_tls()[0] == "EHLO [127.0.0.1]"
    assert broken.under_tls()[0] == f"MAIL FROM:<{SENDER}>"


def test_eight_bit_undeclared(send_both):
    plain, broken = send_both("eight-bit-undeclared", message=EIGHT_BIT, keywords=("8BITMIME",))
    assert mail_line(plain) == f"MAIL FROM:<{SENDER}> BODY=8BITMIME"
    assert mail_line(broken) == f"MAIL FROM:<{SENDER}>"
    assert "Café".encode() in data_sent(broken)


def test_eight_bit_without_8bitmime(send_both):
    plain, broken = send_both("eight-bit-without-8bitmime", message=EIGHT_BIT)
    assert plain.commands == ["EHLO [127.0.0.1]", "QUIT"] and plain.result.returncode == 69
    assert "Café".encode() in data_sent(broken)


def test_smtputf8_undeclared(send_both):
    plain, broken = send_both("smtputf8-undeclared", message=UTF8_HEADER,
                              keywords=("8BITMIME", "SMTPUTF8"))
    assert mail_line(plain) == f"MAIL FROM:<{SENDER}> BODY=8BITMIME SMTPUTF8"
    assert mail_line(broken) == f"MAIL FROM:<{SENDER}> BODY=8BITMIME"


def test_second_auth(send_both, monkeypatch):
    monkeypatch.setenv("EHLO_TEST_PASSWORD", "wonderland")
    plain, broken = send_both("second-auth", "--auth", "alice", "--password-env",
                              "EHLO_TEST_PASSWORD", keywords=("AUTH PLAIN",))
    auth = [c for c in plain.commands if c.startswith("AUTH ")]
    assert len(auth) == 1 and plain.result.returncode == 0
    assert [c for c in broken.commands if c.startswith("AUTH ")] == auth * 2


# The program.

def listed_mutants():
    result = subprocess.run([str(BIN_DIR / "ehlo-send-mutant"), "--list"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return [line.split()[0] for line in result.stdout.splitlines()]


def test_every_listed_mutant_has_its_wire_test():
    names = listed_mutants()
    assert len(names) >= 14 and len(set(names)) == len(names)
    missing = [n for n in names if "test_" + n.replace("-", "_") not in globals()]
    assert missing == []


def test_an_unknown_mutant_is_a_usage_error():
    result = run_send("--mutant", "no-such-mutant", "--server", "127.0.0.1:1", "--from", SENDER,
                      "--to", RECIPIENT, program="ehlo-send-mutant")
    assert result.returncode == 2
    assert "no mutant 'no-such-mutant'" in result.stderr
    missing = run_send("--server", "127.0.0.1:1", "--from", SENDER, "--to", RECIPIENT,
                       program="ehlo-send-mutant")
    assert missing.returncode == 2
