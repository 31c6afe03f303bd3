#!/usr/bin/python3
"""A small MX on Twisted's ESMTP server, the test peer that tools/ehlokit/peers.py starts as
"twisted".

twisted.mail.smtp.ESMTP as it comes, with a message delivery that accepts recipients in one
domain and the host's own name (to which Twisted completes a bare <Postmaster>,
RFC 5321 §4.5.1) from any sender, refuses every other one with 550 (no relaying), and writes each
message into one Maildir. STARTTLS when given a certificate; no AUTH (no challengers). Logs on
stderr. Prints "listening on 127.0.0.1:PORT" once it accepts; stops on SIGTERM or SIGINT. Run it
with Debian's /usr/bin/python3, which has python3-twisted.
"""

import argparse
import mailbox
import sys

from twisted.internet import defer, reactor, ssl
from twisted.mail import smtp
from twisted.python import log
from zope.interface import implementer


@implementer(smtp.IMessage)
class MaildirMessage:
    """One message for one recipient (Twisted makes one per recipient): its lines, the
    Return-Path and X-Envelope-To lines of receivedHeader first, are added to the Maildir at the
    end of data."""

    def __init__(self, maildir):
        self.maildir = maildir
        self.lines = []

    def lineReceived(self, line):
        self.lines.append(line)

    def eomReceived(self):
        self.maildir.add(b"\r\n".join(self.lines) + b"\r\n")
        return defer.succeed(None)

    def connectionLost(self):
        self.lines = []


@implementer(smtp.IMessageDelivery)
class MaildirDelivery:
    """Accepts recipients in `domain` (and the host's own name) only; one Maildir for all."""

    def __init__(self, domain, hostname, maildir):
        # Twisted completes a bare <Postmaster> with the host's own name, so that name is a
        # domain of ours too (as in the Exim and OpenSMTPD peers).
        self.domains = {domain.lower(), hostname.lower()}
        self.maildir = maildir

    def receivedHeader(self, helo, origin, recipients):
        to = b", ".join(str(user.dest).encode() for user in recipients)
        return b"Return-Path: <" + str(origin).encode() + b">\r\nX-Envelope-To: " + to

    def validateFrom(self, helo, origin):
        return origin

    def validateTo(self, user):
        if user.dest.domain.decode().lower() in self.domains:
            return lambda: MaildirMessage(self.maildir)
        raise smtp.SMTPBadRcpt(user)


class PeerFactory(smtp.SMTPFactory):
    """Makes one ESMTP protocol per connection, with the delivery and the TLS context."""

    protocol = smtp.ESMTP

    def __init__(self, hostname, delivery, tls_context):
        super().__init__()
        self.hostname = hostname
        self.delivery = delivery
        self.tls_context = tls_context

    def buildProtocol(self, address):
        protocol = smtp.ESMTP(contextFactory=self.tls_context)
        protocol.factory = self
        protocol.host = self.hostname
        protocol.delivery = self.delivery
        protocol.timeout = self.timeout
        return protocol


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--domain", default="example.test")
    parser.add_argument("--hostname", default="mx.example.test")
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    return parser.parse_args()


def main():
    options = parse_arguments()
    tls_context = None
    if options.tls_cert:
        tls_context = ssl.DefaultOpenSSLContextFactory(options.tls_key, options.tls_cert)
    delivery = MaildirDelivery(options.domain, options.hostname,
                               mailbox.Maildir(options.maildir, create=True))
    factory = PeerFactory(options.hostname, delivery, tls_context)
    reactor.listenTCP(options.port, factory, interface="127.0.0.1")
    log.startLogging(sys.stderr, setStdout=False)  # each message received, each error
    print(f"listening on 127.0.0.1:{options.port}", flush=True)
    reactor.run()  # installs its own SIGTERM and SIGINT handlers, which stop it
    return 0


if __name__ == "__main__":
    sys.exit(main())
