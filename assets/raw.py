"""The raw layer's asset: one report file's bytes, SHA-256, size and sidecar."""

from pathlib import Path

from dagster import AssetExecutionContext, asset

from pipelines.errors import ReportRejected
from pipelines.raw.stage import RawReport, read_raw, scan_reports

from .common import refuse
from .partitions import reports_partitions
from .resources import CgrSettings


@asset(partitions_def=reports_partitions, group_name="raw", description="The report file's bytes, SHA-256 and size, read from CGR_REPORTS_DIR, with its checked sidecar.")
def raw_report(context: AssetExecutionContext, cgr: CgrSettings) -> RawReport:
    report_id = context.partition_key
    scan = scan_reports(Path(cgr.reports_dir))
    path = scan.reports.get(report_id)
    if path is None:
        raise refuse(cgr, report_id, ReportRejected(report_id, "the file is no longer in the reports folder"))
    try:
        raw = read_raw(report_id, path, cgr.max_report_bytes, scan)
    except ReportRejected as exc:
        raise refuse(cgr, report_id, exc) from None
    context.add_output_metadata({"sha256": raw.source_sha256, "bytes": raw.source_bytes, "file": path.name})
    return raw
