"""The suite can fail: it runs against the reference server and against every mutant of it
(ehlo-server-mutant, each breaking one rule), and every mutant must be caught by at least one
scenario, and every scenario the reference server passes must catch at least one mutant, unless
tests/mutants/uncaught.tsv lists it with a reason. A listed scenario that does catch one fails
the test too, so the list stays true. docs/mutants.md explains the design.
"""

import pytest

from conftest import BIN_DIR, SOURCE_DIR
from ehlokit import mutant_matrix

UNCAUGHT = SOURCE_DIR / "tests" / "mutants" / "uncaught.tsv"


@pytest.fixture(scope="module")
def matrix():
    for program in ("ehlo-server", "ehlo-server-mutant", "ehlo-check"):
        if not (BIN_DIR / program).is_file():
            pytest.fail(f"no {program} in {BIN_DIR}: build it, or set EHLO_BIN_DIR")
    result = mutant_matrix.run(BIN_DIR)
    print(f"\n{len(result.mutants)} mutants, {len(result.baseline)} scenarios, "
          f"{result.seconds:.0f} s")
    return result


def test_caught_verdicts():
    assert mutant_matrix.caught("PASS", "WARN")
    assert mutant_matrix.caught("INFO", "ERROR")
    assert not mutant_matrix.caught("PASS", "PASS")
    assert not mutant_matrix.caught("PASS", "SKIP")
    assert not mutant_matrix.caught("FAIL", "ERROR")
    assert not mutant_matrix.caught(None, "FAIL")


def test_reference_server_passes_most_of_the_suite(matrix):
    verdicts = list(matrix.baseline.values())
    assert verdicts.count("PASS") > len(verdicts) // 2, matrix.baseline


def test_there_are_enough_mutants(matrix):
    assert len(matrix.mutants) >= 40


def test_every_mutant_is_caught(matrix):
    assert matrix.uncaught_mutants() == []


def test_every_passing_scenario_catches_a_mutant(matrix):
    listed = mutant_matrix.read_uncaught(UNCAUGHT)
    idle = [s for s in matrix.idle_scenarios() if s not in listed]
    assert idle == [], "scenarios that catch no mutant (add a mutant, or list them with a " \
                       f"reason in {UNCAUGHT.name}): {idle}"


def test_listed_scenarios_really_catch_nothing(matrix):
    listed = mutant_matrix.read_uncaught(UNCAUGHT)
    catchers = matrix.catchers()
    wrongly_listed = sorted(s for s in listed if s in catchers)
    assert wrongly_listed == [], f"listed in {UNCAUGHT.name} but catch a mutant: {wrongly_listed}"



# The client side: the client scenarios against ehlo-send and every mutant of ehlo-send-mutant
# (docs/mutants.md, Client mutants), with the same two rules.
UNCAUGHT_CLIENTS = SOURCE_DIR / "tests" / "mutants" / "uncaught_clients.tsv"


@pytest.fixture(scope="module")
def client_matrix():
    for program in ("ehlo-send", "ehlo-send-mutant", "ehlo-check"):
        if not (BIN_DIR / program).is_file():
            pytest.fail(f"no {program} in {BIN_DIR}: build it, or set EHLO_BIN_DIR")
    result = mutant_matrix.run_clients(BIN_DIR)
    print(f"\n{len(result.mutants)} client mutants, {len(result.baseline)} client scenarios, "
          f"{result.seconds:.0f} s")
    return result


def test_ehlo_send_passes_every_client_scenario(client_matrix):
    # INFO only where a scenario lets the client refuse a message it cannot send as it is
    failing = {s: v for s, v in client_matrix.baseline.items() if v not in ("PASS", "INFO")}
    assert failing == {}


def test_every_client_mutant_is_caught(client_matrix):
    assert len(client_matrix.mutants) >= 14
    assert client_matrix.uncaught_mutants() == []


def test_every_client_scenario_catches_a_mutant(client_matrix):
    listed = mutant_matrix.read_uncaught(UNCAUGHT_CLIENTS)
    idle = [s for s in client_matrix.idle_scenarios() if s not in listed]
    assert idle == [], "client scenarios that catch no mutant (add a mutant, or list them " \
                       f"with a reason in {UNCAUGHT_CLIENTS.name}): {idle}"
    wrongly_listed = sorted(s for s in listed if s in client_matrix.catchers())
    assert wrongly_listed == [], f"listed in {UNCAUGHT_CLIENTS.name} but catch a mutant: " \
                                 f"{wrongly_listed}"
