"""The extracted layer's asset: the report's row of `reports`, its indicators and its mentions."""

import pandas as pd
from dagster import AssetExecutionContext, AssetOut, Output, multi_asset

from pipelines.decoded.stage import Decoded
from pipelines.errors import ReportRejected
from pipelines.raw.stage import RawReport
from pipelines.segmented.sentences import Segmented
from pipelines.extracted.stage import extract

from .common import preview, refuse
from .partitions import reports_partitions
from .resources import CgrSettings


@multi_asset(
    partitions_def=reports_partitions,
    group_name="extracted",
    outs={
        "extracted_report_row": AssetOut(description="The report's row of `reports`: provenance, repairs and metadata (sidecar values win)."),
        "extracted_indicators": AssetOut(description="The report's indicators: every quantity with value, unit, measure, kind, year, metric."),
        "extracted_mentions": AssetOut(description="The report's project mentions with status and category."),
    },
)
def extracted_report(context: AssetExecutionContext, cgr: CgrSettings, raw_report: RawReport, decoded_report: Decoded, segmented_report: Segmented):
    report_id = context.partition_key
    try:
        out = extract(raw_report, decoded_report, segmented_report)
    except ReportRejected as exc:
        raise refuse(cgr, report_id, exc) from None
    cgr.ledger.clear_rejection(report_id)
    ind, men = out.indicators, out.mentions
    yield Output(out.report, "extracted_report_row", metadata={"preview": preview(pd.DataFrame([out.report]), ["district", "report_type", "review_year", "plan_year", "curated_fields"])})
    yield Output(ind, "extracted_indicators", metadata={
        "rows": len(ind), "null_years": int(ind["year"].isna().sum()) if len(ind) else 0,
        "preview": preview(ind, ["metric", "value", "unit", "measure", "kind", "year"]),
    })
    yield Output(men, "extracted_mentions", metadata={"rows": len(men), "preview": preview(men, ["name", "status", "category"])})
