"""Read a release store (a local folder, file://, http(s)://, or s3:// with the `s3` extra):
list its releases and download verified files.

Every file is streamed into a hidden `.name.part-*` file next to its destination while its
SHA-256 is computed, checked against the release's SHA256SUMS, and only then renamed to its
final name: an interrupted or failed download never leaves a file under its final name.

A store is not trusted: every version, table and file name it lists is checked before it is used
in a path, every destination is checked to lie inside `--to`, a file is cut off at the size the
release lists for it (or the store reports), and a stalled read ends after a timeout."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .store import parse_sums, sha256_file

FORMATS = ("parquet", "csv")
#: what a reader needs beside the tables: the data card, licence, changelog and validation summary
HUMAN_FILES = ("README.md", "README.html", "DATA_LICENSE.md", "CHANGELOG.md", "validation.html", "release.json")
CHUNK = 1 << 20
VERSION = re.compile(r"v\d{1,6}\.\d{1,6}\.\d{1,6}")
#: a file name of a release: letters, digits, `._-`, no path separators, not hidden
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,200}")
#: what a path part listed in SHA256SUMS never holds (the release's subfolders use `/`)
SUMS_PART_BAD = re.compile(r"[\x00-\x1f\x7f\\]")
#: the cap of a file whose size neither the release nor the store states
MAX_UNLISTED_BYTES = 4 << 30
#: index.json and SHA256SUMS are small; a store sending more is not a release store
MAX_META_BYTES = 64 << 20
#: seconds without a byte before a read is given up
READ_TIMEOUT = 60.0


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
            with self.fs.open(self.path(*parts), "rb") as src:
                data = src.read(MAX_META_BYTES + 1)
        except FileNotFoundError as exc:
            if _unreachable(exc):
                raise DownloadError(f"{self.url}: cannot read {'/'.join(parts)} ({_said(exc.__cause__)})") from None
            if parts == ("index.json",):
                raise DownloadError(f"{self.url}: not a release store (no index.json in it or in its releases/ folder)") from None
            raise DownloadError(f"{self.url}: {'/'.join(parts)} not found") from None
        except Exception as exc:  # aiohttp, OSError, ...: the store cannot be reached
            raise DownloadError(f"{self.url}: cannot read {'/'.join(parts)} ({_said(exc)})") from None
        if len(data) > MAX_META_BYTES:
            raise DownloadError(f"{self.url}: {'/'.join(parts)} is larger than {MAX_META_BYTES >> 20} MB; not a release store")
        return data


def _unreachable(exc: FileNotFoundError) -> bool:
    """fsspec's http filesystem says FileNotFoundError for a refused connection or a timeout too:
    the cause tells them from a real 404."""
    cause = exc.__cause__
    return cause is not None and not isinstance(cause, FileNotFoundError) and getattr(cause, "status", None) != 404


def _said(exc: BaseException) -> str:
    """An exception in a few words; a timeout says so (aiohttp's has no message)."""
    if _is_timeout(exc):
        return "no data within the read timeout"
    return f"{type(exc).__name__}: {exc}".strip().rstrip(":")


def _is_timeout(exc: BaseException) -> bool:
    import asyncio

    return isinstance(exc, (TimeoutError, asyncio.TimeoutError)) or "Timeout" in type(exc).__name__


def _storage_options(url: str, timeout: float) -> dict:
    """A connect and read timeout for the remote filesystems (a store that stalls ends in an error)."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else "file"
    if scheme in ("http", "https"):
        import aiohttp

        return {"client_kwargs": {"timeout": aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout)}}
    if scheme in ("s3", "s3a"):
        return {"config_kwargs": {"connect_timeout": timeout, "read_timeout": timeout}}
    return {}


def open_store(url: str | os.PathLike, endpoint_url: str | None = None, timeout: float = READ_TIMEOUT) -> Store:
    """`endpoint_url`: the S3 API of an s3:// store that is not AWS (MinIO, a local server);
    `timeout`: seconds a connect or read may wait for data."""
    import fsspec

    url = str(url)
    options = {"endpoint_url": endpoint_url} if endpoint_url else {}
    if options and not url.startswith(("s3://", "s3a://")):
        raise DownloadError(f"{url}: --endpoint-url applies to s3:// stores only")
    try:
        fs, root = fsspec.core.url_to_fs(url, **_storage_options(url, timeout), **options)
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
        index = json.loads(store.read_bytes("index.json"))
    except ValueError:
        raise DownloadError(f"{store.url}: index.json is not valid JSON") from None
    check_index(index, store.url)
    return index


def check_index(index, url: str) -> None:
    """Every name the index gives is checked before any is used in a path: versions `vX.Y.Z`,
    tables of the registry; anything else means the store is damaged or hostile."""
    from .. import registry

    def bad(what: str) -> DownloadError:
        return DownloadError(f"{url}: index.json {what}; refusing to read this store")

    if not isinstance(index, dict) or not isinstance(index.get("releases", []), list):
        raise bad("is not a release index")
    versions = []
    for r in index.get("releases", []):
        v = r.get("version") if isinstance(r, dict) else None
        if not isinstance(v, str) or not VERSION.fullmatch(v):
            raise bad(f"lists a malformed version {v!r} (a version is vX.Y.Z)")
        counts = r.get("row_counts", {})
        if not isinstance(counts, dict):
            raise bad(f"gives {v} malformed row counts")
        unknown = [t for t in counts if t not in registry.TABLES]
        if unknown:
            raise bad(f"lists an unknown table {unknown[0]!r} in {v} (tables: {', '.join(registry.TABLES)})")
        versions.append(v)
    latest = index.get("latest")
    if latest is not None and latest not in versions:
        raise bad(f"names {latest!r} as latest, which it does not list")


def safe_name(name: str, where: str) -> str:
    """A file name from a store, checked: no path, no `..`, no hidden or control characters."""
    if not isinstance(name, str) or not FILE_NAME.fullmatch(name) or ".." in name:
        raise DownloadError(f"{where}: unsafe file name {name!r}; refusing to write it")
    return name


def inside(root: Path, path: Path) -> Path:
    """`path`, resolved, when it lies inside `root` (resolved); else a DownloadError."""
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        raise DownloadError(f"{path} resolves to {resolved}, outside {root}; nothing was written there")
    return resolved


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
        rows.append({"version": r["version"], "created": r.get("created", ""), "gate": r.get("gate"), "latest": r["version"] == index.get("latest"),
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


def _listed_sizes(folder: Path) -> dict[str, int]:
    """File sizes the release's datapackage.json lists (its CSV resources), once it is here."""
    try:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        return {r["path"]: int(r["bytes"]) for r in package.get("resources", []) if isinstance(r.get("path"), str) and "bytes" in r}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _fetch(store: Store, version: str, name: str, dest: Path, expected: str | None, progress: bool,
           cap: int | None = None) -> None:
    """Stream one file to a hidden temporary, verify it, then rename it into place. `cap`: the
    size the release lists; else the size the store reports; else MAX_UNLISTED_BYTES."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.part-", dir=dest.parent)
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                src = store.fs.open(store.path(version, name), "rb")
            except FileNotFoundError as exc:
                if _unreachable(exc):
                    raise DownloadError(f"{store.url}: cannot read {version}/{name} ({_said(exc.__cause__)})") from None
                raise DownloadError(f"{store.url}: {version}/{name} not found") from None
            except DownloadError:
                raise
            except Exception as exc:
                raise DownloadError(f"{store.url}: cannot read {version}/{name} ({_said(exc)})") from None
            reported = getattr(src, "size", None)
            limit = cap if cap is not None else (reported if isinstance(reported, int) else MAX_UNLISTED_BYTES)
            got = 0
            bar = None
            if progress:
                from tqdm import tqdm

                bar = tqdm(total=getattr(src, "size", None), unit="B", unit_scale=True, desc=name, leave=False, file=sys.stderr)
            with src:
                while True:
                    try:
                        chunk = src.read(min(CHUNK, limit + 1 - got))
                    except Exception as exc:
                        raise DownloadError(f"{store.url}: reading {version}/{name} failed ({_said(exc)}); "
                                            "the partial file was removed") from None
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > limit:
                        raise DownloadError(f"{store.url}: {version}/{name} is larger than the {limit} bytes listed for it; "
                                            "stopped, and the partial file was removed")
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
    v = entry["version"]  # checked by read_index: vX.Y.Z
    known = list(entry.get("row_counts", {}))
    unknown = [t for t in tables or [] if t not in known]
    if unknown:
        raise DownloadError(f"unknown table {', '.join(unknown)}; {v} has: {', '.join(known)}")
    if fmt not in (*FORMATS, "all"):
        raise DownloadError(f"unknown format {fmt!r}; use parquet, csv or all")
    formats = FORMATS if fmt == "all" else (fmt,)
    root = Path(to).resolve()
    folder = root / v
    folder.mkdir(parents=True, exist_ok=True)
    folder = inside(root, folder)  # a `v…` symlink out of --to is refused
    progress = sys.stderr.isatty() if progress is None else progress
    try:
        sums_text = store.read_bytes(v, "SHA256SUMS").decode("utf-8")
    except UnicodeDecodeError:
        raise DownloadError(f"{store.url}: {v}/SHA256SUMS is not UTF-8 text; refusing to read this store") from None
    sums = parse_sums(sums_text)
    # the list is copied as it is: a name in it that climbs out of the folder is a hostile store
    for name in sums:
        parts = name.split("/")
        if any(p in ("", ".", "..") or SUMS_PART_BAD.search(p) for p in parts):
            raise DownloadError(f"{store.url}: {v}/SHA256SUMS lists an unsafe file name {name!r}; refusing to read this store")
    # the human-readable files go with every download (those a release has: older ones lack some)
    names = ["datapackage.json", *[n for n in HUMAN_FILES if n in sums]] + [f"{t}.{f}" for t in (tables or known) for f in formats]
    done, skipped = [], []
    listed: dict[str, int] = {}
    for name in names:
        safe_name(name, f"{store.url}: {v}")
        if name not in sums:
            raise DownloadError(f"{store.url}: {v}/SHA256SUMS does not list {name}")
        dest = folder / name
        if dest.is_symlink():
            raise DownloadError(f"{dest} is a symbolic link; remove it first (a download never writes through one)")
        if dest.exists() and sha256_file(dest) == sums[name]:
            log(f"{v}/{name}: already here, checksum matches, skipped")
            skipped.append(dest)
        else:
            _fetch(store, v, name, dest, sums[name], progress, listed.get(name))
            log(f"{v}/{name}: downloaded and verified")
        done.append(dest)
        if name == "datapackage.json":
            listed = _listed_sizes(folder)
    # the checksum list last, so a folder holding it holds every file it was fetched for
    tmp = folder / f".SHA256SUMS.part-{os.getpid()}"
    tmp.write_text(sums_text, encoding="utf-8")
    os.replace(tmp, folder / "SHA256SUMS")
    done.append(folder / "SHA256SUMS")
    if stats is not None:
        stats["skipped"] = len(skipped)
        stats["downloaded"] = len(done) - len(skipped) - 1
    return done
