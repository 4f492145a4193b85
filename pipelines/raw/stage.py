"""The raw layer: which files in the reports folder are reports, and each one's bytes, SHA-256,
size and curated sidecar. Duplicates, unsafe names and over-size files are refused here."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportRejected
from .sidecar import load_sidecar

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
    not a safe partition key is refused (documented in docs/decisions.md) rather than renamed."""
    reports, refused = {}, []
    if not folder.exists():
        return Scan(reports, refused)
    for path in sorted(folder.iterdir()):
        if not path.is_file() or TEMPORARY.search(path.name):
            continue
        if path.suffix.lower() not in REPORT_SUFFIXES:
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


def read_report_bytes(path: Path, limit: int) -> bytes:
    """Read a report file, refusing it by size before reading it whole."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReportRejected(path.name, "the file disappeared before it could be read") from None
    if size > limit:
        raise ReportRejected(path.name, f"the file is {size:,} bytes, over the size limit of {limit:,} bytes (CGR_MAX_REPORT_BYTES)")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReportRejected(path.name, "the file disappeared before it could be read") from None


def check_duplicate(path: Path, digest: str, scan: Scan) -> None:
    """The same bytes under two names: the first name (sorted) is kept, the other refused."""
    size = path.stat().st_size
    for other_id, other in sorted(scan.reports.items()):
        if other == path or other.name >= path.name:
            continue
        try:
            if other.stat().st_size == size and sha256_bytes(other.read_bytes()) == digest:
                raise ReportRejected(path.name, f"the same bytes as {other.name} (sha256 {digest[:12]}…): a duplicate")
        except FileNotFoundError:
            continue


def read_raw(report_id: str, path: Path, max_bytes: int, scan: Scan | None = None) -> RawReport:
    """The raw layer of one report: its bytes and checked sidecar, or ReportRejected."""
    data = read_report_bytes(path, max_bytes)
    digest = sha256_bytes(data)
    if scan is not None:
        check_duplicate(path, digest, scan)
    sidecar_path = path.with_suffix(".yaml")
    sidecar_bytes = sidecar_path.read_bytes() if sidecar_path.exists() else None
    return RawReport(
        report_id=report_id,
        source_file=path.name,
        source_sha256=digest,
        source_bytes=len(data),
        data=data,
        sidecar=load_sidecar(sidecar_path) if sidecar_bytes is not None else {},
        sidecar_sha256=sha256_bytes(sidecar_bytes) if sidecar_bytes is not None else "",
    )
