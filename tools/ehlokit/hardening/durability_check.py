"""The check after a durability run: every file under the Maildir root is read back and held
against what the clients know about each message id (see durability.py).

A stored file is Return-Path, the server's Received: header (RFC 5321 §4.4), then the data
exactly as the client sent it (DATA's dot-stuffing undone, RFC 5321 §4.5.2); the check compares that
data, byte for byte, with the data rebuilt from the message's id.
"""

import os
import re
from collections import Counter
from pathlib import Path

from ehlokit.maildir import DELIVERED as STORED  # Return-Path, Received:, the data

MESSAGE_ID = re.compile(rb"^X-Durability-Id: (\d+)\r\n", re.MULTILINE)


def stored_id(content: bytes):
    """The id in a file's X-Durability-Id header, or None if the file has none (yet)."""
    match = MESSAGE_ID.search(content[:4096])
    return int(match.group(1)) if match else None


def complete(content: bytes, message_for):
    """(id, None) if `content` is a whole stored message, else (id or None, what is wrong)."""
    match = STORED.fullmatch(content)
    message_id = stored_id(content)
    if not match:
        return message_id, "not Return-Path + Received: + data"
    if message_id is None:
        return None, "no X-Durability-Id"
    expected = message_for(message_id)[1]
    if match["data"] != expected:
        return message_id, (f"data differs from what was sent ({len(match['data'])} octets "
                            f"stored, {len(expected)} sent)")
    return message_id, None


class MaildirScan:
    """Everything found under the root: deliveries per (id, mailbox), problems, leftovers."""

    def __init__(self, root: Path, states: dict, message_for):
        self.root, self.states, self.message_for = root, states, message_for
        self.deliveries = Counter()
        self.problems = []
        self.files = 0
        self.leftovers = {"linked": 0, "unlinked": 0}

    def scan(self):
        for entry in sorted(self.root.iterdir()):
            if entry.name == ".tmp":
                self.scan_leftovers(entry)
            elif entry.is_dir() and not entry.is_symlink():
                for maildir in sorted(entry.iterdir()):
                    self.scan_maildir(maildir)
            else:
                self.problems.append(f"unexpected {entry.name} in the Maildir root")
        return self

    def scan_maildir(self, maildir: Path):
        for name in ("tmp", "cur"):
            for path in (maildir / name).iterdir():
                self.problems.append(f"{path.relative_to(self.root)}: the server never writes "
                                     f"into a Maildir's {name}/")
        for path in (maildir / "new").iterdir():
            self.files += 1
            message_id, wrong = complete(path.read_bytes(), self.message_for)
            where = path.relative_to(self.root)
            if wrong:
                self.problems.append(f"{where} (id {message_id}): half-written or damaged: "
                                     f"{wrong}")
            elif message_id not in self.states:
                self.problems.append(f"{where}: id {message_id} was never sent")
            else:
                self.deliveries[(message_id, maildir.name)] += 1

    def scan_leftovers(self, folder: Path):
        """DIR/.tmp/ after crashes (docs/delivery.md, "After a crash"): a file the crash cut
        off before it was linked, seen by no reader; or one also linked into a new/ folder,
        which must then be complete. None may belong to a message that got 250."""
        for path in folder.iterdir():
            content = path.read_bytes()
            message_id = stored_id(content)
            state = self.states.get(message_id)
            if state == "acked":
                self.problems.append(f".tmp/{path.name}: left behind by message {message_id}, "
                                     "which got 250 (step 6 removes it before the 250)")
            if os.stat(path).st_nlink > 1:
                self.leftovers["linked"] += 1
                _, wrong = complete(content, self.message_for)
                if wrong:
                    self.problems.append(f".tmp/{path.name}: linked into new/ but {wrong}")
            else:
                self.leftovers["unlinked"] += 1

    def judge(self):
        """Every id against its deliveries; returns counts of the outcomes."""
        outcome = Counter()
        for message_id, state in sorted(self.states.items()):
            recipients, _, _, _ = self.message_for(message_id)
            boxes = [recipient.split("@")[0] for recipient in recipients]
            counts = [self.deliveries[(message_id, box)] for box in boxes]
            if any(count > 1 for count in counts):
                self.problems.append(f"message {message_id} ({state}) stored {max(counts)} "
                                     "times in one mailbox")
            if state == "acked" and min(counts) == 0:
                self.problems.append(f"message {message_id} got 250 but is missing from "
                                     f"{[box for box, c in zip(boxes, counts) if c == 0]}")
            elif state in ("cut", "refused") and max(counts) > 0:
                self.problems.append(f"message {message_id} ({state}) was stored")
            elif state == "no_reply":
                outcome["no_reply stored" if min(counts) else
                        "no_reply stored for some recipients" if max(counts) else
                        "no_reply not stored"] += 1
        return outcome


def check_maildirs(root: Path, states: dict, message_for):
    """Returns (figures, problems) for the Maildir root after a run."""
    if not root.is_dir():
        return {}, [f"no Maildir root {root}"]
    scan = MaildirScan(root, states, message_for).scan()
    outcome = scan.judge()
    figures = {"files in new/": scan.files,
               "mailbox deliveries checked": sum(scan.deliveries.values()),
               ".tmp leftovers (unlinked)": scan.leftovers["unlinked"],
               ".tmp leftovers (also in new/)": scan.leftovers["linked"]}
    figures.update(sorted(outcome.items()))
    return figures, scan.problems
