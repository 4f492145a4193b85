"""The extracted layer: a report's row of `reports` (provenance, repairs, metadata), its
indicators and its project mentions."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..decoded.stage import Decoded
from ..raw.sidecar import PROVENANCE_FIELDS
from ..raw.stage import RawReport
from ..segmented.sentences import Segmented
from .codes import assign_codes
from .indicators import ReportContext, extract_indicators
from .project_names import project_id
from .projects import extract_mentions
from .report_meta import infer_metadata

META_FIELDS = ("title", "province", "city", "district", "admin_code", "report_type", "review_year", "plan_year",
               "published_date", "outlet", "authors")


@dataclass
class Extracted:
    report: dict  # the report's row of `reports`
    indicators: pd.DataFrame  # rows of `indicators`
    mentions: pd.DataFrame  # rows of `project_mentions` plus the project attributes build_projects reads


def extract(raw: RawReport, decoded: Decoded, seg: Segmented) -> Extracted:
    report_id = raw.report_id
    pairs = [(s.sentence_id, s) for s in seg.sentences]
    meta = infer_metadata(seg, decoded.text, raw.sidecar)
    ctx = ReportContext(report_id, meta["district"], meta["review_year"], meta["plan_year"], meta["report_type"])
    indicators = pd.DataFrame(extract_indicators(decoded.text, pairs, ctx))
    indicators["indicator_code"] = assign_codes(indicators["metric"]) if len(indicators) else []
    indicators["admin_code"] = meta["admin_code"]
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
    } for m in extract_mentions(decoded.text, pairs)]
    report_row = {
        "report_id": report_id,
        "source_file": raw.source_file,
        "source_sha256": raw.source_sha256,
        "source_bytes": raw.source_bytes,
        "source_encoding": decoded.encoding,
        "source_script": decoded.script,
        **{k: meta[k] for k in META_FIELDS},
        "n_chars": len(decoded.text),
        "n_sentences": len(seg.sentences),
        "n_indicators": len(indicators),
        "n_projects": len({m["project_id"] for m in mention_rows}),
        "repairs_pinyin": decoded.repairs_pinyin,
        "repairs_mojibake": decoded.repairs_mojibake,
        "repairs_punctuation": decoded.repairs_punctuation,
        "repairs_dropped_lines": decoded.repairs_dropped_lines,
        "repairs_invisible": decoded.repairs_invisible,
        "unrecoverable_chars": decoded.unrecoverable_chars,
        "curated_fields": meta["curated_fields"],
        **{k: raw.sidecar.get(k) for k in PROVENANCE_FIELDS},
    }
    return Extracted(report_row, indicators, pd.DataFrame(mention_rows))
