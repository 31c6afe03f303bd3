"""What the hardening parts share: the exit statuses and the output conventions of a part, a
scratch folder, and the error of a check that could not be carried out. Servers, certificates
and peers come from the rest of the kit (ehlokit.server, ehlokit.certificates).
"""

import shutil
import tempfile
from pathlib import Path

from ehlokit.programs import KitError

PASSED, FAILED, SKIPPED = 0, 1, 77


class HardeningError(KitError):
    """The check could not be carried out (a server that would not start, a missing tool)."""


def say(text=""):
    print(text, flush=True)


def verdict(name, passed, detail=""):
    """Prints the closing line of a part and returns its exit status."""
    say(f"{name}: {'PASS' if passed else 'FAIL'}" + (f" ({detail})" if detail else ""))
    return PASSED if passed else FAILED


class ScratchFolder:
    """A temporary folder, removed on exit of the `with` block (also on an exception)."""

    def __init__(self, prefix="ehlo-hardening-"):
        self.path = Path(tempfile.mkdtemp(prefix=prefix))

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)
