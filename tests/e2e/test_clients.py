"""Real SMTP clients from Debian deliver to ehlo-server; each message is checked byte for
byte in the recipient's Maildir. The bodies have lines that start with "." so that
dot-stuffing (RFC 5321 §4.5.2) is done by the client and undone by the server."""

import smtplib
import subprocess

from ehlokit.maildir import assert_single_delivery

SENDER = "alice@example.org"
CLIENT_TIMEOUT = 30

# The message as the client means it, with LF line ends (the clients turn them into CRLF).
MESSAGE = (
    "From: Alice <alice@example.org>\n"
    "To: Bob <bob@example.test>\n"
    "Subject: dots at the start of lines\n"
    "Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
    "Message-ID: <e2e-dots@example.org>\n"
    "\n"
    ".one leading dot\n"
    "..two leading dots\n"
    ".\n"
    "a line with a . inside\n"
    "..\n"
    "last line\n"
).encode()
MESSAGE_CRLF = MESSAGE.replace(b"\n", b"\r\n")


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, timeout=CLIENT_TIMEOUT, **kwargs)
    assert result.returncode == 0, (
        f"{command[0]} exited with {result.returncode}\n"
        f"{result.stdout.decode(errors='replace')}\n{result.stderr.decode(errors='replace')}")
    return result


def test_swaks(server, tmp_path):
    message = tmp_path / "message.txt"
    message.write_bytes(MESSAGE)
    run(["swaks", "--server", f"127.0.0.1:{server.port}", "--helo", "client.example.org",
         "--from", SENDER, "--to", "bob@example.test", "--data", f"@{message}"])
    # swaks sends CRLF line ends and always ends the data with an empty line of its own.
    assert_single_delivery(server.maildir, "bob@example.test", SENDER, MESSAGE_CRLF + b"\r\n")


def test_swaks_pipelined(server, tmp_path):
    """swaks --pipeline sends MAIL, both RCPTs (one refused: a foreign domain) and DATA as
    one group (RFC 2920 §3.1); the refused RCPT loses nothing for the accepted one."""
    message = tmp_path / "message.txt"
    message.write_bytes(MESSAGE)
    result = subprocess.run(
        ["swaks", "--server", f"127.0.0.1:{server.port}", "--helo", "client.example.org",
         "--pipeline", "--from", SENDER, "--to", "bob@example.test,eve@elsewhere.example",
         "--data", f"@{message}"], capture_output=True, timeout=CLIENT_TIMEOUT)
    transcript = result.stdout.decode(errors="replace")
    # swaks prints the group's four commands, then the four replies in order.
    lines = [line for line in transcript.splitlines() if line[:3] in ("<- ", " ->", "<**")]
    start = lines.index(" -> MAIL FROM:<alice@example.org>")
    group = [line.split()[1] for line in lines[start:start + 8]]
    assert group == ["MAIL", "RCPT", "RCPT", "DATA", "250", "250", "550", "354"], transcript
    assert_single_delivery(server.maildir, "bob@example.test", SENDER, MESSAGE_CRLF + b"\r\n")


def test_msmtp(server):
    run(["msmtp", "--file=/dev/null", "--host=127.0.0.1", f"--port={server.port}",
         f"--from={SENDER}", "bob@example.test", "carol@example.test"], input=MESSAGE)
    for recipient in ["bob@example.test", "carol@example.test"]:
        assert_single_delivery(server.maildir, recipient, SENDER, MESSAGE_CRLF)


def test_curl(server, tmp_path):
    message = tmp_path / "message.eml"
    message.write_bytes(MESSAGE_CRLF)  # curl sends the file as it is: CRLF already
    run(["curl", "--silent", "--show-error", f"smtp://127.0.0.1:{server.port}/client.example.org",
         "--mail-from", SENDER, "--mail-rcpt", "bob@example.test", "--upload-file", str(message)])
    assert_single_delivery(server.maildir, "bob@example.test", SENDER, MESSAGE_CRLF)


def test_smtplib_multiple_recipients(server):
    recipients = ["bob@example.test", "carol@example.test", "dave@EXAMPLE.TEST"]
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="client.example.org",
                      timeout=CLIENT_TIMEOUT) as client:
        refused = client.sendmail(SENDER, recipients, MESSAGE_CRLF)
        assert refused == {}
        assert client.noop()[0] == 250
    for recipient in recipients:
        assert_single_delivery(server.maildir, recipient, SENDER, MESSAGE_CRLF)


def test_smtplib_two_messages_one_session(server):
    second = MESSAGE_CRLF.replace(b"e2e-dots@", b"e2e-second@")
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="client.example.org",
                      timeout=CLIENT_TIMEOUT) as client:
        assert client.sendmail(SENDER, ["bob@example.test"], MESSAGE_CRLF) == {}
        assert client.sendmail("", ["carol@example.test"], second) == {}
    assert_single_delivery(server.maildir, "bob@example.test", SENDER, MESSAGE_CRLF)
    assert_single_delivery(server.maildir, "carol@example.test", "", second)
