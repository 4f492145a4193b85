"""What every release reader and writer shares: file digests, SHA256SUMS, version order, the
index and atomic writes (one copy of each), and the copy of a release to an object store."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..settings import is_remote, location  # noqa: F401  (one definition, re-exported for the release code)

CHUNK = 1 << 20


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with path.open("rb") if hasattr(path, "open") else open(path, "rb") as fh:
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


class StoreError(RuntimeError):
    """A release could not be copied to a store or did not read back identical."""


def push_release(local_releases: Path, version: str, store) -> None:
    """Copy the local release `version` to `store` (a UPath): every file listed in its
    SHA256SUMS, each read back and checked against its digest, then SHA256SUMS, then the
    catalogue page, and index.json last, so a reader of the store's index only ever sees
    complete, verified releases."""
    folder = local_releases / version
    sums = read_sums(folder)
    target = store / version
    for name in [*sorted(sums), "SHA256SUMS"]:
        src, dst = folder / name, target / name
        expected = sums.get(name) or sha256_file(src)
        dst.parent.mkdir(parents=True, exist_ok=True)
        with open(src, "rb") as fh, dst.open("wb") as out:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                out.write(chunk)
        got = sha256_file(dst)
        if got != expected:
            raise StoreError(f"{dst}: read back with SHA-256 {got[:16]}…, expected {expected[:16]}…; index.json not updated")
    for name in ("index.html", "index.json"):
        if (local_releases / name).exists():
            (store / name).write_bytes((local_releases / name).read_bytes())


def pull_latest(store, local_releases: Path) -> None:
    """What publishing next to a store's releases needs locally: its index.json and its latest
    release folder (the changelog and drift checks compare with it)."""
    local_releases.mkdir(parents=True, exist_ok=True)
    index_path = store / "index.json"
    if not index_path.exists():
        return
    (local_releases / "index.json").write_bytes(index_path.read_bytes())
    latest = json.loads(index_path.read_text(encoding="utf-8")).get("latest")
    if latest:
        for path in (store / latest).rglob("*"):
            if path.is_file():
                dest = local_releases / latest / str(path).removeprefix(str(store / latest).rstrip("/") + "/")
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(path.read_bytes())
