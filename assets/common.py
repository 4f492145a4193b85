"""What the per-report assets share: how a refused report fails its partition, and metadata
previews for the UI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from dagster import Failure, MetadataValue

from pipelines.errors import ReportRejected

from .io import drop_report_outputs
from .resources import CgrSettings


def refuse(cgr: CgrSettings, report_id: str, exc: ReportRejected) -> Failure:
    """A refused report: recorded for the release's rejected.json, its old outputs forgotten,
    and the partition failed with the same message."""
    cgr.ledger.record_rejection(report_id, exc.source, exc.reason)
    drop_report_outputs(Path(cgr.data_dir) / "assets", report_id)
    return Failure(description=str(exc), metadata={"file": exc.source, "reason": exc.reason})


def markdown_table(df: pd.DataFrame, columns: list[str], n: int = 5) -> str:
    cols = [c for c in columns if c in df.columns]
    if not len(df):
        return "(no rows)"
    cell = lambda v: str(v).replace("|", "\\|").replace("\n", " ")[:60]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df[cols].head(n).itertuples(index=False)]
    return "\n".join(lines)


def preview(df: pd.DataFrame, columns: list[str], n: int = 5) -> MetadataValue:
    return MetadataValue.md(markdown_table(df, columns, n))
