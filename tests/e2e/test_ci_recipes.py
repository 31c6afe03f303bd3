"""The CI recipes of docs/ci.md: the GitHub Actions workflow and the GitLab CI job in docs/ci/
leave every shell command to docs/ci/ehlo-ci.sh, which these tests run here, so the recipes
cannot rot. The script checks a server with a baseline written by ehlo-check --write-baseline:
exit 0 and a JUnit and an HTML report against the reference server; exit 0 against a server
with a known failure (a mutant of the reference server) while the baseline lists it, and 1
once the baseline no longer does. --only keeps each run to a few scenarios.
"""

import os
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest
import yaml

from check_support import run_check
from conftest import BIN_DIR, SOURCE_DIR
from ehlokit.processes import free_port
from ehlokit.programs import KitError
from ehlokit.server import EhloServer

CI_DIR = SOURCE_DIR / "docs" / "ci"
SCRIPT = CI_DIR / "ehlo-ci.sh"
# The settings ehlo-ci.sh reads that every recipe sets.
SETTINGS = {"EHLO_TARGET", "EHLO_BASELINE", "EHLO_REPORTS_DIR", "EHLO_ARGS"}
# NOOP's scenarios: a few seconds against any server; the mutant below fails some of them.
ONLY = "rfc5321/4.1.1.9/*"
MUTANT = "refuse-noop"  # every success of NOOP becomes 550


def github_workflow():
    workflow = yaml.safe_load((CI_DIR / "github-actions.yml").read_text())
    (job,) = workflow["jobs"].values()
    return job


def gitlab_job():
    (job,) = yaml.safe_load((CI_DIR / "gitlab-ci.yml").read_text()).values()
    return job


def assert_runs_the_script(commands):
    """The recipe builds and checks through ehlo-ci.sh, and never runs ehlo-check itself."""
    assert any("docs/ci/ehlo-ci.sh build" in command for command in commands), commands
    assert any("docs/ci/ehlo-ci.sh check" in command for command in commands), commands
    assert not [command for command in commands if "ehlo-check " in command], commands


def test_the_github_workflow_runs_the_script():
    job = github_workflow()
    assert_runs_the_script([step["run"] for step in job["steps"] if "run" in step])
    assert SETTINGS <= job["env"].keys()
    junit = [step for step in job["steps"] if "action-junit-report" in step.get("uses", "")]
    assert [step["with"]["report_paths"] for step in junit] == \
           [f"{job['env']['EHLO_REPORTS_DIR']}/ehlo.xml"]
    uploads = [step for step in job["steps"] if "upload-artifact" in step.get("uses", "")]
    assert [step["with"]["path"].rstrip("/") for step in uploads] == \
           [job["env"]["EHLO_REPORTS_DIR"]]
    assert all(step.get("if") == "always()" for step in junit + uploads)


def test_the_gitlab_job_runs_the_script():
    job = gitlab_job()
    assert_runs_the_script(job["before_script"] + job["script"])
    assert SETTINGS <= job["variables"].keys()
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == \
           f"{job['variables']['EHLO_REPORTS_DIR']}/ehlo.xml"


def test_the_page_shows_the_recipes_as_they_are():
    page = (SOURCE_DIR / "docs" / "ci.md").read_text()
    for name in ["github-actions.yml", "gitlab-ci.yml"]:
        assert (CI_DIR / name).read_text() in page, f"docs/ci.md does not show {name} as it is"


def test_every_setting_the_recipes_give_is_read_by_the_script():
    script = SCRIPT.read_text()
    given = set(github_workflow()["env"]) | set(gitlab_job()["variables"])
    # The GitLab job's own two: where it clones Ehlo from, and which tag.
    unread = {name for name in given - {"EHLO_REPOSITORY", "EHLO_REF"}
              if f"{name}:" not in script and f"{name}}}" not in script}
    assert unread == set()


@pytest.fixture
def mutant():
    """ehlo-server-mutant --mutant refuse-noop on a free loopback port."""
    server = EhloServer(["--mutant", MUTANT, "--discard"], program="ehlo-server-mutant",
                        bin_dir=BIN_DIR)
    try:
        server.start()
    except KitError as error:
        pytest.fail(str(error))
    yield server
    assert server.stop() == 0, server.output()


def write_baseline(port, path):
    """ehlo-check --write-baseline against 127.0.0.1:port; the known failures' ids."""
    result = run_check(f"127.0.0.1:{port}", "--only", ONLY, "--write-baseline", path)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return [line.split()[0] for line in path.read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def run_script(tmp_path, port, baseline, wait=5):
    """ehlo-ci.sh check against 127.0.0.1:port, as a CI job runs it (in its own folder)."""
    env = {**os.environ, "EHLO_TARGET": f"127.0.0.1:{port}", "EHLO_BASELINE": str(baseline),
           "EHLO_REPORTS_DIR": "reports", "EHLO_ARGS": f"--only '{ONLY}'",
           "EHLO_WAIT": str(wait), "EHLO_CHECK": str(BIN_DIR / "ehlo-check")}
    result = subprocess.run(["bash", str(SCRIPT), "check"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    print(result.stdout, result.stderr)
    return result


def assert_reports_written(folder):
    junit, html = folder / "ehlo.xml", folder / "ehlo.html"
    assert html.is_file() and html.stat().st_size > 0
    testcases = ElementTree.parse(junit).getroot().iter("testcase")
    assert sum(1 for _ in testcases) >= 3


def test_the_script_passes_a_conforming_server_and_writes_the_reports(server, tmp_path):
    baseline = tmp_path / "smtp-baseline.txt"
    assert write_baseline(server.port, baseline) == []
    result = run_script(tmp_path, server.port, baseline)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_reports_written(tmp_path / "reports")


def test_the_script_fails_on_a_failure_the_baseline_does_not_list(mutant, tmp_path):
    baseline = tmp_path / "smtp-baseline.txt"
    known = write_baseline(mutant.port, baseline)
    assert known, f"{MUTANT} fails none of {ONLY}"
    listed = run_script(tmp_path, mutant.port, baseline)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    lines = baseline.read_text().splitlines()
    baseline.write_text("\n".join(line for line in lines if not line.startswith(known[0])))
    unlisted = run_script(tmp_path, mutant.port, baseline)
    assert unlisted.returncode == 1, unlisted.stdout + unlisted.stderr
    assert_reports_written(tmp_path / "reports")


def test_a_server_that_never_listens_fails_the_job_with_2(tmp_path):
    baseline = tmp_path / "smtp-baseline.txt"
    baseline.write_text("")
    result = run_script(tmp_path, free_port(), baseline, wait=1)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "accepts no connection after 1 s" in result.stderr


def test_a_baseline_named_but_missing_fails_the_job_with_2(server, tmp_path):
    result = run_script(tmp_path, server.port, tmp_path / "no-such-baseline.txt")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "EHLO_BASELINE: no file" in result.stderr
