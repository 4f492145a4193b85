"""Per-report assets, one dynamic partition per report: raw -> decoded -> segmented -> extracted."""


import json
from pathlib import Path

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetOut,
    DynamicPartitionsDefinition,
    Failure,
    MetadataValue,
    Output,
    asset,
    multi_asset,
)

from pipelines import settings
from pipelines.errors import ReportRejected
from pipelines.report import (
    decoded_frame,
    decoded_from_frame,
    extracted_frames,
    raw_frame,
    scan_reports,
    segmented_frame,
)

from .io import drop_report_outputs

reports_partitions = DynamicPartitionsDefinition(name="reports")


def rejections_dir() -> Path:
    return settings.data_dir() / "rejected"


def record_rejection(report_id: str, source_file: str, reason: str) -> None:
    folder = rejections_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{report_id}.json").write_text(
        json.dumps({"report_id": report_id, "source_file": source_file, "reason": reason}, ensure_ascii=False), encoding="utf-8"
    )


def clear_rejection(report_id: str) -> None:
    (rejections_dir() / f"{report_id}.json").unlink(missing_ok=True)


def load_rejections(report_ids: list[str]) -> list[dict]:
    out = []
    for rid in sorted(report_ids):
        path = rejections_dir() / f"{rid}.json"
        if path.exists():
            out.append(json.loads(path.read_text(encoding="utf-8")))
    return out


def _refuse(report_id: str, exc: ReportRejected) -> Failure:
    """A refused report: recorded for the release's rejected.json, its old outputs forgotten,
    and the partition failed with the same message."""
    record_rejection(report_id, exc.source, exc.reason)
    drop_report_outputs(report_id)
    return Failure(description=str(exc), metadata={"file": exc.source, "reason": exc.reason})


def _preview(df: pd.DataFrame, columns: list[str], n: int = 5) -> MetadataValue:
    return MetadataValue.md(markdown_table(df, columns, n))


def markdown_table(df: pd.DataFrame, columns: list[str], n: int = 5) -> str:
    cols = [c for c in columns if c in df.columns]
    if not len(df):
        return "(no rows)"
    cell = lambda v: str(v).replace("|", "\\|").replace("\n", " ")[:60]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df[cols].head(n).itertuples(index=False)]
    return "\n".join(lines)


@asset(partitions_def=reports_partitions, group_name="raw", description="The report file's bytes, SHA-256 and size, read from CGR_REPORTS_DIR.")
def raw_report(context: AssetExecutionContext) -> pd.DataFrame:
    report_id = context.partition_key
    scan = scan_reports(settings.reports_dir())
    path = scan.reports.get(report_id)
    if path is None:
        raise _refuse(report_id, ReportRejected(report_id, "the file is no longer in the reports folder"))
    try:
        df = raw_frame(report_id, path, scan)
    except ReportRejected as exc:
        raise _refuse(report_id, exc) from None
    context.add_output_metadata({"sha256": df["source_sha256"].iloc[0], "bytes": int(df["source_bytes"].iloc[0]), "file": path.name})
    return df


@asset(partitions_def=reports_partitions, group_name="decoded", description="Clean Simplified text and the repaired source-script text, with the encoding and repair counts.")
def decoded_report(context: AssetExecutionContext, raw_report: pd.DataFrame) -> pd.DataFrame:
    try:
        df = decoded_frame(raw_report)
    except ReportRejected as exc:
        raise _refuse(context.partition_key, exc) from None
    row = df.iloc[0]
    context.add_output_metadata({
        "encoding": row["encoding"], "script": row["script"], "chars": len(row["text"]),
        "repairs_pinyin": int(row["repairs_pinyin"]), "repairs_mojibake": int(row["repairs_mojibake"]),
        "repairs_punctuation": int(row["repairs_punctuation"]), "repairs_dropped_lines": int(row["repairs_dropped_lines"]),
        "unrecoverable_chars": int(row["unrecoverable_chars"]),
        "preview": MetadataValue.md("```\n" + row["text"][:400] + "\n```"),
    })
    return df


@asset(partitions_def=reports_partitions, group_name="segmented", description="Sentences, headings, titles and captions with offsets, section, part (review/plan) and tokens.")
def segmented_report(context: AssetExecutionContext, decoded_report: pd.DataFrame) -> pd.DataFrame:
    df = segmented_frame(context.partition_key, decoded_from_frame(decoded_report))
    body = df[df["block"] == "body"]
    context.add_output_metadata({
        "rows": len(df), "body_sentences": len(body),
        "review_sentences": int((body["part"] == "review").sum()), "plan_sentences": int((body["part"] == "plan").sum()),
        "truncated": int(df["truncated"].sum()), "preview": _preview(df, ["sentence_id", "block", "part", "text"]),
    })
    return df


@multi_asset(
    partitions_def=reports_partitions,
    group_name="extracted",
    outs={
        "extracted_report_row": AssetOut(description="The report's row of `reports`: provenance, repairs and metadata (sidecar values win)."),
        "extracted_indicators": AssetOut(description="The report's indicators: every quantity with value, unit, measure, kind, year, metric."),
        "extracted_mentions": AssetOut(description="The report's project mentions with status and category."),
    },
)
def extracted_report(context: AssetExecutionContext, raw_report: pd.DataFrame, decoded_report: pd.DataFrame, segmented_report: pd.DataFrame):
    report_id = context.partition_key
    path = scan_reports(settings.reports_dir()).reports.get(report_id)
    sidecar = path.with_suffix(".yaml") if path is not None else None
    try:
        frames = extracted_frames(raw_report, decoded_report, segmented_report, sidecar)
    except ReportRejected as exc:
        raise _refuse(report_id, exc) from None
    clear_rejection(report_id)
    ind = frames["indicators"]
    yield Output(frames["reports"], "extracted_report_row", metadata={"preview": _preview(frames["reports"], ["district", "report_type", "review_year", "plan_year", "curated_fields"])})
    yield Output(ind, "extracted_indicators", metadata={
        "rows": len(ind), "null_years": int(ind["year"].isna().sum()) if len(ind) else 0,
        "preview": _preview(ind, ["metric", "value", "unit", "measure", "kind", "year"]),
    })
    yield Output(frames["mentions"], "extracted_mentions", metadata={"rows": len(frames["mentions"]), "preview": _preview(frames["mentions"], ["name", "status", "category"])})
