"""The validated layer's tables: every accepted report's outputs combined into the DATASET
tables, with registry columns and types (the gates run on these)."""

from __future__ import annotations

from typing import Callable, Iterator

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


#: how many reports one batch of the streamed tables holds
BATCH_REPORTS = 200
#: the mention columns the dataset-wide projects table is built from
PROJECT_INPUTS = ["project_id", "name", "district", "category", "status", "report_id", "start", "investment_value", "investment_unit"]
Loader = Callable[[list[str]], tuple[dict[str, Extracted], dict[str, Segmented]]]


def table_batches(keys: list[str], load: Loader, batch_size: int = BATCH_REPORTS) -> Iterator[dict[str, pd.DataFrame]]:
    """The tables in report order, batch by batch: for each batch of reports (loaded by `load`)
    the rows of the tables whose rows belong to one report, then the tables built from every
    report (projects, from the mentions kept in a few columns). Each table's batches, joined,
    equal the table sorted as a whole: its first sort key is the report id."""
    keys = sorted(keys)
    mentions, indicators, reports = [], [], []
    for i in range(0, len(keys), max(batch_size, 1)):
        extracted, segmented = load(keys[i : i + batch_size])
        chunk = sorted(extracted)
        rep = pd.DataFrame([extracted[k].report for k in chunk])
        sent = pd.DataFrame([row for k in chunk if k in segmented for row in sentence_rows(segmented[k])])
        ind = _concat([extracted[k].indicators for k in chunk])
        men = _concat([extracted[k].mentions for k in chunk])
        if not men.empty:
            mentions.append(men[[c for c in PROJECT_INPUTS if c in men.columns]])
            men = men.drop(columns=MENTION_ONLY, errors="ignore")
        batch = {
            "reports": _table(rep, "reports", ["report_id"]),
            "sentences": _table(sent, "sentences", ["report_id", "position"]),
            "indicators": _table(ind, "indicators", ["report_id", "start"]),
            "project_mentions": _table(men, "project_mentions", ["report_id", "start"]),
        }
        # target_outcomes pairs figures across reports: kept whole (small beside sentences)
        indicators.append(batch["indicators"])
        reports.append(batch["reports"])
        yield batch
    men = _concat(mentions)
    projects = build_projects(men) if not men.empty else pd.DataFrame()
    all_indicators = pd.concat(indicators, ignore_index=True) if indicators else registry.empty_frame(registry.TABLES["indicators"])
    all_reports = pd.concat(reports, ignore_index=True) if reports else registry.empty_frame(registry.TABLES["reports"])
    yield {
        "projects": _table(projects, "projects", ["district", "name"]),
        "indicator_catalog": _table(pd.DataFrame(catalog_rows()), "indicator_catalog", ["indicator_code"]),
        "target_outcomes": build_target_outcomes(all_indicators, all_reports),
    }


def combine(extracted: dict[str, Extracted], segmented: dict[str, Segmented]) -> dict[str, pd.DataFrame]:
    """All tables from the accepted reports' extracted and segmented layers (by report id), in
    memory: the batches of table_batches with every report in one batch."""
    tables = {name: registry.empty_frame(t) for name, t in registry.TABLES.items()}
    for batch in table_batches(list(extracted), lambda ks: (extracted, segmented), batch_size=max(len(extracted), 1)):
        tables.update(batch)
    return tables
