"""Many idle connections (the `connections` part of tools/hardening, scaled down): 2,000
connections each greeted and left idle fill a server started with `--max-connections 2000`;
the next one gets 421 at once (RFC 5321 §3.1) and is closed, the held ones still answer, the
memory per connection stays small, and once one slot is free a normal delivery goes through
while the others are still held."""

import resource

import pytest

from ehlokit.hardening.connections import describe, hold_a_full_server, problems_of
from ehlokit.idle import kib_per_connection, raise_file_limit
from ehlokit.maildir import all_messages

COUNT = 2000
KIB_PER_CONNECTION_LIMIT = 32  # measured: about 6 KiB; a coroutine frame and a socket


@pytest.fixture
def file_limit():
    """Enough descriptors for COUNT connections in this process and in the server it starts
    (a child inherits the limit); the old limit is put back afterwards."""
    saved = resource.getrlimit(resource.RLIMIT_NOFILE)
    got = raise_file_limit(COUNT + 200)
    if got < COUNT + 200:
        pytest.skip(f"the open-file limit is {got}; {COUNT + 200} needed")
    yield got
    resource.setrlimit(resource.RLIMIT_NOFILE, saved)


def test_a_full_server_refuses_with_421_and_stays_healthy(file_limit, start_server):
    server = start_server("--max-connections", str(COUNT))
    report = hold_a_full_server(server.port, server.pid, COUNT)
    print("\n".join(describe(report)))
    assert problems_of(report) == []
    assert kib_per_connection(report) < KIB_PER_CONNECTION_LIMIT, describe(report)
    assert server.running()
    # The one before filling it and the one once a slot was free.
    assert len(all_messages(server.maildir)) == 2
