"""The .deb in a clean Debian 12 (docs/install.md): `cpack -G DEB` builds it in the build folder,
debootstrap makes a minimal bookworm root (kept as a tarball in the build folder, so only the
first run downloads it), apt-get installs the package there with the dependencies it declares
and nothing more, and the programs run from inside the root: the demo of ehlo-check, ehlo-check
against an ehlo-server started there, ehlo-send delivering a message to it, --help and
--version; the man pages and the bash completion are where they belong. The root has no source
tree and no build folder, so ehlo-check can only find the suite where the package put it.

Needs root (chroot, mount) and debootstrap; skipped without them. Debian's packages come from
the mirror of the machine's own apt sources."""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BIN_DIR, SOURCE_DIR

WORK = BIN_DIR / "package-test"
ROOT_TARBALL = WORK / "bookworm-minbase.tar"
CHROOT_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root",
              "DEBIAN_FRONTEND": "noninteractive"}
VERDICTS = ("PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR")

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: chroot and mount of the Debian root"),
    pytest.mark.skipif(shutil.which("debootstrap") is None,
                       reason="needs debootstrap (apt-get install debootstrap)"),
]


def debian_mirror():
    """The Debian mirror of the machine's apt sources (deb822 or one-line format)."""
    deb822 = Path("/etc/apt/sources.list.d/debian.sources")
    if deb822.is_file():
        for stanza in deb822.read_text().split("\n\n"):
            fields = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, re.MULTILINE))
            if "bookworm" in fields.get("Suites", "").split() and "URIs" in fields:
                return fields["URIs"].split()[0]
    one_line = Path("/etc/apt/sources.list")
    if one_line.is_file():
        for line in one_line.read_text().splitlines():
            words = line.split()
            if len(words) >= 3 and words[0] == "deb" and words[2] == "bookworm":
                return words[1]
    return "http://deb.debian.org/debian"


def run(*command, timeout=600, **kwargs):
    """Runs a command; fails the test with its output when it does not exit with 0."""
    result = subprocess.run([str(word) for word in command], capture_output=True, text=True,
                            timeout=timeout, **kwargs)
    assert result.returncode == 0, f"{command} exited with {result.returncode}\n" \
        f"{result.stdout}\n{result.stderr}"
    return result


def in_root(root, *command, timeout=300, stdin=None):
    """Runs a command inside the Debian root; returns the CompletedProcess, whatever its code."""
    return subprocess.run(["chroot", str(root), *map(str, command)], capture_output=True,
                          text=True, env=CHROOT_ENV, timeout=timeout, input=stdin)


def make_root_tarball():
    """A minimal bookworm made by debootstrap, with apt's lists, tarred once into the build
    folder."""
    bootstrap = WORK / "bootstrap"
    shutil.rmtree(bootstrap, ignore_errors=True)
    run("debootstrap", "--variant=minbase", "bookworm", bootstrap, debian_mirror(), timeout=1800)
    run("chroot", bootstrap, "apt-get", "update", "-q", env=CHROOT_ENV)
    run("chroot", bootstrap, "apt-get", "clean", env=CHROOT_ENV)
    partial = ROOT_TARBALL.with_suffix(".partial")
    run("tar", "-C", bootstrap, "-cf", partial, ".")
    partial.rename(ROOT_TARBALL)
    shutil.rmtree(bootstrap)


@pytest.fixture(scope="module")
def deb():
    """The package, built with cpack from the build folder."""
    out = WORK / "deb"
    shutil.rmtree(out, ignore_errors=True)
    run("cpack", "-G", "DEB", "--config", BIN_DIR / "CPackConfig.cmake", "-B", out,
        cwd=BIN_DIR, timeout=1200)
    debs = list(out.glob("ehlo_*.deb"))
    assert len(debs) == 1, f"cpack made {debs}"
    return debs[0]


@pytest.fixture(scope="module")
def root(deb):
    """A fresh Debian 12 root with the package installed (and /proc mounted while the tests
    run)."""
    WORK.mkdir(parents=True, exist_ok=True)
    if not ROOT_TARBALL.is_file():
        make_root_tarball()
    root = WORK / "root"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    run("tar", "-C", root, "-xf", ROOT_TARBALL)
    if Path("/etc/resolv.conf").is_file():
        shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
    shutil.copy(deb, root / "tmp/ehlo.deb")
    run("mount", "-t", "proc", "proc", root / "proc")
    try:
        install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "/tmp/ehlo.deb"]
        if in_root(root, *install, timeout=600).returncode != 0:
            # The cached lists may name package versions the mirror no longer has.
            in_root(root, "apt-get", "update", "-q", timeout=600)
        result = in_root(root, *install, timeout=600)
        assert result.returncode == 0, f"apt-get install failed\n{result.stdout}\n{result.stderr}"
        yield root
    finally:
        subprocess.run(["umount", "-l", str(root / "proc")])
    shutil.rmtree(root, ignore_errors=True)


def deb_field(deb, field):
    return run("dpkg-deb", "--field", deb, field).stdout.strip()


def test_the_package_declares_its_dependencies_and_holds_only_the_programs_files(deb):
    depends = deb_field(deb, "Depends")
    for library in ("libc6", "libssl3", "libstdc++6"):
        assert library in depends, f"Depends: {depends}"
    assert deb_field(deb, "Section") == "mail"
    files = run("dpkg-deb", "--contents", deb).stdout
    paths = [line.split()[-1].removeprefix(".") for line in files.splitlines()]
    programs = sorted(path for path in paths if path.startswith("/usr/bin/") and
                      not path.endswith("/"))
    assert programs == ["/usr/bin/ehlo-check", "/usr/bin/ehlo-send", "/usr/bin/ehlo-server"]
    allowed = ("/usr/share/ehlo/scenarios/", "/usr/share/man/man1/ehlo-",
               "/usr/share/bash-completion/completions/ehlo-", "/usr/share/doc/ehlo/")
    files_only = [path for path in paths if not path.endswith("/")]
    assert [path for path in files_only if path not in programs
            and not path.startswith(allowed)] == []
    suite = [path for path in paths if path.startswith("/usr/share/ehlo/scenarios/")
             and path.endswith(".smtp")]
    assert len(suite) == len(list((SOURCE_DIR / "scenarios").rglob("*.smtp")))


def test_the_installed_files_are_in_place(root, deb):
    status = in_root(root, "dpkg-query", "-W", "-f", "${Status} ${Version}", "ehlo")
    assert status.stdout == f"install ok installed {deb_field(deb, 'Version')}"
    for program in ("ehlo-server", "ehlo-send", "ehlo-check"):
        page = root / f"usr/share/man/man1/{program}.1"
        assert page.is_file(), f"no man page {page}"
        text = page.read_text()
        assert "help2man" in text and re.search(rf"^\.TH {program.upper()} ", text, re.M)
        assert r"\-\-version" in text, text[:2000]  # the options, from --help
        completion = root / f"usr/share/bash-completion/completions/{program}"
        assert re.search(rf"^complete .*\b{program}\b", completion.read_text(), re.M)
    assert (root / "usr/share/doc/ehlo/README.md").is_file()
    assert (root / "usr/share/doc/ehlo/LICENSE").is_file()


def test_version_and_help_from_the_root(root, deb):
    version = in_root(root, "ehlo-check", "--version")
    assert version.returncode == 0, version.stderr
    upstream = deb_field(deb, "Version").split("-")[0]
    assert version.stdout.splitlines()[0] == f"ehlo-check {upstream}"
    helped = in_root(root, "ehlo-server", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "--listen" in helped.stdout and "--maildir" in helped.stdout


def tally(output):
    """The tally line `N scenarios: a PASS, b FAIL, ...`: N and {verdict: count}."""
    for line in output.splitlines():
        found = re.match(r"(\d+) scenarios?: ", line)
        if found:
            counts = {verdict: int(count) for count, verdict in
                      re.findall(r"(\d+) (" + "|".join(VERDICTS) + r")\b", line)}
            return int(found.group(1)), counts
    return None, {}


def test_the_demo_runs_the_installed_suite(root):
    demo = in_root(root, "ehlo-check", timeout=600)
    assert demo.returncode in (0, 1), f"exit {demo.returncode}\n{demo.stdout}\n{demo.stderr}"
    total, counts = tally(demo.stdout)
    assert total, f"no tally line\n{demo.stdout[-2000:]}\n{demo.stderr}"
    assert sum(counts.values()) == total and counts.get("PASS", 0) > 0, demo.stdout[-2000:]
    listed = in_root(root, "ehlo-check", "--list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) >= total


class ServerInRoot:
    """ehlo-server started inside the root on a free loopback port, delivering into
    /srv/mail there."""

    def __init__(self, root):
        self.process = subprocess.Popen(
            ["chroot", str(root), "ehlo-server", "--listen", "127.0.0.1:0", "--hostname",
             "mx.example.test", "--domain", "example.test", "--maildir", "/srv/mail"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=CHROOT_ENV)
        printed = []
        for line in self.process.stdout:
            printed.append(line)
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
                return
        raise AssertionError(f"ehlo-server exited without listening: {''.join(printed)}")

    def stop(self):
        self.process.terminate()
        return self.process.wait(timeout=30)


@pytest.fixture
def server(root):
    server = ServerInRoot(root)
    yield server
    assert server.stop() == 0


def test_ehlo_check_and_ehlo_send_against_a_server_in_the_root(root, server):
    target = f"127.0.0.1:{server.port}"
    checked = in_root(root, "ehlo-check", target, "--only", "rfc5321/4.1.4/*",
                      "--rcpt", "bob@example.test")
    assert checked.returncode in (0, 1), f"{checked.stdout}\n{checked.stderr}"
    total, counts = tally(checked.stdout)
    assert total and counts.get("PASS", 0) > 0, checked.stdout
    started = time.time()
    sent = in_root(root, "ehlo-send", "--server", target, "--from", "alice@example.org",
                   "--to", "carol@example.test", "--subject", "From the package",
                   "--body", "Installed from the .deb.")
    assert sent.returncode == 0, f"{sent.stdout}\n{sent.stderr}"
    delivered = list((root / "srv/mail/example.test/carol/new").iterdir())
    assert len(delivered) == 1
    assert delivered[0].stat().st_mtime >= started - 1
    assert "Installed from the .deb." in delivered[0].read_text()
