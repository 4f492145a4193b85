"""The validated layer's assets: the DATASET tables combined from every accepted report, each
gated by a blocking Great Expectations check."""

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
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
from pipelines.release.writer import write_tables
from pipelines.validated.stage import table_batches

from .automation import FOLLOW_REPORTS
from .common import markdown_table
from .io import staged_tables_dir
from .partitions import reports_partitions
from .resources import CgrSettings

TABLE_NAMES = list(registry.TABLES)
PER_REPORT_INPUTS = ("extracted_report_row", "segmented_report", "extracted_indicators", "extracted_mentions")


def _head(path: Path, n: int = 5) -> str:
    """The first rows of a staged table (its first columns), read without loading the table."""
    batch = next(pq.ParquetFile(path).iter_batches(batch_size=n), None)
    if batch is None:
        return "(no rows)"
    df = batch.to_pandas()
    return markdown_table(df, df.columns.tolist()[:8], n)


@multi_asset(
    group_name="validated",
    ins={name: AssetIn(name) for name in PER_REPORT_INPUTS},
    outs={
        **{name: AssetOut(description=registry.TABLES[name].description, automation_condition=FOLLOW_REPORTS) for name in TABLE_NAMES},
        "validation_results": AssetOut(description="Every expectation of the gate with its result (published as validation.json).", automation_condition=FOLLOW_REPORTS),
    },
    check_specs=[AssetCheckSpec("gate", asset=name, blocking=True, description=f"Great Expectations suite of the {name} table") for name in TABLE_NAMES],
)
def dataset_tables(context: AssetExecutionContext, cgr: CgrSettings, extracted_report_row: Mapping, segmented_report: Mapping,
                   extracted_indicators: Mapping, extracted_mentions: Mapping):
    """Stream every accepted report's outputs, batch by batch, into the staged tables (Parquet +
    CSV, pipelines/release/writer.py), then run the gate on each, reading only the columns its
    expectations read. The inputs are read on access: no step holds every report at once."""
    from expectations.gate import load_for_gates, run_gate

    current = set(reports_partitions.get_partition_keys(dynamic_partitions_store=context.instance))
    accepted = sorted(k for k in extracted_report_row if k in current
                      and k in segmented_report and k in extracted_indicators and k in extracted_mentions)

    def load(keys: list[str]):
        return ({k: Extracted(extracted_report_row[k], extracted_indicators[k], extracted_mentions[k]) for k in keys},
                {k: segmented_report[k] for k in keys})

    staged = staged_tables_dir(Path(cgr.data_dir) / "assets")
    tmp = staged.with_name(f".{staged.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    written = write_tables(tmp, table_batches(accepted, load), staged=True)
    shutil.rmtree(staged, ignore_errors=True)
    os.replace(tmp, staged)
    tables = load_for_gates(staged)
    results = {name: run_gate(name, tables[name], tables) for name in TABLE_NAMES}
    del tables
    for name in TABLE_NAMES:
        yield Output(None, name, metadata={"rows": written[name].rows, "csv_sha256": written[name].csv_sha256,
                                           "preview": MetadataValue.md(_head(staged / f"{name}.parquet"))})
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
