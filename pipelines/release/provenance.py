"""Build provenance of a release: the code's version and a fingerprint of the code and data
files that made it, so a reader can tell which code produced a release and a rebuild can
show it used the same."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
#: what produces a release's content: the domain code with its data files, and the gates
CODE_PACKAGES = ("pipelines", "expectations")
DISTRIBUTION = "cn-gov-reports"


def code_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 (16 hex) of every source and data file of the packages, by relative path
    (the same on every machine for the same code; caches and compiled files excluded)."""
    h = hashlib.sha256()
    for package in CODE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
                continue
            h.update(path.relative_to(ROOT).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()[:16]
