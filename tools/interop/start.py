"""Starts one third-party SMTP server on 127.0.0.1 as a target, e.g. for ehlo-check:

    tools/interop/start postfix            # then: ehlo-check 127.0.0.1:PORT --rcpt someone@example.test
    tools/interop/start exim --port 2526 --tls

Prints "PEER listening on 127.0.0.1:PORT" once it greets, then where its mail and log go, and
keeps it running until Ctrl-C or SIGTERM, when it stops it and removes its working folder
(unless --keep). Peers: postfix, smtp-sink, exim, opensmtpd, aiosmtpd, exim-auth, twisted,
dovecot (see docs/interop.md). The peers are the test kit's (tools/ehlokit/peers.py); the
`start` beside this file runs this one with the kit on Python's module path.
"""

import argparse
import shutil
import signal
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the kit

from ehlokit import peers  # noqa: E402
from ehlokit.certificates import make_certificate  # noqa: E402


def parse_arguments():
    parser = argparse.ArgumentParser(
        prog="tools/interop/start",
        description="Start one third-party SMTP server on 127.0.0.1 as a test target; it "
                    f"accepts mail for someone@{peers.DOMAIN} and refuses to relay.")
    parser.add_argument("peer", choices=sorted(peers.PEERS))
    parser.add_argument("--port", type=int, default=None, help="port (default: a free one)")
    parser.add_argument("--domain", default=peers.DOMAIN, help="the domain it accepts mail for")
    parser.add_argument("--tls", action="store_true",
                        help="offer STARTTLS with a new self-signed certificate "
                             "(all but smtp-sink and opensmtpd)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the working folder (configuration, log, Maildir) at the end")
    return parser.parse_args()


def stop_on_signal(number, _frame):
    raise KeyboardInterrupt(f"signal {number}")


def main():
    options = parse_arguments()
    kind = peers.PEERS[options.peer]
    if options.tls and not kind.supports_tls:
        sys.exit(f"start: {options.peer} is run without STARTTLS here (see docs/interop.md)")
    workdir = Path(tempfile.mkdtemp(prefix=f"ehlo-peer-{options.peer}-"))
    workdir.chmod(0o755)  # the peer's daemons drop root and must reach their folder inside
    tls = {}
    if options.tls:
        cert, key = make_certificate(workdir)
        tls = {"tls_cert": cert, "tls_key": key}
    peer = kind(workdir / "peer", port=options.port, domain=options.domain, **tls)
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, stop_on_signal)  # also when started with SIGINT ignored
    try:
        peer.start()
        print(f"{options.peer} listening on 127.0.0.1:{peer.port}", flush=True)
        print(f"  accepts {kind.accepts.format(domain=options.domain)}; "
              f"working folder {peer.workdir}"
              + (f"; STARTTLS with {tls['tls_cert']}" if tls else ""), flush=True)
        signal.pause()
    except peers.PeerError as error:
        print(f"start: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        peer.stop()
        if options.keep:
            print(f"kept: {workdir}", flush=True)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"{options.peer} stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
