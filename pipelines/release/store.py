"""What every release reader and writer shares: file digests, SHA256SUMS, version order, the
index and atomic writes (one copy of each)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def parse_sums(text: str) -> dict[str, str]:
    """`SHA256SUMS` text -> {file name: digest}."""
    out = {}
    for line in text.splitlines():
        digest, _, name = line.strip().partition("  ")
        if name:
            out[name] = digest
    return out


def read_sums(folder: Path) -> dict[str, str]:
    path = folder / "SHA256SUMS"
    return parse_sums(path.read_text(encoding="utf-8")) if path.exists() else {}


def parse_version(v: str) -> tuple[int, int, int]:
    major, minor, patch = v.lstrip("v").split(".")
    return int(major), int(minor), int(patch)


def read_index(releases: Path) -> dict:
    path = releases / "index.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"latest": None, "releases": []}


def atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
