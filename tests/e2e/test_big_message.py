"""A 50 MiB message at the size limit (--max-size), by DATA and by BDAT: stored whole, with the
server's peak memory (VmHWM) no larger than for a 1 MiB message, give or take a fraction of
the difference; one octet past the limit gets 552 and leaves nothing (RFC 5321 §4.5.3.1.10,
RFC 1870, RFC 3030). The same run as `tools/hardening big-message`.
"""

import pytest

from ehlokit.hardening import big_message

LIMIT = 50 * 1024 * 1024


@pytest.mark.parametrize("size", [200, 225, 226, 227, 1024 * 1024 + 1, LIMIT])
def test_the_generated_message_has_exactly_the_size(size):
    data = b"".join(big_message.message_blocks(size))
    assert len(data) == size
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")
    assert not any(line.startswith(b".") for line in lines)
    assert max(len(line) for line in lines) < 998


def test_memory_does_not_grow_with_the_message_and_the_limit_holds(tmp_path):
    rows, over, over_peak, problems = big_message.run(tmp_path, LIMIT)
    for method, size, before, peak in rows:
        print(f"{method} {size} octets: VmHWM {before} KiB at start, {peak} KiB peak")
    print(over, over_peak)
    assert not problems, problems
    assert [code for _, code in over] == [552, 552, 552]
    peaks = {(method, size): peak for method, size, _, peak in rows}
    for method in ("DATA", "BDAT"):
        assert peaks[(method, LIMIT)] - peaks[(method, 1024 * 1024)] < 8 * 1024  # KiB
