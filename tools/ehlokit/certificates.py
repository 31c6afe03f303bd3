"""Test certificates: self-signed RSA 2048 certificates made by `openssl req`. Each one is its
own CA: a client that must verify it is given the certificate itself as its CA file."""

import subprocess
from pathlib import Path

from ehlokit.programs import HOSTNAME, KitError


def make_certificate(folder, name=HOSTNAME, ip=True, days=30):
    """A self-signed certificate for `name` (its CN and a DNS name), and for 127.0.0.1 too
    unless ip=False, valid for `days`: writes cert.pem and key.pem into `folder` and returns
    their paths (cert, key)."""
    cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    names = f"DNS:{name}" + (",IP:127.0.0.1" if ip else "")
    result = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", str(days),
         "-subj", f"/CN={name}", "-addext", f"subjectAltName={names}",
         "-keyout", str(key), "-out", str(cert)], capture_output=True, timeout=60)
    if result.returncode != 0:
        raise KitError("openssl req failed: " + result.stderr.decode(errors="replace"))
    return cert, key
