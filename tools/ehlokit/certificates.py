"""Test certificates made by `openssl req`, RSA 2048:

- make_certificate(): a self-signed one, its own CA: a client that must verify it is given the
  certificate itself as its CA file.
- make_signed_certificate(): a test CA and a server certificate it signed, as a real server
  has: the client is given the CA's certificate, never the server's.
"""

import subprocess
from pathlib import Path

from ehlokit.programs import HOSTNAME, KitError


def _openssl_req(arguments):
    result = subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", *arguments],
                            capture_output=True, timeout=60)
    if result.returncode != 0:
        raise KitError("openssl req failed: " + result.stderr.decode(errors="replace"))


def _alt_names(name, ip):
    return f"subjectAltName=DNS:{name}" + (",IP:127.0.0.1" if ip else "")


def make_certificate(folder, name=HOSTNAME, ip=True, days=30):
    """A self-signed certificate for `name` (its CN and a DNS name), and for 127.0.0.1 too
    unless ip=False, valid for `days`: writes cert.pem and key.pem into `folder` and returns
    their paths (cert, key)."""
    cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    _openssl_req(["-x509", "-days", str(days), "-subj", f"/CN={name}",
                  "-addext", _alt_names(name, ip), "-keyout", str(key), "-out", str(cert)])
    return cert, key


def make_signed_certificate(folder, name=HOSTNAME, ip=True, days=30, ca=None):
    """A test CA ("Ehlo test CA", ca.pem and ca-key.pem) and a server certificate it signed
    for `name` and, unless ip=False, 127.0.0.1 (cert.pem and key.pem; not a CA itself), all
    written into `folder`, valid for `days`. ca=(ca.pem, ca-key.pem) of an earlier call signs
    with that CA instead of a new one. Returns the paths (ca, cert, key)."""
    folder = Path(folder)
    cert, key = folder / "cert.pem", folder / "key.pem"
    if ca is not None:
        ca, ca_key = (Path(path) for path in ca)
    else:
        ca, ca_key = folder / "ca.pem", folder / "ca-key.pem"
        _openssl_req(["-x509", "-days", str(days), "-subj", "/CN=Ehlo test CA",
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                      "-keyout", str(ca_key), "-out", str(ca)])
    # OpenSSL 3's `req -x509 -CA` signs the new key with the CA's at once (no request file).
    _openssl_req(["-x509", "-days", str(days), "-subj", f"/CN={name}",
                  "-CA", str(ca), "-CAkey", str(ca_key),
                  "-addext", _alt_names(name, ip),
                  "-addext", "basicConstraints=critical,CA:FALSE",
                  "-addext", "keyUsage=critical,digitalSignature,keyEncipherment",
                  "-addext", "extendedKeyUsage=serverAuth",
                  "-keyout", str(key), "-out", str(cert)])
    return ca, cert, key
