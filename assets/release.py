"""The release layer's asset: a versioned, immutable folder published when every gate passes."""

import json
from pathlib import Path

import pandas as pd
from dagster import AssetExecutionContext, AssetIn, Failure, MetadataValue, asset
from filelock import FileLock, Timeout

from pipelines import registry
from pipelines.raw.stage import scan_reports
from pipelines.release.clock import release_inputs, release_time
from pipelines.release.stage import publish
from pipelines.settings import is_remote, location
from pipelines.release.writer import ReleaseTables

from .automation import FOLLOW_REPORTS
from .common import markdown_table
from .io import staged_tables_dir
from .resources import CgrSettings

TABLE_NAMES = list(registry.TABLES)


def gate_from_frame(df: pd.DataFrame) -> dict:
    tables = []
    for name in TABLE_NAMES:
        sub = df[df["table"] == name] if len(df) else df
        exps = [dict(r, kwargs=json.loads(r["kwargs"]), examples=json.loads(r["examples"])) for r in sub.to_dict("records")]
        passed = all(e["success"] for e in exps if e["severity"] == "critical")
        warnings = [f"{e['type']} on {name}.{e['column']}: {e['unexpected_count']} unexpected" for e in exps if not e["success"] and e["severity"] == "warning"]
        tables.append({"table": name, "passed": passed, "expectations": exps, "warnings": warnings})
    return {"passed": all(t["passed"] for t in tables), "tables": tables}


@asset(
    group_name="release",
    deps=TABLE_NAMES,
    ins={"validation_results": AssetIn("validation_results")},
    description="A versioned, immutable release folder in CGR_RELEASES_DIR (published only when every gate passes and something changed).",
    automation_condition=FOLLOW_REPORTS,
)
def release(context: AssetExecutionContext, cgr: CgrSettings, validation_results) -> None:
    # the tables staged by the validated step are copied as written, never loaded whole
    tables = ReleaseTables.from_staged(staged_tables_dir(Path(cgr.data_dir) / "assets"))
    gate = gate_from_frame(validation_results)
    scan = scan_reports(Path(cgr.reports_dir))
    # what a reader needs: the file, its report id and the reason (not the ledger's bookkeeping)
    rejected = [{k: r.get(k) for k in ("source_file", "report_id", "reason")}
                for r in scan.refused + cgr.ledger.load_rejections(list(scan.reports))]
    releases = location(cgr.releases_dir)
    # a store URL has no lock file of its own: this machine's lock sits in the data directory
    lock = Path(cgr.data_dir) / ".publish.lock" if is_remote(releases) else releases / ".publish.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(lock), timeout=600):
            result = publish(tables, gate, rejected, releases,
                             now=release_time(cgr.source_date_epoch, release_inputs(scan.reports.values())))
    except Timeout:
        raise Failure(description=f"another process holds the release lock {lock}") from None
    meta = {"published": result.published, "version": result.version or "none", "reason": result.reason, "rejected": len(rejected)}
    if result.path is not None and result.path.exists():
        meta["path"] = str(result.path)
        meta["files"] = MetadataValue.md(markdown_table(pd.DataFrame(
            [{"file": p.name, "bytes": p.stat().st_size} for p in sorted(result.path.iterdir())]), ["file", "bytes"], 50))
    context.add_output_metadata(meta)
    context.log.info(f"release: {'published ' + result.version if result.published else 'nothing published'} ({result.reason})")
