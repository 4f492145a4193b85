"""The validated layer's tables: every accepted report's outputs combined into the DATASET
tables, with registry columns and types (the gates run on these)."""

from __future__ import annotations

import pandas as pd

from .. import registry
from ..extracted.codes import catalog_rows
from ..extracted.projects import build_projects
from ..extracted.stage import Extracted
from ..segmented.sentences import Segmented
from .target_outcomes import build_target_outcomes

#: project attributes carried on mention rows for build_projects, not published with mentions
MENTION_ONLY = ["name", "district", "category", "investment_value", "investment_unit"]


def sentence_rows(seg: Segmented) -> list[dict]:
    return [{
        "sentence_id": s.sentence_id,
        "report_id": seg.report_id,
        "section": s.section,
        "paragraph": s.paragraph,
        "position": s.position,
        "block": s.block,
        "part": s.part,
        "text": s.text,
        "text_source": s.text_source,
        "start": s.start,
        "end": s.end,
        "truncated": s.truncated,
        "page": s.page,
        "tokens": s.tokens,
    } for s in seg.sentences]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _table(df: pd.DataFrame, name: str, sort: list[str]) -> pd.DataFrame:
    table = registry.TABLES[name]
    if df.empty:
        return registry.empty_frame(table)
    return registry.conform(df.sort_values(sort, kind="stable"), table)


def combine(extracted: dict[str, Extracted], segmented: dict[str, Segmented]) -> dict[str, pd.DataFrame]:
    """All the tables from the accepted reports' extracted and segmented layers (by report id)."""
    keys = sorted(extracted)
    rep = pd.DataFrame([extracted[k].report for k in keys])
    sent = pd.DataFrame([row for k in keys if k in segmented for row in sentence_rows(segmented[k])])
    ind = _concat([extracted[k].indicators for k in keys])
    men = _concat([extracted[k].mentions for k in keys])
    projects = build_projects(men) if not men.empty else pd.DataFrame()
    if not men.empty:
        men = men.drop(columns=MENTION_ONLY, errors="ignore")
    tables = {
        "reports": _table(rep, "reports", ["report_id"]),
        "sentences": _table(sent, "sentences", ["report_id", "position"]),
        "indicators": _table(ind, "indicators", ["report_id", "start"]),
        "projects": _table(projects, "projects", ["district", "name"]),
        "project_mentions": _table(men, "project_mentions", ["report_id", "start"]),
        "indicator_catalog": _table(pd.DataFrame(catalog_rows()), "indicator_catalog", ["indicator_code"]),
    }
    tables["target_outcomes"] = build_target_outcomes(tables["indicators"], tables["reports"])
    return tables
