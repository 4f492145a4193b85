"""What the per-report assets share: one run may hold many reports (partitions), each written
to stage storage as soon as it is made; how a refused report is recorded; metadata previews."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd
from dagster import AssetExecutionContext, AssetKey, Failure, MetadataValue

from pipelines.errors import ReportRejected

from .io import drop_report_outputs, store_partition
from .resources import CgrSettings


def refuse(cgr: CgrSettings, report_id: str, exc: ReportRejected) -> Failure:
    """A refused report: recorded for the release's rejected.json, its old outputs and its
    content history forgotten, and a Failure with the same message."""
    cgr.ledger.record_rejection(report_id, exc.source, exc.reason, exc.depends_on, exc.retry)
    cgr.ledger.forget_source(report_id)
    drop_report_outputs(Path(cgr.data_dir) / "assets", report_id)
    return Failure(description=str(exc), metadata={"file": exc.source, "reason": exc.reason})


def crashed(cgr: CgrSettings, step: str, report_id: str, exc: BaseException) -> ReportRejected:
    """Any other error while one report is worked on (a bug a text triggers, a full disk): that
    report alone is refused, with the error in one line, and retried by the next build."""
    detail = (str(exc).strip().splitlines() or [""])[0][:200]
    source = next((p.name for p in sorted(Path(cgr.reports_dir).glob(f"{report_id}.*")) if p.stem == report_id and p.suffix != ".yaml"), report_id)
    return ReportRejected(source, f"{step} failed ({type(exc).__name__}{': ' + detail if detail else ''}); retried on the next build",
                          retry=True)


def for_each_report(context: AssetExecutionContext, cgr: CgrSettings, work: Callable[[str], dict | None]) -> None:
    """Run `work(report_id)` for every report of the run; it returns {asset: object} to store
    (None: nothing to do, e.g. refused upstream) and may add per-partition metadata. A refused
    report is recorded and skipped so the other reports of a batch go through (its partition's
    materialisation says `refused`); alone in its run, it fails its partition with the reason.
    Any other error of one report refuses it the same way (retried by the next build)."""
    keys = context.partition_keys
    root = Path(cgr.data_dir) / "assets"
    for report_id in keys:
        try:
            outputs = work(report_id)
            for asset, obj in (outputs or {}).items():
                store_partition(root, asset, report_id, obj)
        except Exception as exc:  # one report's failure, whatever it is, is that report's alone
            if not isinstance(exc, ReportRejected):
                exc = crashed(cgr, context.op_def.name, report_id, exc)
            failure = refuse(cgr, report_id, exc)
            if len(keys) == 1:
                raise failure from None
            context.log.warning(f"refused {report_id}: {exc}")
            for key in context.selected_asset_keys:
                _add_partition_metadata(context, {"refused": str(exc)}, key, report_id)
            continue
        if outputs is None:
            for key in context.selected_asset_keys:
                _add_partition_metadata(context, {"skipped": "refused in an earlier layer"}, key, report_id)
            continue


def partition_metadata(context: AssetExecutionContext, report_id: str, metadata: dict, asset: str | None = None) -> None:
    """Metadata of one report's materialisation (each partition of a batch has its own)."""
    _add_partition_metadata(context, metadata, AssetKey(asset) if asset else context.assets_def.key, report_id)


def _add_partition_metadata(context: AssetExecutionContext, metadata: dict, asset_key: AssetKey, report_id: str) -> None:
    """What `context.add_asset_metadata(metadata, asset_key, partition_key)` records, without
    its check that the key is one of the run's: that check reads every dynamic partition from
    the instance on each call (a query per report and asset, N x N rows for a batch), and the
    callers pass keys taken from `context.partition_keys` (for_each_report). Dagster is pinned
    in pyproject.toml; tests/integration read the per-partition metadata back."""
    if asset_key not in context.assets_def.keys:
        raise ValueError(f"{asset_key.to_user_string()} is not materialised by this step")
    step = context.op_execution_context._step_execution_context  # noqa: SLF001
    step._metadata_accumulator = step._metadata_accumulator.with_additional_asset_metadata(  # noqa: SLF001
        asset_key=asset_key, metadata=metadata, partition_key=report_id)


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
