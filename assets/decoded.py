"""The decoded layer's asset: clean Simplified text and the repaired source-script text."""

from collections.abc import Mapping

from dagster import AssetExecutionContext, BackfillPolicy, MetadataValue, asset

from pipelines.decoded.stage import decode

from .common import for_each_report, partition_metadata
from .partitions import reports_partitions
from .resources import CgrSettings


@asset(partitions_def=reports_partitions, backfill_policy=BackfillPolicy.single_run(), group_name="decoded",
       description="Clean Simplified text and the repaired source-script text, with the encoding and repair counts.")
def decoded_report(context: AssetExecutionContext, cgr: CgrSettings, raw_report: Mapping):
    def work(report_id: str) -> dict | None:
        if report_id not in raw_report:
            return None
        d = decode(raw_report[report_id])
        partition_metadata(context, report_id, {
            "encoding": d.encoding, "script": d.script, "chars": len(d.text),
            "repairs_pinyin": d.repairs_pinyin, "repairs_mojibake": d.repairs_mojibake,
            "repairs_punctuation": d.repairs_punctuation, "repairs_dropped_lines": d.repairs_dropped_lines,
            "unrecoverable_chars": d.unrecoverable_chars, "repairs_invisible": d.repairs_invisible,
            "preview": MetadataValue.md("```\n" + d.text[:400] + "\n```"),
        })
        return {"decoded_report": d}

    for_each_report(context, cgr, work)
