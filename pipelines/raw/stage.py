"""The per-report stages as plain functions on DataFrames: raw -> decoded -> segmented ->
extracted. Each stage's output is a small DataFrame that persists as Parquet."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .decode import Decoded, decode_report, read_report_bytes
from .errors import ReportRejected
from .indicators import ReportContext, extract_indicators
from .metadata import infer_metadata, load_sidecar
from .projects import extract_mentions, project_id
from .segment import Segmented, Sentence, segment
from .tokens import tokenize

SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
REPORT_SUFFIXES = (".txt", ".text", ".md", ".htm", ".html")
#: names a curator's editor or downloader uses while a file is still being written
TEMPORARY = re.compile(r"(^\.|^~|~$|\.(part|tmp|crdownload|swp|partial|download)$)", re.IGNORECASE)


@dataclass
class Scan:
    reports: dict[str, Path]  # report_id -> path, for files with a safe key
    refused: list[dict]  # {source_file, reason} for files refused by their name alone


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
            refused.append({"source_file": path.name, "report_id": stem, "reason": f"another file has the same report id {stem!r} ({reports[stem].name})"})
            continue
        reports[stem] = path
    return Scan(reports, refused)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def raw_frame(report_id: str, path: Path, scan: Scan | None = None) -> pd.DataFrame:
    data = read_report_bytes(path)
    digest = sha256_bytes(data)
    if scan is not None:
        check_duplicate(path, digest, scan)
    sidecar = path.with_suffix(".yaml")
    return pd.DataFrame([{
        "report_id": report_id,
        "source_file": path.name,
        "source_sha256": digest,
        "source_bytes": len(data),
        "sidecar_sha256": sha256_bytes(sidecar.read_bytes()) if sidecar.exists() else "",
        "data": data,
    }])


def decoded_frame(raw: pd.DataFrame) -> pd.DataFrame:
    row = raw.iloc[0]
    d = decode_report(bytes(row["data"]), row["source_file"])
    return pd.DataFrame([{
        "report_id": row["report_id"],
        "text": d.text,
        "text_source": d.text_source,
        "encoding": d.encoding,
        "script": d.script,
        "offset_map": d.offset_map or [],
        "repairs_pinyin": d.repairs_pinyin,
        "repairs_mojibake": d.repairs_mojibake,
        "repairs_punctuation": d.repairs_punctuation,
        "repairs_dropped_lines": d.repairs_dropped_lines,
        "unrecoverable_chars": d.unrecoverable_chars,
        "html_stripped": d.html_stripped,
        "notes": list(d.notes),
    }])


def decoded_from_frame(df: pd.DataFrame) -> Decoded:
    row = df.iloc[0]
    offset_map = list(row["offset_map"]) if len(row["offset_map"]) else None
    return Decoded(
        text=row["text"], text_source=row["text_source"], encoding=row["encoding"], script=row["script"],
        offset_map=offset_map, repairs_pinyin=int(row["repairs_pinyin"]), repairs_mojibake=int(row["repairs_mojibake"]),
        repairs_punctuation=int(row["repairs_punctuation"]), repairs_dropped_lines=int(row["repairs_dropped_lines"]),
        unrecoverable_chars=int(row["unrecoverable_chars"]), html_stripped=bool(row["html_stripped"]), notes=list(row["notes"]),
    )


def segmented_frame(report_id: str, decoded: Decoded) -> pd.DataFrame:
    """The report's sentences (registry columns), plus its boilerplate lines as block
    `boilerplate` rows (kept for the byline; not published as sentences)."""
    seg = segment(decoded.text)
    rows = []
    for position, s in enumerate(seg.sentences, start=1):
        rows.append({
            "sentence_id": f"{report_id}:{position:04d}",
            "report_id": report_id,
            "section": s.section,
            "paragraph": s.paragraph,
            "position": position,
            "block": s.block,
            "part": s.part,
            "text": s.text,
            "text_source": decoded.source_span(s.start, s.end),
            "start": s.start,
            "end": s.end,
            "truncated": s.truncated,
            "tokens": tokenize(s.text),
        })
    for k, line in enumerate(seg.boilerplate):
        rows.append({
            "sentence_id": f"{report_id}:b{k:03d}", "report_id": report_id, "section": None, "paragraph": 0,
            "position": 0, "block": "boilerplate", "part": None, "text": line, "text_source": line,
            "start": -1, "end": -1, "truncated": False, "tokens": [],
        })
    return pd.DataFrame(rows)


def segmented_from_frame(df: pd.DataFrame) -> tuple[Segmented, list[tuple[str, Sentence]]]:
    body = df[df["block"] != "boilerplate"].sort_values("position")
    pairs = [
        (r.sentence_id, Sentence(int(r.start), int(r.end), r.text, r.block, int(r.paragraph),
                                 r.section if isinstance(r.section, str) else None,
                                 r.part if isinstance(r.part, str) else None, bool(r.truncated)))
        for r in body.itertuples()
    ]
    title = next((s.text for _, s in pairs if s.block == "title"), None)
    boiler = df.loc[df["block"] == "boilerplate", "text"].tolist()
    return Segmented(title, [s for _, s in pairs], boiler, []), pairs


def extracted_frames(raw: pd.DataFrame, decoded_df: pd.DataFrame, segmented_df: pd.DataFrame, sidecar_path: Path | None) -> dict[str, pd.DataFrame]:
    """The report's row of `reports`, its indicators and its project mentions."""
    r = raw.iloc[0]
    report_id = r["report_id"]
    decoded = decoded_from_frame(decoded_df)
    seg, pairs = segmented_from_frame(segmented_df)
    sidecar = load_sidecar(sidecar_path) if sidecar_path is not None else {}
    meta = infer_metadata(seg, decoded.text, sidecar)
    ctx = ReportContext(report_id, meta["district"], meta["review_year"], meta["plan_year"])
    indicators = pd.DataFrame(extract_indicators(decoded.text, pairs, ctx))
    mentions = extract_mentions(decoded.text, pairs)
    mention_rows = [{
        "project_id": project_id(meta["district"], m.name),
        "report_id": report_id,
        "sentence_id": m.sentence_id,
        "name_as_written": decoded.source_span(m.start, m.end),
        "status": m.status,
        "start": m.start,
        "end": m.end,
        "name": m.name,
        "district": meta["district"],
        "category": m.category,
        "investment_value": m.investment_value,
        "investment_unit": m.investment_unit,
    } for m in mentions]
    report_row = {
        "report_id": report_id,
        "source_file": r["source_file"],
        "source_sha256": r["source_sha256"],
        "source_bytes": int(r["source_bytes"]),
        "source_encoding": decoded.encoding,
        "source_script": decoded.script,
        **{k: meta[k] for k in ("title", "province", "city", "district", "admin_code", "report_type", "review_year", "plan_year", "published_date", "outlet", "authors")},
        "n_chars": len(decoded.text),
        "n_sentences": int((segmented_df["block"] != "boilerplate").sum()),
        "n_indicators": len(indicators),
        "n_projects": len({m["project_id"] for m in mention_rows}),
        "repairs_pinyin": decoded.repairs_pinyin,
        "repairs_mojibake": decoded.repairs_mojibake,
        "repairs_punctuation": decoded.repairs_punctuation,
        "repairs_dropped_lines": decoded.repairs_dropped_lines,
        "unrecoverable_chars": decoded.unrecoverable_chars,
        "curated_fields": meta["curated_fields"],
    }
    return {
        "reports": pd.DataFrame([report_row]),
        "indicators": indicators,
        "mentions": pd.DataFrame(mention_rows),
    }
