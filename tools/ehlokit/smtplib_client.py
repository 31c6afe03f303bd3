"""Python's smtplib as a command-line SMTP client, one of the real clients of clients.py: sends
the message in a file to one recipient, as it is (smtplib only dot-stuffs it,
RFC 5321 §4.5.2), and exits 0 only when the server accepted it.

    smtplib_client.py --host H --port P --from F --rcpt R --message FILE
                      [--starttls | --tls] [--ca-file CA] [--user U --password PW]

--starttls requires STARTTLS (smtplib refuses to go on when the server does not offer it),
--tls is implicit TLS (RFC 8314 §3); either verifies the certificate and the host name
against --ca-file. --user and --password log in after TLS with the mechanism smtplib
prefers among those offered (CRAM-MD5, then PLAIN, then LOGIN).
"""

import argparse
import smtplib
import socket
import ssl
import sys

TIMEOUT = 60


def parse_arguments():
    parser = argparse.ArgumentParser(description="Send one message with Python's smtplib.")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", required=True, type=int)
    parser.add_argument("--from", dest="sender", required=True)
    parser.add_argument("--rcpt", required=True)
    parser.add_argument("--message", required=True)
    security = parser.add_mutually_exclusive_group()
    security.add_argument("--starttls", action="store_true")
    security.add_argument("--tls", action="store_true")
    parser.add_argument("--ca-file")
    parser.add_argument("--user")
    parser.add_argument("--password")
    return parser.parse_args()


def send(args, data):
    """Sends `data`; raises smtplib.SMTPException or OSError when it was not accepted."""
    context = ssl.create_default_context(cafile=args.ca_file)  # chain and host name checked
    if args.tls:
        client = smtplib.SMTP_SSL(args.host, args.port, context=context, timeout=TIMEOUT)
    else:
        client = smtplib.SMTP(args.host, args.port, timeout=TIMEOUT)
    with client:
        if args.starttls:
            client.starttls(context=context)  # SMTPNotSupportedError when not offered
        if args.user is not None:
            client.login(args.user, args.password or "")
        refused = client.sendmail(args.sender, [args.rcpt], data)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)


def main():
    args = parse_arguments()
    with open(args.message, "rb") as message:
        data = message.read()
    try:
        send(args, data)
    except (smtplib.SMTPException, OSError, socket.timeout) as error:
        print(f"smtplib_client: not sent: {error!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
