"""Combine the per-report outputs into the DATASET tables (registry columns and types)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import registry
from .projects import build_projects


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _table(df: pd.DataFrame, name: str, sort: list[str]) -> pd.DataFrame:
    table = registry.TABLES[name]
    if df.empty:
        return registry.empty_frame(table)
    return registry.conform(df.sort_values(sort, kind="stable"), table)


def combine(reports: dict[str, pd.DataFrame], segmented: dict[str, pd.DataFrame],
            indicators: dict[str, pd.DataFrame], mentions: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """All five tables from per-report frames keyed by report_id (only accepted reports)."""
    keys = sorted(reports)
    rep = _concat([reports[k] for k in keys])
    sent = _concat([segmented[k] for k in keys if k in segmented])
    if not sent.empty:
        sent = sent[sent["block"] != "boilerplate"]
    ind = _concat([indicators[k] for k in keys if k in indicators])
    men = _concat([mentions[k] for k in keys if k in mentions])
    projects = build_projects(men) if not men.empty else pd.DataFrame()
    if not men.empty:
        men = men.drop(columns=["name", "district", "category", "investment_value", "investment_unit"], errors="ignore")
    return {
        "reports": _table(rep, "reports", ["report_id"]),
        "sentences": _table(sent, "sentences", ["report_id", "position"]),
        "indicators": _table(ind, "indicators", ["report_id", "start"]),
        "projects": _table(projects, "projects", ["district", "name"]),
        "project_mentions": _table(men, "project_mentions", ["report_id", "start"]),
    }


def frames_for_folder(folder: Path) -> tuple[dict, dict, dict, dict, list[dict]]:
    """Every per-report stage on every report in a folder, in one process and without Dagster:
    the per-report frames (reports, sentences, indicators, mentions by report id) and the
    rejections as {source_file, report_id, reason}. For evaluation loops and benchmarks; the
    orchestrated build does the same work one report partition at a time."""
    from .errors import ReportRejected
    from .report import decoded_frame, decoded_from_frame, extracted_frames, raw_frame, scan_reports, segmented_frame

    scan = scan_reports(folder)
    rejected = list(scan.refused)
    reports, segmented, indicators, mentions = {}, {}, {}, {}
    for report_id, path in scan.reports.items():
        try:
            raw = raw_frame(report_id, path, scan)
            decoded = decoded_frame(raw)
            seg = segmented_frame(report_id, decoded_from_frame(decoded))
            sidecar = path.with_suffix(".yaml")
            out = extracted_frames(raw, decoded, seg, sidecar if sidecar.exists() else None)
        except ReportRejected as e:
            rejected.append({"source_file": e.source, "report_id": report_id, "reason": e.reason})
            continue
        reports[report_id], segmented[report_id] = out["reports"], seg
        indicators[report_id], mentions[report_id] = out["indicators"], out["mentions"]
    return reports, segmented, indicators, mentions, rejected


def tables_for_folder(folder: Path) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """The five tables for a folder of reports, without Dagster (see frames_for_folder)."""
    reports, segmented, indicators, mentions, rejected = frames_for_folder(folder)
    return combine(reports, segmented, indicators, mentions), rejected
