"""ehlo-check and ehlo-send against hostile servers (the `hostile-peers` part of
tools/hardening, with a 32 MiB line instead of 100 MiB): a giant multi-line reply, one that
never ends, one octet a second, a reset in the middle of a reply and a line of 32 MiB, at the
greeting and in the reply to EHLO. Each program must end within its timeout with a clear
error, and its peak resident memory (VmHWM, read while it runs) must stay under a bound that
is smaller than what the server sends."""

import pytest

from conftest import BIN_DIR
from ehlokit.hardening.hostile_peers import (QUICK_LINE_MIB, SLACK, TIMEOUT, hostile_servers,
                                             problems_of, run_one, write_suite)

SERVERS = hostile_servers(QUICK_LINE_MIB)


def cases():
    for name, behave in SERVERS:
        for program in ("ehlo-check", "ehlo-send"):
            yield pytest.param(program, behave, id=f"{program}-{name.replace(' ', '-')}")


@pytest.mark.parametrize("program, behave", cases())
def test_ends_in_time_with_a_clear_error_in_bounded_memory(tmp_path, program, behave):
    name = dict((b, n) for n, b in SERVERS)[behave]
    result = run_one(program, behave, BIN_DIR, write_suite(tmp_path),
                     limit=TIMEOUT + SLACK + 1)
    print(f"exit {result['code']}, {result['seconds']:.1f} s, peak {result['peak_kib']} KiB")
    print(result["stdout"], result["stderr"])
    assert problems_of(program, name, result, TIMEOUT + SLACK) == []
