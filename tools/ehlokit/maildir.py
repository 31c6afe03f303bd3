"""Reading what was delivered. ehlo-server keeps one Maildir per recipient at
ROOT/<domain lowercased>/<local part percent-encoded>/new/, one file per message:
"Return-Path: <sender>", a Received: header (RFC 5321 §4.4), then the message data. A peer
(peers.py) keeps one Maildir for everyone: message_files().
"""

import re
from pathlib import Path

from ehlokit.programs import HOSTNAME

DELIVERED = re.compile(
    rb"Return-Path: <(?P<sender>[^>\r\n]*)>\r\n"
    rb"(?P<received>Received: [^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*)"
    rb"(?P<data>.*)", re.DOTALL)


def folder_name(local_part: str) -> str:
    """The percent-encoding of a local part: letters, digits, "_", "+", "-" and a "." that
    is not the first octet stay; every other octet becomes %XX."""
    kept = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-")
    octets = local_part.encode()
    return "".join(chr(octet) if octet in kept or (octet == ord(".") and index > 0)
                   else f"%{octet:02X}" for index, octet in enumerate(octets)) or "%"


def mailbox(root: Path, address: str) -> Path:
    """The new/ folder of the Maildir for `address`."""
    local, domain = address.rsplit("@", 1)
    return root / domain.lower() / folder_name(local) / "new"


def messages(root: Path, address: str) -> list:
    """The files delivered to `address`, as bytes, oldest name first."""
    folder = mailbox(root, address)
    if not folder.is_dir():
        return []
    return [path.read_bytes() for path in sorted(folder.iterdir())]


def all_messages(root: Path) -> list:
    """Every message file under the Maildir root, whoever it was for."""
    if not root.is_dir():
        return []
    return sorted(path for path in root.glob("*/*/new/*") if path.is_file())


def assert_delivered(file: bytes, sender: str, data: bytes):
    """The file holds exactly Return-Path, one Received: header, then `data`."""
    match = DELIVERED.fullmatch(file)
    assert match, f"not Return-Path + Received + data: {file[:300]!r}"
    assert match["sender"] == sender.encode(), match["sender"]
    received = match["received"]
    assert received.startswith(b"Received: from "), received
    assert b"by " + HOSTNAME.encode() in received, received
    assert b";" in received, f"no date in {received!r}"
    assert match["data"] == data, (
        f"data differs\n expected: {data!r}\n delivered: {match['data']!r}")


def assert_single_delivery(root: Path, address: str, sender: str, data: bytes):
    """`address` got exactly one message, and it is `data` from `sender`."""
    files = messages(root, address)
    assert len(files) == 1, f"{address}: {len(files)} messages, {all_messages(root)}"
    assert_delivered(files[0], sender, data)


def message_files(maildir) -> list:
    """The message files in one Maildir's new/ and cur/, oldest first."""
    files = [f for sub in ("new", "cur") for f in (Path(maildir) / sub).glob("*") if f.is_file()]
    return sorted(files, key=lambda f: f.stat().st_mtime)
