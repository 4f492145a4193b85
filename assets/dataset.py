"""Unpartitioned assets: the DATASET tables combined from every accepted report, gated by
blocking Great Expectations checks, and the release that is published only when they pass."""


import json

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetOut,
    Failure,
    MetadataValue,
    Output,
    asset,
    multi_asset,
)
from filelock import FileLock, Timeout

from pipelines import registry, settings
from pipelines.combine import combine
from pipelines.publish import publish
from pipelines.report import scan_reports

from .automation import FOLLOW_REPORTS
from .reports import load_rejections, markdown_table, reports_partitions

TABLE_NAMES = list(registry.TABLES)
PER_REPORT = {"extracted_report_row": "reports", "segmented_report": "sentences", "extracted_indicators": "indicators", "extracted_mentions": "mentions"}


@multi_asset(
    group_name="validated",
    ins={name: AssetIn(name) for name in PER_REPORT},
    outs={
        **{name: AssetOut(description=registry.TABLES[name].description, automation_condition=FOLLOW_REPORTS) for name in TABLE_NAMES},
        "validation_results": AssetOut(description="Every expectation of the gate with its result (published as validation.json).", automation_condition=FOLLOW_REPORTS),
    },
    check_specs=[AssetCheckSpec("gate", asset=name, blocking=True, description=f"Great Expectations suite expectations/suites/{name}.json") for name in TABLE_NAMES],
)
def dataset_tables(context: AssetExecutionContext, extracted_report_row: dict, segmented_report: dict, extracted_indicators: dict, extracted_mentions: dict):
    """Combine all accepted reports' outputs into the five tables and run the gate on each."""
    from expectations.gate import run_gate

    current = set(reports_partitions.get_partition_keys(dynamic_partitions_store=context.instance))
    accepted = {k: v for k, v in extracted_report_row.items() if k in current and v is not None and len(v)}
    tables = combine(
        accepted,
        {k: v for k, v in segmented_report.items() if k in accepted},
        {k: v for k, v in extracted_indicators.items() if k in accepted},
        {k: v for k, v in extracted_mentions.items() if k in accepted},
    )
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


def gate_from_frame(df: pd.DataFrame) -> dict:
    tables = []
    for name in TABLE_NAMES:
        sub = df[df["table"] == name] if len(df) else df
        exps = [dict(r, kwargs=json.loads(r["kwargs"]), examples=json.loads(r["examples"])) for r in sub.to_dict("records")]
        passed = all(e["success"] for e in exps if e["severity"] == "error")
        warnings = [f"{e['type']} on {name}.{e['column']}: {e['unexpected_count']} unexpected" for e in exps if not e["success"] and e["severity"] == "warning"]
        tables.append({"table": name, "passed": passed, "expectations": exps, "warnings": warnings})
    return {"passed": all(t["passed"] for t in tables), "tables": tables}


@asset(
    group_name="release",
    ins={**{name: AssetIn(name) for name in TABLE_NAMES}, "validation_results": AssetIn("validation_results")},
    description="A versioned, immutable release folder in CGR_RELEASES_DIR (published only when every gate passes and something changed).",
    automation_condition=FOLLOW_REPORTS,
)
def release(context: AssetExecutionContext, reports, sentences, indicators, projects, project_mentions, validation_results) -> None:
    tables = {"reports": reports, "sentences": sentences, "indicators": indicators, "projects": projects, "project_mentions": project_mentions}
    gate = gate_from_frame(validation_results)
    scan = scan_reports(settings.reports_dir())
    rejected = scan.refused + load_rejections(list(scan.reports))
    releases = settings.releases_dir()
    releases.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(releases / ".publish.lock"), timeout=600):
            result = publish(tables, gate, rejected, releases)
    except Timeout:
        raise Failure(description=f"another process holds the release lock {releases / '.publish.lock'}") from None
    meta = {"published": result.published, "version": result.version or "none", "reason": result.reason, "rejected": len(rejected)}
    if result.path is not None and result.path.exists():
        meta["path"] = str(result.path)
        meta["files"] = MetadataValue.md(markdown_table(pd.DataFrame(
            [{"file": p.name, "bytes": p.stat().st_size} for p in sorted(result.path.iterdir())]), ["file", "bytes"], 50))
    context.add_output_metadata(meta)
    context.log.info(f"release: {'published ' + result.version if result.published else 'nothing published'} ({result.reason})")
