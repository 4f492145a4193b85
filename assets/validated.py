"""The validated layer's assets: the DATASET tables combined from every accepted report, each
gated by a blocking Great Expectations check."""

import json

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetOut,
    MetadataValue,
    Output,
    multi_asset,
)

from pipelines import registry
from pipelines.extracted.stage import Extracted
from pipelines.validated.stage import combine

from .automation import FOLLOW_REPORTS
from .common import markdown_table
from .partitions import reports_partitions

TABLE_NAMES = list(registry.TABLES)
PER_REPORT_INPUTS = ("extracted_report_row", "segmented_report", "extracted_indicators", "extracted_mentions")


@multi_asset(
    group_name="validated",
    ins={name: AssetIn(name) for name in PER_REPORT_INPUTS},
    outs={
        **{name: AssetOut(description=registry.TABLES[name].description, automation_condition=FOLLOW_REPORTS) for name in TABLE_NAMES},
        "validation_results": AssetOut(description="Every expectation of the gate with its result (published as validation.json).", automation_condition=FOLLOW_REPORTS),
    },
    check_specs=[AssetCheckSpec("gate", asset=name, blocking=True, description=f"Great Expectations suite of the {name} table") for name in TABLE_NAMES],
)
def dataset_tables(context: AssetExecutionContext, extracted_report_row: dict, segmented_report: dict, extracted_indicators: dict, extracted_mentions: dict):
    """Combine all accepted reports' outputs into the tables and run the gate on each."""
    from expectations.gate import run_gate

    current = set(reports_partitions.get_partition_keys(dynamic_partitions_store=context.instance))
    accepted = sorted(k for k, row in extracted_report_row.items() if k in current and row is not None
                      and k in segmented_report and k in extracted_indicators and k in extracted_mentions)
    extracted = {k: Extracted(extracted_report_row[k], extracted_indicators[k], extracted_mentions[k]) for k in accepted}
    tables = combine(extracted, {k: segmented_report[k] for k in accepted})
    results = {name: run_gate(name, tables[name], tables) for name in TABLE_NAMES}
    for name in TABLE_NAMES:
        df = tables[name]
        yield Output(df, name, metadata={"rows": len(df), "preview": MetadataValue.md(markdown_table(df, df.columns.tolist()[:8]))})
    rows = [dict(o.__dict__, kwargs=json.dumps(o.kwargs, ensure_ascii=False, default=str), examples=json.dumps(o.examples, ensure_ascii=False, default=str))
            for r in results.values() for o in r.outcomes]
    yield Output(pd.DataFrame(rows), "validation_results", metadata={"expectations": len(rows), "failed_errors": sum(len(r.failures) for r in results.values())})
    for name, r in results.items():
        yield AssetCheckResult(
            asset_key=name,
            check_name="gate",
            passed=r.passed,
            severity=AssetCheckSeverity.ERROR,
            metadata={
                "failed": MetadataValue.json([{"expectation": f.type, "column": f.column, "condition": f.kwargs.get("row_condition"),
                                               "unexpected_count": f.unexpected_count, "examples": f.examples[:10]} for f in r.failures]),
                "warnings": MetadataValue.json([w.describe() for w in r.warnings]),
                "summary": "; ".join(f.describe() for f in r.failures) or "all expectations passed",
                "expectations": len(r.outcomes),
            },
        )
