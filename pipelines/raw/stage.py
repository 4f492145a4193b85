"""The raw layer: which files in the reports folder are reports, and each one's bytes, SHA-256,
size and curated sidecar. Duplicates, unsafe names, symbolic links, unreadable and over-size
files are refused here: nothing outside the reports folder is ever read."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportRejected
from .sidecar import MAX_SIDECAR_BYTES, load_sidecar

SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
REPORT_SUFFIXES = (".txt", ".text", ".md", ".htm", ".html", ".pdf", ".docx", ".doc")
#: names a curator's editor or downloader uses while a file is still being written
TEMPORARY = re.compile(r"(^\.|^~|~$|\.(part|tmp|crdownload|swp|partial|download)$)", re.IGNORECASE)


@dataclass
class Scan:
    reports: dict[str, Path]  # report_id -> path, for files with a safe key
    refused: list[dict]  # {source_file, reason} for files refused by their name alone


@dataclass
class RawReport:
    report_id: str
    source_file: str
    source_sha256: str
    source_bytes: int
    data: bytes
    sidecar: dict = field(default_factory=dict)  # curated fields, checked (see sidecar.py)
    sidecar_sha256: str = ""


def scan_reports(folder: Path) -> Scan:
    """The report files in a folder. Hidden and temporary names are ignored; a file whose stem is
    not a safe partition key is refused (documented in docs/decisions.md) rather than renamed;
    a symbolic link is refused, never followed (it may point anywhere)."""
    reports, refused = {}, []
    if not folder.exists():
        return Scan(reports, refused)
    for path in sorted(folder.iterdir()):
        if TEMPORARY.search(path.name) or path.suffix.lower() not in REPORT_SUFFIXES:
            continue
        if path.is_symlink():
            refused.append({"source_file": path.name, "report_id": None,
                            "reason": "a symbolic link: links are not followed (copy the file itself into the reports folder)"})
            continue
        if not path.is_file():
            what = "a folder" if path.is_dir() else "not a regular file (a pipe, device or socket)"
            refused.append({"source_file": path.name, "report_id": None, "reason": f"{what}, not a report file"})
            continue
        stem = path.stem
        if not SAFE_KEY.match(stem) or ".." in stem:
            refused.append({"source_file": path.name, "report_id": None,
                            "reason": "the file name is not a safe report id (use ASCII letters, digits, '_', '-', '.'; at most 100 characters; no '..')"})
            continue
        if stem in reports:
            # one report in two formats (x.docx and x.pdf): the first name in sorted order is kept
            refused.append({"source_file": path.name, "report_id": stem, "reason": f"another file has the same report id {stem!r} ({reports[stem].name}); keep one format of a report"})
            continue
        reports[stem] = path
    return Scan(reports, refused)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_regular_file(path: Path, limit: int, what: str = "the file", setting: str = "") -> bytes:
    """The bytes of a regular file, read without following a symbolic link (O_NOFOLLOW, so a
    link swapped in after the scan is refused too), refused by size before it is read whole.
    Every way the read can fail becomes a ReportRejected naming the file."""
    limit_note = f" ({setting})" if setting else ""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ReportRejected(path.name, f"{what} disappeared before it could be read") from None
    except PermissionError:
        raise ReportRejected(path.name, f"{what} cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise ReportRejected(path.name, f"{what} is a folder, not a file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReportRejected(path.name, f"{what} is a symbolic link: links are not followed") from None
        raise ReportRejected(path.name, f"{what} cannot be read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ReportRejected(path.name, f"{what} is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise ReportRejected(path.name, f"{what} is not a regular file (a device, pipe or socket)")
        if st.st_size > limit:
            raise ReportRejected(path.name, f"{what} is {st.st_size:,} bytes, over the size limit of {limit:,} bytes{limit_note}")
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)  # a file that grew after fstat is still cut off at the limit
    except OSError as exc:
        raise ReportRejected(path.name, f"{what} cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ReportRejected(path.name, f"{what} is over the size limit of {limit:,} bytes{limit_note}")
    return data


def read_report_bytes(path: Path, limit: int) -> bytes:
    """Read a report file, refusing it by size before reading it whole."""
    return read_regular_file(path, limit, "the file", "CGR_MAX_REPORT_BYTES")


def check_duplicate(report_id: str, path: Path, digest: str, size: int, scan: Scan,
                    history: Mapping[str, str] | None = None) -> None:
    """The same bytes under two names: the report that already holds this content (`history`:
    report id -> the sha256 it was last accepted with) keeps it, whatever the names; among new
    files the first name (sorted) is kept. The other is refused, and the refusal names the file
    it depends on so a change of either file, or the removal of the original, re-examines it."""
    same = []
    for other_id, other in sorted(scan.reports.items()):
        if other_id == report_id:
            continue
        try:
            if other.lstat().st_size == size and sha256_bytes(read_regular_file(other, size)) == digest:
                same.append(other_id)
        except (OSError, ReportRejected):
            continue
    if not same:
        return
    group = sorted([report_id, *same])
    holders = [k for k in group if (history or {}).get(k) == digest]
    original = (holders or group)[0]
    if original != report_id:
        why = "already accepted with this content" if holders else "first by name"
        raise ReportRejected(path.name, f"the same bytes as {scan.reports[original].name} (sha256 {digest[:12]}…; {why}): a duplicate",
                             depends_on={scan.reports[original].name: digest})


def read_sidecar_bytes(path: Path) -> bytes | None:
    """The sidecar's bytes, None without one. A sidecar that is a link, a folder or another
    non-file refuses the report (it is never followed or skipped silently)."""
    try:
        path.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ReportRejected(path.name, f"the sidecar cannot be read ({exc.strerror or exc})") from None
    return read_regular_file(path, MAX_SIDECAR_BYTES, "the sidecar")


def read_raw(report_id: str, path: Path, max_bytes: int, scan: Scan | None = None,
             history: Mapping[str, str] | None = None) -> RawReport:
    """The raw layer of one report: its bytes and checked sidecar, or ReportRejected."""
    data = read_report_bytes(path, max_bytes)
    digest = sha256_bytes(data)
    if scan is not None:
        check_duplicate(report_id, path, digest, len(data), scan, history)
    sidecar_path = path.with_suffix(".yaml")
    sidecar_bytes = read_sidecar_bytes(sidecar_path)
    return RawReport(
        report_id=report_id,
        source_file=path.name,
        source_sha256=digest,
        source_bytes=len(data),
        data=data,
        sidecar=load_sidecar(sidecar_path, sidecar_bytes) if sidecar_bytes is not None else {},
        sidecar_sha256=sha256_bytes(sidecar_bytes) if sidecar_bytes is not None else "",
    )
