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
    """`index.json`; when it is unreadable (truncated, hand-edited), the index the version
    folders give (each holds its release.json), which the next publication writes back."""
    path = releases / "index.json"
    if path.exists():
        try:
            index = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(index, dict) and isinstance(index.get("releases"), list):
                return index
        except (OSError, ValueError):
            pass
        return index_from_folders(releases)
    return {"latest": None, "releases": []}


def index_from_folders(releases: Path) -> dict:
    entries = []
    for folder in releases.glob("v*.*.*"):
        try:
            parse_version(folder.name)  # a stray `v1.x.y` folder is no version
            entry = json.loads((folder / "release.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(entry, dict) and entry.get("version") == folder.name:
            entries.append(entry)
    entries.sort(key=lambda r: parse_version(r["version"]))
    return {"latest": entries[-1]["version"] if entries else None, "releases": entries, "rebuilt": True}


def verify_release(folder: Path) -> list[str]:
    """What in a release folder does not match its SHA256SUMS: changed, missing or unlisted
    files (empty when it verifies)."""
    try:
        sums = parse_sums((folder / "SHA256SUMS").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return ["SHA256SUMS is missing or unreadable"]
    problems = []
    for name, digest in sorted(sums.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif sha256_file(path) != digest:
            problems.append(f"{name} changed")
    listed = set(sums) | {"SHA256SUMS"}
    problems += [f"{p.relative_to(folder).as_posix()} is not listed" for p in sorted(folder.rglob("*"))
                 if p.is_file() and p.relative_to(folder).as_posix() not in listed]
    return problems


def atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
