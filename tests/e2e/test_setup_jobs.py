"""tools/setup installs per job (README, "Two commands"): `tools/setup --print-packages JOB`
prints a job's packages without installing anything. The demo and the build need no test peer
(Postfix, Dovecot), no browser and no second compiler; the tests job has every other job's
packages; and every package named, the unpacked test peers' included, exists in Debian 12
(apt-cache policy finds it in an archive: offline, from the package lists apt already has).
"""

import re
import subprocess
from pathlib import Path

import pytest

from conftest import SOURCE_DIR

SETUP = SOURCE_DIR / "tools" / "setup"
JOBS = ["build", "demo", "package", "tests"]
# What a demo or a build must not pull in: test peers, a browser, another compiler.
TEST_ONLY = re.compile(r"^(postfix|chromium|clang|dovecot|exim4|opensmtpd)")
NOT_A_PACKAGE = "no-such-package-ehlo"


def run_setup(*args):
    return subprocess.run(["bash", str(SETUP), *args], capture_output=True, text=True,
                          timeout=30)


def packages(job):
    result = run_setup("--print-packages", job)
    assert result.returncode == 0, result.stderr
    names = result.stdout.split()
    assert names, f"no packages for {job}"
    return names


def peer_debs():
    """The .debs tools/setup downloads and unpacks for the tests job (PEER_DEBS=(...))."""
    found = re.search(r"^PEER_DEBS=\(([^)]*)\)", SETUP.read_text(), re.MULTILINE)
    assert found, "no PEER_DEBS=(...) in tools/setup"
    return found.group(1).split()


@pytest.mark.parametrize("job", ["build", "demo"])
def test_the_build_and_the_demo_need_no_test_peer_browser_or_clang(job):
    names = packages(job)
    assert [name for name in names if TEST_ONLY.match(name)] == []
    assert "g++" in names and "cmake" in names


def test_the_demo_has_what_run_demo_uses():
    assert "swaks" in packages("demo")
    assert "bash tools/setup demo" in (SOURCE_DIR / "tools" / "run-demo").read_text()


def test_the_tests_job_has_every_other_jobs_packages():
    tests = set(packages("tests"))
    for job in ["build", "demo", "package"]:
        assert set(packages(job)) <= tests, job
    assert {"postfix", "chromium", "catch2", "python3-yaml", "libxml2-utils"} <= tests
    assert "bash tools/setup tests" in (SOURCE_DIR / "tools" / "run-tests").read_text()


def test_no_job_means_the_tests_job():
    assert run_setup("--print-packages").stdout.split() == packages("tests")


def test_an_unknown_job_is_refused():
    result = run_setup("--print-packages", "everything")
    assert result.returncode == 2
    assert "unknown job everything" in result.stderr
    assert result.stdout == ""


def in_an_archive(names):
    """The packages among `names` that apt-cache policy finds in a package archive (a version
    table line with a source other than dpkg's status file, which lists what is installed)."""
    result = subprocess.run(["apt-cache", "policy", *names], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    found, package = set(), None
    for line in result.stdout.splitlines():
        if not line.startswith(" "):
            package = line.rstrip(":")
        elif re.match(r"\s+\d+ (?!/var/lib/dpkg/status)\S+ \S+", line):
            found.add(package)
    return found


def test_every_package_named_exists_in_debian():
    if not any(Path("/var/lib/apt/lists").glob("*_Packages*")):
        pytest.skip("apt has no package lists here (apt-get update)")
    named = sorted({name for job in JOBS for name in packages(job)} | set(peer_debs()))
    assert len(named) > 50
    found = in_an_archive([*named, NOT_A_PACKAGE])
    assert NOT_A_PACKAGE not in found  # the check can tell
    missing = [name for name in named if name not in found]
    assert missing == [], f"not in the package lists of apt: {missing}"
