"""ehlo-send against ehlo-server (docs/client.md): a message from a file, stdin or --subject and
--body delivered intact, line ends made CRLF and dot-stuffing undone by the server
(RFC 5321 §2.3.8, RFC 5321 §4.5.2), PIPELINING used (RFC 2920), 8BITMIME and SMTPUTF8 declared
(RFC 6152, RFC 6531), per-recipient outcomes and exit codes, the trace, STARTTLS and implicit TLS
with the certificate verified (RFC 3207, RFC 8314), and the usage errors."""

import re

import pytest

from ehlokit.maildir import messages
from send_support import outcome, run_send

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"


def send_to(server, *args, stdin=None, to=(RECIPIENT,)):
    recipients = [a for r in to for a in ("--to", r)]
    return run_send("--server", f"127.0.0.1:{server.port}", "--from", SENDER, *recipients,
                    *args, stdin=stdin)


def test_a_file_is_delivered_intact(server, tmp_path):
    message = tmp_path / "message.eml"
    message.write_bytes(b"Subject: file\nMessage-ID: <f1@example.org>\n\nline one\n.dot\n..two\n")
    result = send_to(server, message)
    assert result.returncode == 0, result.stderr
    assert outcome(result) == {RECIPIENT: ("accepted", "250 2.0.0 Message accepted for delivery")}
    [delivered] = messages(server.maildir, RECIPIENT)
    assert delivered.endswith(b"Subject: file\r\nMessage-ID: <f1@example.org>\r\n\r\n"
                              b"line one\r\n.dot\r\n..two\r\n")


def test_stdin_is_the_message(server):
    result = send_to(server, "-", stdin="Subject: stdin\r\n\r\nfrom stdin\r\n")
    assert result.returncode == 0, result.stderr
    [delivered] = messages(server.maildir, RECIPIENT)
    assert delivered.endswith(b"Subject: stdin\r\n\r\nfrom stdin\r\n")


def test_a_built_message_has_date_from_to_and_message_id(server):
    result = send_to(server, "--subject", "Gr\u00fc\u00dfe", "--body", "Hello\nBob\n")
    assert result.returncode == 0, result.stderr
    [delivered] = messages(server.maildir, RECIPIENT)
    text = delivered.decode()
    assert re.search(r"\r\nDate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r\n", text)
    assert f"\r\nFrom: <{SENDER}>\r\n" in text
    assert f"\r\nTo: <{RECIPIENT}>\r\n" in text
    assert "\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n" in text
    assert re.search(r"\r\nMessage-ID: <[^@>]+@localhost>\r\n", text)
    assert text.endswith("\r\n\r\nHello\r\nBob\r\n")


def test_per_recipient_outcome_and_exit_69_for_a_refused_one(server):
    result = send_to(server, "--subject", "s", "--body", "b",
                     to=(RECIPIENT, "carol@elsewhere.test"))
    assert result.returncode == 69
    found = outcome(result)
    assert found[RECIPIENT][0] == "accepted"
    assert found["carol@elsewhere.test"][0] == "refused"
    assert found["carol@elsewhere.test"][1].startswith("550")
    assert len(messages(server.maildir, RECIPIENT)) == 1


def test_8bit_and_utf8_are_declared(server):
    result = send_to(server, "--trace", "-",
                     stdin="Subject: Gr\u00fc\u00dfe\r\n\r\nK\u00f6ln\r\n",
                     to=("j\u00fcrgen@example.test",))
    assert result.returncode == 0, result.stderr
    assert "BODY=8BITMIME SMTPUTF8" in result.stderr
    [delivered] = messages(server.maildir, "j\u00fcrgen@example.test")
    assert delivered.endswith("K\u00f6ln\r\n".encode())


def test_a_message_over_the_size_limit_is_not_sent(start_server):
    server = start_server("--max-size", "1000")
    result = send_to(server, "--subject", "big", "--body", "x" * 900 + "\n" + "y" * 900)
    assert result.returncode == 69
    assert "SIZE limit of 1000" in result.stderr
    assert messages(server.maildir, RECIPIENT) == []


def test_a_line_over_998_octets_is_refused_before_connecting(tmp_path):
    message = tmp_path / "long.eml"
    message.write_bytes(b"Subject: long\r\n\r\n" + b"x" * 999 + b"\r\n")
    result = run_send("--server", "127.0.0.1:1", "--from", SENDER, "--to", RECIPIENT, message)
    assert result.returncode == 65
    assert "line 3" in result.stderr and "998" in result.stderr


def test_the_trace_is_the_servers_notation(server):
    # DATA, not BDAT: the server offers CHUNKING, and this test reads the trace of DATA.
    result = send_to(server, "--trace", "--no-chunking", "--subject", "t", "--body", "b")
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert any(re.fullmatch(r"\[1\] C: EHLO \[127\.0\.0\.1\] +RFC 5321 §4\.1\.1\.1", l) for l in lines)
    assert any(re.fullmatch(r"\[1\] S: 220 .* +RFC 5321 §4\.3\.1", l) for l in lines)
    assert any(re.fullmatch(r"\[1\] C: <message data: \d+ octets>  \. +RFC 5321 §4\.1\.1\.4", l)
               for l in lines)
    assert any(l.startswith("[1] C: QUIT") for l in lines)
    # PIPELINING: MAIL, RCPT and DATA written before the first reply to them
    order = [l.split(": ", 1)[1][:4] for l in lines if l.startswith(("[1] C:", "[1] S:"))]
    mail = order.index("MAIL")
    assert order[mail:mail + 3] == ["MAIL", "RCPT", "DATA"]


def test_bdat_where_the_server_offers_chunking(server, tmp_path):
    """ehlo-server announces CHUNKING: the message goes as BDAT chunks, the last one LAST
    (RFC 3030 §2), without dot-stuffing, and arrives intact."""
    message = tmp_path / "message.eml"
    message.write_bytes(b"Subject: chunks\r\n\r\n.dot\r\n" + (b"x" * 100 + b"\r\n") * 30)
    result = send_to(server, "--trace", "--chunk-size", "1024", message)
    assert result.returncode == 0, result.stderr
    chunks = re.findall(r"\[1\] C: (BDAT \d+(?: LAST)?)", result.stderr)
    size = len(message.read_bytes())  # 3085 octets: three full chunks and the rest
    assert chunks == ["BDAT 1024"] * 3 + [f"BDAT {size - 3 * 1024} LAST"], chunks
    assert "C: DATA" not in result.stderr
    [delivered] = messages(server.maildir, RECIPIENT)
    assert delivered.endswith(message.read_bytes())


def test_no_pipelining_sends_one_command_at_a_time(server):
    result = send_to(server, "--trace", "--no-pipelining", "--subject", "t", "--body", "b")
    assert result.returncode == 0
    order = [l[4] for l in result.stderr.splitlines() if l.startswith(("[1] C:", "[1] S:"))]
    assert "CC" not in "".join(order)


def test_nothing_listens_is_a_temporary_failure():
    result = run_send("--server", "127.0.0.1:1", "--from", SENDER, "--to", RECIPIENT,
                      "--subject", "s", "--body", "b")
    assert result.returncode == 75
    assert outcome(result)[RECIPIENT][0] == "deferred"
    assert "cannot connect" in result.stdout + result.stderr


@pytest.mark.parametrize("args", [
    [], ["--server", "nope:smtp", "--from", SENDER, "--to", RECIPIENT],
    ["--server", "127.0.0.1:25", "--from", SENDER, "--to", "not an address"],
    ["--server", "127.0.0.1:25", "--from", SENDER, "--to", RECIPIENT, "--tls", "--starttls"],
    ["--server", "127.0.0.1:25", "--from", SENDER, "--to", RECIPIENT, "--starttls=maybe"],
])
def test_bad_usage_exits_2(args):
    result = run_send(*args)
    assert result.returncode == 2
    assert "ehlo-send" in result.stderr


def test_help_documents_the_exit_codes():
    result = run_send("--help")
    assert result.returncode == 0
    for code in ("65", "69", "75", "76", "77"):
        assert f"\n  {code}" in result.stdout


def test_a_password_on_the_command_line_is_warned_about(server):
    result = send_to(server, "--auth", "alice", "--password", "secret", "--subject", "s",
                     "--body", "b")
    assert "visible to other users" in result.stderr
    assert result.returncode == 77  # ehlo-server offers no AUTH here
    assert "offers no AUTH" in result.stderr


# -- TLS


@pytest.fixture
def tls_server(start_server, peer_certificate):
    cert, key = peer_certificate
    # start_server returns once the implicit TLS listener (smtps_port) is there too.
    return start_server("--tls-cert", str(cert), "--tls-key", str(key),
                        "--smtps", "127.0.0.1:0")


def test_starttls_verifies_the_certificate(tls_server, peer_certificate):
    result = send_to(tls_server, "--starttls", "--ca-file", peer_certificate[0], "--trace",
                     "--subject", "tls", "--body", "b")
    assert result.returncode == 0, result.stderr
    assert "[1] -- TLS started: TLSv1." in result.stderr
    assert "RFC 3207 §4.2" in result.stderr  # the second EHLO
    assert len(messages(tls_server.maildir, RECIPIENT)) == 1


def test_an_untrusted_certificate_stops_the_session(tls_server):
    result = send_to(tls_server, "--starttls", "--subject", "tls", "--body", "b")
    assert result.returncode == 69
    assert "TLS handshake failed" in result.stderr
    assert messages(tls_server.maildir, RECIPIENT) == []


def test_insecure_encrypts_without_verifying(tls_server):
    result = send_to(tls_server, "--starttls", "--insecure", "--subject", "t", "--body", "b")
    assert result.returncode == 0, result.stderr


def test_implicit_tls(tls_server, peer_certificate):
    result = run_send("--server", f"127.0.0.1:{tls_server.smtps_port}", "--tls", "--ca-file",
                      peer_certificate[0], "--from", SENDER, "--to", RECIPIENT, "--subject",
                      "smtps", "--body", "b")
    assert result.returncode == 0, result.stderr
    assert len(messages(tls_server.maildir, RECIPIENT)) == 1


def test_starttls_required_but_not_offered(server):
    result = send_to(server, "--starttls=required", "--subject", "t", "--body", "b")
    assert result.returncode == 69
    assert "does not offer STARTTLS" in result.stderr
    assert messages(server.maildir, RECIPIENT) == []


def test_starttls_opportunistic_goes_on_in_plain_text(server):
    result = send_to(server, "--starttls=opportunistic", "--subject", "t", "--body", "b")
    assert result.returncode == 0
    assert "plain text" in result.stderr
