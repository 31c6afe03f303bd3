"""Durability under SIGKILL (RFC 5321 §6.1): sessions deliver messages with unique ids to
ehlo-server --maildir while the server is killed at random moments and restarted on the same
port and folder. Every message that got 250 must be in each recipient's new/ exactly once and
byte-identical to what was sent (compared after the server's Return-Path and Received: lines);
nothing incomplete or doubled in new/; leftovers only in DIR/.tmp/, as docs/delivery.md says.

The load, the kills and the check are those of `tools/hardening durability`, at CI size; the
long run (200 kills, 50,000 messages) is `tools/hardening durability`.
"""

from pathlib import Path

import pytest

from ehlokit.hardening import durability
from ehlokit.hardening.durability_check import check_maildirs

KILLS = 25
MESSAGES = 3000


def test_no_acknowledged_message_is_lost_under_sigkill(tmp_path):
    options = durability.Options(kills=KILLS, messages=MESSAGES, sessions=16,
                                 max_interval=0.8, time_limit=120)
    figures, problems = durability.run(options, tmp_path)
    print(figures)
    assert not problems, "\n".join(problems[:30])
    assert figures["kills"] >= 20
    assert figures["acked"] >= 2000
    # The kills did land in the middle of transactions, so the check had something to judge.
    assert figures["no_reply"] + figures["cut"] >= KILLS // 2
    assert figures["mailbox deliveries checked"] >= figures["acked"]


def stored(message_id, received=b"Received: from client.example.org by mx.example.test; x\r\n"):
    data = durability.message_for(message_id)[1]
    return b"Return-Path: <durability@example.org>\r\n" + received + data


def make_maildir(root: Path, files: dict):
    """files: relative path -> content; creates the Maildirs of box0..box7 around them."""
    for number in range(8):
        for sub in ("tmp", "new", "cur"):
            (root / "example.test" / f"box{number}" / sub).mkdir(parents=True, exist_ok=True)
    (root / ".tmp").mkdir(exist_ok=True)
    for relative, content in files.items():
        (root / relative).write_bytes(content)


def box_of(message_id):
    return durability.message_for(message_id)[0][0].split("@")[0]


def single_recipient_ids(count):
    return [i for i in range(1, 200) if len(durability.message_for(i)[0]) == 1][:count]


def test_the_check_accepts_a_clean_maildir(tmp_path):
    first, second = single_recipient_ids(2)
    make_maildir(tmp_path, {f"example.test/{box_of(first)}/new/a": stored(first),
                            f"example.test/{box_of(second)}/new/b": stored(second)})
    figures, problems = check_maildirs(tmp_path, {first: "acked", second: "no_reply"},
                                       durability.message_for)
    assert problems == []
    assert figures["no_reply stored"] == 1


FINDINGS = {"truncated": "half-written", "twice": "2 times", "missing": "missing from",
            "cut stored": "(cut) was stored", "acked leftover": "left behind",
            "in tmp": "never writes", "altered": "data differs"}


@pytest.mark.parametrize("damage", FINDINGS)
def test_the_check_finds_each_kind_of_damage(tmp_path, damage):
    first, second = single_recipient_ids(2)
    new = f"example.test/{box_of(first)}/new"
    files = {f"{new}/a": stored(first)}
    states = {first: "acked", second: "cut"}
    if damage == "truncated":
        files[f"{new}/a"] = stored(first)[:-10]
    elif damage == "twice":
        files[f"{new}/b"] = stored(first)
    elif damage == "missing":
        del files[f"{new}/a"]
    elif damage == "cut stored":
        files[f"example.test/{box_of(second)}/new/c"] = stored(second)
    elif damage == "acked leftover":
        files[".tmp/d"] = stored(first)[:200]
    elif damage == "in tmp":
        files[f"example.test/{box_of(first)}/tmp/e"] = stored(first)
    elif damage == "altered":
        files[f"{new}/a"] = stored(first).replace(b"Subject: durability", b"Subject: durabilitY")
    make_maildir(tmp_path, files)
    _, problems = check_maildirs(tmp_path, states, durability.message_for)
    assert any(FINDINGS[damage] in problem for problem in problems), problems
