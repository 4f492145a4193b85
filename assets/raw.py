"""The raw layer's asset: each report file's bytes, SHA-256, size and sidecar."""

from pathlib import Path

from dagster import AssetExecutionContext, BackfillPolicy, asset

from pipelines.errors import ReportRejected
from pipelines.raw.stage import read_raw, scan_reports

from .common import for_each_report, partition_metadata
from .partitions import reports_partitions
from .resources import CgrSettings


@asset(partitions_def=reports_partitions, backfill_policy=BackfillPolicy.single_run(), group_name="raw",
       description="The report file's bytes, SHA-256 and size, read from CGR_REPORTS_DIR, with its checked sidecar.")
def raw_report(context: AssetExecutionContext, cgr: CgrSettings):
    scan = scan_reports(Path(cgr.reports_dir))  # once per run, for every report of it
    history = cgr.ledger.accepted_sources()  # which report holds which content (duplicates)

    def work(report_id: str) -> dict:
        path = scan.reports.get(report_id)
        if path is None:
            raise ReportRejected(report_id, "the file is no longer in the reports folder")
        raw = read_raw(report_id, path, cgr.max_report_bytes, scan, history)
        cgr.ledger.record_source(report_id, raw.source_sha256)
        partition_metadata(context, report_id, {"sha256": raw.source_sha256, "bytes": raw.source_bytes, "file": path.name})
        return {"raw_report": raw}

    for_each_report(context, cgr, work)
