"""The extracted layer's asset: the report's row of `reports`, its indicators and its mentions."""

from collections.abc import Mapping

import pandas as pd
from dagster import AssetExecutionContext, AssetOut, BackfillPolicy, Output, multi_asset

from pipelines.extracted.stage import extract

from .common import for_each_report, partition_metadata, preview
from .partitions import reports_partitions
from .resources import CgrSettings

OUTS = ("extracted_report_row", "extracted_indicators", "extracted_mentions")


@multi_asset(
    partitions_def=reports_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    group_name="extracted",
    outs={
        "extracted_report_row": AssetOut(description="The report's row of `reports`: provenance, repairs and metadata (sidecar values win)."),
        "extracted_indicators": AssetOut(description="The report's indicators: every quantity with value, unit, measure, kind, year, metric."),
        "extracted_mentions": AssetOut(description="The report's project mentions with status and category."),
    },
)
def extracted_report(context: AssetExecutionContext, cgr: CgrSettings, raw_report: Mapping, decoded_report: Mapping, segmented_report: Mapping):
    def work(report_id: str) -> dict | None:
        if not (report_id in raw_report and report_id in decoded_report and report_id in segmented_report):
            return None
        out = extract(raw_report[report_id], decoded_report[report_id], segmented_report[report_id])
        cgr.ledger.clear_rejection(report_id)
        ind, men = out.indicators, out.mentions
        partition_metadata(context, report_id, {"preview": preview(pd.DataFrame([out.report]), ["district", "report_type", "review_year", "plan_year", "curated_fields"])},
                           "extracted_report_row")
        partition_metadata(context, report_id, {
            "rows": len(ind), "null_years": int(ind["year"].isna().sum()) if len(ind) else 0,
            "preview": preview(ind, ["metric", "value", "unit", "measure", "kind", "year"]),
        }, "extracted_indicators")
        partition_metadata(context, report_id, {"rows": len(men), "preview": preview(men, ["name", "status", "category"])}, "extracted_mentions")
        return {"extracted_report_row": out.report, "extracted_indicators": ind, "extracted_mentions": men}

    for_each_report(context, cgr, work)
    for name in OUTS:  # stored per report above; the outputs mark the materialisations
        yield Output(None, name)
