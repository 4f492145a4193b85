"""Read a release store (a local folder, file://, http(s)://, or s3:// with the `s3` extra):
list its releases and download verified files.

Every file is streamed into a hidden `.name.part-*` file next to its destination while its
SHA-256 is computed, checked against the release's SHA256SUMS, and only then renamed to its
final name: an interrupted or failed download never leaves a file under its final name."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .store import parse_sums, sha256_file

FORMATS = ("parquet", "csv")
#: what a reader needs beside the tables: the data card, licence, changelog and validation summary
HUMAN_FILES = ("README.md", "README.html", "DATA_LICENSE.md", "CHANGELOG.md", "validation.html", "release.json")
CHUNK = 1 << 20


class DownloadError(Exception):
    """A store, version, table or checksum problem, said in one line."""


@dataclass
class Store:
    url: str
    fs: object
    root: str

    def path(self, *parts: str) -> str:
        return "/".join([self.root.rstrip("/"), *parts])

    def read_bytes(self, *parts: str) -> bytes:
        try:
            return self.fs.cat_file(self.path(*parts))
        except FileNotFoundError:
            if parts == ("index.json",):
                raise DownloadError(f"{self.url}: not a release store (no index.json in it or in its releases/ folder)") from None
            raise DownloadError(f"{self.url}: {'/'.join(parts)} not found") from None
        except Exception as exc:  # aiohttp, OSError, ...: the store cannot be reached
            raise DownloadError(f"{self.url}: cannot read {'/'.join(parts)} ({type(exc).__name__}: {exc})") from None


def open_store(url: str | os.PathLike, endpoint_url: str | None = None) -> Store:
    """`endpoint_url`: the S3 API of an s3:// store that is not AWS (MinIO, a local server)."""
    import fsspec

    url = str(url)
    options = {"endpoint_url": endpoint_url} if endpoint_url else {}
    if options and not url.startswith(("s3://", "s3a://")):
        raise DownloadError(f"{url}: --endpoint-url applies to s3:// stores only")
    try:
        fs, root = fsspec.core.url_to_fs(url, **options)
    except (ImportError, ValueError) as exc:
        raise DownloadError(f"{url}: unsupported store ({exc})") from None
    store = Store(url, fs, root)
    # the README calls the folder that holds releases/ the store; the releases folder itself works too
    try:
        if not fs.exists(store.path("index.json")) and fs.exists(store.path("releases", "index.json")):
            return Store(url, fs, store.path("releases"))
    except Exception:  # an unreachable store is reported when its index is read
        pass
    return store


def read_index(store: Store) -> dict:
    try:
        return json.loads(store.read_bytes("index.json"))
    except ValueError:
        raise DownloadError(f"{store.url}: index.json is not valid JSON") from None


def resolve_version(index: dict, version: str | None) -> dict:
    known = [r["version"] for r in index.get("releases", [])]
    wanted = index.get("latest") if version in (None, "latest") else (version if version.startswith("v") else f"v{version}")
    entry = next((r for r in index.get("releases", []) if r["version"] == wanted), None)
    if entry is None:
        raise DownloadError(f"unknown version {version!r}; the store has: {', '.join(known) or 'no releases'}")
    return entry


def release_rows(index: dict) -> list[dict]:
    """One row per release, newest first: version, created, gate, latest, row counts."""
    rows = []
    for r in sorted(index.get("releases", []), key=lambda r: [int(x) for x in r["version"].lstrip("v").split(".")], reverse=True):
        rows.append({"version": r["version"], "created": r["created"], "gate": r.get("gate"), "latest": r["version"] == index.get("latest"),
                     "row_counts": r.get("row_counts", {}), "reports": len(r.get("report_ids", []))})
    return rows


def format_releases(rows: list[dict]) -> str:
    tables = list(rows[0]["row_counts"]) if rows else []
    head = ["version", "created", "gate", *tables]
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for r in rows:
        cells = [r["version"] + (" (latest)" if r["latest"] else ""), r["created"], str(r["gate"])]
        cells += [str(r["row_counts"].get(t, "")) for t in tables]
        lines.append(" | ".join(cells))
    return "\n".join(lines)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fetch(store: Store, version: str, name: str, dest: Path, expected: str | None, progress: bool) -> None:
    """Stream one file to a hidden temporary, verify it, then rename it into place."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.part-", dir=dest.parent)
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                src = store.fs.open(store.path(version, name), "rb")
            except FileNotFoundError:
                raise DownloadError(f"{store.url}: {version}/{name} not found") from None
            except DownloadError:
                raise
            except Exception as exc:
                raise DownloadError(f"{store.url}: cannot read {version}/{name} ({type(exc).__name__}: {exc})") from None
            bar = None
            if progress:
                from tqdm import tqdm

                bar = tqdm(total=getattr(src, "size", None), unit="B", unit_scale=True, desc=name, leave=False, file=sys.stderr)
            with src:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    out.write(chunk)
                    h.update(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
            if bar is not None:
                bar.close()
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a download gets ordinary permissions
        if expected is not None and h.hexdigest() != expected:
            raise DownloadError(f"checksum mismatch for {version}/{name}: SHA256SUMS says {expected[:16]}…, "
                                f"the download is {h.hexdigest()[:16]}…; the file was removed")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def download(store: Store, version: str | None = "latest", tables: list[str] | None = None, fmt: str = "all",
             to: Path = Path("."), progress: bool | None = None, log=lambda msg: None, stats: dict | None = None) -> list[Path]:
    """Download the chosen tables (default: all) in the chosen format(s) plus datapackage.json
    and SHA256SUMS into `to/<version>/`; returns the files now present and verified."""
    index = read_index(store)
    entry = resolve_version(index, version)
    v = entry["version"]
    known = list(entry.get("row_counts", {}))
    unknown = [t for t in tables or [] if t not in known]
    if unknown:
        raise DownloadError(f"unknown table {', '.join(unknown)}; {v} has: {', '.join(known)}")
    if fmt not in (*FORMATS, "all"):
        raise DownloadError(f"unknown format {fmt!r}; use parquet, csv or all")
    formats = FORMATS if fmt == "all" else (fmt,)
    folder = Path(to) / v
    folder.mkdir(parents=True, exist_ok=True)
    progress = sys.stderr.isatty() if progress is None else progress
    sums_text = store.read_bytes(v, "SHA256SUMS").decode("utf-8")
    sums = parse_sums(sums_text)
    # the human-readable files go with every download (those a release has: older ones lack some)
    names = ["datapackage.json", *[n for n in HUMAN_FILES if n in sums]] + [f"{t}.{f}" for t in (tables or known) for f in formats]
    done, skipped = [], []
    for name in names:
        if name not in sums:
            raise DownloadError(f"{store.url}: {v}/SHA256SUMS does not list {name}")
        dest = folder / name
        if dest.exists() and sha256_file(dest) == sums[name]:
            log(f"{v}/{name}: already here, checksum matches, skipped")
            skipped.append(dest)
        else:
            _fetch(store, v, name, dest, sums[name], progress)
            log(f"{v}/{name}: downloaded and verified")
        done.append(dest)
    # the checksum list last, so a folder holding it holds every file it was fetched for
    tmp = folder / f".SHA256SUMS.part-{os.getpid()}"
    tmp.write_text(sums_text, encoding="utf-8")
    os.replace(tmp, folder / "SHA256SUMS")
    done.append(folder / "SHA256SUMS")
    if stats is not None:
        stats["skipped"] = len(skipped)
        stats["downloaded"] = len(done) - len(skipped) - 1
    return done
