"""Who may receive: only the server's own domains (no open relay), "Postmaster" without a
domain (RFC 5321 §4.5.1), the null reverse-path (RFC 5321 §4.5.5), and at most --max-recipients
forward-paths per transaction, the rest answered 452 (RFC 5321 §4.5.3.1.10)."""

import threading

from ehlokit.maildir import all_messages, assert_single_delivery, messages
from smtp_client import SmtpClient

SENDER = "alice@example.org"
DATA = b"From: <alice@example.org>\r\nSubject: test\r\n\r\nhello\r\n"


def test_relay_to_other_domain_refused(server):
    with SmtpClient(server.port) as client:
        client.greet()
        client.expect(f"MAIL FROM:<{SENDER}>", 250)
        assert client.command("RCPT TO:<someone@elsewhere.example>").code == 550
        assert client.command("RCPT TO:<someone@sub.example.test>").code == 550
        client.expect("RCPT TO:<bob@example.test>", 250)
        client.expect("DATA", 354)
        client.send(DATA + b".\r\n")
        assert client.reply().code == 250
    assert_single_delivery(server.maildir, "bob@example.test", SENDER, DATA)
    assert len(all_messages(server.maildir)) == 1


def test_only_refused_recipients_then_data_refused(server):
    with SmtpClient(server.port) as client:
        client.greet()
        client.expect(f"MAIL FROM:<{SENDER}>", 250)
        assert client.command("RCPT TO:<someone@elsewhere.example>").code == 550
        assert client.command("DATA").code in (503, 554)
        client.expect("QUIT", 221)
    assert all_messages(server.maildir) == []


def test_postmaster_without_domain_accepted(server):
    with SmtpClient(server.port) as client:
        client.greet()
        client.start_data(SENDER, ["Postmaster"])
        client.send(DATA + b".\r\n")
        assert client.reply().code == 250
    assert len(all_messages(server.maildir)) == 1


def test_null_reverse_path_accepted(server):
    with SmtpClient(server.port) as client:
        client.greet()
        client.start_data("", ["bob@example.test"])
        client.send(DATA + b".\r\n")
        assert client.reply().code == 250
    assert_single_delivery(server.maildir, "bob@example.test", "", DATA)


def test_10000_pipelined_recipients(server):
    limit, total = 100, 10_000
    recipients = [f"r{index}@example.test" for index in range(total)]
    commands = (f"MAIL FROM:<{SENDER}>\r\n"
                + "".join(f"RCPT TO:<{address}>\r\n" for address in recipients)
                + "DATA\r\n").encode()
    with SmtpClient(server.port, timeout=30) as client:
        client.greet()
        # Write from another thread: the replies must be read while the commands go out.
        writer = threading.Thread(target=client.send, args=(commands,))
        writer.start()
        mail, *rcpt, data = client.replies(1 + total + 1)
        writer.join()
        assert mail.code == 250
        codes = [reply.code for reply in rcpt]
        assert codes[:limit] == [250] * limit
        assert set(codes[limit:]) == {452}, sorted(set(codes[limit:]))
        assert data.code == 354
        client.send(DATA + b".\r\n")
        assert client.reply().code == 250
    for address in recipients[:limit]:
        assert_single_delivery(server.maildir, address, SENDER, DATA)
    assert messages(server.maildir, recipients[limit]) == []
    assert len(all_messages(server.maildir)) == limit
