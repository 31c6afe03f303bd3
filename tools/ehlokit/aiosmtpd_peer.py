#!/usr/bin/python3
"""A small MX on aiosmtpd, the test peer that tools/ehlokit/peers.py starts as "aiosmtpd".

Accepts mail for one domain from any sender into one Maildir, refuses every other recipient
with 550 (no relaying), advertises SMTPUTF8, and offers STARTTLS when given a certificate.
Prints "listening on 127.0.0.1:PORT" once it accepts; stops cleanly on SIGTERM or SIGINT.
Run it with Debian's /usr/bin/python3, which has python3-aiosmtpd.
"""

import argparse
import mailbox
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller


class MaildirHandler:
    """Accepts recipients in `domain` only and stores each message in one Maildir."""

    def __init__(self, domain, maildir):
        self.domain = domain.lower()
        self.maildir = mailbox.Maildir(maildir, create=True)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd offers AUTH after STARTTLS even with no users to check: an MX does not.
        session.host_name = hostname
        return [line for line in responses if not line[4:].startswith("AUTH")]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if "@" not in address and domain == "postmaster":  # RFC 5321 §4.5.1: <Postmaster>
            domain = self.domain
        if domain != self.domain:
            return "550 5.7.1 Relaying denied: not a local domain"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        header = (f"Return-Path: <{envelope.mail_from}>\r\n"
                  f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n").encode()
        self.maildir.add(header + envelope.original_content)
        return "250 2.0.0 Message accepted for delivery"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--domain", default="example.test")
    parser.add_argument("--hostname", default="mx.example.test")
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    return parser.parse_args()


def tls_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def main():
    options = parse_arguments()
    extra = {}
    if options.tls_cert:
        extra["tls_context"] = tls_context(options.tls_cert, options.tls_key)
    controller = Controller(MaildirHandler(options.domain, options.maildir),
                            hostname="127.0.0.1", port=options.port,
                            server_hostname=options.hostname, enable_SMTPUTF8=True,
                            decode_data=False, ready_timeout=10, **extra)
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    controller.start()
    print(f"listening on 127.0.0.1:{options.port}", flush=True)
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
