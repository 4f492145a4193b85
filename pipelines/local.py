"""Every stage on a folder of reports in one process, without Dagster: for evaluation loops,
benchmarks and fast tests. The orchestrated build does the same work per report partition."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .decoded.stage import decode
from .errors import ReportRejected
from .extracted.stage import Extracted, extract
from .raw.stage import read_raw, scan_reports
from .segmented.sentences import Segmented
from .segmented.stage import segment_report
from .settings import DEFAULT_MAX_REPORT_BYTES
from .validated.stage import combine


def layers_for_folder(folder: Path, max_bytes: int = DEFAULT_MAX_REPORT_BYTES) -> tuple[dict[str, Extracted], dict[str, Segmented], list[dict]]:
    """The extracted and segmented layers of every accepted report (by report id), and the
    rejections as {source_file, report_id, reason}."""
    scan = scan_reports(folder)
    rejected = list(scan.refused)
    extracted, segmented = {}, {}
    for report_id, path in scan.reports.items():
        try:
            raw = read_raw(report_id, path, max_bytes, scan)
            decoded = decode(raw)
            seg = segment_report(report_id, decoded)
            extracted[report_id] = extract(raw, decoded, seg)
        except ReportRejected as e:
            rejected.append({"source_file": e.source, "report_id": report_id, "reason": e.reason})
            continue
        segmented[report_id] = seg
    return extracted, segmented, rejected


def tables_for_folder(folder: Path, max_bytes: int = DEFAULT_MAX_REPORT_BYTES) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """The tables for a folder of reports, and the rejections."""
    extracted, segmented, rejected = layers_for_folder(folder, max_bytes)
    return combine(extracted, segmented), rejected
