"""Where the repository and the built programs are, the names the tests serve, and the kit's
error.

EHLO_SOURCE_DIR is the repository (default: the one holding this kit) and EHLO_BIN_DIR the
build folder with ehlo-server, ehlo-send, ehlo-check and the mutants (default: build/ of
the repository). Both are read when asked, not when imported: tools/hardening sets
EHLO_BIN_DIR from its --bin-dir option after the kit is imported.
"""

import os
from pathlib import Path

HOSTNAME = "mx.example.test"
DOMAIN = "example.test"


class KitError(Exception):
    """A program, a server or a peer could not be found or started; the message says why."""


def source_dir() -> Path:
    """The repository's root."""
    return Path(os.environ.get("EHLO_SOURCE_DIR", Path(__file__).resolve().parents[2]))


def bin_dir() -> Path:
    """The build folder holding the programs."""
    return Path(os.environ.get("EHLO_BIN_DIR", source_dir() / "build"))


def binary(name, folder=None) -> Path:
    """The path of the program `name` in `folder` (default: bin_dir()); KitError when it is
    not there."""
    path = Path(folder or bin_dir()) / name
    if not os.access(path, os.X_OK):
        raise KitError(f"{path} not found: build it, or set EHLO_BIN_DIR")
    return path
