"""--trace prints the dialogue, one line per command and reply line, each with the RFC
section that governs it; message data is summarised, not printed."""

import re

from smtp_client import SmtpClient


def test_trace_names_the_rfc_section_of_each_step(start_server):
    server = start_server("--trace")
    with SmtpClient(server.port) as client:
        client.greet()
        client.start_data("alice@example.org", ["bob@example.test"])
        client.send(b"Subject: secret subject\r\n\r\nsecret body\r\n.\r\n")
        assert client.reply().code == 250
        client.expect("QUIT", 221)
    assert server.stop() == 0
    trace = "\n".join(server.stdout_lines)
    expected = [
        r"S: 220 .*RFC 5321 §",
        r"C: EHLO client\.example\.org\s+RFC 5321 §4\.1\.1\.1",
        r"C: MAIL FROM:<alice@example\.org>\s+RFC 5321 §4\.1\.1\.2",
        r"S: 250 .*RFC 5321 §4\.1\.1\.2",
        r"C: RCPT TO:<bob@example\.test>\s+RFC 5321 §4\.1\.1\.3",
        r"C: DATA\s+RFC 5321 §4\.1\.1\.4",
        r"S: 354 .*RFC 5321 §4\.1\.1\.4",
        r"C: QUIT\s+RFC 5321 §4\.1\.1\.10",
        r"S: 221 .*RFC 5321 §4\.1\.1\.10",
    ]
    for pattern in expected:
        assert re.search(pattern, trace), f"no {pattern!r} in the trace:\n{trace}"
    assert "secret body" not in trace
